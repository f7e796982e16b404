"""«Клієнти і звіти» from the keyboard (R41): every client's month against the subscription, the
bar chart and the twelve months' trend, Enter to the client's tickets of the month and on to a
ticket, the statement exported from there; hostile client names stay literal in the chart."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from openpyxl import load_workbook

from helpdesk_tui.desk import admin, incidents, time_entries
from helpdesk_tui.screens.clients import ClientsScreen, ClientTicketsScreen
from helpdesk_tui.screens.record import RecordScreen
from helpdesk_tui.screens.time_dialogs import ExportDialog
from helpdesk_tui.store.models import Person
from helpdesk_tui.i18n import set_language
from helpdesk_tui.store.types import set_clock
from tests.tui import drive, screen_text, wait_for, wait_notified, wait_text, workspace_ready
from tests.world import seed

HOSTILE = "[bold red]Злий[/] \x1b[31mклієнт\u202e"


@pytest.fixture
def desk(db):
    set_clock(lambda: datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    w = seed(db)
    numbers = {}
    with db.write() as s:
        for name, hours, minutes in (("ТОВ «Ромашка»", 10, [300, 420]), ("ФОП Коваленко", 2, [150]), (HOSTILE, 1, [30])):
            org = admin.create_organisation(s, w.admin, name=name, subscription_hours=hours)
            caller = admin.create_person(s, w.admin, login=f"c{org.id}", full_name=f"Клієнт {org.id}", organisation=org)
            for m in minutes:
                inc = incidents.register_incident(s, w.analyst, short_description=f"Звернення {m}", caller=caller,
                                                  group=w.first_line)
                time_entries.log_time(s, w.analyst, time_entries.ticket_of(s, "incident", inc.id), minutes=m,
                                      work_date=date(2026, 11, 3))
                numbers.setdefault(name, []).append(inc.number)
            time_entries.log_time(s, w.analyst, time_entries.ticket_of(s, "incident", inc.id), minutes=60,
                                  work_date=date(2026, 10, 15))
    yield db, w, numbers
    set_clock(None)


def test_the_clients_month_its_chart_and_trend_then_a_clients_tickets(desk, tmp_path):
    db, w, numbers = desk

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("R")
        await wait_for(pilot, lambda: isinstance(app.screen, ClientsScreen) and app.screen.uses)
        await wait_text(pilot, "листопад 2026")
        text = screen_text(app)
        assert "ТОВ «Ромашка»" in text and "12,00" in text and "120 %" in text  # 12 h of 10
        assert "Дванадцять місяців: Усі клієнти" in text
        assert "\x1b" not in text and "[bold red]Злий[/]" in text  # the name as typed, no escape
        await pilot.press("down")  # the busiest client: «ТОВ «Ромашка»»
        await wait_text(pilot, "Дванадцять місяців: ТОВ «Ромашка»")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ClientTicketsScreen))
        await wait_text(pilot, numbers["ТОВ «Ромашка»"][1])
        await wait_text(pilot, "12,00 з 10,00 год")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
        await pilot.press("escape", "escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ClientsScreen))
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
        await pilot.press("enter", "down", "enter")  # XLSX
        await pilot.press("tab", "tab")
        field = app.screen.query_one("#folder")
        field.value = str(tmp_path / "out")
        await pilot.press("ctrl+s")
        await wait_notified(pilot, str(tmp_path / "out"))
        await pilot.press("left_square_bracket")
        await wait_text(pilot, "жовтень 2026")

    set_language("uk")
    (tmp_path / "out").mkdir()
    drive(db, scenario)
    written = list((tmp_path / "out").iterdir())
    assert len(written) == 1 and written[0].suffix == ".xlsx"
    values = [c for row in load_workbook(written[0]).worksheets[0].iter_rows(values_only=True) for c in row]
    assert 12.0 in values and 10.0 in values


def test_a_caller_cannot_reach_the_clients(desk):
    db, w, numbers = desk
    from helpdesk_tui.desk.time_desk import TimeDesk
    from helpdesk_tui.desk.auth import SignedIn
    from helpdesk_tui.domain.errors import PermissionDenied

    with db.read() as s:
        caller = s.execute(select(Person).where(Person.login.like("c%"))).scalars().first()
        who = SignedIn(caller.id, caller.login, caller.full_name, ())
    with pytest.raises(PermissionDenied):
        TimeDesk(db, who).clients(date(2026, 11, 1))
