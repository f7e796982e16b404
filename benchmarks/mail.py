"""Issue 4's figure: end-to-end ingestion from Dovecot to committed incidents, messages/s, with
the stdlib parse rate (email.message_from_bytes, policy.default) measured beside it."""

from __future__ import annotations

import email
import random
import time
from email import policy
from typing import Any

from helpdesk_tui.desk import admin
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.mail import parse_pool
from helpdesk_tui.mail.intake import IntakeSettings, ingest_batch, parse_for_intake
from helpdesk_tui.mail.poller import BATCH, poll_once
from helpdesk_tui.store import migrate
from helpdesk_tui.store.db import Database
from tests.mail_builders import message

SUBJECTS = ["Не працює ЕТС", "Не друкує принтер у кабінеті 204", "Помилка при підписанні КЕП", "Не надходить пошта",
            "Повільно працює 1С", "Не можу увійти на портал"]


def messages(n: int, senders: list[str], seed: int = 3) -> list[bytes]:
    rng = random.Random(seed)
    return [message(sender=rng.choice(senders), name="Олена Шевченко", subject=rng.choice(SUBJECTS),
                    body="Добрий день!\n\n" + "Після оновлення програма закривається одразу після запуску. " * 8,
                    message_id=f"bench-{i}@client.example") for i in range(n)]


def stdlib_rate(raws: list[bytes]) -> float:
    t0 = time.perf_counter()
    for raw in raws:
        email.message_from_bytes(raw, policy=policy.default).get_body(("plain", "html"))
    return len(raws) / (time.perf_counter() - t0)


MAILBOX_GROUP = "Перша лінія"  # R3: what mail registers belongs to a work group ([mail] group)


def _callers(db: Database) -> list[str]:
    migrate.upgrade(db)
    with db.write() as s:
        boss = admin.create_person(s, None, login="admin", full_name="Адмін", roles={Role.ADMIN, Role.ANALYST})
        admin.create_group(s, boss, name=MAILBOX_GROUP)
        return [admin.create_person(s, boss, login=f"caller{i}", full_name=f"Абонент {i}",
                                    email=f"caller{i}@client.example").email for i in range(50)]


def desk_rate(db: Database, n: int) -> dict[str, float]:
    """The desk's part alone: messages parsed beforehand, written the way the poller writes them
    (batches of 50 in one transaction, a savepoint each); no server, no parsing."""
    raws = messages(n, _callers(db))
    settings = IntakeSettings(group=MAILBOX_GROUP, rate_limit_per_hour=10**6)
    parsed = [parse_for_intake(raw, settings) for raw in raws]

    def write(lo: int, hi: int) -> None:
        for start in range(lo, hi, BATCH):
            uids = range(start + 1, min(start + BATCH, hi) + 1)
            with db.write() as s:
                ingest_batch(s, [(uid, raws[uid - 1]) for uid in uids], settings, uidvalidity=1,
                             parsed={uid: parsed[uid - 1] for uid in uids})

    warm = min(100, n // 10)
    write(0, warm)  # statements compiled, caches filled
    t0 = time.perf_counter()
    write(warm, n)
    elapsed = time.perf_counter() - t0
    return {"messages": float(n - warm), "seconds": elapsed, "per_s": (n - warm) / elapsed,
            "ms_per_message": elapsed / (n - warm) * 1000}


def ingest_rate(db: Database, imap: Any, n: int) -> dict[str, float]:
    raws = messages(n, _callers(db))
    with imap.client() as client:
        for raw in raws:
            client.append("INBOX", raw)
    # A running poller started its parse worker with itself (poller.run, the app's mail
    # round); so does this one, before the clock starts.
    parse_pool.start(wait=60)
    with imap.client() as client:
        t0 = time.perf_counter()
        done = 0
        while done < n:
            report = poll_once(db, client, IntakeSettings(group=MAILBOX_GROUP, rate_limit_per_hour=10**6),
                               holder="bench")
            done += report.fetched
            if report.fetched == 0:
                break
        elapsed = time.perf_counter() - t0
    return {"messages": float(done), "seconds": elapsed, "per_s": done / elapsed, "stdlib_parse_per_s": stdlib_rate(raws)}
