"""The record view's split key (R38) and whose-turn words in its header (R40), driven with Pilot
in Ukrainian."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk_tui.desk import incidents, notes
from helpdesk_tui.domain.statuses import IncidentStatus
from helpdesk_tui.i18n import current_language, set_language
from helpdesk_tui.mail.intake import IntakeSettings, ingest
from helpdesk_tui.screens.dialogs import ChoiceDialog, ConfirmDialog
from helpdesk_tui.screens.record import RecordScreen
from helpdesk_tui.screens.record_edits import SplitDialog
from helpdesk_tui.store.models import Incident, RecordLink
from tests.mail_builders import message
from tests.tui import drive, screen_text, wait_for, wait_text
from tests.world import FIRST_LINE, seed


@pytest.fixture
def uk():
    before = current_language()
    set_language("uk")
    yield
    set_language(before)


async def _open(app, pilot, incident_id):
    await wait_for(pilot, lambda: app.workspace is not None and len(app.screen_stack) > 1, what="the workspace")
    app.push_screen(RecordScreen(app.workspace, "incident", incident_id))
    await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None
                   and app.screen.record_id == incident_id)
    await pilot.pause(0.1)
    return app.screen


def _dot(app) -> tuple[str, object]:
    """The header's whose-turn words and the colour of its dot."""
    for strip in app.screen._compositor.render_strips():
        if "●" in strip.text and "INC" in strip.text:
            segment = next(seg for seg in strip if "●" in seg.text)
            return strip.text.split("●", 1)[1].strip(), segment.style.color
    raise AssertionError(screen_text(app))


def test_a_question_in_the_callers_e_mail_is_split_off_and_opened(db, uk):
    w = seed(db)
    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line, owner=w.analyst,
                                          short_description="Не друкує")
        notes.add_note(s, w.analyst, inc, summary="Дзвінок", text="Перевірили картридж")
        ingest(s, message(sender=w.caller.email, subject=f"Re: [{inc.number}] Не друкує",
                          body="Ще питання: як змінити пароль до ЕТС?\n\n> Зареєстровано"),
               IntakeSettings(group=FIRST_LINE))

    async def scenario(app, pilot):
        record = await _open(app, pilot, inc.id)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog), what="which message")
        assert "у якому повідомленні нове питання?" in screen_text(app)
        assert "Олена Шевченко · Ще питання" in screen_text(app)  # newest first, highlighted
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SplitDialog), what="the split dialog")
        assert app.screen.query_one("#short").value == "Ще питання: як змінити пароль до ЕТС?"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the offer to open it")
        assert "INC0000002 зареєстровано" in screen_text(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen is not record
                       and app.screen.data is not None, what="the new incident")
        shown = screen_text(app)
        assert "INC0000002  Ще питання: як змінити пароль до ЕТС?" in shown
        assert f"Виділено з {inc.number}: Не друкує" in shown
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is record)
        await wait_text(pilot, "Виділено в INC0000002")

    drive(db, scenario, size=(140, 45))
    with db.read() as s:
        relations = sorted(s.execute(select(RecordLink.relation)).scalars())
        made = s.execute(select(Incident).where(Incident.number == "INC0000002")).scalar_one()
    assert relations == ["split_from", "split_into"] and made.caller_id == w.caller.id


def test_the_split_key_is_not_offered_on_a_closed_incident(db, uk):
    w = seed(db)
    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line, owner=w.analyst,
                                          short_description="Пошта")
        notes.add_note(s, w.analyst, inc, summary="", text="Друге питання")
        incidents.cancel_incident(s, w.analyst, inc, reason="Дубль")

    async def scenario(app, pilot):
        record = await _open(app, pilot, inc.id)
        assert record.check_action("split", ()) is False
        await pilot.press("s")
        await pilot.pause(0.2)
        assert app.screen is record

    drive(db, scenario)


def test_the_header_says_whose_turn_it_is_in_words_and_colour(db, uk):
    w = seed(db)
    with db.write() as s:
        def new(short):
            return incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line, owner=w.analyst,
                                               short_description=short)

        fresh = new("Новий")
        asked = incidents.change_status(s, w.analyst, new("Питання"), IncidentStatus.INFO_NEEDED, question="Де?")
        done = incidents.resolve_incident(s, w.analyst, new("Вирішений"), solution="ok", reason_code="advice",
                                          resolve_with_open_tasks=False)
        ended = incidents.cancel_incident(s, w.analyst, new("Скасований"), reason="Дубль")
    expected = {fresh.id: "останнім написав клієнт: черга служби підтримки",
                asked.id: "відповідь надано: чекаємо уточнення від клієнта",
                done.id: "вирішено: чекаємо погодження клієнта",
                ended.id: "закрито: вирішене або не актуальне"}

    async def scenario(app, pilot):
        colours = {}
        for incident_id, words in expected.items():
            await _open(app, pilot, incident_id)
            said, colours[incident_id] = _dot(app)
            assert said == words
            app.pop_screen()
        assert len(set(colours.values())) == 4  # green, yellow, red, grey: each its own
        green, red = colours[fresh.id].triplet, colours[done.id].triplet
        assert green.green > green.red and red.red > red.green

    drive(db, scenario, size=(150, 30))
