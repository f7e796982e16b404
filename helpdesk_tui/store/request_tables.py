"""Service requests (R27–R32): the catalog's item versions, the requests made from them, their
approvals, and what the SLA ticker has done for each request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from helpdesk_tui.store.fields import fk, maybe_when, when
from helpdesk_tui.store.types import JSONText

# The partial indexes' predicates (domain.requests.ACTIVE and DONE); queries repeat them literally
# so that the planners, which cannot prove anything about bound parameters, use those indexes.
ACTIVE_REQUEST_SQL = "status IN ('registered', 'in_progress', 'awaiting_approval')"
# What the SLA ticker measures: registered or in progress (awaiting approval it is paused). Said
# with NOT IN so that SQLite, without statistics, reads the due indexes below and not the status
# index (an IN list is a status index range to it: 130 ms instead of 3 at 200k requests).
TICKING_REQUEST_SQL = "status NOT IN ('awaiting_approval', 'implemented', 'closed', 'rejected', 'cancelled')"
UNANSWERED_REQUEST_SQL = f"responded_at IS NULL AND {TICKING_REQUEST_SQL}"
DONE_REQUEST_SQL = "status IN ('implemented', 'closed', 'rejected', 'cancelled')"


class CatalogItem(SQLModel, table=True):
    """One version of a catalog item, as the reviewed catalog file defined it (R27, R29).

    A version never changes: a changed definition is loaded as the next version, the previous
    one stops being `current`, and a request keeps the version it was made with. Names in the
    file are kept resolved to ids; `digest` tells an unchanged definition from a changed one."""

    __tablename__ = "catalog_item"
    __table_args__ = (UniqueConstraint("code", "version"), Index("ix_catalog_item_current", "current", "code"))
    id: int | None = Field(default=None, primary_key=True)
    code: str
    version: int = 1
    # The version offered for new requests; a withdrawn item (active = false in the file) has none.
    current: bool = True
    name: str
    name_en: str = ""
    description: str = ""
    description_en: str = ""
    service_id: int | None = fk("service.id")
    group_id: int | None = fk("work_group.id")
    # Who may ask for it: {"organisations": [ids], "groups": [ids]}; both empty, everyone.
    audience: Any = Field(default_factory=dict, sa_column=Column(JSONText, nullable=False))
    fields: Any = Field(default_factory=list, sa_column=Column(JSONText, nullable=False))
    # {"people": [ids], "groups": [ids], "mode": "any" | "all"}, or None without approval.
    approval: Any = Field(default=None, sa_column=Column(JSONText, nullable=True))
    # Stages in order, each a list of {"group_id", "short_description", "details"}.
    stages: Any = Field(default_factory=list, sa_column=Column(JSONText, nullable=False))
    response_minutes: int | None = None
    resolution_minutes: int | None = None
    digest: str = ""
    loaded_at: datetime = when()
    loaded_by_id: int | None = fk("person.id")


class ServiceRequest(SQLModel, table=True):
    __tablename__ = "service_request"
    __table_args__ = (
        Index("ix_request_group_status", "group_id", "status", "created_at", "id"),
        Index("ix_request_owner_status", "owner_id", "status", "created_at", "id"),
        Index("ix_request_status_created", "status", "created_at", "id"),
        Index("ix_request_opened_by", "opened_by_id", "created_at", "id"),
        # What the SLA ticker and `sla breaching` read, as the incidents' (store/models.py).
        Index("ix_request_due", "due_at",
              sqlite_where=text(TICKING_REQUEST_SQL), postgresql_where=text(TICKING_REQUEST_SQL)),
        Index("ix_request_response_due", "response_due",
              sqlite_where=text(UNANSWERED_REQUEST_SQL), postgresql_where=text(UNANSWERED_REQUEST_SQL)),
        Index("ix_request_response_warn", "response_warn_at",
              sqlite_where=text(UNANSWERED_REQUEST_SQL), postgresql_where=text(UNANSWERED_REQUEST_SQL)),
        Index("ix_request_resolution_warn", "resolution_warn_at",
              sqlite_where=text(TICKING_REQUEST_SQL), postgresql_where=text(TICKING_REQUEST_SQL)),
        # The live queue newest first (every active request, a team's: the group is read from the
        # index), instead of sorting every active row of the statuses' three ranges.
        Index("ix_request_active_created", "created_at", "id", "group_id",
              sqlite_where=text(ACTIVE_REQUEST_SQL), postgresql_where=text(ACTIVE_REQUEST_SQL)),
        # An owner's finished requests newest first: years of them, read in order, counted on a
        # narrow index.
        Index("ix_request_owner_done", "owner_id", "created_at", "id",
              sqlite_where=text(DONE_REQUEST_SQL), postgresql_where=text(DONE_REQUEST_SQL)),
    )  # fmt: skip
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    requester_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    organisation_id: int | None = fk("organisation.id")
    catalog_item_id: int | None = fk("catalog_item.id")
    parameters: Any = Field(default_factory=dict, sa_column=Column(JSONText, nullable=False))
    short_description: str = ""
    description: str = ""
    channel: str = "phone"
    status: str = "registered"
    group_id: int | None = fk("work_group.id")
    owner_id: int | None = fk("person.id")
    opened_by_id: int | None = fk("person.id")
    created_at: datetime = when()
    updated_at: datetime = when()
    responded_at: datetime | None = maybe_when()
    approved_at: datetime | None = maybe_when()
    implemented_at: datetime | None = maybe_when()
    closed_at: datetime | None = maybe_when()
    # The SLA's targets on the business calendar (desk/request_sla.py); due_at is the resolution's.
    response_due: datetime | None = maybe_when()
    due_at: datetime | None = maybe_when()
    response_warn_at: datetime | None = maybe_when()
    resolution_warn_at: datetime | None = maybe_when()
    version: int = 1


class Approval(SQLModel, table=True):
    """One approver's decision on one request (R28); an e-mail reply decides by its token."""

    __table_args__ = (Index("ix_approval_waiting", "approver_id", "state", "request_id"),)
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="service_request.id", index=True)
    approver_id: int = Field(foreign_key="person.id", index=True)
    state: str = "requested"
    comment: str = ""
    # SHA-256 of the token in the approval e-mail's subject; never the token itself.
    token_hash: str | None = Field(default=None, index=True)
    decided_via: str | None = None  # tui | cli | email
    created_at: datetime = when()
    decided_at: datetime | None = maybe_when()


class RequestSlaEvent(SQLModel, table=True):
    """What the ticker has done for a request: each kind once, whoever ticks."""

    __tablename__ = "request_sla_event"
    __table_args__ = (UniqueConstraint("request_id", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="service_request.id")
    kind: str
    at: datetime = when()
