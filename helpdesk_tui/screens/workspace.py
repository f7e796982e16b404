"""The analyst's workspace: dashboards as tabs with counts (R9–R12), saved searches (R14), one
RecordList per tab, the filter line and the quick filters (R13, R15), live refresh (R43)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Input, Static

from helpdesk_tui.domain.dashboards import CATALOGUE, TabInfo
from helpdesk_tui.domain.listing import ListQuery, SearchInfo
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.widgets.filter_line import FilterLine
from helpdesk_tui.widgets.quick_filters import FIELDS as QUICK_FIELDS
from helpdesk_tui.widgets.quick_filters import QuickFilters
from helpdesk_tui.widgets.record_list import RecordList
from helpdesk_tui.widgets.status_header import StatusHeader
from helpdesk_tui.widgets.tab_strip import TabStrip
from helpdesk_tui.widgets.key_bar import KeyBar
from helpdesk_tui.widgets.translated import TranslatedBindings, literal
from helpdesk_tui.widgets.failures import SaysFailures

if TYPE_CHECKING:
    from helpdesk_tui.desk.workspace import Workspace

SEARCHES = "searches"


@dataclass
class DataChanged(Message):
    """Another analyst (or this one, or a job) changed these records."""

    records: list[tuple[str, int]]


@dataclass
class _Counts(Message):
    dashboard: str
    counts: dict[str, int]


def _tab_id(dashboard: str, tab: str) -> str:
    return f"tab-{dashboard}-{tab}"


def _tab_label(tab: TabInfo, count: int | None) -> str:
    return _(tab.label) if count is None else f"{_(tab.label)} ({count})"


class WorkspaceScreen(SaysFailures, TranslatedBindings, Screen[None]):
    CSS_PATH = "workspace.tcss"
    BINDINGS = [
        Binding("1", "dashboard(0)", N_("Analyst"), show=False, id="workspace.dashboard_1"),
        Binding("2", "dashboard(1)", N_("Incidents – Service requests"), show=False, id="workspace.dashboard_2"),
        Binding("3", "dashboard(2)", N_("Tasks"), show=False, id="workspace.dashboard_3"),
        Binding("4", "dashboard(3)", N_("Service request"), show=False, id="workspace.dashboard_4"),
        Binding("5", "dashboard(4)", N_("Problems"), show=False, id="workspace.dashboard_5"),
        Binding("6", "dashboard(5)", N_("Saved searches"), show=False, id="workspace.dashboard_6"),
        Binding("right_square_bracket,ctrl+pagedown", "next_tab", N_("Next tab"), id="workspace.next_tab"),
        Binding("left_square_bracket,ctrl+pageup", "previous_tab", N_("Previous tab"), show=False,
                id="workspace.previous_tab"),
        Binding("n", "new_incident", N_("New incident"), id="workspace.new_incident"),
        Binding("N", "new_request", N_("New request"), id="workspace.new_request"),
        Binding("P", "new_problem", N_("New problem"), show=False, id="workspace.new_problem"),
        Binding("e", "mail", N_("E-mail"), id="workspace.mail"),
        Binding("slash", "focus_filter", N_("Filter"), id="workspace.filter"),
        Binding("f", "toggle_quick_filters", N_("Show filters"), id="workspace.quick_filters"),
        Binding("F", "clear_quick_filters", N_("Clear quick filters"), show=False, id="workspace.clear_quick_filters"),
        Binding("s", "sort", N_("Sort"), id="workspace.sort"),
        Binding("S", "reverse_sort", N_("Reverse order"), show=False, id="workspace.reverse_sort"),
        Binding("G", "group", N_("Group"), id="workspace.group"),
        Binding("w", "searches", N_("Saved searches"), id="workspace.searches"),
        Binding("a", "save_search", N_("Save as"), id="workspace.save_search"),
        Binding("p", "open_parent", N_("Open in parent"), id="workspace.open_parent"),
        Binding("r,f5", "refresh", N_("Refresh"), id="workspace.refresh"),
        Binding("R", "clients", N_("Clients and reports"), id="workspace.clients"),
        Binding("b", "knowledge", N_("Knowledge base"), id="workspace.knowledge"),
        Binding("I", "configuration_items", N_("Configuration items"), id="workspace.configuration_items"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.dashboards = [*CATALOGUE, SEARCHES]
        self.dashboard = workspace.home_dashboard
        self.last_tab: dict[str, str] = {}
        self.search_tabs: list[SearchInfo] = []
        self.lists: dict[str, RecordList] = {}
        self.current: RecordList | None = None
        self.counts: dict[str, dict[str, int]] = {}
        self._fill_generation = 0
        self._tabs_of: str | None = None
        self._bindings_kind = "incident"

    # --- building ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # The home dashboard's tabs and first list are built here, not on the tab events, so
        # its rows are asked for in the same moment the screen first appears.
        home = CATALOGUE[self.dashboard]
        first = _tab_id(home.key, home.tabs[0].key)
        self._tabs_of = home.key
        self.last_tab[home.key] = first
        yield StatusHeader(id="status")
        yield TabStrip([(f"dash-{d}", self._dashboard_label(d)) for d in self.dashboards],
                      active=f"dash-{home.key}", id="dashboards")
        yield TabStrip([(_tab_id(home.key, t.key), _(t.label)) for t in home.tabs], active=first, id="tabs")
        yield QuickFilters(id="quick")
        yield Static(id="quick-summary")
        yield FilterLine(lambda *a: self.workspace.values(*a), lambda: self.current.kind if self.current else "incident",
                         id="filter")
        self.current = RecordList(id="list-" + first.removeprefix("tab-"))
        self.lists[self.current.id] = self.current  # type: ignore[index]
        yield ContentSwitcher(self.current, Static(id="no-favourites"), initial=self.current.id, id="lists")
        yield KeyBar()

    def _dashboard_label(self, key: str) -> str:
        return _("Saved searches") if key == SEARCHES else _(CATALOGUE[key].label)

    def on_mount(self) -> None:
        who = self.workspace.who
        self.query_one(StatusHeader).set_user(who.full_name, self.workspace.role.label)
        assert self.current is not None
        self.current.show(self.workspace, self._query_for(self.last_tab[self.dashboard]))
        self.current.focus()

    # --- dashboards and tabs ------------------------------------------------------------------

    @on(TabStrip.Activated, "#dashboards")
    async def _dashboard_activated(self, event: TabStrip.Activated) -> None:
        event.stop()
        self.dashboard = event.key.removeprefix("dash-")
        if self.dashboard != self._tabs_of:
            await self._fill_tabs()

    async def _fill_tabs(self) -> None:
        self._fill_generation += 1
        generation = self._fill_generation
        tabs = self.query_one("#tabs", TabStrip)
        if self.dashboard == SEARCHES:
            if not self.search_tabs:
                self.search_tabs = [s for s in await self._favourites()]
            entries = [(f"tab-search-{s.id}", s.name) for s in self.search_tabs]
        else:
            board = CATALOGUE[self.dashboard]
            entries = [(_tab_id(board.key, t.key), _(t.label)) for t in board.tabs]
        if generation != self._fill_generation:
            return  # another dashboard was chosen meanwhile; its tabs win
        self._tabs_of = self.dashboard
        if not entries:
            tabs.set_items([])
            self._show(None)
            return
        tabs.set_items(entries, self.last_tab.get(self.dashboard, entries[0][0]))
        if self.dashboard != SEARCHES:
            self._apply_counts()
            self._load_counts(self.dashboard)

    async def _favourites(self) -> list[SearchInfo]:
        worker = self.run_worker(lambda: [s for s in self.workspace.searches() if s.favourite], thread=True)
        return await worker.wait()  # type: ignore[no-any-return]

    @on(TabStrip.Activated, "#tabs")
    def _tab_activated(self, event: TabStrip.Activated) -> None:
        event.stop()
        tab_id = event.key
        self.last_tab[self.dashboard] = tab_id
        self._show(tab_id)

    def _query_for(self, tab_id: str) -> ListQuery:
        if tab_id.startswith("tab-search-"):
            search_id = int(tab_id.removeprefix("tab-search-"))
            info = next(s for s in self.search_tabs if s.id == search_id)
            return ListQuery(info.kind, search_id=search_id)
        board = CATALOGUE[self.dashboard]
        tab = board.tab(tab_id.removeprefix(f"tab-{board.key}-"))
        return ListQuery(tab.kind, dashboard=board.key, tab=tab.key)

    def _show(self, tab_id: str | None) -> None:
        switcher = self.query_one(ContentSwitcher)
        if tab_id is None:
            # Saved searches before any search is a favourite: say how one gets here, not a blank.
            self.current = None
            self.query_one("#no-favourites", Static).update(Text(_(
                "No favourite searches yet.\n\nPress w for the saved searches, move to one and press f to make it a "
                "favourite: it appears here as a tab. To save a search of your own, type a filter (/) or pick "
                "quick filters (f) on any list and press a.")))
            switcher.current = "no-favourites"
            return
        list_id = "list-" + tab_id.removeprefix("tab-")
        record_list = self.lists.get(list_id)
        if record_list is None:
            record_list = RecordList(id=list_id)
            self.lists[list_id] = record_list
            switcher.mount(record_list)
            record_list.show(self.workspace, self._query_for(tab_id))
        elif record_list.stale:
            record_list.reload()
        switcher.current = list_id
        self.current = record_list
        filter_line = self.query_one(FilterLine)
        filter_line.value = record_list.query_.filter_line if record_list.query_ else ""
        filter_line.remove_class("-invalid")
        quick = self.query_one(QuickFilters)
        if quick.has_class("-shown"):
            self._load_quick_values(record_list.kind, record_list.query_.quick if record_list.query_ else ())
        self._show_quick_summary()
        record_list.focus()
        if record_list.kind != self._bindings_kind:
            # «Open in parent» comes and goes with tasks; redrawing the footer for nothing would
            # cost a tab switch more than the switch itself.
            self._bindings_kind = record_list.kind
            self.refresh_bindings()

    @work(thread=True, group="counts", exclusive=True, exit_on_error=False)
    def _load_counts(self, dashboard: str) -> None:
        try:
            self.post_message(_Counts(dashboard, self.workspace.counts(dashboard)))
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")

    def on__counts(self, message: _Counts) -> None:
        self.counts[message.dashboard] = message.counts
        self._apply_counts()

    def _apply_counts(self) -> None:
        board = CATALOGUE.get(self.dashboard)
        counts = self.counts.get(self.dashboard)
        if board is None or counts is None:
            return
        tabs = self.query_one("#tabs", TabStrip)
        for t in board.tabs:
            tabs.set_label(_tab_id(board.key, t.key), _tab_label(t, counts.get(t.key)))

    def action_next_tab(self) -> None:
        self.query_one("#tabs", TabStrip).step(1)

    def action_previous_tab(self) -> None:
        self.query_one("#tabs", TabStrip).step(-1)

    def go_to(self, dashboard: str, tab: str) -> None:
        self.last_tab[dashboard] = _tab_id(dashboard, tab)
        if self.dashboard == dashboard:
            self.query_one("#tabs", TabStrip).activate(_tab_id(dashboard, tab))
        else:
            self.query_one("#dashboards", TabStrip).activate(f"dash-{dashboard}")

    def palette_commands(self) -> Iterable[SystemCommand]:
        yield SystemCommand(_("E-mail"), _("«Inbox» and «Sent»"), self.action_mail)
        for board in CATALOGUE.values():
            for t in board.tabs:
                yield SystemCommand(f"{_(board.label)} › {_(t.label)}", _("Show this tab"),
                                    lambda b=board.key, k=t.key: self.go_to(b, k))

    def action_dashboard(self, index: int) -> None:
        if 0 <= index < len(self.dashboards):
            self.query_one("#dashboards", TabStrip).activate(f"dash-{self.dashboards[index]}")

    # --- filter line and quick filters -------------------------------------------------------

    def action_focus_filter(self) -> None:
        self.query_one(FilterLine).focus()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._apply(filter_line=event.value.strip())

    def _apply(self, **changes: Any) -> None:
        record_list = self.current
        if record_list is None or record_list.query_ is None:
            return
        query = record_list.query_.with_(**changes)
        filter_line = self.query_one(FilterLine)
        try:
            if query.filter_line:
                from helpdesk_tui.desk.searches import parse_for

                parse_for(query.kind, query.filter_line)
        except DeskError as exc:
            filter_line.add_class("-invalid")
            self.notify(exc.message, title=_("Filter"), severity="error")
            return
        filter_line.remove_class("-invalid")
        record_list.query_ = query
        record_list.reload(keep_place=False)
        self._show_quick_summary()
        record_list.focus()

    def on_record_list_painted(self, message: RecordList.Painted) -> None:
        if not self.counts and self.dashboard != SEARCHES:
            self._load_counts(self.dashboard)  # the tab counts come after the first rows

    def on_record_list_failed(self, message: RecordList.Failed) -> None:
        if message.record_list is self.current:
            self.query_one(FilterLine).add_class("-invalid")
        self.notify(message.message, severity="error")

    def action_toggle_quick_filters(self) -> None:
        quick = self.query_one(QuickFilters)
        quick.toggle_class("-shown")
        if quick.has_class("-shown") and self.current is not None and self.current.query_ is not None:
            self._load_quick_values(self.current.kind, self.current.query_.quick)
        self._show_quick_summary()

    def action_clear_quick_filters(self) -> None:
        if self.current is None or self.current.query_ is None or not self.current.query_.quick:
            return
        self._apply(quick=())
        quick = self.query_one(QuickFilters)
        if quick.has_class("-shown"):
            self._load_quick_values(self.current.kind, ())

    def _show_quick_summary(self) -> None:
        """What filters the list stays on screen when the bar is hidden (a hidden filter that
        keeps 1 of 57 rows is a list that looks broken)."""
        summary = self.query_one("#quick-summary", Static)
        query = self.current.query_ if self.current is not None else None
        hidden = not self.query_one(QuickFilters).has_class("-shown")
        if query is None or not query.quick or not hidden:
            summary.display = False
            return
        text = self.query_one(QuickFilters).summary(query.kind, query.quick)
        summary.update(literal(_("Quick filters on: {filters}  (f shows them, F clears them)").format(filters=text)))
        summary.display = True
    @work(thread=True, group="quick", exclusive=True, exit_on_error=False)
    def _load_quick_values(self, kind: str, chosen: tuple[tuple[str, str], ...]) -> None:
        values = {field: self.workspace.values(kind, field, "", 100) for field, _l in QUICK_FIELDS[kind]}
        self.app.call_from_thread(self.query_one(QuickFilters).load, kind, values, chosen)

    def on_quick_filters_changed(self, message: QuickFilters.Changed) -> None:
        self._apply(quick=message.conditions)

    # --- sort and group -------------------------------------------------------------------------

    def action_sort(self) -> None:
        from helpdesk_tui.screens.dialogs import ChoiceDialog
        from helpdesk_tui.store import queries

        record_list = self.current
        if record_list is None or record_list.query_ is None:
            return
        current, desc = record_list.query_.sort_key
        options = [(name, _(spec.label) + (f"  {'↓' if desc else '↑'}" if name == current else ""))
                   for name, spec in queries.source(record_list.kind).columns.items()]
        self.app.push_screen(ChoiceDialog(_("Sort by (again: reverse)"), options, current),
                             lambda name: record_list.sort_by(name) if name else None)

    def action_reverse_sort(self) -> None:
        if self.current is not None:
            self.current.reverse()

    def action_group(self) -> None:
        from helpdesk_tui.screens.dialogs import ChoiceDialog
        from helpdesk_tui.store import choices, queries

        record_list = self.current
        if record_list is None:
            return
        src = queries.source(record_list.kind)
        options = [("-", _("No grouping"))] + [(n, _(src.columns[n].label)) for n in choices.groupable(record_list.kind)]
        self.app.push_screen(ChoiceDialog(_("Group by"), options, record_list.group_by or "-"),
                             lambda name: record_list.group(None if name == "-" else name) if name else None)

    # --- records ----------------------------------------------------------------------------------

    def on_record_list_opened(self, message: RecordList.Opened) -> None:
        self.open_record(message.kind, message.record_id)

    def open_record(self, kind: str, record_id: int) -> None:
        self.app.open_record(kind, record_id)  # type: ignore[attr-defined]  # each kind's own screen

    def action_mail(self) -> None:
        from helpdesk_tui.screens.mail import MailScreen

        self.app.push_screen(MailScreen(self.workspace))

    def action_knowledge(self) -> None:
        from helpdesk_tui.screens.articles import KnowledgeScreen  # Markdown rendering comes with it

        self.app.push_screen(KnowledgeScreen(self.workspace))

    def action_configuration_items(self) -> None:
        from helpdesk_tui.screens.config_items import ConfigItemsScreen

        self.app.push_screen(ConfigItemsScreen(self.workspace))

    def action_clients(self) -> None:
        from helpdesk_tui.screens.clients import ClientsScreen  # plotext and the report come with it

        self.app.push_screen(ClientsScreen(self.workspace))

    def action_new_incident(self) -> None:
        from helpdesk_tui.screens.incident_form import IncidentFormScreen

        self.app.push_screen(IncidentFormScreen(self.workspace))

    def action_new_problem(self) -> None:
        # Imported when asked for: the form is not part of the first paint.
        from helpdesk_tui.screens.problem_dialogs import ProblemForm

        form = ProblemForm(self.workspace, None)

        def registered(saved: bool | None) -> None:
            if saved and form.saved_id:
                self.open_record("problem", form.saved_id)

        self.app.push_screen(form, registered)

    def action_new_request(self) -> None:
        # Imported when asked for: the form is not part of the first paint.
        from helpdesk_tui.screens.request_form import RequestFormScreen

        self.app.push_screen(RequestFormScreen(self.workspace))

    def action_open_parent(self) -> None:
        row = self.current.current_row if self.current else None
        if row is None or self.current is None or self.current.kind != "task":
            self.notify(_("«Open in parent» works on a task"), severity="warning")
            return
        self._open_parent(row["id"])

    @work(thread=True, group="open", exit_on_error=False)
    def _open_parent(self, task_id: int) -> None:
        try:
            task = self.workspace.record("task", task_id)
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        if task.get("parent_id") is None:
            self.app.call_from_thread(self.notify, _("This task has no parent record"), severity="warning")
            return
        self.app.call_from_thread(self.open_record, task["parent_kind"], task["parent_id"])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_parent":
            return self.current is not None and self.current.kind == "task"
        if action in ("sort", "reverse_sort", "group", "save_search", "toggle_quick_filters", "clear_quick_filters"):
            return self.current is not None
        return True

    # --- saved searches (R14) ---------------------------------------------------------------------

    def action_searches(self) -> None:
        from helpdesk_tui.screens.searches import SearchesScreen

        self.app.push_screen(SearchesScreen(self.workspace), self._run_search)

    def _run_search(self, search: SearchInfo | None) -> None:
        self.search_tabs = [s for s in self.search_tabs if s.id != search.id] if search else self.search_tabs
        if search is None:
            return
        self.search_tabs.append(search)
        for list_id in [k for k in self.lists if k == f"list-search-{search.id}"]:
            self.lists.pop(list_id).remove()  # the search may have been edited: read it afresh
        self.last_tab[SEARCHES] = f"tab-search-{search.id}"
        dashboards = self.query_one("#dashboards", TabStrip)
        if dashboards.active == f"dash-{SEARCHES}":
            self.run_worker(self._fill_tabs())
        else:
            dashboards.activate(f"dash-{SEARCHES}")

    def action_save_search(self) -> None:
        from helpdesk_tui.screens.dialogs import PromptDialog

        record_list = self.current
        if record_list is None or record_list.query_ is None:
            return
        query = record_list.query_
        if not query.filter_line and not query.quick:
            self.notify(_("Type a filter (/) or pick quick filters (f) first"), severity="warning")
            return
        self.app.push_screen(PromptDialog(_("Save as"), _("Name of the search")),
                             lambda name: self._save_search(name, query) if name else None)

    @work(thread=True, group="save-search", exit_on_error=False)
    def _save_search(self, name: str, query: ListQuery) -> None:
        from helpdesk_tui.desk.searches import parse_for
        from helpdesk_tui.domain.filters import Condition, Filter

        try:
            typed = parse_for(query.kind, query.filter_line)
            flt = Filter(tuple(Condition(f, "=", v) for f, v in query.quick) + typed.conditions, typed.text)
            sort, desc = query.sort_key
            self.workspace.save_search(name, query.kind, flt, sort=sort, desc=desc)
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        self.app.call_from_thread(self.notify, _("Saved «{name}»").format(name=name))

    # --- live refresh (R43) --------------------------------------------------------------------------

    def action_refresh(self) -> None:
        if self.current is not None:
            self.current.reload()
        if self.dashboard != SEARCHES:
            self._load_counts(self.dashboard)

    def on_data_changed(self, message: DataChanged) -> None:
        for record_list in self.lists.values():
            record_list.stale = True
        self.action_refresh()
