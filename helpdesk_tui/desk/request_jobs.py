"""The SLA ticker and auto-close for service requests (R27, R33), run by desk/jobs.py's tick
beside the incidents' under the same lease.

- Warnings at the warning share of the response and resolution targets, and breaches, each once
  whoever ticks (the unique request_sla_event row); a breach supersedes the warning it passed.
  The request's owner hears of it, or else its work group; the journal of the request says it.
- Nothing while a request awaits approval: the desk can do nothing until the approvers decide
  (its resolution clock is paused then, desk/request_sla.py), so nobody is warned of it.
- «Реалізовано» with no answer for the configured days (the incidents' autoclose settings)
  becomes «Закрито», and the requester is told.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, text
from sqlmodel import Session

from helpdesk_tui.desk import notify, request_sla
from helpdesk_tui.desk.common import feed, get_for_update, insert_ignore, journal
from helpdesk_tui.desk.requests import change_status
from helpdesk_tui.desk.sla import CLOCK_NAMES, autoclose_deadline, load_rules
from helpdesk_tui.desk.system import system_person
from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.domain.requests import RequestStatus as S
from helpdesk_tui.i18n import N_, translator
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import Person, RequestSlaEvent, ServiceRequest, WorkGroup
from helpdesk_tui.store.request_tables import TICKING_REQUEST_SQL
from helpdesk_tui.store.types import utcnow

BATCH = 200
# Qualified, and word for word the partial indexes' condition, so both engines read the indexes.
_TICKING = text(TICKING_REQUEST_SQL.replace("status", "service_request.status"))


def _clock_name(clock: str) -> Any:
    """The clock's name in each reader's language (notify.queue asks with the language)."""
    return lambda lang: translator(lang)(CLOCK_NAMES[clock])


def _recipients(session: Session, request: ServiceRequest) -> list[Person]:
    if request.owner_id:
        owner = session.get(Person, request.owner_id)
        return [owner] if owner is not None and owner.active else []
    return notify.group_members(session, request.group_id) if request.group_id else []


def _record(session: Session, system: Person, request: ServiceRequest, kind: str, clock: str,
            due: datetime | None, share: int) -> bool:
    """One warning or breach, once: the unique row decides, then the journal and the mail."""
    if not insert_ignore(session, RequestSlaEvent, request_id=request.id, kind=kind, at=utcnow()):
        return False
    breach = kind.endswith("breach")
    clock_name = Message(CLOCK_NAMES[clock])
    summary = (Message(N_("SLA: the {clock} target is breached"), clock=clock_name) if breach
               else Message(N_("SLA: {share}% of the {clock} target used"), clock=clock_name, share=share))
    journal(session, record_kind="service_request", record_id=request.id, kind="sla", author=system,  # type: ignore[arg-type]
            summary=summary, body=Message(N_("Due {due}"), due=due) if due else "")
    group = session.get(WorkGroup, request.group_id) if request.group_id else None
    notify.queue(session, template="request_sla_breach" if breach else "request_sla_warning",
                 record_kind="service_request", record_id=request.id, number=request.number,  # type: ignore[arg-type]
                 recipients=_recipients(session, request), author=system,
                 values={"title": request.short_description, "clock": _clock_name(clock), "share": str(share),
                         "due": when(due) if due else "—", "group": group.name if group else "—"})
    feed(session, "service_request", request.id, "sla", system)  # type: ignore[arg-type]
    return True


def _sla_candidates(session: Session, now: datetime, after_id: int) -> list[ServiceRequest]:
    """Requests whose warning or due moment has come and that still lack that event."""
    def missing(kind: str) -> Any:
        return ~exists().where(RequestSlaEvent.request_id == ServiceRequest.id, RequestSlaEvent.kind == kind)

    unanswered = ServiceRequest.responded_at.is_(None)  # type: ignore[union-attr]
    cond = or_(
        and_(unanswered, ServiceRequest.response_warn_at <= now, missing("response_warning")),  # type: ignore[operator]
        and_(unanswered, ServiceRequest.response_due <= now, missing("response_breach")),  # type: ignore[operator]
        and_(ServiceRequest.resolution_warn_at <= now, missing("resolution_warning")),  # type: ignore[operator]
        and_(ServiceRequest.due_at <= now, missing("resolution_breach")),  # type: ignore[operator]
    )
    # Locked and read again once locked, as the incidents' (desk/jobs.py): decided on the request
    # as it is, not on a copy from before it was implemented or sent for approval.
    stmt = (select(ServiceRequest).where(_TICKING, cond, ServiceRequest.id > after_id)
            .order_by(ServiceRequest.id).limit(BATCH).with_for_update().execution_options(populate_existing=True))
    return list(session.execute(stmt).scalars())


def check_sla(db: Database, now: datetime | None = None) -> tuple[int, int]:
    """Warnings and breaches of service requests, each recorded once: (warnings, breaches)."""
    now = now or utcnow()
    warnings = breaches = 0
    last = 0
    while True:
        with db.write() as session:
            rows = _sla_candidates(session, now, last)
            if not rows:
                return warnings, breaches
            system = system_person(session)
            share = round(load_rules(session).warn_share * 100)
            for request in rows:
                last = request.id  # type: ignore[assignment]
                state = request_sla.state_of(session, request, now=now)
                for name, clock in (("response", state.response), ("resolution", state.resolution)):
                    if clock.met is True:
                        continue
                    if clock.breached or (clock.due is not None and clock.due <= now):
                        breaches += _record(session, system, request, f"{name}_breach", name, clock.due, 100)
                        # The breach supersedes the warning it passed (issue 16 item 9): a warning
                        # the ticker would send after it tells less and arrives too late.
                        insert_ignore(session, RequestSlaEvent, request_id=request.id, kind=f"{name}_warning",
                                      at=utcnow())
                    elif clock.warn_at is not None and clock.warn_at <= now:
                        warnings += _record(session, system, request, f"{name}_warning", name, clock.due, share)


def auto_close(db: Database, now: datetime | None = None) -> int:
    """R28: «Реалізовано» with no answer for N days (calendar or working) becomes «Закрито»."""
    now = now or utcnow()
    closed = 0
    last = 0
    while True:
        with db.write() as session:
            days, deadline_of = autoclose_deadline(session)
            rows = list(session.execute(
                select(ServiceRequest.id, ServiceRequest.number)
                .where(ServiceRequest.status == S.IMPLEMENTED.value, ServiceRequest.implemented_at <= now - timedelta(days=days),  # type: ignore[operator]
                       ServiceRequest.id > last)
                .order_by(ServiceRequest.id).limit(BATCH)).all())
            if not rows:
                return closed
            system = system_person(session)
            for request_id, number in rows:
                last = request_id
                request = get_for_update(session, ServiceRequest, request_id, what=number)
                if request.status != S.IMPLEMENTED.value or request.implemented_at is None:
                    continue  # answered or closed meanwhile
                if deadline_of(request.implemented_at) > now:
                    continue
                try:
                    change_status(session, system, request, S.CLOSED)
                except DeskError:
                    continue
                _closed_automatically(session, system, request, days)
                closed += 1


def _closed_automatically(session: Session, system: Person, request: ServiceRequest, days: int) -> None:
    journal(session, record_kind="service_request", record_id=request.id, kind="system", author=system,  # type: ignore[arg-type]
            summary=Message(N_("Closed automatically: no answer {days} days after it was carried out"), days=days))
    requester = session.get(Person, request.requester_id) if request.requester_id else None
    if requester is not None:
        notify.queue(session, template="request_auto_closed", record_kind="service_request",
                     record_id=request.id, number=request.number, recipients=[requester], author=system,  # type: ignore[arg-type]
                     values={"title": request.short_description, "days": str(days)})
