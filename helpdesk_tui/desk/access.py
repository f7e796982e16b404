"""Who may run which command (R2), decided here for the CLI and the SSH entry point alike.

Every command is named in POLICY; one that is not needs an administrator, so a new command is
closed until someone decides who may run it (a test walks the command tree for that). An OS user
listed in [auth] trusted_os_users (the service account's cron) passes without a person. The desk
operations check their own rules besides (an analyst may add a caller, only an administrator
gives roles): this gate stops reading as well as writing, for people without a desk role.
"""

from __future__ import annotations

from enum import Enum

from sqlalchemy import func, select
from sqlmodel import Session

from helpdesk_tui.desk.common import roles_of
from helpdesk_tui.desk.demo import is_demo
from helpdesk_tui.domain.errors import PermissionDenied
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import Person, PersonRole


class Need(Enum):
    NOBODY = "nobody"          # needs no one: signing in, help
    SIGNED_IN = "signed_in"    # any active person with a role: their own tokens
    DESK = "desk"              # an analyst, a work-group member or an administrator
    ADMIN = "admin"            # an administrator
    SYSTEM = "system"          # the jobs: an administrator; they act as the desk's own account
    SETUP = "setup"            # anyone while the desk has no administrator yet; then as ADMIN


STAFF_ROLES = {Role.ANALYST, Role.GROUP_MEMBER, Role.ADMIN}

POLICY: dict[str, Need] = {
    "login": Need.NOBODY, "logout": Need.NOBODY, "ssh-serve": Need.NOBODY,
    "token create": Need.SIGNED_IN, "token list": Need.SIGNED_IN, "token revoke": Need.SIGNED_IN,
    "whoami": Need.SIGNED_IN,
    "init": Need.SETUP, "db upgrade": Need.SETUP, "user add": Need.SETUP,
    "demo": Need.NOBODY,  # it opens only a database it made itself (cli/database.py)
    "db current": Need.ADMIN, "db backup": Need.ADMIN, "db restore": Need.ADMIN,
    "user list": Need.DESK, "user set": Need.ADMIN,
    "group add": Need.ADMIN, "group list": Need.DESK, "group members": Need.DESK,
    "group add-member": Need.ADMIN, "group remove-member": Need.ADMIN,
    "client add": Need.ADMIN, "client portal-sharing": Need.ADMIN, "client list": Need.DESK, "client usage": Need.DESK,
    "client subscription": Need.DESK,  # showing the history; setting it is the administrator's (desk)
    "service add": Need.ADMIN, "service list": Need.DESK, "service category": Need.ADMIN,
    "service item": Need.ADMIN, "service items": Need.DESK,
    "category add": Need.ADMIN, "category list": Need.DESK,
    "vendor add": Need.ADMIN, "vendor list": Need.DESK,
    "dashboard": Need.DESK,
    "search list": Need.DESK, "search save": Need.DESK, "search run": Need.DESK, "search find": Need.DESK,
    "search favourite": Need.DESK, "search rename": Need.DESK, "search delete": Need.DESK,
    "sla breaching": Need.DESK, "sla settings": Need.DESK, "sla reaction-clock": Need.DESK, "sla recompute": Need.ADMIN,
    "sla policy list": Need.DESK, "sla policy set": Need.ADMIN,
    "sla calendar list": Need.DESK, "sla calendar holiday": Need.ADMIN,
    "sla calendar working-day": Need.ADMIN, "sla calendar load-holidays": Need.ADMIN,
    "jobs run": Need.SYSTEM,
    "mail list": Need.DESK, "mail show": Need.DESK, "mail create-incident": Need.DESK,
    "mail ingest": Need.SYSTEM, "mail reprocess": Need.ADMIN, "mail poll": Need.SYSTEM,
    "mail send": Need.SYSTEM, "mail check": Need.ADMIN,
    "audit": Need.ADMIN,
    "ssh-keys add": Need.ADMIN, "ssh-keys list": Need.ADMIN, "ssh-keys remove": Need.ADMIN,
    "ssh-keys sync": Need.ADMIN,
    "portal": Need.SYSTEM,  # serves the callers' portal: the service account (or an administrator)
    "catalog load": Need.ADMIN, "catalog list": Need.DESK, "catalog show": Need.DESK,
}
# Whole groups whose every command needs the same (new commands in them inherit it).
GROUPS: dict[str, Need] = {"incident": Need.DESK, "task": Need.DESK, "request": Need.DESK, "time": Need.DESK,
                           "report": Need.DESK, "kb": Need.DESK, "problem": Need.DESK, "ci": Need.DESK}


def need_of(command: str) -> Need:
    if command in POLICY:
        return POLICY[command]
    head = command.split(" ", 1)[0]
    return GROUPS.get(head, Need.ADMIN)


def has_admin(session: Session) -> bool:
    """Whether the desk has an active administrator (until then, setting it up is open)."""
    return session.execute(
        select(func.count()).select_from(PersonRole).join(Person, Person.id == PersonRole.person_id)
        .where(PersonRole.role == Role.ADMIN.value, Person.active.is_(True))  # type: ignore[attr-defined]
    ).scalar_one() > 0


# What a demo database (made by `helpdesk demo`, holding only made-up data) runs without anyone
# signed in, so the demo shows the callers' portal too; a real desk's database refuses as ever.
OPEN_ON_DEMO = frozenset({"portal"})


def authorise(session: Session | None, command: str, person: Person | None, *, trusted_os: bool) -> None:
    """Refuse `command` for `person` (None: nobody signed in) with one line saying what it needs.

    `session` is None when the database has no schema yet: only setting up is possible then."""
    need = need_of(command)
    if need is Need.NOBODY:
        return
    if need is Need.SETUP:
        if session is None or not has_admin(session):
            return
        need = Need.ADMIN
    if session is None:
        return  # the command itself says the database is not set up
    if trusted_os and person is None:
        return  # the service account (its cron) owns the data; with --as, that person's roles decide
    if command in OPEN_ON_DEMO and person is None and is_demo(session):
        return  # the demo's own made-up data, as `helpdesk demo` opens it (README's first command)
    roles = roles_of(session, person) if person is not None and person.active else set()
    if need in (Need.ADMIN, Need.SYSTEM):
        if Role.ADMIN in roles:
            return
        raise _refusal(command, person, _("an administrator"))
    if need is Need.DESK and roles & STAFF_ROLES:
        return
    if need is Need.SIGNED_IN and roles:
        return
    raise _refusal(command, person, _("a support analyst, a work-group member or an administrator")
                   if need is Need.DESK else _("a person with a role in the help desk"))


def _refusal(command: str, person: Person | None, who: str) -> PermissionDenied:
    if person is None:
        return PermissionDenied(_("«{command}» needs {who}: sign in first (`helpdesk login`)").format(
            command=command, who=who))
    if not person.active:
        return PermissionDenied(_("{login} is not active").format(login=person.login))
    return PermissionDenied(_("«{command}» needs {who}; {login} is not one").format(
        command=command, who=who, login=person.login))
