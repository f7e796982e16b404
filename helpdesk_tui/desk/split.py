"""R38: one question per ticket. A new question asked inside a thread (the caller's e-mail, or a
note an analyst wrote down during a call) becomes an incident of its own: for the same caller
and organisation, in the same work group, with the message's text as its description. The two
are linked both ways («split_into» / «split_from»), each journal says so, and the caller is told
the new number, so that each question is answered, and closed, on its own (the seed asks
clients for exactly that)."""

from __future__ import annotations

from sqlmodel import Session

from helpdesk_tui.desk import notify
from helpdesk_tui.desk.common import SHORT_DESCRIPTION_MAX, desk_staff, feed, get_for_update, journal
from helpdesk_tui.desk.incident_rules import KIND
from helpdesk_tui.desk.incidents import register_incident
from helpdesk_tui.domain.errors import ClosedRecord, NotFound, RuleViolation
from helpdesk_tui.domain.messages import Message, shown
from helpdesk_tui.domain.statuses import SPLITTABLE_KINDS, Channel, IncidentStatus
from helpdesk_tui.domain.text import entry_title
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import Incident, JournalEntry, Person, RecordLink, WorkGroup

SPLIT_INTO, SPLIT_FROM = "split_into", "split_from"


def split_incident(session: Session, actor: Person | None, incident: Incident, entry_id: int, *,
                   short_description: str | None = None) -> Incident:
    """Make the question in journal entry `entry_id` of `incident` an incident of its own; the
    new incident. `short_description`: the analyst's; left out or blank, the entry's subject or
    first line."""
    actor = desk_staff(session, actor)
    source = get_for_update(session, Incident, incident.id, what=incident.number)  # type: ignore[arg-type]
    status = IncidentStatus(source.status)
    if status in (IncidentStatus.CLOSED, IncidentStatus.CANCELLED):
        raise ClosedRecord(_("{number} is «{status}»: nothing in it can be split off any more").format(
            number=source.number, status=status.label))
    entry = session.get(JournalEntry, entry_id)
    if entry is None or entry.record_kind != KIND or entry.record_id != source.id:
        raise NotFound(_("{number} has no journal entry {id}").format(number=source.number, id=entry_id))
    if entry.kind not in SPLITTABLE_KINDS:
        raise RuleViolation(_("Only an e-mail or a note can become an incident of its own; entry {id} is neither")
                            .format(id=entry_id), field="entry")
    text = shown(entry.body, entry.body_key, entry.body_args).strip()
    summary = shown(entry.summary, entry.summary_key, entry.summary_args)
    title = (short_description or "").strip() or entry_title(
        entry.kind, summary, entry.summary_args, text, thread_title=source.short_description, limit=SHORT_DESCRIPTION_MAX)
    caller = session.get(Person, source.caller_id) if source.caller_id else None
    group = session.get(WorkGroup, source.group_id) if source.group_id else None
    new = register_incident(
        session, actor, short_description=title, caller=caller, description=text,
        # The channel the question came by: an e-mail's is e-mail; a note was written down from
        # whatever the thread came by.
        channel=Channel.EMAIL if entry.kind == "email" else Channel(source.channel),
        group=group, owner=None if group is not None else actor, notify_caller=False,
    )
    if new.organisation_id != source.organisation_id:  # the caller moved since: the thread's client pays
        new.organisation_id = source.organisation_id
    session.add_all([
        RecordLink(from_kind=KIND, from_id=source.id, to_kind=KIND, to_id=new.id, relation=SPLIT_INTO,  # type: ignore[arg-type]
                   created_by_id=actor.id),
        RecordLink(from_kind=KIND, from_id=new.id, to_kind=KIND, to_id=source.id, relation=SPLIT_FROM,  # type: ignore[arg-type]
                   created_by_id=actor.id),
    ])
    journal(session, record_kind=KIND, record_id=source.id, kind="change", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Split into {number}: {title}"), number=new.number, title=title),
            diff=[("related", None, f"{KIND}:{new.id}")])
    journal(session, record_kind=KIND, record_id=new.id, kind="change", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Split from {number}: {title}"), number=source.number, title=source.short_description),
            diff=[("related", None, f"{KIND}:{source.id}")])
    if caller is not None:
        notify.queue(session, template="split", record_kind=KIND, record_id=new.id,  # type: ignore[arg-type]
                     number=new.number, recipients=[caller], author=actor,
                     values=notify.incident_values(session, new, parent=source.number,
                                                   parent_title=source.short_description))
    feed(session, KIND, source.id, "updated", actor)  # type: ignore[arg-type]
    return new
