"""What can be listed: each record kind's columns (for sorting and display) and the fields a
filter may name (the whitelist saved searches are compiled against), and who is looking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.statuses import Criticality
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import (
    CatalogItem,
    Category,
    ConfigurationItem,
    GroupMember,
    Incident,
    Organisation,
    Person,
    Problem,
    RecordLink,
    Service,
    ServiceRequest,
    Task,
    WorkGroup,
)

PAGE_SIZE = 100
PG_FOLDING_COLLATION = "und-x-icu"
Cursor = tuple[Any, int]


@dataclass(frozen=True)
class Viewer:
    """Who is looking: "my" and "my team" in the dashboards mean this person and their groups."""

    person_id: int
    group_ids: tuple[int, ...]

    @classmethod
    def load(cls, session: Session, person_id: int) -> Viewer:
        groups = session.execute(select(GroupMember.group_id).where(GroupMember.person_id == person_id)).scalars()
        return cls(person_id, tuple(sorted(groups)))


# --- record kinds and their columns ---------------------------------------------------------

_caller = aliased(Person, name="caller")
_owner = aliased(Person, name="owner")
_requester = aliased(Person, name="requester")
_towner = aliased(Person, name="towner")
_rowner = aliased(Person, name="rowner")
_parent = aliased(Incident, name="parent")
_request_parent = aliased(ServiceRequest, name="request_parent")
_powner = aliased(Person, name="powner")


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    label: str
    expr: Any
    nullable: bool = True
    joined: bool = False  # the value comes from a joined table (a name), not the record's own row
    # For a joined value: the same value as a correlated sub-select, for pages that do not sort by
    # it. PostgreSQL plans four outer joins in 2-3 ms, longer than the page takes to read.
    lookup: Any = None
    # What the list sorts by when it is not the value shown: a person's sort key (surname first,
    # Ukrainian alphabet), not the full name. Pages then carry it as cursor_column(name).
    order: Any = None

    @property
    def sort_expr(self) -> Any:
        return self.expr if self.order is None else self.order


def _name(value: Any, key: Any, via: Any, label: str, title: str, order: Any = None) -> ColumnSpec:
    """A joined name column: `value` of the row whose `key` equals the record's `via`."""
    return ColumnSpec(label, title, value, joined=True, order=order,
                      lookup=select(value).where(key == via).correlate_except(key.table).scalar_subquery())


def _person(alias: Any, via: Any, label: str, title: str) -> ColumnSpec:
    """A person's full name, sorted by surname in the Ukrainian alphabet (through the join)."""
    return _name(alias.full_name, alias.id, via, label, title, order=alias.sort_key)


def _parent_number() -> ColumnSpec:
    """A task's parent: its incident's number, or its service request's (R31)."""
    lookup = func.coalesce(
        select(Incident.number).where(Incident.id == Task.incident_id).correlate_except(Incident).scalar_subquery(),
        select(ServiceRequest.number).where(ServiceRequest.id == Task.request_id)
        .correlate_except(ServiceRequest).scalar_subquery())
    return ColumnSpec("parent", N_("Parent"), func.coalesce(_parent.number, _request_parent.number), joined=True,
                      lookup=lookup)


@dataclass(frozen=True)
class RefField:
    """A filter on a referenced record by its name: `group:"Перша лінія"`."""

    column: Any
    model: Any
    match: tuple[Any, ...]


@dataclass
class Source:
    kind: str
    model: Any
    columns: dict[str, ColumnSpec]
    from_clause: Callable[[], Any]
    default_sort: tuple[str, bool]
    text_columns: tuple[Any, ...]
    refs: dict[str, RefField] = field(default_factory=dict)
    plain: dict[str, Any] = field(default_factory=dict)

    def column(self, name: str) -> ColumnSpec:
        try:
            return self.columns[name]
        except KeyError:
            raise RuleViolation(
                _("Unknown column «{name}»; one of: {names}").format(name=name, names=", ".join(self.columns))
            ) from None

    @property
    def filter_fields(self) -> set[str]:
        return set(self.refs) | set(self.plain)


def _cols(*specs: ColumnSpec) -> dict[str, ColumnSpec]:
    return {s.name: s for s in specs}


