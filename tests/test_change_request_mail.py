"""R36 through real mail: a change request asks its caller to agree, and the caller's own
«Погоджую» reply, through the desk's IMAP mailbox (Dovecot), records the agreement work waits
for; the same word from another address, or quoted, agrees to nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk_tui.desk import admin, incidents
from helpdesk_tui.domain.statuses import IncidentStatus as S
from helpdesk_tui.mail.intake import ingest
from helpdesk_tui.mail.poller import poll_once
from helpdesk_tui.store.models import Incident, JournalEntry, Person
from tests.mail_builders import message
from tests.smtp_server import smtp_server
from tests.test_caller_close import CALLER, MAILBOX, OTHER, _answer, _send
from tests.world import seed


@pytest.fixture
def desk(db):
    w = seed(db)
    with db.write() as s:
        boss = s.get(Person, w.admin.id)
        admin.create_person(s, boss, login="anna", full_name="Анна Клієнтка", email=OTHER)
        dev = admin.create_group(s, boss, name="Розробки та впроваджень")
        admin.add_member(s, boss, dev, s.get(Person, w.specialist.id))
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Новий звіт для податкової",
                                          kind="change_request")
    return db, w, inc


def _row(db, inc):
    with db.read() as s:
        return s.get(Incident, inc.id)


def test_the_caller_agrees_by_mail_through_a_real_mailbox_and_work_may_start(desk, imap):
    db, w, inc = desk
    with smtp_server() as (controller, recorder):
        assert _send(db, controller.port).failed == 0
    asked = next(m for m in recorder.received if m["To"] == CALLER and "change request" in m["Subject"].lower()
                 or m["To"] == CALLER and "запит на зміну" in m["Subject"].lower())
    assert "ПОГОДЖУЮ" in asked.get_content()
    imap.append(_answer(asked, OTHER, "Погоджую"))  # a colleague's word is not the caller's
    imap.append(_answer(asked, CALLER, "Погоджую!\n\nЧекаємо до кінця місяця"))
    with imap.client() as client:
        polled = poll_once(db, client, MAILBOX, holder="t")
    assert polled.outcomes == {"linked": 1, "agreed": 1}
    row = _row(db, inc)
    assert row.agreed_at is not None and "olena@client.example" in row.agreement and "погоджую" in row.agreement
    with db.read() as s:
        said = s.execute(select(JournalEntry.summary).where(JournalEntry.record_id == inc.id,
                                                            JournalEntry.body == row.agreement)).scalars().all()
    assert said == ["The client agreed to the change request"]
    with db.write() as s:
        incidents.change_status(s, w.specialist, s.get(Incident, inc.id), S.IN_PROGRESS, service=w.service,
                                category=w.category, impact=2, urgency=2, owner=w.specialist)
    assert _row(db, inc).status == "in_progress"


def test_a_quoted_or_hedged_agreement_agrees_to_nothing(desk):
    db, w, inc = desk
    with db.write() as s:
        quoted = ingest(s, message(sender=CALLER, subject=f"Re: [{inc.number}] A change request",
                                   body="Скільки це коштуватиме?\n\n> Погоджую"), MAILBOX)
        hedged = ingest(s, message(sender=CALLER, subject=f"Re: [{inc.number}] A change request",
                                   body="Погоджую, але спершу оцінка"), MAILBOX)
    assert (quoted.outcome, hedged.outcome) == ("linked", "linked")
    assert _row(db, inc).agreed_at is None


def test_an_urgent_mail_naming_a_reason_registers_an_urgent_ticket_and_one_without_says_so(db):
    """R34/R35 by mail: «Терміново» in the subject and a till that cannot print a receipt make
    an urgent ticket with its reason and its hour; urgent without a reason is left unset, with a
    note saying why, in the reader's language."""
    from helpdesk_tui.i18n import set_language
    from helpdesk_tui.store.records import incident_detail

    w = seed(db)
    with db.write() as s:
        urgent = ingest(s, message(sender=CALLER, subject="Терміново: каса не друкує чек", body="Покупці чекають"),
                        MAILBOX)
        vague = ingest(s, message(sender=CALLER, subject="ТЕРМІНОВО", body="Дуже треба сьогодні"), MAILBOX)
    with db.read() as s:
        first = s.execute(select(Incident).where(Incident.number == urgent.incident)).scalar_one()
        second = s.execute(select(Incident).where(Incident.number == vague.incident)).scalar_one()
        assert (first.criticality, first.urgent_reason, first.channel) == ("urgent", "operational_work_blocked", "email")
        assert (first.response_due - first.created_at).total_seconds() <= 24 * 3600
        assert (second.criticality, second.urgent_reason) == (None, None)
        set_language("uk")
        try:
            notes_said = [e["summary"] for e in incident_detail(s, second)["journal"] if e["kind"] == "note"]
        finally:
            set_language("en")
    assert notes_said == ["Позначено терміновим без причини"]
