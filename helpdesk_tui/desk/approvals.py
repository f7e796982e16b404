"""Approvals of service requests (R28): who is asked, their decisions, and the e-mail way.

The approvers are the item's named people and the members of its approver groups at the time
of the request, each with their own approval. «any»: the first decision decides; «all»: every
approver approves, one rejection rejects. Approved: «В роботі» and the first stage's tasks;
rejected: «Відхилено» with the approver's comment. An approval e-mail carries a token in its
subject; a reply from the approver's own address that starts with «Погоджую» or «Відхиляю»
(approve, reject) decides, any other reply is a note, and a reply from another address or
with a token already used decides nothing and is journaled.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk import notify, request_sla
from helpdesk_tui.desk.admin import group_member_ids
from helpdesk_tui.desk.catalog import ItemInfo
from helpdesk_tui.desk.common import desk_staff, feed, journal, require_active
from helpdesk_tui.desk.notes import mark_unread_for_owner
from helpdesk_tui.desk.request_records import fields_for_reader, load_for_change, move
from helpdesk_tui.desk.request_tasks import start_work
from helpdesk_tui.domain.errors import PermissionDenied, RuleViolation
from helpdesk_tui.domain.requests import ApprovalState, RequestStatus as S, approval_outcome, approval_token
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import Approval, CatalogItem, Person, ServiceRequest
from helpdesk_tui.store.types import utcnow

APPROVE_WORDS = ("погоджую", "погоджено", "approve", "approved", "так")
REJECT_WORDS = ("відхиляю", "відхилено", "reject", "rejected", "ні")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def approvers_of(session: Session, row: CatalogItem) -> list[Person]:
    spec = row.approval or {}
    ids: list[int] = list(spec.get("people") or [])
    for group_id in spec.get("groups") or []:
        ids += group_member_ids(session, group_id)
    people = []
    for person_id in dict.fromkeys(ids):
        person = session.get(Person, person_id)
        if person is not None and person.active:
            people.append(person)
    return people


def ask_approvers(session: Session, actor: Person | None, request: ServiceRequest, row: CatalogItem) -> None:
    """One approval per approver, each told by e-mail with its own token."""
    people = approvers_of(session, row)
    if not people:
        raise RuleViolation(_("«{item}» has no active approver: ask the administrator to fix the catalog").format(
            item=ItemInfo.of(row).name))
    requester = session.get(Person, request.requester_id)
    item = ItemInfo.of(row)
    for person in people:
        token = "APR-" + secrets.token_urlsafe(12).replace("-", "x").replace("_", "y")
        session.add(Approval(request_id=request.id, approver_id=person.id, token_hash=_hash(token)))  # type: ignore[arg-type]
        notify.queue(session, template="approval_needed", record_kind="service_request", record_id=request.id,  # type: ignore[arg-type]
                     number=request.number, recipients=[person], author=actor,
                     values={"title": request.short_description, "token": token, "item": item.name,
                             "requester": requester.full_name if requester else "",
                             "fields": fields_for_reader(session, item, request.parameters)})
    session.flush()


def withdraw(session: Session, request: ServiceRequest) -> None:
    """A cancelled request's open approvals are no longer needed."""
    for approval in _open(session, request.id):  # type: ignore[arg-type]
        approval.state, approval.decided_at = ApprovalState.NOT_NEEDED.value, utcnow()


def _open(session: Session, request_id: int) -> list[Approval]:
    return list(session.execute(select(Approval).where(Approval.request_id == request_id,
                                                       Approval.state == ApprovalState.REQUESTED.value)
                                .with_for_update()).scalars())


def decide(session: Session, actor: Person | None, request: ServiceRequest, *, approve: bool, comment: str = "",
           via: str = "tui") -> ServiceRequest:
    """The approver's own decision: nobody decides for somebody else."""
    actor = require_active(actor)
    request = load_for_change(session, request)
    if S(request.status) is not S.AWAITING_APPROVAL:
        raise RuleViolation(_("{number} is not awaiting approval (it is «{status}»)").format(
            number=request.number, status=S(request.status).label))
    mine = [a for a in _open(session, request.id) if a.approver_id == actor.id]  # type: ignore[arg-type]
    if not mine:
        raise PermissionDenied(_("{name} is not asked to approve {number}").format(name=actor.full_name,
                                                                                     number=request.number))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise RuleViolation(_("Say why the request is rejected"), field="comment")
    approval = mine[0]
    approval.state = (ApprovalState.APPROVED if approve else ApprovalState.REJECTED).value
    approval.comment, approval.decided_at, approval.decided_via = comment, utcnow(), via
    journal(session, record_kind="service_request", record_id=request.id, kind="approval", author=actor,  # type: ignore[arg-type]
            summary=Message(N_("Approved by {name}") if approve else N_("Rejected by {name}"), name=actor.full_name),
            body=comment)
    session.flush()
    _settle(session, actor, request)
    return request


