"""Reads for lists (rule 3): dashboard tabs, filters and saved searches, one keyset page at a time.

A page is found by the sort key of the row before it (keyset pagination), so page 10,000 costs
what page 1 costs. Each dashboard tab's default order is served by a partial index
(models.Incident.__table_args__).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, literal, not_, or_, select, text, true, tuple_
from sqlalchemy.orm import aliased
from sqlmodel import Session

from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.filters import Condition, Filter
from helpdesk_tui.domain.statuses import (
    ACTIVE,
    AWAITING_OTHERS,
    FINAL,
    NEEDS_MY_ACTION,
    TASK_DONE,
    TASK_STATUS_LABELS,
    IncidentStatus,
    TaskStatus,
    names_in_all_languages,
    parse_incident_status,
)
from helpdesk_tui.i18n import N_, _
from helpdesk_tui.store.models import (
    OPEN_INCIDENT_SQL,
    OPEN_TASK_SQL,
    Category,
    GroupMember,
    Incident,
    Organisation,
    Person,
    Service,
    ServiceRequest,
    Task,
    UnreadMarker,
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


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    label: str
    expr: Any
    nullable: bool = True
    joined: bool = False  # the value comes from a joined table (a name), not the record's own row


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
        ColumnSpec("caller", N_("Caller"), _caller.full_name, joined=True),
        ColumnSpec("group", N_("Work group"), WorkGroup.name, joined=True),
        ColumnSpec("owner", N_("Owner"), _owner.full_name, joined=True),
        ColumnSpec("service", N_("Service"), Service.name, joined=True),
        ColumnSpec("channel", N_("Channel"), Incident.channel, False),
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
        "channel": Incident.channel,
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
        ColumnSpec("group", N_("Work group"), WorkGroup.name, joined=True),
        ColumnSpec("owner", N_("Owner"), _towner.full_name, joined=True),
        ColumnSpec("parent", N_("Parent"), _parent.number, joined=True),
        ColumnSpec("created_at", N_("Created"), Task.created_at, False),
        ColumnSpec("updated_at", N_("Updated"), Task.updated_at, False),
    ),
    from_clause=lambda: Task.__table__.outerjoin(WorkGroup, WorkGroup.id == Task.group_id)
    .outerjoin(_towner, _towner.id == Task.owner_id)
    .outerjoin(_parent, _parent.id == Task.incident_id),
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
        ColumnSpec("requester", N_("Requester"), _requester.full_name, joined=True),
        ColumnSpec("group", N_("Work group"), WorkGroup.name, joined=True),
        ColumnSpec("owner", N_("Owner"), _rowner.full_name, joined=True),
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
    },
    plain={"status": ServiceRequest.status, "number": ServiceRequest.number,
           "short_description": ServiceRequest.short_description, "created_at": ServiceRequest.created_at},
)

SOURCES = {s.kind: s for s in (INCIDENTS, TASKS, REQUESTS)}


def source(kind: str) -> Source:
    try:
        return SOURCES[kind]
    except KeyError:
        raise RuleViolation(_("Unknown record kind «{kind}»").format(kind=kind)) from None


# --- dashboards (R9, R10, R11, R12) ---------------------------------------------------------

REQUEST_ACTIVE = ("registered", "in_progress", "awaiting_approval")
REQUEST_DONE = ("implemented", "cancelled", "closed", "rejected")
_final = [s.value for s in FINAL]
_task_done = [s.value for s in TASK_DONE]


def _incident_open() -> ColumnElement[bool]:
    return text(OPEN_INCIDENT_SQL.replace("status", "incident.status"))  # type: ignore[return-value]


def _task_open() -> ColumnElement[bool]:
    return text(OPEN_TASK_SQL.replace("status", "task.status"))  # type: ignore[return-value]


def _mine(column: Any, v: Viewer) -> ColumnElement[bool]:
    return column == v.person_id


def _my_groups(column: Any, v: Viewer) -> ColumnElement[bool]:
    return column.in_(v.group_ids) if v.group_ids else false()


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    kind: str
    where: Callable[[Viewer], ColumnElement[bool]]


@dataclass(frozen=True)
class Dashboard:
    key: str
    label: str
    tabs: tuple[Tab, ...]

    def tab(self, key: str) -> Tab:
        for tab in self.tabs:
            if tab.key == key:
                return tab
        raise RuleViolation(
            _("Unknown tab «{key}»; one of: {keys}").format(key=key, keys=", ".join(t.key for t in self.tabs))
        )


DASHBOARDS: dict[str, Dashboard] = {
    d.key: d
    for d in (
        Dashboard("analyst", N_("Support analyst"), (
            Tab("unclassified", N_("All unclassified incidents"), "incident",
                lambda v: and_(Incident.priority.is_(None), _incident_open())),
            Tab("team-unassigned", N_("Unassigned incidents of my team"), "incident",
                lambda v: and_(_my_groups(Incident.group_id, v), Incident.owner_id.is_(None), _incident_open())),
            Tab("my-action", N_("Incidents that need my action"), "incident",
                lambda v: and_(_mine(Incident.owner_id, v), Incident.status.in_([s.value for s in NEEDS_MY_ACTION]),
                               _incident_open())),
            Tab("awaiting", N_("Incidents awaiting the user or third parties"), "incident",
                lambda v: and_(_mine(Incident.owner_id, v), Incident.status.in_([s.value for s in AWAITING_OTHERS]),
                               _incident_open())),
        )),
        Dashboard("incidents-requests", N_("Incidents – Service requests"), (
            Tab("team-incidents", N_("Active incidents of my team"), "incident",
                lambda v: and_(_my_groups(Incident.group_id, v), _incident_open())),
            Tab("team-tasks", N_("Open tasks of my team"), "task",
                lambda v: and_(_my_groups(Task.group_id, v), _task_open())),
            Tab("team-requests", N_("Active service requests of my team"), "service_request",
                lambda v: and_(_my_groups(ServiceRequest.group_id, v), ServiceRequest.status.in_(REQUEST_ACTIVE))),
        )),
        Dashboard("tasks", N_("Tasks"), (
            Tab("team-unassigned", N_("Unassigned tasks of my team"), "task",
                lambda v: and_(_my_groups(Task.group_id, v), Task.owner_id.is_(None), _task_open())),
            Tab("team-assigned", N_("Assigned tasks of my team"), "task",
                lambda v: and_(_my_groups(Task.group_id, v), Task.owner_id.is_not(None),
                               _task_open())),
            Tab("my-active", N_("My active tasks"), "task",
                lambda v: and_(_mine(Task.owner_id, v), _task_open())),
            Tab("my-done", N_("My completed tasks"), "task",
                lambda v: and_(_mine(Task.owner_id, v), Task.status.in_(_task_done))),
        )),
        Dashboard("requests", N_("Service request"), (
            Tab("awaiting-approval", N_("Requests awaiting approval"), "service_request",
                lambda v: ServiceRequest.status == "awaiting_approval"),
            Tab("active", N_("All active service requests"), "service_request",
                lambda v: ServiceRequest.status.in_(REQUEST_ACTIVE)),
            Tab("team-active", N_("Active service requests of my team"), "service_request",
                lambda v: and_(_my_groups(ServiceRequest.group_id, v), ServiceRequest.status.in_(REQUEST_ACTIVE))),
            Tab("my-active", N_("My active service requests"), "service_request",
                lambda v: and_(_mine(ServiceRequest.owner_id, v), ServiceRequest.status.in_(REQUEST_ACTIVE))),
            Tab("my-done", N_("Completed requests assigned to me"), "service_request",
                lambda v: and_(_mine(ServiceRequest.owner_id, v), ServiceRequest.status.in_(REQUEST_DONE))),
            Tab("registered-by-me", N_("Requests registered by me"), "service_request",
                lambda v: _mine(ServiceRequest.opened_by_id, v)),
        )),
    )
}


def dashboard(key: str) -> Dashboard:
    try:
        return DASHBOARDS[key]
    except KeyError:
        raise RuleViolation(
            _("Unknown dashboard «{key}»; one of: {keys}").format(key=key, keys=", ".join(DASHBOARDS))
        ) from None


# --- filters --------------------------------------------------------------------------------


def _fold(session_dialect: str, expr: Any) -> Any:
    # SQLite's lower() folds ASCII only; hd_fold (registered in db.py) folds Cyrillic too.
    # PostgreSQL folds by the database's locale, which may be C: the ICU root collation folds
    # Ukrainian whatever the cluster was created with.
    if session_dialect == "sqlite":
        return func.hd_fold(expr)
    return func.lower(expr.collate(PG_FOLDING_COLLATION))


def _like_pattern(text: str) -> str:
    escaped = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _contains(dialect: str, expr: Any, text: str) -> ColumnElement[bool]:
    return _fold(dialect, expr).like(_like_pattern(text), escape="\\")


def _typed(src: Source, name: str, value: str) -> Any:
    """Turn the text of a condition's value into what its column holds."""
    if name == "status" and src.kind == "incident":
        return parse_incident_status(value).value
    if name == "status" and src.kind == "task":
        for status in TaskStatus:
            if value.casefold() == status.value or value.casefold() in names_in_all_languages(TASK_STATUS_LABELS[status]):
                return status.value
        raise RuleViolation(_("Unknown status: {name}").format(name=value))
    if name in ("priority", "impact", "urgency"):
        try:
            return int(value.split()[0].rstrip("."))
        except (ValueError, IndexError):
            raise RuleViolation(_("{field} takes a number, not «{value}»").format(field=name, value=value)) from None
    if name in ("created_at", "updated_at", "due_at"):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise RuleViolation(_("«{value}» is not a date (YYYY-MM-DD)").format(value=value)) from None
        if moment.tzinfo is None:
            from zoneinfo import ZoneInfo

            moment = moment.replace(tzinfo=ZoneInfo("Europe/Kyiv"))
        return moment
    if name == "number":
        return value.upper()
    return value


