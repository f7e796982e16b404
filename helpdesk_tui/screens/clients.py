"""«Клієнти і звіти» (R41): every client's month against their subscription, as a table and a bar
chart in the terminal, and the twelve months' trend of the client under the cursor (of all
clients on the «Усі клієнти» row). `[`/`]` move a month; Enter opens the client's tickets of
the month; `e` exports the statement (PDF, XLSX, CSV)."""

from __future__ import annotations

import threading
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.domain.text import without_controls
from helpdesk_tui.domain.timekeeping import format_hours, month_words, next_month, previous_month
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.widgets.failures import SaysFailures
from helpdesk_tui.widgets.key_bar import KeyBar
from helpdesk_tui.widgets.status_header import StatusHeader
from helpdesk_tui.widgets.translated import TranslatedBindings, literal

if TYPE_CHECKING:
    from helpdesk_tui.desk.subscriptions import Use
    from helpdesk_tui.desk.workspace import Workspace

CHART_CLIENTS = 12  # the busiest; the table below has them all
ALL = "all"
_plotting = threading.Lock()  # plotext draws on one global figure


def _label(name: str, width: int = 18) -> str:
    """A client's name as a chart's tick: one line, no escapes (plotext's text goes through ANSI
    parsing on the way to the screen), cut to the width."""
    clean = " ".join(without_controls(name).split())
    return clean if len(clean) <= width else clean[: width - 1] + "…"


def _plot(build: Any, width: int, height: int) -> Text:
    import plotext as plt  # the chart library: loaded when the first chart is drawn, not at start

    with _plotting:
        plt.clf()
        plt.plotsize(max(30, width), max(6, height))
        plt.canvas_color("default")
        plt.axes_color("default")
        plt.ticks_color("default")
        build(plt)
        return Text.from_ansi(plt.build())


def month_chart(uses: list[Use], width: int, height: int) -> Text:
    busiest = [u for u in uses if u.used_minutes or u.included_minutes][:CHART_CLIENTS][::-1]
    if not busiest:
        return Text(_("No client has a subscription or time this month."), style="dim")

    def build(plt: Any) -> None:
        positions = list(range(1, len(busiest) + 1))
        plt.multiple_bar(positions, [[u.included_minutes / 60 for u in busiest], [u.used_minutes / 60 for u in busiest]],
                         orientation="h", color=["blue", "red"], width=0.8)
        plt.yticks(positions, [_label(u.name) for u in busiest])

    return _plot(build, width, height)


def trend_chart(trend: list[tuple[date, int, int]], width: int, height: int) -> Text:
    def build(plt: Any) -> None:
        # Numbered bars and ticks set here: plotext's own ticks from text labels depend on the
        # order of a set (hash randomisation), and would differ from one run to the next.
        positions = list(range(1, len(trend) + 1))
        plt.multiple_bar(positions, [[i / 60 for _m, i, _u in trend], [u / 60 for _m, _i, u in trend]],
                         color=["blue", "red"])
        plt.xticks(positions, [m.strftime("%m") for m, _i, _u in trend])  # short: none hides another

    return _plot(build, width, height)


def legend() -> Text:
    line = Text("██ ", style="blue")
    line.append(_("included"), style="")
    line.append("   ██ ", style="red")
    line.append(_("used"), style="")
    return line


def export_statement(screen: Screen[None], workspace: Workspace, organisation_id: int, name: str, month: date) -> None:
    """The export dialog for a client's month; the path written is said when it is done."""
    from helpdesk_tui.screens.time_dialogs import ExportDialog

    dialog = ExportDialog(workspace, {"id": organisation_id, "number": name, "month": month, "version": None})

    def saved(ok: bool | None) -> None:
        if ok and dialog.written is not None:
            screen.notify(_("Written {path}").format(path=dialog.written), markup=False, timeout=10)

    screen.app.push_screen(dialog, saved)


