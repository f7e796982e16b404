"""Sign-in (R1) and roles (R2): a local password, the IMAP server's word, or the OS user.

The IMAP check itself lives in mail/ (it is network I/O); it reaches here as a function that
says yes or no, so this module stays the one place that decides who may work the desk.

Guessing is slowed down here, for every entry point alike: an unknown login costs the same
password check as a known one (so timing does not tell which logins exist), and after
FREE_FAILURES failures of one login within FAILURE_WINDOW every further try waits a delay
that doubles with each failure. Every sign-in and failure goes to the security journal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlmodel import Session

from helpdesk_tui.config import os_login
from helpdesk_tui.desk import security
from helpdesk_tui.desk.admin import hasher, verify_password
from helpdesk_tui.desk.common import roles_of
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.i18n import _
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import Person
from helpdesk_tui.store.types import utcnow

METHODS = ("local", "imap", "os")
ROLE_ORDER = (Role.ANALYST, Role.GROUP_MEMBER, Role.ADMIN)
PasswordCheck = Callable[[str, str], bool]

FAILURE_WINDOW = timedelta(minutes=15)
FREE_FAILURES = 5
MAX_DELAY = timedelta(minutes=15)

# A hash of a random secret nobody knows, made with the hasher's parameters: an unknown login
# is checked against it so that it takes as long as a wrong password for a real one.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$wqr/TJChLIenhko4KYZF5g$cubuLLQ/tQ9EEUTbEo3kYnDOgWIVct+EFd1iQ6DqVyc"


class SignInFailed(DeskError):
    pass


@dataclass(frozen=True)
class SignedIn:
    person_id: int
    login: str
    full_name: str
    roles: tuple[Role, ...]


os_user = os_login


def find_login(session: Session, login: str) -> Person | None:
    """The person a typed sign-in name means: their login or e-mail, whatever the case."""
    wanted = login.strip().casefold()
    if not wanted:
        return None
    return session.execute(
        select(Person).where(or_(func.lower(Person.login) == wanted, func.lower(Person.email) == wanted))
        .order_by(Person.id).limit(1)
    ).scalar_one_or_none()


def signed_in(session: Session, person: Person) -> SignedIn:
    roles = roles_of(session, person)
    ordered = tuple(r for r in ROLE_ORDER if r in roles)
    if not ordered:
        raise SignInFailed(_("{login} has no role in the help desk; ask an administrator").format(login=person.login))
    return SignedIn(person.id, person.login, person.full_name, ordered)  # type: ignore[arg-type]


def _dummy_check(password: str) -> None:
    hash_ = _DUMMY_HASH
    if hasher.check_needs_rehash(hash_):  # argon2's defaults moved on: keep the same cost as real hashes
        hash_ = _dummy_for_current_parameters()
    verify_password(hash_, password)


_current_dummy: list[str] = []


def _dummy_for_current_parameters() -> str:
    if not _current_dummy:
        import secrets

        _current_dummy.append(hasher.hash(secrets.token_hex(16)))
    return _current_dummy[0]


def throttle_delay(failures: int) -> timedelta:
    """How long a login waits after its last failure, having failed `failures` times lately."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failures - FREE_FAILURES + 1)), MAX_DELAY)


def _check_throttle(session: Session, login: str) -> None:
    failures, last = security.recent_failures(session, login, window=FAILURE_WINDOW)
    if last is None:
        return
    wait = last + throttle_delay(failures) - utcnow()
    if wait > timedelta(0):
        seconds = max(1, int(wait.total_seconds() + 0.999))
        raise SignInFailed(_("Too many failed sign-ins for «{login}»; try again in {seconds} s").format(
            login=login.strip(), seconds=seconds))


def _attempt(session: Session, login: str, password: str, *, method: str,
             imap_check: PasswordCheck | None) -> SignedIn:
    wrong = SignInFailed(_("Wrong user name or password"))
    if method not in METHODS:
        raise SignInFailed(_("Unknown sign-in method «{method}»; one of: {methods}").format(
            method=method, methods=", ".join(METHODS)))
    person = find_login(session, login)
    if method == "os":
        if person is None or person.login != os_user():
            raise SignInFailed(_("The OS user «{login}» is not a help-desk user").format(login=os_user() or "?"))
    elif method == "imap":
        if imap_check is None:
            raise SignInFailed(_("No IMAP server configured to check passwords"))
        # The name as typed goes to the mail server: what the analyst types into their mail client.
        if person is None or not password or not imap_check(login.strip(), password):
            raise wrong
    elif person is None:
        _dummy_check(password)
        raise wrong
    elif not verify_password(person.password_hash, password):
        raise wrong
    if not person.active:
        raise SignInFailed(_("{login} is not active").format(login=person.login))
    return signed_in(session, person)


def sign_in(session: Session, login: str, password: str, *, method: str = "local",
            imap_check: PasswordCheck | None = None, source: str = "tui") -> SignedIn:
    """Who this is, or SignInFailed with one message that does not say which half was wrong.

    Writes the outcome to the security journal in `session`: the caller commits it even when
    this raises (`sign_in_with` does), or the failures would not count."""
    person = find_login(session, login)
    # Failures count per person, whether they typed the login or the e-mail; per typed name
    # for names that are nobody's (so an unknown name is refused the same way).
    key = person.login if person is not None else login
    try:
        _check_throttle(session, key)
    except SignInFailed as exc:
        security.record(session, "sign_in_throttled", login=key, person=person, source=source)
        raise exc
    try:
        who = _attempt(session, login, password, method=method, imap_check=imap_check)
    except SignInFailed as exc:
        security.record(session, "sign_in_failed", login=key, person=person, source=source, detail=exc.message)
        raise
    security.record(session, "sign_in", login=key, person=person, source=source, detail=method)
    return who


def sign_in_with(db: Database, login: str, password: str, *, method: str = "local",
                 imap_check: PasswordCheck | None = None, source: str = "tui") -> SignedIn:
    """`sign_in` in a transaction of its own that keeps the journal of a failure too."""
    failure: SignInFailed | None = None
    with db.write() as session:
        try:
            who = sign_in(session, login, password, method=method, imap_check=imap_check, source=source)
        except SignInFailed as exc:
            failure = exc
    if failure is not None:
        raise failure
    return who


def trusted(session: Session, login: str) -> SignedIn:
    """A person already vouched for by the entry point: the OS user in `os` mode, the SSH key's
    forced command, a CLI sign-in token, or the demo database's analyst."""
    person = find_login(session, login)
    if person is None or not person.active:
        raise SignInFailed(_("«{login}» is not a help-desk user").format(login=login))
    return signed_in(session, person)
