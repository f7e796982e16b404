"""`helpdesk report statement`: the monthly statement per client (R41), on the screen, as JSON,
or as a document (PDF, XLSX, CSV) to send; every client's at once into a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from helpdesk_tui.cli.output import emit_json, fields, say, table
from helpdesk_tui.cli.state import state
from helpdesk_tui.desk import lookup, settings, statements
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.field_values import RECORD_KIND_LABELS
from helpdesk_tui.domain.statements import Statement, hours
from helpdesk_tui.domain.statuses import TICKET_KIND_LABELS
from helpdesk_tui.domain.timekeeping import format_hours, parse_month, previous_month
from helpdesk_tui.i18n import _

report_app = typer.Typer(help="Reports: the monthly statement per client.", no_args_is_help=True)
FORMATS = ("table", "pdf", "xlsx", "csv")


def statement_json(act: Statement) -> dict[str, Any]:
    """The statement's figures as scripts read them: the same numbers the documents print."""
    return {
        "client": act.client, "month": act.month.strftime("%Y-%m"), "number": act.number,
        "subscription_minutes": act.subscription_minutes, "used_minutes": act.used_minutes,
        "over_minutes": act.over_minutes, "left_minutes": act.left_minutes, "outside_minutes": act.outside_minutes,
        "subscription_hours": hours(act.subscription_minutes), "used_hours": hours(act.used_minutes),
        "over_hours": hours(act.over_minutes), "left_hours": hours(act.left_minutes),
        "outside_hours": hours(act.outside_minutes), "tickets": act.tickets,
        "lines": [{"number": line.number, "title": line.title, "kind": line.kind,
                   "completed_on": line.completed_on.isoformat() if line.completed_on else None,
                   "minutes": line.minutes, "counted_minutes": line.counted_minutes} for line in act.lines],
    }


def _show(act: Statement) -> None:
    say(f"{act.client} · {act.month:%Y-%m} · {act.number}")
    fields([(_("Subscription, hours"), format_hours(act.subscription_minutes)),
            (_("Used, hours"), format_hours(act.used_minutes)),
            (_("Over, hours") if act.over_minutes else _("Left, hours"),
             format_hours(act.over_minutes or act.left_minutes)),
            (_("Outside the subscription, hours"), format_hours(act.outside_minutes)),
            (_("Tickets"), str(act.tickets))])
    if act.lines:
        kinds = {**TICKET_KIND_LABELS, "request": RECORD_KIND_LABELS["service_request"]}
        table([_("Number"), _("Ticket"), _("Kind"), _("Completed"), _("Hours"), _("Counted")],
              [(line.number, line.title, _(kinds.get(line.kind, line.kind)),
                line.completed_on.isoformat() if line.completed_on else "—",
                format_hours(line.minutes), format_hours(line.counted_minutes)) for line in act.lines])


@report_app.command("statement")
def report_statement(
    client: Annotated[Optional[str], typer.Option("--client", help="The client organisation.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Every client with a subscription or time that month.")] = False,
    month: Annotated[Optional[str], typer.Option("--month", help="YYYY-MM; last month by default.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, pdf, xlsx or csv.")] = "table",
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="The file (a folder with --all).")] = None,
    internal: Annotated[bool, typer.Option("--internal", help="The internal report: completed tickets with their time.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """The monthly statement («Акт виконаних робіт») of a client, or of every client."""
    if fmt not in FORMATS:
        raise RuleViolation(_("The format is one of: {formats}").format(formats=", ".join(FORMATS)), field="format")
    if every == bool(client):
        raise RuleViolation(_("Name a client with --client, or ask for every client with --all"), field="client")
    first = parse_month(month) if month else previous_month(settings.this_month())
    with state.read() as s:
        actor = state.actor(s, required=False)
        if every:
            acts = statements.statements(s, actor, first, internal=internal)
        else:
            acts = [statements.statement(s, actor, lookup.find_organisation(s, client or ""), first, internal=internal)]
    if as_json:
        emit_json([statement_json(a) for a in acts] if every else statement_json(acts[0]))
        return
    if fmt == "table":
        for act in acts:
            _show(act)
        return
    from helpdesk_tui.documents import file_name, render_statement  # fpdf2 and openpyxl: only for documents

    if every:
        folder = output or Path(".")
        folder.mkdir(parents=True, exist_ok=True)
        if not folder.is_dir():
            raise RuleViolation(_("{path} is not a folder").format(path=folder), field="output")
        targets = [(act, folder / file_name(act, fmt, internal=internal)) for act in acts]
    else:
        target = output or Path(file_name(acts[0], fmt, internal=internal))
        if target.is_dir():
            target = target / file_name(acts[0], fmt, internal=internal)
        targets = [(acts[0], target)]
    for act, path in targets:
        data = render_statement(act, fmt, internal=internal)
        part = path.with_name(path.name + ".part")
        part.write_bytes(data)
        part.replace(path)  # a half-written statement is never left under the real name
        say(_("Written {path}").format(path=path))
    if every and not acts:
        say(_("No client has a subscription or time in {month}").format(month=f"{first:%Y-%m}"))


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")
