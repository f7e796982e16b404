"""Run the poller until the mailbox is empty; the crash test kills this process at random."""

from __future__ import annotations

import sys

from helpdesk_tui.mail.intake import IntakeSettings
from helpdesk_tui.mail.poller import poll_once
from helpdesk_tui.store.db import Database
from tests.imap_server import DovecotServer
from tests.world import FIRST_LINE


def main() -> None:
    db_url, port = sys.argv[1], int(sys.argv[2])
    server = DovecotServer.__new__(DovecotServer)
    server.port = port
    db = Database(db_url)
    with server.client() as client:
        while True:
            report = poll_once(db, client, IntakeSettings(group=FIRST_LINE), holder="crash-test")
            if report.held and report.fetched == 0:
                return


if __name__ == "__main__":
    main()
