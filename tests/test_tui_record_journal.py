"""The record view's journal and «Історія змін» in the analyst's words (R42, R44), newest first."""

from __future__ import annotations

from datetime import UTC, datetime

import re

import pytest

from helpdesk_tui.desk import incidents, knowledge, notes
from helpdesk_tui.domain.clock import set_clock
from helpdesk_tui.domain.statuses import IncidentStatus
from helpdesk_tui.i18n import current_language, set_language
from helpdesk_tui.screens.incident_dialogs import NoteDialog
from helpdesk_tui.screens.record import RecordScreen
from tests.tui import drive, screen_text, wait_for, wait_text
from tests.world import seed

# 14:05 UTC is 16:05 in Kyiv on 18 November (EET, UTC+2).
AT = datetime(2026, 11, 18, 14, 5, tzinfo=UTC)


@pytest.fixture
def uk():
    before = current_language()
    set_language("uk")
    yield
    set_language(before)


@pytest.fixture
def asked(db, uk):
    """An incident owned by the analyst, linked to an article, with a question to the caller."""
    w = seed(db)
    set_clock(lambda: AT)
    try:
        with db.write() as s:
            article = knowledge.create_article(s, w.admin, title="Принтер", body="", solution="Перезапуск")
            inc = incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Не друкує",
                                              group=w.first_line, owner=w.analyst)
            notes.link_records(s, w.analyst, inc, to_kind="knowledge_article", to_id=article.id)
            incidents.change_status(s, w.analyst, inc, IncidentStatus.INFO_NEEDED, question="Який кабінет?")
    finally:
        set_clock(None)
    return db, w, inc


def _word(raw: str, text: str) -> bool:
    """`raw` on its own, not as part of an e-mail address."""
    return re.search(rf"(?<![\w@.]){re.escape(raw)}(?![\w@])", text) is not None


async def _open(app, pilot, incident):
    await wait_for(pilot, lambda: app.workspace is not None and len(app.screen_stack) > 1, what="the workspace")
    app.push_screen(RecordScreen(app.workspace, "incident", incident.id))
    await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
    await pilot.pause(0.1)
    return app.screen


def test_journal_and_history_name_every_value(asked):
    db, _w, inc = asked

    async def scenario(app, pilot):
        await _open(app, pilot, inc)
        details = screen_text(app)
        assert "Канал           Телефон" in details or "Телефон" in details.split("Журнал")[0]
        assert "Статус: Зареєстровано → Потрібна інформація" in details
        assert "Чия черга: служба підтримки → користувач" in details
        assert "Реакція надана: — → 18.11.2026 16:05" in details  # Kyiv time, not UTC's ISO text
        assert "Власник: — → Іван Петренко" in details and "Користувач: — → Олена Шевченко" in details
        assert "Пов’язаний запис: — → Документ бази знань KB0000001" in details
        for raw in ("registered", "info_needed", "desk", "caller", "ivan", "olena", "knowledge_article", "+00:00"):
            assert not _word(raw, details.split("Журнал")[1]), raw
        await pilot.press(*["right_square_bracket"] * 5)
        await wait_text(pilot, "Історія змін")
        history = screen_text(app)
        assert "Потрібна інформація" in history and "служба підтримки" in history
        for raw in ("info_needed", "responded_at", "knowledge_article"):
            assert not _word(raw, history), raw

    drive(db, scenario, size=(140, 50))


def test_the_newest_entry_is_on_top_without_scrolling(asked):
    db, w, inc = asked
    with db.write() as s:  # a long journal: its oldest entries are far below the fold
        for n in range(30):
            notes.add_note(s, w.colleague, s.get(type(inc), inc.id), summary="", text=f"Стара примітка {n}")

    async def scenario(app, pilot):
        record = await _open(app, pilot, inc)
        assert "Стара примітка 29" in screen_text(app)
        assert "Стара примітка 0" not in screen_text(app)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, NoteDialog))
        await pilot.press("tab", *"Щойно подзвонила", "ctrl+s")
        await wait_for(pilot, lambda: app.screen is record and "Щойно подзвонила" in screen_text(app),
                       what="the new note on screen")
        text = screen_text(app)
        assert text.index("Щойно подзвонила") < text.index("Стара примітка 29")

    drive(db, scenario, size=(120, 40))


@pytest.mark.parametrize("writer, reader, words", [
    ("en", "uk", ["Статус: Зареєстровано → Потрібна інформація", "Рішення взято з KB0000001", "Призначено",
                  "Лист від Олена {name}: Re: [INC0000001] [red]Терміново[/red] {0} }{"]),
    ("uk", "en", ["Status: Registered → Information needed", "Solution taken from KB0000001", "Assigned",
                  "E-mail from Олена {name}: Re: [INC0000001] [red]Терміново[/red] {0} }{"]),
], ids=["en-written-uk-read", "uk-written-en-read"])
def test_the_journal_is_in_the_readers_language_whoever_wrote_it(sqlite_db, writer, reader, words):
    """Issue 16: an analyst reads every entry in their own language, whoever made the change and
    in whatever language; a subject or name someone typed stays exactly as typed."""
    from helpdesk_tui.mail.intake import IntakeSettings, ingest
    from tests.mail_builders import message
    from tests.world import FIRST_LINE

    before = current_language()
    set_language(writer)
    try:
        w = seed(sqlite_db)
        with sqlite_db.write() as s:
            article = knowledge.create_article(s, w.admin, title="Принтер", body="", solution="Перезапуск")
            inc = incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Не друкує",
                                              group=w.first_line)
            incidents.assign_incident(s, w.analyst, inc, owner=w.analyst)
            knowledge.reuse_solution(s, w.analyst, inc, source_kind="knowledge_article", source_id=article.id)
            incidents.change_status(s, w.analyst, inc, IncidentStatus.INFO_NEEDED, question="Який кабінет?")
            ingest(s, message(sender="olena@client.example", name="Олена {name}",
                              subject=f"Re: [{inc.number}] [red]Терміново[/red] {{0}} }}{{", body="Кабінет 204"),
                   IntakeSettings(group=FIRST_LINE))
        set_language(reader)

        async def scenario(app, pilot):
            await _open(app, pilot, inc)
            journal = screen_text(app).split("Журнал" if reader == "uk" else "Journal")[1]
            flat = " ".join(journal.split())
            for text in words:
                assert text in flat, (text, journal)

        drive(sqlite_db, scenario, size=(160, 60))
    finally:
        set_language(before)
