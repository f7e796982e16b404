"""The caller field of the intake form (R3): type a name, a login, a phone or an e-mail; the
matching people appear below as you type; ↑/↓ choose, Enter takes one.

The search runs in a worker and may answer after more has been typed: an answer is shown only
while the field still holds the text it answers, and it never writes the field. Enter pressed
before the answer to what is typed has come waits for it, so it takes a match of the text on
screen, never one of an older text."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from helpdesk_tui.i18n import N_, _
from helpdesk_tui.widgets.failures import SaysFailures
from helpdesk_tui.widgets.text_field import TextField
from helpdesk_tui.widgets.translated import TranslatedBindings, literal

DEBOUNCE = 0.12


class _SearchInput(TranslatedBindings, TextField):
    BINDINGS = [
        Binding("down", "move(1)", N_("Next match"), show=False, id="picker.next"),
        Binding("up", "move(-1)", N_("Previous match"), show=False, id="picker.previous"),
    ]

    def action_move(self, delta: int) -> None:
        self.parent.move(delta)  # type: ignore[union-attr]


class PersonPicker(SaysFailures, Vertical):
    DEFAULT_CSS = """
    PersonPicker { height: auto; }
    PersonPicker OptionList { height: auto; max-height: 8; display: none; }
    PersonPicker OptionList.-open { display: block; }
    PersonPicker #chosen { color: $success; height: auto; }
    """

    @dataclass
    class Picked(Message):
        picker: PersonPicker
        choice: Any

    @dataclass
    class NewRequested(Message):
        """Nobody matches: add the caller (the text typed so far comes along)."""

        picker: PersonPicker
        text: str

    def __init__(self, workspace: Any, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.workspace = workspace
        self.matches: list[Any] = []
        self.chosen: Any = None
        self.answered: str | None = None  # the text the matches on show were found for
        self._enter_waiting = False

    def compose(self) -> ComposeResult:
        yield _SearchInput(placeholder=_("Name, login, phone or e-mail"), id="caller-search")
        yield OptionList(id="caller-matches")
        yield Label("", id="chosen")

    def focus(self, scroll_visible: bool = True) -> PersonPicker:
        self.query_one(Input).focus(scroll_visible)
        return self

    @on(Input.Changed, "#caller-search")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self.chosen is not None and event.value == self.chosen.full_name:
            return
        self.chosen = None
        self.query_one("#chosen", Label).update("")
        if event.value.strip():
            self._search(event.value)
        else:
            self.workers.cancel_group(self, "people")
            self._show("", [])

    @work(thread=True, group="people", exclusive=True, exit_on_error=False)
    def _search(self, text: str) -> None:
        time.sleep(DEBOUNCE)  # a newer keystroke cancels this one before it asks
        if get_current_worker().is_cancelled:
            return
        found = self.workspace.people(text)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, text, found)

    def _show(self, text: str, found: list[Any]) -> None:
        if text != self.query_one(Input).value or self.chosen is not None:
            return  # an answer to what was typed before: the newer text's answer is on its way
        self.answered = text
        self.matches = found
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(literal(p.describe(), one_line=True)) for p in found])
        typed = text.strip()
        if typed:  # always last: a caller the desk does not know yet
            options.add_option(Option(Text("+ ").append(_("New caller «{text}»").format(text=typed)), id="new"))
        options.set_class(bool(typed), "-open")
        if typed:
            options.highlighted = 0
        if self._enter_waiting:
            self._enter_waiting = False
            self._take(options.highlighted)

    def move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            options.highlighted = min(max((options.highlighted or 0) + delta, 0), options.option_count - 1)

    def _take(self, index: int | None) -> None:
        if index is None:
            return
        if index < len(self.matches):
            self.pick(self.matches[index])
        else:
            self.post_message(self.NewRequested(self, self.query_one(Input).value.strip()))

    @on(Input.Submitted, "#caller-search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if self.chosen is not None:
            self.post_message(self.Picked(self, self.chosen))
        elif event.value.strip() and self.answered != event.value:
            self._enter_waiting = True  # taken when the answer to this text comes
        elif options.option_count:
            self._take(options.highlighted)

    @on(OptionList.OptionSelected, "#caller-matches")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._take(event.option_index)

    def pick(self, choice: Any) -> None:
        self.chosen = choice
        self.matches = []
        self.answered = None
        self._enter_waiting = False
        options = self.query_one(OptionList)
        options.clear_options()
        options.remove_class("-open")
        search = self.query_one(Input)
        with search.prevent(Input.Changed):
            search.value = choice.full_name
        self.query_one("#chosen", Label).update(Text("✓ ").append(literal(choice.describe(), one_line=True)))
        self.post_message(self.Picked(self, choice))
