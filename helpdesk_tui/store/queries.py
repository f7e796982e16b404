"""Reads for lists (rule 3): dashboard tabs, filters and saved searches, one keyset page at a time.

A page is found by the sort key of the row before it (keyset pagination), so page 10,000 costs
what page 1 costs. Each dashboard tab's default order is served by a partial index
(models.Incident.__table_args__).
"""

from __future__ import annotations

import base64
import functools
import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ClauseElement, ColumnElement, Select, and_, column, exists, false, func, literal, or_, select, text, true, tuple_
from sqlmodel import Session

from helpdesk_tui.domain.dashboards import CATALOGUE, DashboardInfo, TabInfo
from helpdesk_tui.domain.errors import RuleViolation
from helpdesk_tui.domain.listing import cursor_column
from helpdesk_tui.domain.problem_status import OPEN as PROBLEM_OPEN
from helpdesk_tui.domain.problem_status import ProblemStatus
from helpdesk_tui.domain.statuses import (
    ACTIVE,
    AWAITING_OTHERS,
    FINAL,
    NEEDS_MY_ACTION,
    TASK_DONE,
    IncidentStatus,
)
from helpdesk_tui.i18n import _
from helpdesk_tui.store.models import (
    ACTIVE_REQUEST_SQL,
    DONE_REQUEST_SQL,
    OPEN_INCIDENT_SQL,
    OPEN_TASK_SQL,
    Incident,
    Problem,
    ServiceRequest,
    Task,
    UnreadMarker,
)

from helpdesk_tui.store.filtering import compile_filter  # noqa: F401  (part of this module's interface)
from helpdesk_tui.store.sources import (  # noqa: F401  (part of this module's interface)
    INCIDENTS,
    PAGE_SIZE,
    REQUESTS,
    SOURCES,
    TASKS,
    ColumnSpec,
    Cursor,
    Source,
    Viewer,
    source,
)

# --- dashboards (R9, R10, R11, R12) ---------------------------------------------------------

_final = [s.value for s in FINAL]
_task_done = [s.value for s in TASK_DONE]


def _incident_open() -> ColumnElement[bool]:
    return text(OPEN_INCIDENT_SQL.replace("status", "incident.status"))  # type: ignore[return-value]


def _task_open() -> ColumnElement[bool]:
    return text(OPEN_TASK_SQL.replace("status", "task.status"))  # type: ignore[return-value]


def _request_active() -> ColumnElement[bool]:
    return text(ACTIVE_REQUEST_SQL.replace("status", "service_request.status"))  # type: ignore[return-value]


def _request_done() -> ColumnElement[bool]:
    return text(DONE_REQUEST_SQL.replace("status", "service_request.status"))  # type: ignore[return-value]


def _problem_open() -> ColumnElement[bool]:
    return Problem.status.in_(sorted(s.value for s in PROBLEM_OPEN))  # type: ignore[attr-defined,no-any-return]


def _mine(column: Any, v: Viewer) -> ColumnElement[bool]:
    return column == v.person_id


def _my_groups(column: Any, v: Viewer) -> ColumnElement[bool]:
    return column.in_(v.group_ids) if v.group_ids else false()


@dataclass(frozen=True)
class Tab(TabInfo):
    where: Callable[[Viewer], ColumnElement[bool]] = lambda v: true()


@dataclass(frozen=True)
class Dashboard(DashboardInfo):
    tabs: tuple[Tab, ...]  # type: ignore[assignment]

    def tab(self, key: str) -> Tab:
        return super().tab(key)  # type: ignore[return-value]


