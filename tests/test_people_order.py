"""Lists sorted by a person come in Ukrainian alphabetical order by surname (R13), on both
engines, in the terminal and on the command line, page after page."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from helpdesk_tui.desk import admin, incidents
from helpdesk_tui.store import queries

from tests.tui import drive, list_settled, wait_for, wait_text, workspace_ready
from tests.world import seed

# As they registered; the order people expect is by surname: Бондар, Гнатюк (Андрій, then Іван),
# Ґудзь, Єрмак, Їжакевич, Коваленко, Коваль. «Іван…» before «Андрій…» and «Їжакевич» before
# «Гнатюк» were what code-point order and first names gave.
CALLERS = ["Іван Їжакевич", "Андрій Гнатюк", "Марія Коваль", "Іван Гнатюк", "Ганна Ґудзь", "Андрій Коваленко",
           "Єва Бондар", "Олег Єрмак"]
EXPECTED = ["Єва Бондар", "Андрій Гнатюк", "Іван Гнатюк", "Ганна Ґудзь", "Олег Єрмак", "Іван Їжакевич",
            "Андрій Коваленко", "Марія Коваль"]


@pytest.fixture
def callers(db):
    w = seed(db)
    with db.write() as s:
        for n, name in enumerate(CALLERS):
            person = admin.create_person(s, w.admin, login=f"c{n}", full_name=name)
            incidents.register_incident(s, w.analyst, caller=person, short_description=f"Звернення {n}",
                                        group=w.first_line)
        incidents.register_incident(s, w.analyst, short_description="Без користувача", group=w.first_line)
    return db, w


def _all_pages(db, *, desc: bool, limit: int = 3) -> list[str | None]:
    names: list[str | None] = []
    after = None
    with db.read() as s:
        while True:
            page = queries.page(s, "incident", sort="caller", desc=desc, after=after, limit=limit)
            names += [r["caller"] for r in page.rows]
            if page.next_cursor is None:
                return names
            after = page.next_cursor


def test_caller_order_is_ukrainian_by_surname_page_after_page(callers):
    db, _w = callers
    # An incident without a caller sorts after every name (its key is never NULL, so the order
    # is an index's): last from А to Я, first from Я to А.
    assert _all_pages(db, desc=False) == [*EXPECTED, None]
    assert _all_pages(db, desc=True) == [None, *EXPECTED[::-1]]


def test_a_renamed_caller_moves_in_the_list(callers):
    db, w = callers
    with db.write() as s:
        person = s.execute(text("SELECT id FROM person WHERE login = 'c6'")).scalar_one()
        admin.update_person(s, w.admin, s.get(type(w.admin), person), full_name="Єва Яворська")
    assert _all_pages(db, desc=False)[:-1] == [*EXPECTED[1:], "Єва Яворська"]


def test_the_sort_key_is_compared_byte_by_byte_on_postgresql(pg_db):
    with pg_db.read() as s:
        collations = dict(s.execute(text(
            "SELECT table_name || '.' || column_name, collation_name FROM information_schema.columns "
            "WHERE column_name IN ('sort_key', 'caller_sort')")).all())
    assert collations == {"person.sort_key": "C", "incident.caller_sort": "C"}


def test_a_list_sorted_by_caller_reads_an_index_not_every_row(sqlite_db):
    """At a million incidents a page sorted by caller must stay an index range (docs/benchmarks.md)."""
    stmt, _spec, _back = queries.page_statement("incident", sort="caller", desc=False)
    sql = queries.written_sql(stmt, sqlite_db.engine.dialect)
    with sqlite_db.read() as s:
        plan = " ".join(str(row[-1]) for row in s.execute(text("EXPLAIN QUERY PLAN " + sql)))
    # The page's ids come from the index in order; only the 101 rows found are ordered again.
    ids = plan[plan.index("LIST SUBQUERY"):plan.index("CORRELATED SCALAR SUBQUERY")]
    assert "USING COVERING INDEX ix_incident_caller_sort" in ids and "TEMP B-TREE" not in ids, plan


def test_the_terminal_sorts_by_caller_in_ukrainian(callers):
    db, _w = callers
    from helpdesk_tui.i18n import current_language, set_language

    before = current_language()
    set_language("uk")

    async def scenario(app, pilot):
        screen = await workspace_ready(pilot)
        await pilot.press("2")  # my team's active incidents: all of them
        await list_settled(pilot)
        await pilot.press("s")
        await wait_text(pilot, "Сортувати за")
        values = [value for value, _label in app.screen.choices]
        await pilot.press("home", *(["down"] * values.index("caller")), "enter")
        await list_settled(pilot)
        await wait_for(pilot, lambda: screen.current.query_.sort_key == ("caller", False))
        shown = [line.row["caller"] for line in screen.current.window.lines if line.row]
        assert shown == [*EXPECTED, None]

    try:
        drive(db, scenario)
    finally:
        set_language(before)


def test_the_command_line_sorts_by_caller_the_same_way(callers, capsys):
    from helpdesk_tui.cli import main

    db, _w = callers
    assert main(["--db", db.url, "--as", "ivan", "incident", "list", "--sort", "caller", "--asc", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [r["caller"] for r in rows] == [*EXPECTED, None]
    assert all(not k.endswith("__order") for r in rows for k in r)



def test_groups_of_callers_of_the_same_size_come_in_the_same_order(callers):
    db, _w = callers
    with db.read() as s:
        groups = queries.group_counts(s, "incident", "caller")
    assert [g.value for g in groups if g.value is not None] == EXPECTED


def test_migration_0009_gives_existing_people_and_incidents_their_keys(callers):
    """A desk upgraded from 0008 sorts its existing callers the same way as a new one."""
    from alembic import command

    from helpdesk_tui.store import migrate

    db, _w = callers
    command.downgrade(migrate.alembic_config(db), "0008")
    migrate.upgrade(db)
    assert migrate.is_current(db)
    assert _all_pages(db, desc=False) == [*EXPECTED, None]
