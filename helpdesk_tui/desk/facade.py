"""What every facade of the TUI's workspace shares (desk/workspace.py and the facades beside
it): the database, who is signed in, and that person read again in each transaction."""

from __future__ import annotations

from typing import Any

from helpdesk_tui.desk.auth import SignedIn
from helpdesk_tui.domain.errors import NotFound
from helpdesk_tui.i18n import _
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import Person


class Facade:
    def __init__(self, db: Database, who: SignedIn) -> None:
        self.db, self.who = db, who

    def _actor(self, session: Any) -> Person:
        # Read in the operation's own session: an account removed since sign-in acts no more.
        person = session.get(Person, self.who.person_id)
        if person is None:
            raise NotFound(_("Your account no longer exists"))
        return person  # type: ignore[no-any-return]
