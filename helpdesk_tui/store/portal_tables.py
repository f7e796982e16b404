"""The callers' portal's tables (issue 20): one-time sign-in links, browser sessions, the
attempts its rate limits count, and the files callers attach. Secrets are kept only as their SHA-256, as access tokens are
(identity_tables.py): a stolen backup signs nobody in."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, LargeBinary
from sqlmodel import Field, SQLModel

from helpdesk_tui.store.fields import maybe_when, when


class PortalLink(SQLModel, table=True):
    """A sign-in link e-mailed to a caller: valid until `expires_at`, once (`used_at`)."""

    __tablename__ = "portal_link"
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    token_hash: str = Field(unique=True)
    created_at: datetime = when()
    expires_at: datetime = when()
    used_at: datetime | None = maybe_when()


class PortalSession(SQLModel, table=True):
    """A signed-in browser: its cookie's secret hashed; ends at `expires_at`, or after a week
    unused (desk/portal_auth.py), or when the caller signs out (everywhere)."""

    __tablename__ = "portal_session"
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    secret_hash: str = Field(unique=True)
    created_at: datetime = when()
    last_seen_at: datetime = when()
    expires_at: datetime = when()


class PortalAttempt(SQLModel, table=True):
    """One counted attempt (a link asked for, a reply sent) by `key` («email:…», «ip:…»,
    «reply:<person>»): the rate limits count a key's rows of the last minutes, in the database,
    so they hold across the server's workers."""

    __tablename__ = "portal_attempt"
    __table_args__ = (Index("ix_portal_attempt_key_at", "key", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str
    at: datetime = when()


class PortalAttachment(SQLModel, table=True):
    """A file a caller attached to their reply in the portal, kept with the journal entry of the
    reply (its body names the files for the analysts, as a received mail lists its attachments)."""

    __tablename__ = "portal_attachment"
    __table_args__ = (Index("ix_portal_attachment_record", "record_kind", "record_id"),)
    id: int | None = Field(default=None, primary_key=True)
    record_kind: str
    record_id: int
    entry_id: int | None = Field(default=None, foreign_key="journal_entry.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    filename: str
    content_type: str = "application/octet-stream"
    size: int
    data: bytes = Field(sa_type=LargeBinary)
    created_at: datetime = when()