def _ref_ids(ref: RefField, op: str, values: Sequence[str], viewer: Viewer | None, dialect: str) -> Any:
    ids: list[int] = []
    names: list[str] = []
    for value in values:
        if value.casefold() in ("me", "я") and ref.model is Person and viewer is not None:
            ids.append(viewer.person_id)
        else:
            names.append(value)
    conds = []
    if ids:
        conds.append(ref.model.id.in_(ids))
    for value in names:
        if op in ("contains", "not contains"):
            conds.append(or_(*(_contains(dialect, col, value) for col in ref.match)))
        else:
            conds.append(or_(*(_fold(dialect, col) == value.casefold() for col in ref.match)))
    return select(ref.model.id).where(or_(*conds))


def _condition(src: Source, cond: Condition, viewer: Viewer | None, dialect: str) -> ColumnElement[bool]:
    op = cond.op
    values = cond.value if isinstance(cond.value, list) else ([cond.value] if cond.value is not None else [])
    if cond.field in src.refs:
        column = src.refs[cond.field].column
    elif cond.field in src.plain:
        column = src.plain[cond.field]
    else:
        raise RuleViolation(
            _("Unknown field «{name}»; one of: {names}").format(name=cond.field, names=", ".join(sorted(src.filter_fields)))
        )
    if op == "empty":
        return column.is_(None) if cond.field in src.refs or cond.field in ("priority", "impact", "urgency") else or_(column.is_(None), column == "")
    if op == "not empty":
        return not_(_condition(src, Condition(cond.field, "empty"), viewer, dialect))
    if not values:
        raise RuleViolation(_("The condition on «{name}» needs a value").format(name=cond.field))
    if cond.field in src.refs:
        ids = _ref_ids(src.refs[cond.field], op, values, viewer, dialect)
        if op in ("=", "in", "contains"):
            return column.in_(ids)
        if op in ("!=", "not in", "not contains"):
            return or_(column.is_(None), column.not_in(ids))
        raise RuleViolation(_("«{op}» does not apply to «{name}»").format(op=op, name=cond.field))
    if op in ("contains", "not contains"):
        expr = _contains(dialect, column, values[0])
        return expr if op == "contains" else not_(expr)
    typed = [_typed(src, cond.field, v) for v in values]
    match op:
        case "=":
            return column == typed[0]
        case "!=":
            return or_(column.is_(None), column != typed[0])
        case "in":
            return column.in_(typed)
        case "not in":
            return or_(column.is_(None), column.not_in(typed))
        case "<":
            return column < typed[0]
        case "<=":
            return column <= typed[0]
        case ">":
            return column > typed[0]
        case ">=":
            return column >= typed[0]
    raise RuleViolation(_("Unknown operator «{op}»").format(op=op))


