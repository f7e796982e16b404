"""What the CLI prints: rich tables for people, JSON for scripts; untrusted text shown literally."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.text import printable

console = Console(highlight=False, soft_wrap=False)
errors = Console(stderr=True, highlight=False)
# Into a pipe or a file every row is written whole, however long: scripts and `grep` need all of it.
piped = Console(highlight=False, soft_wrap=False, width=1_000_000)

WIDEST = 48  # a list column in a terminal: a longer value ends in an ellipsis
_RECORD_NUMBER = re.compile(r"▌?[A-Z]{3}\d{7}")


def to_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):  # replaced by something without a descriptor, or closed
        return False


def show(renderable: RenderableType) -> None:
    (console if to_terminal() else piped).print(renderable)


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, set):
        return sorted(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n")


def cell(value: Any, *, one_line: bool = True) -> Text:
    """Every cell is a Text, never markup: a subject like «[red]x[/]» prints as typed."""
    if value is None:
        return Text("")
    if isinstance(value, datetime):
        return Text(when(value))
    if isinstance(value, bool):
        return Text("✓" if value else "")
    return Text(printable(str(value), one_line=one_line))


def _is_identifier(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and _RECORD_NUMBER.fullmatch(value) is not None)


def _column_limits(widths: list[int], whole: list[bool], room: int) -> list[int | None]:
    """How wide each column may be in a terminal `room` cells wide (borders and padding taken
    off): identifiers keep their whole width, and the other columns give up what is missing,
    the widest first, never more than WIDEST each."""
    limits = [min(w, WIDEST) for w in widths]
    shrinkable = [i for i, keep in enumerate(whole) if not keep]
    left = room - sum(w for w, keep in zip(widths, whole) if keep)
    if not shrinkable or sum(limits[i] for i in shrinkable) <= left:
        return [None if keep else limit for limit, keep in zip(limits, whole)]
    level = max(1, left // len(shrinkable))
    while sum(min(limits[i], level + 1) for i in shrinkable) <= left:
        level += 1  # the highest level at which the shrinkable columns still fit
    spare = left - sum(min(limits[i], level) for i in shrinkable)
    out: list[int | None] = [None] * len(widths)
    for i in shrinkable:
        out[i] = min(limits[i], level)
        if spare > 0 and limits[i] > level:
            out[i], spare = level + 1, spare - 1
    return out


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None,
          styles: Iterable[str | None] | None = None, wrap: bool = False) -> None:
    """A table; list rows stay on one line each (ellipsis), a journal wraps (`wrap`). Numbers
    and ids never shrink; into a pipe nothing is cut short."""
    values = [list(row) for row in rows]
    cells = [[cell(v, one_line=not wrap) for v in row] for row in values]
    whole = [all(_is_identifier(row[i]) for row in values if row[i] not in (None, "")) and any(
        row[i] not in (None, "") for row in values) for i in range(len(headers))]
    terminal = to_terminal()
    limits: list[int | None] = [None] * len(headers)
    if terminal and not wrap:
        widths = [max([cell_len(h), *(c[i].cell_len for c in cells)]) for i, h in enumerate(headers)]
        room = console.width - (len(headers) + 1) - 2 * len(headers)  # borders, and a space each side
        limits = _column_limits(widths, whole, room)
    t = Table(title=Text(title) if title else None, show_lines=wrap, header_style="bold", expand=False)
    for i, h in enumerate(headers):
        longest = max((c[i].cell_len for c in cells), default=0)
        t.add_column(Text(h), overflow="fold" if wrap else "ellipsis", no_wrap=not wrap or whole[i],
                     max_width=limits[i], min_width=longest if whole[i] else None)
    style_list = list(styles) if styles is not None else None
    for i, row_cells in enumerate(cells):
        t.add_row(*row_cells, style=style_list[i] if style_list else None)
    show(t)


def say(message: str) -> None:
    show(Text(printable(message)))


def fields(pairs: Iterable[tuple[str, Any]]) -> None:
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold")
    t.add_column()
    for label, value in pairs:
        t.add_row(Text(label), cell(value) if not isinstance(value, str) else Text(printable(value)))
    show(t)


def fail(message: str) -> None:
    errors.print(Text(printable(message, one_line=True)), style="red", soft_wrap=True)
