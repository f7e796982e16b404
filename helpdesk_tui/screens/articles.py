"""«База знань» (R4): the articles (`b` on the workspace), one article with its Markdown text
rendered and its versions, and the editor (the text edited as Markdown). An article is written
new (`n`), or from a resolved incident (`B` on its record); `E` edits, `P` publishes (who
publishes reviews), `X` retires; only published articles are suggested while analysts type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Markdown, Select, Static, TextArea

from helpdesk_tui.desk.articles import STATUS_LABELS
from helpdesk_tui.domain.display import when
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.domain.text import printable
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.screens.form_guard import Problem
from helpdesk_tui.screens.saving_dialog import SavingDialog
from helpdesk_tui.widgets.failures import SaysFailures
from helpdesk_tui.widgets.key_bar import KeyBar
from helpdesk_tui.widgets.status_header import StatusHeader
from helpdesk_tui.widgets.text_field import TextBox, TextField
from helpdesk_tui.widgets.translated import TranslatedBindings, literal

if TYPE_CHECKING:
    from helpdesk_tui.desk.workspace import Workspace

FILTERS = (None, "published", "draft", "retired")
FILTER_LABELS = {None: N_("all"), "published": N_("Published"), "draft": N_("Draft"), "retired": N_("Retired")}


def status_text(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


def markdown_source(text: str) -> str:
    """An article's Markdown as the widget renders it: control and bidi characters shown as
    stand-ins (rule 7), the formatting itself kept — the text is the desk's own notes."""
    return printable(text or "")


