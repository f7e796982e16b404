"""The client closes (R39): from any open status, only their own ticket, its tasks cancelled and
its clocks stopped, confirmed to them; by mail only from the caller's own address, only when the
new part of the reply says so. On both engines, and through a real Dovecot and SMTP server; so is
whose turn it is after a reply (R40)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk_tui.config import ServerSettings
from helpdesk_tui.desk import admin, caller_close, incidents, notes, tasks
from helpdesk_tui.desk.incidents import VendorHandoff
from helpdesk_tui.desk.sla import state_of
from helpdesk_tui.domain.errors import PermissionDenied
from helpdesk_tui.domain.statuses import IncidentStatus as S
from helpdesk_tui.domain.turn import turn
from helpdesk_tui.mail.intake import IntakeSettings, ingest
from helpdesk_tui.mail.outbox import send_due
from helpdesk_tui.mail.poller import poll_once
from helpdesk_tui.store.models import ExternalTask, Incident, JournalEntry, OutboxMessage, Person, Task
from tests.mail_builders import message
from tests.smtp_server import smtp_server
from tests.world import FIRST_LINE, seed

CALLER = "olena@client.example"
OTHER = "anna@client.example"  # a colleague of the caller's, known to the desk
MAILBOX = IntakeSettings(group=FIRST_LINE, own_addresses=frozenset({"helpdesk@desk.example"}))
OPEN = ["registered", "in_progress", "info_needed", "info_provided", "third_party", "resolved", "reopened"]


def _bring(s, w, inc, status):
    """`inc` moved to `status`, with an open task (and a vendor's, for «third_party») under it."""
    if status == "registered":
        return inc
    inc = incidents.classify_incident(s, w.analyst, inc, service=w.service, category=w.category, impact=2, urgency=2,
                                      owner=w.analyst)
    tasks.create_task(s, w.analyst, inc, group=w.second_line, short_description="Перевірити сервер")
    if status == "third_party":
        return incidents.change_status(s, w.analyst, inc, S.THIRD_PARTY, handoff=VendorHandoff(
            vendor=w.vendor, short_description="Перевірте ліцензію"))
    if status in ("info_needed", "info_provided"):
        inc = incidents.change_status(s, w.analyst, inc, S.INFO_NEEDED, question="Який кабінет?")
        if status == "info_provided":
            inc = incidents.change_status(s, w.analyst, inc, S.INFO_PROVIDED, answer="204")
    if status in ("resolved", "reopened"):
        inc = incidents.resolve_incident(s, w.analyst, inc, solution="Перезапуск", reason_code="advice",
                                         resolve_with_open_tasks=True)
        if status == "reopened":
            inc = incidents.reopen_incident(s, w.analyst, inc, reason="Знову")
    return inc


@pytest.fixture
def desk(db):
    w = seed(db)
    with db.write() as s:
        admin.create_person(s, s.get(Person, w.admin.id), login="anna", full_name="Анна Клієнтка", email=OTHER)
    return db, w


def _new(db, w, status="in_progress"):
    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line, owner=w.analyst,
                                          short_description="Не працює ЕТС")
        return _bring(s, w, inc, status)


def _incident(db, inc):
    with db.read() as s:
        return s.get(Incident, inc.id)


def _count(db, model, *where):
    with db.read() as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


@pytest.mark.parametrize("status", OPEN)
def test_the_caller_closes_from_any_open_status(desk, status):
    db, w = desk
    inc = _new(db, w, status)
    with db.write() as s:
        cancelled: list[str] = []
        closed = caller_close.close_by_caller(s, s.get(Person, w.caller.id), s.get(Incident, inc.id), "email",
                                              "  Питання вже не актуальне  ", cancelled_tasks=cancelled)
    assert closed
    with db.read() as s:
        row = s.get(Incident, inc.id)
        entry = s.execute(select(JournalEntry).where(JournalEntry.record_id == inc.id, JournalEntry.kind == "status")
                          .order_by(JournalEntry.id.desc()).limit(1)).scalar_one()
        clocks = state_of(s, row)
        open_tasks = s.execute(select(func.count()).select_from(Task).where(
            Task.incident_id == inc.id, Task.status.in_(("open", "accepted")))).scalar_one()
        open_vendor = s.execute(select(func.count()).select_from(ExternalTask).where(
            ExternalTask.incident_id == inc.id, ExternalTask.status == "open")).scalar_one()
        told = s.execute(select(OutboxMessage.to_address).where(OutboxMessage.record_id == inc.id,
                                                                OutboxMessage.template == "closed_by_caller")).all()
    assert (row.status, row.waiting_on, turn(row.status, row.waiting_on)) == ("closed", "nobody", "closed")
    assert row.closed_at is not None and not clocks.resolution.running
    assert clocks.resolution.stopped_at is not None  # for good, as an analyst's closing stops it
    assert (entry.author_id, entry.status_from, entry.status_to) == (w.caller.id, status, "closed")
    assert entry.summary == "The client closed the ticket: solved or no longer relevant (E-mail)"
    assert entry.body == "Питання вже не актуальне" and entry.published
    assert open_tasks == open_vendor == 0 and len(cancelled) == (0 if status == "registered" else
                                                                 2 if status == "third_party" else 1)
    assert told == [(CALLER,)]


