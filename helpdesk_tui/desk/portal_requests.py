"""A caller's service requests in the portal (issue 20, R27, R28): their own, and the approvals
that wait for their decision. As in desk/portal_tickets.py, a request is found only among the
caller's own (or, for deciding, among those waiting for them), and anything else is NotFound
with the words of a number that does not exist.

A reply is the requester's comment; to «Реалізовано» it says the request is not done after all
and it goes back to work, as the requester's mail does (mail/request_intake.py); accepting it
closes it. An approver decides with the desk's own operation (desk/approvals.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlmodel import Session

from helpdesk_tui.desk import approvals, catalog, portal_files, requests, settings
from helpdesk_tui.desk.catalog import ItemInfo
from helpdesk_tui.desk.common import feed, get_for_update, journal, require_active
from helpdesk_tui.desk.notes import mark_unread_for_owner
from helpdesk_tui.desk.portal_auth import count_attempt
from helpdesk_tui.desk.request_records import parameter_lines
from helpdesk_tui.desk.system import SYSTEM_LOGIN, system_person
from helpdesk_tui.domain.errors import NotFound, RuleViolation
from helpdesk_tui.domain.messages import Message, shown
from helpdesk_tui.domain.requests import FINAL, ApprovalState
from helpdesk_tui.domain.requests import RequestStatus as S
from helpdesk_tui.domain.statuses import Channel
from helpdesk_tui.domain.turn import Turn
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import Approval, CatalogItem, JournalEntry, Person, ServiceRequest
from helpdesk_tui.store.types import utcnow

TEXT_MAX = 20_000
REPLY_LIMIT = 20
REPLY_WINDOW = timedelta(minutes=15)


def request_turn(status: str) -> Turn:
    """R40's dot for a request: grey when it is over, red when carried out and waiting for the
    requester's word, the desk's turn otherwise."""
    try:
        state = S(status)
    except ValueError:
        return "client_wrote"
    if state in FINAL:
        return "closed"
    if state is S.IMPLEMENTED:
        return "confirm"
    return "client_wrote"


def _not_found(number: str) -> NotFound:
    # The same words as for a ticket (desk/portal_tickets.py): the caller cannot tell them apart.
    return NotFound(_("No ticket {number} among yours").format(number=number))


def request_for(session: Session, caller: Person | None, number: str, *, lock: bool = False) -> ServiceRequest:
    """The requester's own request; to read, a colleague's too where the organisation shares
    (desk/portal_tickets.py may_read); NotFound for anything else, as for a missing number."""
    from helpdesk_tui.desk.portal_tickets import may_read

    caller = require_active(caller)
    number = (number or "").strip().upper()[:40]
    found = session.execute(select(ServiceRequest.id, ServiceRequest.requester_id, ServiceRequest.organisation_id)
                            .where(ServiceRequest.number == number)).first()
    if found is None or not (found[1] == caller.id if lock else may_read(session, caller, found[1], found[2])):
        raise _not_found(number)
    if lock:
        return get_for_update(session, ServiceRequest, found[0], what=number)
    return session.get(ServiceRequest, found[0])  # type: ignore[return-value]


def fields_of(session: Session, request: ServiceRequest) -> list[tuple[str, str]]:
    """The request's fields as (label, value) in the reader's language."""
    row = session.get(CatalogItem, request.catalog_item_id) if request.catalog_item_id else None
    if row is None:
        return []
    from helpdesk_tui.i18n import current_language

    return parameter_lines(session, ItemInfo.of(row), request.parameters or {}, current_language())


@dataclass(frozen=True)
class RequestEntry:
    at: datetime
    author: str
    mine: bool
    summary: str
    body: str
    files: tuple[portal_files.FileRow, ...] = ()


def request_thread(session: Session, caller: Person | None, request: ServiceRequest) -> list[RequestEntry]:
    """What the requester may read: what they asked, then the published entries, oldest first."""
    from helpdesk_tui.desk.portal_tickets import may_read

    caller = require_active(caller)
    if not may_read(session, caller, request.requester_id, request.organisation_id):
        raise _not_found(request.number)
    rows = session.execute(
        select(JournalEntry, Person).outerjoin(Person, Person.id == JournalEntry.author_id)
        .where(JournalEntry.record_kind == "service_request", JournalEntry.record_id == request.id,
               JournalEntry.published.is_(True),  # type: ignore[attr-defined]
               or_(JournalEntry.kind != "email", JournalEntry.author_id == request.requester_id))
        .order_by(JournalEntry.id)).all()
    requester = session.get(Person, request.requester_id) if request.requester_id else None
    files = portal_files.files_by_entry(session, "service_request", request.id)  # type: ignore[arg-type]
    entries = [RequestEntry(request.created_at, requester.full_name if requester else "",
                            request.requester_id == caller.id, _("Service request registered"), request.description)]
    for e, author in rows:
        name = settings.current().desk_name if author is not None and author.login == SYSTEM_LOGIN else (
            author.full_name if author is not None else "")
        entries.append(RequestEntry(e.created_at, name, e.author_id == caller.id,
                                    shown(e.summary, e.summary_key, e.summary_args), shown(e.body, e.body_key, e.body_args),
                                    tuple(files.get(e.id, ()))))
    return entries


def _words(text: str, message: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise RuleViolation(message, field="text")
    if len(text) > TEXT_MAX:
        raise RuleViolation(_("The text is longer than {limit} characters ({length})").format(
            limit=TEXT_MAX, length=len(text)), field="text")
    return text


def _requester_says(session: Session, caller: Person, request: ServiceRequest, text: str, summary: Message,
                    files: list[portal_files.Upload] | None = None) -> None:
    body = "\n\n".join(part for part in (text, portal_files.listing(files or [])) if part)
    entry_id = journal(session, record_kind="service_request", record_id=request.id, kind="note", author=caller,  # type: ignore[arg-type]
                       summary=summary, body=body, published=True)
    if files:
        portal_files.keep(session, caller, "service_request", request.id, entry_id, files)  # type: ignore[arg-type]
    mark_unread_for_owner(session, caller, "service_request", request.id, entry_id)  # type: ignore[arg-type]
    request.updated_at = utcnow()
    feed(session, "service_request", request.id, "note", caller)  # type: ignore[arg-type]


def reply(session: Session, caller: Person | None, number: str, text: str,
          files: list[portal_files.Upload] | None = None) -> str:
    """The requester's comment, with files or without; to «Реалізовано» it sends the request back
    to work ("reopened")."""
    caller = require_active(caller)
    request = request_for(session, caller, number, lock=True)
    kept = portal_files.checked(files or [])
    text = _words(text, _("Write your reply")) if not kept or (text or "").strip() else ""
    status = S(request.status)
    if status in FINAL:
        raise RuleViolation(_("{number} is «{status}» and changes no more; to go on, register a new ticket").format(
            number=request.number, status=status.label))
    count_attempt(session, [f"reply:{caller.id}"], limit=REPLY_LIMIT, window=REPLY_WINDOW,
                  message=_("Too many replies in a short time; try again in a few minutes"))
    _requester_says(session, caller, request, text, Message(N_("Reply from the portal")), kept)
    if status is S.IMPLEMENTED:
        requests.change_status(session, system_person(session), request, S.IN_PROGRESS,
                               reason=text or portal_files.listing(kept))
        return "reopened"
    return "added"


def _implemented(request: ServiceRequest) -> None:
    if S(request.status) is not S.IMPLEMENTED:
        raise RuleViolation(_("{number} is not waiting for your confirmation").format(number=request.number))


def accept(session: Session, caller: Person | None, number: str) -> None:
    """Everything is as asked: the carried-out request closes."""
    caller = require_active(caller)
    request = request_for(session, caller, number, lock=True)
    _implemented(request)
    _requester_says(session, caller, request, "", Message(N_("The solution is accepted")))
    requests.change_status(session, system_person(session), request, S.CLOSED)


def reject(session: Session, caller: Person | None, number: str, reason: str) -> None:
    """Not done after all: back to work, with the requester's reason."""
    caller = require_active(caller)
    request = request_for(session, caller, number, lock=True)
    _implemented(request)
    text = _words(reason, _("Say what is still wrong"))
    _requester_says(session, caller, request, text, Message(N_("The solution is rejected")))
    requests.change_status(session, system_person(session), request, S.IN_PROGRESS, reason=text)


