"""The window of rows a list holds (rule 3): grown a page at a time, trimmed at the far end, the
cursor kept on its record when the rows are read again."""

from __future__ import annotations

from helpdesk_tui.widgets.list_window import MAX_ROWS, ListWindow


def rows(start, n):
    return [{"id": i, "created_at": i} for i in range(start, start + n)]


def test_appending_past_the_limit_trims_the_front_and_keeps_the_cursor_on_its_row():
    w = ListWindow("created_at")
    w.reset(rows(0, 100), more_after=True)
    for page in range(1, 8):
        w.move(100)
        w.append(rows(page * 100, 100), more_after=page < 7)
    assert len(w.rows) == MAX_ROWS
    assert w.more_before and not w.more_after
    assert w.current_row["id"] == 699  # each move stops at the last row held until the next page comes
    assert w.position() == 700  # its place in the whole list is still known
    assert w.head == (200, 200) and w.tail is None


def test_prepending_moves_the_cursor_with_its_row_and_trims_the_back():
    w = ListWindow("created_at")
    w.reset(rows(500, 600), more_after=True, more_before=True, offset=500)
    w.cursor = 3
    w.prepend(rows(400, 100), more_before=True)
    assert w.current_row["id"] == 503 and w.position() == 504
    assert len(w.rows) == MAX_ROWS and w.more_after
    assert w.near_start(30) is False and w.near_end(30) is False


def test_a_refresh_keeps_the_cursor_on_the_same_record_when_rows_appear_above_it():
    w = ListWindow("created_at")
    w.reset(rows(0, 10), more_after=False)
    w.cursor = 4
    w.refreshed([{"id": 99, "created_at": -1}] + rows(0, 10), more_after=False)
    assert w.current_row["id"] == 4 and w.cursor == 5
    w.refreshed(rows(5, 3), more_after=False)  # its record left the list: the nearest place
    assert w.cursor == 2


def test_groups_fold_and_unfold_with_their_rows_and_a_more_line():
    w = ListWindow("created_at")
    w.set_groups([("Перша лінія", 120), (None, 3)])
    assert [line.kind for line in w.lines] == ["group", "group"]
    first = w.groups[0]
    w.toggle(first)
    w.group_rows(first, rows(0, 100), more=True, replace=True)
    assert [line.kind for line in w.lines][:2] == ["group", "row"] and w.lines[101].kind == "more"
    w.set_groups([("Перша лінія", 121), (None, 3)])  # read again: it stays open
    assert w.groups[0].open
    w.toggle(w.groups[0])
    assert len(w.lines) == 2 and w.cursor == 0


def test_sla_cell_counts_down_and_warns_in_the_last_hour():
    from datetime import UTC, datetime, timedelta

    from helpdesk_tui.widgets.list_columns import time_left

    now = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    assert time_left(now + timedelta(days=2, hours=3), now) == ("2d 3h", "")
    assert time_left(now + timedelta(minutes=45), now) == ("45m", "warning")
    assert time_left(now - timedelta(hours=1, minutes=5), now) == ("-1h 5m", "breach")
    assert time_left(None, now) == ("", "")


def test_columns_fit_the_window_dropping_the_least_needed_first():
    from helpdesk_tui.widgets.list_columns import MARKS_WIDTH, layout

    wide = [c.name for c, _w in layout("incident", 160)]
    narrow = layout("incident", 80)
    assert "updated_at" in wide and "updated_at" not in [c.name for c, _w in narrow]
    assert [c.name for c, _w in narrow][:2] == ["number", "priority"]
    assert "short_description" in [c.name for c, _w in narrow]
    assert MARKS_WIDTH + sum(w for _c, w in narrow) + len(narrow) - 1 == 80  # every cell used
