"""Issue 18's figures: a month's statement for a client with 10,000 tickets and 50,000 time
entries (the figures, the act as PDF and XLSX, the internal report), and «Клієнти і звіти» for
500 clients from the key to the table painted with its rows.

The desk is the benchmarks' usual one (foundation.prepare) with `incidents` incidents through the
bulk path; 500 client organisations with subscriptions; the big client owns 10,000 of the
incidents and has 50,000 entries in the measured month; every other client has a year of
entries around it (so the month's index range is read among others' rows, as in a real desk).
"""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update

from benchmarks.foundation import _pct, bulk_import, prepare
from helpdesk_tui.desk import statements, subscriptions
from helpdesk_tui.domain.timekeeping import months_back, next_month
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import Incident, Organisation, Person
from helpdesk_tui.store.time_tables import Subscription, TimeEntry

MONTH = date(2026, 11, 1)
STAMP = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def build(db: Database, *, incidents: int, clients: int, big_tickets: int, big_entries: int,
          other_entries: int, seed: int = 18) -> dict[str, Any]:
    rng = random.Random(seed)
    ref = prepare(db)
    bulk_import(db, ref, incidents)
    with db.write() as s:
        s.execute(insert(Organisation), [{"name": f"Клієнт {i:04d}", "subscription_minutes": rng.choice([300, 600, 1200, 2400]),
                                          "active": True, "version": 1} for i in range(clients)])
        orgs = list(s.execute(select(Organisation.id, Organisation.subscription_minutes).order_by(Organisation.id)))
        first = months_back(MONTH, 12)[0]
        s.execute(insert(Subscription), [{"organisation_id": oid, "from_month": first, "minutes": minutes,
                                          "created_at": STAMP} for oid, minutes in orgs])
        big = orgs[0][0]
        ids = list(s.execute(select(Incident.id).order_by(Incident.id).limit(big_tickets)).scalars())
        s.execute(update(Incident).where(Incident.id.in_(ids)).values(organisation_id=big))  # type: ignore[attr-defined]
        person = s.execute(select(Person.id).where(Person.login == "analyst")).scalar_one()
    days = (next_month(MONTH) - MONTH).days
    rows = [{"record_kind": "incident", "record_id": ids[i % len(ids)], "person_id": person, "organisation_id": big,
             "minutes": rng.choice([5, 10, 15, 30, 45, 60]), "work_date": MONTH + timedelta(days=rng.randrange(days)),
             "note": "Консультація", "billable": rng.random() > 0.05, "change_request": i % 20 == 0,
             "created_at": STAMP} for i in range(big_entries)]
    others = [oid for oid, _m in orgs[1:]]
    start = months_back(MONTH, 12)[0]
    span = (next_month(MONTH) - start).days
    rows += [{"record_kind": "incident", "record_id": rng.choice(ids[:1000] or [1]), "person_id": person,
              "organisation_id": rng.choice(others), "minutes": rng.choice([15, 30, 60]),
              "work_date": start + timedelta(days=rng.randrange(span)), "note": "", "billable": True,
              "change_request": False, "created_at": STAMP} for _i in range(other_entries)]
    for chunk in range(0, len(rows), 20_000):
        with db.write() as s:
            s.execute(insert(TimeEntry), rows[chunk:chunk + 20_000])
    with db.write() as s:
        admin_id = s.execute(select(Person.id).where(Person.login == "admin")).scalar_one()
    return {"big": big, "admin": admin_id}


def statement_times(db: Database, built: dict[str, Any], rounds: int = 5) -> dict[str, list[float]]:
    """Seconds of each step, `rounds` times: the act's figures, the act as PDF and as XLSX, the
    internal report's lines, and the internal report as XLSX and PDF (once: it is long)."""
    from helpdesk_tui.documents import render_statement

    out: dict[str, list[float]] = {k: [] for k in ("figures", "act_pdf", "act_xlsx", "report_lines", "report_xlsx",
                                                     "report_csv", "report_pdf")}
    lines = 0
    for i in range(rounds):
        with db.read() as s:
            actor, org = s.get(Person, built["admin"]), s.get(Organisation, built["big"])
            t0 = time.perf_counter()
            act = statements.statement(s, actor, org, MONTH)
            out["figures"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            report = statements.statement(s, actor, org, MONTH, internal=True)
            out["report_lines"].append(time.perf_counter() - t0)
        lines = len(report.lines)
        for fmt in ("pdf", "xlsx"):
            t0 = time.perf_counter()
            render_statement(act, fmt)
            out[f"act_{fmt}"].append(time.perf_counter() - t0)
        for fmt in ("xlsx", "csv") + (("pdf",) if i == 0 else ()):
            t0 = time.perf_counter()
            render_statement(report, fmt, internal=True)
            out[f"report_{fmt}"].append(time.perf_counter() - t0)
    out["_lines"] = [float(lines)]
    return out


def reports_screen(db: Database, rounds: int = 5) -> list[float]:
    """Seconds from `R` on the workspace to «Клієнти і звіти» painted with its 500 rows and the
    month's chart, in a headless app (Textual's pilot), `rounds` times."""
    from helpdesk_tui.app import HelpdeskApp
    from helpdesk_tui.config import Settings
    from helpdesk_tui.screens.clients import ClientsScreen

    samples: list[float] = []

    async def once() -> None:
        app = HelpdeskApp(Settings(db_url=db.url), database=db, login="admin", trusted=True, role="analyst", jobs=False)
        async with app.run_test(size=(120, 40)) as pilot:
            while app.workspace is None or not app.screen.__class__.__name__ == "WorkspaceScreen":
                await pilot.pause(0.05)
            await pilot.pause(0.5)
            t0 = time.perf_counter()
            await pilot.press("R")
            while not (isinstance(app.screen, ClientsScreen) and app.screen.uses):
                await pilot.pause(0.002)
            await pilot.pause(0)  # the frame with the rows
            samples.append(time.perf_counter() - t0)

    for _i in range(rounds):
        asyncio.run(once())
    return samples


def month_total(db: Database, built: dict[str, Any]) -> dict[str, Any]:
    with db.read() as s:
        use = subscriptions.month_use(s, built["big"], MONTH)
    return {"used_h": use.used_minutes / 60, "included_h": use.included_minutes / 60}


def summary(samples: list[float]) -> str:
    ms = [x * 1000 for x in samples]
    return f"p50 {_pct(ms, 50):.0f} ms, p95 {_pct(ms, 95):.0f} ms (n={len(ms)})"
