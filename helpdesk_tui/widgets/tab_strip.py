"""A row of tabs on one line: the dashboards, and the tabs of the dashboard on show.

Drawn as one line of text rather than a widget per tab (Textual's Tabs): it takes one screen
line instead of two, which an 80×24 SSH window needs for rows, and it costs nothing to relabel
when the counts change or to redraw when another tab is chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from helpdesk_tui.domain.text import printable


class TabStrip(Widget):
    DEFAULT_CSS = """
    TabStrip { height: 1; background: $panel; color: $text-muted; }
    TabStrip.-primary { background: $boost; }
    """
    COMPONENT_CLASSES = {"tab-strip--active"}
    DEFAULT_CSS += """
    TabStrip > .tab-strip--active { background: $accent; color: $text; text-style: bold; }
    """

    @dataclass
    class Activated(Message):
        """A tab was chosen (by a key, a click, or the program)."""

        tab_strip: TabStrip
        key: str

        @property
        def control(self) -> TabStrip:
            return self.tab_strip

    def __init__(self, items: list[tuple[str, str]] | None = None, *, active: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.items: list[tuple[str, str]] = list(items or [])
        self.active: str | None = active if active is not None else (self.items[0][0] if self.items else None)
        self._spans: list[tuple[int, int, str]] = []

    # --- what it holds ------------------------------------------------------------------------

    def set_items(self, items: list[tuple[str, str]], active: str | None = None) -> None:
        self.items = list(items)
        keys = [k for k, _l in self.items]
        self.active = active if active in keys else (keys[0] if keys else None)
        self.refresh()
        if self.active is not None:
            self.post_message(self.Activated(self, self.active))

    def set_label(self, key: str, label: str) -> None:
        self.items = [(k, label if k == key else old) for k, old in self.items]
        self.refresh()

    def activate(self, key: str) -> None:
        if key in (k for k, _l in self.items):
            self.active = key
            self.refresh()
            self.post_message(self.Activated(self, key))

    def step(self, delta: int) -> None:
        keys = [k for k, _l in self.items]
        if keys:
            index = keys.index(self.active) if self.active in keys else 0
            self.activate(keys[(index + delta) % len(keys)])

    def label_of(self, key: str) -> str:
        return next((label for k, label in self.items if k == key), "")

    # --- drawing --------------------------------------------------------------------------------

    def render(self) -> Text:
        active_style = self.get_component_rich_style("tab-strip--active")
        text, spans, active_span = Text(), [], (0, 0)
        for key, label in self.items:
            start = text.cell_len
            text.append(f" {printable(label, one_line=True)} ", style=active_style if key == self.active else "")
            spans.append((start, text.cell_len, key))
            if key == self.active:
                active_span = (start, text.cell_len)
            text.append("│", style="dim")
        # Scroll so the chosen tab is always in sight in a narrow window.
        shift = max(active_span[1] - self.size.width, 0) if self.size.width else 0
        if shift:
            shift = min(shift + 2, active_span[0])
            text = Text("…") + text[shift + 1:]
            spans = [(a - shift, b - shift, k) for a, b, k in spans]
        self._spans = spans
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.activate(key)
                return
