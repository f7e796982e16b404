"""Full-text search (R4): what an analyst types finds what the desk already knows, in Ukrainian."""

from __future__ import annotations

import json

import pytest

from helpdesk_tui.desk import incidents, knowledge
from helpdesk_tui.domain.search_terms import alternatives, fold, parse, stem
from helpdesk_tui.store import bulk, morphology, search
from tests.search_recall import DOCUMENTS, RECALL
from tests.world import seed

def _incidents(db, w, documents=DOCUMENTS) -> dict[str, int]:
    ids = {}
    with db.write() as s:
        for key, (short, description) in documents.items():
            ids[key] = incidents.register_incident(s, w.analyst, caller=w.caller, short_description=short,
                                                   description=description, group=w.first_line).id
    return ids


def test_query_words_fold_case_and_apostrophes_and_keep_ukrainian_letters():
    assert fold("КОМП’ЮТЕР") == fold("комп'ютер") == fold("компʼютер") == "компютер"
    assert stem("принтерів") == stem("принтера") == "принтер"
    assert stem("друкують") == stem("друкувати") == "друк"
    # «не» says nothing; a one-letter fragment is not a word yet.
    assert parse("Не працює п").prefixes == ("прац",)
    assert parse("ґанок").prefixes != parse("ганок").prefixes


def test_a_query_word_is_looked_for_in_its_dictionary_forms_too():
    # «входу» and «вхід» alternate inside the stem: no cut of one is a prefix of the other.
    (group,) = search.query_terms("входу").groups
    assert group[0] == stem("входу") and stem("вхід") in group
    assert search.fts_match(search.query_terms("входу")) == '("вход"* OR "вхід"*)'
    assert search.ts_query(search.query_terms("вхід систему")) == "('вхід':* | 'вход':*) & 'систем':*"
    # The dictionary spells «комп'ютер» with its apostrophe; the prefixes are folded as the index is.
    assert search.query_terms("Комп’ютера").prefixes == ("компютер",)
    # A word the dictionary does not know, or whose forms its stem already covers, is as before.
    assert search.query_terms("принтерів").groups == (("принтер",),)
    assert search.query_terms("вхід входу").groups == search.query_terms("вхід").groups


def test_a_dictionary_forms_group_is_minimal_and_capped():
    table = ("стіл", "стола", "столу", "столові", "столом", "столі", "столи", "столів", "столами")
    # The stemmer cuts «стола» to «сто» (a verb's «-ла»); the forms beginning so say «стол».
    assert alternatives("стіл", (table,)) == ("стіл", "стол")
    assert alternatives("принтер", (("принтер", "принтера", "принтером"),)) == ("принтер",)
    # At most four, each lexeme's best in turn: «Київ» is not crowded out by «кий».
    cue = ("кий", "кия", "києві", "кию", "києм", "киї", "київ", "киям", "киями", "киях")
    kyiv = ("київ", "києва", "київа", "києву", "київі", "києвом", "києві", "києве")
    group = alternatives("києві", (cue, kyiv))
    assert len(group) == 4 and group[0] == "києв"
    assert all(any(form.startswith(p) for p in group) for form in kyiv)


def test_without_the_dictionary_the_query_is_the_stemmers(monkeypatch):
    monkeypatch.setattr(morphology, "analyzer", lambda: None)
    for typed in ("входу", "Не можу здійснити вхід у систему", "картці столом"):
        assert search.query_terms(typed) == parse(typed)
        assert all(len(g) == 1 for g in search.query_terms(typed).groups)
    assert search.fts_match(search.query_terms("вхід у систему")) == '"вхід"* AND "систем"*'
    assert search.ts_query(search.query_terms("вхід у систему")) == "'вхід':* & 'систем':*"


@pytest.mark.parametrize(("typed", "key"), [("входу", "login"), ("вхід", "login"), ("столом", "desk"),
                                            ("стіл", "desk_used"), ("картці", "card"), ("картка", "card_used")])
