"""The desk's own account: who the jobs and mail intake act as in the journal."""

from __future__ import annotations

from sqlalchemy import event, select
from sqlmodel import Session

from helpdesk_tui.desk.common import insert_ignore
from helpdesk_tui.domain.collation import person_sort_key
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
    person, made = _find_or_create(session)
    session.info[_KEY] = person
    if made:
        # Made by a plain INSERT, which the session does not track: a rollback (of the
        # savepoint of the message that made it, say) takes the row away but leaves the object
        # in the session, and every later message would name a person who is not there.
        event.listen(session, "after_soft_rollback", _forget, once=True)
    return person


_KEY = "helpdesk.system_person"


def _forget(session: Session, _previous: object) -> None:
    session.info.pop(_KEY, None)


def _find_or_create(session: Session) -> tuple[Person, bool]:
    person = session.execute(select(Person).where(Person.login == SYSTEM_LOGIN)).scalar_one_or_none()
    if person is not None:
        return person, False
    insert_ignore(session, Person, login=SYSTEM_LOGIN, full_name="HELP DESK", name_key="help desk",
                  sort_key=person_sort_key("HELP DESK"), active=True, created_at=utcnow(), version=1)
    person = session.execute(select(Person).where(Person.login == SYSTEM_LOGIN)).scalar_one()
    insert_ignore(session, PersonRole, person_id=person.id, role=Role.ANALYST.value)
    return person, True
