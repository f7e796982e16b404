"""The incident lifecycle through the desk operations, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk_tui.desk import incidents, notes, tasks
from helpdesk_tui.desk.incidents import VendorHandoff
from helpdesk_tui.domain.errors import ClosedRecord, MissingFields, PermissionDenied, RuleViolation, StaleVersion
from helpdesk_tui.domain.statuses import Channel, IncidentStatus as S
from helpdesk_tui.store.models import (
    ChangeFeed,
    ExternalTask,
    FieldChange,
    Incident,
    JournalEntry,
    OutboxMessage,
    UnreadMarker,
)
from tests.world import seed


def _count(db, model, *where) -> int:
    with db.read() as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def _journal(db, incident_id: int) -> list[JournalEntry]:
    with db.read() as s:
        return list(s.execute(select(JournalEntry).where(JournalEntry.record_kind == "incident",
                                                         JournalEntry.record_id == incident_id)
                              .order_by(JournalEntry.id)).scalars())


def _register(db, w, **kw) -> Incident:
    with db.write() as s:
        return incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Не працює ЕТС",
                                           group=w.first_line, **kw)


def test_registration_numbers_notifies_and_journals(db):
    w = seed(db)
    first = _register(db, w, channel=Channel.EMAIL)
    second = _register(db, w)
    assert (first.number, second.number) == ("INC0000001", "INC0000002")
    assert first.status == "registered" and first.channel == "email" and first.priority is None
    with db.read() as s:
        mails = list(s.execute(select(OutboxMessage).where(OutboxMessage.record_id == first.id)
                               .order_by(OutboxMessage.id)).scalars())
    # R5: the caller, and the group's members other than the one who registered it.
    assert [m.to_address for m in mails] == ["olena@client.example", "maria@desk.example"]
    assert mails[0].template == "registered" and "[INC0000001]" in mails[0].subject
    entries = _journal(db, first.id)
    assert [e.kind for e in entries] == ["status", "notification", "notification"]
    assert _count(db, ChangeFeed, ChangeFeed.record_id == first.id, ChangeFeed.record_kind == "incident") == 1


def test_registration_needs_a_short_description_and_writes_nothing(db):
    w = seed(db)
    with pytest.raises(RuleViolation) as err, db.write() as s:
        incidents.register_incident(s, w.analyst, caller=w.caller, short_description="   ")
    assert err.value.field == "short_description"
    assert _count(db, Incident) == 0


def test_an_incident_belongs_to_a_work_group_or_an_owner_never_to_nobody(db):
    """R3, for every entry point: the desk refuses, naming both fields, and writes nothing; a
    service's default group counts, and an owner cannot be taken off an incident with no group."""
    w = seed(db)
    with pytest.raises(MissingFields) as err, db.write() as s:
        incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Не друкує принтер")
    assert err.value.fields == ["group", "owner"]
    assert "Work group" in err.value.message and "Owner" in err.value.message
    assert _count(db, Incident) == 0
    with db.write() as s:
        by_service = incidents.register_incident(s, w.analyst, short_description="ЕТС", service=w.service)
        owned = incidents.register_incident(s, w.analyst, short_description="Моє", owner=w.analyst)
        assert by_service.group_id == w.first_line.id
    with pytest.raises(MissingFields), db.write() as s:
        incidents.assign_incident(s, w.analyst, s.get(Incident, owned.id), clear_owner=True)
    with db.read() as s:
        assert s.get(Incident, owned.id).owner_id == w.analyst.id


def test_owner_must_belong_to_the_group(db):
    w = seed(db)
    with pytest.raises(RuleViolation, match="not a member"), db.write() as s:
        incidents.register_incident(s, w.analyst, short_description="x", group=w.first_line, owner=w.specialist)


def test_callers_cannot_work_incidents(db):
    w = seed(db)
    with pytest.raises(PermissionDenied), db.write() as s:
        incidents.register_incident(s, w.caller, short_description="I do it myself")


