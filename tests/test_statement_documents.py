"""The monthly statement as the client and the desk get it (R41): PDF, XLSX and CSV read back.

No mocks: each test builds a `Statement`, renders it and reads the file the way a person's tools
would: the PDF through `pdftotext` (poppler-utils), the workbook through openpyxl, the CSV
through the csv module.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from helpdesk_tui.documents import FORMATS, common, file_name, render_statement
from helpdesk_tui.domain.statements import DeskDetails, Statement, StatementLine
from helpdesk_tui.i18n import current_language, set_language
from tests.strict_ci import skip_or_fail

DESK = DeskDetails(
    name="ТОВ «Модуль-Софт»",
    lines=("43000, м. Луцьк, вул. Винниченка, 1", "Тел.: (0332) 77-17-06", "ЄДРПОУ 31234567"),
)
KINDS = ("incident", "change_request", "request")
INJECTION = "=cmd|' /C calc'!A0"
HOSTILE_CLIENT = "[bold]ТОВ[/bold] \x1b[31mЧервоний\x1b[0m \u202eтсок\u202c {nb} 中文"


def _lines(count: int) -> tuple[StatementLine, ...]:
    return tuple(
        StatementLine(
            number=f"INC{i:07d}",
            title=f"Не друкується чек на касі {i}",
            kind=KINDS[i % 3],
            completed_on=date(2026, 11, 1 + i % 30),
            minutes=30 + i % 60,
            counted_minutes=0 if KINDS[i % 3] == "change_request" else 30 + i % 60,
        )
        for i in range(count)
    )


def _statement(**changes: object) -> Statement:
    values: dict[str, object] = {
        "client": "ТОВ «Ромашка»",
        "month": date(2026, 11, 1),
        "subscription_minutes": 600,  # 10,00
        "used_minutes": 750,  # 12,50: 2,50 over
        "outside_minutes": 90,
        "tickets": 3,
        "lines": _lines(3),
        "desk": DESK,
        "number": "2026-11/17",
    }
    values.update(changes)
    return Statement(**values)  # type: ignore[arg-type]


@pytest.fixture
def language() -> Iterator[object]:
    before = current_language()
    yield set_language
    set_language(before)


@pytest.fixture
def uk(language) -> None:  # type: ignore[no-untyped-def]
    language("uk")


@pytest.fixture
def en(language) -> None:  # type: ignore[no-untyped-def]
    language("en")


def pdf_pages(data: bytes, tmp_path: Path, *, layout: bool = False) -> list[str]:
    """The text of each page, as pdftotext extracts it (`layout`: a table's row on one line)."""
    if shutil.which("pdftotext") is None:
        skip_or_fail("pdftotext is missing (apt-get install poppler-utils)")
    assert data.startswith(b"%PDF-")
    path = tmp_path / "statement.pdf"
    path.write_bytes(data)
    command = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(path), "-"]
    result = subprocess.run(command, capture_output=True, check=True)
    pages = result.stdout.decode("utf-8").split("\f")
    return [page for page in pages if page.strip()]


A4_WIDTH_PT = 595.28
MARGIN_PT = 15 / 25.4 * 72  # the documents' 15 mm margins


def pdf_words(data: bytes, tmp_path: Path) -> list[tuple[str, float]]:
    """Every word of the PDF with the x of its right edge, in points."""
    if shutil.which("pdftotext") is None:
        skip_or_fail("pdftotext is missing (apt-get install poppler-utils)")
    path = tmp_path / "words.pdf"
    path.write_bytes(data)
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True).stdout.decode()
    return [(word, float(x_max)) for x_max, word in re.findall(r'<word [^>]*xMax="([\d.]+)"[^>]*>([^<]*)</word>', html)]


def pdf_text(data: bytes, tmp_path: Path) -> str:
    # pdftotext breaks lines where the PDF does; the checks look for words, not for line breaks.
    return " ".join("\n".join(pdf_pages(data, tmp_path)).split())


# --- PDF -----------------------------------------------------------------------------------------


def test_the_act_in_ukrainian_names_both_sides_the_month_and_the_hours(uk, tmp_path):
    text = pdf_text(render_statement(_statement(), "pdf"), tmp_path)
    assert "Акт виконаних робіт № 2026-11/17" in text
    assert "за листопад 2026" in text
    assert "ТОВ «Ромашка»" in text
    for detail in (DESK.name, *DESK.lines):
        assert detail in text
    assert "Абонплата, год 10,00" in text
    assert "Використано, год 12,50" in text
    assert "Перевищення, год 2,50" in text
    assert "Залишок, год 0,00" in text
    assert "Виконавець" in text and "Замовник" in text and "(підпис, ПІБ)" in text


