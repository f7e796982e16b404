"""«About to breach»: open incidents whose stored due times fall within a horizon."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, literal, select, text, union_all
from sqlmodel import Session

from helpdesk_tui.store.models import OPEN_INCIDENT_SQL, Incident, Person, WorkGroup
from helpdesk_tui.store.types import utcnow

_open = OPEN_INCIDENT_SQL.replace("status", "incident.status")


def _statement() -> Any:
    horizon, limit = bindparam("horizon"), bindparam("limit")
    response = (select(Incident.id.label("id"), Incident.response_due.label("due"), literal("response").label("clock"))
                .where(text(_open), Incident.responded_at.is_(None), Incident.response_due <= horizon)
                .order_by(Incident.response_due).limit(limit))
    resolution = (select(Incident.id.label("id"), Incident.resolution_due.label("due"), literal("resolution").label("clock"))
                  .where(text(_open), Incident.resolution_due <= horizon)
                  .order_by(Incident.resolution_due).limit(limit))
    hits = union_all(response.subquery().select(), resolution.subquery().select()).subquery()
    return (select(hits.c.clock, hits.c.due, Incident.number, Incident.short_description, Incident.priority,
                   Incident.status, WorkGroup.name.label("group"), Person.full_name.label("owner"))
            .join(Incident, Incident.id == hits.c.id)
            .outerjoin(WorkGroup, WorkGroup.id == Incident.group_id)
            .outerjoin(Person, Person.id == Incident.owner_id)
            .order_by(hits.c.due, Incident.number).limit(limit))


# Built once: building it per call (five selects, a union) was a third of the query's 3 ms.
_STATEMENT = _statement()
_KEYS = ("clock", "due", "number", "short_description", "priority", "status", "group", "owner")


def breaching(session: Session, within: timedelta, *, now: datetime | None = None, limit: int = 100) -> list[dict[str, Any]]:
    """Each served by its partial index: unanswered by response_due, open by resolution_due."""
    now = now or utcnow()
    rows = [dict(zip(_KEYS, r)) for r in session.execute(_STATEMENT, {"horizon": now + within, "limit": limit}).all()]
    for row in rows:
        row["breached"] = row["due"] <= now
    return rows
