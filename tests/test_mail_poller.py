"""The poller against a real Dovecot server: each message ends in exactly one place."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from helpdesk_tui.mail.intake import IntakeSettings
from helpdesk_tui.mail import poller
from helpdesk_tui.mail.poller import poll_once
from helpdesk_tui.store.models import Incident, InboundMail, JournalEntry, MailboxState
from tests.mail_builders import auto_reply, message
from tests.world import FIRST_LINE, seed

MAILBOX = IntakeSettings(group=FIRST_LINE)  # R3: what mail registers belongs to a work group

ROOT = Path(__file__).resolve().parents[1]


def test_a_round_takes_new_mail_once_and_moves_it(db, imap):
    seed(db)
    imap.append(message(sender="olena@client.example", subject="Не працює ЕТС", body="Допоможіть"))
    imap.append(message(sender="stranger@other.example", subject="Питання", body="?"))
    imap.append(auto_reply(sender="olena@client.example", in_reply_to="x@y", subject="Щось"))
    with imap.client() as client:
        first = poll_once(db, client, MAILBOX, holder="t")
        again = poll_once(db, client, MAILBOX, holder="t")
        client.select_folder("INBOX")
        left = client.search(["ALL"])
        client.select_folder("Processed")
        moved = client.search(["ALL"])
    assert first.fetched == 3 and first.outcomes == {"incident": 1, "waiting": 1, "ignored": 1}
    assert again.fetched == 0
    assert left == [] and len(moved) == 3
    with db.read() as s:
        state = s.get(MailboxState, "INBOX")
        stored = s.execute(select(func.count()).select_from(InboundMail)).scalar_one()
    assert stored == 3 and state.last_uid >= 3 and state.uidvalidity  # UIDs grow across tests on one server


def test_a_second_poller_waits_for_the_lease(db, imap):
    seed(db)
    imap.append(message(sender="olena@client.example", subject="x", body="y"))
    with imap.client() as client:
        assert poll_once(db, client, MAILBOX, holder="first").fetched == 1
        assert not poll_once(db, client, MAILBOX, holder="second").held


def test_a_backlog_is_parsed_in_a_second_process_and_loses_nothing(db, imap, monkeypatch):
    """More than one batch waiting: the next batch is fetched and parsed (in a worker process)
    while this one is written. Every message ends in one place, the unreadable one quarantined."""
    from helpdesk_tui.mail import parse_pool

    seed(db)
    worker_parsed: list[int] = []
    real = parse_pool.parse_batch

    def counting(raws, *args):  # type: ignore[no-untyped-def]
        found = real(raws, *args)
        worker_parsed.extend(found)
        return found

    monkeypatch.setattr("helpdesk_tui.mail.poller.parse_batch", counting)
    assert parse_pool.start(wait=60)  # started by an earlier round: until it is up, the poller parses itself
    n = poller.BATCH + 15
    for i in range(n - 1):
        imap.append(message(sender="olena@client.example", subject=f"Збій {i}", body=f"Опис {i}"))
    imap.append(b"just some words, not a mail\r\nand more\r\n")  # not a mail at all
    with imap.client() as client:
        report = poll_once(db, client, IntakeSettings(group=FIRST_LINE, rate_limit_per_hour=1000), holder="t")
        client.select_folder("INBOX")
        left = client.search(["ALL"])
    assert report.fetched == n and report.outcomes == {"incident": n - 1, "quarantined": 1}
    assert left == []
    assert len(worker_parsed) == n  # the whole backlog went through the worker, the bad one too
    with db.read() as s:
        titles = set(s.execute(select(Incident.short_description)).scalars())
        kept = s.execute(select(func.count()).select_from(InboundMail)).scalar_one()
    assert {f"Збій {i}" for i in range(n - 1)} <= titles and kept == n


def test_kill_9_at_random_points_loses_nothing_and_duplicates_nothing(make_db, imap):
    """The issue's crash test: 2,000 messages, the poller killed again and again."""
    db = make_db("sqlite")
    seed(db)
    count = int(os.environ.get("HELPDESK_CRASH_MESSAGES", "2000"))
    rng = random.Random(11)
    with imap.client() as client:
        for i in range(count):
            sender = "olena@client.example" if i % 10 == 0 else f"user{i % 37}@other.example"
            client.append("INBOX", message(sender=sender, subject=f"Повідомлення {i}", body=f"Текст {i}",
                                           message_id=f"crash-{i}@client.example"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    kills = 0
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        worker = subprocess.Popen([sys.executable, "-m", "tests.poller_worker", db.url, str(imap.port)], cwd=ROOT,
                                  env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out, err = worker.communicate(timeout=rng.uniform(0.3, 2.5))
        except subprocess.TimeoutExpired:
            worker.kill()  # SIGKILL, wherever it is
            worker.wait()
            kills += 1
            continue
        assert worker.returncode == 0, err.decode(errors="replace")
        break
    assert kills >= 3, "the poller finished before it could be killed often enough to mean anything"
    with db.read() as s:
        ids = list(s.execute(select(InboundMail.message_id)).scalars())
    assert len(ids) == count and set(ids) == {f"crash-{i}@client.example" for i in range(count)}
    with imap.client() as client:
        client.select_folder("INBOX")
        left = len(client.search(["ALL"]))
        client.select_folder("Processed")
        moved = len(client.search(["ALL"]))
    assert (left, moved) == (0, count)


def test_an_oversized_message_is_kept_as_its_header_and_its_body_stays_on_the_server(db, imap):
    seed(db)
    imap.append(message(sender="olena@client.example", subject="Великий звіт", body="Дані " * 4000,
                        message_id="big@client.example"))
    imap.append(message(sender="olena@client.example", subject="Малий", body="Коротко"))
    with imap.client() as client:
        report = poll_once(db, client, MAILBOX, holder="t", max_bytes=5000)
        client.select_folder("Processed")
        moved = client.search(["ALL"])
        sizes = sorted(v[b"RFC822.SIZE"] for v in client.fetch(moved, ["RFC822.SIZE"]).values())
    assert report.fetched == 2 and report.outcomes == {"incident": 2}
    assert len(moved) == 2 and sizes[-1] > 20000  # the whole message is still on the server
    with db.read() as s:
        big = s.execute(select(InboundMail).where(InboundMail.message_id == "big@client.example")).scalar_one()
        titles = set(s.execute(select(Incident.short_description)).scalars())
        said = s.execute(select(JournalEntry.body).where(JournalEntry.record_kind == "incident",
                                                         JournalEntry.record_id == big.incident_id,
                                                         JournalEntry.kind == "email")).scalar_one()
    size = f"{sizes[-1]:,}".replace(",", "\u00a0")
    assert said.strip() == (f"The message is {size} bytes, over the limit of 5\u00a0000: only its header was taken; "
                            "the whole message stays on the mail server.")  # what the analyst reads
    assert b"Subject:" in big.raw and "Дані" not in big.raw.decode(errors="replace")
    assert titles == {"Великий звіт", "Малий"}


def test_without_a_processed_folder_mail_is_marked_read_and_taken_once(db, imap):
    seed(db)
    for i in range(poller.BATCH + 3):  # two batches: the marking happens beside the writing
        imap.append(message(sender="olena@client.example", subject=f"Збій {i}", body="?"))
    settings = IntakeSettings(group=FIRST_LINE, rate_limit_per_hour=1000)
    with imap.client() as client:
        first = poll_once(db, client, settings, holder="t", processed_folder=None)
        again = poll_once(db, client, settings, holder="t", processed_folder=None)
        client.select_folder("INBOX")
        everything, unread = client.search(["ALL"]), client.search(["UNSEEN"])
    assert first.fetched == poller.BATCH + 3 and again.fetched == 0
    assert len(everything) == poller.BATCH + 3 and unread == []


def test_a_move_that_fails_loses_nothing_and_the_next_round_finishes_it(db, imap, monkeypatch):
    """The processed folder refuses a move (the server's trouble, after our commit): the round
    says so, the mail is stored once, and the next round moves what was left behind."""
    from imapclient.exceptions import IMAPClientError

    seed(db)
    for i in range(poller.BATCH + 5):
        imap.append(message(sender="olena@client.example", subject=f"Збій {i}", body="?"))
    settings = IntakeSettings(group=FIRST_LINE, rate_limit_per_hour=1000)
    with imap.client() as client:
        real_move = client.move
        calls = []

        def refuse_first(uids, folder):  # type: ignore[no-untyped-def]
            calls.append(list(uids))
            if len(calls) == 1:
                raise IMAPClientError("MOVE failed: quota exceeded")
            return real_move(uids, folder)

        monkeypatch.setattr(client, "move", refuse_first)
        try:
            poll_once(db, client, settings, holder="t")
        except IMAPClientError as exc:
            assert "quota" in str(exc)
        else:
            raise AssertionError("the failed move was not reported")
        monkeypatch.setattr(client, "move", real_move)
        again = poll_once(db, client, settings, holder="t")
        client.select_folder("INBOX")
        left = client.search(["ALL"])
        client.select_folder("Processed")
        moved = client.search(["ALL"])
    assert len(calls) == 2  # both batches were written and asked to move despite the first failure
    assert again.fetched == 0 and left == [] and len(moved) == poller.BATCH + 5
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(InboundMail)).scalar_one() == poller.BATCH + 5


def test_an_oversized_multipart_message_keeps_who_what_and_threading_with_a_ukrainian_note():
    """The stand-in for a message over the limit: its header as sent (encoded Cyrillic
    subject, folded multipart Content-Type) and the note as its only, readable, text."""
    from helpdesk_tui.i18n import set_language
    from helpdesk_tui.mail.parse import parse_mail

    head = (b"From: =?utf-8?b?0J7Qu9C10L3QsA==?= <olena@client.example>\r\n"
            b"Subject: =?utf-8?b?0JLQtdC70LjQutC40Lkg0LfQstGW0YI=?=\r\n"
            b"Message-ID: <big@client.example>\r\nIn-Reply-To: <note-1@helpdesk.example>\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed;\r\n boundary=\"XYZ\"\r\n"
            b"Content-Transfer-Encoding: 7bit\r\n\r\n")
    set_language("uk")
    try:
        stand_in = poller.oversized_stand_in(head, 31_457_280, 26_214_400)
    finally:
        set_language("en")
    mail = parse_mail(stand_in)
    assert (mail.from_address, mail.from_name, mail.subject) == ("olena@client.example", "Олена", "Великий звіт")
    assert mail.message_id == "big@client.example" and mail.in_reply_to == "note-1@helpdesk.example"
    assert not mail.attachments and mail.text.strip() == (
        "Лист завеликий (31\u00a0457\u00a0280 байт, межа — 26\u00a0214\u00a0400): прийнято лише його заголовок, "
        "а весь лист лишається на поштовому сервері.")
