"""Quick filters («Show Filters», R15): one choice per field above the list, for those who would
rather pick than type."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.markup import escape
from textual.message import Message
from textual.widgets import Select

from helpdesk_tui.domain.text import printable
from helpdesk_tui.i18n import N_, _

FIELDS = {
    "incident": (("status", N_("Status")), ("priority", N_("Priority")), ("criticality", N_("Criticality")),
                 ("ticket_kind", N_("Kind")),  # short: six choices share the bar
                 ("group", N_("Work group")), ("owner", N_("Owner"))),
    "task": (("status", N_("Status")), ("group", N_("Work group")), ("owner", N_("Owner"))),
    "service_request": (("status", N_("Status")), ("group", N_("Work group"))),
    "problem": (("status", N_("Status")), ("group", N_("Work group")), ("owner", N_("Owner"))),
}


class QuickFilters(Horizontal):
    DEFAULT_CSS = """
    QuickFilters { height: auto; display: none; }
    QuickFilters.-shown { display: block; }
    QuickFilters Select { width: 1fr; }
    """

    @dataclass
    class Changed(Message):
        quick_filters: QuickFilters
        conditions: tuple[tuple[str, str], ...]

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.kind = ""
        # What each chosen value reads as, kept after the bar is hidden: the summary line shows it.
        self.shown: dict[tuple[str, str], str] = {}

    def compose(self) -> ComposeResult:
        return iter(())

    async def load(self, kind: str, values: dict[str, list[tuple[str, str]]], chosen: tuple[tuple[str, str], ...]) -> None:
        """Build the choices for `kind` from `values` (read in a worker by the caller: rule 4)."""
        self.kind = kind
        await self.remove_children()
        picked = dict(chosen)
        selects = []
        for field, label in FIELDS[kind]:
            options = [(escape(printable(shown, one_line=True)), value) for value, shown in values.get(field, [])]
            self.shown.update({(field, value): shown for value, shown in values.get(field, [])})
            select: Select[str] = Select(options, prompt=_(label), id=f"quick-{field}", allow_blank=True)
            if picked.get(field) in {v for _l, v in options}:
                select.value = picked[field]
            selects.append(select)
        await self.mount_all(selects)

    def conditions(self) -> tuple[tuple[str, str], ...]:
        out = []
        for select in self.query(Select):
            if select.value is not Select.NULL and select.id:
                out.append((select.id.removeprefix("quick-"), str(select.value)))
        return tuple(out)

    def summary(self, kind: str, conditions: tuple[tuple[str, str], ...]) -> str:
        """«Status: Information provided · Owner: Іван Петренко»: what the quick filters keep on."""
        labels = dict(FIELDS.get(kind, ()))
        return " · ".join(f"{_(labels.get(field, field))}: {self.shown.get((field, value), value)}"
                          for field, value in conditions)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self, self.conditions()))
