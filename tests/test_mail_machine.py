"""Machine mail, end to end: from a real Dovecot mailbox through `helpdesk mail poll --once` to
what the analyst sees with `incident show` and `mail show`.

Every kind the parser recognises (our own loop header, bulk and list mail, auto-replies,
bounces) is kept and shown in its thread for the analysts only, answers nothing, reopens,
answers or closes nothing and opens no incident; a bounce's report is read as text, not saved as
attachment-1.txt. docs/mail.md says why.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from helpdesk_tui.cli import main
from helpdesk_tui.desk import incidents
from helpdesk_tui.domain.statuses import IncidentStatus as S
from helpdesk_tui.store.models import Incident, OutboxMessage
from tests.mail_builders import auto_reply, message
from tests.mail_desk import point_at_servers
from tests.smtp_server import smtp_server
from tests.world import seed

CALLER = "olena@client.example"


@pytest.fixture
def cli(imap, tmp_path, monkeypatch, capsys):
    with smtp_server() as (controller, _recorder):
        point_at_servers(monkeypatch, tmp_path, imap_port=imap.port, smtp_port=controller.port)

        def run(db, *args: str) -> str:
            code = main(["--db", db.url, "--lang", "en", *args])  # the service account, as its cron runs it
            out, err = capsys.readouterr()
            assert code == 0, err + out
            return out

        yield run


def _bounce(notification_id: str) -> bytes:
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.client.example>\r\nTo: helpdesk@desk.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce-1@mx.client.example>\r\n"
        "Date: Mon, 23 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nThe mail system could not deliver your message.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.client.example\r\n\r\n"
        f"Final-Recipient: rfc822; {CALLER}\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
        f"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: HELP DESK <helpdesk@desk.example>\r\nTo: {CALLER}\r\n"
        f"Message-ID: <{notification_id}>\r\nSubject: =?utf-8?b?0JLQuNGA0ZbRiNC10L3Qvg==?=\r\n"
        "--B--\r\n"
    ).encode()


def _from_the_caller(notification_id: str, **headers: str) -> bytes:
    """The caller's address, in the thread, with words that would reopen or answer if a person wrote them."""
    return message(sender=CALLER, name="Олена Шевченко", subject="Re: [INC0000001] Пошта", in_reply_to=notification_id,
                   body="Знову не працює, перевірте ще раз.", headers=headers)


MACHINE_MAIL = {
    # A caller's mail program (or a forwarding rule) that kept our own loop header.
    "loop": lambda notification: _from_the_caller(notification, **{"X-Helpdesk-Loop": "desk.example/helpdesk@desk.example"}),
    "bulk": lambda notification: _from_the_caller(notification, Precedence="bulk"),
    "list": lambda notification: _from_the_caller(notification, **{"List-Id": "<it-news.client.example>"}),
    "auto_reply": lambda notification: auto_reply(sender=CALLER, in_reply_to=notification, subject="[INC0000001] Пошта"),
    "bounce": _bounce,
}

STATUSES = {
    S.RESOLVED: lambda s, w, inc: incidents.resolve_incident(s, w.analyst, inc, solution="Очищено скриньку",
                                                             reason_code="permanent_fix", resolve_with_open_tasks=False),
    S.INFO_NEEDED: lambda s, w, inc: incidents.change_status(s, w.analyst, inc, S.INFO_NEEDED,
                                                             question="Який номер кабінету?"),
    S.CLOSED: lambda s, w, inc: incidents.close_incident(
        s, w.analyst, incidents.resolve_incident(s, w.analyst, inc, solution="ok", reason_code="advice",
                                              resolve_with_open_tasks=False)),
}


def _count(db, model) -> int:
    with db.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize("status", list(STATUSES), ids=[s.value for s in STATUSES])
@pytest.mark.parametrize("kind", list(MACHINE_MAIL))
def test_machine_mail_is_kept_for_the_analysts_and_changes_nothing(sqlite_db, imap, cli, kind, status):
    db = sqlite_db
    w = seed(db)
    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, owner=w.analyst, group=w.first_line,
                                          short_description="Пошта")
        STATUSES[status](s, w, inc)
    with db.read() as s:
        notification = s.execute(select(OutboxMessage.message_id).order_by(OutboxMessage.id.desc())).scalars().first()
    before = json.loads(cli(db, "incident", "show", "1", "--json"))
    queued = _count(db, OutboxMessage)
    imap.append(MACHINE_MAIL[kind](notification))

    assert "ignored 1" in cli(db, "mail", "poll", "--once")

    after = json.loads(cli(db, "incident", "show", "1", "--json"))
    assert (after["status"], after["version"]) == (status.value, before["version"])  # not reopened, not answered
    assert _count(db, Incident) == 1  # no new incident, even after a closed one
    assert _count(db, OutboxMessage) == queued  # nothing sent back: no loop
    (entry,) = [e for e in after["journal"] if e["kind"] == "email"]
    assert entry["published"] is False  # for the analysts, never shown to the caller as correspondence
    listed = json.loads(cli(db, "mail", "list", "--json"))
    assert [(m["status"], m["auto"], m["incident"]) for m in listed] == [("ignored", kind, "INC0000001")]
    assert "published" not in cli(db, "incident", "show", "1").split("E-mail from", 1)[1].split("\n", 3)[0]


def test_a_bounce_report_is_read_in_the_mail_view_and_the_journal_not_saved_as_attachments(db, imap, cli):
    w = seed(db)
    with db.write() as s:
        incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Пошта", owner=w.analyst)
    with db.read() as s:
        notification = s.execute(select(OutboxMessage.message_id)).scalars().first()
    imap.append(_bounce(notification))
    cli(db, "mail", "poll", "--once")

    shown = json.loads(cli(db, "mail", "show", "1", "--json"))
    assert shown["attachments"] == []  # not attachment-1.txt and attachment-2.txt
    assert shown["text"].startswith("The mail system could not deliver your message.")
    for line in ("Delivery status", "Final-Recipient: rfc822; olena@client.example", "Status: 5.1.1",
                 "Diagnostic-Code: smtp; 550 5.1.1 User unknown", "Header of the returned message",
                 f"Message-ID: <{notification}>", "Subject: Вирішено"):
        assert line in shown["text"]
    as_text = cli(db, "mail", "show", "1")
    assert "Status: 5.1.1" in as_text and "attachment-" not in as_text and "Attachment" not in as_text
    journal = json.loads(cli(db, "incident", "show", "1", "--json"))["journal"]
    (entry,) = [e for e in journal if e["kind"] == "email"]
    assert "Final-Recipient: rfc822; olena@client.example" in entry["body"] and not entry["published"]
    with db.read() as s:
        bounced = s.execute(select(OutboxMessage).where(OutboxMessage.message_id == notification)).scalar_one()
    assert bounced.status == "bounced"  # found through the returned header, now part of the text
