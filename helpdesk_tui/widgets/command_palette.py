"""Textual's command palette in the interface's language: its placeholder and its «nothing
found» line are English literals inside Textual (textual/command.py), so they are replaced here."""

from __future__ import annotations

from typing import Any

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from helpdesk_tui.i18n import _


class TranslatedCommandPalette(CommandPalette):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(placeholder=_("Search for commands…"), **kwargs)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own method with the line translated (textual 8.2: command.py).
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(_("No matches found"), style="not bold")), disabled=True,
                           id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
