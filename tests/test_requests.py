"""Service requests through the desk (R27–R32), on both engines: the catalog file, registering a
request with its fields, approvals, the task sequence and the rule for tasks made by hand."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from helpdesk_tui.desk import approvals, catalog, request_tasks, requests, tasks
from helpdesk_tui.domain.errors import ClosedRecord, MissingFields, PermissionDenied, RuleViolation
from helpdesk_tui.domain.requests import RequestStatus as S
from helpdesk_tui.store.models import (
    Approval,
    CatalogItem,
    JournalEntry,
    OutboxMessage,
    Person,
    ServiceRequest,
    Task,
    UnreadMarker,
)
from tests.world import CATALOG, load_test_catalog, seed


@pytest.fixture
def desk(db):
    w = seed(db)
    return db, w, load_test_catalog(db, w)


def _request(db, w, items, code, values, actor=None, requester=None):
    with db.write() as s:
        r = requests.register_request(s, s.get(Person, (actor or w.analyst).id),
                                      requester=s.get(Person, (requester or w.caller).id), item_id=items[code],
                                      values=values)
        return r.id


def _tasks(s, request_id):
    return list(s.execute(select(Task).where(Task.request_id == request_id).order_by(Task.id)).scalars())


def _outbox(s, template):
    return list(s.execute(select(OutboxMessage).where(OutboxMessage.template == template)).scalars())


def test_a_request_without_approval_starts_its_first_stage_with_the_fields_in_the_task_titles(desk):
    db, w, items = desk
    rid = _request(db, w, items, "vpn", {"device": "ноутбук", "until": "31.12.2026"})
    with db.read() as s:
        r = s.get(ServiceRequest, rid)
        assert r.number.startswith("REQ") and r.status == S.IN_PROGRESS
        assert r.parameters == {"device": "Ноутбук", "until": "2026-12-31"}
        assert r.due_at is not None and r.response_due is not None and r.response_due <= r.due_at
        titles = [t.short_description for t in _tasks(s, rid)]
        assert titles == ["Створити профіль VPN (Ноутбук) для Олена Шевченко", "Відкрити доступ на шлюзі для Олена Шевченко"]
        registered = _outbox(s, "request_registered")
        assert [m.to_address for m in registered] == ["olena@client.example"]
        label = {"uk": "Пристрій", "en": "Device"}[registered[0].language]  # the reader's language
        assert f"{label}: Ноутбук" in registered[0].body
        # The task's group hears of it; the journal lists every notification (R5).
        assert {m.to_address for m in _outbox(s, "task_to_group")} >= {"maria@desk.example", "taras@desk.example"}
        kinds = list(s.execute(select(JournalEntry.kind).where(JournalEntry.record_kind == "service_request",
                                                                JournalEntry.record_id == rid)).scalars())
        assert "notification" in kinds and kinds.count("task") == 2


def test_stages_run_in_order_and_a_task_by_hand_must_be_finished_before_the_last(desk):
    db, w, items = desk
    rid = _request(db, w, items, "vpn", {"device": "Смартфон"})
    with db.write() as s:
        first, gateway = _tasks(s, rid)
        tasks.complete_task(s, s.get(Person, w.analyst.id), first, comment="Профіль створено")
        assert len(_tasks(s, rid)) == 2, "the second stage waits for the whole first stage"
        request = s.get(ServiceRequest, rid)
        by_hand = request_tasks.add_task(s, s.get(Person, w.analyst.id), request, group=w.second_line,
                                         short_description="Оновити сертифікат", details="Старий спливає")
        tasks.complete_task(s, s.get(Person, w.specialist.id), gateway, comment="Відкрито")
        last = _tasks(s, rid)[-1]
        assert last.automatic and last.sequence == 2 and last.short_description.startswith("Перевірити підключення")
        hand_number, last_id = by_hand.number, last.id
    with db.write() as s, pytest.raises(RuleViolation) as refused:
        tasks.complete_task(s, s.get(Person, w.analyst.id), s.get(Task, last_id), comment="Працює")
    assert hand_number in refused.value.message
    with db.write() as s:
        assert s.get(ServiceRequest, rid).status == S.IN_PROGRESS
        tasks.complete_task(s, s.get(Person, w.specialist.id), s.get(Task, by_hand.id), comment="Оновлено")
        tasks.complete_task(s, s.get(Person, w.analyst.id), s.get(Task, last_id), comment="Працює")
        request = s.get(ServiceRequest, rid)
        assert request.status == S.IMPLEMENTED and request.implemented_at is not None
        assert _outbox(s, "request_implemented")[0].to_address == "olena@client.example"
        requests.change_status(s, s.get(Person, w.analyst.id), request, S.CLOSED)
    with db.write() as s, pytest.raises(ClosedRecord):
        requests.add_note(s, s.get(Person, w.analyst.id), s.get(ServiceRequest, rid), summary="Ще", text="Щось")


def test_approval_by_any_one_approver_and_nobody_decides_for_another(desk):
    db, w, items = desk
    rid = _request(db, w, items, "ets-role", {"role": "Інспектор"})
    with db.read() as s:
        r = s.get(ServiceRequest, rid)
        assert r.status == S.AWAITING_APPROVAL and not _tasks(s, rid)
        asked = _outbox(s, "approval_needed")
        assert {m.to_address for m in asked} == {"maria@desk.example", "admin@desk.example"}
        assert all(approvals.token_in(m.subject) for m in asked)
        assert {x.approver_id for x in s.execute(select(Approval)).scalars()} == {w.colleague.id, w.admin.id}
    with db.write() as s, pytest.raises(PermissionDenied):
        approvals.decide(s, s.get(Person, w.analyst.id), s.get(ServiceRequest, rid), approve=True)
    with db.read() as s:
        assert [x.request_id for x in approvals.waiting_for(s, s.get(Person, w.colleague.id))] == [rid]
        assert approvals.waits_for(s, s.get(Person, w.colleague.id), rid)
        assert not approvals.waits_for(s, s.get(Person, w.analyst.id), rid)
    with db.write() as s:
        approvals.decide(s, s.get(Person, w.colleague.id), s.get(ServiceRequest, rid), approve=True, comment="Так")
        r = s.get(ServiceRequest, rid)
        assert r.status == S.IN_PROGRESS and r.approved_at is not None
        assert [t.short_description for t in _tasks(s, rid)] == ["Надати роль Інспектор"]
        states = {x.approver_id: x.state for x in s.execute(select(Approval)).scalars()}
        assert states == {w.colleague.id: "approved", w.admin.id: "not_needed"}
        assert _outbox(s, "request_approved")[0].to_address == "olena@client.example"
        assert approvals.waiting_for(s, s.get(Person, w.admin.id)) == []
        assert not approvals.waits_for(s, s.get(Person, w.admin.id), rid)
        assert not approvals.waits_for(s, s.get(Person, w.colleague.id), rid)


def test_approval_by_all_waits_for_everyone_and_one_rejection_rejects_for_good(desk):
    db, w, items = desk
    rid = _request(db, w, items, "1c-user", {})
    with db.write() as s:
        approvals.decide(s, s.get(Person, w.admin.id), s.get(ServiceRequest, rid), approve=True)
        assert s.get(ServiceRequest, rid).status == S.AWAITING_APPROVAL
    with db.write() as s, pytest.raises(RuleViolation):
        approvals.decide(s, s.get(Person, w.colleague.id), s.get(ServiceRequest, rid), approve=False, comment=" ")
    with db.write() as s:
        approvals.decide(s, s.get(Person, w.colleague.id), s.get(ServiceRequest, rid), approve=False,
                         comment="Немає бюджету")
        r = s.get(ServiceRequest, rid)
        assert r.status == S.REJECTED and not _tasks(s, rid)
        assert "Немає бюджету" in _outbox(s, "request_rejected")[0].body
    for change in (lambda s, r: requests.change_status(s, s.get(Person, w.analyst.id), r, S.IN_PROGRESS),
                   lambda s, r: request_tasks.add_task(s, s.get(Person, w.analyst.id), r, group=w.first_line,
                                                       short_description="x", details="y"),
                   lambda s, r: requests.assign(s, s.get(Person, w.analyst.id), r, owner=s.get(Person, w.analyst.id))):
        with db.write() as s, pytest.raises(ClosedRecord):
            change(s, s.get(ServiceRequest, rid))


def test_cancelling_takes_open_tasks_and_approvals_with_it_and_needs_a_reason(desk):
    db, w, items = desk
    rid = _request(db, w, items, "vpn", {"device": "Ноутбук"})
    with db.write() as s, pytest.raises(MissingFields):
        requests.change_status(s, s.get(Person, w.analyst.id), s.get(ServiceRequest, rid), S.CANCELLED)
    with db.write() as s:
        requests.change_status(s, s.get(Person, w.analyst.id), s.get(ServiceRequest, rid), S.CANCELLED,
                               reason="Дубль REQ")
        assert {t.status for t in _tasks(s, rid)} == {"cancelled"}
        assert s.get(ServiceRequest, rid).status == S.CANCELLED


@pytest.mark.parametrize(("values", "field", "words"), [
    ({"device": "Планшет"}, "device", "Ноутбук, Смартфон"),
    ({"device": "Ноутбук", "until": "31.02.2026"}, "until", "DD.MM.YYYY"),
    ({"device": "Ноутбук", "colour": "синій"}, "colour", "device, until"),
    ({}, "device", "Fill in: Device"),
])
def test_a_wrong_value_is_refused_naming_the_field_and_nothing_is_saved(desk, values, field, words):
    db, w, items = desk
    with db.write() as s, pytest.raises(RuleViolation) as refused:
        requests.register_request(s, s.get(Person, w.analyst.id), requester=s.get(Person, w.caller.id),
                                  item_id=items["vpn"], values=values)
    assert refused.value.field == field and words in refused.value.message
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(ServiceRequest)).scalar_one() == 0


def test_an_item_for_some_clients_is_offered_and_allowed_only_to_them(desk):
    db, w, items = desk
    with db.read() as s:
        assert "client-only" not in {i.code for i in catalog.offered(s, s.get(Person, w.caller.id))}
        assert [i.code for i in catalog.offered(s, None, "vpn")] == ["vpn"]
        assert [i.code for i in catalog.offered(s, None, "досту")] == ["vpn"]
    with db.write() as s, pytest.raises(RuleViolation):
        requests.register_request(s, s.get(Person, w.analyst.id), requester=s.get(Person, w.caller.id),
                                  item_id=items["client-only"], values={})


def test_the_items_offered_follow_the_catalog_as_loaded_and_the_requesters_groups(desk):
    """The picker's items are kept between keystrokes: a load that renames, withdraws or adds an
    item is seen at the next key, and so is a requester who joins a group."""
    from helpdesk_tui.desk import admin
    from helpdesk_tui.i18n import set_language
    from tests.world import FIRST_LINE

    db, w, items = desk

    def codes(person, typed=""):
        with db.read() as s:
            return [i.code for i in catalog.offered(s, s.get(Person, person.id) if person else None, typed)]

    assert codes(w.analyst) == ["1c-user", "ets-role", "vpn"]  # «1C user», «ETS role», «VPN access»
    assert codes(w.analyst, "віддален") == []
    changed = CATALOG.replace('name.uk = "Доступ до VPN"', 'name.uk = "Віддалений доступ VPN"').replace(
        'code = "1c-user"', 'code = "1c-user"\nactive = false') + f'''
[[item]]
code = "second-only"
name.uk = "Для другої лінії"
group = "{FIRST_LINE}"
groups = ["Друга лінія підтримки"]
'''
    with db.write() as s:
        catalog.load_catalog(s, s.get(Person, w.admin.id), changed, "catalog.toml")
    assert codes(w.analyst, "віддален") == ["vpn"]
    assert codes(w.analyst) == ["ets-role", "vpn"]  # 1c-user withdrawn
    set_language("uk")
    try:
        assert codes(w.analyst) == ["vpn", "ets-role"]  # «Віддалений доступ VPN» before «Роль в ЕТС»
    finally:
        set_language("en")
    assert codes(w.specialist, "для") == ["second-only"] and codes(None, "для") == []
    assert codes(w.analyst, "для") == []
    with db.write() as s:
        admin.add_member(s, s.get(Person, w.admin.id), s.get(type(w.second_line), w.second_line.id),
                         s.get(Person, w.analyst.id))
    assert codes(w.analyst, "для") == ["second-only"]


def test_loading_the_same_file_twice_changes_nothing_and_a_change_is_a_new_version(desk):
    db, w, items = desk
    rid = _request(db, w, items, "ets-role", {"role": "Аудитор"})
    with db.write() as s:
        again = catalog.load_catalog(s, s.get(Person, w.admin.id), CATALOG, "catalog.toml")
        assert again.added == again.changed == [] and len(again.unchanged) == 4
        changed = catalog.load_catalog(s, s.get(Person, w.admin.id),
                                       CATALOG.replace('short_description = "Надати роль {role}"',
                                                       'short_description = "Видати роль {role}"'), "catalog.toml")
        assert changed.changed == ["ets-role"]
        versions = list(s.execute(select(CatalogItem.version, CatalogItem.current)
                                  .where(CatalogItem.code == "ets-role").order_by(CatalogItem.version)))
        assert versions == [(1, False), (2, True)]
        # The request keeps the version it was made with: approved now, its task is the old one's.
        approvals.decide(s, s.get(Person, w.admin.id), s.get(ServiceRequest, rid), approve=True)
        assert [t.short_description for t in _tasks(s, rid)] == ["Надати роль Аудитор"]


def test_a_catalog_file_with_mistakes_says_each_with_its_line_and_loads_nothing(db):
    w = seed(db)
    bad = '''
[[item]]
code = "first"
name.uk = "Перший"
group = "Перша лінія підтримки Контакт-центр"

[[item.field]]
name = "x"
kind = "colour"
label.uk = "Колір"

[item.approval]
people = ["nobody"]

[[item.stage]]

[[item]]
code = "first"
name.uk = "Другий"
group = "Немає такої групи"
'''
    with db.write() as s, pytest.raises(catalog.CatalogFileError) as failed:
        catalog.load_catalog(s, s.get(Person, w.admin.id), bad, "bad.toml")
    lines = failed.value.problems
    assert any(line.startswith("bad.toml:9: item[1].field[1].kind") for line in lines), lines
    assert any(line.startswith("bad.toml:15: item[1].stage[1]") and "no tasks" in line for line in lines), lines
    assert any("bad.toml:13:" in line and "nobody" in line for line in lines), lines
    assert any(line.startswith("bad.toml:18: item[2].code") for line in lines), lines
    assert any("bad.toml:20:" in line and "Немає такої групи" in line for line in lines), lines
    assert len(lines) == 5
    with db.write() as s, pytest.raises(catalog.CatalogFileError) as syntax:
        catalog.load_catalog(s, s.get(Person, w.admin.id), '[[item]\ncode = "a"', "broken.toml")
    assert syntax.value.problems[0].startswith("broken.toml:1: ")
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(CatalogItem)).scalar_one() == 0


def test_an_approval_by_e_mail_decides_only_from_the_approver_and_only_once(desk):
    db, w, items = desk
    rid = _request(db, w, items, "ets-role", {"role": "Інспектор"})
    with db.read() as s:
        token = {m.to_address: approvals.token_in(m.subject) for m in _outbox(s, "approval_needed")}
    with db.write() as s:
        system = s.get(Person, w.admin.id)
        r = s.get(ServiceRequest, rid)
        assert approvals.decide_by_mail(s, system, r, token=token["maria@desk.example"], sender=s.get(Person, w.caller.id),
                                        sender_address="olena@client.example", text="Погоджую") == "refused"
        assert approvals.decide_by_mail(s, system, r, token=token["maria@desk.example"],
                                        sender=s.get(Person, w.colleague.id), sender_address="maria@desk.example",
                                        text="А на який строк?") == "note"
        assert r.status == S.AWAITING_APPROVAL
        assert approvals.decide_by_mail(s, system, r, token=token["maria@desk.example"],
                                        sender=s.get(Person, w.colleague.id), sender_address="maria@desk.example",
                                        text="Погоджую, на рік") == "approved"
        assert r.status == S.IN_PROGRESS
        assert approvals.decide_by_mail(s, system, r, token=token["maria@desk.example"],
                                        sender=s.get(Person, w.colleague.id), sender_address="maria@desk.example",
                                        text="Відхиляю") == "refused"
        summaries = list(s.execute(select(JournalEntry.summary).where(JournalEntry.record_id == rid,
                                                                      JournalEntry.record_kind == "service_request")).scalars())
        assert sum("decided nothing" in x for x in summaries) == 2
        assert any("Approved by Марія Коваль" in x for x in summaries)


def test_a_comment_on_a_request_s_task_marks_the_request_unread_for_its_owner(desk):
    db, w, items = desk
    rid = _request(db, w, items, "vpn", {"device": "Ноутбук"})
    with db.write() as s:
        requests.assign(s, s.get(Person, w.analyst.id), s.get(ServiceRequest, rid), owner=s.get(Person, w.analyst.id))
        task = _tasks(s, rid)[1]
        tasks.comment_task(s, s.get(Person, w.specialist.id), task, text="Потрібна IP-адреса")
        marker = s.execute(select(UnreadMarker).where(UnreadMarker.record_kind == "service_request")).scalar_one()
        assert (marker.person_id, marker.record_id) == (w.analyst.id, rid)
