"""«Параметри»: the request that applies to this requester, chosen by typing (R27).

Only what the requester may ask for is listed; every word typed narrows the list (a name, part
of one, or the item's code). The list is read in a worker: an answer is shown only while the
field still holds the text it answers, and Enter typed before it waits for it."""

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

DEBOUNCE = 0.08


class _ItemSearch(TranslatedBindings, TextField):
    BINDINGS = [
        Binding("down", "move(1)", N_("Next match"), show=False, id="catalog.next"),
        Binding("up", "move(-1)", N_("Previous match"), show=False, id="catalog.previous"),
    ]

    def action_move(self, delta: int) -> None:
        self.parent.move(delta)  # type: ignore[union-attr]


class CatalogPicker(SaysFailures, Vertical):
    DEFAULT_CSS = """
    CatalogPicker { height: auto; }
    CatalogPicker OptionList { height: auto; max-height: 10; }
    CatalogPicker #item-chosen { color: $success; height: auto; }
    CatalogPicker #item-about { color: $text-muted; height: auto; }
    """

    @dataclass
    class Picked(Message):
        picker: CatalogPicker
        item: Any

    def __init__(self, workspace: Any, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.workspace = workspace
        self.requester_id: int | None = None
        self.items: list[Any] = []
        self.chosen: Any = None
        self.answered: str | None = None
        self._enter_waiting = False

    def compose(self) -> ComposeResult:
        yield _ItemSearch(placeholder=_("Type to find the request: access, printer, mailbox…"), id="item-search")
        yield OptionList(id="item-list")
        yield Label("", id="item-chosen")
        yield Label("", id="item-about")

    def focus(self, scroll_visible: bool = True) -> CatalogPicker:
        self.query_one(Input).focus(scroll_visible)
        return self

    def for_requester(self, requester_id: int | None) -> None:
        """The list of another requester: what they may ask for."""
        self.requester_id = requester_id
        self._search(self.query_one(Input).value, requester_id)

    @on(Input.Changed, "#item-search")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self.chosen is not None and event.value == self.chosen.name:
            return
        self._search(event.value, self.requester_id)

    @work(thread=True, group="catalog", exclusive=True, exit_on_error=False)
    def _search(self, text: str, requester_id: int | None) -> None:
        time.sleep(DEBOUNCE)
        if get_current_worker().is_cancelled:
            return
        found = self.workspace.requests.offered(requester_id, text)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, text, requester_id, found)

    def _show(self, text: str, requester_id: int | None, found: list[Any]) -> None:
        if text != self.query_one(Input).value or requester_id != self.requester_id:
            return  # an older question: the answer to the current one is on its way
        self.answered, self.items = text, found
        options = self.query_one(OptionList)
        options.clear_options()
        for item in found:
            # The code finds it when typed, but an analyst reads the name (and the words about it).
            line = literal(item.name, one_line=True)
            if item.description:
                line.append("  ").append_text(literal(item.description, "dim", one_line=True))
            options.add_option(Option(line, id=str(item.id)))
        if not found:
            options.add_option(Option(Text(_("Nothing this requester may ask for matches «{text}»").format(
                text=text.strip()) if text.strip() else _("The catalog offers this requester nothing"),
                style="dim"), disabled=True))
        elif self.chosen is not None and any(i.id == self.chosen.id for i in found):
            options.highlighted = next(n for n, i in enumerate(found) if i.id == self.chosen.id)
        else:
            options.highlighted = 0
        if self._enter_waiting:
            self._enter_waiting = False
            self._take(options.highlighted)

    def move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if self.items:
            options.highlighted = min(max((options.highlighted or 0) + delta, 0), len(self.items) - 1)

    @on(Input.Submitted, "#item-search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.answered != event.value:
            self._enter_waiting = True
        else:
            self._take(self.query_one(OptionList).highlighted)

    @on(OptionList.OptionSelected, "#item-list")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._take(event.option_index)

    def _take(self, index: int | None) -> None:
        if index is None or index >= len(self.items):
            return
        item = self.items[index]
        self.chosen = item
        search = self.query_one(Input)
        with search.prevent(Input.Changed):
            search.value = item.name
        self.query_one("#item-chosen", Label).update(Text("✓ ").append(literal(item.name, one_line=True)))
        self.query_one("#item-about", Label).update(literal(item.description))
        self.post_message(self.Picked(self, item))
