"""What an analyst reads for a journal's stored values (R42, R44): labels in their language,
times in the deployment's zone, people by full name, linked records by kind and number."""

from __future__ import annotations

import pytest

from helpdesk_tui.desk import incidents, knowledge, notes, tasks
from helpdesk_tui.domain.field_values import field_name, shown_value
from helpdesk_tui.domain.statuses import IncidentStatus
from helpdesk_tui.i18n import current_language, set_language
from helpdesk_tui.store.records import incident_detail, task_detail
from tests.world import seed


@pytest.fixture
def uk():
    before = current_language()
    set_language("uk")
    yield
    set_language(before)


def test_codes_become_labels_in_ukrainian(uk):
    assert shown_value("status", "in_progress") == "Виконується робота"
    assert shown_value("status", "completed") == "Завершено"  # a vendor task's, in the incident's journal
    assert shown_value("status", "accepted", kind="task") == "Прийнято"
    assert shown_value("channel", "phone") == "Телефон"
    assert shown_value("reason_code", "permanent_fix") == "Вирішено (остаточне виправлення)"
    assert shown_value("waiting_on", "desk") == "служба підтримки"
    assert shown_value("waiting_on", "caller") == "користувач"
    assert shown_value("priority", "3").startswith("3 ")
    assert shown_value("roles", "admin,analyst") == "Адміністратор, Аналітик служби підтримки"
    assert shown_value("status", None) == "—"
    assert field_name("waiting_on") == "Чия черга"
    assert field_name("responded_at") != "responded_at" and field_name("related") != "related"


def test_times_are_in_the_deployment_zone(uk):
    # 14:00 UTC on 6 December is 16:00 in Kyiv (EET, UTC+2)
    assert shown_value("responded_at", "2026-12-06T14:00:51.020206+00:00") == "06.12.2026 16:00"


def test_people_and_records_are_shown_by_the_names_found_for_them(uk):
    assert shown_value("owner", "ivan", names={"ivan": "Іван Петренко"}) == "Іван Петренко"
    assert shown_value("owner_id", "4", names={"4": "Тарас Мельник"}) == "Тарас Мельник"
    assert shown_value("related", "knowledge_article:1", names={"knowledge_article:1": "KB0000001"}) == \
        "Документ бази знань KB0000001"
    assert shown_value("owner", "gone") == "gone"  # a person the store no longer knows: as stored


def test_english_too():
    before = current_language()
    set_language("en")
    try:
        assert shown_value("status", "info_needed") == "Information needed"
        assert shown_value("waiting_on", "vendor") == "the vendor"
    finally:
        set_language(before)


def test_the_record_carries_the_names_of_people_and_records_its_journal_refers_to(db):
    w = seed(db)
    with db.write() as s:
        article = knowledge.create_article(s, w.admin, title="Принтер", body="", solution="Перезапуск")
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Не друкує",
                                          group=w.first_line, owner=w.analyst)
        notes.link_records(s, w.analyst, inc, to_kind="knowledge_article", to_id=article.id)
        incidents.change_status(s, w.analyst, inc, IncidentStatus.INFO_NEEDED, question="?")
        task = tasks.create_task(s, w.analyst, inc, group=w.second_line, short_description="Мережа")
        tasks.accept_task(s, w.specialist, task)
    with db.read() as s:
        journal = incident_detail(s, s.get(type(inc), inc.id))["journal"]
        task_journal = task_detail(s, s.get(type(task), task.id))["journal"]
    changes = {c["field"]: c for e in journal for c in e["changes"]}
    # Stored as they were made; the names come beside them.
    assert changes["owner"]["new"] == "ivan" and changes["owner"]["names"] == {"ivan": "Іван Петренко"}
    assert changes["caller"]["names"] == {"olena": "Олена Шевченко"}
    assert changes["related"]["names"] == {f"knowledge_article:{article.id}": "KB0000001"}
    accepted = {c["field"]: c for e in task_journal for c in e["changes"]}
    assert accepted["owner_id"]["names"] == {str(w.specialist.id): "Тарас Мельник"}


def test_a_filter_in_words(uk):
    from helpdesk_tui.domain.field_values import describe_filter, status_code

    assert describe_filter("incident", [("status", "=", "registered"), ("group", "=", "Перша лінія"),
                                        ("priority", "<=", "2")]) == \
        "Статус: Зареєстровано; Робоча група: Перша лінія; Пріоритет ≤ 2"
    assert describe_filter("incident", [("owner", "empty", None), ("status", "not in", ["closed", "cancelled"])],
                           "принтер") == "Власник: не вказано; Статус: не Закрито, Скасовано; слова: принтер"
    # What the editor shows goes back to the stored codes, whichever language it was typed in.
    assert status_code("incident", "Закрито") == status_code("incident", "closed ") == "closed"
    assert status_code("task", "Прийнято") == "accepted"
    assert status_code("incident", "літає") == "літає"
