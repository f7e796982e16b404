"""The text fields of every form: what is typed stays typed, in the order it was typed.

Three things Textual's Input and TextArea do that cost an analyst their text:

- Input selects everything when it gets the focus, so coming back to a filled field with Tab and
  typing one letter replaced it all (and Input has no undo). Here a field given the focus from
  the keyboard puts the cursor at the end and selects nothing.
- Keys bound to an action (Backspace, Delete, arrows) reach the field's binding only after the
  key has bubbled up to the app and back, while a letter is inserted as soon as the field sees
  it. When keys arrive faster than the app answers (a busy moment, a fast typist, a slow SSH
  link delivering them at once) a letter typed after a Backspace was inserted before it, and
  that Backspace then deleted the letter: «Ковал», ⌫×10, «0932…» ended as «Ков09» or «Ковал».
  Here the field runs its own bindings when the key reaches it, so every key acts in order.
- A character drawn narrow by itself but as a wide emoji with VARIATION SELECTOR-16 (🖨️, ☎️,
  ❤️) is counted as two cells only while it stays in one piece; the cursor or the scrolled edge
  splits it, the piece before the selector counts one cell, the terminal still draws two, and
  the line pushes the dialog's right border out. Input draws such a character in its text
  presentation (VARIATION SELECTOR-15, one cell everywhere); the value keeps what was typed.
- Input has no undo: a word typed over a selection, a line cleared by mistake, is gone. Here
  Ctrl+Z takes back the last edit (a run of typing counts as one, word by word) and Ctrl+Y
  puts it back, as in the multi-line TextArea.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.expand_tabs import expand_tabs_inline
from textual.widgets import Input, TextArea

from helpdesk_tui.i18n import N_

EMOJI_PRESENTATION = "\ufe0f"
TEXT_PRESENTATION = "\ufe0e"


def one_cell_presentation(text: str) -> str:
    """`text` with each narrow character's emoji presentation asked as text instead: the same
    length (positions in it are positions in `text`), and as wide in every terminal as Rich
    measures it, however it is cut."""
    if EMOJI_PRESENTATION not in text:
        return text
    from rich._unicode_data import load

    narrow_to_wide = load().narrow_to_wide
    chars = list(text)
    for i in range(1, len(chars)):
        if chars[i] == EMOJI_PRESENTATION and chars[i - 1] in narrow_to_wide:
            chars[i] = TEXT_PRESENTATION
    return "".join(chars)


class InOrderKeys:
    """Mixin for a focusable text widget: its own bindings run when the key reaches it."""

    async def _on_key(self, event: events.Key) -> None:
        if event.is_printable:
            return  # the widget's own handler inserts it, in order already
        for binding in self._bindings.key_to_bindings.get(event.key, ()):  # type: ignore[attr-defined]
            if not binding.priority and await self.app.run_action(binding.action, self):  # type: ignore[attr-defined]
                self._restart_blink()  # type: ignore[attr-defined]
                event.stop()
                event.prevent_default()  # handled: no default handler, no binding on the way back
                return


class Edits:
    """A one-line field's undo history: each edit's value before it, with the cursor where it
    was (after a selection typed over: after the text that comes back). A run of typing is one
    edit per word (a word with the spaces after it), as editors do."""

    LIMIT = 200

    def __init__(self) -> None:
        self.back: list[tuple[str, int]] = []
        self.forward: list[tuple[str, int]] = []
        self._last_typed = ""  # the character the last edit typed, if it typed exactly one

    def changed(self, old: str, new: str, cursor: int) -> None:
        start, old_end, new_end = _difference(old, new)
        typed = new[start:new_end] if new_end - start == 1 else ""  # over a selection too
        continues = (typed and old_end == start and self._last_typed
                     and not (self._last_typed.isspace() and not typed.isspace()))
        if not continues:
            self.back.append((old, cursor))
            del self.back[:-self.LIMIT]
        self._last_typed = typed
        self.forward.clear()

    def undo(self, current: tuple[str, int]) -> tuple[str, int] | None:
        return self._move(self.back, self.forward, current)

    def redo(self, current: tuple[str, int]) -> tuple[str, int] | None:
        return self._move(self.forward, self.back, current)

    def _move(self, source: list[tuple[str, int]], target: list[tuple[str, int]],
              current: tuple[str, int]) -> tuple[str, int] | None:
        self._last_typed = ""
        if not source:
            return None
        target.append(current)
        return source.pop()


def _difference(old: str, new: str) -> tuple[int, int, int]:
    """Where `new` differs from `old`: the start, and the end in each (after the common ends)."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    suffix = 0
    while suffix < min(len(old), len(new)) - start and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return start, len(old) - suffix, len(new) - suffix


class TextField(InOrderKeys, Input):
    """A one-line field of a form."""

    BINDINGS = [
        Binding("ctrl+z", "undo", N_("Undo"), show=False, id="field.undo"),
        Binding("ctrl+y", "redo", N_("Redo"), show=False, id="field.redo"),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        # Before Input's own set-up, which sets a value given here (not an edit to take back).
        self.edits = Edits()
        self._restoring = True
        self._cursor_before: int | None = None
        super().__init__(*args, **kwargs)
        self._restoring = False

    def watch_value(self, old: str, new: str) -> None:
        if not self._restoring and old != new:
            cursor = self._cursor_before if self._cursor_before is not None else len(old)
            self.edits.changed(old, new, min(cursor, len(old)))
        self._cursor_before = None

    def replace(self, text: str, start: int, end: int) -> None:
        # Every edit from the keyboard comes through here; the cursor before it (after the
        # selection typed over) is where Ctrl+Z puts it back.
        self._cursor_before = max(self.selection)
        super().replace(text, start, end)
        self._cursor_before = None

    def action_undo(self) -> None:
        self._restore(self.edits.undo((self.value, self.cursor_position)))

    def action_redo(self) -> None:
        self._restore(self.edits.redo((self.value, self.cursor_position)))

    def _restore(self, state: tuple[str, int] | None) -> None:
        if state is None:
            self.app.bell()
            return
        self._restoring = True
        try:
            self.value = state[0]
        finally:
            self._restoring = False
        self.cursor_position = min(state[1], len(state[0]))

    def _on_focus(self, event: events.Focus) -> None:
        if not event.from_app_focus:
            self.cursor_position = len(self.value)

    @property
    def _value(self) -> Text:
        if self.password:
            return super()._value
        text = Text(one_cell_presentation(self.value), no_wrap=True, overflow="ignore", end="")
        return self.highlighter(text) if self.highlighter is not None else text

    def _position_to_cell(self, position: int) -> int:
        return cell_len(expand_tabs_inline(one_cell_presentation(self.value[:position]), 4))


class TextBox(InOrderKeys, TextArea):
    """A multi-line field of a form (Tab leaves it, as in every other field)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("tab_behavior", "focus")
        super().__init__(*args, **kwargs)

    def _on_focus(self, event: events.Focus) -> None:
        if not event.from_app_focus:
            self.move_cursor(self.document.end)
