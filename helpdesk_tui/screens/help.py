"""Help (? or F1): the keys that work where the analyst is, grouped, in their language."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from helpdesk_tui.i18n import N_, _
from helpdesk_tui.widgets.translated import TranslatedBindings

GROUPS = (N_("Where the cursor is"), N_("On this screen"), N_("Everywhere"))
# Textual's own bindings (fields, copying) speak English: what they do, in the analyst's words.
TEXTUAL_DESCRIPTIONS = {
    "Focus Next": N_("Next field"),
    "Focus Previous": N_("Previous field"),
    "Copy selected text": N_("Copy the selected text"),
    "Quit": N_("Quit"),
}


def key_groups(app: App[Any], screen: Screen[Any]) -> dict[str, list[tuple[str, str]]]:
    """The bindings active on `screen`, as (keys, what they do), by where they belong."""
    groups: dict[str, list[tuple[str, str]]] = {g: [] for g in GROUPS}
    seen: set[tuple[str, str]] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.action == "help":
            continue
        description = _(TEXTUAL_DESCRIPTIONS.get(binding.description, binding.description))
        node = active.node
        group = GROUPS[2] if isinstance(node, App) else GROUPS[1] if node is screen else GROUPS[0]
        shown = app.get_key_display(binding)
        if (group, binding.action) in seen:
            # One action on several keys («r» and F5): one line with every key.
            lines = groups[group]
            for i, (keys, what) in enumerate(lines):
                if what == description and shown not in keys.split(" / "):
                    lines[i] = (f"{keys} / {shown}", what)
            continue
        seen.add((group, binding.action))
        groups[group].append((shown, description))
    return {g: rows for g, rows in groups.items() if rows}


class HelpScreen(TranslatedBindings, ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 110; max-width: 95%; height: auto; max-height: 90%;
                            border: thick $primary; background: $surface; padding: 1 2; }
    HelpScreen .title { text-style: bold; margin-bottom: 1; }
    HelpScreen VerticalScroll { height: auto; max-height: 100%; }
    """
    # ? and F1 close it too: the app's help key toggles (app.py), so no key is bound twice.
    BINDINGS = [Binding("escape,q", "close", N_("Close"), id="help.close")]

    def __init__(self, groups: dict[str, list[tuple[str, str]]]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(_("Keys")), classes="title")
            with VerticalScroll():
                for group, rows in self.groups.items():
                    # Two keys a line: a screen's keys fit without scrolling.
                    table = Table(show_header=False, box=None, expand=True, padding=(0, 1, 0, 0))
                    for _pair in range(2):
                        table.add_column(style="bold", no_wrap=True)
                        table.add_column(ratio=1)
                    half = (len(rows) + 1) // 2
                    for left, right in zip(rows[:half], [*rows[half:], ("", "")]):
                        table.add_row(Text(left[0]), Text(left[1]), Text(right[0]), Text(right[1]))
                    yield Label(Text(_(group), style="underline"))
                    yield Static(table)
            yield Label(Text(_("Esc closes this help")), classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
