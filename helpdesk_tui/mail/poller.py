"""Reading the help-desk mailbox over IMAP (R7): nothing lost, nothing taken twice.

Each message is fetched with BODY.PEEK[] (so the server does not mark it read), stored with
its raw bytes and the mailbox's new read position in ONE transaction, and only after that
commit moved to the processed folder (or flagged). A crash before the commit fetches it again
(and the (mailbox, UIDVALIDITY, UID) key takes it once); a crash after it finds it already
stored. IDLE is only a wake-up signal; a UID search on every round is what finds the mail.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from sqlmodel import Session

from helpdesk_tui.config import ServerSettings
from helpdesk_tui.desk.common import insert_ignore
from helpdesk_tui.desk.jobs import acquire_lease
from helpdesk_tui.mail.credentials import password_for
from helpdesk_tui.mail.intake import IntakeSettings, ingest_batch
from helpdesk_tui.mail import parse_pool
from helpdesk_tui.mail.parse_pool import Parsed, parse_batch
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import MailboxState
from helpdesk_tui.store.types import utcnow

LEASE = "mail-poller"
BATCH = 50
MAX_MESSAGE_BYTES = 40 * 1024 * 1024


@dataclass
class PollReport:
    held: bool = True
    fetched: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    error: str | None = None


def connect(server: ServerSettings, password: str | None = None) -> IMAPClient:
    context = ssl.create_default_context()
    client = IMAPClient(server.host, port=server.port, ssl=server.security == "ssl", ssl_context=context,
                        timeout=server.timeout)
    if server.security == "starttls":
        client.starttls(context)
    if password is None:
        password = password_for("imap", server).password
    client.login(server.user, password)
    return client


def _state(session: Session, mailbox: str) -> MailboxState:
    insert_ignore(session, MailboxState, mailbox=mailbox, last_uid=0)
    return session.get(MailboxState, mailbox, with_for_update=True, populate_existing=True)  # type: ignore[return-value]


def poll_once(db: Database, client: IMAPClient, intake: IntakeSettings, *, holder: str,
              processed_folder: str | None = "Processed", max_bytes: int = MAX_MESSAGE_BYTES,
              on_stored: Callable[[int], None] | None = None) -> PollReport:
    """One round over the mailbox; `on_stored(uid)` runs after each commit (tests crash there)."""
    with db.write() as session:
        if not acquire_lease(session, LEASE, holder):
            return PollReport(held=False)
    report = PollReport()
    info = client.select_folder(intake.mailbox)
    uidvalidity = int(info[b"UIDVALIDITY"])
    with db.write() as session:
        state = _state(session, intake.mailbox)
        if state.uidvalidity != uidvalidity:
            # The server renumbered the mailbox: read it all again; content hashes catch repeats.
            state.uidvalidity, state.last_uid = uidvalidity, 0
        last_uid = state.last_uid
    uids = sorted(u for u in client.search(["UID", f"{last_uid + 1}:*"]) if u > last_uid)
    move = processed_folder is not None and client.has_capability("MOVE")
    if processed_folder and not client.folder_exists(processed_folder):
        client.create_folder(processed_folder)
    if processed_folder and last_uid:
        # Stored before a crash that came ahead of the move: finish the move now.
        stored = [u for u in client.search(["UID", f"1:{last_uid}"]) if u <= last_uid]
        if stored:
            _file_away(client, stored, processed_folder, move)
    batches = [uids[start:start + BATCH] for start in range(0, len(uids), BATCH)]
    # The next batch is fetched while this one is written: the server and the socket work while
    # the database does. One thread at a time uses the connection: the prefetch is awaited
    # before anything else is asked of the server.
    # A backlog (more than one batch) is also parsed ahead, in a second process (parse_pool.py).
    parse = intake if len(batches) > 1 else None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="imap-prefetch") as prefetch:
        ahead = prefetch.submit(_fetch, client, batches[0], max_bytes, parse) if batches else None
        for k, batch in enumerate(batches):
            raws, sizes, parsed = ahead.result()  # type: ignore[union-attr]
            raws.update(_headers_only(client, batch, raws, sizes, max_bytes))
            ahead = (prefetch.submit(_fetch, client, batches[k + 1], max_bytes, parse)
                     if k + 1 < len(batches) else None)
            # One transaction for the batch, committed before anything moves on the server.
            with db.write() as session:
                for result in ingest_batch(session, [(uid, raws[uid]) for uid in batch], intake,
                                           uidvalidity=uidvalidity, parsed=parsed):
                    report.fetched += 1
                    report.outcomes[result.outcome] = report.outcomes.get(result.outcome, 0) + 1
                state = _state(session, intake.mailbox)
                state.last_uid = max(state.last_uid, batch[-1])
                state.last_poll_at = utcnow()
            if on_stored is not None:
                on_stored(batch[-1])
            if ahead is not None:
                ahead.exception()  # the connection is free again (a failed prefetch raises at its turn)
            if processed_folder:
                _file_away(client, batch, processed_folder, move)
            else:
                client.add_flags(batch, [b"\\Seen"])
    with db.write() as session:
        state = _state(session, intake.mailbox)
        state.last_poll_at, state.last_error = utcnow(), None
    return report


def _fetch(client: IMAPClient, batch: list[int], max_bytes: int, parse: IntakeSettings | None = None,
           ) -> tuple[dict[int, bytes], dict[int, int], dict[int, Parsed]]:
    """The batch's messages within the size limit (BODY.PEEK: the server does not mark them
    read), every message's size, and, given `parse`, the messages parsed in the worker process."""
    sizes = client.fetch(batch, ["RFC822.SIZE"])
    size_of = {u: int(sizes.get(u, {}).get(b"RFC822.SIZE", 0)) for u in batch}
    small = [u for u in batch if size_of[u] <= max_bytes]
    bodies = client.fetch(small, ["BODY.PEEK[]"]) if small else {}
    raws = {u: bodies[u][b"BODY[]"] for u in small if u in bodies}
    parsed = parse_batch(raws, parse.max_attachment_bytes, parse.own_addresses) if parse is not None else {}
    return raws, size_of, parsed


