"""Configuration items the analysts keep (R25, issue 19): a kind, the work group that looks after
them, a location; names unique whatever their letter case; each item's incidents and problems."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from helpdesk_tui.cli import main
from helpdesk_tui.desk import admin, config_items, incidents, problems
from helpdesk_tui.domain.errors import PermissionDenied, RuleViolation, StaleVersion
from helpdesk_tui.store.models import FieldChange, JournalEntry, Person
from tests.world import seed


@pytest.fixture
def desk(db):
    return db, seed(db)


def test_an_analyst_adds_and_edits_items_journaled_and_names_stay_unique(desk):
    db, w = desk
    with db.write() as s:
        printer = config_items.create_item(s, w.analyst, name="  Принтер  HP 402 ", kind="printer", group=w.first_line,
                                           location="Київ, каб. 301", service=w.service)
        assert (printer.name, printer.kind, printer.group_id, printer.version) == (
            "Принтер HP 402", "printer", w.first_line.id, 1)
        with pytest.raises(RuleViolation, match="«Сервер ЕТС-01» already exists"):
            config_items.create_item(s, w.analyst, name="сервер етс-01")
        with pytest.raises(RuleViolation, match="kind is one of"):
            config_items.create_item(s, w.analyst, name="Щось", kind="toaster")
        with pytest.raises(RuleViolation, match="needs a name"):
            config_items.create_item(s, w.analyst, name="  ")
        with pytest.raises(PermissionDenied):
            config_items.create_item(s, s.get(Person, w.caller.id), name="Від користувача")
        config_items.update_item(s, w.colleague, printer, expected_version=1, location="Київ, каб. 305",
                                 kind="Printer")
        with pytest.raises(StaleVersion):
            config_items.update_item(s, w.analyst, printer, expected_version=1, description="x")
        with pytest.raises(RuleViolation, match="already exists"):
            config_items.update_item(s, w.analyst, printer, name="СЕРВЕР ЕТС-01")
        config_items.update_item(s, w.analyst, printer, name="принтер hp 402")  # its own name, another case
        config_items.update_item(s, w.analyst, printer, active=False)
        assert [i.name for i in config_items.list_items(s)] == ["Сервер ЕТС-01"]
        assert [i.name for i in config_items.list_items(s, include_retired=True, kind=None)] == [
            "принтер hp 402", "Сервер ЕТС-01"]
        item_id = printer.id
    with db.read() as s:
        changes = s.execute(select(FieldChange.field, FieldChange.old_value, FieldChange.new_value)
                            .join(JournalEntry, JournalEntry.id == FieldChange.entry_id)
                            .where(JournalEntry.record_kind == "configuration_item", JournalEntry.record_id == item_id)
                            .order_by(FieldChange.id)).all()
        assert ("location", "Київ, каб. 301", "Київ, каб. 305") in changes and ("active", "true", "false") in changes


def test_an_item_lists_its_incidents_and_problems_and_admins_still_add_them(desk):
    db, w = desk
    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line, owner=w.analyst,
                                          short_description="Сервер не відповідає", impact=2, urgency=2)
        incidents.resolve_incident(s, w.analyst, inc, solution="Перезавантажено", reason_code="workaround",
                                   resolve_with_open_tasks=False, configuration_item=w.item)
        problem = problems.register_problem(s, w.analyst, short_description="Сервер зависає", incident=inc)
        assert problem.configuration_item_id == w.item.id  # taken from the incident
        assert [i.number for i in config_items.item_incidents(s, w.item)] == [inc.number]
        assert [p.number for p in config_items.item_problems(s, w.item)] == [problem.number]
        made = admin.create_configuration_item(s, w.admin, name="Комутатор", description="ядро")
        assert made.kind == "other"
        with pytest.raises(PermissionDenied):
            admin.create_configuration_item(s, w.analyst, name="Без адміністратора")


def test_items_from_the_shell(desk, capsys):
    db, w = desk

    def run(*args, who="ivan"):
        code = main(["--db", db.url, "--lang", "en", "--as", who, *args])
        out, err = capsys.readouterr()
        assert code == 0, err
        return out

    run("ci", "new", "Ноутбук бухгалтера", "--kind", "workstation", "--group", "Друга лінія підтримки",
        "--location", "Львів")
    run("ci", "edit", "Ноутбук бухгалтера", "--location", "Львів, каб. 2", "--version", "1")
    run("problem", "new", "-s", "Ноутбук гріється", "--ci", "Ноутбук бухгалтера")
    shown = json.loads(run("ci", "show", "Ноутбук бухгалтера", "--json"))
    assert (shown["kind"], shown["location"], shown["group"], shown["version"]) == (
        "workstation", "Львів, каб. 2", "Друга лінія підтримки", 2)
    assert [p["number"] for p in shown["problems"]] == ["PRB0000001"] and shown["incidents"] == []
    listed = json.loads(run("ci", "list", "--kind", "workstation", "--json"))
    assert [i["name"] for i in listed] == ["Ноутбук бухгалтера"]
    code = main(["--db", db.url, "--lang", "en", "--as", "ivan", "ci", "new", "НОУТБУК БУХГАЛТЕРА"])
    assert code != 0 and "already exists" in capsys.readouterr().err
    code = main(["--db", db.url, "--as", "olena", "ci", "list"])
    assert code != 0  # a caller keeps no inventory


def test_classifying_names_the_item_keeps_it_or_clears_it_in_one_journal_entry(desk):
    """R25 while classifying (the TUI's «Класифікувати»): the item goes into the same journal
    entry as the status move; without one named the item stays; cleared, it is gone."""
    db, w = desk
    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line, owner=w.analyst,
                                          short_description="ЕТС не відкривається")
        incidents.classify_incident(s, w.analyst, inc, service=w.service, category=w.category, impact=2, urgency=2,
                                    owner=w.analyst, configuration_item=w.item)
        assert (inc.status, inc.configuration_item_id) == ("in_progress", w.item.id)
        incidents.classify_incident(s, w.analyst, inc, service=w.service, category=w.category, impact=3, urgency=2,
                                    owner=w.analyst)
        assert inc.configuration_item_id == w.item.id  # not named: kept
        incidents.change_status(s, w.analyst, inc, "info_needed", question="Який кабінет?")
        incidents.classify_incident(s, w.analyst, inc, service=w.service, category=w.category, impact=3, urgency=2,
                                    owner=w.analyst, clear_configuration_item=True)
        assert (inc.status, inc.configuration_item_id) == ("in_progress", None)
        with pytest.raises(RuleViolation, match="not both"):
            incidents.classify_incident(s, w.analyst, inc, service=w.service, category=w.category, impact=3,
                                        urgency=2, owner=w.analyst, configuration_item=w.item,
                                        clear_configuration_item=True)
        inc_id = inc.id
    with db.read() as s:
        entries = s.execute(select(JournalEntry.kind, FieldChange.old_value, FieldChange.new_value)
                            .join(JournalEntry, JournalEntry.id == FieldChange.entry_id)
                            .where(JournalEntry.record_kind == "incident", JournalEntry.record_id == inc_id,
                                   FieldChange.field == "configuration_item")
                            .order_by(FieldChange.id)).all()
    assert entries[0] == ("status", None, "Сервер ЕТС-01")  # with the move to «Виконується робота»
    assert [(old, new) for _k, old, new in entries] == [(None, "Сервер ЕТС-01"), ("Сервер ЕТС-01", None)]
