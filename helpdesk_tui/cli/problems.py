"""`helpdesk problem ...`: problems (issue 19): register one (from an incident too), move it
along its lifecycle, record its root cause and workaround, link its incidents, resolve it (and
its open incidents with it)."""

from __future__ import annotations

from typing import Annotated, Any, Optional

import typer

from helpdesk_tui.cli.output import emit_json, fields, say, table
from helpdesk_tui.cli.state import state
from helpdesk_tui.desk import lookup, problems
from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.problem_status import ProblemStatus, parse
from helpdesk_tui.domain.statuses import IncidentStatus, ReasonCode
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import ConfigurationItem, Person, Problem, Service, WorkGroup

problem_app = typer.Typer(help="Problems: the causes behind incidents, known errors, their solutions.",
                          no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
VersionOpt = Annotated[Optional[int], typer.Option("--version", help="The version you saw; refused if it changed since.")]
Number = Annotated[str, typer.Argument(help="Problem number, e.g. PRB0000012.")]
IncidentArg = Annotated[str, typer.Argument(help="Incident number, e.g. INC0000123.")]


def _problem(session, number: str) -> Problem:  # type: ignore[no-untyped-def]
    return lookup.find_numbered(session, Problem, "PRB", number)


def _name(session, model, record_id: int | None, attribute: str = "name") -> str | None:  # type: ignore[no-untyped-def]
    record = session.get(model, record_id) if record_id else None
    return getattr(record, attribute) if record is not None else None


def detail(session, problem: Problem, *, with_incidents: bool = True) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    shown: dict[str, Any] = {
        "number": problem.number, "short_description": problem.short_description, "status": problem.status,
        "description": problem.description, "root_cause": problem.root_cause, "workaround": problem.workaround,
        "solution": problem.solution, "service": _name(session, Service, problem.service_id),
        "configuration_item": _name(session, ConfigurationItem, problem.configuration_item_id),
        "group": _name(session, WorkGroup, problem.group_id),
        "owner": _name(session, Person, problem.owner_id, "full_name"), "version": problem.version,
        "created_at": problem.created_at, "resolved_at": problem.resolved_at, "closed_at": problem.closed_at,
    }
    if with_incidents:
        shown["incidents"] = [{"number": i.number, "status": i.status, "short_description": i.short_description}
                              for i in problems.problem_incidents(session, problem)]
    return shown


def _references(session, *, service: Optional[str], ci: Optional[str], group: Optional[str],  # type: ignore[no-untyped-def]
                owner: Optional[str]) -> dict[str, Any]:
    """The named records; an empty name clears the field."""
    found: dict[str, Any] = {}
    for name, text, find in (("service", service, lookup.find_service),
                             ("configuration_item", ci, lookup.find_configuration_item),
                             ("group", group, lookup.find_group), ("owner", owner, lookup.find_person)):
        if text is not None:
            found[name] = find(session, text) if text.strip() else None
    return found


@problem_app.command("new")
def problem_new(
    short: Annotated[str, typer.Option("--short", "-s", help="Short description.")],
    description: Annotated[str, typer.Option("--description", "-d")] = "",
    root_cause: Annotated[str, typer.Option("--root-cause")] = "",
    workaround: Annotated[str, typer.Option("--workaround")] = "",
    incident: Annotated[Optional[str], typer.Option("--incident", help="Register it from this incident (linked).")] = None,
    service: Annotated[Optional[str], typer.Option("--service")] = None,
    ci: Annotated[Optional[str], typer.Option("--ci", help="Configuration item.")] = None,
    group: Annotated[Optional[str], typer.Option("--group")] = None,
    owner: Annotated[Optional[str], typer.Option("--owner")] = None,
) -> None:
    """Register a problem, on its own or from an incident."""
    with state.write() as s:
        refs = _references(s, service=service, ci=ci, group=group, owner=owner)
        made = problems.register_problem(s, state.actor(s), short_description=short, description=description,
                                         root_cause=root_cause, workaround=workaround,
                                         incident=lookup.find_incident(s, incident) if incident else None, **refs)
        number = made.number
    say(_("Registered {number}").format(number=number))


@problem_app.command("show")
def problem_show(number: Number, as_json: JsonOpt = False) -> None:
    """A problem with its root cause, workaround, solution and incidents."""
    with state.read() as s:
        d = detail(s, _problem(s, number))
    if as_json:
        emit_json(d)
        return
    say(f"{d['number']}  {d['short_description']}")
    fields([(_("Status"), ProblemStatus(d["status"]).label), (_("Service"), d["service"]),
            (_("Configuration item"), d["configuration_item"]), (_("Work group"), d["group"]),
            (_("Owner"), d["owner"]), (_("Created"), when(d["created_at"])),
            (_("Resolved"), when(d["resolved_at"]) if d["resolved_at"] else None), (_("Version"), str(d["version"]))])
    for label, key in ((_("Description"), "description"), (_("Root cause"), "root_cause"),
                       (_("Workaround"), "workaround"), (_("Solution"), "solution")):
        if d[key]:
            say("\n" + label + "\n" + d[key])
    if d["incidents"]:
        say("")
        table([_("Incident"), _("Status"), _("Short description")],
              [(i["number"], IncidentStatus(i["status"]).label, i["short_description"]) for i in d["incidents"]])


@problem_app.command("list")
def problem_list(
    status: Annotated[Optional[str], typer.Option("--status", help="registered, analysis, known_error, resolved, closed")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only those not resolved or closed.")] = False,
    ci: Annotated[Optional[str], typer.Option("--ci", help="Only those of this configuration item.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Problems, newest first."""
    with state.read() as s:
        rows = [detail(s, p, with_incidents=False) for p in problems.list_problems(
            s, status=parse(status) if status else None, open_only=open_only,
            configuration_item=lookup.find_configuration_item(s, ci) if ci else None)]
    if as_json:
        emit_json(rows)
        return
    table([_("Number"), _("Short description"), _("Status"), _("Configuration item"), _("Created")],
          [(r["number"], r["short_description"], ProblemStatus(r["status"]).label, r["configuration_item"],
            when(r["created_at"])) for r in rows])


@problem_app.command("status")
def problem_status(
    number: Number,
    status: Annotated[str, typer.Argument(help="registered, analysis, known_error, resolved or closed.")],
    root_cause: Annotated[Optional[str], typer.Option("--root-cause")] = None,
    workaround: Annotated[Optional[str], typer.Option("--workaround")] = None,
    solution: Annotated[Optional[str], typer.Option("--solution")] = None,
    version: VersionOpt = None,
) -> None:
    """Move a problem to another status (a known error needs its root cause and workaround)."""
    target = parse(status)
    with state.write() as s:
        problem = problems.change_status(s, state.actor(s), _problem(s, number), target, root_cause=root_cause,
                                         workaround=workaround, solution=solution, expected_version=version)
        number = problem.number
    say(_("{number}: «{status}»").format(number=number, status=target.label))


@problem_app.command("edit")
def problem_edit(
    number: Number,
    short: Annotated[Optional[str], typer.Option("--short", "-s")] = None,
    description: Annotated[Optional[str], typer.Option("--description", "-d")] = None,
    root_cause: Annotated[Optional[str], typer.Option("--root-cause")] = None,
    workaround: Annotated[Optional[str], typer.Option("--workaround")] = None,
    solution: Annotated[Optional[str], typer.Option("--solution", help="Of a resolved problem.")] = None,
    service: Annotated[Optional[str], typer.Option("--service", help="An empty name clears it.")] = None,
    ci: Annotated[Optional[str], typer.Option("--ci", help="An empty name clears it.")] = None,
    group: Annotated[Optional[str], typer.Option("--group")] = None,
    owner: Annotated[Optional[str], typer.Option("--owner")] = None,
    version: VersionOpt = None,
) -> None:
    """Change a problem: its texts, root cause, workaround, configuration item, assignment."""
    changes: dict[str, Any] = {name: value for name, value in (
        ("short_description", short), ("description", description), ("root_cause", root_cause),
        ("workaround", workaround), ("solution", solution)) if value is not None}
    with state.write() as s:
        changes.update(_references(s, service=service, ci=ci, group=group, owner=owner))
        problem = problems.update_problem(s, state.actor(s), _problem(s, number), expected_version=version, **changes)
        number, now = problem.number, problem.version
    say(_("{number} saved (version {version})").format(number=number, version=now))


@problem_app.command("link")
def problem_link(number: Number, incident: IncidentArg) -> None:
    """Link an incident to the problem that causes it."""
    with state.write() as s:
        problem, found = _problem(s, number), lookup.find_incident(s, incident)
        problems.link_incident(s, state.actor(s), problem, found)
        said = _("{incident} linked to {problem}").format(incident=found.number, problem=problem.number)
    say(said)


@problem_app.command("unlink")
def problem_unlink(number: Number, incident: IncidentArg) -> None:
    """Remove an incident's link to the problem."""
    with state.write() as s:
        problem, found = _problem(s, number), lookup.find_incident(s, incident)
        problems.unlink_incident(s, state.actor(s), problem, found)
        said = _("{incident} is no longer linked to {problem}").format(incident=found.number, problem=problem.number)
    say(said)


@problem_app.command("resolve")
def problem_resolve(
    number: Number,
    solution: Annotated[str, typer.Option("--solution", help="The solution («Рішення»).")],
    resolve_incidents: Annotated[bool, typer.Option(
        "--resolve-incidents", help="Resolve its open incidents with the same solution, all or none.")] = False,
    reason_code: Annotated[str, typer.Option("--reason-code", help="The incidents' reason code.")] =
        ReasonCode.PERMANENT_FIX.value,
    with_open_tasks: Annotated[bool, typer.Option(
        "--resolve-with-open-tasks", help="Resolve incidents whose tasks are still open.")] = False,
    version: VersionOpt = None,
) -> None:
    """Resolve a problem with its solution (and, if asked, its open incidents)."""
    with state.write() as s:
        done = problems.resolve_problem(s, state.actor(s), _problem(s, number), solution=solution,
                                        resolve_incidents=resolve_incidents, reason_code=reason_code,
                                        resolve_with_open_tasks=with_open_tasks, expected_version=version)
        number = done.problem.number
    say(_("{number} resolved").format(number=number))
    if done.resolved:
        say(_("Incidents resolved: {numbers}").format(numbers=", ".join(done.resolved)))
    if done.skipped:
        say(_("Left as they were: {incidents}").format(
            incidents=", ".join(f"{n} («{label}»)" for n, label in done.skipped)))


def register(app: typer.Typer) -> None:
    app.add_typer(problem_app, name="problem")
