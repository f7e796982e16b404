"""What a caller does in the portal (issue 20, R22, R26, R39, R40, R47), always as themselves.

Every read and every change starts from the signed-in caller: a ticket is found only among
their own (`ticket_for`), and anyone else's is NotFound with the same words as a number that
does not exist, so changing a number in an address tells nothing. The changes are the ones
mail intake makes for a caller's message (mail/intake.py), with the channel «portal»:

- a reply is the caller's comment in the thread and makes it the desk's turn (R40); to
  «Потрібна інформація» it is the answer and sets «Інформацію надано» (R22); to «Вирішено» it
  says the problem is not solved and reopens (R26);
- accepting a resolution closes the ticket, rejecting it reopens it with the caller's reason;
- the caller closes a ticket that is solved or no longer relevant (R39, desk/caller_close.py);
- a new incident arrives pre-classified as the self-service channel's do (R19): the service
  the caller chose, its work group (or the portal's), the kind, the criticality (and, when
  urgent, its reason, R35) with the urgency that follows from it.

The desk's own account (desk/system.py) makes the status changes, as for mail; the caller is
the author of their own words in the journal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, tuple_
from sqlmodel import Session

from helpdesk_tui.desk import caller_close, incidents, portal_files, settings
from helpdesk_tui.desk.common import SHORT_DESCRIPTION_MAX, apply_changes, feed, get_for_update, journal, require_active
from helpdesk_tui.desk.notes import mark_unread_for_owner
from helpdesk_tui.desk.portal_auth import count_attempt
from helpdesk_tui.desk.system import SYSTEM_LOGIN, system_person
from helpdesk_tui.domain.errors import NotFound, RuleViolation
from helpdesk_tui.domain.messages import Message, shown
from helpdesk_tui.domain.sla import URGENT_REASONS, check_urgent_reason, urgent_reason_missing
from helpdesk_tui.domain.statuses import Channel, IncidentStatus
from helpdesk_tui.domain.turn import Turn, turn
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import Incident, JournalEntry, Organisation, Person, Service, ServiceRequest, WorkGroup
from helpdesk_tui.store.types import utcnow

ENDED = (IncidentStatus.CLOSED, IncidentStatus.CANCELLED)
PAGE = 25
TEXT_MAX = 20_000
REPLY_LIMIT = 20  # replies per caller in REPLY_WINDOW
REPLY_WINDOW = timedelta(minutes=15)
NEW_LIMIT = 20  # new tickets per caller in an hour, as for mail ([mail] rate_limit_per_hour)
# R19: the urgency a self-service ticket arrives with, from the criticality the caller chose.
URGENCY_OF_CRITICALITY = {"urgent": 1, "high": 1, "medium": 2, "low": 3}


@dataclass(frozen=True)
class PortalPresets:
    """The portal's own presets (R19): the work group its tickets go to when the chosen service
    names none. Set from [portal] group at start-up."""

    group: str | None = None


_presets = PortalPresets()


def configure(presets: PortalPresets) -> None:
    global _presets
    _presets = presets


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TicketRow:
    record: str  # incident | service_request
    number: str
    short_description: str
    status: str
    turn: Turn
    kind: str  # incident | change_request | service_request
    created_at: datetime
    updated_at: datetime
    mine: bool = True  # False: a colleague's, shown because the organisation shares its tickets


def shared_organisation(session: Session, caller: Person) -> int | None:
    """The caller's organisation when it lets its people see one another's tickets (read only)."""
    if caller.organisation_id is None:
        return None
    org = session.get(Organisation, caller.organisation_id)
    return org.id if org is not None and org.active and org.portal_shared else None


def may_read(session: Session, caller: Person, owner_id: int | None, organisation_id: int | None) -> bool:
    """A ticket the caller may read: their own, or their sharing organisation's."""
    if owner_id == caller.id:
        return True
    shared = shared_organisation(session, caller)
    return shared is not None and organisation_id == shared