def test_classification_requires_the_starred_fields(db):
    w = seed(db)
    inc = _register(db, w)
    with pytest.raises(MissingFields) as err, db.write() as s:
        incidents.change_status(s, w.analyst, inc, S.IN_PROGRESS, impact=2)
    assert set(err.value.fields) == {"service", "category", "urgency", "owner"}
    with db.write() as s:
        inc = incidents.classify_incident(s, w.analyst, inc, service=w.service, category=w.category, impact=1,
                                          urgency=2, owner=w.analyst)
    assert (inc.status, inc.priority, inc.version) == ("in_progress", 2, 2)
    change = [e for e in _journal(db, inc.id) if e.kind == "status"][-1]
    with db.read() as s:
        diff = {f.field: (f.old_value, f.new_value) for f in s.execute(
            select(FieldChange).where(FieldChange.entry_id == change.id)).scalars()}
    # R42: who, when, old and new value, with names rather than ids.
    assert diff["status"] == ("registered", "in_progress")
    assert diff["owner"] == (None, "ivan")
    assert diff["service"] == (None, "ЕТС")
    assert diff["priority"] == (None, "2")
    assert change.author_id == w.analyst.id


def test_category_must_belong_to_the_service(db):
    w = seed(db)
    inc = _register(db, w)
    with pytest.raises(RuleViolation, match="does not belong"), db.write() as s:
        incidents.classify_incident(s, w.analyst, inc, service=w.service, category=w.other_category, impact=1,
                                    urgency=1, owner=w.analyst)


def test_full_round_trip_question_vendor_resolution_close(db):
    w = seed(db)
    inc = _register(db, w)
    with db.write() as s:
        inc = incidents.classify_incident(s, w.analyst, inc, service=w.service, category=w.category, impact=2,
                                          urgency=2, owner=w.analyst)
        inc = incidents.change_status(s, w.analyst, inc, S.INFO_NEEDED, question="Який номер кабінету?")
    assert inc.waiting_on == "caller" and inc.responded_at is not None
    with db.write() as s:
        inc = incidents.change_status(s, w.analyst, inc, S.INFO_PROVIDED, answer="Кабінет 204")
        inc = incidents.change_status(s, w.analyst, inc, S.THIRD_PARTY, handoff=VendorHandoff(
            vendor=w.vendor, short_description="Перевірте сервер", details="Логи додано"))
    with db.read() as s:
        ext = s.execute(select(ExternalTask).where(ExternalTask.incident_id == inc.id)).scalar_one()
    # R40: a hand-off to a vendor is no message to or from the client: whose turn stays as it was.
    assert ext.status == "open" and inc.waiting_on == "desk"
    with db.write() as s:
        inc = incidents.change_status(s, w.analyst, inc, S.FROM_THIRD_PARTY, vendor_answer="Сервер перезапущено")
    with db.read() as s:
        ext = s.get(ExternalTask, ext.id)
    assert (ext.status, ext.vendor_answer) == ("completed", "Сервер перезапущено")
    with db.write() as s:
        inc = incidents.resolve_incident(s, w.analyst, inc, solution="Перезапуск сервера", reason_code="permanent_fix",
                                         resolve_with_open_tasks=False,
                                         configuration_item=w.item)
    assert inc.configuration_item_id == w.item.id and inc.resolved_at is not None
    with db.write() as s:
        inc = incidents.close_incident(s, w.analyst, inc)
    assert inc.status == "closed" and inc.closed_at is not None
    templates = []
    with db.read() as s:
        templates = [m.template for m in s.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()]
    assert templates.count("question") == 1
    assert templates.count("vendor_handoff") == 1
    assert templates.count("resolved") == 1


