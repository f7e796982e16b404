"""Related items while the caller is on the line (R4): the panel follows the short description;
a record is opened, linked, or its solution taken, and all of it is saved with the incident."""

from __future__ import annotations

from sqlalchemy import select

from helpdesk_tui.desk import incidents, knowledge
from helpdesk_tui.screens.incident_form import IncidentFormScreen
from helpdesk_tui.screens.record import RecordScreen
from helpdesk_tui.screens.related_preview import RelatedPreview
from helpdesk_tui.store.models import Incident, JournalEntry, RecordLink
from tests.tui import drive, screen_text, wait_for, wait_text, workspace_ready
from tests.world import seed

SOLUTION = "Видаліть збережені облікові дані Outlook у Диспетчері облікових даних."


def _knowledge(db, w):
    with db.write() as s:
        article = knowledge.create_article(s, w.admin, title="Outlook щоразу просить пароль", solution=SOLUTION)
        problem = knowledge.create_problem(s, w.admin, short_description="Outlook втрачає пароль після оновлення",
                                           workaround="Перезапустити Outlook від імені користувача.")
        earlier = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line,
                                              short_description="[red]Outlook[/red] питає пароль \x1b[2J")
        return article.number, problem.number, earlier.number, earlier.id


async def _open_form(app, pilot):
    await workspace_ready(pilot)
    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(app.screen, IncidentFormScreen))
    await pilot.pause()
    await pilot.press(*"Шевч")
    await wait_text(pilot, "Олена Шевченко (olena)")
    await pilot.press("enter")
    await wait_for(pilot, lambda: app.focused.id == "short")


def test_the_panel_follows_typing_and_what_is_chosen_is_saved_with_the_incident(db):
    w = seed(db)
    article, problem, earlier, earlier_id = _knowledge(db, w)

    async def scenario(app, pilot):
        await _open_form(app, pilot)
        await pilot.press(*"Не відкривається Outlook, пароля")
        await wait_text(pilot, article)
        text = screen_text(app)
        assert problem in text and earlier in text
        assert "Knowledge articles" in text and "Problems" in text
        # The earlier incident's subject is shown as typed: markup and escapes are not obeyed.
        assert "[red]Outlook[/red] питає пароль" in text

        await pilot.press("ctrl+r")  # into the panel, on the best article
        await pilot.press("u")
        await wait_text(pilot, f"solution from {article}")
        await pilot.press("down")  # over the «Problems» heading, onto the problem
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RelatedPreview))
        await wait_text(pilot, "Перезапустити Outlook від імені користувача.")
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, IncidentFormScreen))
        await wait_text(pilot, f"linked: {problem}")
        await pilot.press("escape")  # out of the panel, back to the short description
        assert app.focused.id == "short"
        app.screen.query_one("#group").value = w.first_line.id  # R3; not what this test is about
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen), what="the new incident")
        await wait_text(pilot, f"Solution taken from {article}")

    drive(db, scenario)
    with db.read() as s:
        new = s.execute(select(Incident).where(Incident.id != earlier_id)).scalar_one()
        assert new.short_description == "Не відкривається Outlook, пароля"
        assert new.solution == SOLUTION and new.status == "registered"
        links = {(link.to_kind, link.to_id) for link in s.execute(
            select(RecordLink).where(RecordLink.from_id == new.id)).scalars()}
        assert {kind for kind, _id in links} == {"knowledge_article", "problem"}
        summaries = [e.summary for e in s.execute(select(JournalEntry).where(
            JournalEntry.record_kind == "incident", JournalEntry.record_id == new.id)).scalars()]
        assert f"Solution taken from {article}" in summaries


def test_all_matches_ranks_every_record_not_only_the_newest(db, monkeypatch):
    from helpdesk_tui.store import search

    w = seed(db)
    with db.write() as s:
        oldest = incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Сканер сканер сканер",
                                              owner=w.analyst)
        for room in range(3):
            incidents.register_incident(s, w.analyst, caller=w.caller, short_description=f"Сканер у кімнаті {room}",
                                        owner=w.analyst)
    monkeypatch.setattr(search, "CANDIDATES", 2)

    async def scenario(app, pilot):
        await _open_form(app, pilot)
        await pilot.press(*"сканера")
        await wait_text(pilot, "Сканер у кімнаті 2")
        assert oldest.number not in screen_text(app)
        await pilot.press("ctrl+f")
        await wait_text(pilot, "All matches")
        await wait_text(pilot, oldest.number)

    drive(db, scenario)