# What each tab of the catalogue (domain/dashboards.py) holds, as SQL. The literal partial-index
# predicates (models.Incident.__table_args__) are what keeps each first page under a millisecond.
_WHERE: dict[tuple[str, str], Callable[[Viewer], ColumnElement[bool]]] = {
    ("analyst", "unclassified"): lambda v: and_(Incident.priority.is_(None), _incident_open()),
    ("analyst", "team-unassigned"): lambda v: and_(_my_groups(Incident.group_id, v), Incident.owner_id.is_(None),
                                                   _incident_open()),
    ("analyst", "my-action"): lambda v: and_(_mine(Incident.owner_id, v),
                                             Incident.status.in_([s.value for s in NEEDS_MY_ACTION]), _incident_open()),
    ("analyst", "awaiting"): lambda v: and_(_mine(Incident.owner_id, v),
                                            Incident.status.in_([s.value for s in AWAITING_OTHERS]), _incident_open()),
    ("incidents-requests", "team-incidents"): lambda v: and_(_my_groups(Incident.group_id, v), _incident_open()),
    ("incidents-requests", "team-tasks"): lambda v: and_(_my_groups(Task.group_id, v), _task_open()),
    ("incidents-requests", "team-requests"): lambda v: and_(_my_groups(ServiceRequest.group_id, v), _request_active()),
    ("tasks", "team-unassigned"): lambda v: and_(_my_groups(Task.group_id, v), Task.owner_id.is_(None), _task_open()),
    ("tasks", "team-assigned"): lambda v: and_(_my_groups(Task.group_id, v), Task.owner_id.is_not(None), _task_open()),
    ("tasks", "my-active"): lambda v: and_(_mine(Task.owner_id, v), _task_open()),
    ("tasks", "my-done"): lambda v: and_(_mine(Task.owner_id, v), Task.status.in_(_task_done)),
    ("requests", "awaiting-approval"): lambda v: ServiceRequest.status == "awaiting_approval",
    ("requests", "active"): lambda v: _request_active(),
    ("requests", "team-active"): lambda v: and_(_my_groups(ServiceRequest.group_id, v), _request_active()),
    ("requests", "my-active"): lambda v: and_(_mine(ServiceRequest.owner_id, v), _request_active()),
    ("requests", "my-done"): lambda v: and_(_mine(ServiceRequest.owner_id, v), _request_done()),
    ("requests", "registered-by-me"): lambda v: _mine(ServiceRequest.opened_by_id, v),
    ("problems", "open"): lambda v: _problem_open(),
    ("problems", "known-errors"): lambda v: Problem.status == ProblemStatus.KNOWN_ERROR.value,
    ("problems", "team-open"): lambda v: and_(_my_groups(Problem.group_id, v), _problem_open()),
    ("problems", "my-open"): lambda v: and_(_mine(Problem.owner_id, v), _problem_open()),
    ("problems", "resolved"): lambda v: Problem.status == ProblemStatus.RESOLVED.value,
}

DASHBOARDS: dict[str, Dashboard] = {
    key: Dashboard(key, info.label, tuple(Tab(t.key, t.label, t.kind, _WHERE[key, t.key]) for t in info.tabs))
    for key, info in CATALOGUE.items()
}


def dashboard(key: str) -> Dashboard:
    try:
        return DASHBOARDS[key]
    except KeyError:
        raise RuleViolation(
            _("Unknown dashboard «{key}»; one of: {keys}").format(key=key, keys=", ".join(DASHBOARDS))
        ) from None


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


def _after(spec: ColumnSpec, id_col: Any, cursor: Cursor, desc: bool, *, inclusive: bool = False,
           backwards: bool = False) -> ColumnElement[bool]:
    """Rows past `cursor` in scan order. Nulls come last in the list, so a backwards scan meets
    them first."""
    value, last_id = cursor
    expr = spec.sort_expr
    if inclusive:
        id_past = id_col <= last_id if desc else id_col >= last_id
    else:
        id_past = id_col < last_id if desc else id_col > last_id
    if not spec.nullable:
        key, at = tuple_(expr, id_col), tuple_(value, last_id)
        if inclusive:
            return key <= at if desc else key >= at
        return key < at if desc else key > at
    if value is None:
        nulls_past = and_(expr.is_(None), id_past)
        return or_(nulls_past, expr.is_not(None)) if backwards else nulls_past
    beyond = expr < value if desc else expr > value
    same_past = and_(expr == value, id_past)
    return or_(beyond, same_past) if backwards else or_(expr.is_(None), beyond, same_past)


