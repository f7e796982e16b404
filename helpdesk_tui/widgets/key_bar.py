"""The keys that apply here, on the bottom line (R45); a click runs one, as its key would.

One line of text instead of Textual's Footer: the Footer rebuilds a widget per key whenever the
focus moves, which cost a tab switch 40–70 ms here (benchmarks/tui.py); this redraws one line.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

from helpdesk_tui.i18n import _
from helpdesk_tui.widgets.translated import described


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar { dock: bottom; height: 1; background: $footer-background; color: $footer-foreground; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._spans: list[tuple[int, int, Any, str]] = []  # x from, x to, node, action
        self._text = Text()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._rebuild()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        if self.is_attached and screen is self.screen:
            self._rebuild()

    def _rebuild(self) -> None:
        key_style = "bold " + str(self.app.current_theme.accent if self.app.current_theme else "")
        text, spans, seen = Text(" "), [], set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            description = described(binding)
            if not binding.show or not active.enabled or binding.action in seen or binding.action == "command_palette" \
                    or description is None:
                continue
            seen.add(binding.action)
            start = text.cell_len
            text.append(self.app.get_key_display(binding), style=key_style.strip())
            text.append(" " + description + "  ")
            spans.append((start, text.cell_len, active.node, binding.action))
        # The palette is always on show at the right: it lists whatever did not fit.
        palette = Text("^p", style=key_style.strip()).append(" " + _("Commands") + " ")
        room = max(self.size.width - palette.cell_len - 1, 0)
        if text.cell_len > room:
            text.truncate(max(room - 1, 0))
            text.append("…")
            spans = [span for span in spans if span[1] <= room]
        text.append(" " * max(self.size.width - text.cell_len - palette.cell_len, 1))
        start = text.cell_len
        text.append_text(palette)
        spans.append((start, text.cell_len, self.app, "command_palette"))
        self._text, self._spans = text, spans
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        self._rebuild()

    def render(self) -> Text:
        return self._text

    async def on_click(self, event: events.Click) -> None:
        for start, end, node, action in self._spans:
            if start <= event.x < end:
                await node.run_action(action)
                return