def test_alternating_forms_are_found_by_the_panel_and_the_full_search(db, typed, key):
    w = seed(db)
    ids = _incidents(db, w, {
        "login": ("Не можу здійснити вхід у систему", ""), "desk": ("Зламався стіл у переговорній", ""),
        "desk_used": ("Під столом іскрить подовжувач", ""), "card": ("Не зчитується картка доступу", ""),
        "card_used": ("На картці стерся чип", ""), "other": ("Сторінка не вантажиться", ""),
    })
    with db.read() as s:
        assert ids[key] in [h.id for h in search.related(s, typed)["incident"]]
        assert ids[key] in [h.id for h in search.search(s, typed)]
        # «стіл» is not «сто…»: the stemmer's short cut of «стола» is not one of its prefixes.
        assert ids["other"] not in [h.id for h in search.search(s, typed)]


def test_recall_on_inflected_capitalised_queries(db):
    w = seed(db)
    ids = _incidents(db, w)
    missed = []
    with db.read() as s:
        for query, expected in RECALL:
            found = [h.id for h in search.related(s, query)["incident"]]
            if ids[expected] not in found[:3]:
                missed.append((query, expected, found))
    assert missed == [], f"not in the first three: {missed}"


def test_a_title_match_ranks_above_a_body_match(db):
    w = seed(db)
    ids = _incidents(db, w, {
        "body": ("Не відкривається програма", "Принтер тут ні до чого, але згаданий у тексті."),
        "title": ("Принтер не друкує", "Щось сталося"),
    })
    with db.read() as s:
        assert [h.id for h in search.search(s, "принтер")] == [ids["title"], ids["body"]]
        assert [h.id for h in search.related(s, "принтер")["incident"]] == [ids["title"], ids["body"]]


def test_ukrainian_letters_are_not_accented_russian_ones(db):
    w = seed(db)
    _incidents(db, w, {"porch": ("Ґанок слизький", ""), "hedgehog": ("Їжак у серверній", "")})
    with db.read() as s:
        assert [h.title for h in search.search(s, "ґанок")] == ["Ґанок слизький"]
        assert search.search(s, "ганок") == []
        assert search.search(s, "іжак") == []


def test_the_index_follows_edits_and_deletions(db):
    w = seed(db)
    ids = _incidents(db, w, {"a": ("Не працює сканер", "")})
    with db.write() as s:
        inc = s.get(incidents.Incident, ids["a"])
        inc.short_description = "Не працює плотер"
        s.add(inc)
    with db.read() as s:
        assert search.search(s, "сканер") == []
        assert [h.id for h in search.search(s, "плотер")] == [ids["a"]]
    with db.write() as s:
        s.delete(s.get(incidents.Incident, ids["a"]))
    with db.read() as s:
        assert search.search(s, "плотер") == []


def test_related_items_come_per_kind_with_solutions_and_skip_drafts_and_the_record_itself(db):
    w = seed(db)
    ids = _incidents(db, w, {"mail": DOCUMENTS["mail"]})
    with db.write() as s:
        published = knowledge.create_article(s, w.admin, title="Outlook щоразу просить пароль",
                                             body="Буває після зміни пароля домену.",
                                             solution="Видаліть збережені облікові дані у Диспетчері облікових даних.")
        knowledge.create_article(s, w.admin, title="Чернетка: пароль Outlook", published=False)
        problem = knowledge.create_problem(s, w.admin, short_description="Outlook втрачає пароль після оновлення",
                                           workaround="Перезапустити Outlook.")
    with db.read() as s:
        found = search.related(s, "Outlook пароль")
        assert [h.number for h in found["knowledge_article"]] == [published.number]
        assert found["knowledge_article"][0].solution.startswith("Видаліть збережені")
        assert [h.number for h in found["problem"]] == [problem.number]
        assert found["problem"][0].solution == "Перезапустити Outlook."
        assert [h.id for h in found["incident"]] == [ids["mail"]]
        assert search.related(s, "Outlook пароль", exclude=("incident", ids["mail"]))["incident"] == []
        assert search.related(s, "не в")["incident"] == []


def test_suggestions_rank_only_the_newest_matches_but_explicit_search_ranks_all(db, monkeypatch):
    w = seed(db)
    old = _incidents(db, w, {"old": ("Принтер принтер принтер", "")})["old"]
    newer = _incidents(db, w, {f"n{i}": (f"Принтер у кімнаті {i}", "") for i in range(4)})
    monkeypatch.setattr(search, "CANDIDATES", 3)
    with db.read() as s:
        suggested = [h.id for h in search.related(s, "принтер")["incident"]]
        assert old not in suggested and len(suggested) == 3
        assert all(i in newer.values() for i in suggested)
        assert search.search(s, "принтер")[0].id == old
        assert len(search.search(s, "принтер", limit=2, offset=4)) == 1