INCIDENTS = Source(
    kind="incident",
    model=Incident,
    columns=_cols(
        ColumnSpec("number", N_("Number"), Incident.number, False),
        ColumnSpec("short_description", N_("Short description"), Incident.short_description, False),
        ColumnSpec("status", N_("Status"), Incident.status, False),
        ColumnSpec("priority", N_("Priority"), Incident.priority),
        # Sorted by rank (low → urgent), not by the code's letters.
        ColumnSpec("criticality", N_("Criticality"), Incident.criticality,
                   order=case({c.value: rank for rank, c in enumerate(Criticality, 1)}, value=Incident.criticality)),
        # Sorted by the caller's key kept on the incident (ix_incident_caller_sort), never NULL
        # (collation.NOBODY): no join, no sort, a page of a million rows is an index range.
        replace(_person(_caller, Incident.caller_id, "caller", N_("Caller")), joined=False, order=Incident.caller_sort,
                nullable=False),
        _name(WorkGroup.name, WorkGroup.id, Incident.group_id, "group", N_("Work group")),
        _person(_owner, Incident.owner_id, "owner", N_("Owner")),
        _name(Service.name, Service.id, Incident.service_id, "service", N_("Service")),
        ColumnSpec("channel", N_("Channel"), Incident.channel, False),
        ColumnSpec("ticket_kind", N_("Kind of ticket"), Incident.kind, False),  # R36
        ColumnSpec("created_at", N_("Created"), Incident.created_at, False),
        ColumnSpec("updated_at", N_("Updated"), Incident.updated_at, False),
        ColumnSpec("resolution_due", N_("Resolution due"), Incident.resolution_due),
    ),
    from_clause=lambda: Incident.__table__.outerjoin(_caller, _caller.id == Incident.caller_id)
    .outerjoin(_owner, _owner.id == Incident.owner_id)
    .outerjoin(WorkGroup, WorkGroup.id == Incident.group_id)
    .outerjoin(Service, Service.id == Incident.service_id),
    default_sort=("created_at", True),
    text_columns=(Incident.short_description, Incident.number),
    refs={
        "group": RefField(Incident.group_id, WorkGroup, (WorkGroup.name,)),
        "owner": RefField(Incident.owner_id, Person, (Person.login, Person.full_name)),
        "caller": RefField(Incident.caller_id, Person, (Person.login, Person.full_name, Person.email)),
        "service": RefField(Incident.service_id, Service, (Service.name,)),
        "category": RefField(Incident.category_id, Category, (Category.name,)),
        "organisation": RefField(Incident.organisation_id, Organisation, (Organisation.name,)),
    },
    plain={
        "status": Incident.status,
        "priority": Incident.priority,
        "impact": Incident.impact,
        "urgency": Incident.urgency,
        "criticality": Incident.criticality,
        "channel": Incident.channel,
        "ticket_kind": Incident.kind,
        "number": Incident.number,
        "short_description": Incident.short_description,
        "description": Incident.description,
        "created_at": Incident.created_at,
        "updated_at": Incident.updated_at,
        "waiting_on": Incident.waiting_on,
    },
)

TASKS = Source(
    kind="task",
    model=Task,
    columns=_cols(
        ColumnSpec("number", N_("Number"), Task.number, False),
        ColumnSpec("short_description", N_("Short description"), Task.short_description, False),
        ColumnSpec("status", N_("Status"), Task.status, False),
        _name(WorkGroup.name, WorkGroup.id, Task.group_id, "group", N_("Work group")),
        _person(_towner, Task.owner_id, "owner", N_("Owner")),
        _parent_number(),
        ColumnSpec("created_at", N_("Created"), Task.created_at, False),
        ColumnSpec("updated_at", N_("Updated"), Task.updated_at, False),
    ),
    from_clause=lambda: Task.__table__.outerjoin(WorkGroup, WorkGroup.id == Task.group_id)
    .outerjoin(_towner, _towner.id == Task.owner_id)
    .outerjoin(_parent, _parent.id == Task.incident_id)
    .outerjoin(_request_parent, _request_parent.id == Task.request_id),
    default_sort=("created_at", True),
    text_columns=(Task.short_description, Task.number),
    refs={
        "group": RefField(Task.group_id, WorkGroup, (WorkGroup.name,)),
        "owner": RefField(Task.owner_id, Person, (Person.login, Person.full_name)),
    },
    plain={"status": Task.status, "number": Task.number, "short_description": Task.short_description,
           "created_at": Task.created_at, "updated_at": Task.updated_at},
)

