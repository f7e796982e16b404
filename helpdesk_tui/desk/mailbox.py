"""Mail in the desk (R7, R8): received messages stored once, threaded to their incidents, turned
into incidents or answers. `mail/intake.py` decides; these operations write.

A parsed message comes in as any object with ParsedMail's attributes (mail/parse.py), so the
desk does not depend on the mail package.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, inspect, or_, select
from sqlalchemy.orm import object_session
from sqlmodel import Session

from helpdesk_tui.desk.common import apply_changes, feed, journal
from helpdesk_tui.desk.notes import mark_unread_for_owner
from helpdesk_tui.domain.errors import NotFound, RuleViolation  # noqa: F401  (RuleViolation used by the CLI too)
from helpdesk_tui.domain.messages import Message
from helpdesk_tui.domain.statuses import Channel
from helpdesk_tui.domain.text import printable
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.direct import Direct
from helpdesk_tui.store.models import Incident, InboundMail, MailAttachment, OutboxMessage, Person
from helpdesk_tui.store.rows import new_row, write_row
from helpdesk_tui.store.types import utcnow

SUBJECT_TAG = re.compile(r"\[(INC\d{7})\]", re.IGNORECASE)


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


@functools.cache
def _stored_statement(placed: bool, with_id: bool) -> Direct:
    """Built once per shape, run on the driver's cursor (store/direct.py): every message asks."""
    by_content = and_(InboundMail.sha256 == bindparam("sha256"),
                      InboundMail.message_id == bindparam("message_id") if with_id else InboundMail.message_id.is_(None))
    by_place = and_(InboundMail.mailbox == bindparam("mailbox"), InboundMail.uidvalidity == bindparam("uidvalidity"),
                    InboundMail.uid == bindparam("uid"))
    # One query for both (each side has its index): a new message, the usual case, costs one look.
    return Direct(select(InboundMail.id, InboundMail.mailbox, InboundMail.uidvalidity, InboundMail.uid)
                  .where(or_(by_place, by_content) if placed else by_content).order_by(InboundMail.id).limit(20))


def find_stored(session: Session, *, mailbox: str, uidvalidity: int | None, uid: int | None, message_id: str | None,
                sha256: str) -> InboundMail | None:
    """The same message taken before: by its place in the mailbox, or by id and content
    (senders reuse Message-IDs, so the id alone is not enough)."""
    by_place = uid is not None and uidvalidity is not None
    # Not session.execute: kept messages are written as they are stored, and flushing the
    # batch's other pending changes first bought nothing here.
    params = {"sha256": sha256, "message_id": message_id, "mailbox": mailbox, "uidvalidity": uidvalidity, "uid": uid}
    rows = _stored_statement(by_place, bool(message_id)).execute(session, params).fetchall()
    if not rows:
        return None
    placed = [r[0] for r in rows if uid is not None and (r[1], r[2], r[3]) == (mailbox, uidvalidity, uid)]
    return session.get(InboundMail, placed[0] if placed else rows[0][0])


def store_inbound(session: Session, *, raw: bytes, parsed: Any | None, error: str | None = None, mailbox: str = "INBOX",
                  uidvalidity: int | None = None, uid: int | None = None) -> tuple[InboundMail, bool]:
    """Keep a received message (its bytes always); returns (row, whether it is new)."""
    mail, new = receive(session, raw=raw, parsed=parsed, error=error, mailbox=mailbox, uidvalidity=uidvalidity, uid=uid)
    if new:
        keep(session, mail, parsed)
    return mail, new


def receive(session: Session, *, raw: bytes, parsed: Any | None, error: str | None = None, mailbox: str = "INBOX",
            uidvalidity: int | None = None, uid: int | None = None) -> tuple[InboundMail, bool]:
    """(the stored row, False) for a message taken before; otherwise (a new row, True) that is
    not written yet: intake decides what it is first, and keep() writes it with that decision
    in one INSERT instead of an INSERT and an UPDATE."""
    sha = digest(raw)
    message_id = _text(parsed.message_id) if parsed is not None else None
    existing = find_stored(session, mailbox=mailbox, uidvalidity=uidvalidity, uid=uid, message_id=message_id, sha256=sha)
    if existing is not None:
        return existing, False
    mail = new_row(InboundMail, mailbox=mailbox, uidvalidity=uidvalidity, uid=uid, sha256=sha, size=len(raw), raw=raw,
                   status="quarantined" if parsed is None else "new", error=_text(error),
                   **(_parsed_fields(parsed) if parsed is not None else {}))
    return mail, True


