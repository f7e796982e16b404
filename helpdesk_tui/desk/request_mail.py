"""Mail about service requests (R8, R28, R31): a reply threads onto its request as an incident's
does onto the incident (desk/mailbox.py), and is written there. `mail/request_intake.py` decides
what a reply does; these operations find the request and write.

A reply belongs to a request when its In-Reply-To or References name a message we sent about
the request, or one we received for it, or else when its subject carries the number
([REQ0000012]). An approval reply carries its token too ([APR-…], desk/approvals.py).
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlmodel import Session

from helpdesk_tui.desk.common import feed, journal
from helpdesk_tui.desk.notes import mark_unread_for_owner
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.domain.text import printable
from helpdesk_tui.i18n import N_
from helpdesk_tui.store.models import InboundMail, OutboxMessage, Person, ServiceRequest
from helpdesk_tui.store.types import utcnow

SUBJECT_TAG = re.compile(r"\[(REQ\d{7})\]", re.IGNORECASE)


def _locked(session: Session, request_id: int) -> ServiceRequest | None:
    # Locked, as mailbox.thread_of locks an incident: what the reply does (close, back to work,
    # held back) is decided on the request's status as it is.
    return session.get(ServiceRequest, request_id, with_for_update=True, populate_existing=True)


def thread_of(session: Session, mail: InboundMail) -> ServiceRequest | None:
    """The request a reply belongs to: by its headers first, then by the number in its subject."""
    ids = [i for i in ([mail.in_reply_to] if mail.in_reply_to else []) + mail.references.split()[::-1] if i]
    if ids:
        found = session.execute(select(InboundMail.request_id).where(
            InboundMail.message_id.in_(ids), InboundMail.request_id.is_not(None), InboundMail.id != mail.id)  # type: ignore[union-attr]
            .order_by(InboundMail.id.desc()).limit(1)).scalar_one_or_none()
        if found is None:
            found = session.execute(select(OutboxMessage.record_id).where(
                OutboxMessage.message_id.in_(ids), OutboxMessage.record_kind == "service_request")
                .order_by(OutboxMessage.id.desc()).limit(1)).scalar_one_or_none()
        if found is not None:
            return _locked(session, found)
    tag = SUBJECT_TAG.search(mail.subject or "")
    if tag:
        found = session.execute(select(ServiceRequest.id).where(
            ServiceRequest.number == tag.group(1).upper())).scalar_one_or_none()
        return _locked(session, found) if found is not None else None
    return None


def about(session: Session, message: OutboxMessage | None) -> ServiceRequest | None:
    """The request a message we sent was about (a bounce's), if it was about one."""
    if message is None or message.record_kind != "service_request" or message.record_id is None:
        return None
    return _locked(session, message.record_id)


def record_email(session: Session, mail: InboundMail, request: ServiceRequest, *, sender: Person | None,
                 text: str | None = None, status: str = "request", published: bool = True) -> int:
    """The message in the request's journal, from its sender, unread for the owner (R16).
    `published=False`: for the analysts only (machine mail: bounces, auto-replies, loops)."""
    entry_id = journal(session, record_kind="service_request", record_id=request.id, kind="email",  # type: ignore[arg-type]
                       author=sender,
                       summary=Message(N_("E-mail from {sender}: {subject}"),
                                       sender=mail.from_name or mail.from_address or "?",
                                       subject=printable(mail.subject, one_line=True)),
                       body=text if text is not None else mail.text, published=published)
    mark_unread_for_owner(session, sender, "service_request", request.id, entry_id)  # type: ignore[arg-type]
    belongs(mail, request, status)
    request.updated_at = utcnow()
    feed(session, "service_request", request.id, "email", sender)  # type: ignore[arg-type]
    return entry_id


def belongs(mail: InboundMail, request: ServiceRequest, status: str = "request") -> None:
    """The message kept with its request (an approval reply, whose journal entry the approval
    writes itself): shown there, and the next reply to it threads there too."""
    mail.request_id = request.id
    mail.status = status


def hold(mail: InboundMail, why: str) -> None:
    """Kept for an analyst with the reason, applied to nothing (the inbox says «held for an
    analyst»; «Створити інцидент» stays open to them)."""
    mail.status, mail.error = "waiting", why
