"""One record: the line with its number and status, then tabs (`]`/`[`): «Деталі» (fields, texts
and the journal), «Завдання», «Зовнішні завдання», «Пов’язані» (with suggestions to link, R4),
«Історія змін» (R42). The keys of the key bar change it through the dialogs of
screens/incident_dialogs.py; a closed incident opens read-only (R26)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Static

from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.domain.statuses import COMMENT_KINDS, status_label
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.record_render import (
    JOURNAL_FILTERS,
    field_label,
    render_details,
    render_history,
    render_rows,
    render_title,
)
from helpdesk_tui.screens.problem_dialogs import IncidentProblemActions
from helpdesk_tui.screens.record_time import TimeActions, client_line
from helpdesk_tui.screens.request_record import RequestActions, decision_hint
from helpdesk_tui.screens.workspace import DataChanged
from helpdesk_tui.widgets.key_bar import KeyBar
from helpdesk_tui.widgets.related_panel import MARK_LINKED, RelatedPanel
from helpdesk_tui.widgets.status_header import StatusHeader
from helpdesk_tui.widgets.tab_strip import TabStrip
from helpdesk_tui.widgets.translated import TranslatedBindings, literal
from helpdesk_tui.widgets.failures import SaysFailures

if TYPE_CHECKING:
    from helpdesk_tui.desk.workspace import Workspace

TABS: dict[str, tuple[tuple[str, str], ...]] = {
    "incident": (("details", N_("Details")), ("tasks", N_("Tasks")), ("external_tasks", N_("External tasks")),
                 ("related", N_("Related items")), ("time", N_("Time")), ("history", N_("History"))),
    "task": (("details", N_("Details")), ("time", N_("Time")), ("history", N_("History"))),
    "service_request": (("details", N_("Details")), ("parameters", N_("Parameters")), ("tasks", N_("Tasks")),
                        ("approvals", N_("Approvals")), ("time", N_("Time")), ("history", N_("History"))),
}


class RecordScreen(IncidentProblemActions, RequestActions, TimeActions, SaysFailures, TranslatedBindings, Screen[None]):
    DEFAULT_CSS = """
    RecordScreen #record-title { padding: 0 1; height: auto; }
    RecordScreen ContentSwitcher { height: 1fr; }
    RecordScreen ContentSwitcher > VerticalScroll { height: 1fr; padding: 0 1; }
    RecordScreen #pane-related { height: 1fr; padding: 0 1; }
    RecordScreen #linked { height: auto; max-height: 50%; }
    RecordScreen #pane-related RelatedPanel { height: 1fr; border-left: none; padding: 0; }
    RecordScreen #pane-time { padding: 0 1; }
    RecordScreen #time-summary { height: auto; margin-bottom: 1; }
    """
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", N_("Back"), id="record.back"),
        Binding("t", "change_status", N_("Change status"), id="record.change_status"),
        Binding("a", "add_note", N_("ADD » Notes"), id="record.add_note"),
        Binding("c", "classify", N_("Classify"), id="record.classify"),
        Binding("P", "change_priority", N_("Change priority"), id="record.change_priority"),
        Binding("k", "new_task", N_("New task"), id="record.new_task"),
        Binding("E", "edit_words", N_("Edit"), id="record.edit"),
        Binding("o", "assign", N_("Assign"), id="record.assign"),
        Binding("i", "criticality", N_("Criticality and channel"), id="record.criticality"),
        Binding("I", "configuration_item", N_("Configuration item"), id="record.configuration_item"),
        Binding("v", "vendor_task", N_("External task"), id="record.vendor_task"),
        Binding("s", "split", N_("Split off"), id="record.split"),
        Binding("A", "move_task('accept')", N_("Accept"), id="record.accept_task"),
        Binding("C", "move_task('complete')", N_("Complete"), id="record.complete_task"),
        Binding("X", "move_task('cancel')", N_("Cancel task"), id="record.cancel_task"),
        Binding("p", "open_parent", N_("Open in parent"), id="record.open_parent"),
        Binding("y", "approve", N_("Approve"), id="record.approve"),
        Binding("x", "reject", N_("Reject"), id="record.reject"),
        Binding("m", "mark_read", N_("Mark as read"), id="record.mark_read"),
        Binding("u", "mark_unread", N_("Mark as unread"), id="record.mark_unread"),
        Binding("f", "journal_filter", N_("Journal filter"), id="record.journal_filter"),
        Binding("w", "timer", N_("Timer"), id="record.timer"),
        Binding("l", "log_time", N_("Log time"), id="record.log_time"),
        Binding("K", "change_kind", N_("Incident or change request"), id="record.change_kind"),
        Binding("Y", "agree", N_("Client's agreement"), id="record.agree"),
        Binding("B", "write_article", N_("Knowledge article from it"), id="record.write_article"),
        Binding("L", "problem", N_("Problem"), id="record.problem"),
        Binding("delete", "remove_time", N_("Remove entry"), show=False, id="record.remove_time"),
        Binding("r,f5", "reload", N_("Refresh"), id="record.refresh"),
        Binding("right_square_bracket", "tab(1)", N_("Next tab"), id="record.next_tab"),
        Binding("left_square_bracket", "tab(-1)", N_("Previous tab"), show=False, id="record.previous_tab"),
    ]

    def __init__(self, workspace: Workspace, kind: str, record_id: int) -> None:
        super().__init__()
        self.workspace, self.kind, self.record_id = workspace, kind, record_id
        self.data: dict[str, Any] | None = None
        self.journal_filter = 0
        self._last_read: list[int] = []

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status")
        yield Static(Text(_("Loading…")), id="record-title")
        yield TabStrip([(k, _(label)) for k, label in TABS[self.kind]], id="record-tabs")
        with ContentSwitcher(initial="pane-details"):
            with VerticalScroll(id="pane-details"):
                yield Static("", id="record")
            for key, _label in TABS[self.kind][1:]:
                if key == "related":
                    with Vertical(id="pane-related"):
                        yield Static("", id="linked")
                        yield RelatedPanel(id="suggested", find_all=False)
                elif key == "time":
                    with Vertical(id="pane-time"):
                        yield Static("", id="time-summary")
                        yield DataTable(id="time-table", cursor_type="row", zebra_stripes=True)
                elif key == "tasks":
                    # A table with a cursor: Enter opens the task under it.
                    with Vertical(id="pane-tasks"):
                        yield Static("", id="tab-tasks")
                        yield DataTable(id="tasks-table", cursor_type="row", zebra_stripes=True)
                else:
                    with VerticalScroll(id=f"pane-{key}"):
                        yield Static("", id=f"tab-{key}")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(StatusHeader).set_user(self.workspace.who.full_name, self.workspace.role.label)
        self.query_one("#pane-details").focus()
        self.action_reload()

    # --- tabs ----------------------------------------------------------------------------------

    def action_tab(self, delta: int) -> None:
        self.query_one("#record-tabs", TabStrip).step(delta)

    @on(TabStrip.Activated, "#record-tabs")
    def _tab_chosen(self, event: TabStrip.Activated) -> None:
        self.query_one(ContentSwitcher).current = f"pane-{event.key}"
        if event.key == "related":
            self.query_one(RelatedPanel).enter()
            self._suggest()
        elif event.key == "tasks":
            self.query_one("#tasks-table").focus()
        elif event.key == "time":
            self.query_one("#time-table").focus()
        else:
            self.query_one(f"#pane-{event.key}").focus()

    @work(thread=True, group="record-related", exclusive=True, exit_on_error=False)
    def _suggest(self) -> None:
        """Records like this one, to link or to take a solution from (R4)."""
        if self.data is None:
            return
        found = self.workspace.related(self.data["short_description"], exclude=("incident", self.record_id))
        self.app.call_from_thread(self._suggested, found)

    def _suggested(self, found: dict[str, Any]) -> None:
        panel = self.query_one(RelatedPanel)
        panel.show(found)
        linked = {(r["kind"], r["id"]): MARK_LINKED for r in (self.data or {}).get("related", [])}
        panel.set_marks(linked)

    @on(RelatedPanel.Chosen)
    def _related_chosen(self, event: RelatedPanel.Chosen) -> None:
        hit = event.hit
        if event.action == "open":
            from helpdesk_tui.screens.related_preview import RelatedPreview

            linked = any((r["kind"], r["id"]) == (hit.kind, hit.id) for r in (self.data or {}).get("related", []))

            def then(choice: str | None) -> None:
                if choice in ("link", "reuse"):
                    self._relate(choice, hit.kind, hit.id)
                elif choice == "open":
                    self.app.open_record(hit.kind, hit.id)  # type: ignore[attr-defined]

            self.app.push_screen(RelatedPreview(self.workspace, hit.kind, hit.id, linked=linked), then)
        else:
            self._relate(event.action, hit.kind, hit.id)

    @on(RelatedPanel.Left)
    def _left_related(self) -> None:
        self.query_one("#record-tabs", TabStrip).activate("details")

    @work(thread=True, group="record-relate", exit_on_error=False)
    def _relate(self, action: str, kind: str, target_id: int) -> None:
        try:
            if action == "link":
                self.workspace.link(self.record_id, kind, target_id)
            else:
                self.workspace.reuse_solution(self.record_id, kind, target_id)
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, _("Linked") if action == "link" else _("Solution taken"))
        self.app.call_from_thread(self.action_reload)

    @work(thread=True, group="record", exclusive=True, exit_on_error=False)
    def action_reload(self) -> None:
        try:
            data = self.workspace.record(self.kind, self.record_id)
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        self.app.call_from_thread(self._show, data)

    def show_title(self) -> None:
        if self.data is None:
            return
        lines = [render_title(self.data)]
        if self.data["kind"] == "service_request":
            lines.append(decision_hint(self.data))
        lines.append(client_line(self.client_use))
        self.query_one("#record-title", Static).update(Text("\n").join([line for line in lines if line is not None]))

    def _show(self, data: dict[str, Any]) -> None:
        self.data = data
        self.show_title()
        self.load_time()
        self.query_one("#record", Static).update(render_details(data, self.journal_filter))
        self.query_one("#tab-history", Static).update(render_history(data))
        if data["kind"] == "incident":
            self._show_tasks(data.get("tasks") or [])
            self.query_one("#tab-external_tasks", Static).update(render_rows(data, "external_tasks"))
            self.query_one("#linked", Static).update(render_rows(data, "related"))
            strip = self.query_one("#record-tabs", TabStrip)
            for key, label in TABS["incident"][1:4]:
                count = len(data.get(key) or [])
                strip.set_label(key, f"{_(label)} ({count})" if count else _(label))
            if self.query_one(ContentSwitcher).current == "pane-related":
                self._suggested(self.query_one(RelatedPanel).results)
        elif data["kind"] == "service_request":
            self._show_tasks(data.get("tasks") or [])
            self.show_request(data)
        self.refresh_bindings()

    def _show_tasks(self, tasks: list[dict[str, Any]]) -> None:
        table = self.query_one("#tasks-table", DataTable)
        empty = self.query_one("#tab-tasks", Static)
        empty.update(Text(_("No tasks."), style="dim") if not tasks else "")
        empty.display, table.display = not tasks, bool(tasks)
        cursor = table.cursor_row
        table.clear(columns=True)
        for name in ("number", "status", "group", "owner", "short_description"):
            table.add_column(field_label(name))
        for task in tasks:
            table.add_row(Text(task["number"]), Text(status_label("task", task["status"])),
                          literal(task.get("group") or "", one_line=True), literal(task.get("owner") or "", one_line=True),
                          literal(task["short_description"], one_line=True), key=str(task["id"]))
        if tasks:
            table.move_cursor(row=min(cursor, len(tasks) - 1))

    @on(DataTable.RowSelected, "#tasks-table")
    def _task_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.app.push_screen(RecordScreen(self.workspace, "task", int(event.row_key.value)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "write_article":  # R4: the knowledge base written from a solution
            return self.kind == "incident" and self.data is not None and bool(self.data.get("solution")) \
                and self.data["status"] in ("resolved", "closed")
        timed = self.time_allows(action)
        if timed is not None:
            return timed
        if self.kind == "service_request":
            allowed = self.request_allows(action)
            if allowed is not None:
                return allowed
        elif action in ("approve", "reject"):
            return False
        if action == "open_parent":
            return self.kind == "task"
        if action == "move_task":
            return self.kind == "task" and self.data is not None and self.data["status"] in ("open", "accepted") \
                and (parameters != ("accept",) or self.data["status"] == "open")
        if action == "add_note" and self.kind == "task":
            return self.data is not None and self.data["status"] in ("open", "accepted")
        if action in ("change_status", "add_note", "classify", "change_priority", "new_task", "edit_words", "assign",
                      "vendor_task", "split", "criticality", "problem", "configuration_item"):
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
        if self.kind == "service_request":
            self.request_change_status()
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

        if self.kind == "service_request":
            self.request_dialog("new_task")
        elif self.data is not None:
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
        from helpdesk_tui.screens.record_edits import TaskCommentDialog

        if self.data is None:
            return
        if self.kind == "task":  # on a task, «a» comments on it
            self.app.push_screen(TaskCommentDialog(self.workspace, self.data), self._changed)
        elif self.kind == "service_request":
            self.request_dialog("add_note")
        else:
            self.app.push_screen(NoteDialog(self.workspace, self.data), self._changed)

    def action_edit_words(self) -> None:
        from helpdesk_tui.screens.record_edits import EditWordsDialog

        if self.data is not None:
            self.app.push_screen(EditWordsDialog(self.workspace, self.data), self._changed)

    def action_assign(self) -> None:
        from helpdesk_tui.screens.record_edits import AssignDialog

        if self.kind == "service_request":
            self.request_dialog("assign")
        elif self.data is not None:
            self.app.push_screen(AssignDialog(self.workspace, self.data), self._changed)

    def action_criticality(self) -> None:
        from helpdesk_tui.screens.record_edits import CriticalityDialog

        if self.data is not None:
            self.app.push_screen(CriticalityDialog(self.workspace, self.data), self._changed)

    def action_configuration_item(self) -> None:
        from helpdesk_tui.screens.record_edits import ConfigItemDialog

        if self.data is not None:
            self.app.push_screen(ConfigItemDialog(self.workspace, self.data), self._changed)

    def action_vendor_task(self) -> None:
        from helpdesk_tui.screens.record_edits import VendorTaskDialog

        if self.data is not None:
            self.app.push_screen(VendorTaskDialog(self.workspace, self.data), self._changed)

    def action_split(self) -> None:
        """R38: which e-mail or note holds the new question, then what the new incident is called."""
        from helpdesk_tui.screens.dialogs import ChoiceDialog
        from helpdesk_tui.screens.record_edits import SplitDialog, entry_line, splittable

        record = self.data
        entries = splittable(record) if record is not None else []
        if record is None or not entries:
            self.notify(_("No e-mail or note here to split off"), severity="warning")
            return

        def chosen(entry_id: str | None) -> None:
            entry = next((e for e in entries if str(e["id"]) == entry_id), None)
            if entry is not None:
                dialog = SplitDialog(self.workspace, record, entry)
                self.app.push_screen(dialog, lambda saved: self._split(saved, dialog.created))

        self.app.push_screen(ChoiceDialog(_("{number}: which message asks the new question?").format(
            number=record["number"]), [(str(e["id"]), entry_line(e)) for e in entries]), chosen)

    def _split(self, saved: bool | None, created: tuple[int, str] | None) -> None:
        from helpdesk_tui.screens.dialogs import ConfirmDialog

        if not saved or created is None:
            return
        self.action_reload()
        new_id, number = created

        def answer(open_it: bool | None) -> None:
            if open_it:
                self.app.push_screen(RecordScreen(self.workspace, "incident", new_id))

        self.app.push_screen(ConfirmDialog(_("{number} is registered and the caller is told its number. Open it?")
                                           .format(number=number)), answer)

    @work(thread=True, group="record-article", exit_on_error=False)
    def action_write_article(self) -> None:
        try:
            article_id = self.workspace.articles.from_incident(self.record_id)
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.app.call_from_thread(self._article_written, article_id)

    def _article_written(self, article_id: int) -> None:
        from helpdesk_tui.screens.articles import ArticleScreen  # the knowledge base's screens: on demand

        self.notify(_("A draft article is written from the solution"))
        self.app.push_screen(ArticleScreen(self.workspace, article_id))

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
        # `u` brings back the last of these: what was unread until now.
        unread = [e["id"] for e in (self.data or {}).get("journal", []) if e.get("unread")]
        if unread:
            self._last_read = unread
        n = self.workspace.mark_record_read(self.kind, self.record_id)
        self.app.call_from_thread(self.notify, _("Marked as read ({n})").format(n=n))
        self.app.call_from_thread(self.action_reload)

    @work(thread=True, group="record-marks", exit_on_error=False)
    def action_mark_unread(self) -> None:
        # The comment last marked read here, else the newest comment of any kind (a note, an
        # e-mail, a task's comment): what «Позначити як непрочитане» means to an analyst.
        comments = [e["id"] for e in (self.data or {}).get("journal", []) if e["kind"] in COMMENT_KINDS]
        target = self._last_read[-1] if self._last_read else (comments[-1] if comments else None)
        if target is None:
            self.app.call_from_thread(self.notify, _("No comment to mark"), severity="warning")
            return
        try:
            self.workspace.mark_read(target, read=False)
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        self.app.call_from_thread(self.notify, _("Marked as unread"))
        self.app.call_from_thread(self.action_reload)

    def on_data_changed(self, message: DataChanged) -> None:
        if (self.kind, self.record_id) in message.records:
            self.action_reload()
