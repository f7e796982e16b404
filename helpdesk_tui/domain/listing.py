"""What a list on the screen shows (which rows, filtered how, in what order) and what a saved
search looks like in a list of them: plain values the interface keeps and the desk reads."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from helpdesk_tui.domain.dashboards import DEFAULT_SORT


@dataclass(frozen=True)
class ListQuery:
    """Which rows a list shows and in what order; the UI keeps one per list."""

    kind: str
    dashboard: str | None = None
    tab: str | None = None
    search_id: int | None = None
    filter_line: str = ""
    quick: tuple[tuple[str, str], ...] = ()
    sort: str | None = None
    desc: bool | None = None
    group: tuple[str, Any] | None = None

    def with_(self, **changes: Any) -> ListQuery:
        return replace(self, **changes)

    @property
    def sort_key(self) -> tuple[str, bool]:
        name, default_desc = DEFAULT_SORT
        if self.sort is None:
            return name, default_desc if self.desc is None else self.desc
        return self.sort, bool(self.desc)


@dataclass(frozen=True)
class SearchInfo:
    id: int
    name: str
    kind: str
    personal: bool
    favourite: bool
    filter: str


def cursor_column(sort: str) -> str:
    """The column of a page's rows that holds what the list is sorted by, when that is not the
    value shown (a person's sort key behind the name); a list's next page starts after it."""
    return f"{sort}__order"
