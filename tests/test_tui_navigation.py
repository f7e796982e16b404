"""Getting around the desk from the keyboard: any record by its number from anywhere (g), and
the keys that work where the analyst is (? or F1), in their language."""

from __future__ import annotations

from helpdesk_tui.i18n import set_language
from helpdesk_tui.screens.go_to import GoToDialog
from helpdesk_tui.screens.help import HelpScreen
from helpdesk_tui.screens.record import RecordScreen
from tests.tui import drive, screen_text, wait_for, wait_text, workspace_ready
from tests.world import seed_desk


def test_g_opens_any_record_by_its_number_from_anywhere(db):
    db, w, made = seed_desk(db)
    closed = made["mine-closed"]  # closed records open too, read-only

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, GoToDialog))
        await pilot.press(*str(int(closed.number[3:])), "enter")  # bare digits: an incident
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen))
        await wait_text(pilot, closed.number)
        # From the record: another number, with its prefix, a task's.
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, GoToDialog))
        await pilot.press(*"tsk1", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.kind == "task")
        await wait_text(pilot, "TSK0000001")
        # A number that names nothing is said in the dialog, which stays for another try.
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, GoToDialog))
        await pilot.press(*"INC9999", "enter")
        await wait_text(pilot, "INC0009999 not found")
        assert isinstance(app.screen, GoToDialog)
        await pilot.press("escape")
        assert app.screen.kind == "task"

    drive(db, scenario)


def test_help_lists_the_keys_of_the_screen_in_the_analyst_s_language(db):
    db, w, made = seed_desk(db)
    set_language("uk")

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = screen_text(app)
        for words in ("Клавіші", "На цьому екрані", "Всюди", "Новий інцидент", "Сортувати", "Перейти до запису"):
            assert words in text, words
        assert "Наступне поле" in text  # Textual's own «Focus Next», in Ukrainian
        assert "Sort" not in text and "Go to record" not in text and "Focus" not in text
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen))
        await pilot.press("enter")  # a record: its own keys
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen))
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "Змінити статус" in screen_text(app)

    drive(db, scenario)


def test_dashboard_6_without_favourites_says_how_to_add_one(db):
    db, w, made = seed_desk(db)

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("6")
        await wait_text(pilot, "No favourite searches yet.")
        assert "press f to make it a favourite" in " ".join(screen_text(app).split())

    drive(db, scenario)
