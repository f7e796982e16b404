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
    sums = _sums(session, organisation.id, month)  # type: ignore[arg-type]
    lines = _lines(session, sums) if internal else []
    return Statement(client=organisation.name, month=month, subscription_minutes=use.included_minutes,
                     used_minutes=use.used_minutes, outside_minutes=use.outside_minutes,
                     tickets=sum(1 for _m, counted in sums.values() if counted), lines=tuple(lines),
                     desk=desk_details(), number=f"{month:%Y-%m}/{organisation.id}")


def statements(session: Session, actor: Person | None, month: date, *, internal: bool = False) -> list[Statement]:
    """Every client with a subscription or time that month, by name."""
    uses = [u for u in clients_use(session, actor, month) if u.included_minutes or u.used_minutes or u.outside_minutes]
    orgs = {o.id: o for o in session.execute(select(Organisation).where(
        Organisation.id.in_([u.organisation_id for u in uses]))).scalars()}  # type: ignore[union-attr]
    return [statement(session, actor, orgs[u.organisation_id], month, internal=internal)
            for u in sorted(uses, key=lambda u: u.name.casefold())]


def _sums(session: Session, organisation_id: int, month: date) -> dict[tuple[str, int], tuple[int, int]]:
    """{(kind, ticket id): (minutes, counted minutes)} of the client's month, from the (client,
    date) index alone: the act needs only how many tickets, the report their rows."""
    counted = TimeEntry.billable & ~TimeEntry.change_request  # type: ignore[operator]
    rows = session.execute(
        select(TimeEntry.record_kind, TimeEntry.record_id, func.sum(TimeEntry.minutes),
               func.coalesce(func.sum(TimeEntry.minutes).filter(counted), 0))
        .where(TimeEntry.organisation_id == organisation_id, TimeEntry.work_date >= month,
               TimeEntry.work_date < next_month(month))
        .group_by(TimeEntry.record_kind, TimeEntry.record_id))
    return {(kind, rid): (int(total), int(used)) for kind, rid, total, used in rows}


def _lines(session: Session, sums: dict[tuple[str, int], tuple[int, int]]) -> list[StatementLine]:
    """The report's rows: the tickets read by their keys, a few hundred at a time."""
    zone = settings.current().timezone
    lines: list[StatementLine] = []
    incident_ids = [rid for kind, rid in sums if kind == "incident"]
    request_ids = [rid for kind, rid in sums if kind == "service_request"]
    for chunk in _chunks(incident_ids):
        for rid, number, title, kind, resolved, closed, status in session.execute(
                select(Incident.id, Incident.number, Incident.short_description, Incident.kind, Incident.resolved_at,
                       Incident.closed_at, Incident.status).where(Incident.id.in_(chunk))):  # type: ignore[union-attr]
            done = resolved or closed
            completed = local_date(done, zone) if done is not None and status != "cancelled" else None
            minutes, used = sums[("incident", rid)]
            lines.append(StatementLine(number, title, kind, completed, minutes, used))
    for chunk in _chunks(request_ids):
        for rid, number, title, implemented, closed in session.execute(
                select(ServiceRequest.id, ServiceRequest.number, ServiceRequest.short_description,
                       ServiceRequest.implemented_at, ServiceRequest.closed_at)
                .where(ServiceRequest.id.in_(chunk))):  # type: ignore[union-attr]
            done = implemented or closed
            minutes, used = sums[("service_request", rid)]
            lines.append(StatementLine(number, title, "request", local_date(done, zone) if done else None,
                                       minutes, used))
    # Completed first, by day; then what is still open; a ticket's number settles ties.
    return sorted(lines, key=lambda line: (line.completed_on is None, line.completed_on or date.max, line.number))


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]