def test_the_act_lists_no_tickets_even_when_the_statement_carries_them(uk, tmp_path):
    statement = _statement()
    text = pdf_text(render_statement(statement, "pdf"), tmp_path)
    for line in statement.lines:
        assert line.number not in text
        assert line.title not in text


def test_the_act_in_english(en, tmp_path):
    statement = _statement(subscription_minutes=1200)  # 20.00 included, 7.50 left
    text = pdf_text(render_statement(statement, "pdf"), tmp_path)
    assert "Statement of work performed No. 2026-11/17" in text
    assert "for November 2026" in text
    assert "Subscription, h 20.00" in text
    assert "Used, h 12.50" in text
    assert "Left, h 7.50" in text
    assert "Over the subscription, h 0.00" in text
    assert "Contractor" in text and "Customer" in text
    assert "листопад" not in text and "Абонплата" not in text


def test_the_internal_report_lists_every_ticket_across_pages_with_the_headings_repeated(uk, tmp_path):
    statement = _statement(lines=_lines(300), tickets=300)
    pages = pdf_pages(render_statement(statement, "pdf", internal=True), tmp_path, layout=True)
    assert len(pages) >= 5
    everything = "\n".join(pages)
    for line in statement.lines:
        assert line.number in everything
    for page in pages:
        assert "Витрачено" in page and "Зараховано" in page, "the table's headings on every page"
        assert re.search(r"Сторінка \d+ з " + str(len(pages)), page)
    flat = " ".join(everything.split())
    assert "Внутрішній звіт про виконані звернення" in flat
    assert "Інцидент" in flat and "Запит на зміну" in flat and "обслуговування" in flat
    logged = sum(line.minutes for line in statement.lines) / 60
    counted = sum(line.counted_minutes for line in statement.lines) / 60
    assert f"Разом {logged:.2f} {counted:.2f}".replace(".", ",") in " ".join(pages[-1].split())


def test_a_long_internal_report_has_each_ticket_once_whole_the_headings_on_each_page_and_one_total(uk, tmp_path):
    statement = _statement(lines=_lines(1500), tickets=1500)
    pages = pdf_pages(render_statement(statement, "pdf", internal=True), tmp_path, layout=True)
    assert len(pages) >= 30
    headings = re.compile(r"Номер\s+Назва\s+Тип\s+Завершено\s+Витрачено,\s+Зараховано,")
    rows: dict[str, str] = {}
    for number, page in enumerate(pages, 1):
        assert len(headings.findall(page)) == 1, f"the table's headings once on page {number}"
        first_ticket = page.find("INC")
        assert 0 <= headings.search(page).start() < first_ticket, f"the headings on top of page {number}"
        rows.update((text.split()[0], text) for text in page.splitlines() if text.startswith("INC"))
    everything = "\n".join(pages)
    numbers = re.findall(r"INC\d{7}", everything)
    assert numbers == [line.number for line in statement.lines], "every ticket exactly once, in order"
    for line in statement.lines:
        # A row is never torn across pages: the whole ticket stands on one line of the layout
        # (but the second word of a wrapped type, on the line under it).
        number, title, kind, completed, logged, counted = common.line_cells(line)
        row = " ".join(map(re.escape, (number, title, kind.split()[0]))) + ".*? " + " ".join(
            map(re.escape, (completed, logged, counted))
        )
        assert re.fullmatch(row, " ".join(rows[line.number].split())), rows[line.number]
    assert everything.count("Разом") == 1 and "Разом" in pages[-1]
    assert pages[-1].index("Разом") > pages[-1].index(statement.lines[-1].number), "the total closes the table"
    logged_total, counted_total = common.totals(statement)
    total = f"Разом {common.hours_text(logged_total)} {common.hours_text(counted_total)}"
    assert " ".join(total.split()) in " ".join(pages[-1].split())


def test_a_row_taller_than_a_page_goes_on_over_the_next_pages_losing_nothing(tmp_path):
    # No ticket of the report is this tall (its texts are cut short), but the table must not
    # drop lines, nor loop, if one ever were.
    from helpdesk_tui.documents.pdf import FAMILY, _StatementPDF
    from helpdesk_tui.documents.pdf_table import RuledTable

    pdf = _StatementPDF()
    pdf.add_page()
    table = RuledTable(pdf, (22, 158), ("L", "L"), ["Head", "Text"], family=FAMILY, size=8, line_height=3.6,
                       padding=(0.8, 1.2), heading_fill=(230, 230, 230))
    words = [f"w{i:03d}" for i in range(600)]  # two a line in the narrow column: 300 lines
    table.row(["before", "x"])
    table.row([" ".join(words), "tall"])
    table.row(["after", "y"])
    table.finish()
    pages = pdf_pages(pdf.finish(), tmp_path)
    assert len(pages) >= 3
    assert all("Head" in page for page in pages)
    assert re.findall(r"w\d{3}", "\n".join(pages)) == words
    assert "after" in pages[-1]


