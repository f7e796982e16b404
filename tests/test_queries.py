"""Dashboard tabs, keyset pages, sorting, grouping, filters and saved searches (R9–R15)."""

from __future__ import annotations

import pytest

from helpdesk_tui.desk import incidents, searches
from helpdesk_tui.desk.searches import parse_for
from helpdesk_tui.domain.errors import PermissionDenied, RuleViolation
from helpdesk_tui.domain.collation import person_sort_key
from helpdesk_tui.store import queries
from helpdesk_tui.store.queries import Viewer
from tests.world import seed_desk


@pytest.fixture
def desk(db):
    return seed_desk(db)


def _tab(db, w, board, tab, who=None):
    who = who or w.analyst
    with db.read() as s:
        viewer = Viewer.load(s, who.id)
        page = queries.tab_page(s, board, tab, viewer, with_total=True)
    return [r["short_description"] for r in page.rows], page.total


def test_analyst_dashboard_tabs(desk):
    db, w, _ = desk
    assert _tab(db, w, "analyst", "unclassified") == (["unclassified"], 1)
    assert _tab(db, w, "analyst", "team-unassigned") == (["classified-unassigned", "unclassified"], 2)
    assert _tab(db, w, "analyst", "my-action") == (["mine-registered"], 1)
    assert _tab(db, w, "analyst", "awaiting") == (["mine-resolved", "mine-waiting"], 2)
    # The colleague sees their own work, not the analyst's.
    assert _tab(db, w, "analyst", "my-action", w.colleague) == (["colleagues"], 1)
    # The second line sees its own team only.
    assert _tab(db, w, "analyst", "team-unassigned", w.specialist) == (["Принтер у 204"], 1)
    with db.read() as s:  # the kept statement (values written in) reads what a fresh one reads, typed alike
        viewer = Viewer.load(s, w.analyst.id)
        for board in queries.DASHBOARDS.values():
            for tab in board.tabs:
                kept = queries.tab_page(s, board.key, tab.key, viewer).rows
                assert kept == queries.page(s, tab.kind, tab.where(viewer), viewer=viewer).rows
                assert all(r["created_at"].tzinfo is not None and isinstance(r["unread"], bool) for r in kept)


def test_a_kept_first_page_statement_still_reads_fresh_rows_and_only_for_its_viewer(desk):
    db, w, _ = desk
    assert _tab(db, w, "analyst", "team-unassigned") == (["classified-unassigned", "unclassified"], 2)
    with db.write() as s:
        incidents.register_incident(s, w.analyst, short_description="щойно", group=w.first_line)
    assert _tab(db, w, "analyst", "team-unassigned") == (["щойно", "classified-unassigned", "unclassified"], 3)
    assert _tab(db, w, "analyst", "team-unassigned", w.specialist) == (["Принтер у 204"], 1)


def test_team_dashboard_and_tab_counts(desk):
    db, w, _ = desk
    names, total = _tab(db, w, "incidents-requests", "team-incidents")
    assert total == 6 and "mine-closed" not in names and "Принтер у 204" not in names
    assert _tab(db, w, "incidents-requests", "team-tasks") == (["Подзвонити"], 1)
    with db.read() as s:
        counts = queries.tab_counts(s, "tasks", Viewer.load(s, w.specialist.id))
    assert counts == {"team-unassigned": 1, "team-assigned": 0, "my-active": 0, "my-done": 0}


def test_unread_bar_only_for_the_owner(desk):
    db, w, made = desk
    from helpdesk_tui.desk import notes

    with db.write() as s:
        notes.add_note(s, w.colleague, made["mine-registered"], summary="", text="Гляньте логи")
    with db.read() as s:
        rows = queries.tab_page(s, "analyst", "my-action", Viewer.load(s, w.analyst.id)).rows
        theirs = queries.page(s, "incident", None, viewer=Viewer.load(s, w.colleague.id)).rows
    assert rows[0]["unread"]
    assert not any(r["unread"] for r in theirs)


