"""The related-items panel (R4): knowledge articles, problems and incidents like the text typed,
best first, each kind under its heading. Enter opens one; `l` links it, `u` reuses its solution."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from helpdesk_tui.domain.search_terms import SearchHit
from helpdesk_tui.domain.statuses import status_label
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.widgets.translated import TranslatedBindings, literal

KIND_HEADINGS = {"knowledge_article": N_("Knowledge articles"), "problem": N_("Problems"), "incident": N_("Incidents")}
# What the analyst chose for the record being written, shown before the number.
MARK_LINKED, MARK_SOLUTION = "🔗", "✔"


class RelatedPanel(TranslatedBindings, Vertical):
    DEFAULT_CSS = """
    RelatedPanel { border-left: vkey $panel-lighten-2; padding: 0 0 0 1; }
    RelatedPanel #related-title { text-style: bold; margin: 1 0 0 0; }
    RelatedPanel #related-hint { color: $text-muted; width: 100%; }
    RelatedPanel #related-chosen { color: $success; width: 100%; }
    RelatedPanel OptionList { height: 1fr; border: none; padding: 0; }
    RelatedPanel OptionList:focus { border: none; }
    """
    BINDINGS = [
        Binding("l", "link", N_("Link"), id="related.link"),
        Binding("u", "reuse", N_("Use the solution"), id="related.reuse"),
        Binding("escape", "leave", N_("Back"), id="related.leave"),
    ]

    class Chosen(Message):
        """The analyst wants something done with a listed record: "open", "link" or "reuse"."""

        def __init__(self, action: str, hit: SearchHit) -> None:
            super().__init__()
            self.action, self.hit = action, hit

    class Left(Message):
        pass

    def __init__(self, *, find_all: bool = True, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.find_all = find_all
        self.hits: dict[str, SearchHit] = {}
        self.marks: dict[tuple[str, int], str] = {}
        self.results: Mapping[str, list[SearchHit]] = {}

    def compose(self) -> ComposeResult:
        yield Label(_("Related items"), id="related-title")
        yield Label(_("Type the short description: similar records appear here."), id="related-hint")
        yield OptionList(id="related-list")
        yield Label("", id="related-chosen")

    def show(self, results: Mapping[str, list[SearchHit]], *, everything: bool = False,
             newest_only: bool = False) -> None:
        self.results = results
        title = _("All matches") if everything else _("Related items")
        if newest_only:
            title += " · " + _("too many: the newest ranked, add a word")
        self.query_one("#related-title", Label).update(title)
        total = sum(len(v) for v in results.values())
        self.query_one("#related-hint", Label).update(
            _("Nothing similar yet.") if not total else
            _("Enter opens · l links · u uses the solution · Ctrl+F back to related items")
            if self.find_all and everything else
            _("Enter opens · l links · u uses the solution · Ctrl+F all matches") if self.find_all else
            _("Enter opens · l links · u uses the solution"))
        self._fill()

    def set_marks(self, marks: dict[tuple[str, int], str], chosen: str = "") -> None:
        """What the analyst chose for the record being written: marks on the rows, and a line
        naming them (they stay chosen when the list moves on)."""
        self.marks = marks
        self.query_one("#related-chosen", Label).update(literal(chosen))
        self._fill()

    def _fill(self) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted_option.id if options.highlighted_option is not None else None
        options.clear_options()
        self.hits = {}
        for kind, hits in self.results.items():
            if not hits:
                continue
            options.add_option(Option(Text(_(KIND_HEADINGS[kind]), style="bold underline"), disabled=True))
            for hit in hits:
                key = f"{hit.kind}:{hit.id}"
                self.hits[key] = hit
                options.add_option(Option(self._line(hit), id=key))
        if highlighted in self.hits:
            options.highlighted = options.get_option_index(highlighted)
        elif self.hits and options.has_focus:
            options.highlighted = options.get_option_index(next(iter(self.hits)))

    def _line(self, hit: SearchHit) -> Text:
        line = Text()
        line.append(f"{self.marks.get((hit.kind, hit.id), ' '):1} ", style="bold green")
        line.append(hit.number, style="bold")
        if hit.kind == "incident" and hit.status:
            line.append(f" {status_label(hit.kind, hit.status)}", style="dim")
        if hit.solution:
            line.append(" ✓", style="green")
        line.append("\n  ")
        line.append_text(literal(hit.title, one_line=True))
        return line

    @property
    def current(self) -> SearchHit | None:
        option = self.query_one(OptionList).highlighted_option
        return self.hits.get(option.id) if option is not None and option.id else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        hit = self.hits.get(event.option.id or "")
        if hit is not None:
            self.post_message(self.Chosen("open", hit))

    def action_link(self) -> None:
        if self.current is not None:
            self.post_message(self.Chosen("link", self.current))

    def action_reuse(self) -> None:
        if self.current is not None:
            self.post_message(self.Chosen("reuse", self.current))

    def action_leave(self) -> None:
        self.post_message(self.Left())

    def enter(self) -> None:
        """Focus the list on its first record."""
        options = self.query_one(OptionList)
        options.focus()
        if options.highlighted is None and self.hits:
            options.highlighted = options.get_option_index(next(iter(self.hits)))
