"""The journal of security events (R1, R2): sign-ins and their failures, role, password, token
and key changes, acting as someone else. `helpdesk audit` reads it; sign-in reads a login's
recent failures from it to slow down guessing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select
from sqlmodel import Session

from helpdesk_tui.desk.common import require_role
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import Person, SecurityEvent
from helpdesk_tui.store.types import utcnow

EVENT_LABELS = {
    "sign_in": N_("Signed in"),
    "sign_in_failed": N_("Sign-in failed"),
    "sign_in_throttled": N_("Sign-in refused: too many failures"),
    "sign_out": N_("Signed out"),
    "password_changed": N_("Password changed"),
    "roles_changed": N_("Roles changed"),
    "person_deactivated": N_("Person deactivated"),
    "person_activated": N_("Person activated"),
    "token_created": N_("Token created"),
    "token_revoked": N_("Token revoked"),
    "ssh_key_added": N_("SSH key added"),
    "ssh_key_removed": N_("SSH key removed"),
    "ssh_keys_synced": N_("SSH keys written"),
    "acted_as": N_("Acted as another person"),
    "refused": N_("Refused"),
}

SOURCE_LABELS = {
    "tui": N_("terminal"),
    "cli": N_("command line"),
    "ssh": N_("SSH"),
    "token": N_("API token"),
    "portal": N_("portal"),
    "jobs": N_("jobs"),
}


def event_label(kind: str) -> str:
    return _(EVENT_LABELS[kind]) if kind in EVENT_LABELS else kind


def source_label(source: str) -> str:
    return _(SOURCE_LABELS[source]) if source in SOURCE_LABELS else source


_EVENTS = SecurityEvent.__table__  # type: ignore[attr-defined]


def record(session: Session, kind: str, *, login: str = "", person: Person | None = None,
           actor: Person | None = None, source: str = "", detail: str = "") -> None:
    """One event, in the caller's transaction; `source` defaults to the entry point that opened
    the session (`session.info["source"]`, set by the CLI, the TUI and the jobs)."""
    session.execute(insert(_EVENTS).values(
        at=utcnow(), kind=kind, login=(login or (person.login if person else "")).strip().casefold()[:200],
        person_id=person.id if person else None, actor_id=actor.id if actor else None,
        source=source or str(session.info.get("source", "")), detail=detail[:500],
    ))


def recent_failures(session: Session, login: str, *, window: timedelta) -> tuple[int, datetime | None]:
    """How often `login` failed to sign in within `window`, and when it last did."""
    since = utcnow() - window
    count, last = session.execute(
        select(func.count(), func.max(SecurityEvent.at))
        .where(SecurityEvent.login == login.strip().casefold(), SecurityEvent.kind == "sign_in_failed",
               SecurityEvent.at >= since)
    ).one()
    return int(count), last


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    kind: str
    login: str
    person: str | None
    actor: str | None
    source: str
    detail: str


def audit(session: Session, actor: Person | None, *, login: str | None = None, kind: str | None = None,
          since: datetime | None = None, limit: int = 200) -> list[AuditRow]:
    """The newest security events first; administrators only."""
    require_role(session, actor, Role.ADMIN)
    if kind is not None and kind not in EVENT_LABELS:
        from helpdesk_tui.domain.errors import RuleViolation

        raise RuleViolation(_("Unknown event «{kind}»; one of: {kinds}").format(kind=kind, kinds=", ".join(EVENT_LABELS)))
    who = Person.__table__.alias("who")  # type: ignore[attr-defined]
    by = Person.__table__.alias("by")  # type: ignore[attr-defined]
    stmt = (
        select(SecurityEvent.at, SecurityEvent.kind, SecurityEvent.login, who.c.full_name, by.c.full_name,
               SecurityEvent.source, SecurityEvent.detail)
        .outerjoin(who, who.c.id == SecurityEvent.person_id)
        .outerjoin(by, by.c.id == SecurityEvent.actor_id)
        .order_by(SecurityEvent.id.desc()).limit(limit)  # type: ignore[union-attr]
    )
    if login:
        stmt = stmt.where(SecurityEvent.login == login.strip().casefold())
    if kind:
        stmt = stmt.where(SecurityEvent.kind == kind)
    if since is not None:
        stmt = stmt.where(SecurityEvent.at >= since)
    return [AuditRow(*row) for row in session.execute(stmt).all()]
