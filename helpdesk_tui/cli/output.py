"""What the CLI prints: rich tables for people, JSON for scripts; untrusted text shown literally."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.text import printable

console = Console(highlight=False, soft_wrap=False)
errors = Console(stderr=True, highlight=False)


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


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None,
          styles: Iterable[str | None] | None = None, wrap: bool = False) -> None:
    """A table; list rows stay on one line each (ellipsis), a journal wraps (`wrap`)."""
    t = Table(title=Text(title) if title else None, show_lines=wrap, header_style="bold", expand=False)
    for h in headers:
        t.add_column(Text(h), overflow="fold" if wrap else "ellipsis", no_wrap=not wrap,
                     max_width=None if wrap else 48)
    style_list = list(styles) if styles is not None else None
    for i, row in enumerate(rows):
        t.add_row(*(cell(v, one_line=not wrap) for v in row), style=style_list[i] if style_list else None)
    console.print(t)


def say(message: str) -> None:
    console.print(Text(printable(message)))


def fields(pairs: Iterable[tuple[str, Any]]) -> None:
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold")
    t.add_column()
    for label, value in pairs:
        t.add_row(Text(label), cell(value) if not isinstance(value, str) else Text(printable(value)))
    console.print(t)


def fail(message: str) -> None:
    errors.print(Text(printable(message, one_line=True)), style="red", soft_wrap=True)
