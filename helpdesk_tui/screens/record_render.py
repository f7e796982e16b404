"""How a record is drawn: the line above the tabs, the details with the journal, the rows of
tasks, vendor tasks and related items, and the history of field changes (R42). Every value is
shown literally (rule 7)."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.field_values import RECORD_KIND_LABELS, RELATION_LABELS, field_name, shown_value
from helpdesk_tui.domain.statuses import status_label
from helpdesk_tui.domain.turn import TURN_COLOURS, TURN_WORDS, turn
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.widgets.list_columns import time_left
from helpdesk_tui.widgets.translated import literal

FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "incident": (
        ("status", N_("Status")), ("priority", N_("Priority")), ("criticality", N_("Criticality")),
        ("urgent_reason", N_("Reason for urgency")), ("caller", N_("Caller")),
        ("organisation", N_("Organisation")), ("channel", N_("Channel")), ("service", N_("Service")),
        ("category", N_("Category")), ("group", N_("Work group")), ("owner", N_("Owner")),
        ("impact", N_("Impact")), ("urgency", N_("Urgency")), ("created_at", N_("Created")),
        ("response_due", N_("Response due")), ("resolution_due", N_("Resolution due")),
        ("resolved_at", N_("Resolved")), ("closed_at", N_("Closed")), ("reason_code", N_("Reason code")),
        ("configuration_item", N_("Configuration item")),
        ("ticket_kind", N_("Kind of ticket")), ("agreement", N_("Client's agreement")),
    ),
    "task": (
        ("status", N_("Status")), ("parent", N_("Parent")), ("group", N_("Work group")), ("owner", N_("Owner")),
        ("created_at", N_("Created")), ("completed_at", N_("Completed")),
    ),
    "service_request": (
        ("status", N_("Status")), ("requester", N_("Requester")), ("organisation", N_("Organisation")),
        ("item_name", N_("Catalog item")), ("group", N_("Work group")), ("owner", N_("Owner")),
        ("created_at", N_("Created")), ("opened_by", N_("Registered by")),
        ("response_due", N_("Response due")), ("due_at", N_("Resolution due")),
        ("approved_at", N_("Approved")), ("implemented_at", N_("Implemented")), ("closed_at", N_("Closed")),
    ),
    "problem": (
        ("status", N_("Status")), ("service", N_("Service")), ("configuration_item", N_("Configuration item")),
        ("group", N_("Work group")), ("owner", N_("Owner")), ("created_at", N_("Created")),
        ("updated_at", N_("Updated")), ("resolved_at", N_("Resolved")), ("closed_at", N_("Closed")),
    ),
}
TEXTS = {
    "incident": (("description", N_("Description")), ("solution", N_("Solution"))),
    "task": (("details", N_("Details")), ("completion_comment", N_("Completion comment"))),
    "service_request": (("description", N_("Description")),),
    "problem": (("description", N_("Description")), ("root_cause", N_("Root cause")),
                ("workaround", N_("Workaround")), ("solution", N_("Solution"))),
}
JOURNAL_KINDS = {
    "note": N_("Note"), "change": N_("Change"), "email": N_("E-mail"), "notification": N_("Notification"),
    "status": N_("Status"), "sla": N_("SLA"), "task": N_("Task"), "system": N_("System"), "time": N_("Time"),
}


def field_label(name: str) -> str:
    return field_name(name)


# Values too long for half a line (a reason for urgency is a sentence): a line of their own under
# the pairs of fields.
_WIDE = frozenset({"urgent_reason"})

# Record fields shown by their labels (the rest are names, texts and numbers already).
_LABELLED = frozenset({"channel", "reason_code", "priority", "impact", "urgency", "criticality", "urgent_reason",
                       "waiting_on"})


def _value(kind: str, name: str, value: Any) -> str:
    if name == "status":
        return status_label(kind, value)
    if name in ("response_due", "resolution_due", "due_at") and value is not None:
        left, _level = time_left(value)
        return f"{when(value)} ({left})"
    if hasattr(value, "isoformat"):
        return when(value)
    if name == "ticket_kind" and value is not None:
        return shown_value("kind", str(value), kind=kind)
    if name in _LABELLED and value is not None:
        return shown_value(name, str(value), kind=kind)
    return "" if value is None else str(value)


# The journal's filter (issue 6): everything, or one kind of entry.
JOURNAL_FILTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("everything"), ()),
    (N_("notes"), ("note",)),
    (N_("e-mails"), ("email",)),
    (N_("changes"), ("status", "change", "task", "sla", "time")),
    (N_("notifications"), ("notification",)),
)


def render_title(data: dict[str, Any]) -> Text:
    """The line above the tabs: number, short description, status and whose turn."""
    title = Text(data.get("number") or "", style="bold")
    title.append("  ")
    title.append_text(literal(data.get("short_description"), one_line=True))
    if data.get("status"):
        title.append(f"  · {status_label(data['kind'], data['status'])}", style="bold yellow")
    if data.get("kind") == "incident" and data.get("status"):
        # R40: the list's dot, with what it means in words.
        whose = turn(data["status"], data.get("waiting_on"))
        words = _(TURN_WORDS[whose])
        title.append("  ● " + words, style=TURN_COLOURS[whose])
    return title


def render_details(data: dict[str, Any], journal_filter: int = 0) -> RenderableType:
    """«Деталі»: the fields, the texts and, below them, the journal (the activity the analyst
    reads most, so it is not a tab away)."""
    kind = data["kind"]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)
    filled = [(name, label) for name, label in FIELDS[kind] if data.get(name) not in (None, "")]
    shown = [(label, _value(kind, name, data.get(name))) for name, label in filled if name not in _WIDE]
    for i in range(0, len(shown), 2):
        left, right = shown[i], shown[i + 1] if i + 1 < len(shown) else ("", "")
        grid.add_row(Text(_(left[0])), literal(left[1], one_line=True),
                     Text(_(right[0]) if right[0] else ""), literal(right[1], one_line=True))
    parts: list[RenderableType] = [grid]
    for name, label in filled:
        if name in _WIDE:
            parts.append(Text(_(label), style="bold").append("  ").append_text(
                literal(_value(kind, name, data[name]), one_line=True)))
    for name, label in TEXTS[kind]:
        if data.get(name):
            parts += [Text(""), Text(_(label), style="bold underline"), literal(data[name])]
    return Group(*parts, Text(""), *render_journal(data, journal_filter))


def render_journal(data: dict[str, Any], journal_filter: int) -> list[RenderableType]:
    label, kinds = JOURNAL_FILTERS[journal_filter]
    heading = Text(_("Journal"), style="bold underline")
    heading.append("  " + _("showing: {what} (f)").format(what=_(label)), style="dim")
    parts: list[RenderableType] = [heading]
    # Newest first, right under the fields: what just changed is seen without scrolling.
    for entry in reversed(data.get("journal") or []):
        if kinds and entry["kind"] not in kinds:
            continue
        head = Text("▌ " if entry["unread"] else "  ", style="blue bold")
        head.append(f"{when(entry['created_at'])}  ", style="dim")
        head.append(literal(entry.get("author") or _("system"), one_line=True))
        head.append(f"  {_(JOURNAL_KINDS.get(entry['kind'], entry['kind']))}", style="italic")
        if entry.get("published"):
            head.append("  " + _("published in self-service"), style="green")
        parts.append(head)
        if entry.get("summary"):
            parts.append(literal("    " + entry["summary"], "bold", one_line=True))
        if entry.get("body"):
            parts.append(Text("    ").append(literal(entry["body"])))
        for change in entry.get("changes") or []:
            line = Text("    " + field_label(change["field"]) + ": ", style="dim")
            line.append(literal(_shown(data, change, "old"), one_line=True))
            line.append(" → ")
            line.append(literal(_shown(data, change, "new"), one_line=True))
            parts.append(line)
    return parts


TABLES = {
    "tasks": ("number", "status", "group", "owner", "short_description"),
    "external_tasks": ("number", "status", "vendor", "short_description", "vendor_answer"),
    "related": ("kind", "number", "status", "title"),
}


def _shown(data: dict[str, Any], change: dict[str, Any], side: str) -> str:
    return shown_value(change["field"], change[side], kind=data["kind"], names=change.get("names"))


def render_rows(data: dict[str, Any], key: str) -> RenderableType:
    """A tab of rows: tasks, vendor tasks, related items."""
    rows = data.get(key) or []
    if not rows:
        return Text({"tasks": _("No tasks."), "external_tasks": _("No tasks for vendors."),
                     "related": _("Nothing is linked yet.")}[key], style="dim")
    table = Table(expand=True, show_edge=False)
    fields = TABLES[key]
    for f in fields:
        table.add_column(field_label(f))
    for row in rows:
        cells = []
        for f in fields:
            value = row.get(f)
            if f == "kind":
                value = _(RECORD_KIND_LABELS.get(value, value))
                relation = RELATION_LABELS.get(row.get("relation") or "")
                if relation is not None:
                    value = " · ".join((value, _(relation)))
            elif f == "status":
                kind = "task" if key != "related" else row.get("kind", "")
                value = status_label(kind, value) if kind in ("task", "incident", "problem") else ""
            cells.append(literal(_value("task", f, value), one_line=True))
        table.add_row(*cells)
    return table


def render_history(data: dict[str, Any]) -> RenderableType:
    """«Історія змін» (R42): every field change, newest first: when, who, old and new value."""
    table = Table(expand=True, show_edge=False)
    for heading in (_("When"), _("Who"), _("Field"), _("Was"), _("Became")):
        table.add_column(heading)
    changes = [(entry, change) for entry in data.get("journal") or [] for change in entry.get("changes") or []]
    if not changes:
        return Text(_("No field has changed yet."), style="dim")
    for entry, change in reversed(changes):
        table.add_row(Text(when(entry["created_at"])), literal(entry.get("author") or _("system"), one_line=True),
                      Text(field_label(change["field"])), literal(_shown(data, change, "old"), one_line=True),
                      literal(_shown(data, change, "new"), one_line=True))
    return table
