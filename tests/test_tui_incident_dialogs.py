"""Changing an open incident from its record view: status dialogs that ask only what the status
needs (R22, R25, R26), notes (R23), and a stale save that keeps the analyst's text (R43)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk_tui.desk import incidents
from helpdesk_tui.screens.dialogs import ChoiceDialog, ConfirmDialog
from helpdesk_tui.screens.incident_dialogs import NoteDialog, StatusDialog
from helpdesk_tui.screens.record import RecordScreen
from helpdesk_tui.store.models import Incident, JournalEntry, Task
from tests.tui import drive, list_settled, open_mine, screen_text, wait_for, wait_text, workspace_ready
from tests.world import seed_desk


@pytest.fixture
def desk(db):
    return seed_desk(db)


async def _choose_status(app, pilot, value):
    await pilot.press("t")
    await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
    values = [v for v, _label in app.screen.choices]
    await pilot.press("home", *(["down"] * values.index(value)), "enter")
    await wait_for(pilot, lambda: isinstance(app.screen, StatusDialog))


def _status(db, incident):
    with db.read() as s:
        return s.get(Incident, incident.id).status


def test_question_to_the_caller_then_the_answer_then_resolve_and_close(desk):
    db, w, made = desk
    mine = made["mine-registered"]

    async def scenario(app, pilot):
        record = await open_mine(app, pilot)
        await _choose_status(app, pilot, "info_needed")
        await pilot.press("ctrl+s")
        await wait_text(pilot, "needs: Question to the caller")  # nothing was typed: it says what
        await pilot.press(*"Який номер кабінету?", "ctrl+s")
        await wait_for(pilot, lambda: app.screen is record and record.data["status"] == "info_needed")
        await wait_text(pilot, "Який номер кабінету?")
        await _choose_status(app, pilot, "info_provided")
        await pilot.press(*"Кабінет 204", "ctrl+s")
        await wait_for(pilot, lambda: record.data["status"] == "info_provided")
        await _choose_status(app, pilot, "resolved")
        await pilot.press(*"Замінено картридж", "tab")
        dialog = app.screen
        dialog.query_one("#reason_code").value = "permanent_fix"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))  # its two tasks are open
        await pilot.press("y")
        await wait_for(pilot, lambda: record.data["status"] == "resolved")
        await _choose_status(app, pilot, "closed")
        await wait_text(pilot, "Press Ctrl+S to confirm.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: record.data["status"] == "closed")
        # R26: closed is read-only — the keys are gone from the bar and do nothing.
        assert "Change status" not in screen_text(app)
        await pilot.press("t", "a")
        assert app.screen is record

    drive(db, scenario)
    assert _status(db, mine) == "closed"
    with db.read() as s:
        incident = s.get(Incident, mine.id)
        assert (incident.solution, incident.reason_code) == ("Замінено картридж", "permanent_fix")


def test_resolving_with_open_tasks_asks_first_no_keeps_the_text_yes_resolves(desk):
    db, w, made = desk
    mine = made["mine-registered"]  # with two open tasks, for the second line and the first

    async def scenario(app, pilot):
        record = await open_mine(app, pilot)
        await _choose_status(app, pilot, "resolved")
        await pilot.press(*"Замінено картридж")
        dialog = app.screen
        dialog.query_one("#reason_code").value = "advice"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        question = app.screen.question
        assert "still has open tasks: TSK0000001, TSK0000002" in question and "Resolve it with them open?" in question
        await wait_text(pilot, "Resolve it with them")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is dialog and "still has open tasks" in
                       str(dialog.query_one("#error").render()))
        assert dialog.query_one("#solution").text == "Замінено картридж"
        assert _status(db, mine) == "registered"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is record and record.data["status"] == "resolved")

    drive(db, scenario)
    assert _status(db, mine) == "resolved"
    with db.read() as s:
        left = s.execute(select(Task.status).where(Task.incident_id == mine.id)).scalars().all()
    assert left == ["open", "open"]  # said yes: they stay open until the incident is closed


def test_a_note_published_to_self_service(desk):
    db, w, made = desk

    async def scenario(app, pilot):
        record = await open_mine(app, pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteDialog))
        await pilot.press("ctrl+s")
        await wait_text(pilot, "A note needs a summary or a text")
        assert app.focused.id == "text"  # the message points at the field
        await pilot.press(*"Передзвонив, чекаємо на логи", "shift+tab", *"Дзвінок", "tab", "tab", "space", "ctrl+s")
        await wait_for(pilot, lambda: app.screen is record)
        await wait_text(pilot, "Передзвонив, чекаємо на логи")
        assert "published in self-service" in screen_text(app)

    drive(db, scenario)
    with db.read() as s:
        note = s.execute(select(JournalEntry).where(JournalEntry.kind == "note")).scalar_one()
        assert (note.summary, note.body, note.published) == ("Дзвінок", "Передзвонив, чекаємо на логи", True)


def test_a_stale_save_says_what_changed_and_keeps_the_text(desk):
    db, w, made = desk
    mine = made["mine-registered"]

    async def scenario(app, pilot):
        record = await open_mine(app, pilot)
        await _choose_status(app, pilot, "info_needed")
        await pilot.press(*"Чи перезавантажували ПК?")
        with db.write() as s:  # meanwhile a colleague edits the incident
            incidents.update_incident(s, w.colleague, s.get(Incident, mine.id), short_description="Не друкує принтер")
        await pilot.press("ctrl+s")
        dialog = app.screen
        await wait_for(pilot, lambda: "was changed by someone else" in str(dialog.query_one("#error").render()))
        said = str(dialog.query_one("#error").render())
        assert "Не друкує принтер" in said and "Your text is kept" in said
        assert dialog.query_one("#question").text == "Чи перезавантажували ПК?"
        await pilot.press("ctrl+s")  # seen; apply it to the current version
        await wait_for(pilot, lambda: app.screen is record and record.data["status"] == "info_needed")

    drive(db, scenario)
    with db.read() as s:
        incident = s.get(Incident, mine.id)
        assert (incident.status, incident.short_description) == ("info_needed", "Не друкує принтер")


def test_classification_then_a_priority_override_with_its_justification(desk):
    from helpdesk_tui.screens.incident_dialogs import ClassifyDialog, PriorityDialog

    db, w, made = desk
    target = made["unclassified"]

    async def scenario(app, pilot):
        await workspace_ready(pilot)  # «Всі некласифіковані інциденти» is the first tab
        await list_settled(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
        record = app.screen
        await pilot.press("c")
        await wait_for(pilot, lambda: isinstance(app.screen, ClassifyDialog))
        dialog = app.screen
        await wait_for(pilot, lambda: len(dialog.query_one("#service")._options) > 1, what="the services")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "needs:" in str(dialog.query_one("#error").render()))
        dialog.query_one("#service").value = w.service.id
        await pilot.pause()
        dialog.query_one("#category").value = w.category.id
        dialog.query_one("#impact").value = 2
        dialog.query_one("#urgency").value = 1
        dialog.query_one("#owner").value = w.analyst.id
        await wait_for(pilot, lambda: "2 - High" in str(dialog.query_one("#priority").render()), what="the priority")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is record and record.data["status"] == "in_progress")
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, PriorityDialog))
        app.screen.query_one("#priority").value = 1
        app.screen.query_one("#justification").focus()
        await pilot.press(*"Зупинено митне оформлення", "ctrl+s")
        await wait_for(pilot, lambda: app.screen is record and record.data["priority"] == 1)
        await wait_text(pilot, "Зупинено митне оформлення")

    drive(db, scenario)
    with db.read() as s:
        incident = s.get(Incident, target.id)
        assert (incident.status, incident.service_id, incident.category_id, incident.owner_id) == (
            "in_progress", w.service.id, w.category.id, w.analyst.id)
        assert (incident.priority, incident.priority_overridden) == (1, True)


def test_a_task_for_another_group_then_accepted_and_completed_by_it(desk):
    from helpdesk_tui.screens.incident_dialogs import TaskDialog, TaskMoveDialog
    from helpdesk_tui.store.models import Task

    db, w, made = desk

    async def scenario(app, pilot):
        record = await open_mine(app, pilot)
        await pilot.press("k")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskDialog))
        dialog = app.screen
        await wait_for(pilot, lambda: len(dialog.query_one("#group")._options) > 1)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "needs a work group" in str(dialog.query_one("#error").render()))
        dialog.query_one("#group").value = w.second_line.id
        dialog.query_one("#short").focus()
        await pilot.press(*"Перевірити комутатор", "ctrl+s")
        await wait_for(pilot, lambda: app.screen is record)
        await wait_text(pilot, "Tasks (3)")  # the tab's count follows
        await pilot.press("right_square_bracket")  # «Завдання»
        await wait_text(pilot, "Перевірити комутатор")

    drive(db, scenario)
    with db.read() as s:
        task = s.execute(select(Task).where(Task.short_description == "Перевірити комутатор")).scalar_one()
        assert (task.group_id, task.status, task.incident_id) == (w.second_line.id, "open", made["mine-registered"].id)

    async def specialist(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("3")  # «Завдання»: the team's unassigned tasks
        rl = await list_settled(pilot)
        index = next(i for i, line in enumerate(rl.window.lines) if line.row["id"] == task.id)
        rl.window.cursor = index
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
        record = app.screen
        await pilot.press("A")
        await wait_for(pilot, lambda: record.data["status"] == "accepted")
        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskMoveDialog))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "add a comment" in str(app.screen.query_one("#error").render()))
        await pilot.press(*"Порт 12 замінено", "ctrl+s")
        await wait_for(pilot, lambda: app.screen is record and record.data["status"] == "completed")
        await pilot.press("p")  # «Відкрити в батьківському»
        await wait_text(pilot, made["mine-registered"].number + "  mine-registered")

    drive(db, specialist, login="taras")
    with db.read() as s:
        done = s.get(Task, task.id)
        assert (done.status, done.owner_id, done.completion_comment) == ("completed", w.specialist.id, "Порт 12 замінено")


def test_vendor_round_trip(desk):
    from helpdesk_tui.screens.incident_dialogs import VendorDialog
    from helpdesk_tui.store.models import ExternalTask

    db, w, made = desk
    mine = made["mine-registered"]

    async def scenario(app, pilot):
        record = await open_mine(app, pilot)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        values = [v for v, _label in app.screen.choices]
        await pilot.press("home", *(["down"] * values.index("third_party")), "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, VendorDialog))
        dialog = app.screen
        await wait_for(pilot, lambda: len(dialog.query_one("#vendor")._options) > 1)
        assert dialog.query_one("#short").value == "mine-registered"  # taken from the incident
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "needs a vendor" in str(dialog.query_one("#error").render()))
        dialog.query_one("#vendor").value = w.vendor.id
        dialog.query_one("#details").focus()
        await pilot.press(*"Помилка 0x80070005 після оновлення", "ctrl+s")
        await wait_for(pilot, lambda: app.screen is record and record.data["status"] == "third_party")
        await wait_text(pilot, "ТОВ «Софтсервіс»")
        await _choose_status(app, pilot, "from_third_party")
        await pilot.press(*"Встановіть оновлення 2.4.1", "ctrl+s")
        await wait_for(pilot, lambda: app.screen is record and record.data["status"] == "from_third_party")

    drive(db, scenario)
    with db.read() as s:
        task = s.execute(select(ExternalTask).where(ExternalTask.incident_id == mine.id)).scalar_one()
        assert (task.vendor_id, task.details, task.vendor_answer) == (
            w.vendor.id, "Помилка 0x80070005 після оновлення", "Встановіть оновлення 2.4.1")
        assert task.status != "open"


def test_the_journal_filter_shows_one_kind_of_entry_at_a_time(desk):
    from helpdesk_tui.desk import notes

    db, w, made = desk
    with db.write() as s:
        notes.add_note(s, w.colleague, s.get(Incident, made["mine-registered"].id), summary="", text="Гляньте логи")

    async def scenario(app, pilot):
        await open_mine(app, pilot)
        await wait_text(pilot, "Гляньте логи")
        assert "Incident registered" in screen_text(app)
        await pilot.press("f")  # notes
        await wait_text(pilot, "showing: notes")
        assert "Гляньте логи" in screen_text(app) and "Incident registered" not in screen_text(app)
        await pilot.press("f", "f")  # e-mails, then changes
        await wait_text(pilot, "showing: changes")
        assert "Incident registered" in screen_text(app) and "Гляньте логи" not in screen_text(app)
        await pilot.press("f", "f")  # notifications, then everything again
        await wait_text(pilot, "showing: everything")

    drive(db, scenario)
