"""R39: the client closes their own ticket, solved or no longer relevant, from whatever status it
is in: the tick «Закрити звернення» at the end of their form. By mail now (mail/intake.py), from
the portal later; both call close_by_caller.

It is the closing an analyst does (R26): open tasks are cancelled, the SLA clocks stop at
«Закрито», the ticket is read-only afterwards. Unlike an analyst, the client may close from any
open status, and only their own ticket."""

from __future__ import annotations

from sqlmodel import Session

from helpdesk_tui.desk import notify, tasks
from helpdesk_tui.desk.common import apply_changes, bump, feed, get_for_update, journal, require_active
from helpdesk_tui.desk.incident_rules import KIND, named_diff
from helpdesk_tui.desk.sla import refresh_due
from helpdesk_tui.desk.system import system_person
from helpdesk_tui.domain.errors import PermissionDenied, RuleViolation
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.domain.statuses import CHANNEL_LABELS, Channel, IncidentStatus
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import Incident, Person
from helpdesk_tui.store.types import utcnow

ENDED = (IncidentStatus.CLOSED, IncidentStatus.CANCELLED)


def close_by_caller(session: Session, caller: Person | None, incident: Incident, how: Channel | str,
                    words: str = "", *, cancelled_tasks: list[str] | None = None) -> bool:
    """Close `incident` because its caller says it is solved or no longer relevant; `how` is the
    channel they said it by, `words` what they wrote. True when it closed; False when it was
    closed or cancelled already (nothing changes then: the caller's message is recorded by
    whoever received it). The numbers of the tasks cancelled with it go into `cancelled_tasks`."""
    caller = require_active(caller)
    try:
        channel = Channel(how)
    except ValueError:
        raise RuleViolation(_("Unknown channel «{how}»").format(how=how), field="channel") from None
    incident = get_for_update(session, Incident, incident.id, what=incident.number)  # type: ignore[arg-type]
    if incident.caller_id != caller.id:
        # Only the person the ticket is for decides that it is over: not a colleague in copy,
        # not a forged sender, not an analyst (who closes through the status change).
        raise PermissionDenied(_("Only the caller of {number} can close it as solved or no longer relevant")
                               .format(number=incident.number))
    current = IncidentStatus(incident.status)
    if current in ENDED:
        return False
    cancelled = tasks.cancel_open_tasks(session, caller, incident,
                                        reason=Message(N_("Cancelled: the client closed {number}"),
                                                       number=incident.number))
    if cancelled_tasks is not None:
        cancelled_tasks.extend(cancelled)
    diff = apply_changes(incident, {"status": IncidentStatus.CLOSED.value, "closed_at": utcnow(),
                                    "waiting_on": "nobody"})
    bump(incident)
    words = (words or "").strip()
    journal(session, record_kind=KIND, record_id=incident.id, kind="status", author=caller,  # type: ignore[arg-type]
            summary=Message(N_("The client closed the ticket: solved or no longer relevant ({how})"),
                            how=Message(CHANNEL_LABELS[channel])),
            body=words, published=True, diff=named_diff(session, diff), status_from=current.value,
            status_to=IncidentStatus.CLOSED.value, record_version=incident.version)
    refresh_due(session, incident)  # the clocks stop at «Закрито» (R26): their due times go
    notify.queue(session, template="closed_by_caller", record_kind=KIND, record_id=incident.id,  # type: ignore[arg-type]
                 number=incident.number, recipients=[caller], author=system_person(session),
                 values=notify.incident_values(session, incident))
    feed(session, KIND, incident.id, "status", caller)  # type: ignore[arg-type]
    return True