def test_a_bulk_import_is_searchable(db):
    w = seed(db)
    rows = [{"number": f"INC9{i:06d}", "caller_id": w.caller.id, "short_description": f"Імпортований принтер {i}",
             "description": "З іншої системи", "group_id": w.first_line.id} for i in range(30)]
    bulk.insert_incidents(db, bulk.incident_tuples(rows, db.dialect), rebuild_indexes=True)
    ids = _incidents(db, w, {"after": ("Принтер після імпорту", "")})
    with db.read() as s:
        found = search.search(s, "імпортованого принтера", limit=100)
        assert len(found) == 30
        assert [h.id for h in search.search(s, "принтер після")] == [ids["after"]]


@pytest.mark.parametrize("typed", ['"', "*", "AND OR NOT", "(((", "' & |", "NEAR(a b)", "^ю", "пошта:*"])
def test_query_syntax_typed_by_a_user_is_just_text(db, typed):
    w = seed(db)
    _incidents(db, w, {"m": DOCUMENTS["mail"]})
    with db.read() as s:
        # Operators of the engines' query languages are neither obeyed nor an error.
        expected = [1] if "пошта" in typed else []
        assert [h.id for h in search.related(s, typed)["incident"]] == expected
        assert [h.id for h in search.search(s, typed)] == expected


def test_helpdesk_search_find_from_the_shell(db, capsys):
    from helpdesk_tui.cli import main

    w = seed(db)
    ids = _incidents(db, w, {"mail": DOCUMENTS["mail"], "printer": DOCUMENTS["printer"]})
    code = main(["--db", db.url, "--lang", "en", "--as", "ivan", "search", "find", "Пошти OUTLOOK", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    found = json.loads(out)
    assert [x["number"] for x in found] == [f"INC{ids['mail']:07d}"]
    assert found[0]["title"] == "Не працює пошта в Outlook"
    code = main(["--db", db.url, "--lang", "en", "--as", "ivan", "search", "find", "сканер", "--kind", "article"])
    out, err = capsys.readouterr()
    assert code == 0 and "Nothing found for «сканер»" in out
    code = main(["--db", db.url, "--lang", "en", "--as", "ivan", "search", "find", "x", "--kind", "ticket"])
    out, err = capsys.readouterr()
    assert code != 0 and "Unknown kind «ticket»" in err and "Traceback" not in err


def test_postgresql_reads_a_window_of_the_newest_rows_then_asks_the_index(pg_db, monkeypatch):
    w = seed(pg_db)
    ids = _incidents(pg_db, w, {f"p{i}": (f"Принтер номер {i}", "") for i in range(3)})
    _incidents(pg_db, w, {f"o{i}": (f"Сканер {i}", "") for i in range(4)})
    monkeypatch.setattr(search, "PG_BIG_TABLE", 0)
    monkeypatch.setattr(search, "PG_WINDOW", 3)  # the three newest are scanners
    with pg_db.read() as s:
        found = [h.id for h in search.related(s, "принтери", per_kind={"incident": 2})["incident"]]
        assert found == [ids["p2"], ids["p1"]]
        found = [h.id for h in search.related(s, "сканер", per_kind={"incident": 2})["incident"]]
        assert len(found) == 2


def test_past_the_ranking_limit_the_newest_matches_are_ranked_and_the_page_says_so(db, monkeypatch):
    w = seed(db)
    ids = _incidents(db, w, {f"n{i}": ("Принтер " + "принтер " * (3 - i), "") for i in range(4)})
    with db.read() as s:
        page = search.search_page(s, "принтер")
        assert not page.newest_only and sorted(h.id for h in page.hits) == sorted(ids.values())
    monkeypatch.setattr(search, "RANK_AT_MOST", 0)
    with db.read() as s:
        page = search.search_page(s, "принтер")
        assert page.newest_only and page.matches >= 1
        assert [h.id for h in page.hits] == [ids["n3"]]
