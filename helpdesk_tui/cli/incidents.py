"""`helpdesk incident ...`: the incident lifecycle from the shell."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from helpdesk_tui.cli.listing import print_page, status_label
from helpdesk_tui.cli.output import emit_json, fields, say, table
from helpdesk_tui.cli.state import state
from helpdesk_tui.desk import incidents as ops
from helpdesk_tui.desk import lookup, notes, sla, tasks
from helpdesk_tui.desk.searches import parse_for
from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.errors import OpenTasks
from helpdesk_tui.domain.field_values import RELATION_LABELS, field_name, shown_value
from helpdesk_tui.domain.priority import level_label, priority_label
from helpdesk_tui.domain.sla import URGENT_REASONS
from helpdesk_tui.domain.statuses import Channel, Criticality, IncidentStatus, ReasonCode, parse_incident_status
from helpdesk_tui.domain.text import printable
from helpdesk_tui.i18n import _
from helpdesk_tui.store import queries
from helpdesk_tui.store.records import incident_detail

incident_app = typer.Typer(help="Incidents: register, classify, assign, change status, resolve, close.",
                           no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
VersionOpt = Annotated[Optional[int], typer.Option("--version", min=1, max=2**31 - 1,
                                                   help="The version you saw; refused if it changed since.")]
Number = Annotated[str, typer.Argument(help="Incident number, e.g. INC0000123 or 123.")]


def _detail(s, inc, viewer_id=None):  # type: ignore[no-untyped-def]
    return {**incident_detail(s, inc, viewer_id), "sla": sla.summary(s, inc)}


def _show_after(number: str, as_json: bool, message: str) -> None:
    if as_json:
        with state.read() as s:
            emit_json(_detail(s, lookup.find_incident(s, number)))
    else:
        say(message)


@incident_app.command("new")
def incident_new(
    short: Annotated[str, typer.Option("--short", "-s", help="Short description.")],
    caller: Annotated[Optional[str], typer.Option("--caller", "-c", help="Login, e-mail, phone or name.")] = None,
    description: Annotated[str, typer.Option("--description", "-d")] = "",
    channel: Annotated[Channel, typer.Option("--channel")] = Channel.PHONE,
    group: Annotated[Optional[str], typer.Option("--group", "-g")] = None,
    owner: Annotated[Optional[str], typer.Option("--owner", "-o")] = None,
    service: Annotated[Optional[str], typer.Option("--service")] = None,
    category: Annotated[Optional[str], typer.Option("--category")] = None,
    impact: Annotated[Optional[int], typer.Option("--impact", min=1, max=3)] = None,
    urgency: Annotated[Optional[int], typer.Option("--urgency", min=1, max=3)] = None,
    criticality: Annotated[Optional[Criticality], typer.Option("--criticality", help="The service-desk profile (R34).")] = None,
    urgent_reason: Annotated[Optional[str], typer.Option("--urgent-reason", help=", ".join(URGENT_REASONS))] = None,
    change_request: Annotated[bool, typer.Option("--change-request", help="A change request (R36): to development, outside the subscription.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Register an incident (R3)."""
    with state.write() as s:
        actor = state.actor(s)
        svc = lookup.find_service(s, service) if service else None
        inc = ops.register_incident(
            s, actor, short_description=short, description=description, channel=channel,
            caller=lookup.find_person(s, caller) if caller else None,
            group=lookup.find_group(s, group) if group else None,
            owner=lookup.find_person(s, owner) if owner else None,
            service=svc, category=lookup.find_category(s, category, svc.id if svc else None) if category else None,
            impact=impact, urgency=urgency, criticality=criticality.value if criticality else None,
            urgent_reason=urgent_reason, kind="change_request" if change_request else None,
        )
        number = inc.number
    _show_after(number, as_json, _("Registered {number}").format(number=number))


