"""How a service request's own tabs are drawn: «Параметри» (the item's fields as the requester
gave them) and the approvals (who decides, what they decided, when, how). Values literally."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from helpdesk_tui.domain.display import when
from helpdesk_tui.i18n import _
from helpdesk_tui.widgets.translated import literal

VIA = {"tui": "TUI", "cli": "CLI"}


def render_parameters(data: dict[str, Any]) -> RenderableType:
    item = data.get("item") or {}
    head = Text(_("Catalog item") + ": ", style="bold")
    if item:
        head.append_text(literal(item.get("name"), one_line=True))
        head.append("  (" + _("version {n}").format(n=item.get("version")) + ")", style="dim")
    rows = data.get("parameters") or []
    if not rows:
        return Group(head, Text(""), Text(_("This request has no fields."), style="dim"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)
    for row in rows:
        grid.add_row(literal(row["label"], one_line=True), literal(row["value"]))
    return Group(head, Text(""), grid)


def render_approvals(data: dict[str, Any]) -> RenderableType:
    rows = data.get("approvals") or []
    if not rows:
        return Text(_("This request needs no approval."), style="dim")
    table = Table(expand=True, show_edge=False)
    for heading in (_("Approver"), _("Decision"), _("When"), _("Comment")):
        table.add_column(heading)
    for row in rows:
        decided = when(row["decided_at"]) if row.get("decided_at") else ""
        if decided and row.get("via"):
            decided += "  " + (_("by e-mail") if row["via"] == "email" else VIA.get(row["via"], row["via"]))
        style = {"approved": "green", "rejected": "red", "requested": "yellow"}.get(row["state"], "dim")
        table.add_row(literal(row["approver"], one_line=True), Text(row["state_label"], style=style),
                      Text(decided), literal(row.get("comment") or ""))
    return table