def _headers_only(client: IMAPClient, batch: list[int], raws: dict[int, bytes], sizes: dict[int, int],
                  max_bytes: int) -> dict[int, bytes]:
    """An oversized message is kept as its header and a note; its body stays on the server."""
    out = {}
    for uid in batch:
        if uid not in raws:
            head = client.fetch([uid], ["BODY.PEEK[HEADER]"])[uid][b"BODY[HEADER]"]
            out[uid] = head + (f"\r\n[helpdesk-tui: the message is {sizes[uid]} bytes, over the {max_bytes}-byte "
                               "limit; its body was left on the server]\r\n").encode()
    return out


def _file_away(client: IMAPClient, uids: list[int], folder: str, move: bool) -> None:
    if move:
        client.move(uids, folder)
    else:  # COPY + EXPUNGE: a crash in between leaves a copy behind, never a loss
        client.copy(uids, folder)
        client.delete_messages(uids)
        client.expunge()


def run(db: Database, server: ServerSettings, intake: IntakeSettings, *, holder: str, stop: threading.Event,
        processed_folder: str | None = "Processed", interval: float = 60.0,
        report: Callable[[PollReport], None] | None = None) -> None:
    """Poll until `stop` is set: IDLE wakes us early, the interval is the fallback; reconnect
    with backoff after an error."""
    backoff = 1.0
    parse_pool.start()
    while not stop.is_set():
        try:
            client = connect(server)
            backoff = 1.0
            try:
                while not stop.is_set():
                    result = poll_once(db, client, intake, holder=holder, processed_folder=processed_folder)
                    if report:
                        report(result)
                    if client.has_capability("IDLE"):
                        client.idle()
                        client.idle_check(timeout=interval)
                        client.idle_done()
                    else:
                        stop.wait(interval)
            finally:
                try:
                    client.logout()
                except (IMAPClientError, OSError):
                    pass
        except (IMAPClientError, OSError) as exc:
            with db.write() as session:
                _state(session, intake.mailbox).last_error = str(exc)
            if report:
                report(PollReport(error=str(exc)))
            stop.wait(backoff)
            backoff = min(backoff * 2, 300.0)