def test_resolution_needs_solution_and_a_known_reason_code(db):
    w = seed(db)
    inc = _register(db, w)
    with pytest.raises(MissingFields) as err, db.write() as s:
        incidents.change_status(s, w.analyst, inc, S.RESOLVED)
    assert err.value.fields == ["solution", "reason_code"]
    with pytest.raises(RuleViolation, match="reason code"), db.write() as s:
        incidents.resolve_incident(s, w.analyst, inc, solution="ok", reason_code="because",
                                   resolve_with_open_tasks=False)
    with db.read() as s:
        assert s.get(Incident, inc.id).status == "registered"


def test_third_party_needs_an_external_task(db):
    w = seed(db)
    inc = _register(db, w)
    with pytest.raises(MissingFields), db.write() as s:
        incidents.change_status(s, w.analyst, inc, S.THIRD_PARTY)
    with db.write() as s:
        tasks.create_external_task(s, w.analyst, inc, vendor=w.vendor, short_description="Допоможіть")
        inc = incidents.change_status(s, w.analyst, inc, S.THIRD_PARTY)
    assert inc.status == "third_party"


def test_transitions_the_process_forbids(db):
    w = seed(db)
    inc = _register(db, w)
    with pytest.raises(RuleViolation, match="cannot follow"), db.write() as s:
        incidents.close_incident(s, w.analyst, inc)
    with pytest.raises(RuleViolation, match="cannot follow"), db.write() as s:
        incidents.change_status(s, w.analyst, inc, S.FROM_THIRD_PARTY, vendor_answer="x")


def _closed(db, w) -> Incident:
    inc = _register(db, w)
    with db.write() as s:
        inc = incidents.resolve_incident(s, w.analyst, inc, solution="Готово", reason_code="advice",
                                         resolve_with_open_tasks=False)
        return incidents.close_incident(s, w.analyst, inc)


def test_a_closed_incident_refuses_every_change(db):
    """R26, enforced in desk/ whatever the entry point."""
    w = seed(db)
    inc = _closed(db, w)
    before = _count(db, JournalEntry)
    attempts = [
        lambda s: notes.add_note(s, w.analyst, inc, summary="x", text="y"),
        lambda s: incidents.update_incident(s, w.analyst, inc, description="y"),
        lambda s: incidents.assign_incident(s, w.analyst, inc, owner=w.colleague),
        lambda s: incidents.change_priority(s, w.analyst, inc, priority=1, justification="VIP"),
        lambda s: incidents.reopen_incident(s, w.analyst, inc, reason="again"),
        lambda s: incidents.cancel_incident(s, w.analyst, inc, reason="no"),
        lambda s: tasks.create_task(s, w.analyst, inc, group=w.second_line),
        lambda s: tasks.create_external_task(s, w.analyst, inc, vendor=w.vendor, short_description="x"),
        lambda s: notes.link_records(s, w.analyst, inc, to_kind="incident", to_id=inc.id + 1),
    ]
    for attempt in attempts:
        with pytest.raises(ClosedRecord, match="closed"), db.write() as s:
            attempt(s)
    assert _count(db, JournalEntry) == before


def test_reopen_after_resolution(db):
    w = seed(db)
    inc = _register(db, w)
    with db.write() as s:
        inc = incidents.resolve_incident(s, w.analyst, inc, solution="Готово", reason_code="advice",
                                         resolve_with_open_tasks=False)
        inc = incidents.reopen_incident(s, w.analyst, inc, reason="Знову не працює")
    assert inc.status == "reopened" and inc.resolved_at is None and inc.waiting_on == "desk"
    with pytest.raises(MissingFields), db.write() as s:
        incidents.change_status(s, w.analyst, inc, S.CANCELLED)