def compile_filter(session: Session, kind: str, flt: Filter, viewer: Viewer | None = None) -> ColumnElement[bool]:
    """A saved search's or a filter line's conditions as SQL, fields checked against a whitelist."""
    src = source(kind)
    dialect = session.get_bind().dialect.name
    parts = [_condition(src, c, viewer, dialect) for c in flt.conditions]
    for word in flt.text.split():
        parts.append(or_(*(_contains(dialect, col, word) for col in src.text_columns)))
    return and_(true(), *parts)


# --- pages ----------------------------------------------------------------------------------


@dataclass
class Page:
    rows: list[dict[str, Any]]
    next_cursor: Cursor | None
    prev_cursor: Cursor | None
    total: int | None = None


def _unread(src: Source, viewer: Viewer | None) -> Any:
    if viewer is None or src.kind not in ("incident", "task", "service_request"):
        return literal(False)
    return exists().where(
        UnreadMarker.person_id == viewer.person_id,
        UnreadMarker.record_kind == src.kind,
        UnreadMarker.record_id == src.model.id,
    )


def _after(spec: ColumnSpec, id_col: Any, cursor: Cursor, desc: bool) -> ColumnElement[bool]:
    value, last_id = cursor
    expr = spec.expr
    if not spec.nullable:
        return tuple_(expr, id_col) < tuple_(value, last_id) if desc else tuple_(expr, id_col) > tuple_(value, last_id)
    # Nulls come last in both directions.
    if value is None:
        return and_(expr.is_(None), id_col < last_id if desc else id_col > last_id)
    beyond = expr < value if desc else expr > value
    return or_(expr.is_(None), beyond, and_(expr == value, id_col < last_id if desc else id_col > last_id))


