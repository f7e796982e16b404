"""The bulk path writes what the ORM reads back, on both engines, and numbers go on after it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from helpdesk_tui.desk import incidents
from helpdesk_tui.store import bulk, queries
from helpdesk_tui.store.models import Incident
from tests.world import seed


def test_bulk_rows_read_back_exactly_and_sequences_continue(db):
    w = seed(db)
    t0 = datetime(2026, 3, 29, 0, 30, 0, tzinfo=UTC)  # the night Kyiv moves its clocks
    rows = [
        {"number": f"INC{i + 1:07d}", "caller_id": w.caller.id, "channel": "email",
         "short_description": f"Імпорт {i}", "status": "closed" if i % 2 else "registered",
         "group_id": w.first_line.id, "waiting_on": "desk", "created_at": t0 + timedelta(minutes=i, microseconds=i),
         "updated_at": t0 + timedelta(minutes=i), "closed_at": t0 + timedelta(days=1) if i % 2 else None}
        for i in range(50)
    ]
    assert bulk.insert_incidents(db, bulk.incident_tuples(rows, db.dialect), rebuild_indexes=True) == 50
    with db.read() as s:
        got = list(s.execute(select(Incident).order_by(Incident.id)).scalars())
        unassigned = queries.count(s, "incident", queries.dashboard("analyst").tab("team-unassigned").where(
            queries.Viewer.load(s, w.analyst.id)))
    assert [g.created_at for g in got] == [r["created_at"] for r in rows]
    assert got[1].closed_at == t0 + timedelta(days=1) and got[0].closed_at is None
    assert unassigned == 25  # the indexes rebuilt after the load serve the dashboards
    with db.write() as s:
        new = incidents.register_incident(s, w.analyst, short_description="Після імпорту", owner=w.analyst)
    assert new.number == "INC0000051"


def test_times_read_back_in_utc_whatever_the_servers_time_zone(pg_db):
    """Our sessions run in UTC; a URL that sets another zone (a DBA's habit) reads the same instants."""
    from sqlalchemy.engine import make_url

    from helpdesk_tui.store.db import Database

    w = seed(pg_db)
    t0 = datetime(2026, 3, 29, 0, 30, 0, 123456, tzinfo=UTC)
    rows = [{"number": f"INC{i + 1:07d}", "caller_id": w.caller.id, "channel": "email", "short_description": f"Ніч {i}",
             "status": "registered", "group_id": w.first_line.id, "waiting_on": "desk",
             "created_at": t0 + timedelta(hours=i), "updated_at": t0 + timedelta(hours=i)} for i in range(4)]
    bulk.insert_incidents(pg_db, bulk.incident_tuples(rows, pg_db.dialect))
    kyiv = Database(make_url(pg_db.url).update_query_dict({"options": "-c TimeZone=Europe/Kyiv"})
                    .render_as_string(hide_password=False))
    try:
        for database in (pg_db, kyiv):
            with database.read() as s:
                listed = queries.page(s, "incident", None, sort="created_at", desc=False).rows
                stored = list(s.execute(select(Incident.created_at).order_by(Incident.id)).scalars())
            assert [r["created_at"] for r in listed] == stored == [r["created_at"] for r in rows]
            assert all(moment.utcoffset() == timedelta(0) for moment in stored)
    finally:
        kyiv.dispose()