def test_priority_override_needs_a_justification(db):
    w = seed(db)
    inc = _register(db, w, impact=3, urgency=3)
    assert inc.priority == 5
    with pytest.raises(RuleViolation, match="justification"), db.write() as s:
        incidents.change_priority(s, w.analyst, inc, priority=1, justification=" ")
    with db.write() as s:
        inc = incidents.change_priority(s, w.analyst, inc, priority=1, justification="Зупинено митне оформлення")
        # An overridden priority no longer follows impact and urgency.
        inc = incidents.update_incident(s, w.analyst, inc, impact=2)
    assert (inc.priority, inc.priority_overridden) == (1, True)
    entry = [e for e in _journal(db, inc.id) if e.summary == "Priority changed"][0]
    assert entry.body == "Зупинено митне оформлення"


def test_stale_save_is_refused_and_says_what_changed(db):
    """R43: two analysts opened version 1; the second save is refused and loses nothing."""
    w = seed(db)
    inc = _register(db, w)
    with db.write() as s:
        incidents.update_incident(s, w.colleague, inc, expected_version=1, short_description="ЕТС не запускається")
    with pytest.raises(StaleVersion) as err, db.write() as s:
        incidents.update_incident(s, w.analyst, inc, expected_version=1, description="Моє уточнення")
    assert err.value.current_version == 2
    assert ("short_description", "Не працює ЕТС", "ЕТС не запускається") in err.value.changes
    assert "ЕТС не запускається" in err.value.message
    with db.read() as s:
        fresh = s.get(Incident, inc.id)
    assert (fresh.version, fresh.description, fresh.short_description) == (2, "", "ЕТС не запускається")


def test_published_note_mails_the_caller_and_marks_unread_for_the_owner(db):
    w = seed(db)
    inc = _register(db, w, owner=w.analyst)
    with db.write() as s:
        own = notes.add_note(s, w.analyst, inc, summary="Перевірив", text="Логи чисті")
        other = notes.add_note(s, w.colleague, inc, summary="", text="Я теж дивилася", published=True)
    with db.read() as s:
        markers = list(s.execute(select(UnreadMarker)).scalars())
        mails = [m.template for m in s.execute(select(OutboxMessage).where(OutboxMessage.record_id == inc.id)).scalars()]
    # R16: only the owner gets the blue bar, and not for their own note.
    assert [(m.person_id, m.entry_id) for m in markers] == [(w.analyst.id, other.id)]
    assert "published_note" in mails and own.published is False
    with db.write() as s:
        assert notes.mark_read(s, w.analyst, other.id) is True
    assert _count(db, UnreadMarker) == 0
    with db.write() as s:
        notes.mark_read(s, w.analyst, other.id, read=False)
    assert _count(db, UnreadMarker) == 1


def test_tasks_for_another_group(db):
    w = seed(db)
    inc = _register(db, w, owner=w.analyst)
    with db.write() as s:
        task = tasks.create_task(s, w.analyst, inc, group=w.second_line, details="Перевірте сервер")
    assert task.number == "TSK0000001" and task.short_description == "Не працює ЕТС"
    with pytest.raises(PermissionDenied), db.write() as s:
        tasks.accept_task(s, w.colleague, task)
    with db.write() as s:
        task = tasks.accept_task(s, w.specialist, task)
    assert (task.status, task.owner_id) == ("accepted", w.specialist.id)
    with pytest.raises(RuleViolation, match="comment"), db.write() as s:
        tasks.complete_task(s, w.specialist, task, comment="")
    with db.write() as s:
        task = tasks.complete_task(s, w.specialist, task, comment="Сервер перезапущено")
    with pytest.raises(RuleViolation, match="already"), db.write() as s:
        tasks.cancel_task(s, w.specialist, task)
    with db.read() as s:
        markers = list(s.execute(select(UnreadMarker)).scalars())
        kinds = [e.kind for e in _journal(db, inc.id)]
    # The completion comment reaches the incident's journal and its owner's unread bar.
    assert kinds.count("task") == 2
    assert [m.person_id for m in markers] == [w.analyst.id]
    with db.read() as s:
        group_mail = list(s.execute(select(OutboxMessage).where(OutboxMessage.template == "task_to_group")).scalars())
    assert [m.to_address for m in group_mail] == ["taras@desk.example"]