def my_tickets(session: Session, caller: Person | None, *, after: str | None = None,
               limit: int = PAGE) -> tuple[list[TicketRow], str | None]:
    """A page of the caller's incidents and service requests together, newest first, and the
    number to pass as `after` for the next page (None on the last): a keyset page on
    (created_at, number) over both tables, each read from its requester's rows."""
    from helpdesk_tui.desk.portal_requests import request_turn

    caller = require_active(caller)
    shared = shared_organisation(session, caller)

    def visible(model: Any, owner: Any) -> Any:
        return or_(owner == caller.id, model.organisation_id == shared) if shared is not None else owner == caller.id

    mark = None
    if after:
        mark = (session.execute(select(Incident.created_at, Incident.number)
                                .where(Incident.number == after, visible(Incident, Incident.caller_id))).first()
                or session.execute(select(ServiceRequest.created_at, ServiceRequest.number)
                                   .where(ServiceRequest.number == after,
                                          visible(ServiceRequest, ServiceRequest.requester_id))).first())
    rows: list[TicketRow] = []
    for model, owner in ((Incident, Incident.caller_id), (ServiceRequest, ServiceRequest.requester_id)):
        stmt = select(model).where(visible(model, owner))
        if mark is not None:
            stmt = stmt.where(tuple_(model.created_at, model.number) < tuple_(mark[0], mark[1]))  # type: ignore[attr-defined]
        stmt = stmt.order_by(model.created_at.desc(), model.number.desc()).limit(limit + 1)  # type: ignore[attr-defined]
        for r in session.execute(stmt).scalars():
            if model is Incident:
                rows.append(TicketRow("incident", r.number, r.short_description, r.status, turn(r.status, r.waiting_on),
                                      r.kind, r.created_at, r.updated_at, r.caller_id == caller.id))
            else:
                rows.append(TicketRow("service_request", r.number, r.short_description, r.status,
                                      request_turn(r.status), "service_request", r.created_at, r.updated_at,
                                      r.requester_id == caller.id))
    rows.sort(key=lambda r: (r.created_at, r.number), reverse=True)
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].number if more and rows else None)


def _not_found(number: str) -> NotFound:
    return NotFound(_("No ticket {number} among yours").format(number=number))


def ticket_for(session: Session, caller: Person | None, number: str, *, lock: bool = False) -> Incident:
    """The caller's own ticket by its number; NotFound for a missing one and for anyone else's
    alike. To read (`lock=False`), a colleague's too when their organisation shares tickets;
    to change (`lock=True`), only their own."""
    caller = require_active(caller)
    number = (number or "").strip().upper()[:40]
    found = session.execute(select(Incident.id, Incident.caller_id, Incident.organisation_id)
                            .where(Incident.number == number)).first()
    if found is None or not (found[1] == caller.id if lock else may_read(session, caller, found[1], found[2])):
        raise _not_found(number)
    if lock:
        return get_for_update(session, Incident, found[0], what=number)
    return session.get(Incident, found[0])  # type: ignore[return-value]


@dataclass(frozen=True)
class ThreadEntry:
    at: datetime
    author: str
    mine: bool
    summary: str
    body: str
    files: tuple[portal_files.FileRow, ...] = ()


def _author_name(person: Person | None) -> str:
    if person is None:
        return ""
    if person.login == SYSTEM_LOGIN:
        return settings.current().desk_name
    return person.full_name


