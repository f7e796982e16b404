"""The tables. Every record that analysts edit carries a `version` for optimistic locking (R43).

Times are aware UTC (rule 5). Journal entries, read markers, links and the change feed name
their record by (record_kind, record_id), so service requests and later record kinds use them
without reshaping anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, UniqueConstraint, false, text
from sqlmodel import Field, SQLModel

from helpdesk_tui.domain.collation import NOBODY
from helpdesk_tui.store.fields import fk, maybe_when, sort_key_field, when
from helpdesk_tui.store.types import JSONText, UTCDateTime

# The partial indexes' predicates; queries repeat them literally so that the planners (which
# cannot prove anything about bound parameters) use those indexes.
OPEN_INCIDENT_SQL = "status NOT IN ('closed', 'cancelled')"
OPEN_TASK_SQL = "status IN ('open', 'accepted')"
_OPEN = OPEN_INCIDENT_SQL


# --- people, groups, organisations ---------------------------------------------------------


class Organisation(SQLModel, table=True):
    """A client organisation (R41: its monthly subscription limits service-desk hours)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    email_domain: str | None = None
    subscription_minutes: int = 0
    active: bool = True
    created_at: datetime = when()
    version: int = 1
    # The callers' portal: its people see one another's tickets (read only) when the client allows.
    portal_shared: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class Person(SQLModel, table=True):
    # Mail intake and sign-in find a person by address whatever its case: lower(email) == ?.
    __table_args__ = (Index("ix_person_email_lower", text("lower(email)")),)
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(unique=True)
    full_name: str
    # The name case-folded (Cyrillic too), so pickers and look-ups match «петренко» to «Петренко».
    name_key: str = Field(index=True)
    # Surname first, in the Ukrainian alphabet (domain/collation.py): how lists of people sort.
    sort_key: str = sort_key_field(default="", sa_column_kwargs={"server_default": ""})
    email: str | None = Field(default=None, index=True)
    phone: str | None = None
    # The phone's digits only, so «067 123-45-67» finds «+380 67 123 45 67».
    phone_key: str | None = Field(default=None, index=True)
    organisation_id: int | None = fk("organisation.id")
    active: bool = True
    password_hash: str | None = None
    language: str | None = None
    created_at: datetime = when()
    version: int = 1


class PersonRole(SQLModel, table=True):
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    role: str = Field(primary_key=True)


class WorkGroup(SQLModel, table=True):
    __tablename__ = "work_group"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    email: str | None = None
    description: str = ""
    active: bool = True
    version: int = 1


class GroupMember(SQLModel, table=True):
    __tablename__ = "group_member"
    group_id: int = Field(foreign_key="work_group.id", primary_key=True)
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True)


# --- catalogue of what the desk supports ---------------------------------------------------


