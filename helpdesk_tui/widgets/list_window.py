"""The part of a list a RecordList holds (rule 3): a window of rows around the cursor, grown a
page at a time at either end and trimmed at the other, or, grouped, the groups with the rows
of the unfolded ones. Plain Python, so the paging rules are tested without a terminal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from helpdesk_tui.domain.listing import cursor_column

MAX_ROWS = 600  # a few pages around the cursor; the rest stays in the database


@dataclass
class GroupState:
    value: Any
    count: int
    open: bool = False
    rows: list[dict[str, Any]] = field(default_factory=list)
    more: bool = False
    loading: bool = False


@dataclass(frozen=True)
class Line:
    kind: str  # "row", "group" or "more"
    row: dict[str, Any] | None = None
    group: GroupState | None = None


class ListWindow:
    def __init__(self, sort_name: str) -> None:
        self.sort_name = sort_name
        self.rows: list[dict[str, Any]] = []
        self.more_before = False
        self.more_after = False
        self.offset: int | None = 0  # the position of rows[0] in the whole list, when known
        self.groups: list[GroupState] | None = None
        self.lines: list[Line] = []
        self.cursor = 0
        self.top = 0
        self.loaded = False

    # --- keys for the next pages --------------------------------------------------------

    def key(self, row: dict[str, Any]) -> tuple[Any, int]:
        # A list sorted by a person continues after their sort key, not after the name shown.
        order = cursor_column(self.sort_name)
        return (row[order] if order in row else row[self.sort_name]), row["id"]

    @property
    def head(self) -> tuple[Any, int] | None:
        return self.key(self.rows[0]) if self.rows and self.more_before else None

    @property
    def tail(self) -> tuple[Any, int] | None:
        return self.key(self.rows[-1]) if self.rows and self.more_after else None

    # --- flat lists -----------------------------------------------------------------------

    def reset(self, rows: list[dict[str, Any]], *, more_after: bool, more_before: bool = False,
              offset: int | None = 0, at_end: bool = False) -> None:
        self.groups = None
        self.rows = list(rows)
        self.more_after, self.more_before, self.offset = more_after, more_before, offset
        self.loaded = True
        self._rebuild()
        self.cursor = len(self.lines) - 1 if at_end and self.lines else 0
        self.top = 0

    def append(self, rows: list[dict[str, Any]], *, more_after: bool) -> None:
        self.rows.extend(rows)
        self.more_after = more_after
        extra = len(self.rows) - MAX_ROWS
        if extra > 0:
            del self.rows[:extra]
            self.more_before = True
            self.cursor, self.top = max(self.cursor - extra, 0), max(self.top - extra, 0)
            if self.offset is not None:
                self.offset += extra
        self._rebuild()

    def prepend(self, rows: list[dict[str, Any]], *, more_before: bool) -> None:
        self.rows[:0] = rows
        self.more_before = more_before
        self.cursor += len(rows)
        self.top += len(rows)
        if self.offset is not None:
            self.offset = max(self.offset - len(rows), 0)
        extra = len(self.rows) - MAX_ROWS
        if extra > 0:
            del self.rows[-extra:]
            self.more_after = True
        self._rebuild()

    def refreshed(self, rows: list[dict[str, Any]], *, more_after: bool) -> None:
        """The same stretch of the list read again; the cursor stays on its record if it is there."""
        current = self.current_row
        keep_id = current["id"] if current else None
        index = self.cursor
        self.rows = list(rows)
        self.more_after = more_after
        self._rebuild()
        ids = [line.row["id"] if line.row else None for line in self.lines]
        if keep_id is not None and keep_id in ids:
            shift = ids.index(keep_id) - index
            self.cursor, self.top = index + shift, max(self.top + shift, 0)
        else:
            self.cursor = min(index, max(len(self.lines) - 1, 0))

    # --- grouped lists --------------------------------------------------------------------

    def set_groups(self, groups: list[tuple[Any, int]]) -> None:
        """The groups of a grouped list; those open before stay open (their rows are reloaded)."""
        was_open = {g.value for g in self.groups or [] if g.open}
        self.groups = [GroupState(value, count, open=value in was_open) for value, count in groups]
        self.rows = []
        self.loaded = True
        self._rebuild()
        self.cursor = min(self.cursor, max(len(self.lines) - 1, 0))

    def group_rows(self, group: GroupState, rows: list[dict[str, Any]], *, more: bool, replace: bool) -> None:
        group.rows = list(rows) if replace else group.rows + list(rows)
        group.more, group.loading = more, False
        self._rebuild()

    def toggle(self, group: GroupState, open_: bool | None = None) -> None:
        group.open = (not group.open) if open_ is None else open_
        self._rebuild()
        self.cursor = next(i for i, line in enumerate(self.lines) if line.group is group and line.kind == "group")

    # --- lines and the cursor ---------------------------------------------------------------

    def _rebuild(self) -> None:
        if self.groups is None:
            self.lines = [Line("row", row=r) for r in self.rows]
            return
        lines: list[Line] = []
        for g in self.groups:
            lines.append(Line("group", group=g))
            if g.open:
                lines.extend(Line("row", row=r, group=g) for r in g.rows)
                if g.more or g.loading:
                    lines.append(Line("more", group=g))
        self.lines = lines

    @property
    def current(self) -> Line | None:
        return self.lines[self.cursor] if 0 <= self.cursor < len(self.lines) else None

    @property
    def current_row(self) -> dict[str, Any] | None:
        line = self.current
        return line.row if line is not None else None

    def move(self, delta: int) -> None:
        if self.lines:
            self.cursor = min(max(self.cursor + delta, 0), len(self.lines) - 1)

    def show_cursor(self, height: int) -> None:
        height = max(height, 1)
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + height:
            self.top = self.cursor - height + 1
        self.top = max(min(self.top, max(len(self.lines) - height, 0)), 0)

    def near_end(self, height: int) -> bool:
        return self.groups is None and self.more_after and self.cursor >= len(self.lines) - 2 * max(height, 1)

    def near_start(self, height: int) -> bool:
        return self.groups is None and self.more_before and self.cursor < 2 * max(height, 1)

    def position(self) -> int | None:
        """The cursor's place in the whole list (1-based), when it is known."""
        if self.groups is not None or self.offset is None or not self.lines:
            return None
        return self.offset + self.cursor + 1
