"""The global options of every command: which database, who acts, which language."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.config import Settings
from helpdesk_tui.desk.lookup import find_person
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.i18n import _
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import Person


class NotInitialised(DeskError):
    pass


@dataclass
class State:
    settings: Settings = field(default_factory=Settings)
    acting_login: str | None = None
    _db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = Database(self.settings.db_url)
        return self._db

    def ready_db(self) -> Database:
        """The database, refusing politely when `helpdesk init` has not been run on it, or
        when its schema is not this program's (`helpdesk db upgrade`)."""
        from helpdesk_tui.store import migrate

        db = self.db
        if migrate.require_current(db) is None:
            raise NotInitialised(_("The database {url} is not set up; run `helpdesk init` first").format(url=db.describe()))
        return db

    def actor(self, session: Session, *, required: bool = True) -> Person | None:
        """--as, then HELPDESK_AS, then the OS user when a person has that login."""
        login = self.acting_login or os.environ.get("HELPDESK_AS")
        if login:
            return find_person(session, login)
        try:
            os_login = getpass.getuser()
        except (KeyError, OSError):
            os_login = None
        if os_login:
            person = session.execute(select(Person).where(Person.login == os_login)).scalar_one_or_none()
            if person is not None:
                return person
        if required:
            raise DeskError(_("Say who acts: --as LOGIN or HELPDESK_AS"))
        return None

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self.ready_db().write() as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.ready_db().read() as session:
            yield session


state = State()