class Service(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    description: str = ""
    default_group_id: int | None = fk("work_group.id")
    active: bool = True
    version: int = 1


class Category(SQLModel, table=True):
    """R36: `kind` tells an incident from a change request (outside the subscription)."""

    __table_args__ = (UniqueConstraint("service_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    name: str
    service_id: int | None = fk("service.id")
    kind: str = "incident"
    # «Внесення дрібних змін в конфігурацію» (R36): past half an hour of work, the desk is
    # prompted to make the incident a change request.
    small_change: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    active: bool = True


class ConfigurationItem(SQLModel, table=True):
    __tablename__ = "configuration_item"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    service_id: int | None = fk("service.id")
    description: str = ""
    active: bool = True
    kind: str = Field(default="other", sa_column_kwargs={"server_default": "other"})  # domain/config_items.py
    group_id: int | None = fk("work_group.id")  # the work group that looks after it
    location: str = Field(default="", sa_column_kwargs={"server_default": ""})
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})


class Vendor(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    email: str | None = None
    phone: str | None = None
    active: bool = True


# --- incidents and their work --------------------------------------------------------------


class Incident(SQLModel, table=True):
    __table_args__ = (
        # One partial index per dashboard tab (R9, R10): each first page is an index range.
        Index("ix_incident_unclassified", "created_at", "id",
              sqlite_where=text(f"priority IS NULL AND {_OPEN}"),
              postgresql_where=text(f"priority IS NULL AND {_OPEN}")),
        Index("ix_incident_group_unassigned", "group_id", "created_at", "id",
              sqlite_where=text(f"owner_id IS NULL AND {_OPEN}"),
              postgresql_where=text(f"owner_id IS NULL AND {_OPEN}")),
        Index("ix_incident_group_open", "group_id", "created_at", "id",
              sqlite_where=text(_OPEN), postgresql_where=text(_OPEN)),
        # The open queue newest first, its group beside: a team's first page reads the newest
        # rows and skips other groups', instead of sorting all of its groups' rows (an IN list
        # of groups cannot be read in order from the index above).
        Index("ix_incident_open_created", "created_at", "id", "group_id",
              sqlite_where=text(_OPEN), postgresql_where=text(_OPEN)),
        # Status last: the owner's open rows come newest first and the status filter reads the index.
        Index("ix_incident_owner_open", "owner_id", "created_at", "id", "status",
              sqlite_where=text(_OPEN), postgresql_where=text(_OPEN)),
        Index("ix_incident_resolution_due", "resolution_due",
              sqlite_where=text(_OPEN), postgresql_where=text(_OPEN)),
        Index("ix_incident_response_due", "response_due",
              sqlite_where=text(f"responded_at IS NULL AND {_OPEN}"),
              postgresql_where=text(f"responded_at IS NULL AND {_OPEN}")),
        Index("ix_incident_resolution_warn", "resolution_warn_at",
              sqlite_where=text(_OPEN), postgresql_where=text(_OPEN)),
        Index("ix_incident_response_warn", "response_warn_at",
              sqlite_where=text(f"responded_at IS NULL AND {_OPEN}"),
              postgresql_where=text(f"responded_at IS NULL AND {_OPEN}")),
        Index("ix_incident_status_created", "status", "created_at", "id"),
        Index("ix_incident_created", "created_at", "id"),
        # A caller's incidents, newest first: the mail intake's rate limit counts the last hour's.
        Index("ix_incident_caller_created", "caller_id", "created_at"),
        # Sorted by caller (surname first, Ukrainian alphabet): a page of any list is an index range.
        Index("ix_incident_caller_sort", "caller_sort", "id"),
    )  # fmt: skip
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    caller_id: int | None = Field(default=None, foreign_key="person.id")
    # The caller's Person.sort_key, kept on the row (desk/incidents.py, desk/admin.py) so that a
    # list sorted by caller reads an index instead of sorting every matching row through a join;
    # collation.NOBODY without a caller.
    caller_sort: str = sort_key_field(default=NOBODY, sa_column_kwargs={"server_default": NOBODY})
    organisation_id: int | None = fk("organisation.id")
    channel: str = "phone"
    short_description: str
    description: str = ""
    service_id: int | None = fk("service.id")
    category_id: int | None = fk("category.id")
    impact: int | None = None
    urgency: int | None = None
    priority: int | None = None
    priority_overridden: bool = False
    criticality: str | None = None
    urgent_reason: str | None = None
    # R36: incident (the desk's work, within the subscription) or change_request (development's,
    # outside it, started only once the client has agreed: agreed_at and how, in `agreement`).
    kind: str = Field(default="incident", sa_column_kwargs={"server_default": "incident"})
    agreed_at: datetime | None = maybe_when()
    agreement: str | None = None
    status: str = "registered"
    group_id: int | None = fk("work_group.id")
    owner_id: int | None = fk("person.id")
    opened_by_id: int | None = fk("person.id")
    solution: str | None = None
    reason_code: str | None = None
    configuration_item_id: int | None = fk("configuration_item.id")
    # R40: whose turn it is, from the last message: "desk" (the client wrote last), "caller" (the
    # desk did), "nobody" (closed); domain/turn.py reads it with the status for the coloured dot.
    waiting_on: str = "desk"
    created_at: datetime = when()
    updated_at: datetime = when()
    responded_at: datetime | None = maybe_when()
    resolved_at: datetime | None = maybe_when()
    closed_at: datetime | None = maybe_when()
    response_due: datetime | None = maybe_when()
    resolution_due: datetime | None = maybe_when()
    # When the clocks cross the warning share (desk/sla.py keeps these with the due times).
    response_warn_at: datetime | None = maybe_when()
    resolution_warn_at: datetime | None = maybe_when()
    version: int = 1


class Task(SQLModel, table=True):
    """An internal task for a work group, of an incident or of a service request (R21, R29)."""

    __table_args__ = (
        Index("ix_task_group_open", "group_id", "owner_id", "created_at", "id",
              sqlite_where=text(OPEN_TASK_SQL), postgresql_where=text(OPEN_TASK_SQL)),
        Index("ix_task_owner", "owner_id", "status", "created_at", "id"),
    )  # fmt: skip
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    incident_id: int | None = Field(default=None, foreign_key="incident.id", index=True)
    request_id: int | None = Field(default=None, foreign_key="service_request.id", index=True)
    group_id: int = Field(foreign_key="work_group.id")
    owner_id: int | None = fk("person.id")
    short_description: str
    details: str = ""
    status: str = "open"
    automatic: bool = False
    sequence: int | None = None
    completion_comment: str | None = None
    created_by_id: int | None = fk("person.id")
    created_at: datetime = when()
    updated_at: datetime = when()
    accepted_at: datetime | None = maybe_when()
    completed_at: datetime | None = maybe_when()
    version: int = 1


class ExternalTask(SQLModel, table=True):
    """Work handed to a vendor (R24)."""

    __tablename__ = "external_task"
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    incident_id: int = Field(foreign_key="incident.id", index=True)
    service_id: int | None = fk("service.id")
    vendor_id: int = Field(foreign_key="vendor.id")
    short_description: str
    details: str = ""
    vendor_answer: str | None = None
    status: str = "open"
    created_by_id: int | None = fk("person.id")
    created_at: datetime = when()
    completed_at: datetime | None = maybe_when()
    version: int = 1


# --- the journal: notes, status and field changes, notifications, e-mail ----------------------


class JournalEntry(SQLModel, table=True):
    __tablename__ = "journal_entry"
    __table_args__ = (Index("ix_journal_record", "record_kind", "record_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    record_kind: str
    record_id: int
    # note | status | change | notification | email | task | system
    kind: str
    author_id: int | None = fk("person.id")
    created_at: datetime = when()
    # The summary and the body each reader sees. Words of the desk's own are kept as a message
    # untranslated (domain/messages.py): its msgid in `*_key`, its placeholders' values in
    # `*_args`, translated when read, in the reader's language; `summary` and `body` then hold
    # its English text, for anything that reads the table directly. Without a key (what someone
    # typed or mailed, or an entry written before keys existed) the text is shown as it is.
    summary: str = ""
    summary_key: str | None = None
    summary_args: Any = Field(default=None, sa_column=Column(JSONText, nullable=True))
    body: str = ""
    body_key: str | None = None
    body_args: Any = Field(default=None, sa_column=Column(JSONText, nullable=True))
    # R23: a published note is visible to the caller and e-mailed to them.
    published: bool = False
    status_from: str | None = None
    status_to: str | None = None
    # The record's version after this change, so a stale save can be shown what changed since.
    record_version: int | None = None


class FieldChange(SQLModel, table=True):
    """R42: one field's old and new value, under the journal entry of the change."""

    __tablename__ = "field_change"
    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="journal_entry.id", index=True)
    field: str
    old_value: str | None = None
    new_value: str | None = None


class UnreadMarker(SQLModel, table=True):
    """R16: a journal entry that a person has not read yet (its existence is the blue bar)."""

    __tablename__ = "unread_marker"
    __table_args__ = (Index("ix_unread_person_record", "person_id", "record_kind", "record_id"),)
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    entry_id: int = Field(foreign_key="journal_entry.id", primary_key=True)
    record_kind: str
    record_id: int


class RecordLink(SQLModel, table=True):
    """R4: a knowledge article, problem or incident related to a record."""

    __tablename__ = "record_link"
    __table_args__ = (UniqueConstraint("from_kind", "from_id", "to_kind", "to_id"),)
    id: int | None = Field(default=None, primary_key=True)
    from_kind: str
    from_id: int = Field(index=True)
    to_kind: str
    to_id: int
    relation: str = "related"
    created_by_id: int | None = fk("person.id")
    created_at: datetime = when()


class KnowledgeArticle(SQLModel, table=True):
    """R4: an article of the knowledge base; its earlier versions are in article_version."""

    __tablename__ = "knowledge_article"
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    title: str
    body: str = ""  # Markdown
    solution: str = ""
    service_id: int | None = fk("service.id")
    # draft | published | retired; `published` mirrors it for the search, which suggests only those.
    status: str = Field(default="published", sa_column_kwargs={"server_default": "published"})
    published: bool = True
    keywords: str = Field(default="", sa_column_kwargs={"server_default": ""})
    author_id: int | None = fk("person.id")
    reviewer_id: int | None = fk("person.id")  # who published it
    source_incident_id: int | None = fk("incident.id")  # written from this incident's solution
    created_at: datetime = when()
    updated_at: datetime = when()
    published_at: datetime | None = maybe_when()
    version: int = 1


class Problem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True)
    short_description: str
    description: str = ""
    workaround: str = ""
    root_cause: str = Field(default="", sa_column_kwargs={"server_default": ""})
    solution: str = Field(default="", sa_column_kwargs={"server_default": ""})
    status: str = Field(default="registered", sa_column_kwargs={"server_default": "registered"})  # domain/problem_status.py
    service_id: int | None = fk("service.id")
    configuration_item_id: int | None = fk("configuration_item.id")
    group_id: int | None = fk("work_group.id")
    owner_id: int | None = fk("person.id")
    created_at: datetime = when()
    updated_at: datetime | None = maybe_when()
    resolved_at: datetime | None = maybe_when()
    closed_at: datetime | None = maybe_when()
    version: int = 1


# --- searches ------------------------------------------------------------------------------


class SavedSearch(SQLModel, table=True):
    """R14: conditions are [{field, op, value}], compiled against a whitelist of fields."""

    __tablename__ = "saved_search"
    id: int | None = Field(default=None, primary_key=True)
    owner_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    name: str
    record_kind: str = "incident"
    conditions: Any = Field(default_factory=list, sa_column=Column(JSONText, nullable=False))
    text: str = ""
    sort_field: str | None = None
    sort_desc: bool = True
    created_at: datetime = when()
    version: int = 1


class SavedSearchFavourite(SQLModel, table=True):
    __tablename__ = "saved_search_favourite"
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    search_id: int = Field(foreign_key="saved_search.id", primary_key=True)


# --- plumbing: numbers, change feed, leases, outbox ------------------------------------------


class NumberSequence(SQLModel, table=True):
    __tablename__ = "number_sequence"
    name: str = Field(primary_key=True)
    next_value: int = 1


class ChangeFeed(SQLModel, table=True):
    """What changed, in order; running apps poll its high-water mark (R43)."""

    __tablename__ = "change_feed"
    id: int | None = Field(default=None, primary_key=True)
    record_kind: str
    record_id: int
    change: str
    actor_id: int | None = None
    at: datetime = when()


class JobLease(SQLModel, table=True):
    __tablename__ = "job_lease"
    name: str = Field(primary_key=True)
    holder: str
    acquired_at: datetime = when()
    expires_at: datetime = Field(sa_type=UTCDateTime)


class OutboxMessage(SQLModel, table=True):
    """A notification waiting to be sent (R5); sending comes with the mail issue."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"), Index("ix_outbox_message_id", "message_id"))
    id: int | None = Field(default=None, primary_key=True)
    template: str
    language: str = "uk"
    to_address: str
    to_person_id: int | None = fk("person.id")
    subject: str
    body: str
    record_kind: str | None = None
    record_id: int | None = None
    journal_entry_id: int | None = fk("journal_entry.id")
    status: str = "queued"
    attempts: int = 0
    next_attempt_at: datetime = when()
    last_error: str | None = None
    message_id: str | None = None
    created_at: datetime = when()
    sent_at: datetime | None = maybe_when()


# The identity, SLA and mail tables live in their own modules; importing them here registers them with
# the metadata (Alembic, backups) and keeps `from helpdesk_tui.store.models import X` working.
from helpdesk_tui.store.identity_tables import AccessToken, SecurityEvent, SshKey  # noqa: E402,F401
from helpdesk_tui.store.mail_tables import InboundMail, MailAttachment, MailboxState  # noqa: E402,F401
from helpdesk_tui.store.portal_tables import PortalAttachment, PortalAttempt, PortalLink, PortalSession  # noqa: E402,F401
from helpdesk_tui.store.request_tables import (  # noqa: E402,F401
    ACTIVE_REQUEST_SQL,
    DONE_REQUEST_SQL,
    Approval,
    CatalogItem,
    RequestSlaEvent,
    ServiceRequest,
)
from helpdesk_tui.store.knowledge_tables import ArticleVersion  # noqa: E402,F401
from helpdesk_tui.store.time_tables import RunningTimer, Subscription, TimeEntry  # noqa: E402,F401
from helpdesk_tui.store.sla_tables import (  # noqa: E402,F401
    BusinessCalendarRow,
    CalendarDay,
    DeskSetting,
    SlaEvent,
    SlaPolicy,
)
