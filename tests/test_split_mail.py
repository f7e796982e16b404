"""R38 through real mail: the caller's reply with a new question comes through the desk's IMAP
mailbox (Dovecot), the analyst splits it off, the notice leaves through SMTP naming the new
number, and the caller's answer to that notice threads onto the new ticket, not the old one."""

from __future__ import annotations

from sqlalchemy import select

from helpdesk_tui.desk import incidents, split
from helpdesk_tui.mail.poller import poll_once
from helpdesk_tui.store.models import Incident, JournalEntry
from tests.smtp_server import smtp_server
from tests.test_caller_close import CALLER, MAILBOX, _answer, _send
from tests.world import seed


def test_a_new_question_from_the_mailbox_becomes_its_own_ticket_and_the_caller_answers_there(db, imap):
    w = seed(db)
    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line, owner=w.analyst,
                                          short_description="Не працює ЕТС")
    with smtp_server() as (controller, recorder):
        assert _send(db, controller.port).failed == 0
    registered = next(m for m in recorder.received if m["To"] == CALLER)
    imap.append(_answer(registered, CALLER, "Дякую. І ще питання: як змінити пароль до пошти?"))
    with imap.client() as client:
        assert poll_once(db, client, MAILBOX, holder="t").outcomes == {"linked": 1}
    with db.write() as s:
        email = s.execute(select(JournalEntry.id).where(JournalEntry.record_id == inc.id,
                                                        JournalEntry.kind == "email")).scalar_one()
        new = split.split_incident(s, w.analyst, s.get(Incident, inc.id), email,
                                   short_description="Змінити пароль до пошти")
        new_id, number = new.id, new.number
    with smtp_server() as (controller, recorder):
        assert _send(db, controller.port).failed == 0
    notice = next(m for m in recorder.received if m["To"] == CALLER and f"[{number}]" in m["Subject"])
    assert number in notice.get_content() and inc.number in notice.get_content()
    imap.append(_answer(notice, CALLER, "Пароль потрібен для скриньки buh@client.example"))
    with imap.client() as client:
        assert poll_once(db, client, MAILBOX, holder="t").outcomes == {"linked": 1}
    with db.read() as s:
        on_new = s.execute(select(JournalEntry.body).where(JournalEntry.record_id == new_id,
                                                           JournalEntry.kind == "email")).scalars().all()
        on_old = s.execute(select(JournalEntry.body).where(JournalEntry.record_id == inc.id,
                                                           JournalEntry.kind == "email")).scalars().all()
    assert any("buh@client.example" in body for body in on_new)
    assert not any("buh@client.example" in body for body in on_old)
