"""Printing a page of a list: the same columns the TUI shows, or JSON."""

from __future__ import annotations

from typing import Any

from helpdesk_tui.cli.output import emit_json, say, table
from helpdesk_tui.domain.field_values import shown_value
from helpdesk_tui.domain.priority import priority_label
from helpdesk_tui.domain.statuses import status_label
from helpdesk_tui.i18n import _
from helpdesk_tui.store import queries


def row_json(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in row.items() if not k.endswith("__order")}  # the sort key: the cursor carries it
    out["status_label"] = status_label(kind, row["status"])
    out["unread"] = bool(row.get("unread"))
    return out


def print_page(kind: str, page: queries.Page, *, as_json: bool, title: str | None = None) -> None:
    if as_json:
        emit_json({
            "total": page.total,
            "rows": [row_json(kind, r) for r in page.rows],
            "next": queries.encode_cursor(page.next_cursor),
            "previous": queries.encode_cursor(page.prev_cursor),
        })
        return
    src = queries.source(kind)
    names = [n for n in src.columns if n not in ("updated_at", "resolution_due", "channel", "service", "due_at")]
    rows, styles = [], []
    for r in page.rows:
        values = []
        for n in names:
            v = r[n]
            if n == "status":
                v = status_label(kind, v)
            elif n == "priority":
                v = priority_label(v)
            elif n == "criticality":
                v = shown_value(n, v) if v else None
            elif n == "number" and r.get("unread"):
                v = f"▌{v}"
            values.append(v)
        rows.append(values)
        styles.append("red" if r.get("priority") == 1 else None)
    table([_(src.columns[n].label) for n in names], rows, title=title, styles=styles)
    shown = len(page.rows)
    if page.total is not None:
        say(_("{shown} of {total}").format(shown=shown, total=page.total))
    if page.next_cursor is not None:
        say(_("More: --after {cursor}").format(cursor=queries.encode_cursor(page.next_cursor)))
