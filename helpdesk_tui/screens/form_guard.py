"""What every form shares, so that a stray key never costs what was typed (R46):

- Esc on a form with something typed or chosen asks first; an untouched form just closes.
  "Something" is any difference from what the form showed when it opened (or when its data
  arrived): a field prefilled for the analyst is not their work until they change it.
- A message about what the form lacks follows the fields: it is checked again at every change,
  says what is still missing, and goes away once nothing is. It is said under its field when the
  form has a place there (a Label `#<field>-error.under-field`), else at the foot of the form:
  in one place, never in both.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widgets import Checkbox, Input, Label, Select, TextArea

from helpdesk_tui.i18n import N_, _
from helpdesk_tui.widgets.translated import literal

FIELDS = "Input, TextArea, Select, Checkbox"

Problem = tuple[str, "str | None"]  # what to say, and the id of the field to go to


class FormGuard:
    """Mixin for a form screen or dialog: `leave()` closes it, `problem()` says what it lacks,
    `extra_state()` adds what the fields do not hold (a chosen caller, linked records)."""

    DISCARD_QUESTION = N_("Discard what you typed?")
    ERROR_LABEL = "#error"
    # A form whose foot message sits between fields takes no line for it while there is none.
    FOOT_FOLDS = False
    _baseline: Any = None
    _following = False  # a message about missing fields is on show and follows the fields

    # --- what has been typed ------------------------------------------------------------------

    def extra_state(self) -> Any:
        return ()

    def form_state(self) -> Any:
        values: list[Any] = []
        for widget in self.query(FIELDS):  # type: ignore[attr-defined]
            if isinstance(widget, Input):
                values.append(widget.value)
            elif isinstance(widget, TextArea):
                values.append(widget.text)
            elif isinstance(widget, (Select, Checkbox)):
                values.append(widget.value)
        return tuple(values), self.extra_state()

    def mark_clean(self) -> None:
        """What is on show now is the form as it opened: nobody typed it."""
        self._baseline = self.form_state()

    def is_dirty(self) -> bool:
        return self._baseline is not None and self.form_state() != self._baseline

    def filled(self, fill: Callable[[], Any]) -> Any:
        """Put data the form was waiting for into its fields, as if it had been there from the
        start (unless the analyst has typed already: then what they typed still counts)."""
        clean = not self.is_dirty()
        result = fill()
        if clean:
            self.mark_clean()
        return result

    def _on_mount(self) -> None:
        self.call_after_refresh(self.mark_clean)  # type: ignore[attr-defined]

    def leave(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        if not self.is_dirty():
            self.leave()
            return
        from helpdesk_tui.screens.dialogs import DiscardDialog

        self.app.push_screen(DiscardDialog(_(self.DISCARD_QUESTION)),  # type: ignore[attr-defined]
                             lambda yes: self.leave() if yes else None)

    # --- what is missing ----------------------------------------------------------------------

    def problem(self) -> Problem | None:
        return None

    def say(self, message: str, field: str | None = None) -> None:
        foot = self.query_one(self.ERROR_LABEL, Label)  # type: ignore[attr-defined]
        # A field named by the desk may be no widget's id (nor a valid one): then the foot says it.
        named = bool(field) and field.replace("_", "").replace("-", "").isalnum()  # type: ignore[union-attr]
        under = self.query(f"#{field}-error.under-field").results(Label) if named else iter(())  # type: ignore[attr-defined]
        target = next(under, foot)
        for label in self.query("Label.under-field").results(Label):  # type: ignore[attr-defined]
            label.display = label is target and bool(message)  # no blank line under a field that is right
        for label in (foot, *self.query("Label.under-field").results(Label)):  # type: ignore[attr-defined]
            if label is not target:
                label.update("")
        target.update(literal(message))
        if self.FOOT_FOLDS:
            foot.display = target is foot and bool(message)
        if target is not foot and message:
            target.scroll_visible()  # the field went into view on focus; its message is below it

    def check(self) -> bool:
        """True when nothing is missing; otherwise say what is, go to that field, and keep the
        message in step with the fields until nothing is."""
        problem = self.problem()
        self._following = problem is not None
        if problem is None:
            return True
        message, field = problem
        self.say(message, field)
        if field:
            self.query_one(f"#{field}").focus()  # type: ignore[attr-defined]
        return False

    def follow(self) -> None:
        """A field changed: bring a message about missing fields up to date."""
        if not self._following:
            return
        problem = self.problem()
        self._following = problem is not None
        if problem is None:
            self.say("")
        else:
            self.say(*problem)

    def _on_input_changed(self) -> None:
        self.follow()

    def _on_text_area_changed(self) -> None:
        self.follow()

    def _on_select_changed(self) -> None:
        self.follow()

    def _on_checkbox_changed(self) -> None:
        self.follow()
