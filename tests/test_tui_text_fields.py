"""The text fields of the forms keep what is typed (issue 16): keys act in the order they were
typed however fast they come, a late search never rewrites the field, coming back to a field
puts the cursor at its end, and an emoji never pushes a border out of line."""

from __future__ import annotations

import time

from rich.cells import cell_len
from sqlalchemy import select

from helpdesk_tui.desk import admin
from helpdesk_tui.screens.incident_form import IncidentFormScreen
from helpdesk_tui.store.models import Incident, Person
from tests.tui import drive, new_incident_with_caller, screen_text, type_at_once, wait_for, wait_text, workspace_ready
from tests.world import seed

PHONE = "0932728824"


def _slow_search(monkeypatch, seconds):
    """The caller search answers after `seconds`, as on a busy database: later than the keys."""
    from helpdesk_tui.desk.workspace import Workspace

    real = Workspace.people

    def people(self, text, limit=8):
        time.sleep(seconds)
        return real(self, text, limit)

    monkeypatch.setattr(Workspace, "people", people)


def _options(picker):
    options = picker.query_one("OptionList")
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def test_the_caller_field_keeps_every_key_when_keys_come_faster_than_the_search_answers(db, monkeypatch):
    """«Ковал», a pause, ⌫×10 and the phone number at once: the field ends with the number and
    the suggestions are the number's, every time (it ended as «Ков09», «Ковал» or «0932»)."""
    w = seed(db)
    with db.write() as s:
        admin.create_person(s, s.get(Person, w.admin.id), login="p.kovalenko", full_name="Петро Коваленко",
                            phone="+380 93 272 88 24")
    _slow_search(monkeypatch, 0.3)

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentFormScreen))
        picker = app.screen.query_one("PersonPicker")
        field = picker.query_one("#caller-search")
        for _round in range(4):
            type_at_once(app, "Ковал")
            await pilot.pause(0.5)
            type_at_once(app, ["backspace"] * 10 + list(PHONE))
            await wait_for(pilot, lambda: field.value == PHONE and picker.answered == PHONE, what="the number's answer")
            await pilot.pause(0.8)  # every older search has answered by now, and been ignored
            assert field.value == PHONE
            assert _options(picker) == ["Петро Коваленко (p.kovalenko) · +380 93 272 88 24", f"+ New caller «{PHONE}»"]
            assert "Марія Коваль" not in screen_text(app)  # «Ковал»'s answer never shows over the number's
            type_at_once(app, ["ctrl+u"])  # the field emptied for the next round
            await wait_for(pilot, lambda: field.value == "" and not _options(picker))

    drive(db, scenario)


def test_enter_typed_before_the_answer_takes_a_match_of_what_is_typed(db, monkeypatch):
    """«Коваль» then Enter at once: Enter waits for the answer to «Коваль» instead of taking
    what an older text («Ков») had found first."""
    w = seed(db)
    with db.write() as s:
        admin.create_person(s, s.get(Person, w.admin.id), login="a.kovtun", full_name="Анна Ковтун")
    _slow_search(monkeypatch, 0.3)

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentFormScreen))
        picker = app.screen.query_one("PersonPicker")
        type_at_once(app, "Ков")
        await wait_for(pilot, lambda: picker.answered == "Ков")
        assert _options(picker)[0].startswith("Анна Ковтун")
        type_at_once(app, [*"аль", "enter"])
        await wait_for(pilot, lambda: picker.chosen is not None, what="the caller taken")
        assert picker.chosen.id == w.colleague.id  # Марія Коваль, not the first match of «Ков»
        await wait_for(pilot, lambda: app.focused.id == "short", what="the short description next")

    drive(db, scenario)


