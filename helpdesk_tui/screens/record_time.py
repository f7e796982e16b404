"""Time on an open record (R41) and its change-request side (R36), mixed into RecordScreen: the
«Час» tab (entries and totals; Delete removes one's own entry), `w` starts or stops the timer on
this record, `l` logs time by hand, `K` makes an incident a change request or back, `Y` records
the client's agreement. The client's month is said under the title; past 80 % it warns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.widgets import DataTable, Static

from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.domain.timekeeping import format_duration, format_hours
from helpdesk_tui.i18n import _
from helpdesk_tui.widgets.failures import SaysFailures
from helpdesk_tui.widgets.translated import literal

if TYPE_CHECKING:
    from helpdesk_tui.desk.subscriptions import Use
    from helpdesk_tui.desk.time_entries import Logged
    from helpdesk_tui.desk.workspace import Workspace

TIMED = ("incident", "service_request", "task")


def client_line(use: Use | None) -> Text | None:
    """«ТОВ «Ромашка»: 12,50 з 20,00 год цього місяця (63 %)», yellow past 80 %, red past all."""
    if use is None:
        return None
    line = Text(_("Client: "), style="dim")
    line.append_text(literal(use.name, one_line=True))
    share = use.share
    style = "" if use.warning is None else ("bold red" if use.warning >= 1 else "bold yellow")
    figures = _("{used} of {included} h this month").format(used=format_hours(use.used_minutes),
                                                              included=format_hours(use.included_minutes))
    if share is not None:
        figures += f" ({round(share * 100)} %)"
    line.append("  ")
    line.append(figures, style=style)
    if use.warning is not None and use.warning >= 1:
        line.append("  " + _("subscription hours used up"), style="bold red")
    elif use.warning is not None:
        line.append("  " + _("80 % of the hours used"), style="bold yellow")
    return line


class TimeActions(SaysFailures):
    """The record's time: needs `workspace`, `kind`, `record_id`, `data` and `action_reload`."""

    workspace: Workspace
    kind: str
    record_id: int
    data: dict[str, Any] | None
    time_data: dict[str, Any] | None = None
    client_use: Use | None = None

    def time_allows(self, action: str) -> bool | None:
        if action in ("timer", "log_time"):
            return self.kind in TIMED and self.data is not None
        if action == "remove_time":
            return self.kind in TIMED
        if action in ("change_kind", "agree"):
            if self.kind != "incident" or self.data is None or self.data["status"] in ("closed", "cancelled"):
                return False
            if action == "agree":
                return self.data.get("ticket_kind") == "change_request" and self.data.get("agreed_at") is None
            return True
        return None

    # --- the tab --------------------------------------------------------------------------------

    @work(thread=True, group="record-time", exclusive=True, exit_on_error=False)
    def load_time(self) -> None:
        try:
            entries = self.workspace.time.entries(self.kind, self.record_id)
            org = (self.data or {}).get("organisation_id")
            use = self.workspace.time.client_month(org) if org else None
        except DeskError:
            return
        self.app.call_from_thread(self._time_loaded, entries, use)  # type: ignore[attr-defined]

    def _time_loaded(self, entries: dict[str, Any], use: Use | None) -> None:
        self.time_data, self.client_use = entries, use
        self.show_time()
        self.show_title()  # type: ignore[attr-defined]

    def show_time(self) -> None:
        data = self.time_data
        if data is None:
            return
        summary = Text(_("Total {total}; counted against the subscription {counted}").format(
            total=format_duration(data["minutes"]), counted=format_duration(data["counted"])), style="bold")
        if data["change_request"]:
            summary.append("  " + _("a change request: outside the subscription"), style="italic")
        for name, minutes in data["by_person"]:
            summary.append("\n  ")
            summary.append_text(literal(name, one_line=True))
            summary.append(f": {format_duration(minutes)}")
        self.query_one("#time-summary", Static).update(summary)  # type: ignore[attr-defined]
        table = self.query_one("#time-table", DataTable)  # type: ignore[attr-defined]
        cursor = table.cursor_row
        table.clear(columns=True)
        for label in (_("Day"), _("Who"), _("Time"), _("Counts"), _("Task"), _("What was done")):
            table.add_column(label)
        for row in data["entries"]:
            table.add_row(Text(row["work_date"].strftime("%d.%m.%Y")), literal(row["person"], one_line=True),
                          Text(format_duration(row["minutes"])), Text(_("yes") if row["billable"] else _("no")),
                          Text(row["task"] or ""), literal(row["note"], one_line=True), key=str(row["id"]))
        table.display = bool(data["entries"])
        if data["entries"]:
            table.move_cursor(row=min(cursor, len(data["entries"]) - 1))
        strip = self.query_one("#record-tabs")  # type: ignore[attr-defined]
        label = _("Time")
        strip.set_label("time", f"{label} ({format_duration(data['minutes'])})" if data["minutes"] else label)

    # --- the keys -------------------------------------------------------------------------------

    @work(thread=True, group="record-timer", exit_on_error=False)
    def action_timer(self) -> None:
        try:
            what, logged = self.workspace.time.toggle_timer(self.kind, self.record_id)
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)  # type: ignore[attr-defined]
            return
        self.app.call_from_thread(self._timer_toggled, what, logged)  # type: ignore[attr-defined]

    def _timer_toggled(self, what: str, logged: Logged | None) -> None:
        number = (self.data or {}).get("number", "")
        if what == "started":
            self.notify(_("Timer started on {number}").format(number=number))  # type: ignore[attr-defined]
        self.tell_logged(logged)
        self.app.refresh_timer()  # type: ignore[attr-defined]
        self.load_time()

    def tell_logged(self, logged: Logged | None) -> None:
        if logged is None:
            return
        if logged.entry is None:
            self.notify(_("Under half a minute: nothing logged"), severity="warning")  # type: ignore[attr-defined]
            return
        self.notify(_("Logged {duration}; the ticket has {total} in all").format(  # type: ignore[attr-defined]
            duration=format_duration(logged.entry.minutes), total=format_duration(logged.ticket_minutes)))
        if logged.warning is not None:
            self.notify(_("The client has used {share} % of this month's subscription hours").format(  # type: ignore[attr-defined]
                share=round(logged.warning * 100)), severity="warning" if logged.warning < 1 else "error", timeout=10)
        if logged.offer_change_request:
            self.offer_change_request()

    def offer_change_request(self) -> None:
        from helpdesk_tui.screens.dialogs import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self._set_kind("change_request")

        self.app.push_screen(ConfirmDialog(  # type: ignore[attr-defined]
            _("More than half an hour on a small configuration change. Make it a change request "
              "(development's work, outside the subscription, agreed with the client first)?")), answered)

    def action_log_time(self) -> None:
        from helpdesk_tui.screens.time_dialogs import LogTimeDialog

        if self.data is None:
            return
        dialog = LogTimeDialog(self.workspace, self.data)

        def saved(ok: bool | None) -> None:
            if ok:
                self.tell_logged(dialog.logged)
                self.load_time()

        self.app.push_screen(dialog, saved)  # type: ignore[attr-defined]

    def action_remove_time(self) -> None:
        from helpdesk_tui.screens.dialogs import ConfirmDialog

        table = self.query_one("#time-table", DataTable)  # type: ignore[attr-defined]
        if self.time_data is None or not self.time_data["entries"] or not table.has_focus:
            return
        entry = self.time_data["entries"][table.cursor_row]
        if entry["person_id"] != self.time_data["me"]:
            self.notify(_("Only the person who logged the time or an administrator may remove it"),  # type: ignore[attr-defined]
                        severity="warning")

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(entry["id"])

        self.app.push_screen(ConfirmDialog(_("Remove {duration} of {day}?").format(  # type: ignore[attr-defined]
            duration=format_duration(entry["minutes"]), day=entry["work_date"].strftime("%d.%m.%Y"))), answered)

    @work(thread=True, group="record-time-remove", exit_on_error=False)
    def _remove(self, entry_id: int) -> None:
        try:
            self.workspace.time.remove(entry_id)
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)  # type: ignore[attr-defined]
            return
        self.app.call_from_thread(self.notify, _("Removed"))  # type: ignore[attr-defined]
        self.app.call_from_thread(self.load_time)  # type: ignore[attr-defined]

    def action_change_kind(self) -> None:
        from helpdesk_tui.screens.dialogs import ChoiceDialog
        from helpdesk_tui.domain.statuses import TICKET_KIND_LABELS

        if self.data is None:
            return

        def chosen(kind: str | None) -> None:
            if kind and kind != self.data.get("ticket_kind"):  # type: ignore[union-attr]
                self._set_kind(kind)

        self.app.push_screen(ChoiceDialog(  # type: ignore[attr-defined]
            _("What {number} is").format(number=self.data["number"]),
            [(k, _(label)) for k, label in TICKET_KIND_LABELS.items()], current=self.data.get("ticket_kind")), chosen)

    @work(thread=True, group="record-kind", exit_on_error=False)
    def _set_kind(self, kind: str) -> None:
        try:
            group, missing = self.workspace.time.set_kind(self.record_id, kind, (self.data or {}).get("version"))
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)  # type: ignore[attr-defined]
            return
        if group:
            self.app.call_from_thread(self.notify, _("Passed to {group}").format(group=group), markup=False)  # type: ignore[attr-defined]
        if missing:
            self.app.call_from_thread(self.notify, _(  # type: ignore[attr-defined]
                "No active work group is called «{group}» (desk.development_group): the ticket stays in its group")
                .format(group=missing), severity="warning", markup=False)
        self.app.call_from_thread(self.action_reload)  # type: ignore[attr-defined]

    def action_agree(self) -> None:
        from helpdesk_tui.screens.time_dialogs import AgreementDialog

        if self.data is not None:
            self.app.push_screen(AgreementDialog(self.workspace, self.data), self._changed)  # type: ignore[attr-defined]
