"""Who a portal visitor is (issue 20, R51): a one-time link e-mailed to a caller's address, or the
local password the desk already keeps; then a browser session until the caller signs out.

- A link is asked for by address; the answer never says whether the address is known. It lasts
  LINK_MINUTES and works once; only its SHA-256 is stored (as desk/tokens.py keeps tokens).
- Asking is rate limited per address and per client address (LINK_LIMIT in LINK_WINDOW), counted
  in the database so that every server worker sees the same count.
- A session's secret lives in the browser's cookie; the database keeps its SHA-256. A session
  ends SESSION_DAYS after it began, or IDLE_DAYS after it was last used, or when its caller
  signs out (here, or everywhere at once).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlmodel import Session

from helpdesk_tui.desk import auth, security, settings
from helpdesk_tui.desk.admin import verify_password
from helpdesk_tui.desk.notify import TEMPLATES, _one_line, new_message_id
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.i18n import _, translator
from helpdesk_tui.store.models import OutboxMessage, Person, PortalAttempt, PortalLink, PortalSession
from helpdesk_tui.store.types import utcnow

LINK_MINUTES = 15
LINK_LIMIT = 5
LINK_WINDOW = timedelta(minutes=15)
SESSION_DAYS = 30
IDLE_DAYS = 7
TOUCH_EVERY = timedelta(minutes=5)
SOURCE = "portal"
SWEEP_AFTER = timedelta(days=1)


class TooManyAttempts(DeskError):
    pass


class LinkRefused(DeskError):
    pass


def digest(secret: str) -> str:
    return hashlib.sha256(secret.strip().encode()).hexdigest()


# --- rate limits ----------------------------------------------------------------------------


def attempts(session: Session, key: str, window: timedelta) -> int:
    since = utcnow() - window
    return int(session.execute(select(func.count()).select_from(PortalAttempt)
                               .where(PortalAttempt.key == key, PortalAttempt.at >= since)).scalar_one())


def count_attempt(session: Session, keys: list[str], *, limit: int, window: timedelta, message: str) -> None:
    """Refuse with TooManyAttempts when one of `keys` was used `limit` times within `window`;
    otherwise count this attempt for each. Old attempts are swept as the keys are counted."""
    now = utcnow()
    # This key's old attempts, and anyone's from before yesterday (no window is longer).
    session.execute(delete(PortalAttempt).where(PortalAttempt.key.in_(keys),  # type: ignore[attr-defined]
                                                PortalAttempt.at < now - window))
    session.execute(delete(PortalAttempt).where(PortalAttempt.at < now - SWEEP_AFTER))
    for key in keys:
        if attempts(session, key, window) >= limit:
            raise TooManyAttempts(message)
    for key in keys:
        session.add(PortalAttempt(key=key[:300], at=now))
    session.flush()


def _person_by_address(session: Session, address: str) -> Person | None:
    wanted = address.strip().casefold()
    if not wanted or "@" not in wanted:
        return None
    return session.execute(select(Person).where(func.lower(Person.email) == wanted, Person.active.is_(True))  # type: ignore[attr-defined]
                           .order_by(Person.id).limit(1)).scalar_one_or_none()


# --- one-time links ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkSent:
    """What `request_link` did, for tests and logs only: the page says the same either way."""

    person_id: int | None
    outbox_id: int | None


def request_link(session: Session, address: str, *, client: str, base_url: str) -> LinkSent:
    """E-mail a one-time sign-in link to `address` if it is an active person's. TooManyAttempts
    when this address or this client asked too often lately (counted whether or not it is known)."""
    address = (address or "").strip()[:320]
    count_attempt(session, [f"link-email:{address.casefold()}", f"link-ip:{client}"], limit=LINK_LIMIT,
                  window=LINK_WINDOW,
                  message=_("Too many sign-in links asked for; try again in {minutes} minutes").format(
                      minutes=int(LINK_WINDOW.total_seconds() // 60)))
    person = _person_by_address(session, address)
    if person is None:
        return LinkSent(None, None)
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(PortalLink(person_id=person.id, token_hash=digest(secret), created_at=now,  # type: ignore[arg-type]
                           expires_at=now + timedelta(minutes=LINK_MINUTES)))
    link = base_url.rstrip("/") + "/signin/link?token=" + secret
    lang = (person.language if person.language in ("uk", "en") else None) or settings.current().notification_language
    tr = translator(lang)
    tpl = TEMPLATES["portal_link"]
    values = {"name": person.full_name, "desk": settings.current().desk_name, "minutes": LINK_MINUTES, "link": link}
    message = OutboxMessage(template="portal_link", language=lang, to_address=person.email, to_person_id=person.id,  # type: ignore[arg-type]
                            message_id=new_message_id("signin"),
                            subject=_one_line(tr(tpl.subject).format(**values)), body=tr(tpl.body).format(**values),
                            created_at=now, next_attempt_at=now)
    session.add(message)
    session.flush()
    return LinkSent(person.id, message.id)


def consume_link(session: Session, secret: str) -> Person:
    """The person a link signs in, using it up; LinkRefused when it is unknown, used or expired."""
    refused = LinkRefused(_("This sign-in link does not work any more: it was used, or it is older than "
                            "{minutes} minutes. Ask for a new one.").format(minutes=LINK_MINUTES))
    now = utcnow()
    link = session.execute(select(PortalLink).where(PortalLink.token_hash == digest(secret or ""))).scalar_one_or_none()
    if link is None or link.used_at is not None or link.expires_at <= now:
        raise refused
    # Used once, even by two tabs at the same moment: only the UPDATE that finds it unused wins.
    won = session.execute(update(PortalLink).where(PortalLink.id == link.id, PortalLink.used_at.is_(None))  # type: ignore[union-attr]
                          .values(used_at=now)).rowcount
    person = session.get(Person, link.person_id)
    if not won or person is None or not person.active:
        raise refused
    security.record(session, "sign_in", person=person, source=SOURCE, detail="link")
    return person


# --- password ----------------------------------------------------------------------------------


def sign_in_password(session: Session, login: str, password: str) -> Person:
    """A caller's (or anyone's) local password, slowed down and journaled as every sign-in is
    (desk/auth.py); a caller needs no role for the portal. Commit even when this raises."""
    person = auth.find_login(session, login)
    key = person.login if person is not None else login
    try:
        auth._check_throttle(session, key)
    except auth.SignInFailed:
        security.record(session, "sign_in_throttled", login=key, person=person, source=SOURCE)
        raise
    wrong = auth.SignInFailed(_("Wrong user name or password"))
    if person is None or not person.password_hash:
        auth._dummy_check(password)
        security.record(session, "sign_in_failed", login=key, person=person, source=SOURCE, detail=wrong.message)
        raise wrong
    if not verify_password(person.password_hash, password) or not person.active:
        security.record(session, "sign_in_failed", login=key, person=person, source=SOURCE, detail=wrong.message)
        raise wrong
    security.record(session, "sign_in", login=key, person=person, source=SOURCE, detail="password")
    return person


# --- sessions ------------------------------------------------------------------------------------


def start_session(session: Session, person: Person) -> str:
    """A new browser session for `person`; its secret (for the cookie) is returned and nowhere kept.
    Links and sessions that can no longer be used are swept on the way."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(delete(PortalLink).where(PortalLink.expires_at < now - SWEEP_AFTER))
    session.execute(delete(PortalSession).where((PortalSession.expires_at < now)
                                                | (PortalSession.last_seen_at < now - timedelta(days=IDLE_DAYS))))
    session.add(PortalSession(person_id=person.id, secret_hash=digest(secret), created_at=now,  # type: ignore[arg-type]
                              last_seen_at=now, expires_at=now + timedelta(days=SESSION_DAYS)))
    session.flush()
    return secret


