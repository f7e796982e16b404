"""The global options of every command: which database, who acts, which language.

Who acts is decided once per command, before the command touches any data: the claims of
this process (its OS user, a sign-in or API token, an SSH key's forced command, `--as`) go
to desk/identity.py, and the command's need to desk/access.py. A command that is refused
has read nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlmodel import Session

from helpdesk_tui.config import Settings, os_login
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
    ssh_login: str | None = None  # set only by `ssh-serve`, from the key's forced command
    command: str = ""  # the command being run, as desk/access.py names it («incident list»)
    command_is_leaf: bool = False
    asks_help: bool = False
    _db: Database | None = None
    _acting_id: int | None = None
    _authorised: str | None = None  # the command already let through

    def reset(self, settings: Settings, acting_login: str | None) -> None:
        self.settings = settings
        self.acting_login = acting_login
        self._db = None
        self._acting_id = None
        self._authorised = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = Database(self.settings.db_url)
        self.authorise()
        return self._db

    def claims(self):  # type: ignore[no-untyped-def]
        from helpdesk_tui.cli import signin_store
        from helpdesk_tui.desk.identity import Claims

        user = os_login()
        token = os.environ.get("HELPDESK_TOKEN") or None
        if token is None and self.ssh_login is None:
            token = signin_store.load(self.settings.db_url)
        return Claims(os_user=user, trusted_os=user is not None and user in self.settings.trusted_os_users,
                      method=self.settings.auth_method, ssh_login=self.ssh_login, token=token,
                      requested_as=self.acting_login, source="ssh" if self.ssh_login else "cli")

    def authorise(self, command: str | None = None) -> None:
        """Decide who acts and whether they may run this command; once per command."""
        from helpdesk_tui.desk import access, identity
        from helpdesk_tui.store import migrate

        command = self.command if command is None else command
        if self._authorised == command:
            return
        if self._db is None:
            self._db = Database(self.settings.db_url)
        if access.need_of(command) is access.Need.NOBODY:
            self._authorised = command  # signing in must work with an expired token on file
            return
        claims = self.claims()
        if migrate.current_revision(self._db) != migrate.head_revision(self._db):
            # No schema yet, or an older one: only setting up and upgrading go on (the others
            # are told what to run); nobody can be looked up in tables that do not exist yet.
            access.authorise(None, command, None, trusted_os=claims.trusted_os)
            self._authorised = command
            return
        with self._db.write() as session:
            session.info["source"] = claims.source
            acting = identity.resolve(session, claims)
            access.authorise(session, command, acting.person, trusted_os=claims.trusted_os)
            self._acting_id = acting.person.id if acting.person is not None else None
        self._authorised = command

    def ready_db(self) -> Database:
        """The database, refusing politely when `helpdesk init` has not been run on it, or
        when its schema is not this program's (`helpdesk db upgrade`)."""
        from helpdesk_tui.store import migrate

        db = self.db
        if migrate.require_current(db) is None:
            raise NotInitialised(_("The database {url} is not set up; run `helpdesk init` first").format(url=db.describe()))
        return db

    def actor(self, session: Session, *, required: bool = True) -> Person | None:
        """The person who acts in this command, as `authorise` decided."""
        self.db  # noqa: B018 - deciding who acts is part of opening the database
        person = session.get(Person, self._acting_id) if self._acting_id is not None else None
        if person is None and required:
            raise DeskError(_("Say who acts: sign in (`helpdesk login`), or --as LOGIN for trusted OS users"))
        return person

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self.ready_db().write() as session:
            session.info["source"] = "ssh" if self.ssh_login else "cli"
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.ready_db().read() as session:
            yield session


state = State()
