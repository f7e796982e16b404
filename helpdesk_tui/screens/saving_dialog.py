"""What every dialog that saves something on a record shares: Ctrl+S saves in a worker, a
refusal keeps the text and says why (under the field it names, where the dialog has a
`#<field>-error.under-field` label; else under the fields), a stale copy (another analyst saved first)
says what changed and Ctrl+S again applies the text on top of it; Esc asks before throwing typed
text away (screens/form_guard.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.screen import ModalScreen

from helpdesk_tui.domain.errors import DeskError, OpenTasks, StaleVersion
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.form_guard import FormGuard
from helpdesk_tui.widgets.failures import SaysFailures
from helpdesk_tui.widgets.translated import TranslatedBindings

if TYPE_CHECKING:
    from helpdesk_tui.desk.workspace import Workspace

DIALOG_FORM_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 80; max-width: 95%; height: auto; max-height: 95%; border: thick $primary;
                    background: $surface; padding: 0 1; }}
{name} .title {{ text-style: bold; margin: 1 0; }}
{name} TextArea {{ height: 8; }}
{name} #error {{ color: $error; width: 100%; }}
"""


def dialog_title(record: dict[str, Any], what: str) -> Text:
    return Text(f"{record['number']} · {what}")


class SavingDialog(FormGuard, SaysFailures, TranslatedBindings, ModalScreen[bool]):
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="form.save", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="form.cancel"),
    ]

    def __init__(self, workspace: Workspace, record: dict[str, Any]) -> None:
        super().__init__()
        self.workspace, self.record = workspace, record
        self.version = record["version"]
        self.saving = False

    def leave(self) -> None:
        self.dismiss(False)

    def action_save(self) -> None:
        if not self.saving and self.check():
            self.saving = True
            self.say(_("Saving…"))
            self._save(self.values())

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def write(self, values: dict[str, Any]) -> None:
        raise NotImplementedError

    @work(thread=True, group="dialog-save", exit_on_error=False)
    def _save(self, values: dict[str, Any]) -> None:
        try:
            self.write(values)
        except StaleVersion as exc:
            self.app.call_from_thread(self._stale, exc)
            return
        except OpenTasks as exc:
            self.app.call_from_thread(self._open_tasks, exc)
            return
        except DeskError as exc:  # under its field when the dialog has a place there
            self.app.call_from_thread(self._refused, exc.message, exc.field)
            return
        self.app.call_from_thread(self.dismiss, True)

    def _refused(self, message: str, field: str | None = None) -> None:
        self.saving = False
        self.say(message, field)

    def _open_tasks(self, exc: OpenTasks) -> None:
        self.saving = False
        self.ask_about_open_tasks(exc)

    def ask_about_open_tasks(self, exc: OpenTasks) -> None:
        self.say(exc.message)

    def _stale(self, exc: StaleVersion) -> None:
        self.saving = False
        self.version = exc.current_version
        self.say(exc.message + " " + _("Your text is kept: Ctrl+S applies it to the current version."))