@dataclass(frozen=True)
class Visitor:
    person: Person
    stale: bool  # last seen long enough ago that the visit should be written (`touch_session`)


def person_for_session(session: Session, secret: str | None) -> Visitor | None:
    """Whose session this cookie is, while it lasts and its person is active. Only reads: the
    entry point calls `touch_session` in a write when `stale` says so."""
    if not secret:
        return None
    row = session.execute(select(PortalSession).where(PortalSession.secret_hash == digest(secret))).scalar_one_or_none()
    now = utcnow()
    if row is None or row.expires_at <= now or row.last_seen_at + timedelta(days=IDLE_DAYS) <= now:
        return None
    person = session.get(Person, row.person_id)
    if person is None or not person.active:
        return None
    return Visitor(person, now - row.last_seen_at > TOUCH_EVERY)


def touch_session(session: Session, secret: str) -> None:
    """The session was used now: its week of idleness starts again."""
    session.execute(update(PortalSession).where(PortalSession.secret_hash == digest(secret))
                    .values(last_seen_at=utcnow()))


def person(session: Session, person_id: int | None) -> Person | None:
    """The signed-in person again, in this transaction (the portal keeps only the id)."""
    return session.get(Person, person_id) if person_id is not None else None


def end_session(session: Session, secret: str | None) -> bool:
    """Sign out this browser."""
    if not secret:
        return False
    row = session.execute(select(PortalSession).where(PortalSession.secret_hash == digest(secret))).scalar_one_or_none()
    if row is None:
        return False
    session.delete(row)
    security.record(session, "sign_out", person=session.get(Person, row.person_id), source=SOURCE)
    return True


def end_all_sessions(session: Session, person: Person) -> int:
    """Sign out everywhere: every browser of `person`; how many there were."""
    ended = session.execute(delete(PortalSession).where(PortalSession.person_id == person.id)).rowcount or 0
    security.record(session, "sign_out", person=person, source=SOURCE, detail="everywhere")
    return int(ended)
