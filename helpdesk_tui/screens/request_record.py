"""What the record view does on a service request (R27–R32), mixed into screens/record.py's
RecordScreen: its own tabs («Параметри», «Завдання», approvals), its status moves by hand,
the approver's «Погоджую» / «Відхиляю», a task by hand, a note, the assignment.

Closed, rejected and cancelled requests open read-only."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from helpdesk_tui.domain.requests import FINAL, TRANSITIONS, RequestStatus
from helpdesk_tui.i18n import _
from helpdesk_tui.screens.dialogs import ChoiceDialog
from helpdesk_tui.screens.request_dialogs import (
    DecisionDialog,
    RequestAssignDialog,
    RequestNoteDialog,
    RequestStatusDialog,
    RequestTaskDialog,
)
from helpdesk_tui.screens.request_render import render_approvals, render_parameters

# The moves an analyst makes by hand; approvals and the task sequence make the others.
BY_HAND = (RequestStatus.IN_PROGRESS, RequestStatus.IMPLEMENTED, RequestStatus.CLOSED, RequestStatus.CANCELLED)
EDITS = ("change_status", "add_note", "new_task", "assign")


class RequestActions:
    """Mixin for RecordScreen: `self.data`, `self.workspace`, `self._changed` are the screen's."""

    data: dict[str, Any] | None
    workspace: Any

    def show_request(self, data: dict[str, Any]) -> None:
        self.query_one("#tab-parameters", Static).update(render_parameters(data))  # type: ignore[attr-defined]
        self.query_one("#tab-approvals", Static).update(render_approvals(data))  # type: ignore[attr-defined]
        waiting = sum(1 for a in data.get("approvals") or [] if a["state"] == "requested")
        strip = self.query_one("#record-tabs")  # type: ignore[attr-defined]
        tasks = len(data.get("tasks") or [])
        tasks_label, approvals_label = _("Tasks"), _("Approvals")
        strip.set_label("tasks", f"{tasks_label} ({tasks})" if tasks else tasks_label)
        strip.set_label("approvals", f"{approvals_label} ({waiting})" if waiting else approvals_label)

    def request_allows(self, action: str) -> bool | None:
        """check_action for a request: None when the action is not the request's business."""
        open_ = self.data is not None and RequestStatus(self.data["status"]) not in FINAL
        if action in EDITS:
            return open_
        if action in ("approve", "reject"):
            return open_ and bool(self.data and self.data.get("may_decide"))
        return None

    def request_change_status(self) -> None:
        record = self.data
        if record is None:
            return
        targets = [t for t in BY_HAND if t in TRANSITIONS[RequestStatus(record["status"])]]
        if not targets:
            self.notify(_("{number} moves on by itself: approvals and tasks decide").format(  # type: ignore[attr-defined]
                number=record["number"]), severity="warning")
            return

        def chosen(value: str | None) -> None:
            if value:
                self.app.push_screen(RequestStatusDialog(self.workspace, record, RequestStatus(value)),  # type: ignore[attr-defined]
                                     self._changed)  # type: ignore[attr-defined]

        self.app.push_screen(ChoiceDialog(_("Change status of {number}").format(number=record["number"]),  # type: ignore[attr-defined]
                                          [(t.value, t.label) for t in targets]), chosen)

    def action_approve(self) -> None:
        if self.data is not None:
            self.app.push_screen(DecisionDialog(self.workspace, self.data, True), self._changed)  # type: ignore[attr-defined]

    def action_reject(self) -> None:
        if self.data is not None:
            self.app.push_screen(DecisionDialog(self.workspace, self.data, False), self._changed)  # type: ignore[attr-defined]

    def request_dialog(self, action: str) -> None:
        """«a», «k», «o» on a request."""
        dialog = {"add_note": RequestNoteDialog, "new_task": RequestTaskDialog, "assign": RequestAssignDialog}[action]
        if self.data is not None:
            self.app.push_screen(dialog(self.workspace, self.data), self._changed)  # type: ignore[attr-defined]


def decision_hint(data: dict[str, Any]) -> Text | None:
    """Under the title of a request that waits for my decision: how to give it."""
    if data.get("may_decide"):
        return Text(_("Waiting for your approval: y approves, x rejects"), style="bold magenta")
    return None
