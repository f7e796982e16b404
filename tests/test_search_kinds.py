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
