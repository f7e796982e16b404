"""Sign-in (R1) and roles (R2): a local password, the IMAP server's word, or the OS user.

The IMAP check itself lives in mail/ (it is network I/O); it reaches here as a function that
says yes or no, so this module stays the one place that decides who may work the desk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlmodel import Session

from helpdesk_tui.config import os_login
from helpdesk_tui.desk.admin import verify_password
from helpdesk_tui.desk.common import roles_of
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import Person

METHODS = ("local", "imap", "os")
ROLE_ORDER = (Role.ANALYST, Role.GROUP_MEMBER, Role.ADMIN)
PasswordCheck = Callable[[str, str], bool]


class SignInFailed(DeskError):
    pass


@dataclass(frozen=True)
class SignedIn:
    person_id: int
    login: str
    full_name: str
    roles: tuple[Role, ...]


os_user = os_login


def _person(session: Session, login: str) -> Person | None:
    wanted = login.strip().casefold()
    if not wanted:
        return None
    return session.execute(
        select(Person).where(or_(func.lower(Person.login) == wanted, func.lower(Person.email) == wanted))
        .order_by(Person.id).limit(1)
    ).scalar_one_or_none()


def _signed_in(session: Session, person: Person) -> SignedIn:
    roles = roles_of(session, person)
    ordered = tuple(r for r in ROLE_ORDER if r in roles)
    if not ordered:
        raise SignInFailed(_("{login} has no role in the help desk; ask an administrator").format(login=person.login))
    return SignedIn(person.id, person.login, person.full_name, ordered)  # type: ignore[arg-type]


def sign_in(session: Session, login: str, password: str, *, method: str = "local",
            imap_check: PasswordCheck | None = None) -> SignedIn:
    """Who this is, or SignInFailed with one message that does not say which half was wrong."""
    wrong = SignInFailed(_("Wrong user name or password"))
    if method not in METHODS:
        raise SignInFailed(_("Unknown sign-in method «{method}»; one of: {methods}").format(
            method=method, methods=", ".join(METHODS)))
    person = _person(session, login)
    if method == "os":
        if person is None or person.login != os_user():
            raise SignInFailed(_("The OS user «{login}» is not a help-desk user").format(login=os_user() or "?"))
    elif method == "imap":
        if imap_check is None:
            raise SignInFailed(_("No IMAP server configured to check passwords"))
        # The name as typed goes to the mail server: what the analyst types into their mail client.
        if person is None or not password or not imap_check(login.strip(), password):
            raise wrong
    elif person is None or not verify_password(person.password_hash, password):
        raise wrong
    if not person.active:
        raise SignInFailed(_("{login} is not active").format(login=person.login))
    return _signed_in(session, person)


def trusted(session: Session, login: str) -> SignedIn:
    """A session already vouched for: the OS user of this SSH session, or the demo's analyst."""
    person = _person(session, login)
    if person is None or not person.active:
        raise SignInFailed(_("«{login}» is not a help-desk user").format(login=login))
    return _signed_in(session, person)
