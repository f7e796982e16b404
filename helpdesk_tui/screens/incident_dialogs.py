"""Dialogs on an open incident: a status change asking only what that status needs (R22, R25,
R26), and «ADD » Примітки» (R23). Ctrl+S saves; a refusal keeps the text; a stale copy (another
analyst saved first) says what changed, and Ctrl+S again applies the text on top of it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Select, TextArea

from helpdesk_tui.domain.errors import DeskError, StaleVersion
from helpdesk_tui.domain.lifecycle import REQUIRED_FOR, field_label
from helpdesk_tui.domain.statuses import IncidentStatus, ReasonCode
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.widgets.key_bar import KeyBar
from helpdesk_tui.widgets.translated import TranslatedBindings, literal

if TYPE_CHECKING:
    from helpdesk_tui.desk.workspace import Workspace

# The statuses these dialogs can take an incident to: each needs only text and a reason code.
# «Виконується робота» (classification) and «Передано третій стороні» (external task) have
# forms of their own.
TEXT_FIELDS = ("question", "answer", "vendor_answer", "solution", "reason")
DIALOG_STATUSES = tuple(s for s in IncidentStatus if set(REQUIRED_FOR[s]) <= {*TEXT_FIELDS, "reason_code"}
                        and s is not IncidentStatus.REGISTERED)

_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{ width: 80; max-width: 95%; height: auto; max-height: 95%; border: thick $primary;
                    background: $surface; padding: 0 1; }}
{name} .title {{ text-style: bold; margin: 1 0; }}
{name} TextArea {{ height: 8; }}
{name} #error {{ color: $error; }}
"""


class _SavingDialog(TranslatedBindings, ModalScreen[bool]):
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="form.save", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="form.cancel"),
    ]

    def __init__(self, workspace: Workspace, record: dict[str, Any]) -> None:
        super().__init__()
        self.workspace, self.record = workspace, record
        self.version = record["version"]
        self.saving = False

    def action_cancel(self) -> None:
        self.dismiss(False)

    def _say(self, message: str) -> None:
        self.query_one("#error", Label).update(literal(message))

    def action_save(self) -> None:
        if not self.saving:
            values = self.values()
            if values is not None:
                self.saving = True
                self._say(_("Saving…"))
                self._save(values)

    def values(self) -> dict[str, Any] | None:
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
        except DeskError as exc:
            self.app.call_from_thread(self._refused, exc.message)
            return
        self.app.call_from_thread(self.dismiss, True)

    def _refused(self, message: str) -> None:
        self.saving = False
        self._say(message)

    def _stale(self, exc: StaleVersion) -> None:
        self.saving = False
        self.version = exc.current_version
        self._say(exc.message + " " + _("Your text is kept: Ctrl+S applies it to the current version."))


class StatusDialog(_SavingDialog):
    DEFAULT_CSS = _CSS.format(name="StatusDialog")

    def __init__(self, workspace: Workspace, record: dict[str, Any], target: IncidentStatus) -> None:
        super().__init__(workspace, record)
        self.target = target
        self.needs = REQUIRED_FOR[target]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"{self.record['number']} → {self.target.label}"), classes="title")
            for name in self.needs:
                yield Label(field_label(name) + " *")
                if name == "reason_code":
                    yield Select([(c.label, c.value) for c in ReasonCode], id="reason_code",
                                 prompt=_("Choose a reason code"))
                else:
                    yield TextArea(id=name, tab_behavior="focus")
            if not self.needs:
                yield Label(_("Press Ctrl+S to confirm."))
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        fields = self.query("TextArea, Select")
        if fields:
            fields.first().focus()

    def values(self) -> dict[str, Any] | None:
        values: dict[str, Any] = {}
        for name in self.needs:
            if name == "reason_code":
                code = self.query_one("#reason_code", Select).value
                values[name] = code if isinstance(code, str) else None
            else:
                values[name] = self.query_one(f"#{name}", TextArea).text.strip()
        missing = [n for n, v in values.items() if not v]
        if missing:
            self._say(_("«{status}» needs: {fields}").format(
                status=self.target.label, fields=", ".join(field_label(n) for n in missing)))
            self.query_one(f"#{missing[0]}").focus()
            return None
        return values

    def write(self, values: dict[str, Any]) -> None:
        self.workspace.change_status(self.record["id"], self.target.value, expected_version=self.version, **values)


class NoteDialog(_SavingDialog):
    """«ADD » Примітки»: a summary, the text, and whether the caller sees it (self-service)."""

    DEFAULT_CSS = _CSS.format(name="NoteDialog")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"{self.record['number']} · {_('Add a note')}"), classes="title")
            yield Label(_("Summary"))
            yield Input(id="summary", max_length=160)
            yield Label(_("Text"))
            yield TextArea(id="text", tab_behavior="focus")
            yield Checkbox(_("Publish in self-service"), id="published")
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#summary", Input).focus()

    def values(self) -> dict[str, Any] | None:
        text = self.query_one("#text", TextArea).text.strip()
        summary = self.query_one("#summary", Input).value.strip()
        if not text and not summary:
            self._say(_("A note needs a summary or a text"))
            self.query_one("#text").focus()
            return None
        return {"summary": summary, "text": text,
                "published": self.query_one("#published", Checkbox).value}

    def write(self, values: dict[str, Any]) -> None:
        self.workspace.add_note(self.record["id"], **values)
