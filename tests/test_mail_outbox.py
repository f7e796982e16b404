"""Notifications leave through a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk_tui.config import ServerSettings
from helpdesk_tui.desk import incidents
from helpdesk_tui.mail.outbox import send_due
from helpdesk_tui.store.models import JournalEntry, OutboxMessage
from tests.smtp_server import smtp_server
from tests.world import seed


@pytest.fixture
def smtp():
    with smtp_server() as (controller, recorder):
        yield ServerSettings(host="127.0.0.1", port=controller.port, security="none"), recorder


def _outbox(db):
    with db.read() as s:
        return {m.to_address: m for m in s.execute(select(OutboxMessage)).scalars()}


def test_notifications_are_sent_with_our_headers(db, smtp):
    server, recorder = smtp
    w = seed(db)
    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line,
                                          short_description="Не працює ЕТС\r\nBcc: victim@example.org")
    report = send_due(db, server, "helpdesk@desk.example", holder="t")
    assert (report.sent, report.failed, report.retried) == (2, 0, 0)
    got = {m["To"]: m for m in recorder.received}
    mail = got["olena@client.example"]
    assert mail["Subject"] == "[INC0000001] Ваше звернення зареєстровано: Не працює ЕТС Bcc: victim@example.org"
    assert mail["Bcc"] is None and all("victim" not in rcpt for _f, rcpts in recorder.envelopes for rcpt in rcpts)
    assert mail["Auto-Submitted"] == "auto-generated" and mail["Precedence"] == "bulk"
    assert mail["X-Auto-Response-Suppress"] == "All" and mail["X-Helpdesk-Loop"]
    assert mail["Message-ID"].strip("<>") == _outbox(db)["olena@client.example"].message_id
    assert "INC0000001" in mail.get_content()
    assert all(m.status == "sent" and m.sent_at for m in _outbox(db).values())
    assert send_due(db, server, "helpdesk@desk.example", holder="t").sent == 0  # nothing twice
    del inc


def test_temporary_failures_retry_with_backoff_permanent_ones_fail_with_the_reason(db, smtp):
    server, recorder = smtp
    w = seed(db)
    recorder.temporary_failures = 1
    recorder.refuse["maria@desk.example"] = "550 5.1.1 no such user"
    with db.write() as s:
        incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line, short_description="Принтер")
    report = send_due(db, server, "helpdesk@desk.example", holder="t")
    assert (report.sent, report.retried, report.failed) == (0, 1, 1)
    box = _outbox(db)
    assert box["olena@client.example"].status == "retry" and "451" in box["olena@client.example"].last_error
    assert box["maria@desk.example"].status == "failed" and "550" in box["maria@desk.example"].last_error
    with db.read() as s:
        failed = [e.summary for e in s.execute(select(JournalEntry).where(JournalEntry.summary.like("%failed%"))).scalars()]
    assert failed and "maria@desk.example" in failed[0]
    # Not yet due: the backoff holds it back; later it goes.
    assert send_due(db, server, "helpdesk@desk.example", holder="t").sent == 0
    from datetime import timedelta

    later = box["olena@client.example"].next_attempt_at + timedelta(seconds=1)
    assert send_due(db, server, "helpdesk@desk.example", holder="t", now=later).sent == 1
    assert [m["To"] for m in recorder.received] == ["olena@client.example"]


def test_an_unreachable_server_keeps_everything_queued(db):
    w = seed(db)
    with db.write() as s:
        incidents.register_incident(s, w.analyst, caller=w.caller, short_description="x", owner=w.analyst)
    from tests.smtp_server import free_port

    report = send_due(db, ServerSettings(host="127.0.0.1", port=free_port(), security="none", timeout=2), "h@d.example",
                      holder="t")
    assert report.sent == 0 and report.errors
    assert [m.status for m in _outbox(db).values()] == ["queued"]
