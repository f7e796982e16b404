"""The statement as CSV: the same rows as the workbook's sheets, one after the other.

UTF-8 with a byte-order mark, or Excel reads the Cyrillic as cp1251 mojibake. The delimiter is
«;»: in a Ukrainian (and most European) locale Excel splits on «;», because the comma is the
decimal separator there, so hours written «12,50» stay one number in one column. Decimals follow
the interface's language, like the PDF; a script that wants plain numbers uses the XLSX or
`--json`.
"""

from __future__ import annotations

import csv
import io

from helpdesk_tui.documents import common
from helpdesk_tui.domain.statements import Statement

DELIMITER = ";"


def guarded(text: str) -> str:
    """Text a spreadsheet will not run: a leading apostrophe turns «=cmd|...» into a string
    (OWASP's advice for CSV injection); Excel hides the apostrophe."""
    return "'" + text if common.looks_like_formula(text) else text


def _hours(minutes: int) -> str:
    return common.hours_text(minutes, grouped=False)


def rows(statement: Statement, internal: bool) -> list[list[str]]:
    """The document as rows of text cells, before the formula guard."""
    out: list[list[str]] = [[common.title(statement, internal)]]
    out.append([common.clean(statement.desk.name, common.NAME_LIMIT)])
    out.extend([line] for line in common.desk_lines(statement))
    out.append([])
    out.extend([label, value] for label, value in common.parties(statement))
    out.append([])
    for figure in common.figures(statement, internal):
        out.append([figure.label, str(figure.minutes) if figure.is_count else _hours(figure.minutes)])
    out.append([])
    if not internal:
        out.append([common.acceptance(statement)])
        return out
    out.append(common.line_headings())
    for line in statement.lines:
        cells = common.line_cells(line)
        cells[4:] = [_hours(line.minutes), _hours(line.counted_minutes)]
        out.append(cells)
    logged, counted = common.totals(statement)
    out.append([common.total_label(), "", "", "", _hours(logged), _hours(counted)])
    return out


def render(statement: Statement, internal: bool) -> bytes:
    buffer = io.StringIO()
    # \r\n as RFC 4180 and Excel have it; every cell that needs quotes gets them.
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    for row in rows(statement, internal):
        writer.writerow([guarded(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")