@pytest.mark.parametrize("column", list(queries.INCIDENTS.columns))
@pytest.mark.parametrize("desc", [False, True])
def test_keyset_pages_cover_every_row_once_in_order(desk, column, desc):
    db, w, _ = desk
    with db.read() as s:
        whole = queries.page(s, "incident", None, sort=column, desc=desc, limit=1000).rows
        seen, cursor = [], None
        while True:
            page = queries.page(s, "incident", None, sort=column, desc=desc, after=cursor, limit=3)
            seen += page.rows
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        # And back again from the end.
        back = queries.page(s, "incident", None, sort=column, desc=desc, before=page.prev_cursor, limit=3) \
            if page.prev_cursor else None
    assert [r["id"] for r in seen] == [r["id"] for r in whole]
    values = [r[column] for r in whole if r[column] is not None]
    # People sort by surname in the Ukrainian alphabet, not by the name's code points.
    person = queries.INCIDENTS.column(column).order is not None
    assert values == sorted(values, key=person_sort_key if person else None, reverse=desc)
    if queries.INCIDENTS.column(column).nullable:
        assert all(r[column] is not None for r in whole[: len(values)])  # empty values come last
    if back is not None:
        assert [r["id"] for r in back.rows] == [r["id"] for r in seen[-len(page.rows) - len(back.rows):-len(page.rows)]]


@pytest.mark.parametrize("kind", list(queries.SOURCES))
def test_names_read_the_same_whether_the_page_joins_them_or_looks_them_up(desk, kind):
    """A page sorted by its own column looks names up per row; one sorted by a name joins them."""
    db, w, made = desk
    src = queries.source(kind)
    names = [c.name for c in src.columns.values() if c.joined]
    with db.read() as s:
        looked_up = {r["id"]: r for r in queries.page(s, kind, None, limit=1000).rows}
        for name in names:
            joined = {r["id"]: r for r in queries.page(s, kind, None, sort=name, limit=1000).rows}
            assert joined.keys() == looked_up.keys()
            assert {i: r[name] for i, r in joined.items()} == {i: r[name] for i, r in looked_up.items()}
    if kind == "task":
        assert [r["parent"] for r in looked_up.values()] == [made["mine-registered"].number] * 2
    if kind == "incident":
        callers = {r["caller"] for r in looked_up.values()}
        assert w.caller.full_name in callers and any(r["owner"] is None for r in looked_up.values())


def test_group_by_a_column_with_counts(desk):
    db, w, _ = desk
    with db.read() as s:
        groups = {g.value: g.count for g in queries.group_counts(s, "incident", "status")}
    assert groups == {"registered": 5, "info_needed": 1, "resolved": 1, "closed": 1}


def _filter(db, w, line, kind="incident"):
    with db.read() as s:
        viewer = Viewer.load(s, w.analyst.id)
        where = queries.compile_filter(s, kind, parse_for(kind, line), viewer)
        return sorted(r["short_description"] for r in queries.page(s, kind, where, viewer=viewer).rows)


def test_filters_fold_ukrainian_case_and_resolve_names(desk):
    db, w, _ = desk
    assert _filter(db, w, "принтер") == ["Принтер у 204"]
    assert _filter(db, w, "ПРИНТЕР") == ["Принтер у 204"]
    assert _filter(db, w, 'status:Зареєстровано group:"перша лінія підтримки контакт-центр" owner:me') == ["mine-registered"]
    assert _filter(db, w, "priority<=1") == ["classified-unassigned"]
    assert _filter(db, w, "owner: -status:closed,cancelled group~перша") == ["classified-unassigned", "unclassified"]
    assert _filter(db, w, "status:info_needed,resolved") == ["mine-resolved", "mine-waiting"]
    assert _filter(db, w, "status:Завершено", kind="task") == []


def test_names_in_filters_match_as_an_analyst_types_them(desk):
    db, w, _ = desk
    # The hint the filter line and the README show, in Ukrainian field names.
    assert _filter(db, w, 'статус:Зареєстровано група:"Перша лінія" owner:me') == ["mine-registered"]
    assert _filter(db, w, 'група:"перша лін" власник:Петренко -статус:closed') == [
        "mine-registered", "mine-resolved", "mine-waiting"]
    assert _filter(db, w, "group:Друга") == ["Принтер у 204"]  # a unique beginning is enough
    assert _filter(db, w, "owner:Коваль,Петренко status:registered") == ["colleagues", "mine-registered"]
    with pytest.raises(RuleViolation, match=r"«лінія» could mean «Друга лінія підтримки», «Перша лінія підтримки"):
        _filter(db, w, "group:лінія")
    with pytest.raises(RuleViolation, match=r"Work group: none is called «Третя»; for example: «Друга лінія"):
        _filter(db, w, "група:Третя")


