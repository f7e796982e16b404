"""Phone intake (R3, R5, R6) from the keyboard: a known caller, a group, saved in a handful of
keys; refusals keep what was typed."""

from __future__ import annotations

from sqlalchemy import select

from helpdesk_tui.screens.incident_form import IncidentFormScreen
from helpdesk_tui.screens.record import RecordScreen
from helpdesk_tui.store.models import Incident, OutboxMessage
from tests.tui import drive, screen_text, wait_for, wait_notified, wait_text, workspace_ready
from tests.world import seed

class Keys:
    """Presses keys and counts those that are not text being typed (the keystroke budget)."""

    def __init__(self, pilot):
        self.pilot, self.commands = pilot, []

    async def type(self, text):
        await self.pilot.press(*text)

    async def press(self, *keys):
        self.commands += keys
        await self.pilot.press(*keys)


def test_registering_for_a_known_caller_assigned_to_a_group_takes_at_most_12_keystrokes(db):
    w = seed(db)

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        keys = Keys(pilot)
        await keys.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentFormScreen))
        await pilot.pause()
        await keys.type("Шевч")
        await wait_text(pilot, "Олена Шевченко (olena)")
        await keys.press("enter")
        await wait_for(pilot, lambda: app.focused.id == "short")
        await keys.type("Не друкує принтер у 204")
        await keys.press("tab", "tab")  # description stays empty; on to the work group
        assert app.focused.id == "group"
        await wait_for(pilot, lambda: len(app.screen.query_one("#group")._options) > 1, what="the groups")
        await keys.press("enter")
        await keys.type("Перша")
        await keys.press("enter")
        await wait_for(pilot, lambda: app.screen.query_one("#group").value == w.first_line.id)
        await keys.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen), what="the new incident")
        await wait_notified(pilot, "registered. Respond by")
        await wait_text(pilot, "Не друкує принтер у 204")
        text = screen_text(app)
        assert "Response due" in text and "Resolution due" in text  # R6
        assert "Notification" in text  # R5: the journal shows what was queued
        assert len(keys.commands) <= 12, keys.commands

    drive(db, scenario)
    with db.read() as s:
        incident = s.execute(select(Incident)).scalar_one()
        assert (incident.short_description, incident.caller_id, incident.group_id, incident.channel) == (
            "Не друкує принтер у 204", w.caller.id, w.first_line.id, "phone")
        assert incident.response_due is not None and incident.resolution_due is not None
        queued = {(m.template, m.to_address) for m in s.execute(select(OutboxMessage)).scalars()}
        assert ("registered", "olena@client.example") in queued  # R5: the caller hears of it


def test_the_caller_is_found_by_phone_and_an_owner_from_the_group(db):
    w = seed(db)

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentFormScreen))
        await pilot.press(*"067 123")
        await wait_text(pilot, "Олена Шевченко (olena)")
        await pilot.press("enter", *"Немає доступу до ЕТС")
        form = app.screen
        form.query_one("#group").value = w.first_line.id
        await wait_for(pilot, lambda: len(form.query_one("#owner")._options) > 1, what="the members")
        form.query_one("#owner").value = w.colleague.id
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen))
        await wait_text(pilot, "Марія Коваль")

    drive(db, scenario)
    with db.read() as s:
        assert s.execute(select(Incident.owner_id)).scalar_one() == w.colleague.id


def test_a_refusal_says_why_and_keeps_everything_typed(db):
    w = seed(db)

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentFormScreen))
        form = app.screen
        await pilot.press("ctrl+s")
        await wait_text(pilot, "Choose the caller")
        await pilot.press(*"olena")
        await wait_text(pilot, "Олена Шевченко (olena)")
        await pilot.press("enter", "ctrl+s")
        await wait_text(pilot, "A short description is required")
        assert app.focused.id == "short"
        await pilot.press(*"[red]Принтер[/]")
        form.query_one("#group").value = w.second_line.id
        await wait_for(pilot, lambda: len(form.query_one("#owner")._options) > 1)
        form.query_one("#owner").value = w.specialist.id
        form.query_one("#group").value = w.first_line.id  # the owner is no member of this group now…
        await pilot.pause(0.3)
        assert form.query_one("#owner").value != w.specialist.id  # …so the choice is cleared
        await pilot.press("escape")
        await wait_text(pilot, "Discard this new incident?")
        await pilot.press("n")
        assert isinstance(app.screen, IncidentFormScreen)
        assert form.query_one("#short").value == "[red]Принтер[/]"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen))
        await wait_text(pilot, "[red]Принтер[/]")  # shown literally

    drive(db, scenario)
    with db.read() as s:
        assert s.execute(select(Incident.short_description)).scalar_one() == "[red]Принтер[/]"


def test_a_caller_the_desk_does_not_know_is_added_inline(db):
    from helpdesk_tui.screens.incident_form import NewCallerDialog
    from helpdesk_tui.store.models import Person

    w = seed(db)

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentFormScreen))
        await wait_for(pilot, lambda: len(app.screen.query_one("#group")._options) > 1, what="the groups")
        app.screen.query_one("#group").value = w.first_line.id  # not what this test is about
        await pilot.press(*"+380 50 777 66 55")
        await wait_text(pilot, "New caller «+380 50 777 66 55»")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NewCallerDialog))
        assert app.screen.query_one("#phone").value == "+380 50 777 66 55"
        await pilot.press("ctrl+s")
        await wait_text(pilot, "A person needs a full name")
        await pilot.press(*"Богдан Ткачук", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentFormScreen))
        assert app.screen.query_one("PersonPicker").chosen.full_name == "Богдан Ткачук"
        await wait_for(pilot, lambda: app.focused.id == "short")
        await pilot.press(*"Не працює сканер", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen))

    drive(db, scenario)
    with db.read() as s:
        person = s.execute(select(Person).where(Person.full_name == "Богдан Ткачук")).scalar_one()
        assert (person.login, person.phone) == ("b.tkachuk", "+380507776655")  # E.164; shown as typed
        assert s.execute(select(Incident.caller_id)).scalar_one() == person.id
