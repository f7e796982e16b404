"""Tokens that stand for a person (R1): the CLI's sign-in (`helpdesk login`, expiring) and API
tokens for automation (`helpdesk token create`). The secret is shown once; only its SHA-256
is kept, so a stolen backup holds nothing that signs anyone in."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlmodel import Session

from helpdesk_tui.desk import security
from helpdesk_tui.desk.common import require_active, roles_of
from helpdesk_tui.domain.errors import NotFound, PermissionDenied, RuleViolation
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import AccessToken, Person
from helpdesk_tui.store.types import utcnow

PREFIX = "hdt_"
KINDS = ("session", "api")
MAX_DAYS = 3650
# How stale `last_used_at` may get before a use writes it again: a script running a command a
# second must not turn every read into a write.
TOUCH_EVERY = timedelta(minutes=5)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.strip().encode()).hexdigest()


@dataclass(frozen=True)
class Issued:
    token: AccessToken
    secret: str


def issue(session: Session, person: Person, *, kind: str, name: str = "",
          lifetime: timedelta | None = None, actor: Person | None = None) -> Issued:
    """A new token for `person`; the secret is in the result and nowhere else."""
    if kind not in KINDS:
        raise RuleViolation(_("A token is a sign-in or an API token"), field="kind")
    require_active(person)
    if not roles_of(session, person):
        raise PermissionDenied(_("{login} has no role in the help desk; ask an administrator").format(login=person.login))
    secret = PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    token = AccessToken(person_id=person.id, kind=kind, name=name.strip()[:100], token_hash=digest(secret),  # type: ignore[arg-type]
                        created_at=now, expires_at=now + lifetime if lifetime else None)
    session.add(token)
    session.flush()
    if kind == "api":
        security.record(session, "token_created", person=person, actor=actor or person, detail=token.name)
    return Issued(token, secret)


def create_api_token(session: Session, actor: Person | None, *, name: str, days: int | None = None,
                     person: Person | None = None) -> Issued:
    """An API token for the actor, or (administrators) for someone else."""
    actor = require_active(actor)
    if not name.strip():
        raise RuleViolation(_("Name the token: what will use it?"), field="name")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise RuleViolation(_("A token lasts from 1 to {max} days").format(max=MAX_DAYS), field="days")
    owner = person or actor
    if owner.id != actor.id and Role.ADMIN not in roles_of(session, actor):
        raise PermissionDenied(_("Only an administrator makes tokens for someone else"))
    return issue(session, owner, kind="api", name=name, lifetime=timedelta(days=days) if days else None, actor=actor)


def person_for(session: Session, secret: str) -> Person | None:
    """Whose token this is, while it is valid: not revoked, not expired, its person active."""
    if not secret.startswith(PREFIX):
        return None
    token = session.execute(select(AccessToken).where(AccessToken.token_hash == digest(secret))).scalar_one_or_none()
    now = utcnow()
    if token is None or token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    person = session.get(Person, token.person_id)
    if person is None or not person.active:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        session.execute(update(AccessToken).where(AccessToken.id == token.id).values(last_used_at=now))
    return person


@dataclass(frozen=True)
class TokenRow:
    id: int
    login: str
    kind: str
    name: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


def list_tokens(session: Session, actor: Person | None, *, everyone: bool = False) -> list[TokenRow]:
    actor = require_active(actor)
    if everyone and Role.ADMIN not in roles_of(session, actor):
        raise PermissionDenied(_("Only an administrator sees everyone's tokens"))
    stmt = (select(AccessToken, Person.login).join(Person, Person.id == AccessToken.person_id)
            .order_by(AccessToken.id))
    if not everyone:
        stmt = stmt.where(AccessToken.person_id == actor.id)
    return [TokenRow(t.id, login, t.kind, t.name, t.created_at, t.expires_at, t.last_used_at, t.revoked_at)  # type: ignore[arg-type]
            for t, login in session.execute(stmt).all()]


def revoke(session: Session, actor: Person | None, token_id: int) -> AccessToken:
    """Revoke one of the actor's tokens (an administrator: anyone's)."""
    actor = require_active(actor)
    token = session.get(AccessToken, token_id)
    if token is None or (token.person_id != actor.id and Role.ADMIN not in roles_of(session, actor)):
        raise NotFound(_("No token {id} of yours").format(id=token_id))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        security.record(session, "token_revoked", person=session.get(Person, token.person_id), actor=actor,
                        detail=token.name or token.kind)
    return token


def end_session(session: Session, secret: str) -> bool:
    """`helpdesk logout`: the sign-in token stops working at once, wherever it was copied."""
    token = session.execute(select(AccessToken).where(AccessToken.token_hash == digest(secret))).scalar_one_or_none()
    if token is None or token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    security.record(session, "sign_out", person=session.get(Person, token.person_id))
    return True