def test_filters_refuse_unknown_fields_and_values(desk):
    db, w, _ = desk
    with db.read() as s:
        from helpdesk_tui.domain.filters import Condition, Filter

        with pytest.raises(RuleViolation, match="Unknown field"):
            queries.compile_filter(s, "incident", Filter((Condition("password_hash", "=", "x"),)))
        with pytest.raises(RuleViolation, match="status"):
            queries.compile_filter(s, "incident", parse_for("incident", "status:nonsense"))
        with pytest.raises(RuleViolation, match="number"):
            queries.compile_filter(s, "incident", parse_for("incident", "priority:high"))


def test_saved_searches_personal_predefined_and_favourites(desk):
    db, w, _ = desk
    with db.write() as s:
        searches.install_predefined(s)
        mine = searches.save_search(s, w.analyst, name="Мої зареєстровані", kind="incident",
                                    flt=parse_for("incident", "status:registered owner:me"))
        searches.save_search(s, w.colleague, name="Її пошук", kind="incident", flt=parse_for("incident", "priority:1"))
        searches.set_favourite(s, w.analyst, mine, True)
    with db.read() as s:
        visible = searches.visible_searches(s, w.analyst)
    names = [x.name for x, _fav in visible]
    assert names[0] == "Мої зареєстровані" and visible[0][1] is True
    assert "Її пошук" not in names and "Registered, first line" in names
    with db.read() as s:
        search = searches.find_search(s, w.analyst, "мої зареєстровані")
        where = queries.compile_filter(s, "incident", searches.search_filter(search), Viewer.load(s, w.analyst.id))
        rows = queries.page(s, "incident", where).rows
    assert [r["short_description"] for r in rows] == ["mine-registered"]
    with pytest.raises(PermissionDenied), db.write() as s:
        theirs = searches.find_search(s, w.colleague, "Її пошук")
        searches.delete_search(s, w.analyst, theirs)
    with db.write() as s:
        searches.rename_search(s, w.analyst, searches.find_search(s, w.analyst, "Мої зареєстровані"), "Нові мої")
        searches.delete_search(s, w.analyst, searches.find_search(s, w.analyst, "Нові мої"))
    with db.read() as s:
        assert "Нові мої" not in [x.name for x, _f in searches.visible_searches(s, w.analyst)]


def test_the_manuals_predefined_search_finds_the_first_line_registered(desk):
    db, w, _ = desk
    with db.write() as s:
        searches.install_predefined(s)
        assert searches.install_predefined(s) == 0  # idempotent
    with db.read() as s:
        search = searches.find_search(s, w.analyst, "Registered, first line")
        where = queries.compile_filter(s, "incident", searches.search_filter(search), Viewer.load(s, w.analyst.id))
        names = sorted(r["short_description"] for r in queries.page(s, "incident", where).rows)
    assert names == ["classified-unassigned", "colleagues", "mine-registered", "unclassified"]


def test_cursor_round_trip_and_damage():
    from datetime import UTC, datetime

    moment = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert queries.decode_cursor(queries.encode_cursor((moment, 5))) == (moment, 5)
    assert queries.decode_cursor(queries.encode_cursor(("Зареєстровано", 7))) == ("Зареєстровано", 7)
    with pytest.raises(RuleViolation):
        queries.decode_cursor("not-a-cursor")


def test_pages_from_the_end_and_from_a_kept_row_on_a_nullable_sort(desk):
    """The list's End key and a refresh that keeps its place, with nulls last both ways."""
    db, w, _made = desk
    with db.read() as s:
        forward = []
        page = queries.page(s, "incident", None, sort="priority", limit=3)
        while True:
            forward += [(r["priority"], r["id"]) for r in page.rows]
            if page.next_cursor is None:
                break
            page = queries.page(s, "incident", None, sort="priority", after=page.next_cursor, limit=3)
        assert forward[-1][0] is None and forward[0][0] is not None  # nulls last
        last = queries.page(s, "incident", None, sort="priority", last=True, limit=3)
        assert [(r["priority"], r["id"]) for r in last.rows] == forward[-3:]
        assert last.next_cursor is None and last.prev_cursor is not None
        back = []
        page = last
        while page.prev_cursor is not None:
            page = queries.page(s, "incident", None, sort="priority", before=page.prev_cursor, limit=3)
            back = [(r["priority"], r["id"]) for r in page.rows] + back
        assert back + [(r["priority"], r["id"]) for r in last.rows] == forward
        again = queries.page(s, "incident", None, sort="priority", start=forward[4], limit=3)
        assert [(r["priority"], r["id"]) for r in again.rows] == forward[4:7]
        at_null = queries.page(s, "incident", None, sort="priority", start=forward[-1], limit=3)
        assert [(r["priority"], r["id"]) for r in at_null.rows] == forward[-1:]
