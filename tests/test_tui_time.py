"""Time on an open record from the keyboard (R41, R36): the timer in the header that survives a
restart, time typed by hand, the client's month under the title with its warnings, the offer to
make a small change a change request, and the client's agreement."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from helpdesk_tui.desk import admin, incidents, time_entries
from helpdesk_tui.screens.dialogs import ChoiceDialog, ConfirmDialog
from helpdesk_tui.screens.record import RecordScreen
from helpdesk_tui.screens.time_dialogs import AgreementDialog, LogTimeDialog
from helpdesk_tui.store.models import Incident, Organisation, Person
from helpdesk_tui.store.time_tables import RunningTimer, TimeEntry
from helpdesk_tui.store.types import set_clock
from tests.tui import drive, open_mine, screen_text, wait_for, wait_notified, wait_text
from tests.world import seed_desk

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def desk(db):
    now = [NOW]
    set_clock(lambda: now[0])
    db, w, made = seed_desk(db)
    with db.write() as s:
        org = admin.create_organisation(s, w.admin, name="ТОВ «Ромашка»", subscription_hours=1)
        caller = s.get(Person, w.caller.id)
        caller.organisation_id = org.id
        for inc in s.execute(select(Incident)).scalars():
            inc.organisation_id = org.id
        small = admin.create_category(s, w.admin, name="Дрібна зміна", service=w.service, small_change=True)
        mine = s.get(Incident, made["mine-registered"].id)
        mine.category_id, mine.service_id = small.id, w.service.id
    yield db, w, made, now
    set_clock(None)


def _entries(db):
    with db.read() as s:
        return [(e.minutes, e.billable) for e in s.execute(select(TimeEntry).order_by(TimeEntry.id)).scalars()]


def test_the_timer_runs_in_the_header_and_logs_its_minutes_on_the_second_press(desk):
    db, w, made, now = desk

    async def scenario(app, pilot):
        record = await open_mine(app, pilot)
        await pilot.press("w")
        await wait_notified(pilot, "Timer started")
        await wait_text(pilot, f"⏱ {record.data['number']} 0:00")
        now[0] = NOW + timedelta(minutes=25, seconds=5)
        await wait_text(pilot, f"⏱ {record.data['number']} 0:25")
        await pilot.press("w")
        await wait_notified(pilot, "Logged 26 min")
        await wait_for(pilot, lambda: "⏱" not in screen_text(app))

    drive(db, scenario)
    assert _entries(db) == [(26, True)]


def test_a_timer_started_before_a_restart_is_still_running_after_it(desk):
    db, w, made, now = desk
    with db.write() as s:
        ticket = time_entries.ticket_of(s, "incident", made["mine-registered"].id)
        time_entries.start_timer(s, s.get(Person, w.analyst.id), ticket)
    now[0] = NOW + timedelta(hours=1, minutes=5)

    async def scenario(app, pilot):
        await open_mine(app, pilot)
        await wait_text(pilot, f"⏱ {made['mine-registered'].number} 1:05")

    drive(db, scenario)


def test_time_typed_by_hand_warns_past_the_subscription_and_offers_a_change_request(desk):
    db, w, made, now = desk

    async def scenario(app, pilot):
        record = await open_mine(app, pilot)
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogTimeDialog))
        await pilot.press(*"півгодини", "ctrl+s")
        await wait_text(pilot, "is not a duration")  # the typed text stays, the reason under it
        await pilot.press(*["backspace"] * 9, *"1г 5хв", "tab", "tab", *"Змінив друковану форму", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))  # 65 min on a small change
        assert "change request" in screen_text(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is record and record.data.get("ticket_kind") == "change_request")
        await wait_text(pilot, "Change request")
        # The client's agreement, then the time tab with its totals.
        await pilot.press("Y")
        await wait_for(pilot, lambda: isinstance(app.screen, AgreementDialog))
        await pilot.press(*"По телефону, директор", "ctrl+s")
        await wait_for(pilot, lambda: app.screen is record and record.data.get("agreed_at") is not None)
        await pilot.press("]", "]", "]", "]")
        await wait_text(pilot, "Змінив друковану форму")
        await wait_text(pilot, "outside the subscription")

    drive(db, scenario)
    assert _entries(db) == [(65, True)]
    with db.read() as s:
        inc = s.get(Incident, made["mine-registered"].id)
        assert inc.kind == "change_request" and inc.agreement == "По телефону, директор"


def test_the_clients_month_is_said_under_the_title_and_turns_red_when_used_up(desk):
    db, w, made, now = desk
    with db.write() as s:
        other = s.get(Incident, made["colleagues"].id)
        time_entries.log_time(s, s.get(Person, w.colleague.id), time_entries.ticket_of(s, "incident", other.id),
                              minutes=50)

    async def scenario(app, pilot):
        record = await open_mine(app, pilot)
        await wait_text(pilot, "0.83 of 1.00 h this month (83 %)")
        await wait_text(pilot, "80 % of the hours used")
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogTimeDialog))
        await pilot.press(*"15", "ctrl+s")
        await wait_notified(pilot, "100 % of this month's subscription hours")
        await wait_text(pilot, "subscription hours used up")
        assert record.client_use.used_minutes == 65

    drive(db, scenario)


def test_time_on_a_task_is_its_tickets_and_says_the_clients_month(desk):
    db, w, made, now = desk
    from helpdesk_tui.store.models import Task

    with db.read() as s:
        task = s.execute(select(Task).where(Task.incident_id == made["mine-registered"].id)).scalars().first()

    async def scenario(app, pilot):
        from tests.tui import workspace_ready

        await workspace_ready(pilot)
        app.push_screen(RecordScreen(app.workspace, "task", task.id))
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
        await wait_text(pilot, "0.00 of 1.00 h this month")
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LogTimeDialog))
        await pilot.press(*"0:20", "ctrl+s")
        await wait_notified(pilot, "Logged 20 min")
        await wait_text(pilot, "0.33 of 1.00 h this month")

    drive(db, scenario)
    with db.read() as s:
        entry = s.execute(select(TimeEntry)).scalar_one()
    assert (entry.record_kind, entry.record_id, entry.task_id, entry.minutes) == (
        "incident", made["mine-registered"].id, task.id, 20)