def test_only_the_caller_closes_and_a_closed_ticket_stays_as_it_is(desk):
    db, w = desk
    inc = _new(db, w)
    with db.read() as s:
        anna = s.execute(select(Person).where(Person.login == "anna")).scalar_one()
    for who in (anna, w.analyst):
        with pytest.raises(PermissionDenied, match="Only the caller of INC0000001 can close it"), db.write() as s:
            caller_close.close_by_caller(s, s.get(Person, who.id), s.get(Incident, inc.id), "portal")
    assert _incident(db, inc).status == "in_progress"
    with db.write() as s:
        assert caller_close.close_by_caller(s, s.get(Person, w.caller.id), s.get(Incident, inc.id), "portal")
    entries, version = _count(db, JournalEntry), _incident(db, inc).version
    with db.write() as s:
        assert not caller_close.close_by_caller(s, s.get(Person, w.caller.id), s.get(Incident, inc.id), "portal")
    assert (_count(db, JournalEntry), _incident(db, inc).version) == (entries, version)


QUOTE = "\n\n> Ваше звернення INC0000001 зареєстровано.\n> Закрити звернення"


@pytest.mark.parametrize("sender, body, outcome", [
    (CALLER, "Закрити звернення." + QUOTE, "closed"),
    (CALLER, "  ЗАКРИТИ ЗВЕРНЕННЯ!\nДякую, все працює" + QUOTE, "closed"),
    (CALLER, "Close ticket" + QUOTE, "closed"),
    (CALLER, "закрити", "closed"),
    (OTHER, "Закрити звернення", "linked"),  # another person's address: an ordinary reply
    ("stranger@evil.example", "Закрити звернення", "linked"),
    (CALLER, "Ще не працює" + QUOTE, "linked"),  # the words only in the quoted part
    (CALLER, "> Закрити звернення\n> Ваше звернення INC0000001", "linked"),
    (CALLER, "Дякую.\n\nOn Mon, 23 Nov 2026 at 10:00, Desk <helpdesk@desk.example> wrote:\nЗакрити звернення",
     "linked"),
    (CALLER, "-- \nЗакрити звернення\nОлена, бухгалтерія", "linked"),  # only in the signature
    (CALLER, "Закрити звернення, але спершу скажіть, що сталося", "linked"),
], ids=["uk", "uk-loud", "en", "one-word", "someone-else", "unknown", "quoted", "only-quote", "below-header",
        "signature", "more-than-that"])
def test_a_reply_closes_only_from_the_callers_own_address_and_only_in_its_new_part(desk, sender, body, outcome):
    db, w = desk
    inc = _new(db, w)
    with db.write() as s:
        result = ingest(s, message(sender=sender, subject="Re: [INC0000001] Не працює ЕТС", body=body), MAILBOX)
    row = _incident(db, inc)
    assert (result.outcome, result.incident) == (outcome, "INC0000001")
    assert row.status == ("closed" if outcome == "closed" else "in_progress")
    assert row.waiting_on == ("nobody" if outcome == "closed" else "desk")  # R40: they wrote last
    assert _count(db, OutboxMessage, OutboxMessage.template == "closed_by_caller") == (outcome == "closed")
    assert _count(db, JournalEntry, JournalEntry.kind == "email", JournalEntry.record_id == inc.id) == 1


