"""A problem's screen (issue 19): «Деталі» (its fields, root cause, workaround, solution and
journal) and «Інциденти» (the incidents it is behind; Enter opens one, `L` links another by its
number, Delete unlinks). `t` moves it along its lifecycle — resolving offers to resolve its open
incidents in the same operation — and `E` edits it. The list of problems is dashboard 5."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Static

from helpdesk_tui.domain.problem_status import ProblemStatus
from helpdesk_tui.domain.statuses import status_label
from helpdesk_tui.i18n import N_, _, ngettext
from helpdesk_tui.screens.dialogs import ChoiceDialog, ConfirmDialog, PromptDialog
from helpdesk_tui.screens.problem_dialogs import ProblemForm, ProblemStatusDialog
from helpdesk_tui.screens.record_render import JOURNAL_FILTERS, render_details, render_title
from helpdesk_tui.widgets.failures import SaysFailures
from helpdesk_tui.widgets.key_bar import KeyBar
from helpdesk_tui.widgets.status_header import StatusHeader
from helpdesk_tui.widgets.tab_strip import TabStrip
from helpdesk_tui.widgets.translated import TranslatedBindings, literal

if TYPE_CHECKING:
    from helpdesk_tui.desk.problems import Resolution
    from helpdesk_tui.desk.workspace import Workspace

TABS = (("details", N_("Details")), ("incidents", N_("Incidents")))


class ProblemScreen(SaysFailures, TranslatedBindings, Screen[None]):
    DEFAULT_CSS = """
    ProblemScreen #problem-title { padding: 0 1; height: auto; }
    ProblemScreen ContentSwitcher { height: 1fr; }
    ProblemScreen #pane-details { padding: 0 1; }
    ProblemScreen #incidents-summary { padding: 0 1; height: auto; }
    ProblemScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", N_("Back"), id="problem.back"),
        Binding("t", "change_status", N_("Change status"), id="problem.change_status"),
        Binding("E", "edit", N_("Edit"), id="problem.edit"),
        Binding("L", "link_incident", N_("Link an incident"), id="problem.link_incident"),
        Binding("delete", "unlink_incident", N_("Unlink the incident"), id="problem.unlink_incident"),
        Binding("f", "journal_filter", N_("Journal filter"), id="problem.journal_filter"),
        Binding("r,f5", "reload", N_("Refresh"), id="problem.refresh"),
        Binding("right_square_bracket", "tab(1)", N_("Next tab"), id="problem.next_tab"),
        Binding("left_square_bracket", "tab(-1)", N_("Previous tab"), show=False, id="problem.previous_tab"),
    ]

    def __init__(self, workspace: Workspace, problem_id: int) -> None:
        super().__init__()
        self.workspace, self.problem_id = workspace, problem_id
        self.data: dict[str, Any] | None = None
        self.journal_filter = 0
        # A change asked for before the problem arrived (a fast analyst on a slow link): done
        # as soon as it is here, not dropped.
        self._waiting: Callable[[], None] | None = None

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status")
        yield Static(Text(_("Loading…")), id="problem-title")
        yield TabStrip([(key, _(label)) for key, label in TABS], id="problem-tabs")
        with ContentSwitcher(initial="pane-details"):
            with VerticalScroll(id="pane-details"):
                yield Static("", id="problem")
            with Vertical(id="pane-incidents"):
                yield Static("", id="incidents-summary")
                yield DataTable(id="incidents-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(StatusHeader).set_user(self.workspace.who.full_name, self.workspace.role.label)
        self.query_one("#pane-details").focus()
        self.action_reload()

    # --- showing --------------------------------------------------------------------------------

    @work(thread=True, group="problem", exclusive=True, exit_on_error=False)
    def action_reload(self) -> None:
        self.from_worker(lambda: self.workspace.problems.problem(self.problem_id), self._show)

    def _show(self, data: dict[str, Any]) -> None:
        self.data = data
        self.query_one("#problem-title", Static).update(render_title(data))
        self.query_one("#problem", Static).update(render_details(data, self.journal_filter))
        incidents = data["incidents"]
        still_open = sum(1 for i in incidents if i["open"])
        self.query_one("#problem-tabs", TabStrip).set_label(
            "incidents", _("Incidents ({n})").format(n=len(incidents)))
        summary = (ngettext("{n} incident, {m} of them open", "{n} incidents, {m} of them open", len(incidents))
                   .format(n=len(incidents), m=still_open) if incidents
                   else _("No incident is linked yet: L links one by its number."))
        self.query_one("#incidents-summary", Static).update(Text(summary))
        table = self.query_one("#incidents-table", DataTable)
        keep = table.cursor_row
        table.clear(columns=True)
        for label in (_("Number"), _("Status"), _("Short description"), _("Owner")):
            table.add_column(label)
        for row in incidents:
            table.add_row(Text(row["number"]), Text(status_label("incident", row["status"])),
                          literal(row["short_description"], one_line=True), literal(row["owner"] or "", one_line=True),
                          key=str(row["id"]))
        if incidents:
            table.move_cursor(row=min(keep, len(incidents) - 1))
        self.refresh_bindings()
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            waiting()

    def _when_loaded(self, action: Callable[[], None]) -> bool:
        """True if the problem is here; otherwise `action` runs once it is."""
        if self.data is None:
            self._waiting = action
            return False
        return True

    def action_tab(self, delta: int) -> None:
        self.query_one("#problem-tabs", TabStrip).step(delta)

    @on(TabStrip.Activated, "#problem-tabs")
    def _tab_chosen(self, event: TabStrip.Activated) -> None:
        self.query_one(ContentSwitcher).current = f"pane-{event.key}"
        self.query_one("#incidents-table" if event.key == "incidents" else "#pane-details").focus()
        self.refresh_bindings()

    def action_journal_filter(self) -> None:
        self.journal_filter = (self.journal_filter + 1) % len(JOURNAL_FILTERS)
        if self.data is not None:
            self.query_one("#problem", Static).update(render_details(self.data, self.journal_filter))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.data is None:
            return action != "unlink_incident"
        closed = self.data is not None and self.data["status"] == ProblemStatus.CLOSED.value
        if action in ("change_status", "edit", "link_incident"):
            return not closed
        if action == "unlink_incident":
            on_incidents = self.query_one(ContentSwitcher).current == "pane-incidents"
            return not closed and on_incidents and bool(self.data and self.data["incidents"])
        return True

    # --- incidents ------------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#incidents-table")
    def _open_incident(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.app.open_record("incident", int(event.row_key.value))  # type: ignore[attr-defined]

    def action_link_incident(self) -> None:
        if not self._when_loaded(self.action_link_incident):
            return

        def typed(number: str | None) -> None:
            if number and number.strip():
                self._link(number)

        self.app.push_screen(PromptDialog(_("Link an incident to {number}").format(number=(self.data or {}).get("number", "")),
                                          _("Incident number")), typed)

    @work(thread=True, group="problem-change", exit_on_error=False)
    def _link(self, number: str) -> None:
        def linked(found: str) -> None:
            self.notify(_("{number} linked").format(number=found), markup=False)
            self.action_reload()

        self.from_worker(lambda: self.workspace.problems.link_incident(self.problem_id, number), linked)

    def action_unlink_incident(self) -> None:
        table = self.query_one("#incidents-table", DataTable)
        if self.data is None or not self.data["incidents"] or table.cursor_row < 0:
            return
        row = self.data["incidents"][min(table.cursor_row, len(self.data["incidents"]) - 1)]
        question = _("Unlink {incident} from {problem}?").format(incident=row["number"], problem=self.data["number"])
        self.app.push_screen(ConfirmDialog(question), lambda yes: self._unlink(row["id"], row["number"]) if yes else None)

    @work(thread=True, group="problem-change", exit_on_error=False)
    def _unlink(self, incident_id: int, number: str) -> None:
        self.from_worker(lambda: self.workspace.problems.unlink_incident(self.problem_id, incident_id),
                         lambda _none: self.action_reload(), said=_("{number} unlinked").format(number=number))

    # --- changes --------------------------------------------------------------------------------

    def action_edit(self) -> None:
        if self._when_loaded(self.action_edit) and self.data is not None:
            self.app.push_screen(ProblemForm(self.workspace, self.data), lambda ok: self.action_reload() if ok else None)

    def action_change_status(self) -> None:
        if not self._when_loaded(self.action_change_status) or self.data is None:
            return
        record = self.data
        choices = [(t, ProblemStatus(t).label) for t in record["targets"]]

        def chosen(value: str | None) -> None:
            if value:
                dialog = ProblemStatusDialog(self.workspace, record, ProblemStatus(value))
                self.app.push_screen(dialog, lambda ok: self._moved(dialog.result) if ok else None)

        self.app.push_screen(ChoiceDialog(_("{number}: new status").format(number=record["number"]), choices), chosen)

    def _moved(self, resolution: Resolution | None) -> None:
        if resolution is not None and (resolution.resolved or resolution.skipped):
            said = []
            if resolution.resolved:
                said.append(_("Resolved with it: {numbers}").format(numbers=", ".join(resolution.resolved)))
            if resolution.skipped:
                said.append(_("Left as they were: {numbers}").format(
                    numbers=", ".join(f"{n} ({status})" for n, status in resolution.skipped)))
            self.notify("\n".join(said), markup=False)
        self.action_reload()