def keep(session: Session, mail: InboundMail, parsed: Any | None) -> None:
    """Write a message from receive() with its attachments."""
    write_row(session, mail)
    if parsed is not None:
        for a in parsed.attachments:
            session.add(MailAttachment(mail_id=mail.id, filename=_text(a.filename), content_type=_text(a.content_type),  # type: ignore[arg-type]
                                       size=a.size, inline=a.inline, content_id=_text(a.content_id),
                                       truncated=a.truncated, data=a.data))
    feed(session, "inbound_mail", mail.id, "received", None)  # type: ignore[arg-type]


def refill(session: Session, mail: InboundMail, parsed: Any) -> None:
    """A quarantined message read again: its fields from the new parse."""
    for name, value in _parsed_fields(parsed).items():
        setattr(mail, name, value)


def _text(value: str | None) -> str | None:
    """Text as a text column keeps it: PostgreSQL refuses NUL in text (its raw bytes keep it)."""
    return value.replace("\x00", "") if value else value


REPORT_LABELS = {"delivery-status": N_("Delivery status"), "disposition": N_("Disposition notification"),
                 "returned-header": N_("Header of the returned message")}


def with_report(text: str, report: Iterable[tuple[str, str]]) -> str:
    """A bounce's text followed by its report (the delivery status, the returned header), so it
    is read wherever the text is: in the journal and the message view."""
    sections = [f"── {_(REPORT_LABELS.get(kind, kind))} ──\n{body}" for kind, body in report]
    return "\n\n".join(part for part in [text.rstrip("\n"), *sections] if part)


def _parsed_fields(parsed: Any) -> dict[str, Any]:
    fields = {"message_id": parsed.message_id, "from_address": parsed.from_address,
              "from_name": parsed.from_name or "", "to_addresses": ", ".join(parsed.to), "subject": parsed.subject or "",
              "text": with_report(parsed.text or "", getattr(parsed, "report", ())), "html": parsed.html,
              "in_reply_to": parsed.in_reply_to,
              "references": " ".join(parsed.references), "auto": parsed.auto, "defects": "\n".join(parsed.defects)}
    return {"sent_at": parsed.date, **{name: _text(value) for name, value in fields.items()}}


def thread_of(session: Session, mail: InboundMail) -> Incident | None:
    """R8's parent: In-Reply-To and References against every Message-ID we received or sent,
    then the subject tag [INC0000123]. Locked: what a reply does (answer, reopen, close, or a
    new incident beside a closed one) is decided on its status as it is."""
    ids = [i for i in ([mail.in_reply_to] if mail.in_reply_to else []) + mail.references.split()[::-1] if i]
    if ids:
        found = session.execute(select(InboundMail.incident_id).where(
            InboundMail.message_id.in_(ids), InboundMail.incident_id.is_not(None), InboundMail.id != mail.id)
            .order_by(InboundMail.id.desc()).limit(1)).scalar_one_or_none()
        if found is None:
            found = session.execute(select(OutboxMessage.record_id).where(
                OutboxMessage.message_id.in_(ids), OutboxMessage.record_kind == "incident")
                .order_by(OutboxMessage.id.desc()).limit(1)).scalar_one_or_none()
        if found is not None:
            return session.get(Incident, found, with_for_update=True, populate_existing=True)
    tag = SUBJECT_TAG.search(mail.subject or "")
    if tag:
        return session.execute(select(Incident).where(Incident.number == tag.group(1).upper())
                               .with_for_update().execution_options(populate_existing=True)).scalar_one_or_none()
    return None


_MESSAGE_ID_HEADER = re.compile(rb"^Message-ID:\s*<([^>\s]+)>", re.IGNORECASE | re.MULTILINE)
_MESSAGE_ID_LINE = re.compile(r"^Message-ID:\s*<([^>\s]+)>", re.IGNORECASE | re.MULTILINE)


def bounced_notification(session: Session, mail: InboundMail, attachments: Iterable[Any] | None = None,
                         ) -> OutboxMessage | None:
    """The notification a bounce is about: its Message-ID is in the returned header, which is
    part of the bounce's text (with_report; some servers quote it in the text themselves), or,
    for bounces stored before that, an attachment (message/rfc822 or text/rfc822-headers).
    `attachments`: the parsed ones of a message not written yet; otherwise the stored ones."""
    ids = [i for i in ([mail.in_reply_to] if mail.in_reply_to else []) + mail.references.split() if i]
    ids += _MESSAGE_ID_LINE.findall(mail.text or "")
    if attachments is None:
        attachments = session.execute(select(MailAttachment).where(MailAttachment.mail_id == mail.id)).scalars()
    for attachment in attachments:
        if attachment.data and attachment.content_type in ("message/rfc822", "text/rfc822-headers"):
            ids += [_text(m.decode("ascii", "replace")) for m in _MESSAGE_ID_HEADER.findall(attachment.data)]
    if not ids:
        return None
    return session.execute(select(OutboxMessage).where(OutboxMessage.message_id.in_(ids))
                           .order_by(OutboxMessage.id.desc()).limit(1)).scalar_one_or_none()


