"""Dialogs on an open service request (R28–R30, R32): a status change with its reason, the
approver's decision, a task made by hand, a note, the work group and owner. Ctrl+S saves; a
refusal keeps the text and says why (screens/saving_dialog.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, TextArea

from helpdesk_tui.domain.requests import RequestStatus
from helpdesk_tui.i18n import _
from helpdesk_tui.screens.form_guard import Problem
from helpdesk_tui.screens.incident_dialogs import NoteDialog, TaskDialog
from helpdesk_tui.screens.record_edits import AssignDialog
from helpdesk_tui.screens.saving_dialog import DIALOG_FORM_CSS, SavingDialog, dialog_title
from helpdesk_tui.widgets.key_bar import KeyBar
from helpdesk_tui.widgets.text_field import TextBox

if TYPE_CHECKING:
    from helpdesk_tui.desk.workspace import Workspace

# What the analyst is asked for each move by hand.
REASON_NEEDED = {RequestStatus.CANCELLED: True, RequestStatus.IN_PROGRESS: True}


class RequestStatusDialog(SavingDialog):
    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="RequestStatusDialog")

    def __init__(self, workspace: Workspace, record: dict[str, Any], target: RequestStatus) -> None:
        super().__init__(workspace, record)
        self.target = target
        self.needs_reason = REASON_NEEDED.get(target, False) and not (
            target is RequestStatus.IN_PROGRESS and record["status"] == RequestStatus.REGISTERED.value)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(dialog_title(self.record, f"{RequestStatus(self.record['status']).label} → {self.target.label}"),
                        classes="title")
            yield Label(_("Reason *") if self.needs_reason else _("Comment"))
            yield TextBox(id="reason")
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#reason").focus()

    def values(self) -> dict[str, Any]:
        return {"reason": self.query_one("#reason", TextArea).text.strip()}

    def problem(self) -> Problem | None:
        if self.needs_reason and not self.values()["reason"]:
            return _("Say why"), "reason"
        return None

    def write(self, values: dict[str, Any]) -> None:
        self.workspace.requests.change_status(self.record["id"], self.target.value, reason=values["reason"],
                                              expected_version=self.version)


class DecisionDialog(SavingDialog):
    """The approver's «Погоджую» or «Відхиляю», with a comment (required to reject)."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="DecisionDialog")

    def __init__(self, workspace: Workspace, record: dict[str, Any], approve: bool) -> None:
        super().__init__(workspace, record)
        self.approve = approve

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(dialog_title(self.record, _("Approve") if self.approve else _("Reject")), classes="title")
            yield Label(_("Comment") if self.approve else _("Why it is rejected *"))
            yield TextBox(id="comment")
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#comment").focus()

    def values(self) -> dict[str, Any]:
        return {"comment": self.query_one("#comment", TextArea).text.strip()}

    def problem(self) -> Problem | None:
        if not self.approve and not self.values()["comment"]:
            return _("Say why the request is rejected"), "comment"
        return None

    def write(self, values: dict[str, Any]) -> None:
        self.workspace.requests.decide(self.record["id"], approve=self.approve, comment=values["comment"])


class RequestTaskDialog(TaskDialog):
    """R30: «Завдання» → «Новий»: short description, details and work group, all required; it
    stays outside the sequence and must be finished before its last task."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="RequestTaskDialog")
    DETAILS_REQUIRED = True

    def write(self, values: dict[str, Any]) -> None:
        number = self.workspace.requests.add_task(self.record["id"], **values)
        self.app.call_from_thread(self.app.notify, _("{number} created").format(number=number))


class RequestNoteDialog(NoteDialog):
    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="RequestNoteDialog")

    def write(self, values: dict[str, Any]) -> None:
        self.workspace.requests.add_note(self.record["id"], **values)


class RequestAssignDialog(AssignDialog):
    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="RequestAssignDialog")

    def write(self, values: dict[str, Any]) -> None:
        self.workspace.requests.assign(self.record["id"], group_id=values.get("group_id"),
                                       owner_id=values.get("owner_id"), expected_version=self.version)

