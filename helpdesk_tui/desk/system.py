"""The desk's own account: who the jobs and mail intake act as in the journal."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk.common import insert_ignore
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.store.models import Person, PersonRole
from helpdesk_tui.store.types import utcnow

SYSTEM_LOGIN = "helpdesk-system"


def system_person(session: Session) -> Person:
    """Who the jobs act as in the journal: «helpdesk-system», created on first use (by
    whichever process gets there first)."""
    # Mail intake asks once per message: kept on the session (which holds its objects only
    # weakly), and asked again if a rolled-back savepoint took it out of the session.
    known = session.info.get(_KEY)
    if known is not None and known in session:
        return known  # type: ignore[no-any-return]
    person = _find_or_create(session)
    session.info[_KEY] = person
    return person


_KEY = "helpdesk.system_person"


def _find_or_create(session: Session) -> Person:
    person = session.execute(select(Person).where(Person.login == SYSTEM_LOGIN)).scalar_one_or_none()
    if person is None:
        insert_ignore(session, Person, login=SYSTEM_LOGIN, full_name="HELP DESK", name_key="help desk", active=True,
                      created_at=utcnow(), version=1)
        person = session.execute(select(Person).where(Person.login == SYSTEM_LOGIN)).scalar_one()
        insert_ignore(session, PersonRole, person_id=person.id, role=Role.ANALYST.value)
    return person
