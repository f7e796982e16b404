"""Time spent on tickets (R41): entries typed by hand, the running timer, totals per ticket.

A ticket is an incident (a change request is one of its kinds) or a service request; time on a
task is the task's ticket's time, with the task named. Each entry keeps the client of its ticket
as it was, and whether it counts against the subscription: an analyst may say it does not
(a goodwill hour), and a change request's time never does (R36).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, func, select
from sqlmodel import Session

from helpdesk_tui.desk import settings
from helpdesk_tui.desk.common import check_text, desk_staff, feed, journal, roles_of
from helpdesk_tui.domain.errors import NotFound, PermissionDenied, RuleViolation
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.domain.timekeeping import (
    MAX_ENTRY_MINUTES,
    local_date,
    offers_change_request,
    timer_minutes,
    warning_share,
)
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import Category, Incident, Person, ServiceRequest, Task
from helpdesk_tui.store.time_tables import RunningTimer, TimeEntry
from helpdesk_tui.store.types import utcnow

TICKET_KINDS = ("incident", "service_request")
NOTE_MAX = 2000
BACKDATE_DAYS = 366  # a year back is the oldest statement anyone reissues


@dataclass(frozen=True)
class Ticket:
    kind: str
    id: int
    number: str
    organisation_id: int | None
    change_request: bool
    small_change: bool  # an incident in a «small configuration change» category


@dataclass(frozen=True)
class Logged:
    """What logging time did, for the analyst to be told."""

    entry: TimeEntry | None  # None: a timer stopped within half a minute logs nothing
    ticket_minutes: int  # the ticket's time after this entry
    offer_change_request: bool  # past half an hour on a small change: ask to reclassify (R36)
    warning: float | None  # the client's subscription share passed by this entry (0.8, 1.0)


@dataclass(frozen=True)
class Totals:
    minutes: int
    counted: int
    by_person: tuple[tuple[str, int], ...]  # (full name, minutes), most first


def ticket_of(session: Session, kind: str, record_id: int, task: Task | None = None) -> Ticket:
    if task is not None:
        kind, record_id = ("incident", task.incident_id) if task.incident_id else ("service_request", task.request_id)  # type: ignore[assignment]
    if kind == "incident":
        incident = session.get(Incident, record_id)
        if incident is None:
            raise NotFound(_("No such incident"))
        category = session.get(Category, incident.category_id) if incident.category_id else None
        return Ticket("incident", incident.id, incident.number, incident.organisation_id,  # type: ignore[arg-type]
                      incident.kind == "change_request", bool(category and category.small_change))
    if kind == "service_request":
        request = session.get(ServiceRequest, record_id)
        if request is None:
            raise NotFound(_("No such service request"))
        return Ticket("service_request", request.id, request.number, request.organisation_id,  # type: ignore[arg-type]
                      False, False)
    raise RuleViolation(_("Time is logged on an incident, a service request or a task"), field="record")


def log_time(session: Session, actor: Person | None, ticket: Ticket, *, minutes: int, work_date: date | None = None,
             note: str = "", billable: bool = True, task: Task | None = None) -> Logged:
    """An entry of work on `ticket` by the actor, on a day not in the future nor over a year back."""
    actor = desk_staff(session, actor)
    if not 0 < minutes <= MAX_ENTRY_MINUTES:
        raise RuleViolation(_("One entry is from 1 minute to 24 hours"), field="minutes")
    day = work_date or settings.today()
    if day > settings.today():
        raise RuleViolation(_("Work cannot be logged for a day that has not come"), field="work_date")
    if day < settings.today() - timedelta(days=BACKDATE_DAYS):
        raise RuleViolation(_("Work is logged at most a year back"), field="work_date")
    note = check_text(note, "note", limit=NOTE_MAX)
    before = _client_use(session, ticket.organisation_id, day)
    entry = TimeEntry(record_kind=ticket.kind, record_id=ticket.id, task_id=task.id if task else None,
                      person_id=actor.id, organisation_id=ticket.organisation_id, minutes=minutes,  # type: ignore[arg-type]
                      work_date=day, note=note, billable=billable, change_request=ticket.change_request)
    session.add(entry)
    session.flush()
    journal(session, record_kind=ticket.kind, record_id=ticket.id, kind="time", author=actor,
            summary=_entry_message(N_("Time logged: {minutes} min on {day}"),
                                           N_("Time logged: {minutes} min on {day} ({task})"), entry, task),
            body=note)
    feed(session, ticket.kind, ticket.id, "time", actor)
    total = ticket_minutes(session, ticket)
    warning = None
    if entry.billable and not entry.change_request and ticket.organisation_id is not None:
        after = _client_use(session, ticket.organisation_id, day)
        share_before = warning_share(*before) if before else None
        share_after = warning_share(*after) if after else None
        warning = share_after if share_after != share_before else None
    offer = offers_change_request("change_request" if ticket.change_request else "incident",
                                  ticket.small_change, total) and ticket.kind == "incident"
    return Logged(entry, total, offer, warning)


def _entry_message(template: str, on_task: str, entry: TimeEntry, task: Task | None) -> Message:
    # The duration is kept in minutes and said in the reader's language when the journal is read.
    if task is not None:
        return Message(on_task, minutes=entry.minutes, day=entry.work_date.isoformat(), task=task.number)
    return Message(template, minutes=entry.minutes, day=entry.work_date.isoformat())


def _client_use(session: Session, organisation_id: int | None, day: date) -> tuple[int, int] | None:
    if organisation_id is None:
        return None
    from helpdesk_tui.desk.subscriptions import month_use  # subscriptions reads entries: a cycle

    use = month_use(session, organisation_id, day.replace(day=1))
    return use.used_minutes, use.included_minutes


def delete_time(session: Session, actor: Person | None, entry_id: int) -> TimeEntry:
    """An entry removed by its author or an administrator; the journal keeps that it was."""
    actor = desk_staff(session, actor)
    entry = session.get(TimeEntry, entry_id)
    if entry is None:
        raise NotFound(_("No such time entry"))
    if entry.person_id != actor.id and Role.ADMIN not in roles_of(session, actor):
        raise PermissionDenied(_("Only the person who logged the time or an administrator may remove it"))
    task = session.get(Task, entry.task_id) if entry.task_id else None
    journal(session, record_kind=entry.record_kind, record_id=entry.record_id, kind="time", author=actor,
            summary=_entry_message(N_("Time entry removed: {minutes} min on {day}"),
                                           N_("Time entry removed: {minutes} min on {day} ({task})"), entry, task))
    session.delete(entry)
    feed(session, entry.record_kind, entry.record_id, "time", actor)
    return entry


def ticket_minutes(session: Session, ticket: Ticket) -> int:
    return session.execute(
        select(func.coalesce(func.sum(TimeEntry.minutes), 0))
        .where(TimeEntry.record_kind == ticket.kind, TimeEntry.record_id == ticket.id)
    ).scalar_one()


def totals(session: Session, ticket: Ticket) -> Totals:
    rows = session.execute(
        select(Person.full_name, func.sum(TimeEntry.minutes), func.sum(TimeEntry.minutes).filter(TimeEntry.billable, ~TimeEntry.change_request))
        .join(Person, Person.id == TimeEntry.person_id)
        .where(TimeEntry.record_kind == ticket.kind, TimeEntry.record_id == ticket.id)
        .group_by(Person.full_name)
    ).all()
    people = sorted(((name, minutes) for name, minutes, _c in rows), key=lambda r: (-r[1], r[0]))
    return Totals(sum(m for _n, m, _c in rows), sum(c or 0 for _n, _m, c in rows), tuple(people))


def entries(session: Session, ticket: Ticket) -> list[dict[str, object]]:
    """The ticket's entries, newest work first, with who and on which task."""
    rows = session.execute(
        select(TimeEntry, Person.full_name, Task.number)
        .join(Person, Person.id == TimeEntry.person_id)
        .outerjoin(Task, Task.id == TimeEntry.task_id)
        .where(TimeEntry.record_kind == ticket.kind, TimeEntry.record_id == ticket.id)
        .order_by(TimeEntry.work_date.desc(), TimeEntry.id.desc())  # type: ignore[union-attr]
    ).all()
    return [{"id": e.id, "person": name, "person_id": e.person_id, "work_date": e.work_date, "minutes": e.minutes,
             "note": e.note, "billable": e.billable, "task": number} for e, name, number in rows]