def test_a_resolve_offers_the_solution_taken(db):
    w = seed(db)
    article, *_ = _knowledge(db, w)
    from helpdesk_tui.screens.incident_dialogs import StatusDialog

    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Outlook і пароль",
                                          group=w.first_line, owner=w.analyst)
        article_id = s.execute(select(knowledge.KnowledgeArticle.id)).scalar_one()
        knowledge.reuse_solution(s, w.analyst, inc, source_kind="knowledge_article", source_id=article_id)
        inc_id = inc.id

    async def scenario(app, pilot):
        from helpdesk_tui.domain.statuses import IncidentStatus

        await workspace_ready(pilot)
        record = RecordScreen(app.workspace, "incident", inc_id)
        await app.push_screen(record)
        await wait_text(pilot, f"Solution taken from {article}")
        await app.push_screen(StatusDialog(app.workspace, record.data, IncidentStatus.RESOLVED))
        await wait_for(pilot, lambda: app.screen.query_one("#solution").text == SOLUTION)

    drive(db, scenario)


def test_the_record_view_tabs_link_related_items_and_show_the_history_of_fields(db):
    w = seed(db)
    article, problem, earlier, earlier_id = _knowledge(db, w)
    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Outlook забув пароль",
                                          group=w.first_line, owner=w.analyst)
        incidents.update_incident(s, w.colleague, inc, description="Після оновлення Office")
        inc_id, number = inc.id, inc.number

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await app.push_screen(RecordScreen(app.workspace, "incident", inc_id))
        await wait_text(pilot, f"{number}  Outlook забув пароль")
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
        await wait_text(pilot, "Nothing is linked yet.")
        await wait_text(pilot, article)  # suggestions like this incident, itself left out
        assert screen_text(app).count(number) == 1
        await pilot.press("l")  # the best suggestion, the article, is linked at once
        await wait_text(pilot, "Related items (1)")
        await pilot.press("right_square_bracket", "right_square_bracket")  # «Час», then «Історія змін»
        await wait_text(pilot, "Became")
        text = screen_text(app)
        assert "Марія Коваль" in text and "Після оновлення Office" in text  # who changed what (R42)
        assert "Related record" in text and f"Knowledge article {article}" in text  # by kind and number

    drive(db, scenario)
    with db.read() as s:
        links = [(link.to_kind, link.from_id) for link in s.execute(select(RecordLink)).scalars()]
        assert links == [("knowledge_article", inc_id)]


def test_all_matches_puts_the_exact_words_first_keeps_articles_and_ctrl_f_goes_back(db):
    from helpdesk_tui.desk.incident_status import cancel_incident

    w = seed(db)
    with db.write() as s:
        article = knowledge.create_article(s, w.admin, title="Принтер не друкує: черга завдань",
                                           solution="Очистіть чергу друку.").number
        blank = incidents.register_incident(s, w.analyst, caller=w.caller, owner=w.analyst,
                                            short_description="Принтер друкує порожні аркуші")
        cancel_incident(s, w.analyst, blank, reason="Дубль")
        exact = incidents.register_incident(s, w.analyst, caller=w.caller, owner=w.analyst,
                                            short_description="Не друкує принтер у кабінеті 214")
        blank, exact = blank.number, exact.number

    async def scenario(app, pilot):
        await _open_form(app, pilot)
        await pilot.press(*"Не друкує принтер")
        await wait_text(pilot, exact)
        assert article in screen_text(app)
        await pilot.press("ctrl+f")
        await wait_text(pilot, "All matches")
        await wait_text(pilot, blank)
        text = screen_text(app)
        assert article in text, "the articles of the default view stay in all matches"
        assert text.index(exact) < text.index(blank), "the exact words above a cancelled record"
        await pilot.press(*" 214")  # typing on keeps the view the analyst chose
        await wait_for(pilot, lambda: blank not in screen_text(app) or "214" in app.screen.query_one("#short").value)
        await pilot.pause(0.4)
        assert "All matches" in screen_text(app)
        assert "^f Related only" in screen_text(app), "the key bar names the way back"
        await pilot.press("ctrl+f")  # and back
        await wait_text(pilot, "Related items")
        await wait_text(pilot, article)
        assert "^f All matches" in screen_text(app)

    drive(db, scenario)
