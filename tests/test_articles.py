"""Knowledge articles the desk keeps (R4): drafts, edits with every version kept, publishing
(only published ones are suggested), retiring, an article from a resolved incident, and a folder
of Markdown notes in and out — all or nothing, the broken file named."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from helpdesk_tui.cli import main
from helpdesk_tui.desk import article_files, articles, incidents
from helpdesk_tui.domain.errors import PermissionDenied, RuleViolation, StaleVersion
from helpdesk_tui.domain.kb_files import FileProblem, read_article
from helpdesk_tui.store.models import KnowledgeArticle, Person, RecordLink
from helpdesk_tui.store.search import related
from tests.world import seed

NOTE = """---
title: Не друкує мережевий принтер
service: ЕТС
keywords: [принтер, друк]
status: published
---
Користувач бачить «Помилка друку».

## Рішення
Перезапустити службу друку на сервері.
"""


@pytest.fixture
def desk(db):
    return db, seed(db)


def test_a_draft_is_not_suggested_until_it_is_published_and_every_version_is_kept(desk):
    db, w = desk
    with db.write() as s:
        draft = articles.create_article(s, w.analyst, title="Принтер не друкує після оновлення",
                                        body="Після оновлення драйвера", keywords="принтер, Друк ,друк")
        assert (draft.status, draft.keywords, draft.author_id) == ("draft", "принтер, Друк", w.analyst.id)
        number = draft.number
    with db.read() as s:
        assert not related(s, "принтер не друкує")["knowledge_article"]
    with db.write() as s:
        article = s.execute(select(KnowledgeArticle)).scalar_one()
        articles.update_article(s, w.colleague, article, expected_version=1, solution="Відкотити драйвер")
        with pytest.raises(StaleVersion):
            articles.update_article(s, w.analyst, article, expected_version=1, title="Інша назва")
        articles.publish_article(s, w.colleague, article)
    with db.read() as s:
        article = s.execute(select(KnowledgeArticle)).scalar_one()
        assert (article.status, article.reviewer_id, article.version) == ("published", w.colleague.id, 3)
        assert [h.number for h in related(s, "принтер не друкує")["knowledge_article"]] == [number]
        history = articles.versions(s, article.id)
        assert [(v.version, v.status, v.changed_by_id) for v in history] == [
            (1, "draft", w.analyst.id), (2, "draft", w.colleague.id), (3, "published", w.colleague.id)]
        assert history[0].solution == "" and history[1].solution == "Відкотити драйвер"
    with db.write() as s:
        articles.retire_article(s, w.analyst, s.execute(select(KnowledgeArticle)).scalar_one())
        with pytest.raises(RuleViolation, match="retired"):
            articles.update_article(s, w.analyst, s.execute(select(KnowledgeArticle)).scalar_one(), title="X")
    with db.read() as s:
        assert not related(s, "принтер не друкує")["knowledge_article"]


def test_nothing_empty_is_published_and_only_the_desk_writes_articles(desk):
    db, w = desk
    with db.write() as s:
        empty = articles.create_article(s, w.analyst, title="Порожня")
        with pytest.raises(RuleViolation):
            articles.publish_article(s, w.analyst, empty)
        with pytest.raises(PermissionDenied):
            articles.create_article(s, s.get(Person, w.caller.id), title="Від користувача")
        with pytest.raises(RuleViolation):
            articles.create_article(s, w.analyst, title="   ")


def test_an_article_from_a_resolved_incident_takes_its_solution_and_is_linked(desk):
    db, w = desk
    with db.write() as s:
        inc = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line, owner=w.analyst,
                                          short_description="Не відкривається ЕТС", description="Помилка 502")
        with pytest.raises(RuleViolation, match="resolved"):
            articles.article_from_incident(s, w.analyst, inc)
        incidents.classify_incident(s, w.analyst, inc, service=w.service, category=w.category, impact=2, urgency=2,
                                    owner=w.analyst)
        incidents.resolve_incident(s, w.analyst, inc, solution="Очистити кеш браузера", reason_code="workaround",
                                   resolve_with_open_tasks=False)
        made = articles.article_from_incident(s, w.analyst, inc)
        assert (made.title, made.body, made.solution, made.status, made.service_id, made.source_incident_id) == (
            "Не відкривається ЕТС", "Помилка 502", "Очистити кеш браузера", "draft", w.service.id, inc.id)
        link = s.execute(select(RecordLink).where(RecordLink.to_kind == "knowledge_article")).scalar_one()
        assert (link.from_id, link.to_id) == (inc.id, made.id)


@pytest.mark.parametrize("text, says", [
    ("title: без рамки\n", "front matter"),
    ("---\ntitle: [незакрито\n---\n", "not YAML"),
    ("---\ntitle: Добре\nowner: хтось\n---\n", "unknown key «owner»"),
    ("---\nservice: ЕТС\n---\n", "title"),
    ("---\ntitle: Добре\nstatus: архів\n---\n", "status"),
    ("---\ntitle: Добре\n", "closing ---"),
])
def test_a_broken_note_says_what_is_wrong(text, says):
    with pytest.raises(FileProblem, match=says):
        read_article(text)


def test_a_folder_is_imported_whole_or_not_at_all_and_exported_back(desk, tmp_path):
    db, w = desk
    good = [("01-printer.md", NOTE.encode()), ("02-vpn.md", "---\ntitle: VPN не підключається\n---\nПеревірте час.\n".encode())]
    with db.write() as s:
        with pytest.raises(RuleViolation) as err:
            article_files.import_articles(s, w.analyst, good + [("03-bad.md", b"---\ntitle: X\nservice: \xd0\x9d\xd0\xb5\xd0\xbc\xd0\xb0\xd1\x94\n---\n"),
                                                                 ("04-bin.md", b"\xff\xfe\x00")])
        assert "03-bad.md" in err.value.message and "04-bin.md" in err.value.message
    with db.read() as s:
        assert s.execute(select(KnowledgeArticle)).first() is None  # nothing from the good ones either
    with db.write() as s:
        assert article_files.import_articles(s, w.analyst, good) == (2, 0)
    with db.read() as s:
        printer = s.execute(select(KnowledgeArticle).where(KnowledgeArticle.title.like("%принтер%"))).scalar_one()
        assert (printer.status, printer.keywords, printer.solution) == (
            "published", "принтер, друк", "Перезапустити службу друку на сервері.")
        assert printer.body == "Користувач бачить «Помилка друку»."
    with db.read() as s:
        exported = article_files.export_articles(s, w.analyst)
    assert [name for name, _t in exported] == ["KB0000001-ne-drukuie-merezhevyi-prynter.md", "KB0000002-vpn-ne-pidkliuchaietsia.md"]
    back = read_article(exported[0][1])
    assert (back.number, back.title, back.solution, back.service) == (
        "KB0000001", "Не друкує мережевий принтер", "Перезапустити службу друку на сервері.", "ЕТС")
    edited = exported[0][1].replace("Перезапустити службу", "Перезапустити спулер")
    with db.write() as s:
        assert article_files.import_articles(s, w.analyst, [(exported[0][0], edited.encode())]) == (0, 1)
    with db.read() as s:
        assert "спулер" in s.execute(select(KnowledgeArticle.solution).where(KnowledgeArticle.number == "KB0000001")).scalar_one()


def test_the_knowledge_base_from_the_shell(desk, capsys, tmp_path):
    db, w = desk

    def run(*args):
        code = main(["--db", db.url, "--lang", "en", "--as", "ivan", *args])
        out, err = capsys.readouterr()
        assert code == 0, err
        return out

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "printer.md").write_text(NOTE, encoding="utf-8")
    assert "1 new" in run("kb", "import", str(tmp_path / "in"))
    run("kb", "new", "-t", "Сертифікат КЕП спливає", "--body", "Оновіть сертифікат", "--keywords", "кеп")
    run("kb", "edit", "KB2", "--solution", "Замовити новий у АЦСК")
    run("kb", "publish", "KB2")
    shown = json.loads(run("kb", "show", "KB0000002", "--json"))
    assert (shown["status"], shown["reviewer"], shown["version"]) == ("published", "Іван Петренко", 3)
    history = json.loads(run("kb", "history", "KB2", "--json"))
    assert [h["status"] for h in history] == ["draft", "draft", "published"]
    run("kb", "retire", "KB1")
    listed = json.loads(run("kb", "list", "--status", "published", "--json"))
    assert [a["number"] for a in listed] == ["KB0000002"]
    run("kb", "export", str(tmp_path / "out"))
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["KB0000002-sertyfikat-kep-splyvaie.md"]
    code = main(["--db", db.url, "--as", "olena", "kb", "list"])
    assert code != 0  # a caller keeps no knowledge base
