"""Which columns a list shows at a given width, and each cell's text (always literal: rule 7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.cells import cell_len, set_cell_size

from helpdesk_tui.domain.clock import utcnow
from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.field_values import shown_value
from helpdesk_tui.domain.statuses import status_label
from helpdesk_tui.domain.text import printable
from helpdesk_tui.i18n import N_, _

SHORT_ROOM = 50  # what the short description keeps before an optional column is shown
MARKS_WIDTH = 2  # the unread bar and the whose-turn dot before the number
SLA_WARNING_SECONDS = 3600


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    width: int
    flex: int = 0
    drop: int = 0  # the higher, the sooner it goes when the terminal is narrow
    # Shown only while the short description keeps SHORT_ROOM cells beside it: on a wide terminal.
    optional: bool = False


COLUMNS: dict[str, tuple[Column, ...]] = {
    "incident": (
        Column("number", N_("Number"), 10),
        Column("priority", N_("Pr."), 4, drop=3),
        # R34: on from 100 columns («Термінова» fits). The channel is no column: wherever it fits the
        # short description would lose more than it is worth; sorting, grouping and filtering reach it.
        Column("criticality", N_("Crit."), 9, drop=5),
        # R36, R37: on a wide terminal (about 225 columns and more); sorting, grouping, quick
        # filters and the filter language reach them at any width.
        Column("ticket_kind", N_("Kind"), 14, drop=10, optional=True),
        Column("channel", N_("Channel"), 12, drop=9, optional=True),
        Column("status", N_("Status"), 14, flex=1, drop=1),
        Column("short_description", N_("Short description"), 18, flex=4),
        Column("caller", N_("Caller"), 14, flex=1, drop=6),
        Column("group", N_("Work group"), 14, flex=1, drop=7),
        Column("owner", N_("Owner"), 14, flex=1, drop=4),
        Column("resolution_due", N_("SLA"), 8, drop=2),
        Column("updated_at", N_("Updated"), 16, drop=8),
    ),
    "task": (
        Column("number", N_("Number"), 10),
        Column("status", N_("Status"), 12, flex=1, drop=1),
        Column("short_description", N_("Short description"), 18, flex=4),
        Column("parent", N_("Parent"), 10, drop=3),
        Column("group", N_("Work group"), 14, flex=1, drop=4),
        Column("owner", N_("Owner"), 14, flex=1, drop=2),
        Column("created_at", N_("Created"), 16, drop=5),
    ),
    "service_request": (
        Column("number", N_("Number"), 10),
        Column("status", N_("Status"), 14, flex=1, drop=1),
        Column("short_description", N_("Short description"), 18, flex=4),
        Column("requester", N_("Requester"), 14, flex=1, drop=3),
        Column("group", N_("Work group"), 14, flex=1, drop=4),
        Column("owner", N_("Owner"), 14, flex=1, drop=2),
        Column("due_at", N_("Due"), 16, drop=5),
    ),
    "problem": (
        Column("number", N_("Number"), 10),
        Column("status", N_("Status"), 14, flex=1, drop=1),
        Column("short_description", N_("Short description"), 18, flex=4),
        Column("incidents", N_("Inc."), 5, drop=3),
        Column("configuration_item", N_("Configuration item"), 14, flex=1, drop=6, optional=True),
        Column("group", N_("Work group"), 14, flex=1, drop=4),
        Column("owner", N_("Owner"), 14, flex=1, drop=2),
        Column("updated_at", N_("Updated"), 16, drop=5),
    ),
}


def layout(kind: str, width: int) -> list[tuple[Column, int]]:
    """The columns that fit in `width` cells (after the marks), each with its width."""
    columns = list(COLUMNS[kind])
    room = max(width - MARKS_WIDTH, 10)

    def needed(cols: list[Column]) -> int:
        return sum(c.width for c in cols) + len(cols) - 1

    while len(columns) > 2 and needed(columns) > room:
        columns.remove(max(columns, key=lambda c: c.drop))
    weights = sum(c.flex for c in columns) or 1

    def short_room(cols: list[Column]) -> int:
        short = next((c for c in cols if c.name == "short_description"), None)
        spare = max(room - needed(cols), 0)
        return short.width + spare * short.flex // (sum(c.flex for c in cols) or 1) if short else room

    while any(c.optional for c in columns) and short_room(columns) < SHORT_ROOM:
        columns.remove(max((c for c in columns if c.optional), key=lambda c: c.drop))
    spare = max(room - needed(columns), 0)
    widths = [c.width + spare * c.flex // weights for c in columns]
    leftover = room - (sum(widths) + len(widths) - 1)
    if leftover > 0:
        flexible = next((i for i, c in enumerate(columns) if c.name == "short_description"), len(columns) - 1)
        widths[flexible] += leftover
    return list(zip(columns, widths))


def time_left(due: datetime | None, now: datetime | None = None) -> tuple[str, str]:
    """The SLA cell: time left until `due`, and how urgent it looks ("", "warning", "breach")."""
    if due is None:
        return "", ""
    now = now or utcnow()
    seconds = int((due - now).total_seconds())
    sign = "-" if seconds < 0 else ""
    left = abs(seconds)
    days, rest = divmod(left, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = _("{d}d {h}h").format(d=days, h=hours)
    elif hours:
        text = _("{h}h {m}m").format(h=hours, m=minutes)
    else:
        text = _("{m}m").format(m=minutes)
    level = "breach" if seconds <= 0 else ("warning" if seconds <= SLA_WARNING_SECONDS else "")
    return sign + text, level


def cell(kind: str, name: str, row: dict[str, Any]) -> str:
    """One cell's text, made safe to show whatever the record holds."""
    value = row.get(name)
    if name == "status":
        return status_label(kind, value)
    if name == "priority":
        return "" if value is None else str(value)
    if name in ("resolution_due",):
        return time_left(value)[0]
    if name in ("criticality", "channel", "ticket_kind"):
        return "" if value is None else shown_value(name, str(value), kind=kind)
    if isinstance(value, datetime):
        return when(value)
    if value is None:
        return ""
    return printable(str(value), one_line=True)


def fit(text: str, width: int) -> str:
    """`text` cropped (with an ellipsis) or padded to exactly `width` cells."""
    if cell_len(text) > width:
        return set_cell_size(text, max(width - 1, 0)) + "…" if width > 0 else ""
    return set_cell_size(text, width)