def _order(spec: ColumnSpec, id_col: Any, desc: bool) -> list[Any]:
    keys = [] if not spec.nullable else [spec.expr.is_(None)]
    keys += [spec.expr.desc() if desc else spec.expr.asc(), id_col.desc() if desc else id_col.asc()]
    return keys


def page(
    session: Session,
    kind: str,
    where: ColumnElement[bool] | None = None,
    *,
    viewer: Viewer | None = None,
    sort: str | None = None,
    desc: bool | None = None,
    after: Cursor | None = None,
    before: Cursor | None = None,
    limit: int = PAGE_SIZE,
    with_total: bool = False,
) -> Page:
    """One page of rows; `after`/`before` are cursors taken from a previous page."""
    src = source(kind)
    sort_name, default_desc = src.default_sort if sort is None else (sort, False)
    desc = default_desc if desc is None else desc
    spec = src.column(sort_name)
    id_col = src.model.id
    backwards = before is not None
    scan_desc = (not desc) if backwards else desc
    stmt = select(
        id_col.label("id"),
        src.model.version.label("version"),
        *(c.expr.label(c.name) for c in src.columns.values()),
        _unread(src, viewer).label("unread"),
    ).select_from(src.from_clause())
    if src.kind == "incident":
        stmt = stmt.add_columns(Incident.waiting_on.label("waiting_on"))
    cursor = before if backwards else after
    conds = [] if where is None else [where]
    if cursor is not None:
        conds.append(_after(spec, id_col, cursor, scan_desc))
    order = _order(spec, id_col, scan_desc)
    if spec.joined:
        stmt = stmt.where(*conds)
    else:
        # Find the page's ids on the record's own table first, so the joins and the unread
        # marks are looked up for one page of rows, not for every row that matches.
        ids = select(id_col).where(*conds).order_by(*order).limit(limit + 1)
        stmt = stmt.where(id_col.in_(ids.scalar_subquery()))
    stmt = stmt.order_by(*order).limit(limit + 1)
    # Core execution: these are plain columns, and the ORM layer would cost a third of the page.
    rows = [dict(r) for r in session.connection().execute(stmt).mappings().all()]
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    first = (rows[0][spec.name], rows[0]["id"]) if rows else None
    last = (rows[-1][spec.name], rows[-1]["id"]) if rows else None
    if backwards:
        next_cursor, prev_cursor = (last if rows else None), (first if more else None)
    else:
        next_cursor, prev_cursor = (last if more else None), (first if cursor is not None and rows else None)
    total = count(session, kind, where) if with_total else None
    return Page(rows, next_cursor, prev_cursor, total)


