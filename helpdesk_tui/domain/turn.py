"""R40: whose turn it is, as the coloured dot of a ticket says it (the seed's indicators).

- green, «client_wrote»: not solved yet, and the last message is the client's: the desk owes one;
- yellow, «details»: the desk has answered and waits for the client's details;
- red, «confirm»: resolved, waiting for the client to confirm (or to say it is not solved);
- grey, «closed»: closed or cancelled, solved or no longer relevant.

`waiting_on` follows the messages (desk/incident_status.py, desk/notes.py, mail intake): "desk"
after the client wrote, "caller" after the desk did. The status alone decides the red and the
grey, so a resolved ticket waits for confirmation whoever wrote last.
"""

from __future__ import annotations

from typing import Literal

from helpdesk_tui.domain.statuses import IncidentStatus
from helpdesk_tui.i18n import N_

Turn = Literal["client_wrote", "details", "confirm", "closed"]

TURNS: tuple[Turn, ...] = ("client_wrote", "details", "confirm", "closed")
_ENDED = frozenset({IncidentStatus.CLOSED.value, IncidentStatus.CANCELLED.value})

TURN_WORDS: dict[Turn, str] = {
    "client_wrote": N_("the client wrote last: our turn"),
    "details": N_("answered: waiting for the client's details"),
    "confirm": N_("resolved: waiting for the client's confirmation"),
    "closed": N_("closed: solved or no longer relevant"),
}
# Rich colour names for text drawn outside a stylesheet (the record's header line).
TURN_COLOURS: dict[Turn, str] = {"client_wrote": "green", "details": "yellow", "confirm": "red", "closed": "grey50"}


def turn(status: str | None, waiting_on: str | None) -> Turn:
    """The dot of a ticket in `status` whose turn `waiting_on` is. Any value is answered: rows
    imported from elsewhere may carry a turn this desk never writes ("vendor")."""
    status = str(status or "")
    if status in _ENDED:
        return "closed"
    if status == IncidentStatus.RESOLVED.value:
        return "confirm"
    # Only a message of ours makes it the client's turn; anything else (the desk, a vendor,
    # nothing recorded) leaves an open ticket to the desk.
    return "details" if waiting_on == "caller" else "client_wrote"
