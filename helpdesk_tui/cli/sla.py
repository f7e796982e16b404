"""`helpdesk sla ...` and `helpdesk jobs run`: targets, calendars, what is about to breach."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from typing import Annotated, Optional

import typer
from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.cli.output import emit_json, say, table
from helpdesk_tui.cli.state import state
from helpdesk_tui.desk import jobs, request_sla
from helpdesk_tui.desk import sla as ops
from helpdesk_tui.desk.breaching import breaching
from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.priority import priority_label
from helpdesk_tui.domain.statuses import Criticality
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import BusinessCalendarRow, CalendarDay, SlaPolicy
from helpdesk_tui.store.types import utcnow

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
sla_app = typer.Typer(help="SLA: policies, business calendars, what is about to breach.", no_args_is_help=True)
policy_app = typer.Typer(help="Response and resolution targets.", no_args_is_help=True)
calendar_app = typer.Typer(help="Business calendars: hours, holidays, extra working days.", no_args_is_help=True)
jobs_app = typer.Typer(help="Background jobs: the SLA ticker and auto-close.", no_args_is_help=True)


def parse_duration(text: str) -> timedelta:
    """«2h», «90m», «1d» (calendar), «1h30m»."""
    match = re.fullmatch(r"\s*(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*", text)
    if not match or not any(match.groups()):
        raise RuleViolation(_("«{text}» is not a duration like 2h, 90m or 1d").format(text=text))
    d, h, m = (int(g or 0) for g in match.groups())
    minutes = min(d * 1440 + h * 60 + m, 10**9)  # whole numbers of any size, capped before timedelta sees them
    return ops.within(minutes / 60)


def _recompute(session: Session) -> int:
    """A calendar or a target changed: the stored due times of incidents and of requests (whose
    targets fall back on the policies and whose clocks run on the calendars) follow at once."""
    return ops.recompute_open(session) + request_sla.recompute_open(session)


def minutes_text(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    return f"{hours} h {mins:02d} min" if mins else f"{hours} h"


@policy_app.command("list")
def policy_list(as_json: JsonOpt = False) -> None:
    """The targets per priority and per criticality, in working time."""
    with state.read() as s:
        cals = {c.id: c.name for c in s.execute(select(BusinessCalendarRow)).scalars()}
        rows = list(s.execute(select(SlaPolicy).order_by(SlaPolicy.profile.desc(), SlaPolicy.key)).scalars())
    data = [{"profile": p.profile, "key": p.key, "response_minutes": p.response_minutes,
             "resolution_minutes": p.resolution_minutes, "calendar": cals.get(p.calendar_id)} for p in rows]
    if as_json:
        emit_json(data)
        return

    def label(d: dict) -> str:  # type: ignore[type-arg]
        return priority_label(int(d["key"])) if d["profile"] == "priority" else Criticality(d["key"]).label

    table([_("Priority or criticality"), _("Response"), _("Resolution"), _("Calendar")],
          [(label(d), minutes_text(d["response_minutes"]), minutes_text(d["resolution_minutes"]), d["calendar"])
           for d in data])


@policy_app.command("set")
def policy_set(
    profile: Annotated[str, typer.Argument(help="priority or criticality")],
    key: Annotated[str, typer.Argument(help="1..5, or low, medium, high, urgent")],
    response: Annotated[int, typer.Option("--response", help="Working minutes.")],
    resolution: Annotated[int, typer.Option("--resolution", help="Working minutes.")],
    calendar: Annotated[Optional[str], typer.Option("--calendar")] = None,
) -> None:
    """Change a target; the due times of open incidents follow at once."""
    with state.write() as s:
        ops.set_policy(s, state.actor(s, required=False), profile=profile, key=key, response_minutes=response,
                       resolution_minutes=resolution, calendar=calendar)
        n = _recompute(s)
    say(_("Saved; due times of {n} open incidents and service requests recomputed").format(n=n))


@calendar_app.command("list")
def calendar_list(as_json: JsonOpt = False) -> None:
    """Calendars with their weekly hours and special days."""
    with state.read() as s:
        cals = list(s.execute(select(BusinessCalendarRow).order_by(BusinessCalendarRow.id)).scalars())
        days = list(s.execute(select(CalendarDay).order_by(CalendarDay.day)).scalars())
    data = [{"name": c.name, "timezone": c.timezone, "always": c.always, "week": c.week,
             "holidays": [d.day for d in days if d.calendar_id == c.id and not d.working],
             "working_days": [d.day for d in days if d.calendar_id == c.id and d.working]} for c in cals]
    if as_json:
        emit_json(data)
        return
    names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]

    def week(c: dict) -> str:  # type: ignore[type-arg]
        if c["always"]:
            return "24×7"
        return "; ".join(f"{names[int(k)]} " + ", ".join(f"{s // 60:02d}:{s % 60:02d}–{e // 60:02d}:{e % 60:02d}" for s, e in v)
                         for k, v in sorted(c["week"].items()))

    table([_("Calendar"), _("Time zone"), _("Hours"), _("Holidays"), _("Extra working days")],
          [(c["name"], c["timezone"], week(c), len(c["holidays"]), len(c["working_days"])) for c in data], wrap=True)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RuleViolation(_("«{value}» is not a date (YYYY-MM-DD)").format(value=text)) from None


def _periods(text: str) -> list[list[int]]:
    out = []
    for part in text.split(","):
        match = re.fullmatch(r"\s*(\d{1,2}):(\d\d)\s*-\s*(\d{1,2}):(\d\d)\s*", part)
        if not match:
            raise RuleViolation(_("«{text}» is not working hours like 08:00-12:30,13:30-17:00").format(text=text))
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        out.append([h1 * 60 + m1, h2 * 60 + m2])
    return out


@calendar_app.command("holiday")
def calendar_holiday(calendar: str, day: str, note: Annotated[str, typer.Option("--note")] = "",
                     remove: Annotated[bool, typer.Option("--remove", help="Make it an ordinary day again.")] = False) -> None:
    """Mark a holiday (no working time), or remove the mark."""
    with state.write() as s:
        ops.set_calendar_day(s, state.actor(s, required=False), calendar, _day(day), working=None if remove else False, note=note)
        n = _recompute(s)
    say(_("Saved; due times of {n} open incidents and service requests recomputed").format(n=n))


@calendar_app.command("working-day")
def calendar_working_day(calendar: str, day: str,
                         hours: Annotated[Optional[str], typer.Option("--hours", help="e.g. 08:00-12:30,13:30-17:00")] = None,
                         note: Annotated[str, typer.Option("--note")] = "",
                         remove: Annotated[bool, typer.Option("--remove")] = False) -> None:
    """Make a day (a Saturday, say) a working day, or remove the mark."""
    with state.write() as s:
        ops.set_calendar_day(s, state.actor(s, required=False), calendar, _day(day), working=None if remove else True,
                             periods=_periods(hours) if hours else None, note=note)
        n = _recompute(s)
    say(_("Saved; due times of {n} open incidents and service requests recomputed").format(n=n))


@calendar_app.command("load-holidays")
def calendar_load_holidays(calendar: str, year: Annotated[int, typer.Option("--year")],
                           country: Annotated[str, typer.Option("--country")] = "UA") -> None:
    """Load public holidays (Ukraine's by default) from the `holidays` package."""
    with state.write() as s:
        days = ops.load_public_holidays(s, state.actor(s, required=False), calendar, year, country)
        _recompute(s)
    if days:
        table([_("Date"), _("Holiday")], [(d.isoformat(), n) for d, n in days])
    else:
        say(_("No public holidays in {year} (under martial law Ukrainian holidays are working days)").format(year=year))


@sla_app.command("breaching")
def sla_breaching(within: Annotated[str, typer.Option("--within", help="e.g. 2h, 30m, 1d")] = "2h",
                  limit: Annotated[int, typer.Option("--limit", min=1, max=1000)] = 100, as_json: JsonOpt = False) -> None:
    """Open incidents and service requests whose response or resolution target falls due within
    the horizon; `kind` in --json says which (incident, service_request)."""
    with state.read() as s:
        rows = breaching(s, parse_duration(within), limit=limit)
    if as_json:
        emit_json(rows)
        return
    clocks = {"response": _("Response"), "resolution": _("Resolution")}
    # A request (REQ…) has no priority.
    table([_("Due"), _("Target"), _("Number"), _("Priority"), _("Short description"), _("Work group"), _("Owner")],
          [(when(r["due"]) + (" ⚠" if r["breached"] else ""), clocks[r["clock"]], r["number"],
            priority_label(r["priority"]) or "—",
            r["short_description"], r["group"], r["owner"]) for r in rows],
          styles=["red" if r["breached"] else None for r in rows])


@sla_app.command("settings")
def sla_settings(
    pause: Annotated[Optional[str], typer.Option("--pause", help="Statuses that pause the clock, comma-separated codes.")] = None,
    warn: Annotated[Optional[int], typer.Option("--warn", help="Warn at this % of a target.")] = None,
    autoclose_days: Annotated[Optional[int], typer.Option("--autoclose-days")] = None,
    working_days: Annotated[Optional[bool], typer.Option("--autoclose-working-days/--autoclose-calendar-days")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show or change: pause statuses, the warning share, auto-close after N days."""
    with state.write() as s:
        if any(v is not None for v in (pause, warn, autoclose_days, working_days)):
            current = ops.set_settings(s, state.actor(s, required=False),
                                       pause_statuses=[p.strip() for p in pause.split(",") if p.strip()] if pause is not None else None,
                                       warn_percent=warn, autoclose_days=autoclose_days, autoclose_working_days=working_days)
            _recompute(s)
        else:
            current = ops.current_settings(s)
    if as_json:
        emit_json(current)
        return
    from helpdesk_tui.domain.statuses import IncidentStatus

    fields_shown = [
        (_("Statuses that pause the clock"), ", ".join(IncidentStatus(p).label for p in current["pause_statuses"])),
        (_("Warn at"), f"{current['warn_percent']} %"),
        (_("Resolved incidents close after"), _("{n} working days").format(n=current["autoclose_days"])
         if current["autoclose_working_days"] else _("{n} days").format(n=current["autoclose_days"])),
    ]
    from helpdesk_tui.cli.output import fields

    fields(fields_shown)


@sla_app.command("reaction-clock")
def sla_reaction_clock(
    mode: Annotated[Optional[str], typer.Argument(help="working-day (default), working-hours or calendar")] = None,
) -> None:
    """How «up to 24 h» of a non-urgent ticket is counted (R34): show it, or change it."""
    from helpdesk_tui.desk import reaction_clock

    with state.write() as s:
        if mode is not None:
            reaction_clock.set_mode(s, state.actor(s, required=False), mode.replace("-", "_"))
            _recompute(s)
        current = reaction_clock.current(s)
    say({"working_day": _("Up to 24 h is one working day of the desk's calendar"),
         "working_hours": _("Up to 24 h is 24 working hours of the desk's calendar"),
         "calendar": _("Up to 24 h is 24 clock hours, nights and weekends included")}.get(current, current))


@sla_app.command("recompute")
def sla_recompute() -> None:
    """Recompute the stored due times of every open incident."""
    with state.write() as s:
        n = _recompute(s)
    say(_("Due times of {n} open incidents and service requests recomputed").format(n=n))


@jobs_app.command("run")
def jobs_run(once: Annotated[bool, typer.Option("--once", help="One round, then exit.")] = False,
             interval: Annotated[float, typer.Option("--interval", min=1, max=86_400, help="Seconds between rounds.")] = 30.0) -> None:
    """Run the SLA ticker and auto-close (one process at a time holds the lease)."""
    db = state.ready_db()
    holder = jobs.holder_id()
    try:
        while True:
            report = jobs.tick(db, holder)
            line = f"{when(utcnow())} {report}"
            if state.settings.smtp.host:
                from helpdesk_tui.mail.outbox import send_due

                sent = send_due(db, state.settings.smtp, state.settings.sender_address, holder=holder)
                line += "; " + _("mail sent {n}, to retry {r}, failed {f}").format(n=sent.sent, r=sent.retried, f=sent.failed)
                line += "".join(f"; {e}" for e in sent.errors)
            say(line)
            if once:
                return
            time.sleep(interval)
    finally:
        from helpdesk_tui.mail.outbox import LEASE as OUTBOX

        with db.write() as s:
            jobs.release_lease(s, jobs.TICKER, holder)
            jobs.release_lease(s, OUTBOX, holder)  # taken by send_due above when SMTP is set


def register(app: typer.Typer) -> None:
    sla_app.add_typer(policy_app, name="policy")
    sla_app.add_typer(calendar_app, name="calendar")
    app.add_typer(sla_app, name="sla")
    app.add_typer(jobs_app, name="jobs")
