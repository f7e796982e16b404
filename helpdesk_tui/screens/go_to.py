"""«Go to» (g): open any record by its number, from anywhere, in any status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.dialogs import DIALOG_CSS
from helpdesk_tui.widgets.failures import SaysFailures
from helpdesk_tui.widgets.translated import TranslatedBindings, literal

if TYPE_CHECKING:
    from helpdesk_tui.desk.workspace import Workspace


class GoToDialog(SaysFailures, TranslatedBindings, ModalScreen[tuple[str, int] | None]):
    """Type a number (INC0001234, 1234, TSK…, REQ…, KB…, PRB…); Enter finds it and closes with
    (kind, id); a number that names nothing is said here and the dialog stays."""

    DEFAULT_CSS = DIALOG_CSS.format(name="GoToDialog")
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel")]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(_("Go to record")), classes="title")
            yield Label(Text(_("Its number: INC0001234 or 1234, TSK…, REQ…, KB…, PRB…")))
            yield Input(id="number")
            yield Label("", classes="error", id="error")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        number = event.value.strip()
        if number:
            self._find(number)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#error", Label).update("")

    @work(thread=True, group="go-to", exclusive=True, exit_on_error=False)
    def _find(self, number: str) -> None:
        try:
            found = self.workspace.locate(number)
        except DeskError as exc:
            self.app.call_from_thread(self.query_one("#error", Label).update, literal(exc.message))
            return
        self.app.call_from_thread(self.dismiss, found)

    def action_cancel(self) -> None:
        self.dismiss(None)
