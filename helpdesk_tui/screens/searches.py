"""Saved searches (R14): the list (favourites first, shipped ones for everybody, personal ones for
their owner), and the editor that builds a search from conditions with values from the data."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.worker import get_current_worker
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Button, Input, Label, OptionList, Select
from textual.widgets.option_list import Option

from helpdesk_tui.domain.listing import ListQuery, SearchInfo
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.domain.field_values import KEPT_AS_CODES, filter_value, kept_value
from helpdesk_tui.domain.filters import Condition, Filter, format_filter
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.dialogs import ConfirmDialog, PromptDialog
from helpdesk_tui.screens.form_guard import FormGuard, Problem
from helpdesk_tui.domain.field_values import field_name
from helpdesk_tui.widgets.filter_line import FIELDS
from helpdesk_tui.widgets.key_bar import KeyBar
from helpdesk_tui.widgets.text_field import TextField
from helpdesk_tui.widgets.translated import TranslatedBindings, literal
from helpdesk_tui.widgets.failures import SaysFailures

if TYPE_CHECKING:
    from helpdesk_tui.desk.workspace import Workspace

KINDS = (("incident", N_("Incidents")), ("task", N_("Tasks")), ("service_request", N_("Service requests")))
OPERATORS = (
    ("=", N_("is")), ("!=", N_("is not")), ("in", N_("one of (a,b)")), ("not in", N_("none of (a,b)")),
    ("contains", N_("contains")), ("not contains", N_("does not contain")), ("empty", N_("is empty")),
    ("not empty", N_("is not empty")), ("<", "<"), ("<=", "≤"), (">", ">"), (">=", "≥"),
)


class SearchesScreen(SaysFailures, TranslatedBindings, ModalScreen[SearchInfo | None]):
    DEFAULT_CSS = """
    SearchesScreen { align: center middle; }
    SearchesScreen > Vertical { width: 90%; height: 80%; border: thick $primary; background: $surface; padding: 0 1; }
    SearchesScreen OptionList { height: 1fr; }
    SearchesScreen .title { text-style: bold; }
    """
    BINDINGS = [
        Binding("escape", "close", N_("Close"), id="searches.close"),
        Binding("n", "new", N_("New search"), id="searches.new"),
        Binding("e", "edit", N_("Edit"), id="searches.edit"),
        Binding("f", "favourite", N_("Favourite"), id="searches.favourite"),
        Binding("r", "rename", N_("Rename"), id="searches.rename"),
        Binding("delete,d", "delete", N_("Delete"), id="searches.delete"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.items: list[SearchInfo] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Saved searches: Enter runs one"), classes="title")
            yield OptionList(id="searches")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._load()

    @work(thread=True, group="searches", exclusive=True, exit_on_error=False)
    def _load(self, select_id: int | None = None) -> None:
        items = self.workspace.searches()
        self.app.call_from_thread(self._fill, items, select_id)

    def _fill(self, items: list[SearchInfo], select_id: int | None) -> None:
        self.items = items
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        kinds = dict(KINDS)
        for s in items:
            label = Text("★ " if s.favourite else "  ", style="yellow")
            label.append(literal(s.name, "bold", one_line=True))
            # R14's words: the manual's «попередньо визначені» searches, and people's own.
            whose = _("personal") if s.personal else _("predefined")
            label.append("  [" + _(kinds.get(s.kind, s.kind)) + ", " + whose + "]  ", style="dim")
            label.append(literal(s.filter, "italic", one_line=True))
            options.add_option(Option(label, id=str(s.id)))
        ids = [s.id for s in items]
        if select_id in ids:
            options.highlighted = ids.index(select_id)  # type: ignore[arg-type]
        elif items:
            options.highlighted = min(highlighted or 0, len(items) - 1)

    @property
    def selected(self) -> SearchInfo | None:
        index = self.query_one(OptionList).highlighted
        return self.items[index] if index is not None and 0 <= index < len(self.items) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.selected)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_new(self) -> None:
        self.app.push_screen(SearchEditor(self.workspace), self._edited)

    def action_edit(self) -> None:
        search = self.selected
        if search is not None:
            self.app.push_screen(SearchEditor(self.workspace, search), self._edited)

    def _edited(self, search: SearchInfo | None) -> None:
        if search is not None:
            self._load(search.id)

    def _call(self, fn: Any, *args: Any, done: str) -> None:
        def work_() -> None:
            try:
                fn(*args)
            except DeskError as exc:
                self.app.call_from_thread(self.notify, exc.message, severity="error")
                return
            self.app.call_from_thread(self.notify, done)
            self.app.call_from_thread(self._load, self.selected.id if self.selected else None)

        self.run_worker(work_, thread=True, group="searches-change", exit_on_error=False)

    def action_favourite(self) -> None:
        search = self.selected
        if search is not None:
            self._call(self.workspace.set_favourite, search.id, not search.favourite,
                       done=_("Removed from favourites") if search.favourite else _("Added to favourites"))

    def action_rename(self) -> None:
        search = self.selected
        if search is None:
            return

        def rename(name: str | None) -> None:
            if name:
                self._call(self.workspace.rename_search, search.id, name, done=_("Renamed to «{name}»").format(name=name))

        self.app.push_screen(PromptDialog(_("Rename"), _("New name"), search.name), rename)

    def action_delete(self) -> None:
        search = self.selected
        if search is None:
            return

        def delete(yes: bool | None) -> None:
            if yes:
                self._call(self.workspace.delete_search, search.id, done=_("Deleted «{name}»").format(name=search.name))

        self.app.push_screen(ConfirmDialog(_("Delete the search «{name}»?").format(name=search.name)), delete)


class ValueSuggester(Suggester):
    """Values for a condition, from the data (group names, people, statuses)."""

    def __init__(self, workspace: Workspace, kind: str, field: str) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.workspace, self.kind, self.field = workspace, kind, field

    async def get_suggestion(self, value: str) -> str | None:
        last = value.split(",")[-1]
        if not last:
            return None
        found = await asyncio.to_thread(self.workspace.values, self.kind, self.field, last)
        # A coded value completes from its name too («Терм» → «Термінова»), as the row shows it.
        for candidate in (text for code, label in found for text in (label, code) if text):
            if candidate.casefold().startswith(last.casefold()) and candidate.startswith(last) and candidate != last:
                return value + candidate[len(last):]
        return None


class ConditionRow(Horizontal):
    DEFAULT_CSS = """
    ConditionRow { height: auto; }
    ConditionRow Select { width: 24; }
    ConditionRow Input { width: 1fr; }
    ConditionRow Button { min-width: 5; }
    """

    def __init__(self, workspace: Workspace, kind: str, condition: Condition | None = None) -> None:
        super().__init__()
        self.workspace, self.kind = workspace, kind
        self.condition = condition or Condition("status", "=", "")

    def compose(self) -> ComposeResult:
        c = self.condition
        fields = [(field_name(f), f) for f in FIELDS[self.kind]]
        yield Select(fields, value=c.field if c.field in FIELDS[self.kind] else FIELDS[self.kind][0],
                     allow_blank=False, classes="field")
        yield Select([(_(label), op) for op, label in OPERATORS], value=c.op, allow_blank=False, classes="op")
        values = c.value if isinstance(c.value, list) else [c.value] if c.value else []
        # Statuses, criticalities, channels by their names: the filter takes them, and they are
        # what the analyst knows.
        value = ",".join(filter_value(self.kind, c.field, v) if c.field in KEPT_AS_CODES else v for v in values)
        yield TextField(value=value, placeholder=_("value"), classes="value",
                    suggester=ValueSuggester(self.workspace, self.kind, c.field))
        yield Button("✕", classes="remove")

    @on(Select.Changed, ".field")
    def _field_changed(self, event: Select.Changed) -> None:
        self.query_one(".value", Input).suggester = ValueSuggester(self.workspace, self.kind, str(event.value))

    @on(Button.Pressed, ".remove")
    def _remove(self, event: Button.Pressed) -> None:
        event.stop()
        self.remove()

    def read(self) -> Condition:
        if not self.query(".field"):  # mounted a moment ago (an existing search's rows): not built yet
            return self.condition
        field = str(self.query_one(".field", Select).value)
        op = str(self.query_one(".op", Select).value)
        text = self.query_one(".value", Input).value.strip()
        if op in ("empty", "not empty"):
            return Condition(field, op)
        values = [v.strip() for v in text.split(",") if v.strip()]
        if field in KEPT_AS_CODES:  # kept as codes, so the search reads the same in either language
            values = [kept_value(self.kind, field, v) for v in values]
        if op in ("in", "not in"):
            return Condition(field, op, values)
        return Condition(field, op, ",".join(values) if field in KEPT_AS_CODES else text)


class SearchEditor(FormGuard, SaysFailures, TranslatedBindings, ModalScreen[SearchInfo | None]):
    """«New saved search»: conditions (field, operator, value), words, a name; Ctrl+S saves;
    Esc asks before throwing away what was typed or chosen."""

    DEFAULT_CSS = """
    SearchEditor { align: center middle; }
    SearchEditor > Vertical { width: 95%; height: 90%; border: thick $primary; background: $surface; padding: 0 1; }
    SearchEditor #conditions { height: 1fr; }
    SearchEditor .title { text-style: bold; }
    SearchEditor #found { color: $text-muted; }
    SearchEditor Horizontal.bar { height: auto; }
    SearchEditor #kind { width: 30; }
    SearchEditor #name { width: 1fr; }
    SearchEditor #error { color: $error; width: 100%; }
    """
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="editor.cancel"),
        Binding("ctrl+s", "save", N_("Save as"), id="editor.save", priority=True),
        Binding("ctrl+n", "add", N_("Add condition"), id="editor.add"),
    ]

    def __init__(self, workspace: Workspace, search: SearchInfo | None = None) -> None:
        super().__init__()
        self.workspace, self.search = workspace, search
        self.kind = search.kind if search else "incident"
        self.initial: Filter = Filter()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Edit the search") if self.search else _("New saved search"), classes="title")
            with Horizontal(classes="bar"):
                yield Select([(_(label), k) for k, label in KINDS], value=self.kind, allow_blank=False, id="kind")
                yield TextField(value=self.search.name if self.search and self.search.personal else "",
                            placeholder=_("Name of the search"), id="name")
            yield VerticalScroll(id="conditions")
            yield TextField(placeholder=_("Words to find in the short description (optional)"), id="words")
            yield Label("", id="found")
            yield Label("", id="error")
            with Horizontal(classes="bar"):
                yield Button(_("Add condition"), id="add")
                yield Button(_("Save as"), variant="primary", id="save")
                yield Button(_("Cancel"), id="cancel")

    async def on_mount(self) -> None:
        if self.search is not None:
            self._load_existing(self.search.id)
        else:
            await self.action_add()  # the form as it opens has its first (empty) condition
        self.query_one("#name", Input).focus()

    @work(thread=True, group="editor-load", exit_on_error=False)
    def _load_existing(self, search_id: int) -> None:
        _s, flt = self.workspace.search(search_id)
        self.app.call_from_thread(self._fill, flt)

    async def _fill(self, flt: Filter) -> None:
        self.initial = flt
        clean = not self.is_dirty()
        await self.query_one("#conditions").mount_all([ConditionRow(self.workspace, self.kind, c) for c in flt.conditions])
        self.query_one("#words", Input).value = flt.text
        if clean:
            self.mark_clean()
        self._count()

    def action_add(self) -> Any:
        return self.query_one("#conditions").mount(ConditionRow(self.workspace, self.kind))

    @on(Select.Changed, "#kind")
    async def _kind_changed(self, event: Select.Changed) -> None:
        if event.value == self.kind:
            return
        self.kind = str(event.value)
        await self.query_one("#conditions").remove_children()
        self.action_add()

    def read(self) -> Filter:
        conditions = tuple(row.read() for row in self.query(ConditionRow)
                           if row.read().op in ("empty", "not empty") or row.read().value)
        return Filter(conditions, self.query_one("#words", Input).value.strip())

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self) -> None:
        self._count()

    def _count(self) -> None:
        self._preview(self.kind, format_filter(self.read()))

    @work(thread=True, group="editor-count", exclusive=True, exit_on_error=False)
    def _preview(self, kind: str, line: str) -> None:
        time.sleep(0.3)  # wait for the typing to pause; a newer keystroke cancels this one
        if get_current_worker().is_cancelled:
            return
        try:
            n = self.workspace.total(ListQuery(kind, filter_line=line))
            text = _("Found: {n}").format(n=n)
        except DeskError as exc:
            text = exc.message
        self.app.call_from_thread(self.query_one("#found", Label).update, Text(text))

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        {"add": self.action_add, "save": self.action_save, "cancel": self.action_cancel}.get(event.button.id or "", lambda: None)()

    def leave(self) -> None:
        self.dismiss(None)

    def problem(self) -> Problem | None:
        if not self.query_one("#name", Input).value.strip():
            return _("A saved search needs a name"), "name"
        return None

    def action_save(self) -> None:
        if self.check():  # what is missing is said under the fields, and follows them
            self._save(self.query_one("#name", Input).value.strip(), self.kind, self.read())

    @work(thread=True, group="editor-save", exit_on_error=False)
    def _save(self, name: str, kind: str, flt: Filter) -> None:
        try:
            saved = self.workspace.save_search(name, kind, flt)
        except DeskError as exc:
            self.app.call_from_thread(self.say, exc.message)
            return
        self.app.call_from_thread(self.notify, _("Saved «{name}»").format(name=name))
        self.app.call_from_thread(self.dismiss, saved)
