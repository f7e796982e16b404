"""The knowledge base from the keyboard (R4): `b` lists the articles, `n` writes one in the
editor (Markdown text), the article shows rendered, `P` publishes it and the related-items panel
starts offering it; `B` on a resolved incident writes a draft from its solution."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from helpdesk_tui.desk import articles, incidents
from helpdesk_tui.screens.articles import ArticleEditor, ArticleScreen, KnowledgeScreen
from helpdesk_tui.screens.record import RecordScreen
from helpdesk_tui.store.models import Incident, KnowledgeArticle
from helpdesk_tui.store.search import related
from tests.tui import drive, screen_text, wait_for, wait_notified, wait_text, workspace_ready
from tests.world import seed


@pytest.fixture
def desk(db):
    return db, seed(db)


def test_an_article_is_written_shown_rendered_and_published(desk):
    db, w = desk

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, KnowledgeScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, ArticleEditor))
        await pilot.press("ctrl+s")
        await wait_text(pilot, "An article needs a title")
        await pilot.press(*"Принтер не друкує", "tab", *"принтер, друк")
        app.screen.query_one("#body").text = "# Симптоми\n\nЧервоний **індикатор**.\n\n- перший крок"
        app.screen.query_one("#solution").text = "Перезапустити спулер"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ArticleScreen) and app.screen.data is not None)
        await wait_text(pilot, "Симптоми")
        text = screen_text(app)
        assert "**" not in text and "# Симптоми" not in text  # rendered, not shown as source
        assert "Червоний індикатор" in text and "Перезапустити спулер" in text and "Draft" in text
        await pilot.press("P")
        await wait_notified(pilot, "Published")
        await wait_for(pilot, lambda: app.screen.data["status"] == "published")
        await pilot.press("v")
        await wait_text(pilot, "Versions")

    drive(db, scenario)
    with db.read() as s:
        article = s.execute(select(KnowledgeArticle)).scalar_one()
        assert (article.status, article.keywords, article.reviewer_id) == ("published", "принтер, друк", w.analyst.id)
        assert [h.number for h in related(s, "принтер не друкує")["knowledge_article"]] == [article.number]


def test_a_resolved_incident_becomes_a_draft_article_with_one_key(desk):
    db, w = desk
    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line, owner=w.analyst,
                                          short_description="ЕТС не відкривається", description="Помилка 502")
        incidents.classify_incident(s, w.analyst, inc, service=w.service, category=w.category, impact=2, urgency=2,
                                    owner=w.analyst)
        incidents.resolve_incident(s, w.analyst, inc, solution="Очистити кеш", reason_code="workaround",
                                   resolve_with_open_tasks=False)

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        app.push_screen(RecordScreen(app.workspace, "incident", inc.id))
        await wait_for(pilot, lambda: isinstance(app.screen, RecordScreen) and app.screen.data is not None)
        await pilot.press("B")
        await wait_for(pilot, lambda: isinstance(app.screen, ArticleScreen) and app.screen.data is not None)
        await wait_text(pilot, "Очистити кеш")
        assert "ЕТС не відкривається" in screen_text(app) and inc.number in screen_text(app)

    drive(db, scenario)
    with db.read() as s:
        article = s.execute(select(KnowledgeArticle)).scalar_one()
    assert (article.status, article.source_incident_id) == ("draft", inc.id)


def test_control_characters_in_an_article_are_shown_as_stand_ins(desk):
    db, w = desk
    with db.write() as s:
        made = articles.create_article(s, w.analyst, title="Заголовок \x1b[31mчервоний",
                                       body="Текст \u202eвокнаБ [bold]жирний[/bold]")

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        app.push_screen(ArticleScreen(app.workspace, made.id))
        await wait_for(pilot, lambda: isinstance(app.screen, ArticleScreen) and app.screen.data is not None)
        await wait_text(pilot, "Текст")
        text = screen_text(app)
        assert "\x1b" not in text and "\u202e" not in text and "\\u202e" in text and "[bold]жирний[/bold]" in text

    drive(db, scenario)
