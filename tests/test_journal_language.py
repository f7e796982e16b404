"""Journal entries in the reader's language, whoever wrote them and in whatever language
(issue 16 item 5): the desk keeps its own words untranslated, with their values, and each reader
gets them in theirs; what people typed or mailed stays as it was written."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from helpdesk_tui.desk import incidents, knowledge, notes, tasks
from helpdesk_tui.domain.statuses import IncidentStatus
from helpdesk_tui.i18n import current_language, set_language
from helpdesk_tui.mail.intake import IntakeSettings, ingest
from helpdesk_tui.store.models import JournalEntry
from helpdesk_tui.store.records import journal_entries
from tests.mail_builders import message
from tests.world import FIRST_LINE, seed


@pytest.fixture
def speaking():
    """`speaking(lang)` switches the process's language; the one before comes back afterwards."""
    before = current_language()
    yield set_language
    set_language(before)


def _summaries(db, kind: str, record_id: int) -> list[str]:
    with db.read() as s:
        return [e["summary"] for e in journal_entries(s, kind, record_id)]


def _made_in(db, lang: str):
    """An incident taken through a few changes by a desk speaking `lang`."""
    set_language(lang)
    try:
        w = seed(db)
        with db.write() as s:
            article = knowledge.create_article(s, w.admin, title="Принтер", body="", solution="Перезапуск")
            inc = incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Не друкує",
                                              group=w.first_line)
            incidents.assign_incident(s, w.analyst, inc, owner=w.analyst)
            incidents.change_status(s, w.analyst, inc, IncidentStatus.INFO_NEEDED, question="Який кабінет?")
            knowledge.reuse_solution(s, w.analyst, inc, source_kind="knowledge_article", source_id=article.id)
            task = tasks.create_task(s, w.analyst, inc, group=w.second_line, short_description="Мережа")
            tasks.cancel_task(s, w.specialist, task, reason="Не треба")
    finally:
        set_language("en")
    return w, inc


ENGLISH = [
    "Incident registered", "Notification queued: registration to olena@client.example",
    "Notification queued: assignment to a work group to maria@desk.example", "Assigned",
    "Status: Registered → Information needed",
    "Notification queued: question to the caller to olena@client.example", "Related record linked",
    "Solution taken from KB0000001", "Task TSK0000001 created for Друга лінія підтримки", "Task TSK0000001: Cancelled",
]
UKRAINIAN = [
    "Інцидент зареєстровано", "Сповіщення поставлено в чергу: реєстрація, кому: olena@client.example",
    "Сповіщення поставлено в чергу: призначення робочій групі, кому: maria@desk.example", "Призначено",
    "Статус: Зареєстровано → Потрібна інформація",
    "Сповіщення поставлено в чергу: запитання користувачу, кому: olena@client.example", "Додано зв’язок із записом",
    "Рішення взято з KB0000001", "Завдання TSK0000001 створено для робочої групи Друга лінія підтримки",
    "Завдання TSK0000001: Скасовано",
]


@pytest.mark.parametrize("writer", ["en", "uk"])
def test_every_reader_gets_the_journal_in_their_own_language(db, speaking, writer):
    _w, inc = _made_in(db, writer)
    speaking("uk")
    assert _summaries(db, "incident", inc.id) == UKRAINIAN
    speaking("en")
    assert _summaries(db, "incident", inc.id) == ENGLISH
    with db.read() as s:  # the store keeps the message, and its English text beside it
        rows = s.execute(select(JournalEntry).where(JournalEntry.record_kind == "incident",
                                                    JournalEntry.record_id == inc.id)
                         .order_by(JournalEntry.id)).scalars().all()
    assert [e.summary for e in rows] == ENGLISH
    assert rows[4].summary_key == "Status: {old} → {new}"
    assert rows[4].summary_args == {"old": {"msgid": "Registered"}, "new": {"msgid": "Information needed"}}


def test_the_desks_own_words_in_a_body_too(db, speaking):
    """Cancelling an incident cancels its open tasks «with INC…»: that reason is the desk's."""
    w, inc = _made_in(db, "en")
    with db.write() as s:
        inc = s.get(type(inc), inc.id)
        task = tasks.create_task(s, w.analyst, inc, group=w.second_line, short_description="Ще одне")
        incidents.change_status(s, w.analyst, inc, IncidentStatus.CANCELLED, reason="Дубль")
    speaking("uk")
    with db.read() as s:
        entry = journal_entries(s, "task", task.id)[-1]
    assert (entry["summary"], entry["body"]) == ("Статус: Відкрито → Скасовано", "Скасовано разом з INC0000001: Дубль")
    speaking("en")
    with db.read() as s:
        entry = journal_entries(s, "task", task.id)[-1]
    assert (entry["summary"], entry["body"]) == ("Status: Open → Cancelled", "Cancelled with INC0000001: Дубль")


def test_an_old_plain_entry_is_shown_as_it_was_written(db, speaking):
    _w, inc = _made_in(db, "en")
    with db.write() as s:  # as every entry was written before summaries had keys
        s.execute(insert(JournalEntry).values(record_kind="incident", record_id=inc.id, kind="change",
                                              created_at=datetime(2026, 11, 1, tzinfo=UTC), summary="Призначено",
                                              body="Стара {0} [bold]примітка[/bold]"))
    for lang in ("en", "uk"):
        speaking(lang)
        with db.read() as s:
            old = journal_entries(s, "incident", inc.id)[-1]
        assert (old["summary"], old["body"], old["summary_key"]) == ("Призначено", "Стара {0} [bold]примітка[/bold]", None)


def test_what_people_type_or_mail_stays_literal(db, speaking):
    w = seed(db)
    subject = "[bold]Терміново[/bold] {0} {subject} }{"
    with db.write() as s:
        ingest(s, message(sender="olena@client.example", name="Олена {name}", subject=subject, body="Принтер"),
               IntakeSettings(group=FIRST_LINE))
        inc_id = s.execute(select(JournalEntry.record_id).where(JournalEntry.kind == "email")).scalar_one()
        notes.add_note(s, w.analyst, s.get(incidents.Incident, inc_id), summary="Assigned {x} [i]", text="так")
    speaking("uk")
    summaries = _summaries(db, "incident", inc_id)
    assert f"Лист від Олена {{name}}: {subject}" in summaries
    assert "Assigned {x} [i]" in summaries  # a typed summary is never translated, whatever it says
    speaking("en")
    assert f"E-mail from Олена {{name}}: {subject}" in _summaries(db, "incident", inc_id)


def test_the_sla_ticker_writes_for_every_reader(db, speaking):
    from helpdesk_tui.desk import jobs

    set_language("uk")  # the deployment's language, which the jobs run in
    w = seed(db)
    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Не друкує",
                                          group=w.first_line, impact=1, urgency=1)
    jobs.tick(db, "a", now=datetime(2027, 1, 10, 12, 0, tzinfo=UTC))
    set_language("en")
    with db.read() as s:
        sla = [e for e in journal_entries(s, "incident", inc.id) if e["kind"] == "sla"]
    assert sla and all(e["summary"].startswith("SLA: the ") and "breached" in e["summary"] for e in sla), sla
    assert all(e["body"].startswith("Due 20") for e in sla), sla  # an English reader's date, too
    speaking("uk")
    with db.read() as s:
        sla = [e for e in journal_entries(s, "incident", inc.id) if e["kind"] == "sla"]
    assert all(e["summary"].startswith("SLA:") and "порушено" in e["summary"] for e in sla), sla
    assert all(e["body"].startswith("Термін ") for e in sla), sla