def test_the_internal_report_says_so_when_nothing_was_completed(uk, tmp_path):
    text = pdf_text(render_statement(_statement(lines=()), "pdf", internal=True), tmp_path)
    assert "Цього місяця виконаних звернень немає." in text


def test_hostile_names_and_titles_are_shown_literally_and_never_overflow(uk, tmp_path):
    long_title = "Довга назва " * 40 + "x" * 500
    lines = (
        StatementLine("INC0000001", INJECTION, "incident", date(2026, 11, 3), 60, 60),
        StatementLine("INC0000002", long_title, "request", None, 45, 45),
        StatementLine("INC0000003", "\x1b]0;pwned\x07[red]червоний[/red]\u202egnp.exe", "mystery", None, 5, 5),
        StatementLine("INC0000004", "y" * 150, "incident", None, 5, 5),  # one word, wider than its column
    )
    statement = _statement(client=HOSTILE_CLIENT, lines=lines, number="{nb}")
    for internal in (False, True):
        pages = pdf_pages(render_statement(statement, "pdf", internal=internal), tmp_path)
        text = "\n".join(pages)
        assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
        flat = " ".join(text.split())
        assert "[bold]ТОВ[/bold]" in flat and "Червоний" in flat
        assert "{nb}" in flat, "fpdf2's page-count alias must not eat a client's text"
        assert "\ufffd" in flat, "characters the font lacks are shown as a replacement, not dropped"
    assert INJECTION in flat and "[red]червоний[/red]" in flat and "mystery" in flat
    assert "…" in flat and "x" * 500 not in flat.replace(" ", "")
    # Long titles wrap in their column, a long word too: no word crosses the right margin.
    words = pdf_words(render_statement(statement, "pdf", internal=True), tmp_path)
    assert max(x_max for _word, x_max in words) <= A4_WIDTH_PT - MARGIN_PT + 0.5
    wrapped = [word for word, _x in words if set(word) == {"y"}]
    assert len(wrapped) > 1 and sum(map(len, wrapped)) == 150


@pytest.mark.parametrize(
    "client",
    ["../../etc/passwd", "CON", "", "...", "/", "a\x00b\nc", "\u202eexe.txt", "ТОВ «Ромашка» / філія №2",
     "x" * 5000, INJECTION, "C:\\Windows\\system32"],
)
def test_file_names_are_safe_for_any_client(uk, client):
    statement = _statement(client=client)
    for fmt in FORMATS:
        for internal in (False, True):
            name = file_name(statement, fmt, internal)
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*\." + fmt, name), name
            assert len(name) <= 100
            assert name.startswith(("zvit-2026-11-" if internal else "akt-2026-11-"))


def test_file_names_read_the_client_in_latin_letters(uk, language):
    statement = _statement(client="ТОВ «Ромашка» / Філія №2")
    assert file_name(statement, "pdf") == "akt-2026-11-tov-romashka-filiia-no2.pdf"
    assert file_name(statement, "xlsx", internal=True) == "zvit-2026-11-tov-romashka-filiia-no2.xlsx"
    language("en")
    assert file_name(statement, "csv") == "statement-2026-11-tov-romashka-filiia-no2.csv"


def test_an_unknown_format_is_refused(uk):
    with pytest.raises(ValueError, match="docx"):
        render_statement(_statement(), "docx")
    with pytest.raises(ValueError, match="docx"):
        file_name(_statement(), "docx")


# --- XLSX ----------------------------------------------------------------------------------------


def _labelled(sheet) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {row[0].value: row[1] for row in sheet.iter_rows(min_col=1, max_col=2) if row[0].value}


def test_the_workbook_has_the_statements_figures_as_numbers(uk):
    statement = _statement()
    book = openpyxl.load_workbook(io.BytesIO(render_statement(statement, "xlsx")))
    assert book.sheetnames == ["statement"]
    cells = _labelled(book["statement"])
    expected = {"Абонплата, год": 10.0, "Використано, год": 12.5, "Перевищення, год": 2.5, "Залишок, год": 0.0}
    for label, value in expected.items():
        assert cells[label].value == value
        assert cells[label].data_type == "n" and cells[label].number_format == "0.00"
    assert cells["Замовник"].value == "ТОВ «Ромашка»"
    assert cells["Період"].value == "листопад 2026"
    assert cells["Номер"].value == "2026-11/17"


