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
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from sqlmodel import Session

from helpdesk_tui.config import ServerSettings
from helpdesk_tui.desk.common import insert_ignore
from helpdesk_tui.desk.jobs import acquire_lease
from helpdesk_tui.i18n import _
from helpdesk_tui.mail.credentials import password_for
from helpdesk_tui.mail.intake import IntakeSettings, ingest_batch
from helpdesk_tui.mail import parse_pool
from helpdesk_tui.mail.parse_pool import Parsed, parse_batch
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import MailboxState
from helpdesk_tui.store.types import utcnow

LEASE = "mail-poller"
BATCH = 50


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
              processed_folder: str | None = "Processed", max_bytes: int | None = None,
              on_stored: Callable[[int], None] | None = None, stop: threading.Event | None = None) -> PollReport:
    """One round over the mailbox; `on_stored(uid)` runs after each commit (tests crash there).
    `max_bytes`: the size over which only the header is taken (intake.max_message_bytes).
    `stop`, once set, ends a backlog's round after the batch in hand (the rest stays unread)."""
    max_bytes = intake.max_message_bytes if max_bytes is None else max_bytes
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
    # The server works while the database does: the next batch is fetched, and the one just
    # committed is moved to the processed folder, on a second thread while this one writes.
    # That thread alone talks to the server inside the loop, and in the order asked (one
    # worker, first in first out): fetch 1, move 0, fetch 2, move 1...; a move is only ever
    # asked after its batch's commit. A backlog (more than one batch) is also parsed ahead, in
    # a second process (parse_pool.py).
    parse = intake if len(batches) > 1 else None
    filed: list[Future[None]] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="imap-prefetch") as server_side:
        ahead = server_side.submit(_fetch, client, batches[0], max_bytes, parse) if batches else None
        for k, batch in enumerate(batches):
            if k and stop is not None and stop.is_set():
                break
            raws, parsed = ahead.result()  # type: ignore[union-attr]
            ahead = (server_side.submit(_fetch, client, batches[k + 1], max_bytes, parse)
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
            filed.append(server_side.submit(_file_away, client, batch, processed_folder, move))
    for done in filed:  # a move that failed is finished by the next round (above); say why now
        done.result()
    with db.write() as session:
        state = _state(session, intake.mailbox)
        state.last_poll_at, state.last_error = utcnow(), None
    return report


def _fetch(client: IMAPClient, batch: list[int], max_bytes: int, parse: IntakeSettings | None = None,
           ) -> tuple[dict[int, bytes], dict[int, Parsed]]:
    """The batch's messages (BODY.PEEK: the server does not mark them read; one over the size
    limit as its header and a note) and, given `parse`, those parsed in the worker process."""
    sizes = client.fetch(batch, ["RFC822.SIZE"])
    size_of = {u: int(sizes.get(u, {}).get(b"RFC822.SIZE", 0)) for u in batch}
    small = [u for u in batch if size_of[u] <= max_bytes]
    bodies = client.fetch(small, ["BODY.PEEK[]"]) if small else {}
    raws = {u: bodies[u][b"BODY[]"] for u in small if u in bodies}
    parsed = parse_batch(raws, parse.max_attachment_bytes, parse.own_addresses) if parse is not None else {}
    raws.update(_headers_only(client, batch, raws, size_of, max_bytes))
    return raws, parsed


def _headers_only(client: IMAPClient, batch: list[int], raws: dict[int, bytes], sizes: dict[int, int],
                  max_bytes: int) -> dict[int, bytes]:
    """An oversized message is kept as its header and a note; its body stays on the server."""
    out = {}
    for uid in batch:
        if uid not in raws:
            head = client.fetch([uid], ["BODY.PEEK[HEADER]"])[uid][b"BODY[HEADER]"]
            out[uid] = oversized_stand_in(head, sizes[uid], max_bytes)
    return out


# The header fields that describe the body: the note replaces the body, so they go with it
# (left in, a base64 or multipart header would turn the note into nonsense or nothing).
_BODY_FIELDS = (b"mime-version:", b"content-type:", b"content-transfer-encoding:", b"content-disposition:")


def oversized_stand_in(head: bytes, size: int, limit: int) -> bytes:
    """What is kept of a message over the size limit: its own header (sender, subject, ids
    for threading) with a plain-text note for a body, which the analyst reads in the journal."""
    kept: list[bytes] = []
    dropping = False
    for line in head.replace(b"\r\n", b"\n").split(b"\n"):
        if not line.strip():
            continue
        if line[:1] in (b" ", b"\t"):  # a folded field's next line goes where its field went
            if not dropping:
                kept.append(line)
            continue
        dropping = line.lower().startswith(_BODY_FIELDS)
        if not dropping:
            kept.append(line)

    def number(n: int) -> str:
        return f"{n:,}".replace(",", "\u00a0")

    note = _("The message is {size} bytes, over the limit of {limit}: only its header was taken; "
             "the whole message stays on the mail server.").format(size=number(size), limit=number(limit))
    kept += [b"MIME-Version: 1.0", b'Content-Type: text/plain; charset="utf-8"', b"Content-Transfer-Encoding: 8bit",
             f"X-Helpdesk-Oversized: {size}".encode(), b"", note.encode()]
    return b"\r\n".join(kept) + b"\r\n"


def _file_away(client: IMAPClient, uids: list[int], folder: str | None, move: bool) -> None:
    """Committed messages leave the inbox: moved to `folder`, or without one marked read."""
    if folder is None:
        client.add_flags(uids, [b"\\Seen"])
    elif move:
        client.move(uids, folder)
    else:  # COPY + EXPUNGE: a crash in between leaves a copy behind, never a loss
        client.copy(uids, folder)
        client.delete_messages(uids)
        client.expunge()


IDLE_CHECK = 0.5  # seconds between looks at `stop` while the server is quiet


def _idle(client: IMAPClient, stop: threading.Event, seconds: float) -> None:
    """IDLE until the server says something, `seconds` pass or `stop` is set, and always end it
    with DONE: a connection left in IDLE answers no LOGOUT, so the logout waited out the
    connection's timeout (30 s) after Ctrl+C."""
    client.idle()
    try:
        deadline = time.monotonic() + seconds
        while not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0 or client.idle_check(timeout=min(IDLE_CHECK, left)):
                return
    finally:
        client.idle_done()


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
                    result = poll_once(db, client, intake, holder=holder, processed_folder=processed_folder,
                                       stop=stop)
                    if report:
                        report(result)
                    if stop.is_set():
                        break
                    if client.has_capability("IDLE"):
                        _idle(client, stop, interval)
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
