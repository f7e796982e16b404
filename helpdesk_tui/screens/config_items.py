"""«Конфігураційні елементи» (R25, issue 19): the items the analysts keep (`I` on the workspace),
one item with its facts, its incidents and its problems, and the editor. `n` adds an item, `E`
edits it, `X` retires it (kept on its incidents, no longer offered) or offers it again; Enter on
an incident opens its record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, Static, TextArea

from helpdesk_tui.domain.config_items import ItemKind
from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.i18n import N_, _, pgettext
from helpdesk_tui.screens.form_guard import Problem
from helpdesk_tui.screens.saving_dialog import SavingDialog
from helpdesk_tui.screens.workspace import DataChanged
from helpdesk_tui.widgets.failures import SaysFailures
from helpdesk_tui.widgets.key_bar import KeyBar
from helpdesk_tui.widgets.status_header import StatusHeader
from helpdesk_tui.widgets.text_field import TextBox, TextField
from helpdesk_tui.widgets.translated import TranslatedBindings, literal

if TYPE_CHECKING:
    from helpdesk_tui.desk.workspace import Workspace

KIND_FILTERS: tuple[ItemKind | None, ...] = (None, *ItemKind)


def _kind_shown(kind: ItemKind | None) -> str:
    return kind.label if kind is not None else _("all kinds")


def _text(value: str | None) -> Text:
    return literal(value or "", one_line=True)


def fill_table(table: DataTable[Any], labels: tuple[str, ...], rows: list[tuple[str, tuple[Text, ...]]],
               longest: int = 60) -> None:
    """All the rows at once, each column as wide as its widest cell (at most `longest`): a table
    refilled before it was idle kept the widths of its old cells."""
    table.clear(columns=True)
    for i, label in enumerate(labels):
        table.add_column(label, width=min(max([cell_len(label)] + [cells[i].cell_len for _k, cells in rows]), longest))
    for key, cells in rows:
        table.add_row(*cells, key=key)


class ConfigItemsScreen(SaysFailures, TranslatedBindings, Screen[None]):
    DEFAULT_CSS = """
    ConfigItemsScreen #ci-title { padding: 0 1; text-style: bold; }
    ConfigItemsScreen #ci-filter { margin: 0 1; }
    ConfigItemsScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", N_("Back"), id="ci.back"),
        Binding("n", "new", N_("New item"), id="ci.new"),
        Binding("f", "next_kind", N_("Kind filter"), id="ci.kind"),
        Binding("a", "toggle_retired", N_("Retired too"), id="ci.retired"),
        Binding("slash", "focus_search", N_("Filter"), id="ci.search"),
        Binding("r,f5", "reload", N_("Refresh"), id="ci.refresh"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.kind = 0
        self.retired = False
        self.rows: list[dict[str, Any]] | None = None

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status")
        yield Static("", id="ci-title")
        yield TextField(placeholder=_("Words of the name, location, work group or service"), id="ci-filter")
        yield DataTable(id="ci-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(StatusHeader).set_user(self.workspace.who.full_name, self.workspace.role.label)
        self.query_one("#ci-table").focus()
        self.action_reload()

    def action_next_kind(self) -> None:
        self.kind = (self.kind + 1) % len(KIND_FILTERS)
        self.action_reload()

    def action_toggle_retired(self) -> None:
        self.retired = not self.retired
        self.action_reload()

    def action_focus_search(self) -> None:
        self.query_one("#ci-filter").focus()

    @on(Input.Changed, "#ci-filter")
    def _typed(self) -> None:
        self.action_reload()

    @on(Input.Submitted, "#ci-filter")
    def _to_list(self) -> None:
        self.query_one("#ci-table").focus()

    @work(thread=True, group="ci-list", exclusive=True, exit_on_error=False)
    def action_reload(self) -> None:
        kind = KIND_FILTERS[self.kind]
        text = self.query_one("#ci-filter", Input).value
        try:
            rows = self.workspace.items.listing(text, kind.value if kind else None, self.retired)
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        title = _("Configuration items · showing: {what} (f) · {n}").format(
            what=_kind_shown(KIND_FILTERS[self.kind]), n=len(rows))
        if self.retired:
            title += " · " + _("retired too (a)")
        self.query_one("#ci-title", Static).update(Text(title))
        fill_table(self.query_one("#ci-table", DataTable),
                   (pgettext("thing", "Name"), _("Kind"), _("Work group"), _("Location"), _("Service"), _("Active")),
                   [(str(row["id"]), (_text(row["name"]), Text(row["kind_label"]), _text(row["group"]),
                                      _text(row["location"]), _text(row["service"]),
                                      Text(_("yes") if row["active"] else _("Retired")))) for row in rows], 40)

    def on_data_changed(self, message: DataChanged) -> None:
        if any(kind == "configuration_item" for kind, _id in message.records):
            self.action_reload()

    @on(DataTable.RowSelected, "#ci-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.app.push_screen(ConfigItemScreen(self.workspace, int(event.row_key.value)))

    def action_new(self) -> None:
        def saved(item_id: int | None) -> None:
            if item_id:
                self.action_reload()
                self.app.push_screen(ConfigItemScreen(self.workspace, item_id))

        open_editor(self, self.workspace, None, saved)


def open_editor(screen: Screen[Any], workspace: Workspace, item: dict[str, Any] | None, then: Any) -> None:
    dialog = ConfigItemEditor(workspace, item or {"id": None, "number": _("New configuration item"), "version": None})

    def closed(ok: bool | None) -> None:
        then(dialog.saved_id if ok else None)

    screen.app.push_screen(dialog, closed)


class ConfigItemScreen(SaysFailures, TranslatedBindings, Screen[None]):
    DEFAULT_CSS = """
    ConfigItemScreen #ci-head { padding: 0 1; height: auto; }
    ConfigItemScreen .ci-list-title { padding: 0 1; text-style: bold; margin-top: 1; }
    ConfigItemScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", N_("Back"), id="ci_item.back"),
        Binding("E", "edit", N_("Edit"), id="ci_item.edit"),
        Binding("X", "retire_or_restore", N_("Retire or restore"), id="ci_item.retire"),
        Binding("r,f5", "reload", N_("Refresh"), id="ci_item.refresh"),
    ]

    def __init__(self, workspace: Workspace, item_id: int) -> None:
        super().__init__()
        self.workspace, self.item_id = workspace, item_id
        self.data: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status")
        yield Static(Text(_("Loading…")), id="ci-head")
        yield Static("", id="ci-incidents-title", classes="ci-list-title")
        yield DataTable(id="ci-incidents", cursor_type="row", zebra_stripes=True)
        yield Static("", id="ci-problems-title", classes="ci-list-title")
        yield DataTable(id="ci-problems", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(StatusHeader).set_user(self.workspace.who.full_name, self.workspace.role.label)
        self.query_one("#ci-incidents").focus()
        self.action_reload()

    @work(thread=True, group="ci-item", exclusive=True, exit_on_error=False)
    def action_reload(self) -> None:
        try:
            data = self.workspace.items.item(self.item_id)
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.app.call_from_thread(self._show, data)

    def _show(self, data: dict[str, Any]) -> None:
        self.data = data
        head = literal(data["name"], "bold", one_line=True)
        head.append(f"  · {data['kind_label']}", style="bold")
        if not data["active"]:
            head.append("  · " + _("Retired"), style="bold yellow")
        facts = Text()
        for label, value in ((_("Work group"), data["group"]), (_("Service"), data["service"]),
                             (_("Location"), data["location"]), (_("Version"), str(data["version"]))):
            if value:
                facts.append(f"{label}: ", style="dim")
                facts.append_text(_text(value))
                facts.append("   ")
        lines = [head, facts]
        if data["description"]:
            lines.append(literal(data["description"]))
        self.query_one("#ci-head", Static).update(Text("\n").join(lines))
        self._fill("incidents", _("Incidents ({n})"), _("Incident"), data["incidents"])
        self._fill("problems", _("Problems ({n})"), _("Problem"), data["problems"])
        self.refresh_bindings()

    def _fill(self, what: str, title: str, number: str, rows: list[dict[str, Any]]) -> None:
        self.query_one(f"#ci-{what}-title", Static).update(Text(title.format(n=len(rows))))
        fill_table(self.query_one(f"#ci-{what}", DataTable), (number, _("Status"), _("Short description"), _("Created")),
                   [(str(row["id"]), (Text(row["number"]), Text(row["status_label"]), _text(row["short_description"]),
                                      Text(when(row["created_at"])))) for row in rows], 70)

    def on_data_changed(self, message: DataChanged) -> None:
        # An incident or a problem may have been pointed at this item (or away from it) just now.
        if ("configuration_item", self.item_id) in message.records \
                or any(kind in ("incident", "problem") for kind, _id in message.records):
            self.action_reload()

    @on(DataTable.RowSelected, "#ci-incidents")
    def _open_incident(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.app.open_record("incident", int(event.row_key.value))  # type: ignore[attr-defined]

    @on(DataTable.RowSelected, "#ci-problems")
    def _open_problem(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.app.open_record("problem", int(event.row_key.value))  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "retire_or_restore"):
            return self.data is not None
        return True

    def action_edit(self) -> None:
        if self.data is not None:
            open_editor(self, self.workspace, {**self.data, "number": self.data["name"]},
                        lambda saved: self.action_reload() if saved else None)

    def action_retire_or_restore(self) -> None:
        if self.data is not None:
            self._set_active(not self.data["active"], self.data["version"])

    @work(thread=True, group="ci-item-change", exit_on_error=False)
    def _set_active(self, active: bool, version: int) -> None:
        try:
            self.workspace.items.set_active(self.item_id, version, active)
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, _("Offered again") if active else _("Retired"))
        self.app.call_from_thread(self.action_reload)


class ConfigItemEditor(SavingDialog):
    """An item's name, kind, work group, service, location and description; Ctrl+S. A name
    another item has is said under the name, the dialog kept as it is."""

    DEFAULT_CSS = """
    ConfigItemEditor { align: center middle; }
    ConfigItemEditor > Vertical { width: 90; max-width: 98%; height: auto; max-height: 98%; border: thick $primary;
                                  background: $surface; padding: 0 1; }
    ConfigItemEditor .title { text-style: bold; margin: 1 0 0 0; }
    ConfigItemEditor #description { height: 5; }
    ConfigItemEditor .under-field { color: $error; width: 100%; height: auto; display: none; }
    ConfigItemEditor #error { color: $error; width: 100%; }
    """

    def __init__(self, workspace: Workspace, record: dict[str, Any]) -> None:
        super().__init__(workspace, record)
        self.saved_id: int | None = None

    def compose(self) -> ComposeResult:
        r = self.record
        with Vertical():
            heading = _("New configuration item") if r.get("id") is None else _("{name}: edit").format(name=r["name"])
            yield Label(literal(heading, one_line=True), classes="title")
            yield Label(pgettext("thing", "Name") + " *")
            yield TextField(value=r.get("name") or "", id="name", max_length=200)
            yield Label("", id="name-error", classes="under-field")
            yield Label(_("Kind"))
            yield Select([(k.label, k.value) for k in ItemKind], id="kind", allow_blank=False,
                         value=r.get("kind") or ItemKind.OTHER.value)
            yield Label(_("Work group"))
            yield Select([], id="group", type_to_search=True, prompt=_("Not set"))
            yield Label(_("Service"))
            yield Select([], id="service", type_to_search=True, prompt=_("Not set"))
            yield Label(_("Location"))
            yield TextField(value=r.get("location") or "", id="location", max_length=200)
            yield Label(_("Description"))
            yield TextBox(r.get("description") or "", id="description")
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self._load()

    @work(thread=True, group="ci-editor-choices", exit_on_error=False)
    def _load(self) -> None:
        groups, services = self.workspace.items.groups(), self.workspace.items.services()
        self.app.call_from_thread(self.filled, lambda: self._choices(groups, services))

    def _choices(self, groups: list[tuple[int, str]], services: list[tuple[int, str]]) -> None:
        for name, options in (("group", groups), ("service", services)):
            select = self.query_one(f"#{name}", Select)
            select.set_options([(_text(label), value) for value, label in options])
            if self.record.get(f"{name}_id") in {value for value, _l in options}:
                select.value = self.record[f"{name}_id"]

    def problem(self) -> Problem | None:
        if not self.query_one("#name", Input).value.strip():
            return _("A configuration item needs a name"), "name"
        return None

    def values(self) -> dict[str, Any]:
        chosen = {n: self.query_one(f"#{n}", Select).value for n in ("kind", "group", "service")}
        return {"name": self.query_one("#name", Input).value.strip(),
                "kind": chosen["kind"] if isinstance(chosen["kind"], str) else ItemKind.OTHER.value,
                "group_id": chosen["group"] if isinstance(chosen["group"], int) else None,
                "service_id": chosen["service"] if isinstance(chosen["service"], int) else None,
                "location": self.query_one("#location", Input).value,
                "description": self.query_one("#description", TextArea).text}

    def write(self, values: dict[str, Any]) -> None:
        self.saved_id = self.workspace.items.save(self.record.get("id"), version=self.version, **values)
