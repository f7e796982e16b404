"""A service request's SLA (R27, R33): the catalog item's response and resolution targets on the
business calendar, the resolution clock paused while the request awaits approval.

The clocks are the incidents' (domain/sla.py); a request's statuses are read in their words:
«Реалізовано» stops the clock as a resolution does, a rejection as a cancellation does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk.sla import forget_rules, load_rules
from helpdesk_tui.domain.requests import FINAL, RequestStatus as S
from helpdesk_tui.domain.sla import (
    MINUTE,
    UNCLASSIFIED_PRIORITY,
    SlaState,
    StatusChange,
    Targets,
    resolution_clock,
    response_clock,
)
from helpdesk_tui.store.models import CatalogItem, JournalEntry, ServiceRequest
from helpdesk_tui.store.types import utcnow

# The request's statuses as the clocks know them.
CLOCK_WORDS = {S.IMPLEMENTED.value: "resolved", S.REJECTED.value: "cancelled"}
PAUSED = frozenset({S.AWAITING_APPROVAL.value})
OPEN = tuple(s.value for s in S if s not in FINAL)


def targets_of(session: Session, item: CatalogItem | None) -> Targets:
    """The item's targets; an item without them is measured as an unclassified incident."""
    rules = load_rules(session)
    default = rules.by_priority[UNCLASSIFIED_PRIORITY]
    if item is None:
        return default
    response = item.response_minutes * MINUTE if item.response_minutes else default.response
    resolution = item.resolution_minutes * MINUTE if item.resolution_minutes else default.resolution
    return Targets(response, resolution, default.calendar)


def history(session: Session, request_id: int) -> list[StatusChange]:
    rows = session.execute(
        select(JournalEntry.created_at, JournalEntry.status_to)
        .where(JournalEntry.record_kind == "service_request", JournalEntry.record_id == request_id,
               JournalEntry.kind == "status", JournalEntry.status_to.is_not(None))  # type: ignore[union-attr]
        .order_by(JournalEntry.id))
    return [StatusChange(at, CLOCK_WORDS.get(status, status)) for at, status in rows]


def state_of(session: Session, request: ServiceRequest, now: datetime | None = None) -> SlaState:
    rules = load_rules(session)
    item = session.get(CatalogItem, request.catalog_item_id) if request.catalog_item_id else None
    targets = targets_of(session, item)
    cal = rules.calendar(targets)
    changes = history(session, request.id) or [StatusChange(request.created_at, request.status)]  # type: ignore[arg-type]
    now_us = cal.offset_us(now or utcnow())
    created_us = cal.offset_us(request.created_at)
    end_us = cal.offset_us(request.responded_at) if request.responded_at else now_us
    return SlaState(
        response_clock(cal, created_us, request.responded_at, end_us, targets.response, rules.warn_share),
        resolution_clock(cal, changes, targets.resolution, now_us, PAUSED, rules.warn_share),
        targets,
    )


def refresh_due(session: Session, request: ServiceRequest) -> SlaState:
    """Store the due and warning times that lists, `sla breaching` and the ticker read."""
    session.flush()
    state = state_of(session, request)
    request.response_due = state.response.due if state.response.met is not True else None
    request.response_warn_at = state.response.warn_at
    running = state.resolution.running or state.resolution.breached
    request.due_at = state.resolution.due if running else None
    request.resolution_warn_at = state.resolution.warn_at if state.resolution.running else None
    return state


def recompute_open(session: Session, *, batch: int = 500) -> int:
    """Refresh the stored due times of every open request (after a policy or calendar change,
    as desk/sla.recompute_open does for incidents): the ticker and `sla breaching` read them."""
    forget_rules(session)
    count, last = 0, 0
    while True:
        # Locked: a status change meanwhile would otherwise be overwritten with due times
        # computed from the history before it.
        rows = list(session.execute(
            select(ServiceRequest).where(ServiceRequest.status.in_(OPEN), ServiceRequest.id > last)  # type: ignore[attr-defined]
            .order_by(ServiceRequest.id).limit(batch).with_for_update().execution_options(populate_existing=True))
            .scalars())
        if not rows:
            return count
        for request in rows:
            refresh_due(session, request)
            count += 1
        last = rows[-1].id  # type: ignore[assignment]


def expected_by(session: Session, request: ServiceRequest) -> tuple[datetime | None, datetime | None]:
    """The response and resolution deadlines to show after saving («очікувані терміни»)."""
    state = state_of(session, request)
    return state.response.due, state.resolution.due


