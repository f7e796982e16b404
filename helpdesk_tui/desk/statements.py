"""The monthly statement per client (R41) and, on request, the internal report of its tickets.

The statement's figures are the subscription in force that month and the time counted against
it; the report adds each ticket with time in the month (completed first, with the day), so that
its lines add up to the statement's hours.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from helpdesk_tui.desk import settings
from helpdesk_tui.desk.common import desk_staff
from helpdesk_tui.desk.subscriptions import clients_use, month_use
from helpdesk_tui.domain.statements import DeskDetails, Statement, StatementLine
from helpdesk_tui.domain.timekeeping import local_date, month_start, next_month
from helpdesk_tui.store.models import Incident, Organisation, Person, ServiceRequest
from helpdesk_tui.store.time_tables import TimeEntry


def desk_details() -> DeskDetails:
    current = settings.current()
    return DeskDetails(current.desk_name, tuple(current.desk_details))


def statement(session: Session, actor: Person | None, organisation: Organisation, month: date, *,
              internal: bool = False) -> Statement:
    desk_staff(session, actor)
    month = month_start(month)
    use = month_use(session, organisation.id, month)  # type: ignore[arg-type]
    lines = _lines(session, organisation.id, month)  # type: ignore[arg-type]
    tickets = sum(1 for line in lines if line.counted_minutes)
    return Statement(client=organisation.name, month=month, subscription_minutes=use.included_minutes,
                     used_minutes=use.used_minutes, outside_minutes=use.outside_minutes, tickets=tickets,
                     lines=tuple(lines) if internal else (), desk=desk_details(),
                     number=f"{month:%Y-%m}/{organisation.id}")


def statements(session: Session, actor: Person | None, month: date, *, internal: bool = False) -> list[Statement]:
    """Every client with a subscription or time that month, by name."""
    uses = [u for u in clients_use(session, actor, month) if u.included_minutes or u.used_minutes or u.outside_minutes]
    orgs = {o.id: o for o in session.execute(select(Organisation).where(
        Organisation.id.in_([u.organisation_id for u in uses]))).scalars()}  # type: ignore[union-attr]
    return [statement(session, actor, orgs[u.organisation_id], month, internal=internal)
            for u in sorted(uses, key=lambda u: u.name.casefold())]


def _lines(session: Session, organisation_id: int, month: date) -> list[StatementLine]:
    counted = TimeEntry.billable & ~TimeEntry.change_request  # type: ignore[operator]
    window = (TimeEntry.organisation_id == organisation_id, TimeEntry.work_date >= month,
              TimeEntry.work_date < next_month(month))
    total, in_count = func.sum(TimeEntry.minutes), func.coalesce(func.sum(TimeEntry.minutes).filter(counted), 0)
    lines: list[StatementLine] = []
    zone = settings.current().timezone
    incidents = session.execute(
        select(Incident.number, Incident.short_description, Incident.kind,
               func.coalesce(Incident.resolved_at, Incident.closed_at), Incident.status, total, in_count)
        .join(TimeEntry, (TimeEntry.record_kind == "incident") & (TimeEntry.record_id == Incident.id))
        .where(*window)
        .group_by(Incident.id, Incident.number, Incident.short_description, Incident.kind, Incident.resolved_at,
                  Incident.closed_at, Incident.status))
    for number, title, kind, done, status, minutes, used in incidents:
        completed = local_date(done, zone) if done is not None and status != "cancelled" else None
        lines.append(StatementLine(number, title, kind, completed, int(minutes), int(used)))
    requests = session.execute(
        select(ServiceRequest.number, ServiceRequest.short_description,
               func.coalesce(ServiceRequest.implemented_at, ServiceRequest.closed_at), total, in_count)
        .join(TimeEntry, (TimeEntry.record_kind == "service_request") & (TimeEntry.record_id == ServiceRequest.id))
        .where(*window)
        .group_by(ServiceRequest.id, ServiceRequest.number, ServiceRequest.short_description,
                  ServiceRequest.implemented_at, ServiceRequest.closed_at))
    for number, title, done, minutes, used in requests:
        lines.append(StatementLine(number, title, "request", local_date(done, zone) if done else None,
                                   int(minutes), int(used)))
    # Completed first, by day; then what is still open; a ticket's number settles ties.
    return sorted(lines, key=lambda line: (line.completed_on is None, line.completed_on or date.max, line.number))
