"""The statement as a workbook (openpyxl): sheet «statement», and «tickets» for the internal report.

Figures are numbers with a 0.00 format, dates are dates, so the client's accountant can add them
up. Every text cell is stored as text: a client called «=HYPERLINK(...)» stays a name.
"""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from helpdesk_tui.documents import common
from helpdesk_tui.domain.statements import Statement, hours
from helpdesk_tui.i18n import current_language

# Sheet names stay English in both languages: scripts and macros look sheets up by name.
STATEMENT_SHEET = "statement"
TICKETS_SHEET = "tickets"
HOURS_FORMAT = "0.00"
COUNT_FORMAT = "0"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)


def render(statement: Statement, internal: bool) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has its first sheet
    sheet.title = STATEMENT_SHEET
    title = common.title(statement, internal)
    book.properties.title = title
    book.properties.creator = "helpdesk-tui"
    book.properties.language = current_language()

    _statement_sheet(sheet, statement, title, internal)
    if internal:
        _tickets_sheet(book.create_sheet(TICKETS_SHEET), statement)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def text_cell(sheet: Worksheet, row: int, column: int, value: str, font: Font | None = None) -> Cell:
    """A cell that holds `value` as text whatever it starts with.

    openpyxl takes any string that starts with «=» for a formula; the data type says otherwise.
    The quote prefix keeps Excel from reading = + - @ as a formula when someone edits the cell.
    """
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    cell.data_type = "s"
    if common.looks_like_formula(value):
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    return cell


def number_cell(sheet: Worksheet, row: int, column: int, value: float | int, number_format: str) -> Cell:
    cell = sheet.cell(row=row, column=column, value=value)
    cell.number_format = number_format
    return cell


def _statement_sheet(sheet: Worksheet, statement: Statement, title: str, internal: bool) -> None:
    text_cell(sheet, 1, 1, title, TITLE)
    row = 2
    text_cell(sheet, row, 1, common.clean(statement.desk.name, common.NAME_LIMIT), BOLD)
    for line in common.desk_lines(statement):
        row += 1
        text_cell(sheet, row, 1, line)

    row += 1
    for label, value in common.parties(statement):
        row += 1
        text_cell(sheet, row, 1, label, BOLD)
        text_cell(sheet, row, 2, value)

    row += 1
    for figure in common.figures(statement, internal):
        row += 1
        text_cell(sheet, row, 1, figure.label, BOLD)
        if figure.is_count:
            number_cell(sheet, row, 2, figure.minutes, COUNT_FORMAT)
        else:
            number_cell(sheet, row, 2, hours(figure.minutes), HOURS_FORMAT)

    if not internal:
        row += 2
        cell = text_cell(sheet, row, 1, common.acceptance(statement))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        sheet.row_dimensions[row].height = 45
        _signatures(sheet, row + 2, statement)

    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 48


def _signatures(sheet: Worksheet, row: int, statement: Statement) -> None:
    for column, (side, name) in enumerate(common.sides(statement), start=1):
        text_cell(sheet, row, column, side, BOLD)
        text_cell(sheet, row + 1, column, name)
        text_cell(sheet, row + 3, column, "_" * 24)
        text_cell(sheet, row + 4, column, common.signature_caption(), Font(size=8))


def _tickets_sheet(sheet: Worksheet, statement: Statement) -> None:
    day_format = "DD.MM.YYYY" if current_language() == "uk" else "YYYY-MM-DD"
    for column, heading in enumerate(common.line_headings(), start=1):
        text_cell(sheet, 1, column, heading, BOLD)
    sheet.freeze_panes = "A2"  # the headings stay in sight however long the list

    row = 1
    for line in statement.lines:
        row += 1
        text_cell(sheet, row, 1, common.clean(line.number, 40))
        text_cell(sheet, row, 2, common.clean(line.title, common.TITLE_LIMIT))
        text_cell(sheet, row, 3, common.kind_label(line.kind))
        if isinstance(line.completed_on, date):
            number_cell(sheet, row, 4, line.completed_on, day_format)
        number_cell(sheet, row, 5, hours(line.minutes), HOURS_FORMAT)
        number_cell(sheet, row, 6, hours(line.counted_minutes), HOURS_FORMAT)

    row += 1
    logged, counted = common.totals(statement)
    text_cell(sheet, row, 1, common.total_label(), BOLD)
    number_cell(sheet, row, 5, hours(logged), HOURS_FORMAT).font = BOLD
    number_cell(sheet, row, 6, hours(counted), HOURS_FORMAT).font = BOLD

    for column, width in enumerate((14, 60, 24, 12, 12, 12), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