class KnowledgeScreen(SaysFailures, TranslatedBindings, Screen[None]):
    DEFAULT_CSS = """
    KnowledgeScreen #kb-title { padding: 0 1; text-style: bold; }
    KnowledgeScreen #kb-filter { margin: 0 1; }
    KnowledgeScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", N_("Back"), id="kb.back"),
        Binding("n", "new", N_("New article"), id="kb.new"),
        Binding("f", "next_filter", N_("Status filter"), id="kb.filter"),
        Binding("slash", "focus_search", N_("Filter"), id="kb.search"),
        Binding("r,f5", "reload", N_("Refresh"), id="kb.refresh"),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.filter = 0

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status")
        yield Static("", id="kb-title")
        yield TextField(placeholder=_("Words of the title or the keywords, or a number"), id="kb-filter")
        yield DataTable(id="kb-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(StatusHeader).set_user(self.workspace.who.full_name, self.workspace.role.label)
        self.query_one("#kb-table").focus()
        self.action_reload()

    def action_next_filter(self) -> None:
        self.filter = (self.filter + 1) % len(FILTERS)
        self.action_reload()

    def action_focus_search(self) -> None:
        self.query_one("#kb-filter").focus()

    @on(Input.Changed, "#kb-filter")
    def _typed(self) -> None:
        self.action_reload()

    @on(Input.Submitted, "#kb-filter")
    def _to_list(self) -> None:
        self.query_one("#kb-table").focus()

    @work(thread=True, group="kb-list", exclusive=True, exit_on_error=False)
    def action_reload(self) -> None:
        status = FILTERS[self.filter]
        text = self.query_one("#kb-filter", Input).value
        try:
            rows = self.workspace.articles.listing(status, text)
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[dict[str, Any]]) -> None:
        shown = _(FILTER_LABELS[FILTERS[self.filter]])
        self.query_one("#kb-title", Static).update(
            Text(_("Knowledge base · showing: {what} (f) · {n}").format(what=shown, n=len(rows))))
        table = self.query_one("#kb-table", DataTable)
        table.clear(columns=True)
        for label in (_("Number"), _("Title"), _("Status"), _("Keywords"), _("Updated")):
            table.add_column(label)
        for row in rows:
            table.add_row(Text(row["number"]), literal(row["title"], one_line=True), Text(status_text(row["status"])),
                          literal(row["keywords"], one_line=True), Text(when(row["updated_at"])), key=str(row["id"]))

    @on(DataTable.RowSelected, "#kb-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.app.push_screen(ArticleScreen(self.workspace, int(event.row_key.value)))

    def action_new(self) -> None:
        def saved(article_id: int | None) -> None:
            if article_id:
                self.action_reload()
                self.app.push_screen(ArticleScreen(self.workspace, article_id))

        open_editor(self, self.workspace, None, saved)


def open_editor(screen: Screen[Any], workspace: Workspace, article: dict[str, Any] | None, then: Any) -> None:
    dialog = ArticleEditor(workspace, article or {"id": None, "number": _("New article"), "version": None})

    def closed(ok: bool | None) -> None:
        then(dialog.saved_id if ok else None)

    screen.app.push_screen(dialog, closed)


class ArticleScreen(SaysFailures, TranslatedBindings, Screen[None]):
    DEFAULT_CSS = """
    ArticleScreen #article-head { padding: 0 1; height: auto; }
    ArticleScreen VerticalScroll { height: 1fr; padding: 0 1; }
    ArticleScreen #article-versions { height: auto; display: none; margin-top: 1; }
    ArticleScreen #article-versions.-shown { display: block; }
    """
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", N_("Back"), id="article.back"),
        Binding("E", "edit", N_("Edit"), id="article.edit"),
        Binding("P", "publish", N_("Publish"), id="article.publish"),
        Binding("X", "retire", N_("Retire"), id="article.retire"),
        Binding("v", "versions", N_("Versions"), id="article.versions"),
        Binding("r,f5", "reload", N_("Refresh"), id="article.refresh"),
    ]

    def __init__(self, workspace: Workspace, article_id: int) -> None:
        super().__init__()
        self.workspace, self.article_id = workspace, article_id
        self.data: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="status")
        yield Static(Text(_("Loading…")), id="article-head")
        with VerticalScroll(id="article-pane"):
            yield Markdown("", id="article-body")
            yield Static("", id="article-versions")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(StatusHeader).set_user(self.workspace.who.full_name, self.workspace.role.label)
        self.query_one("#article-pane").focus()
        self.action_reload()

    @work(thread=True, group="article", exclusive=True, exit_on_error=False)
    def action_reload(self) -> None:
        self.from_worker(lambda: self.workspace.articles.article(self.article_id), self._show)

    def _show(self, data: dict[str, Any]) -> None:
        self.data = data
        head = Text(data["number"], style="bold")
        head.append("  ")
        head.append_text(literal(data["title"], one_line=True))
        head.append(f"  · {status_text(data['status'])}", style="bold yellow" if data["status"] != "published" else "bold green")
        facts = [(_("Service"), data["service"]), (_("Keywords"), data["keywords"]), (_("Author"), data["author"]),
                 (_("Reviewer"), data["reviewer"]), (_("From incident"), data["source"]),
                 (_("Updated"), when(data["updated_at"])), (_("Version"), str(data["version"]))]
        line = Text()
        for label, value in facts:
            if value:
                line.append(f"{label}: ", style="dim")
                line.append_text(literal(value, one_line=True))
                line.append("   ")
        self.query_one("#article-head", Static).update(Text("\n").join([head, line]))
        text = markdown_source(data["body"])
        if data["solution"]:
            text += "\n\n## " + _("Solution") + "\n\n" + markdown_source(data["solution"])
        self.query_one("#article-body", Markdown).update(text or _("*No text yet.*"))
        versions = Text(_("Versions"), style="bold underline")
        for v in reversed(data["versions"]):
            versions.append(f"\n{v['version']:>3}  {when(v['changed_at'])}  ")
            versions.append_text(literal(v["changed_by"] or "", one_line=True))
            versions.append(f"  {status_text(v['status'])}  ")
            versions.append_text(literal(v["title"], one_line=True))
        self.query_one("#article-versions", Static).update(versions)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        status = self.data["status"] if self.data else None
        if action == "edit":
            return status in ("draft", "published")
        if action == "publish":
            return status in ("draft", "retired")
        if action == "retire":
            return status in ("draft", "published")
        return True

    def action_versions(self) -> None:
        self.query_one("#article-versions").toggle_class("-shown")

    def action_edit(self) -> None:
        if self.data is not None:
            open_editor(self, self.workspace, self.data, lambda saved: self.action_reload() if saved else None)

    @work(thread=True, group="article-change", exit_on_error=False)
    def _change(self, what: str) -> None:
        try:
            if what == "publish":
                self.workspace.articles.publish(self.article_id, (self.data or {}).get("version"))
            else:
                self.workspace.articles.retire(self.article_id, (self.data or {}).get("version"))
        except DeskError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error", markup=False)
            return
        self.app.call_from_thread(self.notify, _("Published") if what == "publish" else _("Retired"))
        self.app.call_from_thread(self.action_reload)

    def action_publish(self) -> None:
        self._change("publish")

    def action_retire(self) -> None:
        self._change("retire")


class ArticleEditor(SavingDialog):
    """An article's title, keywords, service, its text in Markdown and its solution; Ctrl+S."""

    DEFAULT_CSS = """
    ArticleEditor { align: center middle; }
    ArticleEditor > Vertical { width: 110; max-width: 98%; height: auto; max-height: 98%; border: thick $primary;
                               background: $surface; padding: 0 1; }
    ArticleEditor .title { text-style: bold; margin: 1 0 0 0; }
    ArticleEditor #body { height: 12; }
    ArticleEditor #solution { height: 5; }
    ArticleEditor #error { color: $error; width: 100%; }
    """

    def __init__(self, workspace: Workspace, record: dict[str, Any]) -> None:
        super().__init__(workspace, record)
        self.saved_id: int | None = None
        self._services = workspace.articles.services()

    def compose(self) -> ComposeResult:
        r = self.record
        with Vertical():
            heading = _("New article") if r.get("id") is None else _("{number}: edit").format(number=r["number"])
            yield Label(Text(heading), classes="title")
            yield Label(_("Title"))
            yield TextField(value=r.get("title") or "", id="title", max_length=200)
            yield Label(_("Keywords (comma-separated)"))
            yield TextField(value=r.get("keywords") or "", id="keywords", max_length=300)
            yield Label(_("Service"))
            yield Select([(Text(name), sid) for name, sid in self._services], id="service", prompt=_("Not set"),
                         value=r.get("service_id") or Select.NULL)
            yield Label(_("Text (Markdown)"))
            yield TextBox(r.get("body") or "", id="body")
            yield Label(_("Solution"))
            yield TextBox(r.get("solution") or "", id="solution")
            yield Label("", id="error")
            yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    def problem(self) -> Problem | None:
        if not self.query_one("#title", Input).value.strip():
            return _("An article needs a title"), "title"
        return None

    def values(self) -> dict[str, Any]:
        service = self.query_one("#service", Select).value
        return {"title": self.query_one("#title", Input).value.strip(),
                "keywords": self.query_one("#keywords", Input).value,
                "service_id": service if isinstance(service, int) else None,
                "body": self.query_one("#body", TextArea).text, "solution": self.query_one("#solution", TextArea).text}

    def write(self, values: dict[str, Any]) -> None:
        self.saved_id = self.workspace.articles.save(self.record.get("id"), version=self.version, **values)
