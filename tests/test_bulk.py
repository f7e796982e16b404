"""The bulk path writes what the ORM reads back, on both engines, and numbers go on after it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from helpdesk_tui.desk import approvals, incidents, requests
from helpdesk_tui.domain import requests as request_rules
from helpdesk_tui.store import bulk, queries
from helpdesk_tui.store.models import (
    ACTIVE_REQUEST_SQL,
    DONE_REQUEST_SQL,
    Approval,
    Incident,
    Person,
    ServiceRequest,
)
from tests.world import load_test_catalog, seed


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


def test_bulk_requests_read_back_with_their_approvals_and_the_tabs_count_them(db):
    w = seed(db)
    items = load_test_catalog(db, w)
    t0 = datetime(2026, 3, 29, 0, 30, 0, tzinfo=UTC)
    statuses = ["in_progress", "closed", "awaiting_approval", "cancelled", "implemented", "rejected", "registered"]
    rows = [{"number": f"REQ{i + 1:07d}", "requester_id": w.caller.id, "catalog_item_id": items["ets-role"],
             "parameters": {"role": f"Інспектор {i}"}, "short_description": "Роль в ЕТС", "status": statuses[i % 7],
             "group_id": w.first_line.id if i % 3 else w.second_line.id, "owner_id": w.analyst.id if i % 2 else None,
             "opened_by_id": w.colleague.id, "created_at": t0 + timedelta(minutes=i, microseconds=i),
             "due_at": t0 + timedelta(days=2) if statuses[i % 7] == "in_progress" else None} for i in range(70)]
    waiting = [i for i, r in enumerate(rows) if r["status"] == "awaiting_approval"]
    asked = [{"request": i, "approver_id": w.analyst.id, "created_at": rows[i]["created_at"]} for i in waiting]
    assert bulk.insert_requests(db, rows, asked, rebuild_indexes=True) == 70
    with db.read() as s:
        got = list(s.execute(select(ServiceRequest).order_by(ServiceRequest.id)).scalars())
        viewer = queries.Viewer.load(s, w.analyst.id)
        counts = queries.tab_counts(s, "requests", viewer)
        team = queries.count(s, "service_request", queries.dashboard("incidents-requests").tab("team-requests")
                             .where(viewer))
        done_page = queries.tab_page(s, "requests", "my-done", viewer).rows
        mine = approvals.waiting_for(s, s.get(Person, w.analyst.id))
        kept = list(s.execute(select(Approval.request_id).order_by(Approval.id)).scalars())
    assert [g.created_at for g in got] == [r["created_at"] for r in rows]
    assert got[5].parameters == {"role": "Інспектор 5"} and got[0].due_at == t0 + timedelta(days=2)
    assert kept == [got[i].id for i in waiting] and [m.request_id for m in mine] == kept
    active = sum(r["status"] in ("registered", "in_progress", "awaiting_approval") for r in rows)
    by_me = [r for r in rows if r["owner_id"] == w.analyst.id]
    my_done = [r for r in by_me if r["status"] in ("implemented", "closed", "rejected", "cancelled")]
    assert counts == {"awaiting-approval": 10, "active": active,
                      "team-active": sum(r["status"] in ("registered", "in_progress", "awaiting_approval")
                                         for r in rows if r["group_id"] == w.first_line.id),
                      "my-active": len(by_me) - len(my_done), "my-done": len(my_done), "registered-by-me": 0}
    assert team == counts["team-active"]
    assert [r["number"] for r in done_page] == [r["number"] for r in reversed(my_done)]
    with db.write() as s:
        new = requests.register_request(s, s.get(Person, w.analyst.id), requester=s.get(Person, w.caller.id),
                                        item_id=items["vpn"], values={"device": "Ноутбук"})
    assert new.number == "REQ0000071"


def test_the_request_index_predicates_are_the_domains_statuses():
    """The partial indexes' literal predicates, which the tabs repeat, say what domain/requests says."""
    import re

    assert set(re.findall(r"'(\w+)'", ACTIVE_REQUEST_SQL)) == {s.value for s in request_rules.ACTIVE}
    assert set(re.findall(r"'(\w+)'", DONE_REQUEST_SQL)) == {s.value for s in request_rules.DONE}