def _settle(session: Session, actor: Person, request: ServiceRequest) -> None:
    row = session.get(CatalogItem, request.catalog_item_id)
    states = list(session.execute(select(Approval.state).where(Approval.request_id == request.id)).scalars())
    outcome = approval_outcome((row.approval or {}).get("mode", "any") if row else "any", states)
    if outcome is None:
        feed(session, "service_request", request.id, "updated", actor)  # type: ignore[arg-type]
        return
    decisions = session.execute(select(Approval.comment).where(
        Approval.request_id == request.id, Approval.state == outcome.value, Approval.comment != "")).scalars()
    text = "\n".join(decisions)
    withdraw(session, request)
    requester = session.get(Person, request.requester_id) if request.requester_id else None
    if outcome is ApprovalState.REJECTED:
        move(session, actor, request, S.REJECTED, text, closed_at=utcnow())
        template = "request_rejected"
    else:
        request.approved_at = utcnow()
        start_work(session, actor, request, row)
        template = "request_approved"
    request_sla.refresh_due(session, request)
    if requester is not None:
        notify.queue(session, template=template, record_kind="service_request", record_id=request.id,  # type: ignore[arg-type]
                     number=request.number, recipients=[requester], author=actor,
                     values={"title": request.short_description, "text": text})


@dataclass(frozen=True)
class Waiting:
    request_id: int
    number: str
    title: str
    requester: str
    created_at: object


def waiting_for(session: Session, person: Person | None) -> list[Waiting]:
    """«Запити, які очікують на схвалення» that wait for this person's own decision."""
    person = desk_staff(session, person)
    rows = session.execute(
        select(ServiceRequest.id, ServiceRequest.number, ServiceRequest.short_description, Person.full_name,
               ServiceRequest.created_at)
        .join(Approval, Approval.request_id == ServiceRequest.id)
        .outerjoin(Person, Person.id == ServiceRequest.requester_id)
        .where(Approval.approver_id == person.id, Approval.state == ApprovalState.REQUESTED.value,
               ServiceRequest.status == S.AWAITING_APPROVAL.value)
        .order_by(ServiceRequest.created_at, ServiceRequest.id))
    return [Waiting(*row) for row in rows]


def waits_for(session: Session, person: Person | None, request_id: int) -> bool:
    """Whether this request is among those `waiting_for` this person: one request's question,
    asked when its record opens, without reading the approver's whole queue."""
    person = desk_staff(session, person)
    return session.execute(
        select(Approval.id).join(ServiceRequest, ServiceRequest.id == Approval.request_id)
        .where(Approval.request_id == request_id, Approval.approver_id == person.id,
               Approval.state == ApprovalState.REQUESTED.value, ServiceRequest.status == S.AWAITING_APPROVAL.value)
        .limit(1)).first() is not None


# --- by e-mail --------------------------------------------------------------------------------


def token_in(subject: str) -> str | None:
    return approval_token(subject)


def request_of_token(session: Session, token: str) -> ServiceRequest | None:
    """The request an approval token was made for, locked (decide_by_mail decides on it as it
    is); None for a token nobody was given."""
    request_id = session.execute(select(Approval.request_id).where(Approval.token_hash == _hash(token))
                                 .limit(1)).scalar_one_or_none()
    if request_id is None:
        return None
    return session.get(ServiceRequest, request_id, with_for_update=True, populate_existing=True)


def verdict(text: str) -> bool | None:
    """True for «Погоджую …», False for «Відхиляю …», None for anything else."""
    words = re.findall(r"[\w'’]+", (text or "").strip().casefold())
    if not words:
        return None
    if words[0] in APPROVE_WORDS:
        return True
    if words[0] in REJECT_WORDS:
        return False
    return None


def decide_by_mail(session: Session, system: Person, request: ServiceRequest, *, token: str, sender: Person | None,
                   sender_address: str, text: str) -> str:
    """An e-mail reply carrying an approval token: "approved", "rejected", "note" or "refused"."""
    approval = session.execute(select(Approval).where(Approval.token_hash == _hash(token),
                                                      Approval.request_id == request.id)).scalar_one_or_none()
    usable = (approval is not None and approval.state == ApprovalState.REQUESTED.value and sender is not None
              and sender.id == approval.approver_id and S(request.status) is S.AWAITING_APPROVAL)
    if not usable:
        why = (Message(N_("the code is unknown")) if approval is None else
               Message(N_("the code was already used")) if approval.state != ApprovalState.REQUESTED.value else
               Message(N_("the request is no longer awaiting approval")) if S(request.status) is not S.AWAITING_APPROVAL
               else Message(N_("it came from {address}, not from the approver's address"), address=sender_address))
        journal(session, record_kind="service_request", record_id=request.id, kind="email", author=sender,  # type: ignore[arg-type]
                summary=Message(N_("An approval reply decided nothing: {why}"), why=why), body=text)
        return "refused"
    decision = verdict(text)
    if decision is None:  # a question or a remark: a note for the request's owner, not a decision
        entry_id = journal(session, record_kind="service_request", record_id=request.id, kind="email",  # type: ignore[arg-type]
                           author=sender, summary=Message(N_("Reply from the approver")), body=text)
        mark_unread_for_owner(session, sender, "service_request", request.id, entry_id)  # type: ignore[arg-type]
        feed(session, "service_request", request.id, "note", sender)  # type: ignore[arg-type]
        return "note"
    words = (text or "").strip().split(maxsplit=1)
    comment = words[1].strip() if len(words) > 1 else ""
    decide(session, sender, request, approve=decision, comment=comment or ("" if decision else text.strip()), via="email")
    return "approved" if decision else "rejected"
