"""A catalog item's own fields, drawn from its definition (R27): a line for text, a box for long
text, a number, a date (ДД.ММ.РРРР), one or several of a list, a person, yes or no; required
ones marked *, the item's help under each. A wrong value is said under its field as soon as the
field is left, and again on saving; nothing typed is lost."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, TextArea

from helpdesk_tui.domain.catalog import FieldDef, clean_value
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.i18n import _
from helpdesk_tui.widgets.text_field import TextBox, TextField
from helpdesk_tui.widgets.translated import literal

def field_id(name: str) -> str:
    return f"field-{name}"


class RequestFields(Vertical):
    DEFAULT_CSS = """
    RequestFields { height: auto; }
    RequestFields .field { margin-top: 1; color: $text-muted; }
    RequestFields .help { color: $text-muted; text-style: italic; }
    RequestFields .field-error { color: $error; height: auto; }
    RequestFields TextArea { height: 5; }
    RequestFields SelectionList { height: auto; max-height: 8; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.definitions: list[FieldDef] = []

    async def show(self, definitions: list[FieldDef]) -> None:
        """Draw these fields; a value typed for a field of the same name and kind stays."""
        kept = {d.name: (d.kind, v) for d, v in zip(self.definitions, self.raw_values())}
        await self.remove_children()
        self.definitions = list(definitions)
        widgets: list[Widget] = []
        for definition in definitions:
            label = definition.title() + (" *" if definition.required else "")
            widgets.append(Label(literal(label, one_line=True), classes="field"))
            old = kept.get(definition.name)
            widgets.append(self._input(definition, old[1] if old and old[0] == definition.kind else None))
            if definition.hint():
                widgets.append(Label(literal(definition.hint()), classes="help"))
            widgets.append(Label("", id=f"error-{definition.name}", classes="field-error"))
        await self.mount_all(widgets)

    @staticmethod
    def _input(definition: FieldDef, value: Any) -> Widget:
        wid = field_id(definition.name)
        kind = definition.kind
        if kind == "long_text":
            return TextBox(str(value or ""), id=wid)
        if kind == "choice":
            return Select([(literal(o, one_line=True), o) for o in definition.options], id=wid, type_to_search=True,
                          prompt=_("Choose…"), value=value if value in definition.options else Select.NULL)
        if kind == "choices":
            chosen = set(value or [])
            return SelectionList(*[(literal(o, one_line=True), o, o in chosen) for o in definition.options], id=wid)
        if kind == "yes_no":
            return Checkbox(_("yes"), bool(value), id=wid)
        placeholder = {"date": _("DD.MM.YYYY"), "person": _("Login, e-mail or name"),
                       "number": _("A number") if definition.minimum is None and definition.maximum is None
                       else _("From {low} to {high}").format(low=definition.minimum if definition.minimum is not None else "…",
                                                             high=definition.maximum if definition.maximum is not None else "…")
                       }.get(kind, "")
        return TextField(str(value or ""), id=wid, placeholder=placeholder)

    def raw_values(self) -> list[Any]:
        out = []
        for definition in self.definitions:
            widget = self.query_one(f"#{field_id(definition.name)}")
            if isinstance(widget, TextArea):
                out.append(widget.text)
            elif isinstance(widget, Select):
                out.append(None if widget.value is Select.NULL else widget.value)
            elif isinstance(widget, SelectionList):
                out.append(list(widget.selected))
            elif isinstance(widget, Checkbox):
                out.append(widget.value)
            else:
                out.append(widget.value)  # type: ignore[attr-defined]
        return out

    def values(self) -> dict[str, Any]:
        """What was typed, by field name: the desk checks and stores it."""
        return {d.name: v for d, v in zip(self.definitions, self.raw_values())
                if v not in (None, "", []) and not (d.kind == "yes_no" and v is False and not d.required)}

    def check(self) -> tuple[str, str] | None:
        """Say under each field what is wrong with it; the first (message, field name), if any."""
        first = None
        for definition, value in zip(self.definitions, self.raw_values()):
            message = self._problem(definition, value)
            self.say(definition.name, message)
            if message and first is None:
                first = (message, definition.name)
        return first

    @staticmethod
    def _problem(definition: FieldDef, value: Any, *, saving: bool = True) -> str:
        try:
            cleaned = clean_value(definition, value)
        except DeskError as exc:
            return exc.message
        if saving and definition.required and cleaned is None:
            return _("«{field}» is required").format(field=definition.title())
        return ""

    def say(self, name: str, message: str) -> None:
        for label in self.query(f"#error-{name}").results(Label):
            label.update(Text(message))

    def focus_field(self, name: str) -> None:
        for widget in self.query(f"#{field_id(name)}"):
            widget.focus()

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        # Leaving a field says what is wrong with what was typed; an empty one waits for saving.
        self._recheck(event.input.id, saving=False)

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(SelectionList.SelectedChanged)
    @on(TextArea.Changed)
    def _changed(self, event: Any) -> None:
        # A message on show follows its field; a field with none is checked when left.
        widget = getattr(event, "control", None) or getattr(event, "text_area", None)
        name = (widget.id or "").removeprefix("field-") if widget is not None else ""
        for label in self.query(f"#error-{name}").results(Label):
            if str(label.render()):
                self._recheck(widget.id)

    def _recheck(self, wid: str | None, *, saving: bool = True) -> None:
        name = (wid or "").removeprefix("field-")
        for definition, value in zip(self.definitions, self.raw_values()):
            if definition.name == name:
                self.say(name, self._problem(definition, value, saving=saving))