def test_coming_back_to_a_filled_field_puts_the_cursor_at_its_end_and_selects_nothing(db):
    """«Не друкує принтер», Ctrl+R, Esc, «X»: the description is «Не друкує принтерX» (it was
    «X», and nothing brought the text back). The same in the saved search's name."""
    from helpdesk_tui.screens.searches import SearchEditor

    w = seed(db)

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentFormScreen))
        form = app.screen
        await pilot.press(*"Шевч")
        await wait_text(pilot, "Олена Шевченко (olena)")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.focused.id == "short")
        await pilot.press(*"Не друкує принтер", "ctrl+r", "escape")
        await wait_for(pilot, lambda: app.focused.id == "short")
        await pilot.press("X")
        assert form.query_one("#short").value == "Не друкує принтерX"
        await pilot.press("tab", *"Опис", "shift+tab", "Y", "tab", "Z")  # the description is a field too
        assert form.query_one("#short").value == "Не друкує принтерXY"
        assert form.query_one("#description").text == "ОписZ"
        form.query_one("#group").value = w.first_line.id
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, IncidentFormScreen), what="the incident saved")

        await pilot.press("escape")
        await workspace_ready(pilot)
        await pilot.press("w")
        await wait_for(pilot, lambda: getattr(app.screen, "items", None) is not None)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, SearchEditor) and app.focused.id == "name")
        await pilot.press(*"Мої принтери", "tab", "shift+tab", "X")
        assert app.screen.query_one("#name").value == "Мої принтериX"

    drive(db, scenario)
    with db.read() as s:
        assert s.execute(select(Incident.short_description)).scalar_one() == "Не друкує принтерXY"


def test_an_emoji_in_a_field_keeps_every_line_as_wide_as_the_terminal(db):
    """🖨️ (a one-cell character made an emoji by VARIATION SELECTOR-16) with the cursor on it
    pushed the line one cell wider than the terminal, and the border after it out of line.
    The field shows it one cell wide; what was typed is kept as typed."""
    w = seed(db)
    typed = "\U0001f5a8\ufe0f Не друкує принтер ☎️ 204"

    async def scenario(app, pilot):
        await new_incident_with_caller(app, pilot)
        app.screen.query_one("#short").insert_text_at_cursor(typed)
        for key in ("home", "right", "right", "end", "left", "left", "left", "left", "left"):
            await pilot.press(key)
            for number, line in enumerate(screen_text(app).splitlines()):
                assert cell_len(line) == 100, f"after {key}, line {number} is {cell_len(line)} cells: {line!r}"
        app.screen.query_one("#group").value = w.first_line.id
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, IncidentFormScreen), what="the incident saved")

    drive(db, scenario, size=(100, 40))
    with db.read() as s:
        assert s.execute(select(Incident.short_description)).scalar_one() == typed


def test_ctrl_z_takes_back_the_last_edit_of_a_one_line_field_and_ctrl_y_puts_it_back(db):
    """A word typed over a selection, or the line cleared by mistake, comes back with Ctrl+Z;
    typing is taken back word by word, and Ctrl+Y redoes."""
    seed(db)

    async def scenario(app, pilot):
        form = await new_incident_with_caller(app, pilot)
        field = form.query_one("#short")
        await pilot.press(*"Не друкує принтер")
        await pilot.press("shift+home", *"Сканер")  # typed over the whole line
        assert field.value == "Сканер"
        await pilot.press("ctrl+z")
        assert field.value == "Не друкує принтер"
        await pilot.press("ctrl+z")
        assert field.value == "Не друкує "
        await pilot.press("ctrl+y", "ctrl+y")
        assert field.value == "Сканер"
        await pilot.press("ctrl+z", *" у 214")  # the cursor is where the text came back
        assert field.value == "Не друкує принтер у 214"
        await pilot.press(*["ctrl+z"] * 6)  # « 214», «у », « », «принтер», «друкує », «Не »
        assert field.value == ""
        await pilot.press("ctrl+z")  # nothing more to take back: the field stays empty
        assert field.value == ""

    drive(db, scenario)
