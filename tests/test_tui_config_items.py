"""Configuration items from the keyboard (R25, issue 19): `I` lists them, `n` adds one in the
editor, the item shows its incidents and its problems, `E` edits it, `X` retires it; a name
another item has is said under the name; `I` on an incident's record says what it is about, and
so does classifying it (`c`)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk_tui.desk import config_items, incidents, problems
from helpdesk_tui.screens.config_items import ConfigItemEditor, ConfigItemScreen, ConfigItemsScreen
from helpdesk_tui.screens.incident_dialogs import ClassifyDialog
from helpdesk_tui.screens.record import RecordScreen
from helpdesk_tui.screens.record_edits import ConfigItemDialog
from helpdesk_tui.store.models import ConfigurationItem, FieldChange, Incident, JournalEntry
from helpdesk_tui.screens.problems import ProblemScreen
from tests.tui import drive, screen_text, wait_for, wait_text, workspace_ready
from tests.world import seed


@pytest.fixture
def desk(db):
    return db, seed(db)


def _rows(screen):
    return [row["name"] for row in screen.rows or []]


async def _items_screen(app, pilot):
    await workspace_ready(pilot)
    await pilot.press("I")
    await wait_for(pilot, lambda: isinstance(app.screen, ConfigItemsScreen) and app.screen.rows is not None)
    return app.screen


def test_an_item_is_added_shown_with_its_records_edited_and_retired(desk):
    db, w = desk
    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line, owner=w.analyst,
                                          short_description="Принтер жує папір", impact=2, urgency=2)

    async def scenario(app, pilot):
        items = await _items_screen(app, pilot)
        assert _rows(items) == ["Сервер ЕТС-01"]
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfigItemEditor))
        editor = app.screen
        await wait_for(pilot, lambda: len(editor.query_one("#group")._options) > 1, what="the work groups")
        await pilot.press(*"Принтер HP 402")
        editor.query_one("#kind").value = "printer"
        editor.query_one("#group").value = w.first_line.id
        editor.query_one("#location").focus()
        await pilot.press(*"Київ, каб. 301", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfigItemScreen) and app.screen.data is not None)
        await wait_text(pilot, "Принтер HP 402")
        text = screen_text(app)
        assert "Printer" in text and "Київ, каб. 301" in text and "Incidents (0)" in text
        item_id = app.screen.item_id
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is items and "Принтер HP 402" in _rows(items))
        await pilot.press("f")  # servers: none (the seeded server is of the kind «Other»)
        await wait_for(pilot, lambda: _rows(items) == [] and "Server" in screen_text(app))
        await pilot.press("f", "f")  # workstations, then printers
        await wait_for(pilot, lambda: _rows(items) == ["Принтер HP 402"])
        items.kind = 0
        await pilot.press("slash", *"каб. 301")
        await wait_for(pilot, lambda: _rows(items) == ["Принтер HP 402"])

        # An incident and a problem about it, made elsewhere meanwhile.
        with db.write() as s:
            item = s.get(ConfigurationItem, item_id)
            incidents.update_incident(s, w.analyst, s.get(Incident, inc.id), configuration_item=item)
            problems.register_problem(s, w.analyst, short_description="Принтери HP жують папір",
                                      configuration_item=item)
        await pilot.press("enter", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfigItemScreen) and app.screen.data is not None)
        screen = app.screen
        await wait_text(pilot, "Принтери HP жують папір")
        text = screen_text(app)
        assert inc.number in text and "Принтер жує папір" in text and "Registered" in text
        assert "Incidents (1)" in text and "Problems (1)" in text
        await pilot.press("E")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfigItemEditor))
        await wait_for(pilot, lambda: app.screen.query_one("#group").value == w.first_line.id, what="the group")
        app.screen.query_one("#location").focus()
        await pilot.press("end", *", стіл 2", "ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen and screen.data["version"] == 2)
        await wait_text(pilot, "Київ, каб. 301, стіл 2")
        await pilot.press("X")
        await wait_for(pilot, lambda: screen.data["active"] is False)
        await wait_text(pilot, "Retired")
        await pilot.press("tab", "enter")  # the problem opens on its own screen
        await wait_for(pilot, lambda: isinstance(app.screen, ProblemScreen) and app.screen.data is not None)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)
        screen.query_one("#ci-incidents").focus()
        await pilot.press("enter")  # the incident's record
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
        await wait_text(pilot, "Принтер HP 402")  # «Конфігураційний елемент» on the record
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: app.screen is items)
        await wait_for(pilot, lambda: "Принтер HP 402" not in _rows(items), what="retired ones hidden")
        await pilot.press("a")
        await wait_for(pilot, lambda: "Принтер HP 402" in _rows(items), what="retired ones on request")

    drive(db, scenario)
    with db.read() as s:
        item = s.execute(select(ConfigurationItem).where(ConfigurationItem.name == "Принтер HP 402")).scalar_one()
        assert (item.kind, item.group_id, item.location, item.active, item.version) == (
            "printer", w.first_line.id, "Київ, каб. 301, стіл 2", False, 3)


def test_a_name_another_item_has_is_said_under_the_name_and_nothing_is_lost(desk):
    db, w = desk

    async def scenario(app, pilot):
        await _items_screen(app, pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfigItemEditor))
        editor = app.screen
        await pilot.press("ctrl+s")
        await wait_text(pilot, "A configuration item needs a name")
        await pilot.press(*"сервер етс-01")
        editor.query_one("#description").text = "Другий такий самий"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "already exists" in str(editor.query_one("#name-error").render()))
        assert app.screen is editor and editor.query_one("#name-error").display
        assert str(editor.query_one("#error").render()).strip() == ""  # said in one place only
        assert editor.query_one("#name").value == "сервер етс-01"
        assert editor.query_one("#description").text == "Другий такий самий"

    drive(db, scenario)
    with db.read() as s:
        assert len(s.execute(select(ConfigurationItem)).all()) == 1


def test_a_conflicting_edit_says_so_and_keeps_what_was_typed(desk):
    db, w = desk

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        app.push_screen(ConfigItemScreen(app.workspace, w.item.id))
        await wait_for(pilot, lambda: isinstance(app.screen, ConfigItemScreen) and app.screen.data is not None)
        screen = app.screen
        await pilot.press("E")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfigItemEditor))
        editor = app.screen
        with db.write() as s:  # another analyst saves first
            config_items.update_item(s, w.colleague, w.item.id, location="Серверна 1")
        editor.query_one("#location").focus()
        await pilot.press(*"Серверна 2", "ctrl+s")
        await wait_text(pilot, "Ctrl+S applies it")
        assert app.screen is editor and editor.query_one("#location").value == "Серверна 2"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen)

    drive(db, scenario)
    with db.read() as s:
        assert s.get(ConfigurationItem, w.item.id).location == "Серверна 2"


def test_the_item_an_incident_is_about_is_set_and_cleared_from_its_record(desk):
    db, w = desk
    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line, owner=w.analyst,
                                          short_description="ЕТС не відкривається", impact=2, urgency=2)
        config_items.create_item(s, w.analyst, name="Ноутбук бухгалтера", kind="workstation")

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("g", *inc.number, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
        record = app.screen
        await pilot.press("I")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfigItemDialog))
        dialog = app.screen
        await wait_for(pilot, lambda: len(dialog.query_one("#configuration_item")._options) > 2, what="the items")
        dialog.query_one("#configuration_item").value = w.item.id
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is record and record.data["configuration_item_id"] == w.item.id)
        await wait_text(pilot, "Сервер ЕТС-01")
        await pilot.press("I")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfigItemDialog))
        dialog = app.screen
        await wait_for(pilot, lambda: dialog.query_one("#configuration_item").value == w.item.id, what="the current")
        dialog.query_one("#configuration_item").clear()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is record and record.data["configuration_item_id"] is None)

    drive(db, scenario)
    with db.read() as s:
        changes = s.execute(select(FieldChange.field, FieldChange.old_value, FieldChange.new_value)
                            .join(JournalEntry, JournalEntry.id == FieldChange.entry_id)
                            .where(JournalEntry.record_kind == "incident", JournalEntry.record_id == inc.id,
                                   FieldChange.field == "configuration_item")
                            .order_by(FieldChange.id)).all()
    assert [(old, new) for _f, old, new in changes] == [(None, "Сервер ЕТС-01"), ("Сервер ЕТС-01", None)]


def test_classifying_from_the_record_names_the_item_its_service_s_first(desk):
    db, w = desk
    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line, owner=w.analyst,
                                          short_description="ЕТС не відкривається", impact=2, urgency=2)
        config_items.create_item(s, w.analyst, name="Антивірус", kind="software")  # no service: after ЕТС's

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("g", *inc.number, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
        record = app.screen
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ClassifyDialog))
        dialog = app.screen
        await wait_for(pilot, lambda: dialog.items_shown, what="the items")
        dialog.query_one("#service").value = w.service.id
        await wait_for(pilot, lambda: len(dialog.query_one("#category")._options) > 1, what="the categories")
        dialog.query_one("#category").value = w.category.id
        dialog.query_one("#owner").value = w.analyst.id
        items = dialog.query_one("#configuration_item")
        await wait_for(pilot, lambda: [str(label) for label, _v in items._options[1:]] == ["Сервер ЕТС-01", "Антивірус"],
                       what="the service's items first")
        items.value = w.item.id
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is record and record.data["status"] == "in_progress")
        await wait_text(pilot, "Сервер ЕТС-01")

    drive(db, scenario)
    with db.read() as s:
        assert s.get(Incident, inc.id).configuration_item_id == w.item.id
