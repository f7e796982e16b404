"""`helpdesk incident split INC… --entry ID`: one question per ticket (R38). The e-mail or note
with a new question becomes an incident of its own, linked both ways; the caller is told its
number."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from helpdesk_tui.cli.incidents import JsonOpt, Number, incident_app
from helpdesk_tui.cli.output import emit_json, say
from helpdesk_tui.cli.state import state
from helpdesk_tui.desk import lookup, split
from helpdesk_tui.i18n import _

EntryOpt = Annotated[int, typer.Option("--entry", "-e", min=1, max=2**31 - 1,
                                       help="The journal entry (an e-mail or a note) with the new question; "
                                            "`incident show` numbers them.")]
ShortOpt = Annotated[Optional[str], typer.Option("--short", "-s", help="Short description of the new incident; "
                                                 "by default the entry's subject or first line.")]


@incident_app.command("split")
def incident_split(number: Number, entry: EntryOpt, short: ShortOpt = None, as_json: JsonOpt = False) -> None:
    """Make the question in a journal entry an incident of its own (R38)."""
    with state.write() as s:
        source = lookup.find_incident(s, number)
        new = split.split_incident(s, state.actor(s), source, entry, short_description=short)
        made, parent = new.number, source.number
    if as_json:
        emit_json({"incident": made, "split_from": parent, "entry": entry})
    else:
        say(_("{new} registered from entry {entry} of {number}; the caller is told its number").format(
            new=made, entry=entry, number=parent))


def register(app: typer.Typer) -> None:
    """The command joins `incident` (cli/incidents.py) when this module is imported."""