def test_the_internal_workbook_has_a_sheet_of_tickets(en):
    statement = _statement(lines=_lines(40), tickets=27, subscription_minutes=1200)
    book = openpyxl.load_workbook(io.BytesIO(render_statement(statement, "xlsx", internal=True)))
    assert book.sheetnames == ["statement", "tickets"]
    cells = _labelled(book["statement"])
    assert cells["Left, h"].value == 7.5 and cells["Over the subscription, h"].value == 0
    assert cells["Outside the subscription, h"].value == 1.5
    assert cells["Tickets with time counted"].value == 27
    rows = list(book["tickets"].iter_rows(values_only=True))
    assert rows[0] == ("Number", "Title", "Type", "Completed", "Logged, h", "Counted, h")
    assert len(rows) == 1 + 40 + 1
    first = statement.lines[0]
    assert rows[1][:3] == (first.number, first.title, "Incident")
    assert rows[1][3].date() == first.completed_on
    assert rows[1][4] == round(first.minutes / 60, 2)
    assert rows[-1][0] == "Total"
    assert rows[-1][4] == round(sum(line.minutes for line in statement.lines) / 60, 2)
    assert rows[-1][5] == round(sum(line.counted_minutes for line in statement.lines) / 60, 2)


@pytest.mark.parametrize("payload", [INJECTION, "+1+1", "-2+3", "@SUM(A1:A2)", '=HYPERLINK("http://x","y")'])
def test_formulas_in_the_workbook_stay_text(en, payload):
    lines = (StatementLine("INC0000001", payload, "incident", date(2026, 11, 3), 60, 60),)
    statement = _statement(client=payload, lines=lines, number=payload)
    book = openpyxl.load_workbook(io.BytesIO(render_statement(statement, "xlsx", internal=True)))
    customer = _labelled(book["statement"])["Customer"]
    title = book["tickets"]["B2"]
    for cell in (customer, title):
        assert cell.value == payload
        assert cell.data_type == "s", "stored as a string, not as a formula"
        assert cell.quotePrefix, "Excel keeps it text when the cell is edited"


def test_hostile_text_does_not_break_the_workbook(uk):
    lines = (StatementLine("INC0000001", "a\x00b\x1b[2J\ud800" + "я" * 500, "incident", None, 1, 1),)
    statement = _statement(client=HOSTILE_CLIENT, lines=lines)
    book = openpyxl.load_workbook(io.BytesIO(render_statement(statement, "xlsx", internal=True)))
    client = _labelled(book["statement"])["Замовник"].value
    assert client.startswith("[bold]ТОВ[/bold] [31mЧервоний[0m тсок {nb} 中文")
    title = book["tickets"]["B2"].value
    assert "\x00" not in title and "\x1b" not in title and title.endswith("…") and len(title) <= 160


# --- CSV -----------------------------------------------------------------------------------------


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "the BOM tells Excel the file is UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _number(text: str) -> float:
    return float(text.replace("\u202f", "").replace(",", "."))


def test_the_csv_parses_back_to_the_same_figures(uk):
    statement = _statement(subscription_minutes=60_000, used_minutes=61_530)  # thousands of hours
    rows = _csv_rows(render_statement(statement, "csv"))
    cells = {row[0]: row[1] for row in rows if len(row) == 2}
    assert cells["Абонплата, год"] == "1000,00", "no thousands separator a spreadsheet would stumble on"
    assert _number(cells["Використано, год"]) == 1025.5
    assert _number(cells["Перевищення, год"]) == 25.5
    assert _number(cells["Залишок, год"]) == 0
    assert cells["Замовник"] == "ТОВ «Ромашка»" and cells["Період"] == "листопад 2026"
    assert not any(line.number in cell for row in rows for cell in row for line in statement.lines)


def test_the_internal_csv_lists_the_tickets_and_guards_formulas(en):
    lines = (*_lines(5), StatementLine("INC0000099", INJECTION, "request", date(2026, 11, 30), 61, 61))
    statement = _statement(client="@SUM(1+1)", lines=lines)
    rows = _csv_rows(render_statement(statement, "csv", internal=True))
    cells = {row[0]: row[1] for row in rows if len(row) == 2}
    assert cells["Customer"] == "'@SUM(1+1)"
    assert _number(cells["Used, h"]) == 12.5 and _number(cells["Outside the subscription, h"]) == 1.5
    start = rows.index(["Number", "Title", "Type", "Completed", "Logged, h", "Counted, h"])
    table = rows[start + 1:]
    assert [row[0] for row in table[:-1]] == [line.number for line in lines]
    assert table[-2] == ["INC0000099", "'" + INJECTION, "Service request", "2026-11-30", "1.02", "1.02"]
    assert table[-1][0] == "Total"
    assert _number(table[-1][4]) == round(sum(line.minutes for line in lines) / 60, 2)