def thread(session: Session, caller: Person | None, incident: Incident) -> list[ThreadEntry]:
    """What the caller may read of the ticket: what they wrote it with, then every published entry
    (questions, answers, published notes, solutions, their own messages), oldest first. Internal
    notes, notifications and mail from other people never."""
    caller = require_active(caller)
    if not may_read(session, caller, incident.caller_id, incident.organisation_id):
        raise _not_found(incident.number)
    entries = list(session.execute(
        select(JournalEntry).where(JournalEntry.record_kind == "incident", JournalEntry.record_id == incident.id,
                                   JournalEntry.published.is_(True),  # type: ignore[attr-defined]
                                   or_(JournalEntry.kind != "email", JournalEntry.author_id == incident.caller_id))
        .order_by(JournalEntry.id)).scalars())
    people: dict[int, Person | None] = {}
    files = portal_files.files_by_entry(session, "incident", incident.id)  # type: ignore[arg-type]
    owner = session.get(Person, incident.caller_id) if incident.caller_id else None
    shown_entries = [ThreadEntry(incident.created_at, owner.full_name if owner else "", incident.caller_id == caller.id,
                                 _("Ticket registered"), incident.description)]
    for e in entries:
        if e.author_id is not None and e.author_id not in people:
            people[e.author_id] = session.get(Person, e.author_id)
        author = people.get(e.author_id) if e.author_id is not None else None  # type: ignore[arg-type]
        shown_entries.append(ThreadEntry(e.created_at, _author_name(author), e.author_id == caller.id,
                                         shown(e.summary, e.summary_key, e.summary_args),
                                         shown(e.body, e.body_key, e.body_args), tuple(files.get(e.id, ()))))
    return shown_entries


def services(session: Session) -> list[Service]:
    return list(session.execute(select(Service).where(Service.active.is_(True)).order_by(Service.name)).scalars())  # type: ignore[attr-defined]


# --- changing --------------------------------------------------------------------------------