def _order(spec: ColumnSpec, id_col: Any, desc: bool, backwards: bool = False) -> list[Any]:
    expr = spec.sort_expr
    nulls = expr.is_(None)
    keys = [] if not spec.nullable else [nulls.desc() if backwards else nulls.asc()]
    keys += [expr.desc() if desc else expr.asc(), id_col.desc() if desc else id_col.asc()]
    return keys


@functools.cache
def _listed_columns(kind: str, joined: bool) -> Select[Any]:
    """A kind's listed columns: the same for every page, and a third of the cost of building
    one, so built once. Names come from joins when the page is sorted by one (`joined`), from
    sub-selects otherwise (far less for PostgreSQL to plan; the same work to read)."""
    src = source(kind)
    stmt = select(
        src.model.id.label("id"),
        src.model.version.label("version"),
        *((c.expr if joined or c.lookup is None else c.lookup).label(c.name) for c in src.columns.values()),
    )
    return stmt.select_from(src.from_clause() if joined else src.model.__table__)


def page_statement(
    kind: str,
    where: ColumnElement[bool] | None = None,
    *,
    viewer: Viewer | None = None,
    sort: str | None = None,
    desc: bool | None = None,
    after: Cursor | None = None,
    before: Cursor | None = None,
    start: Cursor | None = None,
    last: bool = False,
    limit: int = PAGE_SIZE,
) -> tuple[Any, ColumnSpec, bool]:
    """The SELECT of one page (one row more than `limit`, to know whether more follow), the
    column it is sorted by, and whether it reads backwards."""
    src = source(kind)
    sort_name, default_desc = src.default_sort if sort is None else (sort, False)
    desc = default_desc if desc is None else desc
    spec = src.column(sort_name)
    id_col = src.model.id
    backwards = before is not None or last
    scan_desc = (not desc) if backwards else desc
    stmt = _listed_columns(src.kind, spec.joined).add_columns(_unread(src, viewer).label("unread"))
    if spec.order is not None:
        stmt = stmt.add_columns(spec.order.label(cursor_column(spec.name)))
    if src.kind == "incident":
        # Whose turn (R40) is read from the status beside it, whichever columns are listed.
        stmt = stmt.add_columns(Incident.waiting_on.label("waiting_on"),
                                *(() if "status" in src.columns else (Incident.status.label("status"),)))
    cursor = before if backwards else (after or start)
    conds = [] if where is None else [where]
    if cursor is not None:
        conds.append(_after(spec, id_col, cursor, scan_desc, inclusive=start is not None and after is None,
                            backwards=backwards))
    order = _order(spec, id_col, scan_desc, backwards)
    if spec.joined:
        stmt = stmt.where(*conds)
    else:
        # Find the page's ids on the record's own table first, so the joins and the unread
        # marks are looked up for one page of rows, not for every row that matches.
        ids = select(id_col).where(*conds).order_by(*order).limit(limit + 1)
        stmt = stmt.where(id_col.in_(ids.scalar_subquery()))
    return stmt.order_by(*order).limit(limit + 1), spec, backwards


# A dashboard tab's first page is read again and again (every refresh, every tab switch): its
# statement is kept, so SQLAlchemy neither builds it nor works out its cache key again (together
# 2 ms of a 5 ms page on PostgreSQL), with its values written in (see _written_in). Keyed by the
# viewer too: "my" and "my team" are in it.
_KEPT_PAGES: dict[Hashable, tuple[Any, ColumnSpec, bool]] = {}
_KEPT_PAGES_MAX = 512


def written_sql(stmt: Any, dialect: Any) -> str:
    """The SQL of a statement with its values written in: only for statements whose values are
    ids and fixed words, never typed text."""
    return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def _written_in(stmt: Any, dialect: Any) -> Any:
    """A kept statement with its values written into the SQL (a viewer's ids and fixed words).
    Without parameters PostgreSQL plans the statement once per connection (once prepared)
    instead of on every read."""
    sql = written_sql(stmt, dialect)
    # Colons escaped: text() would take ":00" in a written-in value for a parameter.
    return text(sql.replace(":", "\\:")).columns(*(column(c.name, c.type) for c in stmt.selected_columns))