def withdraw(session: Session, caller: Person | None, number: str, words: str = "") -> None:
    """No longer needed (R39 for requests): cancelled with the requester's words, its open tasks
    and approvals with it. A carried-out request is accepted or sent back instead."""
    caller = require_active(caller)
    request = request_for(session, caller, number, lock=True)
    if S(request.status) is S.IMPLEMENTED:
        raise RuleViolation(_("{number} is carried out: accept it, or say what is still wrong").format(
            number=request.number))
    text = (words or "").strip()[:2000]
    _requester_says(session, caller, request, text, Message(N_("Withdrawn by the requester: no longer needed")))
    requests.change_status(session, system_person(session), request, S.CANCELLED,
                           reason=text or _("No longer needed (the requester, in the portal)"))


# --- new requests ---------------------------------------------------------------------------------

NEW_LIMIT = 20  # new tickets per caller in an hour, incidents and requests alike (portal_tickets.py)


def offered_items(session: Session, caller: Person | None) -> list[ItemInfo]:
    """The current catalog items this caller may ask for (their organisation's and groups')."""
    caller = require_active(caller)
    return catalog.offered(session, caller, "", limit=500)


def offered_item(session: Session, caller: Person | None, item_id: int) -> ItemInfo:
    """One of `offered_items`; NotFound for any other, as the TUI's picker offers only those."""
    for item in offered_items(session, caller):
        if item.id == item_id:
            return item
    raise NotFound(_("That catalog item is no longer offered"))


