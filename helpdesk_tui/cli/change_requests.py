"""`helpdesk incident kind|agree`: change requests (R36): reclassify, record the client's agreement."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from helpdesk_tui.cli.incidents import incident_app
from helpdesk_tui.cli.output import say
from helpdesk_tui.cli.state import state
from helpdesk_tui.desk import change_requests, lookup
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.i18n import _

Number = Annotated[str, typer.Argument(help="Incident number, e.g. INC0000123.")]
VersionOpt = Annotated[Optional[int], typer.Option("--version", help="The version you saw; refused if it changed since.")]
KINDS = {"incident": "incident", "change-request": "change_request", "change_request": "change_request"}


@incident_app.command("kind")
def incident_kind(number: Number,
                  kind: Annotated[str, typer.Argument(help="incident or change-request")],
                  version: VersionOpt = None) -> None:
    """Make an incident a change request (development's work, outside the subscription) or back."""
    if kind not in KINDS:
        raise RuleViolation(_("A ticket is an incident or a change request"), field="kind")
    with state.write() as s:
        change = change_requests.set_kind(s, state.actor(s), lookup.find_incident(s, number), KINDS[kind],
                                          expected_version=version)
        number = change.incident.number
    say(_("{number} is now a change request").format(number=number) if KINDS[kind] == "change_request"
        else _("{number} is now an incident").format(number=number))
    if change.group:
        say(_("Passed to {group}").format(group=change.group))
    if change.missing_group:
        say(_("No active work group is called «{group}» (desk.development_group): the ticket stays in its group")
            .format(group=change.missing_group))


@incident_app.command("agree")
def incident_agree(number: Number,
                   how: Annotated[str, typer.Argument(help="Who agreed and how, e.g. «по телефону, директор Іваненко».")],
                   version: VersionOpt = None) -> None:
    """Record the client's agreement to a change request: work on it may start."""
    with state.write() as s:
        incident = change_requests.record_agreement(s, state.actor(s), lookup.find_incident(s, number), how,
                                                    expected_version=version)
        number = incident.number
    say(_("The client's agreement to {number} is recorded").format(number=number))


def register(app: typer.Typer) -> None:
    """The commands join `incident` (cli/incidents.py) when this module is imported."""