def sender_of(session: Session, mail: InboundMail) -> Person | None:
    if not mail.from_address:
        return None
    return senders_by_address(session, [mail.from_address]).get(mail.from_address.lower())


def senders_by_address(session: Session, addresses: Iterable[str]) -> dict[str, Person | None]:
    """Each address (lower-cased) with the active person it belongs to, in one query; the
    first registered wins when two people share an address."""
    wanted = {_text(a).lower() for a in addresses if a}  # type: ignore[union-attr]
    if not wanted:
        return {}
    found: dict[str, Person | None] = dict.fromkeys(wanted)
    people = session.execute(select(Person).where(func.lower(Person.email).in_(wanted), Person.active.is_(True))
                             .order_by(Person.id.desc())).scalars()
    for person in people:
        found[(person.email or "").lower()] = person
    return found


def record_email(session: Session, mail: InboundMail, incident: Incident, *, sender: Person | None,
                 text: str | None = None, status: str = "linked", touch: bool = True, published: bool = True,
                 turn: str | None = None) -> int:
    """The message in the incident's journal, from its sender, unread for the owner (R16).
    `touch=False`: the incident was registered from this very message a moment ago.
    `published=False`: for the analysts only (machine mail: bounces, auto-replies, loops).
    `turn`: whose turn it is now (R40), written with the message that made it so."""
    diff = apply_changes(incident, {"waiting_on": turn}) if turn is not None else []
    entry_id = journal(session, record_kind="incident", record_id=incident.id, kind="email", author=sender,  # type: ignore[arg-type]
                       summary=Message(N_("E-mail from {sender}: {subject}"),
                                       sender=mail.from_name or mail.from_address or "?",
                                       subject=printable(mail.subject, one_line=True)),
                       body=text if text is not None else mail.text, published=published, diff=diff)
    mark_unread_for_owner(session, sender, "incident", incident.id, entry_id)  # type: ignore[arg-type]
    mail.incident_id = incident.id
    mail.status = status
    if touch:
        incident.updated_at = utcnow()
    feed(session, "incident", incident.id, "email", sender)  # type: ignore[arg-type]
    return entry_id


def new_incidents_from(session: Session, caller: Person, since_minutes: int = 60) -> int:
    """How many incidents this caller's mail opened lately (the rate limit's count)."""
    return new_incidents_by_caller(session, [caller.id], since_minutes).get(caller.id, 0)  # type: ignore[arg-type]


def new_incidents_by_caller(session: Session, caller_ids: Iterable[int], since_minutes: int = 60) -> dict[int, int]:
    """The rate limit's counts for several callers in one query, read from each caller's
    incidents by time, so they cost the same with a million messages kept."""
    wanted = set(caller_ids)
    if not wanted:
        return {}
    since = utcnow() - timedelta(minutes=since_minutes)
    counts = session.execute(select(Incident.caller_id, func.count()).where(
        Incident.caller_id.in_(wanted), Incident.created_at >= since,  # type: ignore[union-attr]
        Incident.channel == Channel.EMAIL.value).group_by(Incident.caller_id)).all()
    return {caller: 0 for caller in wanted} | {caller: int(n) for caller, n in counts}


def find_mail(session: Session, mail_id: int) -> InboundMail:
    mail = session.get(InboundMail, mail_id)
    if mail is None:
        raise NotFound(_("No received message {id}").format(id=mail_id))
    return mail


def login_for(session: Session, address: str) -> str:
    """A free login from an address's local part, for a sender registered from the inbox."""
    base = re.sub(r"[^a-z0-9._-]", "", address.split("@")[0].lower()) or "user"
    login, n = base, 1
    while session.execute(select(Person.id).where(Person.login == login)).first() is not None:
        n += 1
        login = f"{base}{n}"
    return login


def waiting_mail_filter() -> Any:
    return or_(InboundMail.status == "waiting", InboundMail.status == "quarantined")


def ensure_waiting(mail: InboundMail) -> None:
    """Refuse a message that already belongs somewhere. A stored one is also looked at under
    its row lock (the row as others left it), so two analysts creating an incident from it at
    once make one incident."""
    statuses = [mail.status]
    session = object_session(mail)
    if session is not None and inspect(mail).persistent:
        statuses.append(session.execute(select(InboundMail.status).where(InboundMail.id == mail.id)
                                        .with_for_update()).scalar_one())
    for status in statuses:
        if status not in ("waiting", "quarantined", "new"):
            raise RuleViolation(_("This message already belongs to {what}").format(what=status))