def test_asking_to_close_a_closed_ticket_is_kept_with_it_and_does_nothing_else(desk):
    db, w = desk
    inc = _new(db, w, "resolved")
    with db.write() as s:
        incidents.close_incident(s, w.analyst, s.get(Incident, inc.id))
    version, queued = _incident(db, inc).version, _count(db, OutboxMessage)
    with db.write() as s:
        result = ingest(s, message(sender=CALLER, subject="Re: [INC0000001] Вирішено", body="Закрити звернення"),
                        MAILBOX)
    assert (result.outcome, result.incident) == ("linked", "INC0000001")
    assert _count(db, Incident) == 1 and _count(db, OutboxMessage) == queued
    assert _incident(db, inc).version == version
    assert _count(db, JournalEntry, JournalEntry.kind == "email", JournalEntry.record_id == inc.id) == 1


def test_someone_elses_close_neither_closes_nor_reopens_a_resolved_ticket(desk):
    db, w = desk
    inc = _new(db, w, "resolved")
    with db.write() as s:
        result = ingest(s, message(sender=OTHER, subject="Re: [INC0000001] Вирішено", body="ЗАКРИТИ"), MAILBOX)
    assert (result.outcome, _incident(db, inc).status) == ("linked", "resolved")
    with db.write() as s:
        result = ingest(s, message(sender=CALLER, subject="Re: [INC0000001] Вирішено", body="Підтверджую"), MAILBOX)
    assert (result.outcome, _incident(db, inc).status) == ("closed", "closed")


def _send(db, recorder_port):
    return send_due(db, ServerSettings(host="127.0.0.1", port=recorder_port, security="none"),
                    "helpdesk@desk.example", holder="t")


def _answer(mail, sender, body):
    """A reply as a mail program writes it: threaded, the message quoted below."""
    quoted = "\n".join(f"> {line}" for line in mail.get_content().splitlines())
    return message(sender=sender, subject=f"Re: {mail['Subject']}", in_reply_to=mail["Message-ID"].strip("<>"),
                   body=f"{body}\n\n{quoted}")


def test_the_caller_closes_by_mail_through_a_real_mailbox(desk, imap):
    """The registration notice leaves through SMTP; a forged «Закрити звернення» from another
    address and the caller's own arrive in the desk's IMAP mailbox (Dovecot): only the caller's
    closes, and the caller is told."""
    db, w = desk
    inc = _new(db, w)
    with smtp_server() as (controller, recorder):
        assert _send(db, controller.port).failed == 0
    registered = next(m for m in recorder.received if m["To"] == CALLER)
    imap.append(_answer(registered, OTHER, "Закрити звернення"))
    imap.append(_answer(registered, CALLER, "Закрити звернення\n\nВсе запрацювало, дякую"))
    with imap.client() as client:
        polled = poll_once(db, client, MAILBOX, holder="t")
    assert polled.fetched == 2 and polled.outcomes == {"linked": 1, "closed": 1}
    row = _incident(db, inc)
    assert (row.status, row.waiting_on) == ("closed", "nobody")
    with db.read() as s:
        closing = s.execute(select(JournalEntry).where(JournalEntry.record_id == inc.id,
                                                       JournalEntry.status_to == "closed")).scalar_one()
    assert closing.author_id == w.caller.id and closing.body.startswith("Закрити звернення\n\nВсе запрацювало")
    with smtp_server() as (controller, recorder):
        assert _send(db, controller.port).failed == 0
    told = [m for m in recorder.received if m["To"] == CALLER]
    assert len(told) == 1 and "[INC0000001]" in told[0]["Subject"]
    assert "Закрито на ваше прохання" in told[0]["Subject"] or "Closed at your request" in told[0]["Subject"]


def test_whose_turn_follows_a_reply_through_a_real_mailbox(desk, imap):
    """R40: the desk's published note makes it the caller's turn (yellow); their reply,
    through the mailbox, makes it the desk's again (green)."""
    db, w = desk
    inc = _new(db, w)
    with db.write() as s:
        notes.add_note(s, w.analyst, s.get(Incident, inc.id), summary="", text="Спробуйте увійти ще раз",
                       published=True)
    row = _incident(db, inc)
    assert (row.waiting_on, turn(row.status, row.waiting_on)) == ("caller", "details")
    with smtp_server() as (controller, recorder):
        assert _send(db, controller.port).failed == 0
    note = next(m for m in recorder.received if m["To"] == CALLER and "Спробуйте" in m.get_content())
    imap.append(_answer(note, CALLER, "Не виходить, та сама помилка"))
    with imap.client() as client:
        polled = poll_once(db, client, MAILBOX, holder="t")
    assert polled.outcomes == {"linked": 1}
    row = _incident(db, inc)
    assert (row.status, row.waiting_on, turn(row.status, row.waiting_on)) == ("in_progress", "desk", "client_wrote")