class ClientsScreen(SaysFailures, TranslatedBindings, Screen[None]):
    DEFAULT_CSS = """
    ClientsScreen #clients-title { padding: 0 1; text-style: bold; }
    ClientsScreen #month-chart { height: auto; padding: 0 1; }
    ClientsScreen #clients-table { height: 1fr; }
    ClientsScreen #trend-title { padding: 0 1; text-style: bold; }
    ClientsScreen #trend-chart { height: auto; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", N_("Back"), id="clients.back"),
        Binding("left_square_bracket", "month(-1)", N_("Previous month"), id="clients.previous_month"),
        Binding("right_square_bracket", "month(1)", N_("Next month"), id="clients.next_month"),
        Binding("enter", "open_tickets", N_("Tickets of the month"), id="clients.tickets"),
        Binding("e", "export", N_("Export the statement"), id="clients.export"),
        Binding("r,f5", "reload", N_("Refresh"), id="clients.refresh"),
    ]

    def __init__(self, workspace: Workspace, month: date | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.month = month or workspace.time.today().replace(day=1)
        self.uses: list[Use] = []

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status")
        yield Static("", id="clients-title")
        yield Static("", id="month-chart")
        yield DataTable(id="clients-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="trend-title")
        yield Static("", id="trend-chart")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(StatusHeader).set_user(self.workspace.who.full_name, self.workspace.role.label)
        self.query_one("#clients-table").focus()
        self.action_reload()

    def _sizes(self) -> tuple[int, int, int]:
        width, height = self.size.width or 120, self.size.height or 40
        return width - 2, max(6, height // 3), max(6, height // 4)

    def action_month(self, delta: int) -> None:
        self.month = next_month(self.month) if delta > 0 else previous_month(self.month)
        self.action_reload()

    @work(thread=True, group="clients", exclusive=True, exit_on_error=False)
    def action_reload(self) -> None:
        try:
            uses = self.workspace.time.clients(self.month)
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        width, month_height, _trend = self._sizes()
        chart = month_chart(uses, width, month_height)
        self.app.call_from_thread(self._show, uses, chart)

    def _show(self, uses: list[Use], chart: Text) -> None:
        self.uses = uses
        title = Text(_("Clients and their subscriptions · {month}").format(month=month_words(self.month)))
        title.append("   ")
        title.append_text(legend())
        self.query_one("#clients-title", Static).update(title)
        self.query_one("#month-chart", Static).update(chart)
        table = self.query_one("#clients-table", DataTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        for label in (_("Client"), _("Included, h"), _("Used, h"), _("Left, h"), _("Over, h"), _("Used"),
                      _("Outside the subscription, h")):
            table.add_column(label)
        total_in = sum(u.included_minutes for u in uses)
        total_used = sum(u.used_minutes for u in uses)
        table.add_row(Text(_("All clients"), style="bold"), Text(format_hours(total_in)), Text(format_hours(total_used)),
                      Text(""), Text(""), Text(f"{round(total_used * 100 / total_in)} %" if total_in else "—"),
                      Text(format_hours(sum(u.outside_minutes for u in uses))), key=ALL)
        for use in uses:
            style = "" if use.warning is None else ("bold red" if use.warning >= 1 else "yellow")
            share = f"{round(use.share * 100)} %" if use.share is not None else "—"
            table.add_row(literal(use.name, one_line=True), Text(format_hours(use.included_minutes)),
                          Text(format_hours(use.used_minutes)), Text(format_hours(max(0, use.left_minutes))),
                          Text(format_hours(max(0, -use.left_minutes)), style=style), Text(share, style=style),
                          Text(format_hours(use.outside_minutes)), key=str(use.organisation_id))
        table.move_cursor(row=min(cursor, len(uses)))
        self._trend_for_cursor()

    def _chosen(self) -> Use | None:
        table = self.query_one("#clients-table", DataTable)
        row = table.cursor_row
        return self.uses[row - 1] if 1 <= row <= len(self.uses) else None

    @on(DataTable.RowSelected, "#clients-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_tickets()

    @on(DataTable.RowHighlighted, "#clients-table")
    def _highlighted(self) -> None:
        self._trend_for_cursor()

    def _trend_for_cursor(self) -> None:
        chosen = self._chosen()
        self._trend(chosen.organisation_id if chosen else None, chosen.name if chosen else _("All clients"))

    @work(thread=True, group="clients-trend", exclusive=True, exit_on_error=False)
    def _trend(self, organisation_id: int | None, name: str) -> None:
        try:
            trend = self.workspace.time.trend(self.month, organisation_id)
        except DeskError:
            return
        width, _month, height = self._sizes()
        chart = trend_chart(trend, width, height)
        span = f"{trend[0][0]:%m.%Y} – {trend[-1][0]:%m.%Y}" if trend else ""
        self.app.call_from_thread(self._show_trend, name, span, chart)

    def _show_trend(self, name: str, span: str, chart: Text) -> None:
        title = Text(_("Twelve months: "))
        title.append_text(literal(name, one_line=True))
        title.append(f"  ({span})", style="dim")
        self.query_one("#trend-title", Static).update(title)
        self.query_one("#trend-chart", Static).update(chart)

    def action_open_tickets(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            self.notify(_("Choose a client first"), severity="warning")
            return
        self.app.push_screen(ClientTicketsScreen(self.workspace, chosen.organisation_id, chosen.name, self.month))

    def action_export(self) -> None:
        chosen = self._chosen()
        if chosen is None:
            self.notify(_("Choose a client first"), severity="warning")
            return
        export_statement(self, self.workspace, chosen.organisation_id, chosen.name, self.month)


class ClientTicketsScreen(SaysFailures, TranslatedBindings, Screen[None]):
    """A client's tickets with time in a month: the internal report's lines; Enter opens one."""

    DEFAULT_CSS = """
    ClientTicketsScreen #tickets-title { padding: 0 1; text-style: bold; }
    ClientTicketsScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", N_("Back"), id="client_tickets.back"),
        Binding("e", "export", N_("Export the statement"), id="client_tickets.export"),
    ]

    def __init__(self, workspace: Workspace, organisation_id: int, name: str, month: date) -> None:
        super().__init__()
        self.workspace, self.organisation_id, self.client, self.month = workspace, organisation_id, name, month
        self.ids: dict[str, tuple[str, int]] = {}

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status")
        yield Static("", id="tickets-title")
        yield DataTable(id="tickets-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(StatusHeader).set_user(self.workspace.who.full_name, self.workspace.role.label)
        self.query_one("#tickets-table").focus()
        self._load()

    @work(thread=True, group="client-tickets", exclusive=True, exit_on_error=False)
    def _load(self) -> None:
        try:
            act = self.workspace.time.statement(self.organisation_id, self.month, internal=True)
            ids = self.workspace.time.ticket_ids([line.number for line in act.lines])
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.app.call_from_thread(self._show, act, ids)

    def _show(self, act: Any, ids: dict[str, tuple[str, int]]) -> None:
        from helpdesk_tui.domain.statuses import TICKET_KIND_LABELS

        self.ids = ids
        title = literal(self.client, one_line=True)
        title.append(" · " + month_words(self.month) + " · ")
        title.append(_("{used} of {included} h").format(used=format_hours(act.used_minutes),
                                                        included=format_hours(act.subscription_minutes)))
        self.query_one("#tickets-title", Static).update(title)
        table = self.query_one("#tickets-table", DataTable)
        table.clear(columns=True)
        kinds = {**TICKET_KIND_LABELS, "request": N_("Service request")}
        rows = [(Text(line.number), literal(line.title, one_line=True), Text(_(kinds.get(line.kind, line.kind))),
                 Text(line.completed_on.strftime("%d.%m.%Y") if line.completed_on else "—"),
                 Text(format_hours(line.minutes)), Text(format_hours(line.counted_minutes))) for line in act.lines]
        labels = (_("Number"), _("Ticket"), _("Kind of ticket"), _("Completed"), _("Hours"), _("Counted"))
        for i, label in enumerate(labels):
            # Widths from the cells: the table is filled at once, the title column takes what is left.
            widest = max([len(label)] + [row[i].cell_len for row in rows])
            table.add_column(label, width=min(widest, 60) if i == 1 else widest)
        for line, row in zip(act.lines, rows):
            table.add_row(*row, key=line.number)

    @on(DataTable.RowSelected, "#tickets-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        from helpdesk_tui.screens.record import RecordScreen  # record imports the workspace screen: a cycle

        event.stop()
        target = self.ids.get(str(event.row_key.value))
        if target is not None:
            self.app.push_screen(RecordScreen(self.workspace, *target))

    def action_export(self) -> None:
        export_statement(self, self.workspace, self.organisation_id, self.client, self.month)
