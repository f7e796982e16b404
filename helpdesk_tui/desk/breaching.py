"""«About to breach»: open incidents and service requests whose stored due times fall within a
horizon, soonest first."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, literal, select, text, union_all
from sqlmodel import Session

from helpdesk_tui.store.models import OPEN_INCIDENT_SQL, Incident, Person, ServiceRequest, WorkGroup
from helpdesk_tui.store.request_tables import TICKING_REQUEST_SQL
from helpdesk_tui.store.types import utcnow

_open = OPEN_INCIDENT_SQL.replace("status", "incident.status")
# Word for word the partial indexes' condition: registered or in progress. A request awaiting
# approval is not measured then (desk/request_jobs.py), so it is not about to breach either.
_ticking_request = text(TICKING_REQUEST_SQL.replace("status", "service_request.status"))


def _statement(model: Any, open_rows: tuple[Any, ...], resolution_due: Any, priority: Any) -> Any:
    horizon, limit = bindparam("horizon"), bindparam("limit")
    response = (select(model.id.label("id"), model.response_due.label("due"), literal("response").label("clock"))
                .where(*open_rows, model.responded_at.is_(None), model.response_due <= horizon)
                .order_by(model.response_due).limit(limit))
    resolution = (select(model.id.label("id"), resolution_due.label("due"), literal("resolution").label("clock"))
                  .where(*open_rows, resolution_due <= horizon)
                  .order_by(resolution_due).limit(limit))
    hits = union_all(response.subquery().select(), resolution.subquery().select()).subquery()
    return (select(hits.c.clock, hits.c.due, model.number, model.short_description, priority,
                   model.status, WorkGroup.name.label("group"), Person.full_name.label("owner"))
            .join(model, model.id == hits.c.id)
            .outerjoin(WorkGroup, WorkGroup.id == model.group_id)
            .outerjoin(Person, Person.id == model.owner_id)
            .order_by(hits.c.due, model.number).limit(limit))


# Built once: building it per call (five selects, a union) was a third of the query's 3 ms.
_STATEMENTS = (
    ("incident", _statement(Incident, (text(_open),), Incident.resolution_due, Incident.priority)),
    # A request has no priority; its resolution due is due_at.
    ("service_request", _statement(ServiceRequest, (_ticking_request,), ServiceRequest.due_at,
                                   literal(None).label("priority"))),
)
_KEYS = ("clock", "due", "number", "short_description", "priority", "status", "group", "owner")


def breaching(session: Session, within: timedelta, *, now: datetime | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Each served by its partial index: unanswered by response_due, open by resolution_due;
    the incidents' and the requests' each soonest first, merged. `kind` says which a row is."""
    now = now or utcnow()
    params = {"horizon": now + within, "limit": limit}
    rows = [{"kind": kind, **dict(zip(_KEYS, r))} for kind, statement in _STATEMENTS
            for r in session.execute(statement, params).all()]
    rows.sort(key=lambda row: (row["due"], row["number"]))
    del rows[limit:]
    for row in rows:
        row["breached"] = row["due"] <= now
    return rows
