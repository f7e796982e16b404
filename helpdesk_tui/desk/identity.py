"""Who is acting (R1): one model that every entry point (TUI, CLI, SSH, jobs, mail, the portal)
goes through. What an entry point knows of the person at the keyboard is put in `Claims`; the
person who acts is decided here, never by a flag or an environment variable alone:

- an SSH key's forced command names its person (`helpdesk ssh-serve LOGIN`);
- a token (`helpdesk login`'s sign-in, or an API token) stands for its person while valid;
- in the `os` sign-in method, the OS user of the process (from its uid) is the person of that login;
- `--as LOGIN` is honoured only for a signed-in administrator or an OS user listed in
  `[auth] trusted_os_users` (cron jobs of the service account), and is journaled.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk import security, tokens
from helpdesk_tui.desk.common import roles_of
from helpdesk_tui.desk.lookup import find_person
from helpdesk_tui.domain.errors import PermissionDenied
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import Person


@dataclass(frozen=True)
class Claims:
    os_user: str | None = None        # from os.getuid()
    trusted_os: bool = False          # os_user is listed in [auth] trusted_os_users
    method: str = "local"             # [auth] method
    ssh_login: str | None = None      # the SSH key's forced command
    token: str | None = None          # a sign-in or API token
    requested_as: str | None = None   # --as LOGIN
    source: str = "cli"


@dataclass(frozen=True)
class Acting:
    person: Person | None             # who acts (None: nobody signed in)
    proven: Person | None             # who proved themselves, before --as
    via: str                          # ssh | token | os | trusted-os | none


def _by_login(session: Session, login: str) -> Person | None:
    return session.execute(select(Person).where(Person.login == login)).scalar_one_or_none()


def _proven(session: Session, claims: Claims) -> tuple[Person | None, str]:
    if claims.ssh_login is not None:
        person = _by_login(session, claims.ssh_login)
        if person is None or not person.active:
            raise PermissionDenied(_("The SSH key of «{login}» names nobody active in the help desk").format(
                login=claims.ssh_login))
        return person, "ssh"
    if claims.token:
        person = tokens.person_for(session, claims.token)
        if person is None:
            raise PermissionDenied(_("Your sign-in has expired or was revoked: sign in again (`helpdesk login`)"))
        return person, "token"
    if claims.method == "os" and claims.os_user:
        person = _by_login(session, claims.os_user)
        if person is not None and person.active:
            return person, "os"
    return None, "trusted-os" if claims.trusted_os else "none"


def resolve(session: Session, claims: Claims) -> Acting:
    """The person who acts, from what the entry point knows; PermissionDenied when the claims
    do not hold (an expired token, `--as` from someone who may not)."""
    proven, via = _proven(session, claims)
    if claims.requested_as is None:
        return Acting(proven, proven, via)
    if via == "ssh":
        raise PermissionDenied(_("--as is not accepted over SSH: your key says who you are"))
    admin = proven is not None and Role.ADMIN in roles_of(session, proven)
    if not (admin or claims.trusted_os):
        raise PermissionDenied(_("--as is only for a signed-in administrator or an OS user listed in "
                                 "[auth] trusted_os_users"))
    person = find_person(session, claims.requested_as)
    if proven is None or person.id != proven.id:
        security.record(session, "acted_as", person=person, actor=proven, source=claims.source,
                        detail=claims.os_user or "")
    return Acting(person, proven, via)
