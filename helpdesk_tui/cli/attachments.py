"""`helpdesk incident files INC…` / `incident file INC… ID -o PATH` (and the same for `request`):
the files callers attached in the portal, listed and saved for the analyst working the ticket —
over SSH, `-o -` writes the bytes to standard output for `scp`-less piping."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from helpdesk_tui.cli.incidents import JsonOpt, Number, incident_app
from helpdesk_tui.cli.output import emit_json, say, table
from helpdesk_tui.cli.requests import request_app
from helpdesk_tui.cli.state import state
from helpdesk_tui.desk import lookup, portal_files
from helpdesk_tui.domain.display import when
from helpdesk_tui.i18n import _

FileId = Annotated[int, typer.Argument(min=1, max=2**31 - 1, help="The file's number, as `files` lists it.")]
OutOpt = Annotated[str, typer.Option("--output", "-o", help="Where to save it; «-» writes it to standard output. "
                                                           "By default its own name in the current folder.")]


def _record(s, kind: str, number: str):  # type: ignore[no-untyped-def]
    return lookup.find_incident(s, number) if kind == "incident" else lookup.find_request(s, number)


def _list(kind: str, number: str, as_json: bool) -> None:
    with state.read() as s:
        record = _record(s, kind, number)
        files = portal_files.files_for_staff(s, state.actor(s), kind, record.id)
        shown = record.number
    if as_json:
        emit_json([{"id": f.id, "name": f.filename, "size": f.size, "type": f.content_type, "sent_by": f.sent_by,
                    "sent_at": f.sent_at} for f in files])
    elif not files:
        say(_("{number} has no files from the portal").format(number=shown))
    else:
        table([_("No."), _("File"), _("Size"), _("Sent by"), _("When")],
              [(f.id, f.filename, f.size, f.sent_by, when(f.sent_at)) for f in files])  # type: ignore[arg-type]


def _save(kind: str, number: str, file_id: int, output: str) -> None:
    with state.read() as s:
        record = _record(s, kind, number)
        row = portal_files.file_for_staff(s, state.actor(s), kind, record.id, file_id)
        name, data = row.filename, bytes(row.data)
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    # The caller named the file: only its last part, never a path of theirs, is used as a name here.
    target = Path(output) if output else Path(portal_files.safe_name(name) or f"file-{file_id}")
    if target.is_dir():
        target = target / (portal_files.safe_name(name) or f"file-{file_id}")
    target.write_bytes(data)
    say(_("Saved {path} ({size})").format(path=target, size=portal_files.size_text(len(data))))


@incident_app.command("files")
def incident_files(number: Number, as_json: JsonOpt = False) -> None:
    """The files the caller attached in the portal."""
    _list("incident", number, as_json)


@incident_app.command("file")
def incident_file(number: Number, file_id: FileId, output: OutOpt = "") -> None:
    """Save one file the caller attached in the portal."""
    _save("incident", number, file_id, output)


@request_app.command("files")
def request_files(number: Number, as_json: JsonOpt = False) -> None:
    """The files the requester attached in the portal."""
    _list("service_request", number, as_json)


@request_app.command("file")
def request_file(number: Number, file_id: FileId, output: OutOpt = "") -> None:
    """Save one file the requester attached in the portal."""
    _save("service_request", number, file_id, output)


def register(app: typer.Typer) -> None:
    """The commands join `incident` and `request` when this module is imported."""