def _words(text: str, *, required_message: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise RuleViolation(required_message, field="text")
    if len(text) > TEXT_MAX:
        raise RuleViolation(_("The text is longer than {limit} characters ({length})").format(
            limit=TEXT_MAX, length=len(text)), field="text")
    return text


def _caller_says(session: Session, caller: Person, incident: Incident, text: str, summary: Message,
                 files: list[portal_files.Upload] | None = None) -> None:
    """The caller's words in the thread: published, the desk's turn now (R40), unread for the owner;
    the files with them, named in the text."""
    diff = apply_changes(incident, {"waiting_on": "desk"})
    body = "\n\n".join(part for part in (text, portal_files.listing(files or [])) if part)
    entry_id = journal(session, record_kind="incident", record_id=incident.id, kind="note", author=caller,  # type: ignore[arg-type]
                       summary=summary, body=body, published=True, diff=diff)
    if files:
        portal_files.keep(session, caller, "incident", incident.id, entry_id, files)  # type: ignore[arg-type]
    mark_unread_for_owner(session, caller, "incident", incident.id, entry_id)  # type: ignore[arg-type]
    incident.updated_at = utcnow()
    feed(session, "incident", incident.id, "note", caller)  # type: ignore[arg-type]


def reply(session: Session, caller: Person | None, number: str, text: str,
          files: list[portal_files.Upload] | None = None) -> str:
    """The caller's reply, with files or without; what it did: "answered" (R22), "reopened" (R26)
    or "added"."""
    caller = require_active(caller)
    incident = ticket_for(session, caller, number, lock=True)
    kept = portal_files.checked(files or [])
    text = _words(text, required_message=_("Write your reply")) if not kept or (text or "").strip() else ""
    status = IncidentStatus(incident.status)
    if status in ENDED:
        raise RuleViolation(_("{number} is closed; to go on, register a new ticket").format(number=incident.number))
    count_attempt(session, [f"reply:{caller.id}"], limit=REPLY_LIMIT, window=REPLY_WINDOW,
                  message=_("Too many replies in a short time; try again in a few minutes"))
    _caller_says(session, caller, incident, text, Message(N_("Reply from the portal")), kept)
    system = system_person(session)
    said = text or portal_files.listing(kept)
    if status is IncidentStatus.INFO_NEEDED:
        incidents.change_status(session, system, incident, IncidentStatus.INFO_PROVIDED, answer=said)
        return "answered"
    if status is IncidentStatus.RESOLVED:
        incidents.reopen_incident(session, system, incident, reason=said)
        return "reopened"
    return "added"


def _resolved(incident: Incident) -> None:
    if IncidentStatus(incident.status) is not IncidentStatus.RESOLVED:
        raise RuleViolation(_("{number} is not waiting for your confirmation").format(number=incident.number))


def accept_resolution(session: Session, caller: Person | None, number: str) -> bool:
    """«Рішення підходить»: the resolved ticket closes (R26)."""
    caller = require_active(caller)
    incident = ticket_for(session, caller, number, lock=True)
    _resolved(incident)
    return caller_close.close_by_caller(session, caller, incident, Channel.PORTAL,
                                        _("The solution is accepted"))


def reject_resolution(session: Session, caller: Person | None, number: str, reason: str) -> None:
    """«Не вирішено»: the resolved ticket reopens with the caller's reason (R26)."""
    caller = require_active(caller)
    incident = ticket_for(session, caller, number, lock=True)
    _resolved(incident)
    text = _words(reason, required_message=_("Say what is still wrong"))
    _caller_says(session, caller, incident, text, Message(N_("The solution is rejected")))
    incidents.reopen_incident(session, system_person(session), incident, reason=text)


def close_ticket(session: Session, caller: Person | None, number: str, words: str = "") -> bool:
    """R39: solved or no longer relevant, from any open status; False when it was closed already."""
    caller = require_active(caller)
    incident = ticket_for(session, caller, number, lock=True)
    return caller_close.close_by_caller(session, caller, incident, Channel.PORTAL, (words or "")[:TEXT_MAX])


def new_incident(session: Session, caller: Person | None, *, short_description: str, description: str,
                 service_id: int | None, kind: str, criticality: str | None, urgent_reason: str | None,
                 files: list[portal_files.Upload] | None = None) -> Incident:
    """A ticket the caller registers (R19, R34–R37): channel «portal», pre-classified; files sent
    with it are kept in its thread."""
    caller = require_active(caller)
    kept = portal_files.checked(files or [])
    if criticality == "urgent" and urgent_reason not in URGENT_REASONS:
        raise RuleViolation(urgent_reason_missing(), field="urgent_reason")  # the TUI's words (R35)
    check_urgent_reason(criticality or None, urgent_reason if criticality == "urgent" else None)
    short = (short_description or "").strip()
    if not short:
        raise RuleViolation(_("Write a short description"), field="short_description")
    if len(short) > SHORT_DESCRIPTION_MAX:
        raise RuleViolation(_("The short description is longer than {limit} characters ({length})").format(
            limit=SHORT_DESCRIPTION_MAX, length=len(short)), field="short_description")
    if kind not in ("incident", "change_request"):
        raise RuleViolation(_("Choose an incident or a change request"), field="kind")
    service = session.get(Service, service_id) if service_id else None
    if service is None or not service.active:
        raise RuleViolation(_("Choose the service it is about"), field="service")
    group = session.get(WorkGroup, service.default_group_id) if service.default_group_id else None
    if group is None and _presets.group:
        group = session.execute(select(WorkGroup).where(WorkGroup.name == _presets.group)).scalar_one_or_none()
    if group is None:
        raise RuleViolation(_("Nobody takes tickets for «{service}» through the portal yet; please call or write "
                              "to the service desk").format(service=service.name), field="service")
    count_attempt(session, [f"new:{caller.id}"], limit=NEW_LIMIT, window=timedelta(hours=1),
                  message=_("Too many new tickets in an hour; please call or write to the service desk"))
    incident = incidents.register_incident(
        session, system_person(session), caller=caller, short_description=short,
        description=(description or "")[:TEXT_MAX], channel=Channel.PORTAL, service=service, group=group,
        criticality=criticality or None, urgent_reason=urgent_reason if criticality == "urgent" else None,
        urgency=URGENCY_OF_CRITICALITY.get(criticality or ""), kind=kind)
    if kept:
        _caller_says(session, caller, incident, "", Message(N_("Files sent with the ticket")), kept)
    return incident