class _Later:
    """A condition built when first needed, once."""

    def __init__(self, build: Callable[[], ColumnElement[bool]]) -> None:
        self.build, self.built = build, None

    def __call__(self) -> ColumnElement[bool]:
        if self.built is None:
            self.built = self.build()
        return self.built


def _now(where: Any) -> Any:
    return where() if isinstance(where, _Later) else where


def page(
    session: Session,
    kind: str,
    where: ColumnElement[bool] | Callable[[], ColumnElement[bool]] | None = None,
    *,
    viewer: Viewer | None = None,
    sort: str | None = None,
    desc: bool | None = None,
    after: Cursor | None = None,
    before: Cursor | None = None,
    start: Cursor | None = None,
    last: bool = False,
    limit: int = PAGE_SIZE,
    with_total: bool = False,
    reuse: Hashable | None = None,
) -> Page:
    """One page of rows; `after`/`before` are cursors taken from a previous page, `start` is the
    first row to show again (a refresh that keeps its place), `last` asks for the list's end.
    `reuse`: a key that fully names `where` for this viewer (a dashboard tab, nothing typed):
    the first and last pages' statements are then built once and kept, and `where` may be a
    function that builds the condition only when it is needed (building one costs up to 0.5 ms)."""
    if callable(where) and not isinstance(where, ClauseElement):
        where = _Later(where)
    if reuse is not None and after is None and before is None and start is None:
        key = (reuse, kind, viewer, sort, desc, last, limit)
        dialect = session.get_bind().dialect
        kept = _KEPT_PAGES.get((key, dialect.name))
        if kept is None:
            built, spec, backwards = page_statement(kind, _now(where), viewer=viewer, sort=sort, desc=desc, last=last,
                                                    limit=limit)
            kept = _written_in(built, dialect), spec, backwards
            if len(_KEPT_PAGES) >= _KEPT_PAGES_MAX:
                _KEPT_PAGES.clear()
            _KEPT_PAGES[(key, dialect.name)] = kept
        stmt, spec, backwards = kept
    else:
        stmt, spec, backwards = page_statement(kind, _now(where), viewer=viewer, sort=sort, desc=desc, after=after,
                                               before=before, start=start, last=last, limit=limit)
    cursor = before if backwards else (after or start)
    # Core execution: these are plain columns, and the ORM layer would cost a third of the page.
    result = session.connection().execute(stmt)
    keys = tuple(result.keys())
    rows = [dict(zip(keys, r)) for r in result.all()]
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    key = spec.name if spec.order is None else cursor_column(spec.name)
    first = (rows[0][key], rows[0]["id"]) if rows else None
    final = (rows[-1][key], rows[-1]["id"]) if rows else None
    if backwards:
        next_cursor, prev_cursor = (final if rows and not last else None), (first if more else None)
    else:
        next_cursor, prev_cursor = (final if more else None), (first if cursor is not None and rows else None)
    total = count(session, kind, _now(where)) if with_total else None
    return Page(rows, next_cursor, prev_cursor, total)


def count_statement(kind: str, where: ColumnElement[bool] | None = None) -> Any:
    src = source(kind)
    stmt = select(func.count()).select_from(src.model.__table__)
    return stmt if where is None else stmt.where(where)


def count(session: Session, kind: str, where: ColumnElement[bool] | None = None) -> int:
    return int(session.execute(count_statement(kind, where)).scalar_one())


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
    # Groups of the same size in the list's own order (people by surname, Ukrainian alphabet).
    tie = spec.expr if spec.order is None else func.min(spec.order)
    stmt = stmt.group_by(spec.expr).order_by(func.count().desc(), tie)
    return [GroupCount(r.value, int(r.n)) for r in session.execute(stmt)]


def tab_page(session: Session, dashboard_key: str, tab_key: str, viewer: Viewer, **kw: Any) -> Page:
    tab = dashboard(dashboard_key).tab(tab_key)
    return page(session, tab.kind, lambda: tab.where(viewer), viewer=viewer, reuse=("tab", dashboard_key, tab_key),
                **kw)


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