REQUESTS = Source(
    kind="service_request",
    model=ServiceRequest,
    columns=_cols(
        ColumnSpec("number", N_("Number"), ServiceRequest.number, False),
        ColumnSpec("short_description", N_("Short description"), ServiceRequest.short_description, False),
        ColumnSpec("status", N_("Status"), ServiceRequest.status, False),
        _person(_requester, ServiceRequest.requester_id, "requester", N_("Requester")),
        _name(WorkGroup.name, WorkGroup.id, ServiceRequest.group_id, "group", N_("Work group")),
        _person(_rowner, ServiceRequest.owner_id, "owner", N_("Owner")),
        ColumnSpec("created_at", N_("Created"), ServiceRequest.created_at, False),
        ColumnSpec("due_at", N_("Due"), ServiceRequest.due_at),
    ),
    from_clause=lambda: ServiceRequest.__table__.outerjoin(WorkGroup, WorkGroup.id == ServiceRequest.group_id)
    .outerjoin(_requester, _requester.id == ServiceRequest.requester_id)
    .outerjoin(_rowner, _rowner.id == ServiceRequest.owner_id),
    default_sort=("created_at", True),
    text_columns=(ServiceRequest.short_description, ServiceRequest.number),
    refs={
        "group": RefField(ServiceRequest.group_id, WorkGroup, (WorkGroup.name,)),
        "owner": RefField(ServiceRequest.owner_id, Person, (Person.login, Person.full_name)),
        "requester": RefField(ServiceRequest.requester_id, Person, (Person.login, Person.full_name)),
        # Any version of the item: a request keeps the one it was made with.
        "item": RefField(ServiceRequest.catalog_item_id, CatalogItem, (CatalogItem.code, CatalogItem.name,
                                                                      CatalogItem.name_en)),
        "organisation": RefField(ServiceRequest.organisation_id, Organisation, (Organisation.name,)),
    },
    plain={"status": ServiceRequest.status, "number": ServiceRequest.number,
           "short_description": ServiceRequest.short_description, "created_at": ServiceRequest.created_at,
           "due_at": ServiceRequest.due_at, "channel": ServiceRequest.channel},
)


def _linked_incidents() -> Any:
    """How many incidents a problem is behind (R4 links from the incident to the problem)."""
    return (select(func.count()).select_from(RecordLink)
            .where(RecordLink.from_kind == "incident", RecordLink.to_kind == "problem",
                   RecordLink.to_id == Problem.id)
            .correlate_except(RecordLink).scalar_subquery())


PROBLEMS = Source(
    kind="problem",
    model=Problem,
    columns=_cols(
        ColumnSpec("number", N_("Number"), Problem.number, False),
        ColumnSpec("status", N_("Status"), Problem.status, False),
        ColumnSpec("short_description", N_("Short description"), Problem.short_description, False),
        ColumnSpec("incidents", N_("Incidents"), _linked_incidents(), False),
        _name(Service.name, Service.id, Problem.service_id, "service", N_("Service")),
        _name(ConfigurationItem.name, ConfigurationItem.id, Problem.configuration_item_id, "configuration_item",
              N_("Configuration item")),
        _name(WorkGroup.name, WorkGroup.id, Problem.group_id, "group", N_("Work group")),
        _person(_powner, Problem.owner_id, "owner", N_("Owner")),
        ColumnSpec("created_at", N_("Created"), Problem.created_at, False),
        ColumnSpec("updated_at", N_("Updated"), Problem.updated_at),
    ),
    from_clause=lambda: Problem.__table__.outerjoin(WorkGroup, WorkGroup.id == Problem.group_id)
    .outerjoin(_powner, _powner.id == Problem.owner_id)
    .outerjoin(Service, Service.id == Problem.service_id)
    .outerjoin(ConfigurationItem, ConfigurationItem.id == Problem.configuration_item_id),
    default_sort=("created_at", True),
    text_columns=(Problem.short_description, Problem.number),
    refs={
        "group": RefField(Problem.group_id, WorkGroup, (WorkGroup.name,)),
        "owner": RefField(Problem.owner_id, Person, (Person.login, Person.full_name)),
        "service": RefField(Problem.service_id, Service, (Service.name,)),
        "configuration_item": RefField(Problem.configuration_item_id, ConfigurationItem, (ConfigurationItem.name,)),
    },
    plain={"status": Problem.status, "number": Problem.number, "short_description": Problem.short_description,
           "root_cause": Problem.root_cause, "workaround": Problem.workaround,
           "created_at": Problem.created_at, "updated_at": Problem.updated_at},
)

SOURCES = {s.kind: s for s in (INCIDENTS, TASKS, REQUESTS, PROBLEMS)}


def source(kind: str) -> Source:
    try:
        return SOURCES[kind]
    except KeyError:
        raise RuleViolation(_("Unknown record kind «{kind}»").format(kind=kind)) from None