def count(session: Session, kind: str, where: ColumnElement[bool] | None = None) -> int:
    src = source(kind)
    stmt = select(func.count()).select_from(src.model.__table__)
    if where is not None:
        stmt = stmt.where(where)
    return int(session.execute(stmt).scalar_one())


@dataclass(frozen=True)
class GroupCount:
    value: Any
    count: int


def group_counts(session: Session, kind: str, column: str, where: ColumnElement[bool] | None = None) -> list[GroupCount]:
    """R13: a list grouped by a column's values, with the count in each group."""
    src = source(kind)
    spec = src.column(column)
    stmt = select(spec.expr.label("value"), func.count().label("n")).select_from(src.from_clause())
    if where is not None:
        stmt = stmt.where(where)
    stmt = stmt.group_by(spec.expr).order_by(func.count().desc(), spec.expr)
    return [GroupCount(r.value, int(r.n)) for r in session.execute(stmt)]


def tab_page(session: Session, dashboard_key: str, tab_key: str, viewer: Viewer, **kw: Any) -> Page:
    tab = dashboard(dashboard_key).tab(tab_key)
    return page(session, tab.kind, tab.where(viewer), viewer=viewer, **kw)


def tab_counts(session: Session, dashboard_key: str, viewer: Viewer) -> dict[str, int]:
    """The counts shown in a dashboard's tab labels."""
    return {t.key: count(session, t.kind, t.where(viewer)) for t in dashboard(dashboard_key).tabs}


# --- cursors travel through the CLI and the UI as short strings -----------------------------


def encode_cursor(cursor: Cursor | None) -> str | None:
    if cursor is None:
        return None
    value, rid = cursor
    if isinstance(value, datetime):
        payload: list[Any] = ["t", value.isoformat(), rid]
    else:
        payload = ["v", value, rid]
    return base64.urlsafe_b64encode(json.dumps(payload, ensure_ascii=False).encode()).decode()


def decode_cursor(text: str | None) -> Cursor | None:
    if not text:
        return None
    try:
        tag, value, rid = json.loads(base64.urlsafe_b64decode(text.encode()))
        return (datetime.fromisoformat(value) if tag == "t" else value, int(rid))
    except (ValueError, TypeError):
        raise RuleViolation(_("That page cursor is damaged")) from None


ACTIVE_STATUSES = tuple(s.value for s in ACTIVE)
INCIDENT_STATUSES = tuple(s.value for s in IncidentStatus)
