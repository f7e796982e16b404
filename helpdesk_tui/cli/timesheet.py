"""`helpdesk time ...`: work logged on tickets (R41), by hand or with the running timer."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Optional

import typer

from helpdesk_tui.cli.output import emit_json, fields, say, table
from helpdesk_tui.cli.state import state
from helpdesk_tui.desk import time_entries
from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.timekeeping import format_duration, parse_duration
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import Person

time_app = typer.Typer(help="Time spent on tickets: log it, list it, run a timer.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
Number = Annotated[str, typer.Argument(help="An incident, request or task number: INC0000012, REQ0000003, TSK0000007.")]


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise RuleViolation(_("«{text}» is not a date: write e.g. 2026-11-30").format(text=text), field="date") from None


def _said(logged: time_entries.Logged | None) -> None:
    if logged is None:
        return
    if logged.entry is None:
        say(_("Under half a minute: nothing logged"))
        return
    say(_("Logged {duration}; the ticket has {total} in all").format(
        duration=format_duration(logged.entry.minutes), total=format_duration(logged.ticket_minutes)))
    if logged.warning is not None:
        say(_("The client has used {share} % of this month's subscription hours").format(share=round(logged.warning * 100)))
    if logged.offer_change_request:
        say(_("More than half an hour on a small configuration change: consider making it a change request "
              "(helpdesk incident kind NUMBER change-request)"))


@time_app.command("log")
def time_log(
    number: Number,
    duration: Annotated[str, typer.Argument(help="How long: 1г 30хв, 1:30, 90 (minutes).")],
    on: Annotated[Optional[str], typer.Option("--date", help="The day of the work (YYYY-MM-DD); today by default.")] = None,
    note: Annotated[str, typer.Option("--note", help="What was done.")] = "",
    not_counted: Annotated[bool, typer.Option("--not-counted", help="Does not count against the subscription.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Log time spent on a ticket or one of its tasks."""
    minutes = parse_duration(duration)
    with state.write() as s:
        ticket, task = time_entries.ticket_by_number(s, number)
        logged = time_entries.log_time(s, state.actor(s), ticket, minutes=minutes, work_date=_day(on), note=note,
                                       billable=not not_counted, task=task)
        entry_id = logged.entry.id if logged.entry else None
    if as_json:
        emit_json({"id": entry_id, "minutes": minutes, "ticket_minutes": logged.ticket_minutes,
                   "warning": logged.warning, "offer_change_request": logged.offer_change_request})
    else:
        _said(logged)


@time_app.command("list")
def time_list(number: Number, as_json: JsonOpt = False) -> None:
    """A ticket's time entries and totals."""
    with state.read() as s:
        ticket, _task = time_entries.ticket_by_number(s, number)
        rows = time_entries.entries(s, ticket)
        totals = time_entries.totals(s, ticket)
    if as_json:
        emit_json({"number": ticket.number, "minutes": totals.minutes, "counted_minutes": totals.counted, "entries": rows})
        return
    table([_("No."), _("Day"), _("Who"), _("Time"), _("Counts"), _("Task"), _("Note")],
          [(r["id"], r["work_date"], r["person"], format_duration(r["minutes"]),  # type: ignore[arg-type]
            _("yes") if r["billable"] else _("no"), r["task"] or "", r["note"]) for r in rows])
    fields([(_("Total"), format_duration(totals.minutes)),
            (_("Counted against the subscription"), format_duration(totals.counted))])


@time_app.command("remove")
def time_remove(entry: Annotated[int, typer.Argument(help="The entry's number from `time list`.")]) -> None:
    """Remove a time entry you logged (an administrator: anyone's)."""
    with state.write() as s:
        time_entries.delete_time(s, state.actor(s), entry)
    say(_("Removed"))


@time_app.command("start")
def time_start(number: Number) -> None:
    """Start your timer on a ticket; a timer running elsewhere stops and logs its time first."""
    with state.write() as s:
        ticket, task = time_entries.ticket_by_number(s, number)
        stopped = time_entries.start_timer(s, state.actor(s), ticket, task)
    _said(stopped)
    say(_("Timer started on {number}").format(number=task.number if task else ticket.number))


@time_app.command("stop")
def time_stop(
    note: Annotated[str, typer.Option("--note", help="What was done.")] = "",
    not_counted: Annotated[bool, typer.Option("--not-counted", help="Does not count against the subscription.")] = False,
) -> None:
    """Stop your timer and log its time."""
    with state.write() as s:
        logged = time_entries.stop_timer(s, state.actor(s), note=note, billable=not not_counted)
    _said(logged)


@time_app.command("status")
def time_status(as_json: JsonOpt = False) -> None:
    """Your running timer, if any."""
    from helpdesk_tui.store.types import utcnow

    with state.read() as s:
        actor = state.actor(s)
        assert isinstance(actor, Person)
        timer = time_entries.running(s, actor)
        ticket = time_entries.ticket_of(s, timer.record_kind, timer.record_id) if timer else None
    if as_json:
        emit_json(None if timer is None else {"number": ticket.number, "started_at": timer.started_at,  # type: ignore[union-attr]
                                              "minutes": int((utcnow() - timer.started_at).total_seconds() // 60)})
        return
    if timer is None:
        say(_("No timer is running"))
        return
    running_for = int((utcnow() - timer.started_at).total_seconds() // 60)
    say(_("Timer on {number} since {since} ({duration})").format(
        number=ticket.number, since=when(timer.started_at), duration=format_duration(running_for)))  # type: ignore[union-attr]


def register(app: typer.Typer) -> None:
    app.add_typer(time_app, name="time")

