"""The everyday corrections from the record view, without the command line: the words, the
work group and owner, a vendor's task while the status stays, the configuration item when
resolving (R25), and a comment on a task (R29)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk_tui.screens.dialogs import ChoiceDialog
from helpdesk_tui.screens.incident_dialogs import StatusDialog
from helpdesk_tui.screens.record import RecordScreen
from helpdesk_tui.screens.record_edits import AssignDialog, EditWordsDialog, TaskCommentDialog, VendorTaskDialog
from helpdesk_tui.store.models import Incident, JournalEntry, UnreadMarker
from tests.tui import drive, open_mine, wait_for, wait_text, workspace_ready
from tests.world import seed_desk


@pytest.fixture
def desk(db):
    return seed_desk(db)


def _incident(db, incident):
    with db.read() as s:
        return s.get(Incident, incident.id)


def test_an_emptied_short_description_or_a_bare_vendor_task_is_said_and_kept(desk):
    db, w, made = desk
    mine = made["mine-registered"]

    async def scenario(app, pilot):
        record = await open_mine(app, pilot)
        await pilot.press("E")
        await wait_for(pilot, lambda: isinstance(app.screen, EditWordsDialog))
        await pilot.press("ctrl+u", "ctrl+s")
        await wait_text(pilot, "is required")
        assert isinstance(app.screen, EditWordsDialog)  # the dialog stays, nothing saved
        await pilot.press(*"Нові слова", "ctrl+s")
        await wait_for(pilot, lambda: app.screen is record and record.data["short_description"] == "Нові слова")
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, VendorTaskDialog))
        await pilot.press("ctrl+s")
        await wait_text(pilot, "needs a vendor and a short description")
        assert isinstance(app.screen, VendorTaskDialog)

    drive(db, scenario)
    assert _incident(db, mine).short_description == "Нові слова"


def test_words_group_owner_and_a_vendor_task_are_changed_from_the_record(desk):
    db, w, made = desk
    mine = made["mine-registered"]

    async def scenario(app, pilot):
        record = await open_mine(app, pilot)
        await pilot.press("E")
        await wait_for(pilot, lambda: isinstance(app.screen, EditWordsDialog))
        await pilot.press(*" у 204", "ctrl+s")  # the cursor waits at the end of the old words
        await wait_for(pilot, lambda: app.screen is record and record.data["short_description"].endswith(" у 204"))
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, AssignDialog))
        dialog = app.screen
        await wait_for(pilot, lambda: dialog.query_one("#owner").value == w.analyst.id, what="the current owner")
        dialog.query_one("#group").value = w.second_line.id
        await wait_for(pilot, lambda: dialog.query_one("#owner").value == AssignDialog.NOBODY, what="the new group's")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is record and record.data["group"] == w.second_line.name)
        assert record.data["owner"] is None
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, VendorTaskDialog))
        dialog = app.screen
        await wait_for(pilot, lambda: len(dialog.query_one("#vendor")._options) > 1, what="the vendors")
        dialog.query_one("#vendor").value = w.vendor.id
        dialog.query_one("#short").focus()
        await pilot.press(*"Логи сервера", "ctrl+s")
        await wait_for(pilot, lambda: app.screen is record and len(record.data["external_tasks"]) == 1)
        assert record.data["status"] == "registered"  # the status stays where it was

    drive(db, scenario)
    incident = _incident(db, mine)
    assert incident.short_description.endswith(" у 204") and incident.owner_id is None
    assert incident.group_id == w.second_line.id and incident.version == mine.version + 2


def test_resolving_names_the_configuration_item(desk):
    db, w, made = desk
    mine = made["mine-waiting"]  # no open tasks

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("g", *mine.number, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
        record = app.screen
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        values = [v for v, _label in app.screen.choices]
        await pilot.press("home", *(["down"] * values.index("resolved")), "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, StatusDialog))
        dialog = app.screen
        await pilot.press(*"Перезапущено сервер")
        dialog.query_one("#reason_code").value = "permanent_fix"
        await wait_for(pilot, lambda: len(dialog.query_one("#configuration_item")._options) > 1, what="the items")
        dialog.query_one("#configuration_item").value = w.item.id
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is record and record.data["status"] == "resolved")
        await wait_text(pilot, "Сервер ЕТС-01")

    drive(db, scenario)
    assert _incident(db, mine).configuration_item_id == w.item.id


def test_a_comment_on_a_task_reaches_its_owner_and_the_incident_s(desk):
    db, w, made = desk
    from helpdesk_tui.desk import tasks
    from helpdesk_tui.store.models import Task

    with db.write() as s:
        task = s.execute(select(Task).where(Task.incident_id == made["mine-registered"].id,
                                            Task.group_id == w.second_line.id)).scalar_one()
        tasks.accept_task(s, w.specialist, task)
        task_number = task.number

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("g")
        await pilot.press(*task_number, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.kind == "task"
                       and app.screen.data is not None)
        record = app.screen
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, TaskCommentDialog))
        await pilot.press(*"Перевірте ще комутатор на 3 поверсі", "ctrl+s")
        await wait_for(pilot, lambda: app.screen is record)
        await wait_text(pilot, "Перевірте ще комутатор на 3 поверсі")

    drive(db, scenario, login="maria")  # a colleague comments: both owners are told
    with db.read() as s:
        unread = {(m.person_id, m.record_kind) for m in s.execute(select(UnreadMarker)).scalars()}
        entries = list(s.execute(select(JournalEntry).where(JournalEntry.body == "Перевірте ще комутатор на 3 поверсі"))
                       .scalars())
    assert (w.specialist.id, "task") in unread and (w.analyst.id, "incident") in unread
    assert {e.record_kind for e in entries} == {"task", "incident"}


def test_a_task_on_the_incident_s_tasks_tab_opens_with_enter(desk):
    db, w, made = desk

    async def scenario(app, pilot):
        record = await open_mine(app, pilot)
        await pilot.press("right_square_bracket")  # «Завдання»
        await wait_text(pilot, "TSK0000002")
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen is not record
                       and app.screen.data is not None)
        assert app.screen.kind == "task" and app.screen.data["number"] == "TSK0000002"
        await pilot.press("p")  # and back up to its incident
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.kind == "incident"
                       and app.screen is not record)

    drive(db, scenario)
