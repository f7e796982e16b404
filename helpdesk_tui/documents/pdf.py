"""The statement as a PDF (fpdf2): the act the client signs, or the internal report of tickets.

A4 portrait in millimetres, DejaVu Sans (bundled in fonts/, for Cyrillic). Untrusted text goes
in through `common.clean` and `drawable`: never as markdown, never where fpdf2 substitutes
aliases, and with a visible replacement for characters the font cannot draw.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from helpdesk_tui.documents import common
from helpdesk_tui.documents.pdf_table import RuledTable
from helpdesk_tui.domain.statements import Statement
from helpdesk_tui.i18n import _, current_language

FONT_DIR = Path(__file__).parent / "fonts"
FONT_FILES = {"": FONT_DIR / "DejaVuSans.ttf", "B": FONT_DIR / "DejaVuSans-Bold.ttf"}
FAMILY = "DejaVu"
# fpdf2 replaces this alias in *any* text by the page count: we turn it on only while the footer
# writes it, so a client called «{nb}» keeps their name.
_PAGES_ALIAS = "{nb}"

BODY_PT = 10
SMALL_PT = 8
TITLE_PT = 14
LINE_MM = 5.0
REPLACEMENT = "\ufffd"

BOLD = FontFace(emphasis="B")
HEADINGS_FILL = (230, 230, 230)
# Widths in millimetres of the internal report's columns (A4 less 15 mm margins: 180 mm), in the
# order of `common.line_headings`: the title takes what the short columns leave.
LINE_WIDTHS = (22, 60, 30, 22, 23, 23)


class _StatementPDF(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=18)
        self.alias_nb_pages(None)  # see _PAGES_ALIAS
        for style, path in FONT_FILES.items():
            self.add_font(FAMILY, style, str(path))
        self.set_font(FAMILY, size=BODY_PT)
        # What both faces can draw: fpdf2 would leave an empty gap for the rest.
        self._glyphs = frozenset(self.fonts["dejavu"].cmap) & frozenset(self.fonts["dejavuB"].cmap)

    def drawable(self, text: str) -> str:
        """`text` with characters outside the font (CJK, emoji) shown as �, so none vanish."""
        glyphs = self._glyphs
        return "".join(c if ord(c) in glyphs or c == "\n" else REPLACEMENT for c in text)

    def footer(self) -> None:
        # The footer is drawn at page breaks, in the middle of a table: leave its font alone.
        with self.local_context():
            self.set_y(-12)
            self.set_font(FAMILY, size=SMALL_PT)
            self.set_text_color(110)
            saved, self.str_alias_nb_pages = self.str_alias_nb_pages, _PAGES_ALIAS
            try:
                text = _("Page {page} of {pages}").format(page=self.page_no(), pages=_PAGES_ALIAS)
                self.cell(0, 5, text, align="R")
            finally:
                self.str_alias_nb_pages = saved

    def paragraph(self, text: str, *, size: float = BODY_PT, bold: bool = False, align: str = "L") -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, self.drawable(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FAMILY, size=BODY_PT)

    def finish(self) -> bytes:
        self.str_alias_nb_pages = _PAGES_ALIAS  # for the last page's footer, drawn by output()
        return bytes(self.output())


def render(statement: Statement, internal: bool) -> bytes:
    pdf = _StatementPDF()
    title = common.title(statement, internal)
    pdf.set_title(title)
    pdf.set_author(common.clean(statement.desk.name, common.NAME_LIMIT))
    pdf.set_creator("helpdesk-tui")
    pdf.set_lang(current_language())
    pdf.add_page()

    _desk_block(pdf, statement)
    pdf.ln(6)
    pdf.paragraph(common.heading(statement, internal), size=TITLE_PT, bold=True, align="C")
    pdf.paragraph(common.period_line(statement), size=BODY_PT + 2, bold=True, align="C")
    pdf.ln(4)
    _pairs(pdf, common.parties(statement), bordered=False)
    pdf.ln(3)
    _pairs(pdf, ((f.label, _figure_text(f)) for f in common.figures(statement, internal)), bordered=True)
    pdf.ln(6)
    if internal:
        _lines_table(pdf, statement)
    else:
        pdf.paragraph(common.acceptance(statement))
        pdf.ln(10)
        _signatures(pdf, statement)
    return pdf.finish()


def _figure_text(figure: common.Figure) -> str:
    return str(figure.minutes) if figure.is_count else common.hours_text(figure.minutes)


def _desk_block(pdf: _StatementPDF, statement: Statement) -> None:
    pdf.paragraph(common.clean(statement.desk.name, common.NAME_LIMIT), size=12, bold=True)
    for line in common.desk_lines(statement):
        pdf.paragraph(line, size=SMALL_PT + 1)


def _pairs(pdf: _StatementPDF, rows: Iterable[tuple[str, str]], *, bordered: bool) -> None:
    """Label and value rows: the parties (plain) or the figures (ruled, numbers to the right)."""
    with pdf.table(
        col_widths=(60, 120) if not bordered else (120, 60),
        first_row_as_headings=False,
        borders_layout=TableBordersLayout.ALL if bordered else TableBordersLayout.NONE,
        text_align=("LEFT", "RIGHT") if bordered else ("LEFT", "LEFT"),
        line_height=LINE_MM,
        padding=(1, 2),
        v_align="TOP",
    ) as table:
        for label, value in rows:
            row = table.row()
            row.cell(pdf.drawable(label), style=BOLD if not bordered else None)
            row.cell(pdf.drawable(value), style=BOLD if bordered else None)


def _lines_table(pdf: _StatementPDF, statement: Statement) -> None:
    if not statement.lines:
        pdf.paragraph(common.no_tickets())
        return
    # Drawn by hand rather than with pdf.table(): see pdf_table for why.
    table = RuledTable(
        pdf,
        LINE_WIDTHS,
        ("L", "L", "L", "L", "R", "R"),
        [pdf.drawable(text) for text in common.line_headings()],
        family=FAMILY,
        size=SMALL_PT,
        line_height=SMALL_PT * 0.45,
        padding=(0.8, 1.2),
        heading_fill=HEADINGS_FILL,
    )
    drawable = functools.lru_cache(maxsize=4096)(pdf.drawable)  # types, dates and hours repeat
    for line in statement.lines:
        table.row([drawable(text) for text in common.line_cells(line)])
    logged, counted = common.totals(statement)
    total = (common.total_label(), common.hours_text(logged), common.hours_text(counted))
    table.row([pdf.drawable(text) for text in total], bold=True, spans=(4, 1, 1))
    table.finish()
    pdf.set_font(FAMILY, size=BODY_PT)


def _signatures(pdf: _StatementPDF, statement: Statement) -> None:
    """Both sides of the act, side by side, each with a line to sign on."""
    sides = common.sides(statement)
    with pdf.table(
        col_widths=(90, 90),
        first_row_as_headings=False,
        borders_layout=TableBordersLayout.NONE,
        text_align="LEFT",
        line_height=LINE_MM,
        padding=(1, 4, 1, 0),
        v_align="TOP",
    ) as table:
        table.row([side for side, _name in sides], style=BOLD)
        table.row([pdf.drawable(name) for _side, name in sides])
        table.row(["", ""], min_height=10)
        table.row(["_" * 32, "_" * 32])
        table.row([common.signature_caption()] * 2, style=FontFace(size_pt=SMALL_PT))
