"""What the e-mail tab asks (R7, R8): «Вхідні» and «Вихідні» a page at a time, one message with
its headers, text, attachments and source, and «Створити інцидент» for a message from a sender
the desk does not know. Each call opens its own session, as desk/workspace.py does; it sits in
the mail layer because «Створити інцидент» is the intake's operation (mail/intake.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from helpdesk_tui.desk import mailbox
from helpdesk_tui.desk.auth import SignedIn
from helpdesk_tui.domain.errors import NotFound
from helpdesk_tui.domain.requests import without_tokens
from helpdesk_tui.i18n import _
from helpdesk_tui.mail.intake import IntakeSettings, create_incident_from_mail
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import (
    Incident,
    InboundMail,
    MailAttachment,
    OutboxMessage,
    Person,
    ServiceRequest,
    Task,
)

PAGE = 200


class MailDesk:
    def __init__(self, db: Database, who: SignedIn, intake: IntakeSettings | None = None) -> None:
        self.db, self.who = db, who
        self.intake = intake or IntakeSettings()  # the mailbox's presets, for «Створити інцидент»

    def inbox(self, *, waiting_only: bool = False, before_id: int | None = None, limit: int = PAGE) -> list[dict[str, Any]]:
        """Received messages, newest first; `waiting_only`: those an analyst must act on (R7)."""
        stmt = (select(InboundMail.id, InboundMail.from_address, InboundMail.from_name, InboundMail.subject,
                       InboundMail.status, InboundMail.auto, InboundMail.received_at, InboundMail.incident_id,
                       Incident.number, InboundMail.error, InboundMail.request_id, ServiceRequest.number)
                .outerjoin(Incident, Incident.id == InboundMail.incident_id)
                .outerjoin(ServiceRequest, ServiceRequest.id == InboundMail.request_id))
        if waiting_only:
            stmt = stmt.where(mailbox.waiting_mail_filter())
        if before_id is not None:
            stmt = stmt.where(InboundMail.id < before_id)
        with self.db.read() as session:
            rows = session.execute(stmt.order_by(InboundMail.id.desc()).limit(limit)).all()  # type: ignore[union-attr]
        return [{"id": r[0], "from": r[1] or "", "name": r[2] or "", "subject": r[3] or "", "status": r[4],
                 "auto": r[5], "at": r[6], "incident_id": r[7], "incident": r[8], "error": r[9],
                 **_request_of(r[10], r[11])} for r in rows]

    def outbox(self, *, before_id: int | None = None, limit: int = PAGE) -> list[dict[str, Any]]:
        """Messages the desk sent or is sending, newest first (R8)."""
        stmt = select(OutboxMessage.id, OutboxMessage.to_address, OutboxMessage.subject, OutboxMessage.status,
                      OutboxMessage.created_at, OutboxMessage.sent_at, OutboxMessage.record_kind,
                      OutboxMessage.record_id, OutboxMessage.last_error)
        if before_id is not None:
            stmt = stmt.where(OutboxMessage.id < before_id)
        with self.db.read() as session:
            rows = session.execute(stmt.order_by(OutboxMessage.id.desc()).limit(limit)).all()  # type: ignore[union-attr]
            numbers = _record_numbers(session, {(r[6], r[7]) for r in rows})
        return [{"id": r[0], "to": r[1], "subject": without_tokens(r[2]), "status": r[3], "at": r[5] or r[4], "record_kind": r[6],
                 "record_id": r[7], "record": numbers.get((r[6], r[7])), "error": r[8],
                 "incident_id": r[7] if r[6] == "incident" else None,
                 "incident": numbers.get((r[6], r[7])) if r[6] == "incident" else None} for r in rows]

    def received(self, mail_id: int) -> dict[str, Any]:
        with self.db.read() as session:
            mail = mailbox.find_mail(session, mail_id)
            attachments = list(session.execute(select(MailAttachment).where(MailAttachment.mail_id == mail.id)
                                               .order_by(MailAttachment.id)).scalars())  # type: ignore[arg-type]
            number = _numbers(session, {mail.incident_id}).get(mail.incident_id) if mail.incident_id else None
            request = session.get(ServiceRequest, mail.request_id) if mail.request_id else None
            known = mailbox.sender_of(session, mail) is not None
        return {
            "box": "inbox", "id": mail.id, "from": mail.from_address or "", "name": mail.from_name or "",
            "to": mail.to_addresses, "subject": mail.subject, "date": mail.sent_at, "received_at": mail.received_at,
            "status": mail.status, "auto": mail.auto, "incident_id": mail.incident_id, "incident": number,
            "text": mail.text or "", "error": mail.error, "defects": mail.defects.splitlines(), "size": mail.size,
            "sender_known": known,
            "attachments": [{"filename": a.filename, "content_type": a.content_type, "size": a.size,
                             "inline": a.inline, "truncated": a.truncated} for a in attachments],
            "can_create": mail.status in ("waiting", "quarantined"),
            **_request_of(mail.request_id, request.number if request else None),
        }

    def sent(self, message_id: int) -> dict[str, Any]:
        with self.db.read() as session:
            m = session.get(OutboxMessage, message_id)
            if m is None:
                raise NotFound(_("No message #{id}").format(id=message_id))
            number = _record_numbers(session, {(m.record_kind, m.record_id)}).get((m.record_kind, m.record_id))
        return {"box": "outbox", "id": m.id, "to": m.to_address, "subject": without_tokens(m.subject),
                "text": without_tokens(m.body),
                "status": m.status, "date": m.sent_at, "created_at": m.created_at, "error": m.last_error,
                "attempts": m.attempts, "message_id": m.message_id, "template": m.template,
                "record_kind": m.record_kind, "record_id": m.record_id, "record": number,
                "incident_id": m.record_id if m.record_kind == "incident" else None,
                "incident": number if m.record_kind == "incident" else None,
                "attachments": [], "can_create": False}

    def source(self, mail_id: int) -> str:
        """The message as it arrived, bytes decoded for reading (undecodable ones marked)."""
        with self.db.read() as session:
            raw = mailbox.find_mail(session, mail_id).raw
        return raw.decode("utf-8", errors="replace")

    def create_incident(self, mail_id: int, *, register_sender: bool) -> tuple[int, str]:
        """«Створити інцидент» (R7); returns the new incident's id and number."""
        with self.db.write() as session:
            actor = session.get(Person, self.who.person_id)
            mail = mailbox.find_mail(session, mail_id)
            incident = create_incident_from_mail(session, actor, mail, register_sender=register_sender,  # type: ignore[arg-type]
                                                 settings=self.intake)
            return incident.id, incident.number  # type: ignore[return-value]


NUMBERED = {"incident": Incident, "task": Task, "service_request": ServiceRequest}


def _request_of(request_id: int | None, number: str | None) -> dict[str, Any]:
    """A received message kept with a service request names it as a sent one names its record,
    so the list shows its number and «Відкрити в батьківському» opens it."""
    if request_id is None:
        return {}
    return {"record_kind": "service_request", "record_id": request_id, "record": number}


def _record_numbers(session: Any, records: set[tuple[str | None, int | None]]) -> dict[tuple[str, int], str]:
    """The numbers of the records messages were sent about (an incident's, a task's, a request's)."""
    found: dict[tuple[str, int], str] = {}
    for kind, model in NUMBERED.items():
        ids = [i for k, i in records if k == kind and i]
        if ids:
            found.update({(kind, i): n for i, n in session.execute(
                select(model.id, model.number).where(model.id.in_(ids))).all()})  # type: ignore[attr-defined]
    return found


def _numbers(session: Any, ids: set[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    return dict(session.execute(select(Incident.id, Incident.number).where(Incident.id.in_(wanted))).all())  # type: ignore[attr-defined]
