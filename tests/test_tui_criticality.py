"""Criticality (R34), the reason of an urgent incident (R35) and its channel (R37) from the
keyboard: chosen on the new-incident form, changed on the record, shown by name, filtered on."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk_tui.desk import incidents
from helpdesk_tui.i18n import set_language
from helpdesk_tui.screens.record import RecordScreen
from helpdesk_tui.screens.record_edits import CriticalityDialog
from helpdesk_tui.store.models import FieldChange, Incident, JournalEntry
from tests.tui import (
    drive,
    list_settled,
    new_incident_with_caller,
    open_mine,
    screen_text,
    wait_for,
    wait_text,
    workspace_ready,
)
from tests.world import seed, seed_desk

REASON_MISSING = "Choose the reason for urgency: an urgent incident names one of the three reasons"
# In a Select's list: the blank line first, then the choices; Enter opens it on the current value.
URGENT = ("enter", "end", "enter")
MOST_USERS = ("enter", "down", "down", "enter")  # the second of the three reasons


def _shown(app, widget) -> str:
    return str(widget.render()) if widget.display else ""


def test_urgent_without_a_reason_is_refused_under_its_field_and_with_one_it_is_saved(db):
    w = seed(db)

    async def scenario(app, pilot):
        form = await new_incident_with_caller(app, pilot)
        await pilot.press(*"Не працює каса у всіх")
        await wait_for(pilot, lambda: len(form.query_one("#group")._options) > 1, what="the groups")
        form.query_one("#group").value = w.first_line.id
        assert not form.query_one("#urgent-reason-box").display  # asked only for an urgent incident
        form.query_one("#criticality").focus()
        await pilot.press(*URGENT)
        assert form.query_one("#urgent-reason-box").display
        await pilot.press("ctrl+s")
        under = form.query_one("#urgent_reason-error")
        await wait_for(pilot, lambda: _shown(app, under) == REASON_MISSING, what="the message under the reason")
        assert str(form.query_one("#error").render()) == ""  # said once, where the field is
        assert app.focused.id == "urgent_reason"
        assert under.region.y >= form.query_one("#urgent_reason").region.bottom  # under the field, in view
        assert "Choose the reason for urgency" in screen_text(app)
        await pilot.press(*MOST_USERS)
        await wait_for(pilot, lambda: not under.display, what="the message gone with a reason chosen")
        await pilot.press("tab", "enter", "down", "enter")  # the channel: from the phone to a messenger
        assert form.query_one("#channel").value == "messenger"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None,
                       what="the new incident")
        await wait_text(pilot, "Most users cannot work")
        text = screen_text(app)
        assert "Urgent" in text and "Messenger" in text
        assert "most_users_affected" not in text and "messenger" not in text  # names, never codes

    drive(db, scenario)
    with db.read() as s:
        incident = s.execute(select(Incident)).scalar_one()
    assert (incident.criticality, incident.urgent_reason, incident.channel) == ("urgent", "most_users_affected",
                                                                                "messenger")


def test_nothing_is_saved_while_the_reason_is_missing(db):
    seed(db)

    async def scenario(app, pilot):
        form = await new_incident_with_caller(app, pilot)
        await pilot.press(*"Керівництво не може увійти")
        await wait_for(pilot, lambda: len(form.query_one("#owner")._options) > 1, what="the owners")
        form.query_one("#owner").value = form.query_one("#owner")._options[1][1]
        form.query_one("#criticality").focus()
        await pilot.press(*URGENT, "ctrl+s")
        await wait_text(pilot, "Choose the reason for urgency")
        await pilot.press("ctrl+s")  # again: still refused, still on the form
        await pilot.pause(0.3)
        assert app.screen is form and "Choose the reason for urgency" in screen_text(app)

    drive(db, scenario)
    with db.read() as s:
        assert s.execute(select(Incident)).first() is None


def test_the_new_fields_take_keys_pressed_one_after_another_without_a_pause(db):
    """Criticality, reason, channel and Ctrl+S in one burst of keys: each lands where it was meant."""
    w = seed(db)

    async def scenario(app, pilot):
        form = await new_incident_with_caller(app, pilot)
        await pilot.press(*"Не друкується чек")
        await wait_for(pilot, lambda: len(form.query_one("#group")._options) > 1, what="the groups")
        form.query_one("#group").value = w.first_line.id
        form.query_one("#criticality").focus()
        await pilot.press(*URGENT, "tab", "enter", "down", "enter", "tab", "enter", "down", "down", "down",
                          "enter", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen), what="the new incident")

    drive(db, scenario)
    with db.read() as s:
        incident = s.execute(select(Incident)).scalar_one()
    assert (incident.criticality, incident.urgent_reason, incident.channel) == (
        "urgent", "operational_work_blocked", "portal")


def test_a_form_left_as_it_came_records_the_phone_and_no_criticality(db):
    seed(db)

    async def scenario(app, pilot):
        form = await new_incident_with_caller(app, pilot)
        await pilot.press(*"Питання щодо звіту")
        await wait_for(pilot, lambda: len(form.query_one("#owner")._options) > 1, what="the owners")
        form.query_one("#owner").value = form.query_one("#owner")._options[1][1]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen))

    drive(db, scenario)
    with db.read() as s:
        incident = s.execute(select(Incident)).scalar_one()
    assert (incident.criticality, incident.urgent_reason, incident.channel) == (None, None, "phone")


@pytest.fixture
def desk(db):
    return seed_desk(db)


def test_criticality_and_channel_are_changed_on_the_record(desk):
    db, w, made = desk
    mine = made["mine-registered"]

    async def scenario(app, pilot):
        record = await open_mine(app, pilot)
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, CriticalityDialog))
        dialog = app.screen
        assert dialog.query_one("#channel").value == "phone" and app.focused.id == "criticality"
        await pilot.press(*URGENT, "ctrl+s")
        await wait_for(pilot, lambda: _shown(app, dialog.query_one("#urgent_reason-error")) == REASON_MISSING)
        assert app.screen is dialog and app.focused.id == "urgent_reason"
        await pilot.press("enter", "down", "down", "down", "enter", "tab", "enter", "down", "down", "down", "down",
                          "enter", "ctrl+s")
        await wait_for(pilot, lambda: app.screen is record and record.data["criticality"] == "urgent",
                       what="the record with its new criticality")
        assert (record.data["urgent_reason"], record.data["channel"]) == ("management_affected", "email")
        await wait_text(pilot, "The company's management cannot work")
        # Urgent no more: the reason goes with it.
        await pilot.press("i")
        await wait_for(pilot, lambda: isinstance(app.screen, CriticalityDialog))
        assert app.screen.query_one("#urgent_reason").value == "management_affected"
        await pilot.press("enter", "up", "enter", "ctrl+s")
        await wait_for(pilot, lambda: app.screen is record and record.data["criticality"] == "high")
        assert record.data["urgent_reason"] is None

    drive(db, scenario)
    with db.read() as s:
        incident = s.get(Incident, mine.id)
        changed = set(s.execute(select(FieldChange.field).join(JournalEntry, JournalEntry.id == FieldChange.entry_id)
                                .where(JournalEntry.record_kind == "incident", JournalEntry.record_id == mine.id)
                                .where(JournalEntry.record_version > mine.version)).scalars())
    assert (incident.criticality, incident.urgent_reason, incident.channel) == ("high", None, "email")
    assert incident.version == mine.version + 2
    assert changed == {"criticality", "urgent_reason", "channel"}  # R42: each in the history


def test_a_closed_incident_offers_no_change_of_criticality(desk):
    db, w, made = desk

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("g", *made["mine-closed"].number, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
        assert app.screen.check_action("criticality", ()) is False
        await pilot.press("i")
        await pilot.pause(0.2)
        assert isinstance(app.screen, RecordScreen)

    drive(db, scenario)


@pytest.mark.parametrize("line", ["критичність:термінова", "criticality:urgent"])
def test_the_filter_line_narrows_the_list_to_the_urgent(desk, line):
    db, w, made = desk
    with db.write() as s:
        for key in ("unclassified", "colleagues"):
            incidents.update_incident(s, w.analyst, s.get(Incident, made[key].id), criticality="urgent",
                                      urgent_reason="most_users_affected")
        incidents.update_incident(s, w.analyst, s.get(Incident, made["mine-registered"].id), criticality="high")

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        await pilot.press("2")  # the team's incidents
        await list_settled(pilot)
        await pilot.press("slash", *line, "enter")
        await list_settled(pilot)
        rows = [line.row for line in screen.current.window.lines if line.row]
        assert sorted(r["short_description"] for r in rows) == ["colleagues", "unclassified"]
        assert {r["criticality"] for r in rows} == {"urgent"}
        await pilot.press("slash", "ctrl+u", *"канал:телефон -критичність:", "enter")
        await list_settled(pilot)
        assert sorted(line.row["short_description"] for line in screen.current.window.lines if line.row) == [
            "colleagues", "mine-registered", "unclassified"]

    drive(db, scenario)


def test_criticality_completes_from_its_ukrainian_name_and_shows_in_the_list(desk):
    db, w, made = desk
    with db.write() as s:
        incidents.update_incident(s, w.analyst, s.get(Incident, made["unclassified"].id), criticality="urgent",
                                  urgent_reason="management_affected")
    set_language("uk")

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        await pilot.press("2")
        await list_settled(pilot)
        await wait_text(pilot, "Термінова")  # the column, by name, at 120 columns
        await pilot.press("slash", *"критичн")
        await wait_for(pilot, lambda: screen.query_one("#filter")._suggestion == "критичність:")
        await pilot.press("right", *"тер")
        await wait_for(pilot, lambda: screen.query_one("#filter")._suggestion == "критичність:термінова"
                       or screen.query_one("#filter").filter_suggester.completed == "критичність:Термінова",
                       what="the value's name")
        await pilot.press("right", "enter")
        await list_settled(pilot)
        assert screen.query_one("#filter").value == "критичність:Термінова "
        assert [line.row["short_description"] for line in screen.current.window.lines if line.row] == ["unclassified"]

    try:
        drive(db, scenario)
    finally:
        set_language("en")


def test_a_change_request_registered_from_the_form_goes_to_development_and_asks_agreement(db):
    """R36 on the phone: «Категорія звернення» → «Запит на зміну» in the form; saved, it is in the
    development group, the caller is asked to agree, and its work waits for the agreement."""
    from helpdesk_tui.desk import admin
    from helpdesk_tui.store.models import OutboxMessage, Person, WorkGroup

    w = seed(db)
    with db.write() as s:
        boss = s.get(Person, w.admin.id)
        dev = admin.create_group(s, boss, name="Розробки та впроваджень")
        admin.add_member(s, boss, dev, s.get(Person, w.specialist.id))

    async def scenario(app, pilot):
        form = await new_incident_with_caller(app, pilot)
        await pilot.press(*"Новий звіт для податкової")
        await wait_for(pilot, lambda: len(form.query_one("#group")._options) > 1, what="the groups")
        form.query_one("#group").value = w.first_line.id
        form.query_one("#ticket_kind").focus()
        await pilot.press("enter", "down", "enter")
        assert form.query_one("#ticket_kind").value == "change_request"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None,
                       what="the new incident")
        await wait_text(pilot, "Change request")
        await wait_text(pilot, "Розробки та впроваджень")

    drive(db, scenario)
    with db.read() as s:
        incident = s.execute(select(Incident)).scalar_one()
        assert (incident.kind, s.get(WorkGroup, incident.group_id).name) == ("change_request", "Розробки та впроваджень")
        templates = set(s.execute(select(OutboxMessage.template)).scalars())
    assert "change_request" in templates


def test_a_wide_terminal_shows_the_kind_and_the_channel_as_columns(db):
    """R36, R37 in the list: from about 225 columns the kind of ticket and the channel have
    columns of their own, by name; narrower, the short description keeps its room."""
    from helpdesk_tui.desk import change_requests
    from helpdesk_tui.domain.statuses import Channel

    w = seed(db)
    with db.write() as s:
        cr = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line, owner=w.analyst,
                                          short_description="Новий звіт", channel=Channel.MESSENGER)
        change_requests.set_kind(s, w.analyst, cr, "change_request")

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        screen.go_to("analyst", "my-action")
        await list_settled(pilot)
        await wait_text(pilot, "Новий звіт")
        text = screen_text(app)
        assert "Change request" in text and "Messenger" in text and "change_request" not in text

    drive(db, scenario, size=(240, 30))
