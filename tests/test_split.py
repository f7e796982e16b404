"""One question per ticket (R38): an e-mail or a note with a new question becomes an incident of
its own, for the same caller and client, linked both ways, said in both journals, and the
caller told the new number; on both engines, and from the shell. The record view's key:
test_tui_split_and_turn.py."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from helpdesk_tui.desk import admin, incidents, notes, split
from helpdesk_tui.domain.errors import ClosedRecord, NotFound, PermissionDenied, RuleViolation
from helpdesk_tui.domain.statuses import IncidentStatus as S
from helpdesk_tui.mail.intake import IntakeSettings, ingest
from helpdesk_tui.store.models import Incident, JournalEntry, OutboxMessage, Person, RecordLink
from helpdesk_tui.store.records import incident_detail
from tests.mail_builders import message
from tests.world import FIRST_LINE, seed

QUESTION = "І ще: як додати нового користувача в ЕТС?\nДякую, Петро"


@pytest.fixture
def thread(db):
    """An incident of a client's caller, registered by phone, and the caller's e-mail in its
    thread that asks something else besides."""
    w = seed(db)
    with db.write() as s:
        boss = s.get(Person, w.admin.id)
        org = admin.create_organisation(s, boss, name="ТОВ «Ромашка»")
        caller = admin.create_person(s, boss, login="petro", full_name="Петро Клієнт", email="petro@romashka.example",
                                     organisation=org)
        inc = incidents.register_incident(s, w.analyst, caller=caller, group=w.first_line, owner=w.analyst,
                                          short_description="Не друкує чек")
        ingest(s, message(sender="petro@romashka.example", subject=f"Re: [{inc.number}] Не друкує чек",
                          body=QUESTION + "\n\n> Ваше звернення зареєстровано"), IntakeSettings(group=FIRST_LINE))
        email = s.execute(select(JournalEntry.id).where(JournalEntry.record_id == inc.id,
                                                        JournalEntry.kind == "email")).scalar_one()
    return db, w, inc, email


def _entries(db, incident_id, kind="change"):
    with db.read() as s:
        return list(s.execute(select(JournalEntry).where(JournalEntry.record_id == incident_id,
                                                         JournalEntry.record_kind == "incident",
                                                         JournalEntry.kind == kind).order_by(JournalEntry.id)).scalars())


def test_an_e_mail_with_a_new_question_becomes_an_incident_of_its_own(thread):
    db, w, inc, email = thread
    with db.write() as s:
        new = split.split_incident(s, w.analyst, s.get(Incident, inc.id), email)
        new_id, number = new.id, new.number
    with db.read() as s:
        source, made = s.get(Incident, inc.id), s.get(Incident, new_id)
        links = {(link.from_id, link.to_id, link.relation) for link in s.execute(select(RecordLink)).scalars()}
        told = list(s.execute(select(OutboxMessage).where(OutboxMessage.record_id == new_id,
                                                          OutboxMessage.to_address == "petro@romashka.example")).scalars())
        related = incident_detail(s, source)["related"]
    assert number == "INC0000002"
    # The subject only repeats the thread's title: the first line names the new question.
    assert made.short_description == "І ще: як додати нового користувача в ЕТС?"
    assert made.description == QUESTION  # the new part of the e-mail, not the quoted one
    assert (made.caller_id, made.organisation_id, made.group_id) == (source.caller_id, source.organisation_id,
                                                                     source.group_id)
    assert made.organisation_id is not None
    assert (made.channel, made.status, made.waiting_on) == ("email", "registered", "desk")
    assert links == {(inc.id, new_id, "split_into"), (new_id, inc.id, "split_from")}
    assert [(r["number"], r["relation"]) for r in related] == [(number, "split_into")]
    assert [e.summary for e in _entries(db, inc.id)] == [f"Split into {number}: {made.short_description}"]
    assert [e.summary for e in _entries(db, new_id)] == [f"Split from {inc.number}: Не друкує чек"]
    # One message to the caller, naming the new number (not a second «registered» as well).
    assert [(m.template, m.to_address) for m in told] == [("split", "petro@romashka.example")]
    assert f"[{number}]" in told[0].subject and inc.number in told[0].body and number in told[0].body
    assert source.status == "registered"  # the thread itself goes on as it was


def test_a_note_is_split_with_the_analysts_short_description_and_the_threads_channel(thread):
    db, w, inc, _email = thread
    with db.write() as s:
        entry = notes.add_note(s, w.analyst, s.get(Incident, inc.id), summary="Дзвінок",
                               text="Просить також налаштувати сканер")
        new = split.split_incident(s, w.colleague, s.get(Incident, inc.id), entry.id,
                                   short_description="  Налаштувати сканер  ")
        made = (new.short_description, new.description, new.channel)
    assert made == ("Налаштувати сканер", "Просить також налаштувати сканер", "phone")


@pytest.mark.parametrize("case", ["closed", "cancelled", "status entry", "other incident", "not staff"])
def test_what_cannot_be_split_is_refused_with_one_clear_message(thread, case):
    db, w, inc, email = thread
    with db.write() as s:
        other = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line,
                                            short_description="Інше")
        status_entry = s.execute(select(JournalEntry.id).where(JournalEntry.record_id == inc.id,
                                                               JournalEntry.kind == "status")).scalars().first()
        if case == "closed":
            incidents.resolve_incident(s, w.analyst, s.get(Incident, inc.id), solution="ok", reason_code="advice",
                                       resolve_with_open_tasks=False)
            incidents.close_incident(s, w.analyst, s.get(Incident, inc.id))
        elif case == "cancelled":
            incidents.cancel_incident(s, w.analyst, s.get(Incident, inc.id), reason="Дубль")
    target, entry, actor = inc, email, w.analyst
    expected: tuple[type[Exception], str] = (ClosedRecord, f"{inc.number} is «Closed»: nothing in it can be split")
    if case == "cancelled":
        expected = (ClosedRecord, f"{inc.number} is «Cancelled»: nothing in it can be split")
    elif case == "status entry":
        entry, expected = status_entry, (RuleViolation, "Only an e-mail or a note can become an incident of its own")
    elif case == "other incident":
        target, expected = other, (NotFound, f"{other.number} has no journal entry {email}")
    elif case == "not staff":
        actor, expected = w.caller, (PermissionDenied, "needs one of these roles")
    with pytest.raises(expected[0], match=expected[1]), db.write() as s:
        split.split_incident(s, actor, s.get(Incident, target.id), entry)
    with db.read() as s:
        assert s.execute(select(RecordLink)).first() is None
        assert s.execute(select(Incident).where(Incident.number == "INC0000003")).first() is None


def test_split_from_the_shell(thread, capsys):
    from helpdesk_tui.cli import main

    db, _w, inc, email = thread

    def run(*args):
        code = main(["--db", db.url, "--lang", "en", "--as", "ivan", "incident", "split", *args])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, err = run(inc.number, "--entry", str(email), "-s", "Додати користувача", "--json")
    assert code == 0, err
    assert json.loads(out) == {"incident": "INC0000002", "split_from": inc.number, "entry": email}
    code, out, err = run(inc.number, "--entry", str(email))
    assert code == 0 and "INC0000003 registered from entry" in out, err
    with db.read() as s:
        status_entry = s.execute(select(JournalEntry.id).where(JournalEntry.record_id == inc.id,
                                                               JournalEntry.kind == "status")).scalars().first()
    code, out, err = run(inc.number, "--entry", str(status_entry))
    assert code != 0 and not out
    assert err.strip().count("\n") == 0 and "Only an e-mail or a note" in err and "Traceback" not in err
    shown = main(["--db", db.url, "--lang", "uk", "--as", "ivan", "incident", "show", inc.number])
    out = capsys.readouterr().out
    assert shown == 0 and "INC0000002 (виділено з цього)" in out


def test_the_caller_writes_about_the_new_question_in_its_own_thread(thread):
    """The notice is our mail about the new incident: a reply to it threads there."""
    db, w, inc, email = thread
    with db.write() as s:
        new = split.split_incident(s, w.analyst, s.get(Incident, inc.id), email)
        new_number = new.number
        notice = s.execute(select(OutboxMessage.message_id).where(OutboxMessage.template == "split")).scalar_one()
    with db.write() as s:
        result = ingest(s, message(sender="petro@romashka.example", subject="Re: Ваше нове питання",
                                   in_reply_to=notice, body="Користувач: Іваненко"), IntakeSettings(group=FIRST_LINE))
    assert (result.outcome, result.incident) == ("linked", new_number)
    assert inc.status == S.REGISTERED
