"""Mail tables: received messages with their bytes and attachments, mailbox read positions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from helpdesk_tui.store.fields import maybe_when, when


class InboundMail(SQLModel, table=True):
    """A received message: its raw bytes, what was read from them, and what became of it.

    Stored and committed before the message is flagged or moved on the server, so a crash at
    any point loses nothing; the unique (mailbox, uidvalidity, uid) and the (message_id,
    sha256) index keep a message from being taken twice.
    """

    __tablename__ = "inbound_mail"
    __table_args__ = (
        UniqueConstraint("mailbox", "uidvalidity", "uid"),
        Index("ix_inbound_mail_message", "message_id", "sha256"),
        Index("ix_inbound_mail_status", "status", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    mailbox: str = "INBOX"
    uidvalidity: int | None = None
    uid: int | None = None
    message_id: str | None = None
    sha256: str
    size: int
    raw: bytes = Field(sa_type=LargeBinary)
    received_at: datetime = when()
    sent_at: datetime | None = maybe_when()
    from_address: str | None = Field(default=None, index=True)
    from_name: str = ""
    to_addresses: str = ""
    subject: str = ""
    text: str = ""
    html: str | None = None
    in_reply_to: str | None = None
    references: str = ""
    auto: str | None = None  # auto_reply | bulk | list | bounce | loop
    # new | incident (made one) | linked (added to one) | request (added to a service request) |
    # waiting (unknown sender, R7, or held for an analyst with an `error`) | ignored | quarantined
    status: str = "new"
    incident_id: int | None = Field(default=None, foreign_key="incident.id", index=True)
    # The service request a reply threads onto (its number in the subject, or our mail it answers).
    request_id: int | None = Field(default=None, foreign_key="service_request.id", index=True)
    error: str | None = None
    defects: str = ""


class MailAttachment(SQLModel, table=True):
    __tablename__ = "mail_attachment"
    id: int | None = Field(default=None, primary_key=True)
    mail_id: int = Field(foreign_key="inbound_mail.id", index=True)
    filename: str
    content_type: str
    size: int
    inline: bool = False
    content_id: str | None = None
    truncated: bool = False
    data: bytes | None = Field(default=None, sa_type=LargeBinary)


class MailboxState(SQLModel, table=True):
    """How far the poller has read a mailbox (R7): UIDVALIDITY and the last UID taken."""

    __tablename__ = "mailbox_state"
    mailbox: str = Field(primary_key=True)
    uidvalidity: int | None = None
    last_uid: int = 0
    last_poll_at: datetime | None = maybe_when()
    last_error: str | None = None
