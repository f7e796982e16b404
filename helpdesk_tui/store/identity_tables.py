"""Identity tables: sign-in tokens, SSH keys and the journal of security events (R1, R2)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from helpdesk_tui.store.fields import fk, maybe_when, when


class AccessToken(SQLModel, table=True):
    """A secret that stands for a person: a CLI sign-in (`session`, expiring) or an API token
    (`api`, for automation). Only its SHA-256 is kept; the secret is shown once."""

    __tablename__ = "access_token"
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    kind: str = "session"  # session | api
    name: str = ""
    token_hash: str = Field(unique=True)
    created_at: datetime = when()
    expires_at: datetime | None = maybe_when()
    last_used_at: datetime | None = maybe_when()
    revoked_at: datetime | None = maybe_when()


class SshKey(SQLModel, table=True):
    """A person's public key: `ssh-keys sync` writes it into the service account's
    authorized_keys with a forced command naming that person (the gitolite way)."""

    __tablename__ = "ssh_key"
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    key_type: str
    key_data: str
    comment: str = ""
    fingerprint: str = Field(unique=True)
    created_at: datetime = when()


class SecurityEvent(SQLModel, table=True):
    """Sign-ins, their failures, role, password, token and key changes: `helpdesk audit`.

    `login` is what was typed (a failure may name nobody who exists); counting a login's recent
    failures reads (login, at) from the index."""

    __tablename__ = "security_event"
    __table_args__ = (Index("ix_security_event_login_at", "login", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = when(index=True)
    kind: str
    login: str = ""
    person_id: int | None = fk("person.id")
    actor_id: int | None = fk("person.id")
    source: str = ""  # tui | cli | ssh | token | portal | jobs
    detail: str = ""
