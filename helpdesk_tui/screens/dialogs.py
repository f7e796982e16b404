"""Small dialogs every screen uses: pick one of several, type a line, confirm."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.form_guard import FormGuard, Problem
from helpdesk_tui.widgets.text_field import TextField
from helpdesk_tui.widgets.translated import TranslatedBindings, literal

DIALOG_CSS = """
    {name} {{ align: center middle; }}
    {name} > Vertical {{ width: 60; max-width: 95%; height: auto; max-height: 90%;
                         border: thick $primary; background: $surface; padding: 1 2; }}
    {name} .title {{ text-style: bold; margin-bottom: 1; }}
    {name} .error {{ color: $error; width: 100%; }}
    {name} Horizontal {{ height: auto; margin-top: 1; }}
    {name} OptionList {{ height: auto; max-height: 20; }}
"""


class ChoiceDialog(TranslatedBindings, ModalScreen[str | None]):
    """Pick one of `choices` ((value, label) pairs); Escape picks nothing."""

    DEFAULT_CSS = DIALOG_CSS.format(name="ChoiceDialog")
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel")]

    def __init__(self, title: str, choices: Sequence[tuple[str, str]], current: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(literal(self.title_text), classes="title")
            yield OptionList(*(Option(literal(label), id=value) for value, label in self.choices), id="choices")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [v for v, _l in self.choices]
        if self.current in ids:
            options.highlighted = ids.index(self.current)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PromptDialog(FormGuard, TranslatedBindings, ModalScreen[str | None]):
    """Type one line (a name); Enter takes it, Escape cancels (asking first once it is edited)."""

    DEFAULT_CSS = DIALOG_CSS.format(name="PromptDialog")
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel")]

    def __init__(self, title: str, label: str, value: str = "") -> None:
        super().__init__()
        self.title_text, self.label_text, self.value = title, label, value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(literal(self.title_text), classes="title")
            yield Label(literal(self.label_text))
            yield TextField(value=self.value, id="answer")
            yield Label("", classes="error", id="error")
            with Horizontal():
                yield Button(_("OK"), variant="primary", id="ok")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def problem(self) -> Problem | None:
        return (_("Type something first"), "answer") if not self.query_one(Input).value.strip() else None

    def _take(self) -> None:
        if self.check():
            self.dismiss(self.query_one(Input).value.strip())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._take()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self._take()
        else:
            self.dismiss(None)

    def leave(self) -> None:
        self.dismiss(None)


class ConfirmDialog(TranslatedBindings, ModalScreen[bool]):
    # A question may be longer than the dialog is wide (it can name the records it is about):
    # it wraps instead of being cut off before its question mark.
    DEFAULT_CSS = DIALOG_CSS.format(name="ConfirmDialog") + "ConfirmDialog .title { width: 100%; }\n"
    BINDINGS = [
        Binding("escape,n", "answer(False)", N_("No"), id="dialog.no"),
        Binding("y,enter", "answer(True)", N_("Yes"), id="dialog.yes"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(literal(self.question), classes="title")
            with Horizontal():
                yield Button(_("Yes"), variant="error", id="yes")
                yield Button(_("No"), id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class DiscardDialog(ConfirmDialog):
    """Whether to throw away what was typed: only «y» (or a click on Yes) does. Enter, Esc and
    «n» keep it, and the focus starts on No, so a key pressed by habit loses nothing."""

    inherit_bindings = False
    BINDINGS = [
        Binding("escape,n,enter", "answer(False)", N_("No"), id="dialog.no"),
        Binding("y", "answer(True)", N_("Yes"), id="dialog.yes"),
    ]

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()