@incident_app.command("list")
def incident_list(
    filter_line: Annotated[str, typer.Option("--filter", "-f", help='e.g. status:registered group:"Перша лінія" принтер')] = "",
    sort: Annotated[Optional[str], typer.Option("--sort", help="Column to sort by.")] = None,
    asc: Annotated[Optional[bool], typer.Option("--asc/--desc", help="Sort direction.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 50,
    after: Annotated[Optional[str], typer.Option("--after", help="Continue after this cursor.")] = None,
    group_by: Annotated[Optional[str], typer.Option("--group-by", help="Count rows by a column's values.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List incidents, filtered and sorted (R13)."""
    _list("incident", filter_line, sort, asc, limit, after, group_by, as_json)


def _list(kind: str, filter_line: str, sort: str | None, asc: bool | None, limit: int, after: str | None,
          group_by: str | None, as_json: bool) -> None:
    with state.read() as s:
        actor = state.actor(s, required=False)
        viewer = queries.Viewer.load(s, actor.id) if actor else None  # type: ignore[arg-type]
        where = queries.compile_filter(s, kind, parse_for(kind, filter_line), viewer)
        if group_by:
            groups = queries.group_counts(s, kind, group_by, where)
            if as_json:
                emit_json([{"value": g.value, "count": g.count} for g in groups])
            else:
                table([_(queries.source(kind).column(group_by).label), _("Count")],
                      [(status_label(kind, g.value) if group_by == "status" and g.value else g.value, g.count) for g in groups])
            return
        page = queries.page(s, kind, where, viewer=viewer, sort=sort, desc=None if asc is None else not asc,
                            after=queries.decode_cursor(after), limit=limit, with_total=True)
    print_page(kind, page, as_json=as_json)


@incident_app.command("show")
def incident_show(number: Number, as_json: JsonOpt = False) -> None:
    """Show an incident with its journal, tasks and related records."""
    with state.read() as s:
        actor = state.actor(s, required=False)
        inc = lookup.find_incident(s, number)
        d = _detail(s, inc, actor.id if actor else None)
    if as_json:
        emit_json(d)
        return
    say(f"{d['number']}  {d['short_description']}")
    fields([
        (_("Status"), IncidentStatus(d["status"]).label),
        (_("Caller"), d["caller"] and f"{d['caller']} ({d['caller_login']})"),
        (_("Channel"), Channel(d["channel"]).label),
        (_("Service"), d["service"]), (_("Category"), d["category"]),
        (_("Impact"), level_label(d["impact"])), (_("Urgency"), level_label(d["urgency"])),
        (_("Priority"), priority_label(d["priority"]) + (" " + _("(changed by hand)") if d["priority_overridden"] else "")),
        *([(_("Criticality"), shown_value("criticality", d["criticality"]))] if d["criticality"] else []),
        *([(_("Reason for urgency"), shown_value("urgent_reason", d["urgent_reason"]))] if d["urgent_reason"] else []),
        (_("Work group"), d["group"]), (_("Owner"), d["owner"]),
        (_("Created"), when(d["created_at"])),
        (_("Response"), _clock_text(d["sla"]["response"])),
        (_("Resolution"), _clock_text(d["sla"]["resolution"])),
        (_("Version"), str(d["version"])),
    ])
    if d["description"]:
        say("\n" + d["description"])
    if d["solution"]:
        say("\n" + _("Solution") + f" ({ReasonCode(d['reason_code']).label}): " + d["solution"])
    if d["tasks"]:
        table([_("Task"), _("Status"), _("Work group"), _("Owner"), _("Short description")],
              [(t["number"], status_label("task", t["status"]), t["group"], t["owner"], t["short_description"]) for t in d["tasks"]])
    if d["external_tasks"]:
        table([_("External task"), _("Status"), _("Vendor"), _("Short description")],
              [(t["number"], status_label("task", t["status"]), t["vendor"], t["short_description"]) for t in d["external_tasks"]])
    if d["related"]:
        table([_("Related"), _("Title")], [(_related_number(r), r["title"]) for r in d["related"]])
    rows = []
    for e in d["journal"]:
        text = e["summary"]
        if e["changes"]:
            text += "\n" + "\n".join(
                "  " + field_name(c["field"]) + ": " + shown_value(c["field"], c["old"], names=c["names"])
                + " → " + shown_value(c["field"], c["new"], names=c["names"]) for c in e["changes"])
        if e["body"]:
            text += "\n" + e["body"]
        marks = ("● " if e["unread"] else "") + (_("published") if e["published"] else "")
        rows.append((e["id"], when(e["created_at"]), e["author"] or _("system"), printable(text), marks))
    table(["#", _("When"), _("Who"), _("Journal"), ""], rows, wrap=True)


def _related_number(related: dict) -> str:  # type: ignore[type-arg]
    """A related record's number, and how it is related when that is more than «related» (R38)."""
    relation = RELATION_LABELS.get(related.get("relation") or "")
    return related["number"] if relation is None else "{number} ({relation})".format(
        number=related["number"], relation=_(relation))


def _clock_text(c: dict) -> str:  # type: ignore[type-arg]
    """«due 23.11.2026 14:20, 35% used» — or met, breached, paused."""
    if c["met"] is True:
        return _("met ({used}% of the target)").format(used=c["used_percent"])
    if c["breached"]:
        return _("breached at {due}").format(due=when(c["due"]))
    if not c["running"]:
        return _("paused ({used}% used, {left} min left)").format(used=c["used_percent"], left=c["left_minutes"])
    return _("due {due}, {used}% used").format(due=when(c["due"]), used=c["used_percent"])


def _incident(s, number: str):  # type: ignore[no-untyped-def]
    return lookup.find_incident(s, number)


@incident_app.command("classify")
def incident_classify(
    number: Number,
    service: Annotated[str, typer.Option("--service")],
    category: Annotated[str, typer.Option("--category")],
    impact: Annotated[int, typer.Option("--impact", min=1, max=3)],
    urgency: Annotated[int, typer.Option("--urgency", min=1, max=3)],
    owner: Annotated[str, typer.Option("--owner")],
    version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Classify (R18): service, category, impact, urgency and owner; status «In progress»."""
    with state.write() as s:
        svc = lookup.find_service(s, service)
        inc = ops.classify_incident(s, state.actor(s), _incident(s, number), service=svc,
                                    category=lookup.find_category(s, category, svc.id), impact=impact,
                                    urgency=urgency, owner=lookup.find_person(s, owner), expected_version=version)
        msg = _("{number}: classified, priority {priority}").format(number=inc.number, priority=priority_label(inc.priority))
    _show_after(number, as_json, msg)


@incident_app.command("update")
def incident_update(
    number: Number,
    short: Annotated[Optional[str], typer.Option("--short", "-s")] = None,
    description: Annotated[Optional[str], typer.Option("--description", "-d")] = None,
    service: Annotated[Optional[str], typer.Option("--service")] = None,
    category: Annotated[Optional[str], typer.Option("--category")] = None,
    impact: Annotated[Optional[int], typer.Option("--impact", min=1, max=3)] = None,
    urgency: Annotated[Optional[int], typer.Option("--urgency", min=1, max=3)] = None,
    channel: Annotated[Optional[Channel], typer.Option("--channel")] = None,
    ci: Annotated[Optional[str], typer.Option("--ci", help="Configuration item.")] = None,
    criticality: Annotated[Optional[Criticality], typer.Option("--criticality")] = None,
    urgent_reason: Annotated[Optional[str], typer.Option("--urgent-reason")] = None,
    version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change an incident's fields."""
    with state.write() as s:
        changes: dict[str, object] = {}
        if short is not None:
            changes["short_description"] = short
        if description is not None:
            changes["description"] = description
        if service is not None:
            changes["service"] = lookup.find_service(s, service)
        if category is not None:
            changes["category"] = lookup.find_category(s, category)
        if impact is not None:
            changes["impact"] = impact
        if urgency is not None:
            changes["urgency"] = urgency
        if channel is not None:
            changes["channel"] = channel
        if ci is not None:
            changes["configuration_item"] = lookup.find_configuration_item(s, ci)
        if criticality is not None:
            changes["criticality"] = criticality.value
        if urgent_reason is not None:
            changes["urgent_reason"] = urgent_reason
        inc = ops.update_incident(s, state.actor(s), _incident(s, number), expected_version=version, **changes)
        msg = _("{number}: saved (version {version})").format(number=inc.number, version=inc.version)
    _show_after(number, as_json, msg)


@incident_app.command("assign")
def incident_assign(
    number: Number,
    group: Annotated[Optional[str], typer.Option("--group", "-g")] = None,
    owner: Annotated[Optional[str], typer.Option("--owner", "-o")] = None,
    no_owner: Annotated[bool, typer.Option("--no-owner", help="Leave it to the group.")] = False,
    version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Assign to a work group and/or an owner."""
    with state.write() as s:
        inc = ops.assign_incident(s, state.actor(s), _incident(s, number),
                                  group=lookup.find_group(s, group) if group else None,
                                  owner=lookup.find_person(s, owner) if owner else None,
                                  clear_owner=no_owner, expected_version=version)
        msg = _("{number}: assigned").format(number=inc.number)
    _show_after(number, as_json, msg)


YesOpt = Annotated[bool, typer.Option("--yes", help="Resolve even with tasks still open, without asking.")]


@incident_app.command("status")
def incident_status(
    number: Number,
    status: Annotated[str, typer.Argument(help="New status: its code or its name.")],
    question: Annotated[Optional[str], typer.Option("--question", help="For «Information needed».")] = None,
    answer: Annotated[Optional[str], typer.Option("--answer", help="For «Information provided».")] = None,
    vendor: Annotated[Optional[str], typer.Option("--vendor", help="For «Passed to third party».")] = None,
    short: Annotated[Optional[str], typer.Option("--short", help="The external task's short description.")] = None,
    details: Annotated[str, typer.Option("--details", help="The external task's details.")] = "",
    vendor_answer: Annotated[Optional[str], typer.Option("--vendor-answer", help="For «Received from third party».")] = None,
    solution: Annotated[Optional[str], typer.Option("--solution", help="For «Resolved».")] = None,
    reason_code: Annotated[Optional[str], typer.Option("--reason-code", help="For «Resolved».")] = None,
    ci: Annotated[Optional[str], typer.Option("--ci", help="Configuration item, for «Resolved».")] = None,
    reason: Annotated[Optional[str], typer.Option("--reason", help="For «Reopened» and «Cancelled».")] = None,
    yes: YesOpt = False,
    version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Change the status, with what that status needs (R18, R22, R24–R26)."""
    target = parse_incident_status(status)
    effects = ops.Effects()

    def move(with_open_tasks: bool | None) -> str:
        with state.write() as s:
            handoff = None
            if vendor:
                handoff = ops.VendorHandoff(vendor=lookup.find_vendor(s, vendor), short_description=short or "",
                                            details=details)
                if not handoff.short_description:
                    handoff.short_description = _incident(s, number).short_description
            inc = ops.change_status(
                s, state.actor(s), _incident(s, number), target, expected_version=version, question=question,
                answer=answer, handoff=handoff, vendor_answer=vendor_answer, solution=solution, reason_code=reason_code,
                configuration_item=lookup.find_configuration_item(s, ci) if ci else None, reason=reason,
                resolve_with_open_tasks=with_open_tasks, effects=effects,
            )
            return _("{number}: «{status}»").format(number=inc.number, status=IncidentStatus(inc.status).label)

    resolving = target is IncidentStatus.RESOLVED
    try:
        msg = move(yes if resolving else None)
    except OpenTasks as exc:
        # Nothing was written: ask (a person at a terminal), or say how to go on (a script).
        if not sys.stdin.isatty():
            raise OpenTasks(_("{problem}; add --yes to resolve it with them open").format(problem=exc.message),
                            exc.numbers) from None
        if not typer.confirm(_("{problem}. Resolve it with them open?").format(problem=exc.message)):
            raise typer.Exit(1) from None
        msg = move(True)
    if effects.cancelled_tasks:
        msg += "\n" + _("Cancelled with it: {tasks}").format(tasks=", ".join(effects.cancelled_tasks))
    _show_after(number, as_json, msg)


@incident_app.command("resolve")
def incident_resolve(
    number: Number,
    solution: Annotated[str, typer.Option("--solution")],
    reason_code: Annotated[str, typer.Option("--reason-code", help=", ".join(c.value for c in ReasonCode))],
    ci: Annotated[Optional[str], typer.Option("--ci", help="Configuration item.")] = None,
    yes: YesOpt = False,
    version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Resolve (R25): solution and reason code; a configuration item may be linked. With tasks
    still open it asks first (--yes: resolve without asking)."""
    incident_status(number, "resolved", solution=solution, reason_code=reason_code, ci=ci, yes=yes, version=version,
                    as_json=as_json)


@incident_app.command("close")
def incident_close(number: Number, version: VersionOpt = None, as_json: JsonOpt = False) -> None:
    """Close a resolved incident (R26); after that it cannot change. Its open tasks are cancelled."""
    incident_status(number, "closed", version=version, as_json=as_json)


@incident_app.command("reopen")
def incident_reopen(number: Number, reason: Annotated[str, typer.Option("--reason")], version: VersionOpt = None,
                    as_json: JsonOpt = False) -> None:
    """Reopen a resolved incident."""
    incident_status(number, "reopened", reason=reason, version=version, as_json=as_json)


@incident_app.command("cancel")
def incident_cancel(number: Number, reason: Annotated[str, typer.Option("--reason")], version: VersionOpt = None,
                    as_json: JsonOpt = False) -> None:
    """Cancel an incident, and its open tasks with it."""
    incident_status(number, "cancelled", reason=reason, version=version, as_json=as_json)


@incident_app.command("priority")
def incident_priority(
    number: Number,
    priority: Annotated[int, typer.Argument(min=1, max=5)],
    justification: Annotated[str, typer.Option("--justification", "-j", help="Why (required, R20).")],
    version: VersionOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Override the computed priority with a justification (R20)."""
    with state.write() as s:
        inc = ops.change_priority(s, state.actor(s), _incident(s, number), priority=priority,
                                  justification=justification, expected_version=version)
        msg = _("{number}: priority {priority}").format(number=inc.number, priority=priority_label(inc.priority))
    _show_after(number, as_json, msg)


@incident_app.command("note")
def incident_note(
    number: Number,
    text: Annotated[str, typer.Option("--text", "-t")],
    summary: Annotated[str, typer.Option("--summary")] = "",
    publish: Annotated[bool, typer.Option("--publish", help="Visible to the caller and e-mailed (R23).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Add a note: internal, or published to the caller (R23)."""
    with state.write() as s:
        entry = notes.add_note(s, state.actor(s), _incident(s, number), summary=summary, text=text, published=publish)
        entry_id = entry.id
    if as_json:
        emit_json({"entry": entry_id, "published": publish})
    else:
        say(_("Note {id} added").format(id=entry_id))


@incident_app.command("task")
def incident_task(
    number: Number,
    group: Annotated[str, typer.Option("--group", "-g", help="The work group asked for help.")],
    short: Annotated[str, typer.Option("--short", "-s")] = "",
    details: Annotated[str, typer.Option("--details")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Ask another work group for help: a new task (R21)."""
    with state.write() as s:
        task = tasks.create_task(s, state.actor(s), _incident(s, number), group=lookup.find_group(s, group),
                                 short_description=short, details=details)
        tnum = task.number
    if as_json:
        emit_json({"task": tnum})
    else:
        say(_("Task {number} created").format(number=tnum))


@incident_app.command("vendor-task")
def incident_vendor_task(
    number: Number,
    vendor: Annotated[str, typer.Option("--vendor")],
    short: Annotated[str, typer.Option("--short", "-s")],
    details: Annotated[str, typer.Option("--details")] = "",
    service: Annotated[Optional[str], typer.Option("--service")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Create an external task for a vendor (R24) without changing the status yet."""
    with state.write() as s:
        task = tasks.create_external_task(s, state.actor(s), _incident(s, number), vendor=lookup.find_vendor(s, vendor),
                                          short_description=short, details=details,
                                          service=lookup.find_service(s, service) if service else None)
        tnum = task.number
    if as_json:
        emit_json({"external_task": tnum})
    else:
        say(_("External task {number} created").format(number=tnum))


@incident_app.command("read")
def incident_read(
    number: Number,
    entry: Annotated[Optional[int], typer.Argument(help="A journal entry; all of them when left out.")] = None,
    unread: Annotated[bool, typer.Option("--unread", help="Mark as unread instead (R16).")] = False,
) -> None:
    """Mark comments read or unread (R16)."""
    with state.write() as s:
        actor = state.actor(s)
        inc = _incident(s, number)
        if entry is None:
            if unread:
                raise typer.BadParameter(_("Name the journal entry to mark unread"))
            n = notes.mark_all_read(s, actor, "incident", inc.id)  # type: ignore[arg-type]
            say(_("{n} marked read").format(n=n))
            return
        notes.mark_read(s, actor, entry, read=not unread)
    say(_("Marked unread") if unread else _("Marked read"))


@incident_app.command("link")
def incident_link(number: Number, target: Annotated[str, typer.Argument(help="KB…, PRB… or INC… number.")]) -> None:
    """Relate a knowledge article, problem or incident (R4)."""
    with state.write() as s:
        notes.link_by_number(s, state.actor(s), _incident(s, number), target)
    say(_("Linked {target}").format(target=target.upper()))


def register(app: typer.Typer) -> None:
    app.add_typer(incident_app, name="incident")
