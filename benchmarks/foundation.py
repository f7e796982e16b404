"""Issue 2's figures: bulk import rate, and each dashboard tab's first page and count. Issue 17's:
the same with service requests (the demo catalog's items, their approvals) beside the incidents."""

from __future__ import annotations

import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

import helpdesk_tui
from benchmarks.data import incident_rows, request_rows
from helpdesk_tui.desk import admin, approvals, catalog
from helpdesk_tui.desk.demo import _reference
from helpdesk_tui.store import bulk, migrate, queries, search_schema
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import Person



def prepare(db: Database, seed: int = 3) -> dict[str, Any]:
    migrate.upgrade(db)
    rng = random.Random(seed)
    with db.write() as s:
        ref = _reference(s, rng)
        groups = [g.id for g in ref["groups"]]
        staff = {g: admin.group_member_ids(s, g) for g in groups}
        analyst = s.execute(select(Person).where(Person.login == "analyst")).scalar_one()
        return {
            "groups": groups, "staff_by_group": staff, "callers": [p.id for p in ref["callers"]],
            "caller_keys": {p.id: p.sort_key for p in ref["callers"]},
            "services": [x.id for x in ref["services"]], "categories": [[c.id for c in cs] for cs in ref["categories"]],
            "analyst": analyst.id,
        }


def bulk_import(db: Database, ref: dict[str, Any], n: int) -> dict[str, float]:
    """Rows/s through the bulk path, and raw sqlite3.executemany of the same rows beside it."""
    rows = incident_rows(n, groups=ref["groups"], staff_by_group=ref["staff_by_group"], callers=ref["callers"],
                         services=ref["services"], categories=ref["categories"], caller_keys=ref["caller_keys"])
    t0 = time.perf_counter()
    tuples = bulk.incident_tuples(rows, db.dialect)
    bulk.insert_incidents(db, tuples)
    elapsed = time.perf_counter() - t0
    result = {"rows": float(n), "seconds": elapsed, "rows_per_s": n / elapsed}
    if db.dialect == "sqlite":
        result["raw_rows_per_s"] = _raw_sqlite_rate(tuples)
    return result


DEMO_CATALOG = Path(helpdesk_tui.__file__).parent / "catalogs" / "demo.toml"


def load_demo_catalog(db: Database) -> list[dict[str, Any]]:
    """The demo's catalog loaded as an administrator loads it; its items as `request_rows` takes them."""
    with db.write() as s:
        boss = s.execute(select(Person).where(Person.login == "admin")).scalar_one()
        catalog.load_catalog(s, boss, DEMO_CATALOG.read_text(encoding="utf-8"), DEMO_CATALOG.name)
        s.flush()
        return [{"id": row.id, "code": row.code, "name": row.name, "group_id": row.group_id, "fields": row.fields,
                 "approval": (row.approval or {}).get("mode"), "audience": row.audience,
                 "approvers": [p.id for p in approvals.approvers_of(s, row)] if row.approval else [],
                 "response_minutes": row.response_minutes, "resolution_minutes": row.resolution_minutes}
                for row in catalog.all_items(s)]


def request_import(db: Database, ref: dict[str, Any], n: int, seed: int = 17) -> dict[str, float]:
    """The demo catalog, then `n` service requests with their approvals through the bulk path."""
    items = load_demo_catalog(db)
    with db.read() as s:
        people = s.execute(select(Person.id, Person.organisation_id, Person.login)
                           .where(Person.id.in_(ref["callers"]))).all()  # type: ignore[union-attr]
        staff = sorted({p for members in ref["staff_by_group"].values() for p in members})
        logins = list(s.execute(select(Person.login).where(Person.id.in_(staff))).scalars())  # type: ignore[union-attr]
    rows, approval_rows = request_rows(n, items=items, groups=ref["groups"], staff_by_group=ref["staff_by_group"],
                                       requesters=[tuple(p) for p in people], analyst=ref["analyst"],
                                       staff_logins=logins, seed=seed)
    t0 = time.perf_counter()
    bulk.insert_requests(db, rows, approval_rows)
    elapsed = time.perf_counter() - t0
    return {"rows": float(n), "approvals": float(len(approval_rows)), "seconds": elapsed, "rows_per_s": n / elapsed}


def _raw_sqlite_rate(tuples: list[tuple[Any, ...]]) -> float:
    """The same rows into the same table with plain sqlite3, no indexes nor search triggers: the ceiling."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "raw.db"
        db = Database(f"sqlite:///{path}")
        migrate.upgrade(db)
        with db.engine.begin() as conn:
            for ix in bulk._secondary_indexes():
                conn.exec_driver_sql(f"DROP INDEX {ix.name}")
            # Nor the full-text triggers: the limit is the driver writing rows, nothing else.
            search_schema.suspend(conn, search_schema.BY_TABLE["incident"])
        db.dispose()
        con = sqlite3.connect(path)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        cols = ", ".join(bulk.INCIDENT_COLUMNS)
        marks = ", ".join("?" * len(bulk.INCIDENT_COLUMNS))
        t0 = time.perf_counter()
        with con:
            con.executemany(f"INSERT INTO incident ({cols}) VALUES ({marks})", tuples)
        elapsed = time.perf_counter() - t0
        con.close()
    return len(tuples) / elapsed


def _pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def dashboards(db: Database, analyst_id: int, repeat: int = 200) -> list[dict[str, Any]]:
    """p50/p95 of each tab's first page (100 rows) and of its count, as the analyst sees them."""
    out = []
    with db.read() as s:
        viewer = queries.Viewer.load(s, analyst_id)
        for board in queries.DASHBOARDS.values():
            for tab in board.tabs:
                where = tab.where(viewer)
                page_t, count_t = [], []
                rows = total = 0
                for _ in range(10):  # statements compiled and cached, pages read in: the steady state
                    queries.tab_page(s, board.key, tab.key, viewer)
                    queries.count(s, tab.kind, where)
                for _ in range(repeat):
                    t0 = time.perf_counter()
                    rows = len(queries.tab_page(s, board.key, tab.key, viewer).rows)
                    t1 = time.perf_counter()
                    total = queries.count(s, tab.kind, where)
                    t2 = time.perf_counter()
                    page_t.append((t1 - t0) * 1000)
                    count_t.append((t2 - t1) * 1000)
                out.append({"tab": f"{board.key}/{tab.key}", "rows": rows, "count": total,
                            "page_p50": statistics.median(page_t), "page_p95": _pct(page_t, 95),
                            "count_p50": statistics.median(count_t), "count_p95": _pct(count_t, 95)})
    return out
