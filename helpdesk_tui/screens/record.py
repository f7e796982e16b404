"""One record, read-only: its fields, tasks, vendor tasks, related items and journal (the forms
that change it come with the next issue). Every value is shown literally (rule 7)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.workspace import DataChanged
from helpdesk_tui.domain.statuses import status_label
from helpdesk_tui.widgets.list_columns import time_left
from helpdesk_tui.widgets.status_header import StatusHeader
from helpdesk_tui.widgets.key_bar import KeyBar
from helpdesk_tui.widgets.translated import TranslatedBindings, literal

if TYPE_CHECKING:
    from helpdesk_tui.desk.workspace import Workspace

FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "incident": (
        ("status", N_("Status")), ("priority", N_("Priority")), ("caller", N_("Caller")),
        ("organisation", N_("Organisation")), ("channel", N_("Channel")), ("service", N_("Service")),
        ("category", N_("Category")), ("group", N_("Work group")), ("owner", N_("Owner")),
        ("impact", N_("Impact")), ("urgency", N_("Urgency")), ("created_at", N_("Created")),
        ("response_due", N_("Response due")), ("resolution_due", N_("Resolution due")),
        ("resolved_at", N_("Resolved")), ("closed_at", N_("Closed")), ("reason_code", N_("Reason code")),
        ("configuration_item", N_("Configuration item")),
    ),
    "task": (
        ("status", N_("Status")), ("parent", N_("Parent")), ("group", N_("Work group")), ("owner", N_("Owner")),
        ("created_at", N_("Created")), ("completed_at", N_("Completed")),
    ),
    "service_request": (
        ("status", N_("Status")), ("requester", N_("Requester")), ("group", N_("Work group")),
        ("owner", N_("Owner")), ("created_at", N_("Created")), ("due_at", N_("Due")),
    ),
}
TEXTS = {
    "incident": (("description", N_("Description")), ("solution", N_("Solution"))),
    "task": (("details", N_("Details")), ("completion_comment", N_("Completion comment"))),
    "service_request": (),
}
# Names of the fields the journal's change lines and the tables name, beyond those above.
OTHER_FIELDS = {
    "number": N_("Number"), "short_description": N_("Short description"), "description": N_("Description"),
    "vendor": N_("Vendor"), "kind": N_("Kind"), "title": N_("Title"), "solution": N_("Solution"),
    "waiting_on": N_("Whose turn"), "resolved_at": N_("Resolved"), "details": N_("Details"),
}
JOURNAL_KINDS = {
    "note": N_("Note"), "change": N_("Change"), "email": N_("E-mail"), "notification": N_("Notification"),
    "status": N_("Status"), "sla": N_("SLA"), "task": N_("Task"),
}


def field_label(name: str) -> str:
    for fields in FIELDS.values():
        for key, label in fields:
            if key == name:
                return _(label)
    return _(OTHER_FIELDS[name]) if name in OTHER_FIELDS else name


def _value(kind: str, name: str, value: Any) -> str:
    if name == "status":
        return status_label(kind, value)
    if name in ("response_due", "resolution_due") and value is not None:
        left, _level = time_left(value)
        return f"{when(value)} ({left})"
    if hasattr(value, "isoformat"):
        return when(value)
    return "" if value is None else str(value)


# The journal's filter (issue 6): everything, or one kind of entry.
JOURNAL_FILTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("everything"), ()),
    (N_("notes"), ("note",)),
    (N_("e-mails"), ("email",)),
    (N_("changes"), ("status", "change", "task", "sla")),
    (N_("notifications"), ("notification",)),
)


def render_record(data: dict[str, Any], journal_filter: int = 0) -> RenderableType:
    kind = data["kind"]
    parts: list[RenderableType] = []
    title = Text(data.get("number") or "", style="bold")
    title.append("  ")
    title.append(literal(data.get("short_description"), one_line=True))
    parts.append(title)
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(ratio=1)
    shown = [(label, _value(kind, name, data.get(name))) for name, label in FIELDS[kind] if data.get(name) not in (None, "")]
    for i in range(0, len(shown), 2):
        left, right = shown[i], shown[i + 1] if i + 1 < len(shown) else ("", "")
        grid.add_row(Text(_(left[0])), literal(left[1], one_line=True),
                     Text(_(right[0]) if right[0] else ""), literal(right[1], one_line=True))
    parts += [Text(""), grid]
    for name, label in TEXTS[kind]:
        if data.get(name):
            parts += [Text(""), Text(_(label), style="bold underline"), literal(data[name])]
    for key, label, fields in (("tasks", N_("Tasks"), ("number", "status", "group", "owner", "short_description")),
                               ("external_tasks", N_("External tasks"), ("number", "status", "vendor", "short_description")),
                               ("related", N_("Related items"), ("kind", "number", "title"))):
        rows = data.get(key) or []
        if rows:
            table = Table(title=_(label), title_justify="left", expand=True, show_edge=False)
            for f in fields:
                table.add_column(field_label(f))
            for row in rows:
                table.add_row(*(literal(_value("task", f, row.get(f)), one_line=True) for f in fields))
            parts += [Text(""), table]
    label, kinds = JOURNAL_FILTERS[journal_filter]
    heading = Text(_("Journal"), style="bold underline")
    heading.append("  " + _("showing: {what} (f)").format(what=_(label)), style="dim")
    parts += [Text(""), heading]
    for entry in data.get("journal") or []:
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
            line = Text(f"    {field_label(change['field'])}: ", style="dim")
            line.append(literal(change["old"] or "∅", one_line=True))
            line.append(" → ")
            line.append(literal(change["new"] or "∅", one_line=True))
            parts.append(line)
    return Group(*parts)


class RecordScreen(TranslatedBindings, Screen[None]):
    DEFAULT_CSS = """
    RecordScreen #body { height: 1fr; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", N_("Back"), id="record.back"),
        Binding("t", "change_status", N_("Change status"), id="record.change_status"),
        Binding("a", "add_note", N_("ADD » Notes"), id="record.add_note"),
        Binding("c", "classify", N_("Classify"), id="record.classify"),
        Binding("P", "change_priority", N_("Change priority"), id="record.change_priority"),
        Binding("k", "new_task", N_("New task"), id="record.new_task"),
        Binding("A", "move_task('accept')", N_("Accept"), id="record.accept_task"),
        Binding("C", "move_task('complete')", N_("Complete"), id="record.complete_task"),
        Binding("X", "move_task('cancel')", N_("Cancel task"), id="record.cancel_task"),
        Binding("p", "open_parent", N_("Open in parent"), id="record.open_parent"),
        Binding("m", "mark_read", N_("Mark as read"), id="record.mark_read"),
        Binding("u", "mark_unread", N_("Mark as unread"), id="record.mark_unread"),
        Binding("f", "journal_filter", N_("Journal filter"), id="record.journal_filter"),
        Binding("r,f5", "reload", N_("Refresh"), id="record.refresh"),
    ]

    def __init__(self, workspace: Workspace, kind: str, record_id: int) -> None:
        super().__init__()
        self.workspace, self.kind, self.record_id = workspace, kind, record_id
        self.data: dict[str, Any] | None = None
        self.journal_filter = 0

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status")
        with VerticalScroll(id="body"):
            yield Static(Text(_("Loading…")), id="record")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(StatusHeader).set_user(self.workspace.who.full_name, self.workspace.role.label)
        self.query_one("#body").focus()
        self.action_reload()

    @work(thread=True, group="record", exclusive=True, exit_on_error=False)
    def action_reload(self) -> None:
        try:
            data = self.workspace.record(self.kind, self.record_id)
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        self.app.call_from_thread(self._show, data)

    def _show(self, data: dict[str, Any]) -> None:
        self.data = data
        self.query_one("#record", Static).update(render_record(data, self.journal_filter))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_parent":
            return self.kind == "task"
        if action == "move_task":
            return self.kind == "task" and self.data is not None and self.data["status"] in ("open", "accepted") \
                and (parameters != ("accept",) or self.data["status"] == "open")
        if action in ("change_status", "add_note", "classify", "change_priority", "new_task"):
            # R26: a closed or cancelled incident opens read-only.
            return self.kind == "incident" and self.data is not None \
                and self.data["status"] not in ("closed", "cancelled")
        return True

    def action_change_status(self) -> None:
        from helpdesk_tui.domain.lifecycle import allowed_targets
        from helpdesk_tui.domain.statuses import IncidentStatus
        from helpdesk_tui.screens.dialogs import ChoiceDialog
        from helpdesk_tui.screens.incident_dialogs import DIALOG_STATUSES, StatusDialog

        if self.data is None:
            return
        record = self.data
        targets = [t for t in allowed_targets(IncidentStatus(record["status"]))
                   if t in DIALOG_STATUSES or t in (IncidentStatus.IN_PROGRESS, IncidentStatus.THIRD_PARTY)]
        targets.sort(key=lambda t: list(IncidentStatus).index(t))

        def chosen(value: str | None) -> None:
            if value == IncidentStatus.IN_PROGRESS.value:
                self.action_classify()  # «Виконується робота» is the classification (R18)
            elif value == IncidentStatus.THIRD_PARTY.value:
                from helpdesk_tui.screens.incident_dialogs import VendorDialog

                self.app.push_screen(VendorDialog(self.workspace, record), self._changed)
            elif value:
                self.app.push_screen(StatusDialog(self.workspace, record, IncidentStatus(value)), self._changed)

        self.app.push_screen(ChoiceDialog(_("Change status of {number}").format(number=record["number"]),
                                          [(t.value, t.label) for t in targets]), chosen)

    def action_classify(self) -> None:
        from helpdesk_tui.screens.incident_dialogs import ClassifyDialog

        if self.data is not None:
            self.app.push_screen(ClassifyDialog(self.workspace, self.data), self._changed)

    def action_change_priority(self) -> None:
        from helpdesk_tui.screens.incident_dialogs import PriorityDialog

        if self.data is not None:
            self.app.push_screen(PriorityDialog(self.workspace, self.data), self._changed)

    def action_journal_filter(self) -> None:
        self.journal_filter = (self.journal_filter + 1) % len(JOURNAL_FILTERS)
        if self.data is not None:
            self._show(self.data)

    def action_new_task(self) -> None:
        from helpdesk_tui.screens.incident_dialogs import TaskDialog

        if self.data is not None:
            self.app.push_screen(TaskDialog(self.workspace, self.data), self._changed)

    def action_move_task(self, action: str) -> None:
        from helpdesk_tui.screens.incident_dialogs import TaskMoveDialog

        if self.data is None:
            return
        if action == "accept":
            self._accept(self.data["id"], self.data["version"])
        else:
            self.app.push_screen(TaskMoveDialog(self.workspace, self.data, action), self._changed)

    @work(thread=True, group="record-task", exit_on_error=False)
    def _accept(self, task_id: int, version: int) -> None:
        try:
            self.workspace.move_task(task_id, "accept", expected_version=version)
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        self.app.call_from_thread(self.notify, _("Accepted"))
        self.app.call_from_thread(self.action_reload)

    def action_add_note(self) -> None:
        from helpdesk_tui.screens.incident_dialogs import NoteDialog

        if self.data is not None:
            self.app.push_screen(NoteDialog(self.workspace, self.data), self._changed)

    def _changed(self, saved: bool | None) -> None:
        if saved:
            self.action_reload()

    def action_open_parent(self) -> None:
        if self.data is None or not self.data.get("parent_id"):
            self.notify(_("This task has no parent record"), severity="warning")
            return
        self.app.push_screen(RecordScreen(self.workspace, self.data["parent_kind"], self.data["parent_id"]))

    @work(thread=True, group="record-marks", exit_on_error=False)
    def action_mark_read(self) -> None:
        n = self.workspace.mark_record_read(self.kind, self.record_id)
        self.app.call_from_thread(self.notify, _("Marked as read ({n})").format(n=n))
        self.app.call_from_thread(self.action_reload)

    @work(thread=True, group="record-marks", exit_on_error=False)
    def action_mark_unread(self) -> None:
        entries = [e for e in (self.data or {}).get("journal", []) if e["kind"] in ("note", "email")]
        if not entries:
            self.app.call_from_thread(self.notify, _("No comment to mark"), severity="warning")
            return
        try:
            self.workspace.mark_read(entries[-1]["id"], read=False)
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        self.app.call_from_thread(self.notify, _("Marked as unread"))
        self.app.call_from_thread(self.action_reload)

    def on_data_changed(self, message: DataChanged) -> None:
        if (self.kind, self.record_id) in message.records:
            self.action_reload()
