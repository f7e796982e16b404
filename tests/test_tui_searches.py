"""Saved searches from the keyboard (R14): run one, build one from conditions, save as, rename,
favourite, delete; favourites become tabs of the «Saved searches» dashboard."""

from __future__ import annotations

import pytest

from helpdesk_tui.desk import searches
from helpdesk_tui.screens.searches import SearchEditor, SearchesScreen
from tests.tui import drive, list_settled, wait_for, wait_notified, wait_text, workspace_ready
from tests.world import seed_desk


@pytest.fixture
def desk(db):
    db, w, made = seed_desk(db)
    with db.write() as s:
        searches.install_predefined(s)
    return db, w, made


def _shown(screen):
    return sorted(line.row["short_description"] for line in screen.current.window.lines if line.row)


def _pick(app, name):
    names = [s.name for s in app.screen.items]
    return ["home", *(["down"] * names.index(name))]


def test_running_a_shipped_search_opens_it_as_a_tab(desk):
    db, w, _made = desk

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchesScreen) and app.screen.items)
        await wait_text(pilot, "Waiting for the caller")
        await pilot.press(*_pick(app, "Waiting for the caller"), "enter")
        await list_settled(pilot)
        assert screen.dashboard == "searches"
        assert _shown(screen) == ["mine-waiting"]
        await wait_text(pilot, "Waiting for the caller")

    drive(db, scenario)


def test_new_search_from_conditions_with_a_live_count_then_favourite_rename_delete(desk):
    db, w, _made = desk

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchesScreen) and app.screen.items)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchEditor))
        editor = app.screen
        await pilot.press(*"Перша лінія, зареєстровані")
        # The first condition: status = registered (the field and operator are preset).
        value = editor.query(".value").first()
        value.focus()
        await pilot.press(*"registered")
        editor.action_add()
        await pilot.pause()
        rows = list(editor.query("ConditionRow"))
        rows[1].query_one(".field").value = "group"
        await pilot.pause()
        rows[1].query_one(".value").focus()
        await pilot.press(*"Перша")
        await wait_for(pilot, lambda: rows[1].query_one(".value")._suggestion.startswith("Перша лінія"))
        await pilot.press("right")
        await wait_text(pilot, "Found: 4")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchesScreen))
        await wait_notified(pilot, "Saved «Перша лінія, зареєстровані»")
        await wait_text(pilot, "Перша лінія, зареєстровані")
        await pilot.press(*_pick(app, "Перша лінія, зареєстровані"), "f")
        await wait_for(pilot, lambda: app.screen.items[0].name == "Перша лінія, зареєстровані"
                       and app.screen.items[0].favourite, what="the favourite first")
        await pilot.press("home", "r", "ctrl+u", *"Мої зареєстровані", "enter")
        await wait_for(pilot, lambda: app.screen.items[0].name == "Мої зареєстровані", what="the new name")
        await pilot.press("escape")
        await pilot.press("6")  # the saved-searches dashboard: favourites are its tabs
        await list_settled(pilot)
        await wait_text(pilot, "Мої зареєстровані")
        assert _shown(screen) == ["classified-unassigned", "colleagues", "mine-registered", "unclassified"]
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchesScreen) and app.screen.items)
        await pilot.press("home", "d")
        await wait_text(pilot, "Delete the search «Мої зареєстровані»?")
        await pilot.press("y")
        await wait_for(pilot, lambda: "Мої зареєстровані" not in [s.name for s in app.screen.items])

    drive(db, scenario)
    with db.read() as s:
        assert [x.name for x, _f in searches.visible_searches(s, w.analyst) if x.owner_id] == []


def test_shipped_searches_cannot_be_renamed_and_the_message_says_why(desk):
    db, w, _made = desk

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchesScreen) and app.screen.items)
        await pilot.press("home", "r", *" 2", "enter")
        await wait_notified(pilot, "is not your search")

    drive(db, scenario)


def test_save_as_from_the_filter_line(desk):
    db, w, _made = desk

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("2", "slash", *"owner:me", "enter")
        await list_settled(pilot)
        await pilot.press("a")
        await wait_text(pilot, "Name of the search")
        await pilot.press(*"Мої відкриті", "enter")
        await wait_notified(pilot, "Saved «Мої відкриті»")

    drive(db, scenario)
    with db.read() as s:
        mine = [x for x, _f in searches.visible_searches(s, w.analyst) if x.owner_id]
        assert [(x.name, searches.describe(x)) for x in mine] == [("Мої відкриті", "owner:me")]
    with db.read() as s:
        assert not [x for x, _f in searches.visible_searches(s, w.colleague) if x.owner_id]  # personal


def test_a_search_is_listed_in_words_and_its_statuses_are_edited_by_name(desk):
    from helpdesk_tui.i18n import current_language, set_language

    db, w, _made = desk
    before = current_language()
    set_language("uk")

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchesScreen) and app.screen.items)
        await wait_text(pilot, "Очікують на користувача  [Інциденти, попередньо визначений]  Статус: Потрібна інформація")
        await pilot.press(*_pick(app, "Очікують на користувача"), "e")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchEditor) and app.screen.query("ConditionRow .value"))
        value = app.screen.query_one("ConditionRow .value")
        await wait_for(pilot, lambda: value.value == "Потрібна інформація", what="the status by its name")
        app.screen.query_one("#name").value = "Чекаю відповіді"
        value.value = "Потрібна інформація,Передано третій стороні"
        app.screen.query_one("ConditionRow .op").value = "in"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchesScreen))
        await wait_text(pilot, "Статус: Потрібна інформація або Передано третій стороні")

    try:
        drive(db, scenario, size=(140, 40))
    finally:
        set_language(before)
    with db.read() as s:
        mine = [x for x, _f in searches.visible_searches(s, w.analyst) if x.owner_id]
    assert [x.conditions for x in mine] == [[{"field": "status", "op": "in", "value": ["info_needed", "third_party"]}]]


def test_a_search_without_a_name_is_told_in_the_editor_and_the_message_follows_the_field(desk):
    """Ctrl+S with no name says so under the fields (not in a passing notice) and goes to the
    name; the message goes once a name is typed, and the search saves."""
    db, _w, _made = desk

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchesScreen) and app.screen.items)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchEditor))
        editor = app.screen
        await pilot.press("tab", "ctrl+s")
        await wait_text(pilot, "A saved search needs a name")
        assert str(editor.query_one("#error").render()) == "A saved search needs a name"
        assert not app._notifications, "said in the editor, not in a notice that passes"
        assert app.focused.id == "name"
        await pilot.press(*"Мої")
        await wait_for(pilot, lambda: str(editor.query_one("#error").render()) == "")
        await pilot.press("ctrl+s")
        await wait_notified(pilot, "Saved «Мої»")

    drive(db, scenario)
