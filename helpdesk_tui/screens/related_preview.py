"""A related record opened from the panel or the record's related tab (R4): read its text and
solution, then link it (`l`) or take its solution (`u`) without leaving what is being written."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.domain.statuses import status_label
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.widgets.key_bar import KeyBar
from helpdesk_tui.widgets.translated import TranslatedBindings, literal
from helpdesk_tui.widgets.failures import SaysFailures

if TYPE_CHECKING:
    from helpdesk_tui.desk.workspace import Workspace

KIND_NAMES = {"knowledge_article": N_("Knowledge article"), "problem": N_("Problem"), "incident": N_("Incident")}
SOLUTION_NAMES = {"knowledge_article": N_("Solution"), "problem": N_("Workaround"), "incident": N_("Solution")}


class RelatedPreview(SaysFailures, TranslatedBindings, ModalScreen[str | None]):
    """Dismissed with "link", "reuse", "open" (the record's own screen) or None."""

    DEFAULT_CSS = """
    RelatedPreview { align: center middle; }
    RelatedPreview > Vertical { width: 90; max-width: 95%; height: 90%; border: thick $primary;
                                background: $surface; padding: 0 1; }
    RelatedPreview .title { text-style: bold; margin: 1 0 0 0; }
    RelatedPreview .field { color: $text-muted; margin-top: 1; }
    RelatedPreview #body { height: 1fr; }
    """
    BINDINGS = [
        Binding("l", "link", N_("Link"), id="related.link"),
        Binding("u", "reuse", N_("Use the solution"), id="related.reuse"),
        Binding("o", "open_record", N_("Open the record"), id="related.open"),
        Binding("escape,q", "leave", N_("Back"), id="related.back"),
    ]

    def __init__(self, workspace: Workspace, kind: str, record_id: int, *, linked: bool = False) -> None:
        super().__init__()
        self.workspace, self.kind, self.record_id, self.linked = workspace, kind, record_id, linked
        self.record: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(_("Loading…")), id="title", classes="title")
            yield Label("", id="meta")
            with VerticalScroll(id="body"):
                yield Label(_("Text"), classes="field")
                yield Static("", id="text")
                yield Label(_(SOLUTION_NAMES[self.kind]), classes="field")
                yield Static("", id="solution")
            yield KeyBar()

    def on_mount(self) -> None:
        self._load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_record":
            return self.kind in ("incident", "problem", "knowledge_article")
        if action == "reuse":
            return self.record is None or bool(self.record["solution"])
        return True

    @work(thread=True, group="related-preview", exit_on_error=False)
    def _load(self) -> None:
        try:
            record = self.workspace.related_record(self.kind, self.record_id)
        except DeskError as exc:
            self.app.call_from_thread(self.query_one("#title", Label).update, literal(exc.message))
            return
        self.app.call_from_thread(self._show, record)

    def _show(self, record: dict[str, Any]) -> None:
        self.record = record
        title = Text(f"{_(KIND_NAMES[self.kind])} {record['number']}: ", style="bold")
        title.append_text(literal(record["title"], one_line=True))
        self.query_one("#title", Label).update(title)
        meta = [x for x in (status_label(self.kind, record["status"]) if self.kind in ("incident", "problem") else None,
                            record["service"], when(record["created_at"]),
                            _("linked to this incident") if self.linked else None) if x]
        self.query_one("#meta", Label).update(literal(" · ".join(meta)))
        self.query_one("#text", Static).update(literal(record["text"] or "—"))
        self.query_one("#solution", Static).update(literal(record["solution"] or "—"))
        self.refresh_bindings()

    def action_link(self) -> None:
        self.dismiss("link")

    def action_reuse(self) -> None:
        self.dismiss("reuse")

    def action_open_record(self) -> None:
        self.dismiss("open")

    def action_leave(self) -> None:
        self.dismiss(None)