def new_request(session: Session, caller: Person | None, *, item_id: int, values: dict[str, object],
                 description: str = "") -> ServiceRequest:
    """R27 from the portal: the caller asks for an item offered to them, its fields checked by
    the same definitions and with the same words as in the TUI; channel «portal»."""
    caller = require_active(caller)
    offered_item(session, caller, item_id)
    count_attempt(session, [f"new:{caller.id}"], limit=NEW_LIMIT, window=timedelta(hours=1),
                  message=_("Too many new tickets in an hour; please call or write to the service desk"))
    return requests.register_request(session, system_person(session), requester=caller, item_id=item_id,
                                     values=values, description=(description or "")[:TEXT_MAX],
                                     channel=Channel.PORTAL.value)


# --- approvals ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaitingRow:
    number: str
    title: str
    requester: str
    created_at: datetime


def _waiting(person: Person):  # type: ignore[no-untyped-def]
    return (select(ServiceRequest, Person.full_name)
            .join(Approval, Approval.request_id == ServiceRequest.id)
            .outerjoin(Person, Person.id == ServiceRequest.requester_id)
            .where(Approval.approver_id == person.id, Approval.state == ApprovalState.REQUESTED.value,
                   ServiceRequest.status == S.AWAITING_APPROVAL.value))


def waiting_approvals(session: Session, person: Person | None, limit: int = 100) -> list[WaitingRow]:
    """The requests waiting for this person's own decision, oldest first (an approver need not
    work the desk: a manager named by the catalog item decides from the portal)."""
    person = require_active(person)
    rows = session.execute(_waiting(person).order_by(ServiceRequest.created_at, ServiceRequest.id).limit(limit)).all()
    return [WaitingRow(r.number, r.short_description, name or "", r.created_at) for r, name in rows]


def approval_for(session: Session, person: Person | None, number: str) -> ServiceRequest:
    """A request waiting for this person's decision; NotFound for any other."""
    person = require_active(person)
    number = (number or "").strip().upper()[:40]
    found = session.execute(_waiting(person).where(ServiceRequest.number == number).limit(1)).first()
    if found is None:
        raise _not_found(number)
    return found[0]  # type: ignore[no-any-return]


def decide(session: Session, person: Person | None, number: str, *, approve: bool, comment: str) -> ServiceRequest:
    request = approval_for(session, person, number)
    return approvals.decide(session, person, request, approve=approve, comment=(comment or "")[:TEXT_MAX],
                            via="portal")