# --- the running timer ---------------------------------------------------------------------------


def running(session: Session, person: Person) -> RunningTimer | None:
    return session.get(RunningTimer, person.id)


def start_timer(session: Session, actor: Person | None, ticket: Ticket, task: Task | None = None) -> Logged | None:
    """Start the actor's timer on `ticket`; a timer running elsewhere stops first and logs its
    time there (what it returns). One timer per analyst: two clocks would bill one hour twice."""
    actor = desk_staff(session, actor)
    stopped = stop_timer(session, actor) if running(session, actor) else None
    session.add(RunningTimer(person_id=actor.id, record_kind=ticket.kind, record_id=ticket.id,  # type: ignore[arg-type]
                             task_id=task.id if task else None, started_at=utcnow()))
    session.flush()
    feed(session, "person", actor.id, "timer", actor)  # type: ignore[arg-type]
    return stopped


def stop_timer(session: Session, actor: Person | None, *, note: str = "", billable: bool = True) -> Logged | None:
    """Stop the actor's timer and log what it counted (rounded up to the configured step)."""
    actor = desk_staff(session, actor)
    timer = running(session, actor)
    if timer is None:
        raise RuleViolation(_("No timer is running"))
    minutes = timer_minutes(timer.started_at, utcnow(), settings.current().timer_step_minutes)
    task = session.get(Task, timer.task_id) if timer.task_id else None
    ticket = ticket_of(session, timer.record_kind, timer.record_id, task)
    started_day = local_date(timer.started_at, settings.current().timezone)
    session.execute(delete(RunningTimer).where(RunningTimer.person_id == actor.id))  # type: ignore[arg-type]
    feed(session, "person", actor.id, "timer", actor)  # type: ignore[arg-type]
    if minutes == 0:
        return Logged(None, ticket_minutes(session, ticket), False, None)
    return log_time(session, actor, ticket, minutes=minutes, work_date=min(started_day, settings.today()), note=note,
                    billable=billable, task=task)


def discard_timer(session: Session, actor: Person | None) -> bool:
    actor = desk_staff(session, actor)
    gone = session.execute(delete(RunningTimer).where(RunningTimer.person_id == actor.id)).rowcount  # type: ignore[arg-type]
    if gone:
        feed(session, "person", actor.id, "timer", actor)  # type: ignore[arg-type]
    return bool(gone)


def ticket_by_number(session: Session, text: str) -> tuple[Ticket, Task | None]:
    """The ticket a typed number names, and the task when it is a task's: «INC12», «REQ3», «TSK7»."""
    from helpdesk_tui.desk.lookup import locate

    kind, record_id = locate(session, text)
    if kind == "task":
        task = session.get(Task, record_id)
        return ticket_of(session, "", 0, task), task
    return ticket_of(session, kind, record_id), None
