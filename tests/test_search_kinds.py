"""`helpdesk search find` finds a knowledge article by any word of it (title, body, solution),
and the explicit search ranks what an analyst means first (R4)."""

from __future__ import annotations

import json

import pytest

from helpdesk_tui.cli import main
from helpdesk_tui.desk import knowledge
from tests.world import seed


@pytest.fixture
def find(db, capsys):
    w = seed(db)
    with db.write() as s:
        knowledge.create_article(s, w.admin, title="Як усунути зам'ятий папір у принтері",
                                 body="Вимкніть принтер, відкрийте задню кришку і знайдіть аркуш.",
                                 solution="Дістаньте аркуш, перевірте ролики, увімкніть принтер.", service=w.service)

    def run(*args: str) -> list[str]:
        code = main(["--db", db.url, "--lang", "en", "--as", "ivan", "search", "find", *args, "--json"])
        out, err = capsys.readouterr()
        assert code == 0, err
        return [h["number"] for h in json.loads(out)]

    return run


@pytest.mark.parametrize("words", ["кришку", "кришка", "задня кришка", "ролики", "папір", "принтера", "зам’ятий"])
def test_an_article_is_found_by_a_word_of_its_title_body_or_solution(find, words):
    assert find(words, "--kind", "article") == ["KB0000001"]


def test_what_says_what_was_typed_comes_first_and_a_cancelled_record_sinks(db):
    from helpdesk_tui.desk import incidents
    from helpdesk_tui.store import search

    w = seed(db)
    with db.write() as s:
        cancelled = incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line,
                                                short_description="Принтер друкує порожні аркуші")
        incidents.cancel_incident(s, w.analyst, cancelled, reason="Дубль")
        incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line,
                                    short_description="Не друкує принтер у кабінеті 204 на другому поверсі")
        incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line,
                                    short_description="Принтер друкує смуги")
    with db.read() as s:
        found = [h.title for h in search.search_page(s, "Не друкує принтер", kind="incident").hits]
        panel = [h.title for h in search.related(s, "Не друкує принтер")["incident"]]
    assert found[0].startswith("Не друкує принтер у кабінеті")
    assert found[-1] == "Принтер друкує порожні аркуші"
    assert panel[0].startswith("Не друкує принтер") and panel[-1] == "Принтер друкує порожні аркуші"


def test_the_kind_is_named_as_people_name_it(find):
    for kind in ("article", "kb", "knowledge_article", "стаття"):
        assert find("ролики", "--kind", kind) == ["KB0000001"]


def test_a_problem_is_found_by_its_root_cause_and_its_solution_and_offers_the_solution(db):
    from helpdesk_tui.desk import problems
    from helpdesk_tui.store import search

    w = seed(db)
    with db.write() as s:
        problem = problems.register_problem(s, w.analyst, short_description="Користувачі не можуть увійти в ЕТС",
                                            workaround="Увійти повторно через дві хвилини.")
        problems.update_problem(s, w.analyst, problem, root_cause="Прострочений сертифікат балансувальника")
    with db.read() as s:
        assert [h.number for h in search.search(s, "сертифікату", kind="problem")] == [problem.number]
        assert [h.number for h in search.related(s, "прострочений сертифікат")["problem"]] == [problem.number]
        assert search.search(s, "перевипуск", kind="problem") == []
    with db.write() as s:
        problems.resolve_problem(s, w.analyst, problem.id, solution="Перевипуск сертифіката і автоматичне поновлення")
    with db.read() as s:
        found = search.related(s, "перевипуск сертифіката")["problem"]
        assert [h.number for h in found] == [problem.number]
        # What «Вирішено» reuses is the solution now, not the workaround.
        assert found[0].solution == "Перевипуск сертифіката і автоматичне поновлення"


def test_an_article_is_found_by_a_keyword_and_a_keyword_weighs_as_its_title(db):
    from helpdesk_tui.desk import articles
    from helpdesk_tui.store import search

    w = seed(db)
    with db.write() as s:
        mentions = knowledge.create_article(s, w.admin, title="Віддалений доступ з дому",
                                            body="Клієнт FortiClient ставить адміністратор; далі за інструкцією.")
        tagged = articles.create_article(s, w.admin, title="Не підключається віддалений доступ",
                                         body="Перевірте, що увімкнено двофакторну перевірку.",
                                         keywords="VPN, FortiClient, тунель", status="published")
    with db.read() as s:
        assert [h.number for h in search.search(s, "тунелю", kind="knowledge_article")] == [tagged.number]
        assert [h.number for h in search.search(s, "forticlient", kind="knowledge_article")] == \
            [tagged.number, mentions.number]
        assert [h.number for h in search.related(s, "не працює VPN")["knowledge_article"]] == [tagged.number]
    with db.write() as s:
        articles.update_article(s, w.admin, tagged.id, keywords="FortiClient")
    with db.read() as s:
        assert search.search(s, "тунель", kind="knowledge_article") == []


def test_the_panel_fills_its_five_articles_with_published_ones_when_drafts_match_better(db):
    from helpdesk_tui.desk import articles
    from helpdesk_tui.store import search

    w = seed(db)
    with db.write() as s:
        published = [articles.create_article(s, w.admin, title=f"Outlook не приймає пароль, випадок {i}",
                                             body="Довгий опис того, що сталося з обліковим записом і як це виправили.",
                                             status="published").number for i in range(5)]
        for status in ("draft", "draft", "retired", "draft", "retired"):
            articles.create_article(s, w.admin, title="Outlook пароль", body="Outlook пароль.", status=status)
    with db.read() as s:
        assert sorted(h.number for h in search.related(s, "Outlook пароль")["knowledge_article"]) == published


def test_postgresql_ranks_only_the_newest_articles_past_the_limit_whatever_the_planner_expected(pg_db, monkeypatch):
    from helpdesk_tui.desk import articles
    from helpdesk_tui.store import search

    w = seed(pg_db)
    with pg_db.write() as s:
        # The oldest says it most often: ranked in full it would come first.
        numbers = [articles.create_article(s, w.admin, title="Принтер " + "принтер " * (4 - i), status="published").number
                   for i in range(4)]
    monkeypatch.setattr(search, "PG_RANK_AT_MOST", {"knowledge_article": 1})
    # The planner's statistics miss short prefixes of many rare words: it expects one match.
    monkeypatch.setattr(search.ESTIMATES, "rows", lambda *_args: 1.0)
    with pg_db.read() as s:
        found = [h.number for h in search.search_page(s, "принтер", kind="knowledge_article").hits]
    assert sorted(found) == numbers[2:]  # the newest two (the limit, and the match at it)
