"""What every format of the monthly statement says, and how it writes numbers, dates and names.

The PDF, XLSX and CSV renderers take their words and figures from here, so the three say the
same thing in the same language: the interface's, read at render time through `helpdesk_tui.i18n`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from helpdesk_tui.domain.statements import Statement, StatementLine, hours
from helpdesk_tui.domain.text import TRANSLIT, without_controls
from helpdesk_tui.domain.timekeeping import month_words  # noqa: F401  (the documents' month, as the screens say it)
from helpdesk_tui.i18n import N_, _, current_language

FORMATS = ("pdf", "xlsx", "csv")

KIND_LABELS = {
    "incident": N_("Incident"),
    "change_request": N_("Change request"),
    "request": N_("Service request"),
}

# How much of an untrusted text a document shows: a client's name or a title longer than this is
# someone's mistake (or an attack), and the table rows must stay shorter than a page.
NAME_LIMIT = 200
TITLE_LIMIT = 160

# Text XML 1.0 cannot hold (XLSX breaks on it) and fonts cannot draw: lone surrogates (from
# undecodable mail) and the two non-characters.
_UNENCODABLE = re.compile("[\ud800-\udfff\ufffe\uffff]")


def clean(text: str | None, limit: int | None = None) -> str:
    """Untrusted text as a document shows it: literally, one line, no control or bidi characters,
    at most `limit` characters (an ellipsis says some were cut)."""
    text = _UNENCODABLE.sub("\ufffd", without_controls(text)).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def hours_text(minutes: int, *, grouped: bool = True) -> str:
    """Hours with two decimals as the language writes them: «1 234,50» (uk), "1,234.50" (en).

    Without grouping for files a spreadsheet parses (CSV): Excel reads «1234,50» as a number in a
    Ukrainian locale but takes a thousands separator it does not expect for text."""
    text = f"{hours(minutes):,.2f}" if grouped else f"{hours(minutes):.2f}"
    if current_language() == "uk":
        # The narrow no-break space groups thousands, as `domain.display.number` does.
        text = text.replace(",", "\u202f").replace(".", ",")
    return text


def date_text(day: date | None) -> str:
    if day is None:
        return ""
    return day.strftime("%d.%m.%Y") if current_language() == "uk" else day.isoformat()


def kind_label(kind: str) -> str:
    label = KIND_LABELS.get(kind)
    return _(label) if label else clean(kind, 40)


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would take the text for a formula (OWASP's list: = + - @, and the
    tab and carriage return that some programs strip before looking)."""
    return bool(text) and text[0] in "=+-@\t\r"


def heading(statement: Statement, internal: bool) -> str:
    """The document's name: «Акт виконаних робіт № 2026-11/17», or the internal report's."""
    if internal:
        return _("Internal report on completed tickets")
    number = clean(statement.number, 40)
    if number:
        return _("Statement of work performed No. {number}").format(number=number)
    return _("Statement of work performed")


def period_line(statement: Statement) -> str:
    # TRANSLATORS: under the statement's title: the month it covers («за листопад 2026»).
    return _("for {period}").format(period=month_words(statement.month))


def title(statement: Statement, internal: bool) -> str:
    """The heading and the period on one line, where a document has one line for its title."""
    return f"{heading(statement, internal)} {period_line(statement)}"


@dataclass(frozen=True)
class Figure:
    """One figure of the statement: its label and its value in minutes (or a plain count)."""

    label: str
    minutes: int
    is_count: bool = False


def parties(statement: Statement) -> list[tuple[str, str]]:
    """Who issues the statement, to whom, for which month: (label, text) rows."""
    rows = [*sides(statement), (_("Period"), month_words(statement.month))]
    number = clean(statement.number, 40)
    if number:
        rows.insert(0, (_("Number"), number))
    return rows


def figures(statement: Statement, internal: bool) -> list[Figure]:
    """The hours of the month. Over and left are both shown, one of them zero, so that every
    statement has the same rows whichever way the month went."""
    rows = [
        Figure(_("Subscription, h"), statement.subscription_minutes),
        Figure(_("Used, h"), statement.used_minutes),
        Figure(_("Over the subscription, h"), statement.over_minutes),
        Figure(_("Left, h"), statement.left_minutes),
    ]
    if internal:
        rows.append(Figure(_("Outside the subscription, h"), statement.outside_minutes))
        rows.append(Figure(_("Tickets with time counted"), statement.tickets, is_count=True))
    return rows


def desk_lines(statement: Statement) -> list[str]:
    return [line for line in (clean(text, NAME_LIMIT) for text in statement.desk.lines) if line]


def acceptance(statement: Statement) -> str:
    return _(
        "Support services for {period} have been provided in full. The customer has no claims "
        "about their scope, quality or timing."
    ).format(period=month_words(statement.month))


def line_headings() -> list[str]:
    return [_("Number"), _("Title"), _("Type"), _("Completed"), _("Logged, h"), _("Counted, h")]


def line_cells(line: StatementLine) -> list[str]:
    """A ticket of the internal report as text, in the order of `line_headings`."""
    return [
        clean(line.number, 40),
        clean(line.title, TITLE_LIMIT),
        kind_label(line.kind),
        date_text(line.completed_on),
        hours_text(line.minutes),
        hours_text(line.counted_minutes),
    ]


def totals(statement: Statement) -> tuple[int, int]:
    """Logged and counted minutes of the listed tickets. Summed in minutes, not in rounded hours,
    so the total can differ from the column's sum by a cent of an hour, never by more."""
    return sum(line.minutes for line in statement.lines), sum(line.counted_minutes for line in statement.lines)


def total_label() -> str:
    return _("Total")


def no_tickets() -> str:
    return _("No tickets were completed this month.")


def sides(statement: Statement) -> list[tuple[str, str]]:
    """The two parties that sign the act: (side, name)."""
    return [
        (_("Contractor"), clean(statement.desk.name, NAME_LIMIT)),
        (_("Customer"), clean(statement.client, NAME_LIMIT)),
    ]


def signature_caption() -> str:
    # TRANSLATORS: under the blank line where each side signs the act.
    return _("(signature, name)")


# --- file names ------------------------------------------------------------------------------

# Letters TRANSLIT (Ukrainian) leaves out but client names have: Russian and Belarusian ones.
_MORE_LETTERS = str.maketrans({"ы": "y", "э": "e", "ъ": "", "ё": "io", "ў": "u"})
_NOT_SAFE = re.compile(r"[^a-z0-9]+")
SLUG_LIMIT = 60


def slug(text: str, fallback: str) -> str:
    """Latin letters, digits and single hyphens only: safe as part of a file name anywhere (no
    slash, dot, space or control character can pass, nor a name like CON that Windows reserves,
    since a prefix always comes first)."""
    text = without_controls(text).casefold().translate(TRANSLIT).translate(_MORE_LETTERS)
    # Compatibility forms have capitals of their own: «№» is "No", «Ⅻ» is "XII".
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = _NOT_SAFE.sub("-", text).strip("-")[:SLUG_LIMIT].rstrip("-")
    return text or fallback


def file_name(statement: Statement, fmt: str, internal: bool = False) -> str:
    """«akt-2026-11-tov-romashka.pdf»: the document's name, safe for any client name."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if internal:
        # TRANSLATORS: the start of the internal report's file name: Latin letters and hyphens only.
        kind = slug(_("internal-report"), "internal-report")
    else:
        # TRANSLATORS: the start of the act's file name: Latin letters and hyphens only (uk: akt).
        kind = slug(_("statement"), "statement")
    return f"{kind}-{statement.month:%Y-%m}-{slug(statement.client, 'client')}.{fmt}"
