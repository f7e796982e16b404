"""Background jobs under leases: the SLA ticker and auto-close (R26), of incidents here and of
service requests in desk/request_jobs.py, in every app and headless (`helpdesk jobs run`). One process holds a job's lease at a time; a crashed holder's lease
expires and another takes over. Every step is idempotent: two ticks or two processes never warn
twice or close twice (the unique sla_event row, the status checked under the row lock).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, exists, or_, select, text, update
from sqlmodel import Session

from helpdesk_tui.desk import notify, request_jobs
from helpdesk_tui.desk.common import feed, get_for_update, insert_ignore, journal
from helpdesk_tui.desk.incidents import change_status
from helpdesk_tui.desk.sla import CLOCK_NAMES, autoclose_deadline, load_rules, state_of
from helpdesk_tui.desk.system import system_person
from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.domain.statuses import IncidentStatus
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import OPEN_INCIDENT_SQL, Incident, JobLease, Person, SlaEvent
from helpdesk_tui.store.types import utcnow

LEASE_TTL = timedelta(seconds=90)
TICKER = "sla-ticker"
BATCH = 200


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Lease:
    """Who holds a job's lease: `holder` is holder_id()'s "host:pid"."""

    holder: str
    since: datetime
    until: datetime

    @property
    def host(self) -> str:
        return self.holder.rpartition(":")[0] or self.holder

    @property
    def pid(self) -> str:
        return self.holder.rpartition(":")[2] if ":" in self.holder else "?"


def acquire_lease(session: Session, name: str, holder: str, ttl: timedelta = LEASE_TTL, now: datetime | None = None) -> bool:
    """Take or renew a job's lease; False when another live holder has it."""
    now = now or utcnow()
    insert_ignore(session, JobLease, name=name, holder="", acquired_at=now, expires_at=now - timedelta(seconds=1))
    renewed = and_(JobLease.holder == holder, JobLease.expires_at >= now)
    result = session.execute(
        update(JobLease)
        .where(JobLease.name == name, or_(JobLease.holder == holder, JobLease.expires_at < now))
        .values(holder=holder, expires_at=now + ttl, acquired_at=case((renewed, JobLease.acquired_at), else_=now))
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def live_lease(session: Session, name: str, now: datetime | None = None) -> Lease | None:
    """The lease's holder while it is live, to say who is doing the job; None when it is free."""
    row = session.execute(select(JobLease).where(JobLease.name == name)
                          .execution_options(populate_existing=True)).scalar_one_or_none()
    if row is None or not row.holder or row.expires_at < (now or utcnow()):
        return None
    return Lease(row.holder, row.acquired_at, row.expires_at)


def release_lease(session: Session, name: str, holder: str) -> None:
    session.execute(update(JobLease).where(JobLease.name == name, JobLease.holder == holder)
                    .values(expires_at=utcnow() - timedelta(seconds=1)))


@dataclass
class TickReport:
    held: bool = True
    warnings: int = 0
    breaches: int = 0
    closed: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if not self.held:
            return _("another process holds the ticker's lease")
        return _("warnings {w}, breaches {b}, closed {c}").format(w=self.warnings, b=self.breaches, c=self.closed)


def _record(session: Session, system: Person, incident: Incident, kind: str, clock: str, due: datetime | None,
            share: int) -> bool:
    """One warning or breach, once: the unique row decides, then journal and notifications."""
    if not insert_ignore(session, SlaEvent, incident_id=incident.id, kind=kind, at=utcnow()):
        return False
    clock_name = Message(CLOCK_NAMES[clock])
    breach = kind.endswith("breach")
    summary = (Message(N_("SLA: the {clock} target is breached"), clock=clock_name) if breach
               else Message(N_("SLA: {share}% of the {clock} target used"), clock=clock_name, share=share))
    journal(session, record_kind="incident", record_id=incident.id, kind="sla", author=system,  # type: ignore[arg-type]
            summary=summary, body=Message(N_("Due {due}"), due=due) if due else "")
    recipients: list[Person] = []
    if incident.owner_id:
        owner = session.get(Person, incident.owner_id)
        recipients = [owner] if owner else []
    elif incident.group_id:
        recipients = notify.group_members(session, incident.group_id)
    notify.queue(session, template="sla_breach" if breach else "sla_warning", record_kind="incident",
                 record_id=incident.id, number=incident.number, recipients=recipients, author=system,  # type: ignore[arg-type]
                 values=notify.incident_values(session, incident, clock=_(CLOCK_NAMES[clock]), share=str(share),
                                               due=when(due) if due else "—"))
    feed(session, "incident", incident.id, "sla", system)  # type: ignore[arg-type]
    return True


def _sla_candidates(session: Session, now: datetime, after_id: int) -> list[Incident]:
    """Open incidents whose warning or due moment has come and that still lack that event."""
    def missing(kind: str):  # type: ignore[no-untyped-def]
        return ~exists().where(SlaEvent.incident_id == Incident.id, SlaEvent.kind == kind)

    unanswered = Incident.responded_at.is_(None)
    cond = or_(
        and_(unanswered, Incident.response_warn_at <= now, missing("response_warning")),
        and_(unanswered, Incident.response_due <= now, missing("response_breach")),
        and_(Incident.resolution_warn_at <= now, missing("resolution_warning")),
        and_(Incident.resolution_due <= now, missing("resolution_breach")),
    )
    # Locked, and read again once locked (PostgreSQL rechecks the condition then): a warning or
    # a breach is decided on the incident as it is, not on a copy from before it was resolved.
    stmt = (select(Incident).where(text(OPEN_INCIDENT_SQL.replace("status", "incident.status")), cond,
                                   Incident.id > after_id).order_by(Incident.id).limit(BATCH)
            .with_for_update().execution_options(populate_existing=True))
    return list(session.execute(stmt).scalars())


def check_sla(db: Database, now: datetime | None = None) -> tuple[int, int]:
    """Warnings at the configured share of each target, and breaches, each recorded once."""
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
            for incident in rows:
                last = incident.id  # type: ignore[assignment]
                state = state_of(session, incident, now=now)
                for clock_name, clock in (("response", state.response), ("resolution", state.resolution)):
                    if clock.met is True:
                        continue
                    if clock.breached or (clock.due is not None and clock.due <= now):
                        breaches += _record(session, system, incident, f"{clock_name}_breach", clock_name, clock.due, 100)
                        # The breach supersedes the warning it passed: a warning for a threshold
                        # already breached when the ticker first sees it (the app was closed, the
                        # ticker stopped) would arrive after the breach and tell less.
                        insert_ignore(session, SlaEvent, incident_id=incident.id, kind=f"{clock_name}_warning",
                                      at=utcnow())
                    elif clock.warn_at is not None and clock.warn_at <= now:
                        warnings += _record(session, system, incident, f"{clock_name}_warning", clock_name, clock.due, share)


def auto_close(db: Database, now: datetime | None = None) -> int:
    """R26: «Вирішено» with no answer for N days (calendar or working) becomes «Закрито»."""
    now = now or utcnow()
    closed = 0
    last = 0
    while True:
        with db.write() as session:
            days, deadline_of = autoclose_deadline(session)
            rows = list(session.execute(
                select(Incident).where(Incident.status == IncidentStatus.RESOLVED.value,
                                       Incident.resolved_at <= now - timedelta(days=days), Incident.id > last)
                .order_by(Incident.id).limit(BATCH)).scalars())
            if not rows:
                return closed
            system = system_person(session)
            for candidate in rows:
                last = candidate.id  # type: ignore[assignment]
                incident = get_for_update(session, Incident, candidate.id, what=candidate.number)  # type: ignore[arg-type]
                if incident.status != IncidentStatus.RESOLVED.value or incident.resolved_at is None:
                    continue  # answered or closed meanwhile
                if deadline_of(incident.resolved_at) > now:
                    continue
                try:
                    change_status(session, system, incident, IncidentStatus.CLOSED)
                except DeskError:
                    continue
                journal(session, record_kind="incident", record_id=incident.id, kind="system", author=system,  # type: ignore[arg-type]
                        summary=Message(N_("Closed automatically: no answer {days} days after the resolution"),
                                        days=days))
                caller = session.get(Person, incident.caller_id) if incident.caller_id else None
                if caller is not None:
                    notify.queue(session, template="auto_closed", record_kind="incident", record_id=incident.id,  # type: ignore[arg-type]
                                 number=incident.number, recipients=[caller], author=system,
                                 values=notify.incident_values(session, incident, days=str(days)))
                closed += 1


def tick(db: Database, holder: str | None = None, now: datetime | None = None) -> TickReport:
    """One round of every job, if this process holds the lease."""
    holder = holder or holder_id()
    with db.write() as session:
        if not acquire_lease(session, TICKER, holder, now=now):
            return TickReport(held=False)
    report = TickReport()
    report.warnings, report.breaches = check_sla(db, now)
    report.closed = auto_close(db, now)
    warnings, breaches = request_jobs.check_sla(db, now)
    report.warnings, report.breaches = report.warnings + warnings, report.breaches + breaches
    report.closed += request_jobs.auto_close(db, now)
    return report
