"""Notes (R23), read markers (R16) and links to related records (R4)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlmodel import Session

from helpdesk_tui.desk import lookup, notify
from helpdesk_tui.desk.common import apply_changes, desk_staff, feed, get_for_update, insert_ignore, journal, require_active
from helpdesk_tui.domain import lifecycle
from helpdesk_tui.domain.errors import DeskError, NotFound, RuleViolation
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.domain.problem_status import ProblemStatus
from helpdesk_tui.domain.problem_status import ensure_changeable as ensure_problem_changeable
from helpdesk_tui.domain.statuses import COMMENT_KINDS, IncidentStatus
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import (
    Incident,
    JournalEntry,
    Person,
    Problem,
    RecordLink,
    ServiceRequest,
    Task,
    UnreadMarker,
)
from helpdesk_tui.store.types import utcnow

NOTE_KINDS = COMMENT_KINDS


def owner_of(session: Session, record_kind: str, record_id: int) -> int | None:
    model = {"incident": Incident, "task": Task, "service_request": ServiceRequest}.get(record_kind)
    if model is None:
        return None
    record = session.get(model, record_id)
    return record.owner_id if record is not None else None


def mark_unread_for_owner(session: Session, author: Person | None, record_kind: str, record_id: int,
                          entry_id: int) -> None:
    """R16: a comment by anyone but the owner shows the owner a blue bar until read."""
    owner_id = owner_of(session, record_kind, record_id)
    if owner_id is None or (author is not None and author.id == owner_id):
        return
    session.add(UnreadMarker(person_id=owner_id, entry_id=entry_id, record_kind=record_kind, record_id=record_id))


def add_note(
    session: Session,
    actor: Person | None,
    incident: Incident,
    *,
    summary: str,
    text: str,
    published: bool = False,
) -> JournalEntry:
    """R23 «ADD » Примітки»: internal, or published to the caller and e-mailed."""
    actor = desk_staff(session, actor)
    incident = get_for_update(session, Incident, incident.id, what=incident.number)  # type: ignore[arg-type]
    lifecycle.ensure_changeable(IncidentStatus(incident.status), incident.number)
    summary, text = (summary or "").strip(), (text or "").strip()
    if not text and not summary:
        raise RuleViolation(_("A note needs a summary or a text"), field="text")
    # R40: a note the caller reads is the desk's answer: their turn now (an internal one is not).
    diff = apply_changes(incident, {"waiting_on": "caller"}) if published else []
    entry_id = journal(session, record_kind="incident", record_id=incident.id, kind="note", author=actor,  # type: ignore[arg-type]
                       summary=summary, body=text, published=published, diff=diff)
    now = utcnow()
    incident.updated_at = now
    if published:
        if incident.responded_at is None:
            incident.responded_at = now
            from helpdesk_tui.desk.sla import refresh_due

            refresh_due(session, incident)
        caller = session.get(Person, incident.caller_id) if incident.caller_id else None
        if caller is not None:
            notify.queue(session, template="published_note", record_kind="incident", record_id=incident.id,  # type: ignore[arg-type]
                         number=incident.number, recipients=[caller], author=actor,
                         values=notify.incident_values(session, incident, text=text or summary))
    mark_unread_for_owner(session, actor, "incident", incident.id, entry_id)  # type: ignore[arg-type]
    feed(session, "incident", incident.id, "note", actor)  # type: ignore[arg-type]
    return session.get(JournalEntry, entry_id)  # type: ignore[return-value]


def mark_read(session: Session, person: Person | None, entry_id: int, *, read: bool = True) -> bool:
    """«Позначити як прочитаний» / «Позначити як непрочитане»; True when something changed."""
    person = require_active(person)
    entry = session.get(JournalEntry, entry_id)
    if entry is None:
        raise NotFound(_("Journal entry {id} not found").format(id=entry_id))
    # What changed is what the statement did, not what was read a moment before it: two
    # sessions marking the same entry change it once.
    marker = (UnreadMarker.person_id == person.id) & (UnreadMarker.entry_id == entry_id)
    if read:
        changed = bool(session.execute(delete(UnreadMarker).where(marker)).rowcount)  # type: ignore[attr-defined]
    else:
        if entry.kind not in NOTE_KINDS:
            raise DeskError(_("Only comments can be marked unread"))
        changed = insert_ignore(session, UnreadMarker, person_id=person.id, entry_id=entry_id,
                                record_kind=entry.record_kind, record_id=entry.record_id)
    if changed:
        feed(session, entry.record_kind, entry.record_id, "read", person)
    return changed


def mark_all_read(session: Session, person: Person | None, record_kind: str, record_id: int) -> int:
    person = require_active(person)
    result = session.execute(
        delete(UnreadMarker).where(
            UnreadMarker.person_id == person.id,
            UnreadMarker.record_kind == record_kind,
            UnreadMarker.record_id == record_id,
        )
    )
    if result.rowcount:  # type: ignore[attr-defined]
        feed(session, record_kind, record_id, "read", person)
    return result.rowcount or 0  # type: ignore[attr-defined]


LINKABLE = ("incident", "knowledge_article", "problem")


def link_by_number(session: Session, actor: Person | None, incident: Incident, number: str) -> RecordLink:
    """R4 from a typed number: what kind it names is checked before the record is looked up."""
    if lookup.kind_of_number(number)[0] not in LINKABLE:
        raise RuleViolation(_("An incident is related to knowledge articles, problems and other incidents; "
                              "a task belongs to its incident already"), field="related")
    kind, record = lookup.find_record(session, number)
    return link_records(session, actor, incident, to_kind=kind, to_id=record.id)  # type: ignore[attr-defined]


def link_records(session: Session, actor: Person | None, incident: Incident, *, to_kind: str, to_id: int) -> RecordLink:
    """R4: relate a knowledge article, problem or incident to this incident."""
    actor = desk_staff(session, actor)
    if to_kind not in LINKABLE:
        raise RuleViolation(_("An incident is related to knowledge articles, problems and other incidents; "
                              "a task belongs to its incident already"), field="related")
    incident = get_for_update(session, Incident, incident.id, what=incident.number)  # type: ignore[arg-type]
    lifecycle.ensure_changeable(IncidentStatus(incident.status), incident.number)
    if to_kind == "incident" and to_id == incident.id:
        raise RuleViolation(_("An incident cannot be related to itself"))
    existing = session.execute(
        select(RecordLink).where(RecordLink.from_kind == "incident", RecordLink.from_id == incident.id,
                                 RecordLink.to_kind == to_kind, RecordLink.to_id == to_id)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    problem = None
    if to_kind == "problem":  # from the panel, the form or the problem: a closed problem refuses
        problem = get_for_update(session, Problem, to_id, what=_("problem"))
        ensure_problem_changeable(ProblemStatus(problem.status), problem.number)
    link = RecordLink(from_kind="incident", from_id=incident.id, to_kind=to_kind, to_id=to_id, created_by_id=actor.id)  # type: ignore[arg-type]
    session.add(link)
    journal(session, record_kind="incident", record_id=incident.id, kind="change", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Related record linked")), diff=[("related", None, f"{to_kind}:{to_id}")])
    feed(session, "incident", incident.id, "updated", actor)  # type: ignore[arg-type]
    if problem is not None:  # the problem's own journal says so too, whichever side linked
        journal(session, record_kind="problem", record_id=problem.id, kind="change", author=actor,  # type: ignore[arg-type]
                summary=Message(N_("Incident linked")), diff=[("incidents", None, incident.number)])
        feed(session, "problem", problem.id, "updated", actor)  # type: ignore[arg-type]
    return link


def desk_note(session: Session, actor: Person | None, incident: Incident, summary: Message, text: Message) -> None:
    """An internal note in the desk's own words (a Message, shown in each reader's language):
    what intake noticed and an analyst should know, such as an urgent ticket without a reason."""
    actor = desk_staff(session, actor)
    journal(session, record_kind="incident", record_id=incident.id, kind="note", author=actor,  # type: ignore[arg-type]
            summary=summary, body=text)
    feed(session, "incident", incident.id, "note", actor)  # type: ignore[arg-type]
