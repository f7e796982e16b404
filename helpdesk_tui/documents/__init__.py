"""The monthly statement as documents (R41): the act the client signs, or the internal report.

Pure rendering: a `domain.statements.Statement` in, the file's bytes out, in the interface's
language. No database, no desk operations, no Textual: the CLI and the screens fetch the
statement through `desk` and hand it here.

    render_statement(statement, "pdf")                  # «Акт виконаних робіт», no tickets
    render_statement(statement, "xlsx", internal=True)  # the report with the completed tickets
    file_name(statement, "pdf")                         # «akt-2026-11-tov-romashka.pdf»
"""

from __future__ import annotations

from helpdesk_tui.documents.common import FORMATS, file_name
from helpdesk_tui.domain.statements import Statement

__all__ = ["FORMATS", "file_name", "render_statement"]


def render_statement(statement: Statement, fmt: str, *, internal: bool = False) -> bytes:
    """The statement (or with `internal`, the internal report) as a pdf, xlsx or csv file."""
    # Each renderer is imported when asked for: writing a CSV need not load fpdf2 and its fonts.
    if fmt == "pdf":
        from helpdesk_tui.documents import pdf

        return pdf.render(statement, internal)
    if fmt == "xlsx":
        from helpdesk_tui.documents import xlsx

        return xlsx.render(statement, internal)
    if fmt == "csv":
        from helpdesk_tui.documents import csv

        return csv.render(statement, internal)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
