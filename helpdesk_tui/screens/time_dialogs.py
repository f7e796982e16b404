"""Dialogs of time and change requests on an open record (R36, R41): time entered by hand
(«1г 30хв», «1:30», «90»), the client's agreement to a change request, and the statement's
export. Ctrl+S saves; a refusal keeps what was typed and says why under the fields."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Label, Select

from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.domain.timekeeping import parse_duration
from helpdesk_tui.i18n import _
from helpdesk_tui.screens.form_guard import Problem
from helpdesk_tui.screens.saving_dialog import DIALOG_FORM_CSS, SavingDialog, dialog_title
from helpdesk_tui.widgets.key_bar import KeyBar
from helpdesk_tui.widgets.text_field import TextField

if TYPE_CHECKING:
    from helpdesk_tui.desk.time_entries import Logged
    from helpdesk_tui.desk.workspace import Workspace


def _day(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    for parse in (date.fromisoformat, lambda t: date(*reversed([int(p) for p in t.split(".")]))):  # type: ignore[misc]
        try:
            return parse(text)  # type: ignore[no-any-return]
        except (ValueError, TypeError):
            continue
    raise ValueError(text)


class LogTimeDialog(SavingDialog):
    """«Записати час»: how long, which day, what was done, whether it counts."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="LogTimeDialog")

    def __init__(self, workspace: Workspace, record: dict[str, Any]) -> None:
        super().__init__(workspace, record)
        self.logged: Logged | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(dialog_title(self.record, _("Log time")), classes="title")
            yield Label(_("Time spent (1г 30хв, 1:30, 90)"))
            yield TextField(id="duration", max_length=40)
            yield Label(_("Day"))
            yield TextField(value=self.workspace.time.today().strftime("%d.%m.%Y"), id="day", max_length=10)
            yield Label(_("What was done"))
            yield TextField(id="note", max_length=500)
            yield Checkbox(_("Counts against the subscription"), value=not self.record.get("ticket_kind") == "change_request",
                           id="billable", disabled=self.record.get("ticket_kind") == "change_request")
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#duration", Input).focus()

    def problem(self) -> Problem | None:
        try:
            parse_duration(self.query_one("#duration", Input).value)
        except DeskError as exc:
            return exc.message, "duration"
        try:
            _day(self.query_one("#day", Input).value)
        except ValueError:
            return _("«{text}» is not a date: write e.g. 30.11.2026").format(
                text=self.query_one("#day", Input).value.strip()), "day"
        return None

    def values(self) -> dict[str, Any]:
        return {"minutes": parse_duration(self.query_one("#duration", Input).value),
                "work_date": _day(self.query_one("#day", Input).value),
                "note": self.query_one("#note", Input).value.strip(),
                "billable": self.query_one("#billable", Checkbox).value}

    def write(self, values: dict[str, Any]) -> None:
        self.logged = self.workspace.time.log(self.record["kind"], self.record["id"], **values)


class AgreementDialog(SavingDialog):
    """The client's agreement to a change request: who agreed and how (R36)."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="AgreementDialog")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(dialog_title(self.record, _("The client's agreement")), classes="title")
            yield Label(_("Who agreed and how (e.g. by phone, the director Ivanenko)"))
            yield TextField(id="how", max_length=500)
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#how", Input).focus()

    def problem(self) -> Problem | None:
        if not self.query_one("#how", Input).value.strip():
            return _("Say who agreed and how"), "how"
        return None

    def values(self) -> dict[str, Any]:
        return {"how": self.query_one("#how", Input).value.strip()}

    def write(self, values: dict[str, Any]) -> None:
        self.workspace.time.agree(self.record["id"], values["how"], self.version)


class ExportDialog(SavingDialog):
    """The statement of a client and month, written into a folder (PDF, XLSX or CSV)."""

    DEFAULT_CSS = DIALOG_FORM_CSS.format(name="ExportDialog")

    def __init__(self, workspace: Workspace, record: dict[str, Any]) -> None:
        # `record`: {"id": the client's id, "number": the client's name, "month": date, "version": None}
        super().__init__(workspace, record)
        self.written: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(dialog_title(self.record, _("Statement for {month}").format(
                month=self.record["month"].strftime("%m.%Y"))), classes="title")
            yield Label(_("Format"))
            yield Select([("PDF", "pdf"), ("XLSX", "xlsx"), ("CSV", "csv")], value="pdf", allow_blank=False,
                         id="format")
            yield Checkbox(_("Internal report: completed tickets with their time"), id="internal")
            yield Label(_("Folder"))
            yield TextField(value=str(Path.home()), id="folder")
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#format", Select).focus()

    def problem(self) -> Problem | None:
        if not self.query_one("#folder", Input).value.strip():
            return _("Name the folder to write into"), "folder"
        return None

    def values(self) -> dict[str, Any]:
        return {"fmt": self.query_one("#format", Select).value,
                "folder": Path(self.query_one("#folder", Input).value.strip()),
                "internal": self.query_one("#internal", Checkbox).value}

    def write(self, values: dict[str, Any]) -> None:
        self.written = self.workspace.time.export(self.record["id"], self.record["month"], values["fmt"],
                                                  values["folder"], internal=values["internal"])
