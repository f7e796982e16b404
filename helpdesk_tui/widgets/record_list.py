"""RecordList: every list of the workspace, drawn line by line from a window of rows it asks the
store for (rule 3), so a million rows scroll as smoothly as ten. Sorts by any column both ways,
groups by a column with counts, and marks rows: red for priority 1 (R17), a blue bar for an
unread comment (R16), the whose-turn dot (R40) and the SLA time left."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from helpdesk_tui.domain.display import number
from helpdesk_tui.domain.turn import turn as whose_turn
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.widgets import list_columns as cols
from helpdesk_tui.widgets.list_window import GroupState, ListWindow
from helpdesk_tui.widgets.translated import TranslatedBindings
from helpdesk_tui.widgets.failures import SaysFailures

if TYPE_CHECKING:
    from helpdesk_tui.desk.workspace import ListQuery, Workspace

PAGE = 100
# R40's dot (domain/turn.py): green, yellow, red, grey.
TURN_CLASS = {"client_wrote": "turn-desk", "details": "turn-wait", "confirm": "turn-confirm", "closed": "turn-closed"}


@dataclass
class _Arrived(Message):
    """Rows (or a count, or groups) read by a worker thread for this list."""

    generation: int
    what: str
    data: Any
    extra: Any = None


class RecordList(SaysFailures, TranslatedBindings, Widget, can_focus=True):
    COMPONENT_CLASSES = {
        "record-list--header", "record-list--cursor", "record-list--p1", "record-list--unread",
        "record-list--turn-desk", "record-list--turn-wait", "record-list--turn-confirm", "record-list--turn-closed",
        "record-list--group",
        "record-list--sla-warning", "record-list--sla-breach", "record-list--status",
    }
    DEFAULT_CSS = """
    RecordList { height: 1fr; }
    RecordList > .record-list--header { text-style: bold; background: $panel; }
    RecordList > .record-list--cursor { background: $surface-lighten-2; }
    RecordList:focus > .record-list--cursor { background: $accent 60%; text-style: bold; }
    RecordList > .record-list--p1 { color: $error; }
    RecordList > .record-list--unread { color: $primary; }
    RecordList > .record-list--turn-desk { color: $success; }
    RecordList > .record-list--turn-wait { color: $warning; }
    RecordList > .record-list--turn-confirm { color: $error; }
    RecordList > .record-list--turn-closed { color: $text-muted; }
    RecordList > .record-list--group { text-style: bold; color: $secondary; }
    RecordList > .record-list--sla-warning { color: $warning; }
    RecordList > .record-list--sla-breach { color: $error; text-style: bold; }
    RecordList > .record-list--status { background: $panel; color: $text-muted; }
    """
    BINDINGS = [
        Binding("up,k", "cursor_up", N_("Up"), show=False, id="list.up"),
        Binding("down,j", "cursor_down", N_("Down"), show=False, id="list.down"),
        Binding("pageup", "page_up", N_("Page up"), show=False, id="list.page_up"),
        Binding("pagedown,space", "page_down", N_("Page down"), show=False, id="list.page_down"),
        Binding("home", "first", N_("First"), show=False, id="list.first"),
        Binding("end", "last", N_("Last"), show=False, id="list.last"),
        Binding("enter", "open", N_("Open record"), id="list.open"),
        Binding("left,minus", "fold", N_("Fold group"), show=False, id="list.fold"),
        Binding("right,plus", "unfold", N_("Unfold group"), show=False, id="list.unfold"),
    ]

    @dataclass
    class Opened(Message):
        """Enter on a row: open this record."""

        record_list: RecordList
        kind: str
        record_id: int

    @dataclass
    class Failed(Message):
        record_list: RecordList
        message: str

    @dataclass
    class Painted(Message):
        """The list shows its first rows (the start-up benchmark waits for this)."""

        record_list: RecordList

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.workspace: Workspace | None = None
        self.query_: ListQuery | None = None
        self.window = ListWindow("id")
        self.total: int | None = None
        self.group_by: str | None = None
        self._generation = 0
        self._loading: set[str] = set()
        self._layout_key: tuple[str, int] | None = None
        self._layout: list[tuple[cols.Column, int]] = []
        self._painted = False
        self.stale = False

    # --- what to show -----------------------------------------------------------------------

    def show(self, workspace: Workspace, query: ListQuery, *, group_by: str | None = None) -> None:
        """Show the rows of `query` from the start."""
        self.workspace, self.query_, self.group_by = workspace, query, group_by
        self.reload(keep_place=False)

    def reload(self, *, keep_place: bool = True) -> None:
        if self.workspace is None or self.query_ is None:
            return
        self.stale = False
        q = self.query_
        if not keep_place or not self.window.loaded:
            self._generation += 1
            self._loading.clear()
            self.window = ListWindow(q.sort_key[0])
            self.total = None
            self.refresh()
        gen = self._generation
        self._run(gen, "total", lambda: self.workspace.total(q))  # type: ignore[union-attr]
        if self.group_by is not None:
            column = self.group_by
            self._run(gen, "groups", lambda: [(g.value, g.count) for g in self.workspace.groups(q, column)])  # type: ignore[union-attr]
        elif keep_place and self.window.loaded and self.window.rows:
            start = self.window.key(self.window.rows[0]) if self.window.more_before else None
            limit = min(max(len(self.window.rows), PAGE), 500)
            self._run(gen, "refresh", lambda: self.workspace.page(q, start=start, limit=limit))  # type: ignore[union-attr]
        else:
            self._run(gen, "reset", lambda: self.workspace.page(q, limit=PAGE))  # type: ignore[union-attr]

    def sort_by(self, column: str, desc: bool | None = None) -> None:
        assert self.query_ is not None
        current, current_desc = self.query_.sort_key
        if desc is None:
            desc = (not current_desc) if column == current else False
        self.query_ = self.query_.with_(sort=column, desc=desc)
        self.reload(keep_place=False)

    def reverse(self) -> None:
        assert self.query_ is not None
        name, desc = self.query_.sort_key
        self.sort_by(name, not desc)

    def group(self, column: str | None) -> None:
        self.group_by = column
        self.reload(keep_place=False)

    @property
    def current_row(self) -> dict[str, Any] | None:
        return self.window.current_row

    @property
    def kind(self) -> str:
        return self.query_.kind if self.query_ else "incident"

    # --- loading in threads (rule 4) ----------------------------------------------------------

    def _run(self, generation: int, what: str, fetch: Any, extra: Any = None) -> None:
        self._loading.add(what)

        def work() -> None:
            from helpdesk_tui.domain.errors import DeskError

            try:
                data = fetch()
            except DeskError as exc:
                self.post_message(self.Failed(self, exc.message))
                data = None
            except Exception as exc:  # a database that went away: say so, keep the list
                self.post_message(self.Failed(self, _("The database answered: {detail}").format(
                    detail=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)))
                data = None
            self.post_message(_Arrived(generation, what, data, extra))

        self.run_worker(work, thread=True, group="record-list", exit_on_error=False)

    def on__arrived(self, message: _Arrived) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._loading.discard(message.what)
        w, data = self.window, message.data
        if data is None:
            w.loaded = True
        elif message.what == "total":
            self.total = data
        elif message.what in ("reset", "last"):
            at_end = message.what == "last"
            offset = (self.total - len(data.rows)) if at_end and self.total is not None else (None if at_end else 0)
            w.reset(data.rows, more_after=data.next_cursor is not None,
                    more_before=at_end and data.prev_cursor is not None, offset=offset, at_end=at_end)
        elif message.what == "refresh":
            w.refreshed(data.rows, more_after=data.next_cursor is not None)
        elif message.what == "after":
            w.append(data.rows, more_after=data.next_cursor is not None)
        elif message.what == "before":
            w.prepend(data.rows, more_before=data.prev_cursor is not None)
        elif message.what == "groups":
            w.set_groups(data)
            for g in w.groups or []:
                if g.open:
                    self._load_group(g, replace=True)
        elif message.what.startswith("group:"):
            group, replace = message.extra
            w.group_rows(group, data.rows, more=data.next_cursor is not None, replace=replace)
        self._after_move()
        if not self._painted and w.loaded and message.what != "total":
            self._painted = True
            self.call_after_refresh(self.post_message, self.Painted(self))

    def _load_group(self, group: GroupState, *, replace: bool) -> None:
        assert self.query_ is not None and self.group_by is not None
        q = self.query_.with_(group=(self.group_by, group.value))
        after = None if replace or not group.rows else self.window.key(group.rows[-1])
        group.loading = True
        self._run(self._generation, f"group:{id(group)}:{len(group.rows)}",
                  lambda: self.workspace.page(q, after=after, limit=PAGE), (group, replace))  # type: ignore[union-attr]

    def _after_move(self) -> None:
        w = self.window
        height = self._rows_height
        w.show_cursor(height)
        q = self.query_
        if q is not None and self.workspace is not None:
            if w.near_end(height) and "after" not in self._loading:
                tail = w.tail
                self._run(self._generation, "after", lambda: self.workspace.page(q, after=tail, limit=PAGE))  # type: ignore[union-attr]
            if w.near_start(height) and "before" not in self._loading:
                head = w.head
                self._run(self._generation, "before", lambda: self.workspace.page(q, before=head, limit=PAGE))  # type: ignore[union-attr]
            line = w.current
            if line is not None and line.kind == "more" and line.group and not line.group.loading:
                self._load_group(line.group, replace=False)
        self.refresh()

    # --- keys ---------------------------------------------------------------------------------

    @property
    def _rows_height(self) -> int:
        return max(self.size.height - 2, 1)

    def action_cursor_up(self) -> None:
        self.window.move(-1)
        self._after_move()

    def action_cursor_down(self) -> None:
        self.window.move(1)
        self._after_move()

    def action_page_up(self) -> None:
        self.window.move(-self._rows_height)
        self._after_move()

    def action_page_down(self) -> None:
        self.window.move(self._rows_height)
        self._after_move()

    def action_first(self) -> None:
        if self.window.groups is None and (self.window.more_before or self.window.offset != 0):
            self.reload(keep_place=False)
        else:
            self.window.cursor = 0
            self._after_move()

    def action_last(self) -> None:
        w = self.window
        if w.groups is None and w.more_after and self.query_ is not None and self.workspace is not None:
            self._generation += 1
            self._loading.clear()
            gen, q = self._generation, self.query_
            self._run(gen, "total", lambda: self.workspace.total(q))  # type: ignore[union-attr]
            self._run(gen, "last", lambda: self.workspace.page(q, last=True, limit=PAGE))  # type: ignore[union-attr]
        else:
            w.cursor = max(len(w.lines) - 1, 0)
            self._after_move()

    def action_open(self) -> None:
        line = self.window.current
        if line is None:
            return
        if line.kind == "group" and line.group is not None:
            self._toggle(line.group)
        elif line.kind == "row" and line.row is not None:
            self.post_message(self.Opened(self, self.kind, line.row["id"]))

    def _toggle(self, group: GroupState, open_: bool | None = None) -> None:
        self.window.toggle(group, open_)
        if group.open and not group.rows:
            self._load_group(group, replace=True)
            self.window._rebuild()
        self._after_move()

    def action_fold(self) -> None:
        line = self.window.current
        if line is not None and line.group is not None and line.group.open:
            self._toggle(line.group, False)

    def action_unfold(self) -> None:
        line = self.window.current
        if line is not None and line.kind == "group" and line.group is not None and not line.group.open:
            self._toggle(line.group, True)

    # --- mouse ----------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            x = cols.MARKS_WIDTH
            for column, width in self._layout:
                if x <= event.x < x + width + 1:
                    self.sort_by(column.name)
                    return
                x += width + 1
            return
        index = self.window.top + event.y - 1
        if 0 <= index < len(self.window.lines):
            self.window.cursor = index
            self._after_move()
            if event.chain >= 2:
                self.action_open()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self.window.move(3)
        self._after_move()

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self.window.move(-3)
        self._after_move()

    def on_resize(self, event: events.Resize) -> None:
        self._after_move()

    # --- drawing --------------------------------------------------------------------------------

    def _columns(self) -> list[tuple[cols.Column, int]]:
        key = (self.kind, self.size.width)
        if key != self._layout_key:
            self._layout_key, self._layout = key, cols.layout(self.kind, self.size.width)
        return self._layout

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"record-list--{name}")

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            return self._header(width, base)
        if y == self.size.height - 1:
            return self._status(width, base)
        w = self.window
        index = w.top + y - 1
        if index >= len(w.lines):
            if index == 0:
                text = _("Loading…") if not w.loaded else _("No records")
                return Strip([Segment(cols.fit("  " + text, width), base + Style(dim=True))])
            return Strip.blank(width, base)
        line = w.lines[index]
        style = base + (self._style("cursor") if index == w.cursor else Style())
        if line.kind == "group" and line.group is not None:
            g = line.group
            label = cols.cell(self.kind, self.group_by or "", {self.group_by or "": g.value}) or _("(empty)")
            text = f"{'▼' if g.open else '▶'} {label} ({g.count})"
            return Strip([Segment(cols.fit(text, width), style + self._style("group"))])
        if line.kind == "more":
            text = "    " + (_("Loading…") if line.group and line.group.loading else _("More…"))
            return Strip([Segment(cols.fit(text, width), style + Style(dim=True))])
        return self._row(line.row or {}, style, width)

    def _row(self, row: dict[str, Any], style: Style, width: int) -> Strip:
        if row.get("priority") == 1:
            style = style + self._style("p1")
        segments = [Segment("▌" if row.get("unread") else " ", style + self._style("unread"))]
        turn = TURN_CLASS[whose_turn(row.get("status"), row["waiting_on"])] if "waiting_on" in row else None
        segments.append(Segment("●" if turn else " ", style + (self._style(turn) if turn else Style())))
        for column, col_width in self._columns():
            cell_style = style
            if column.name == "resolution_due":
                level = cols.time_left(row.get("resolution_due"))[1]
                if level and row.get("status") not in ("resolved", "closed", "cancelled"):
                    cell_style = style + self._style(f"sla-{level}")
            text = cols.cell(self.kind, column.name, row)
            if column.name == "resolution_due" and row.get("status") in ("resolved", "closed", "cancelled"):
                text = ""
            segments.append(Segment(cols.fit(text, col_width), cell_style))
            segments.append(Segment(" ", style))
        return Strip(segments).adjust_cell_length(width, style)

    def _header(self, width: int, base: Style) -> Strip:
        style = base + self._style("header")
        sort_name, desc = self.query_.sort_key if self.query_ else ("", False)
        segments = [Segment(" " * cols.MARKS_WIDTH, style)]
        for column, col_width in self._columns():
            label = _(column.label)
            if column.name == sort_name:
                label = f"{label} {'↓' if desc else '↑'}"
            segments.append(Segment(cols.fit(label, col_width) + " ", style))
        return Strip(segments).adjust_cell_length(width, style)

    def _status(self, width: int, base: Style) -> Strip:
        style = base + self._style("status")
        w = self.window
        total = "…" if self.total is None else number(self.total)
        where = w.position()
        left = f" {number(where)} / {total}" if where is not None else f" {total}"
        parts = [left]
        if self.group_by:
            parts.append(_("grouped by {column}").format(column=self._column_label(self.group_by)))
        if "reset" in self._loading or "refresh" in self._loading:
            parts.append(_("Loading…"))
        return Strip([Segment(cols.fit("  ·  ".join(parts), width), style)])

    def _column_label(self, name: str) -> str:
        from helpdesk_tui.store.sources import source

        spec = source(self.kind).columns.get(name)
        return _(spec.label) if spec else name
