"""The typed filter line above a list: `status:Зареєстровано group:"Перша лінія" принтер`, with
completion of field names and of values taken from the data (R13)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.binding import Binding
from textual.suggester import Suggester

from helpdesk_tui.domain.filters import FIELD_ALIASES, canonical_field
from helpdesk_tui.i18n import N_, _, current_language
from helpdesk_tui.widgets.text_field import TextField
from helpdesk_tui.widgets.translated import TranslatedBindings

ValuesLookup = Callable[[str, str, str], list[tuple[str, str]]]
FIELDS = {
    "incident": ("status", "priority", "group", "owner", "caller", "service", "category", "organisation",
                 "criticality", "channel", "ticket_kind", "impact", "urgency", "number", "short_description", "description",
                 "created_at", "updated_at", "waiting_on"),
    "task": ("status", "group", "owner", "number", "short_description", "created_at", "updated_at"),
    "service_request": ("status", "group", "owner", "requester", "item", "organisation", "number",
                        "short_description", "created_at", "due_at"),
}


def last_token(line: str) -> tuple[str, str]:
    """`line` split into what comes before its last word and that word (quotes kept together)."""
    quoted = False
    start = 0
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == " " and not quoted:
            start = i + 1
    return line[:start], line[start:]


def quote(value: str) -> str:
    return f'"{value}"' if any(c in value for c in ' ,"') else value


class FilterSuggester(Suggester):
    def __init__(self, values: ValuesLookup, kind: Callable[[], str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.values = values
        self.kind = kind
        self.completed: str | None = None  # the line as it should read once the suggestion is taken

    def _field_names(self) -> list[str]:
        names = list(FIELDS.get(self.kind(), ()))
        if current_language() == "uk":
            names += [alias for alias, name in FIELD_ALIASES.items() if name in names and not alias.isascii()]
        return names

    async def get_suggestion(self, value: str) -> str | None:
        self.completed = None
        head, token = last_token(value)
        negated = token.startswith("-")
        word = token[1:] if negated else token
        if not word:
            return None
        for sep in (":", "~", "<=", ">=", "<", ">"):
            if sep in word:
                field, _s, typed = word.partition(sep)
                return await self._value(value, head + ("-" if negated else "") + field + sep, field, typed)
        folded = word.casefold()
        for name in self._field_names():
            if name.casefold().startswith(folded) and name.casefold() != folded:
                return value + name[len(word):] + ":"
        return None

    async def _value(self, line: str, before: str, field: str, typed: str) -> str | None:
        known = set(FIELDS.get(self.kind(), ()))
        canonical = canonical_field(field, known)
        if canonical is None:
            return None
        last = typed.split(",")[-1]
        bare = last.lstrip('"')
        try:
            found = await asyncio.to_thread(self.values, self.kind(), canonical, bare)
        except Exception:  # completion is a help; a failed lookup must not disturb typing
            return None
        folded = bare.casefold()
        # A coded value (a status) completes from its label in the analyst's language too:
        # «статус:Зар» → «Зареєстровано»; the filter reads labels in either language.
        texts = [text for candidate, label in found
                 for text in ((label, candidate) if label and label != candidate else (candidate,))]
        for candidate in texts:
            if candidate.casefold().startswith(folded) and candidate.casefold() != folded:
                finished = typed[: len(typed) - len(last)] + quote(candidate)
                self.completed = before + finished
                if candidate.startswith(bare):
                    return line + candidate[len(bare):]
                return line + " → " + candidate
        return None


class FilterLine(TranslatedBindings, TextField):
    """Enter applies the filter; Escape goes back to the list; → takes the suggestion. Keys act in
    the order typed, however fast they come, and Ctrl+Z takes an edit back, as in every form
    field (TextField)."""

    BINDINGS = [
        Binding("escape", "leave", N_("Back to the list"), id="filter.leave"),
    ]

    def __init__(self, values: ValuesLookup, kind: Callable[[], str], *, id: str | None = None) -> None:  # noqa: A002
        self.filter_suggester = FilterSuggester(values, kind)
        super().__init__(placeholder=_('Filter: status:registered group:"First line" printer  (/ to type here)'),
                         suggester=self.filter_suggester, id=id)

    def action_cursor_right(self, select: bool = False) -> None:
        completed = self.filter_suggester.completed
        if not select and self.cursor_at_end and self._suggestion and completed is not None:
            self.value = completed + " "
            self.cursor_position = len(self.value)
            self.filter_suggester.completed = None
            return
        super().action_cursor_right(select)

    def action_leave(self) -> None:
        self.screen.focus_next()
