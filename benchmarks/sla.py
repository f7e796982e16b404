"""Issue 3's figures: SLA state for 100k open incidents, and "breaching within 2 h" at 1M."""

from __future__ import annotations

import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from benchmarks.foundation import _pct
from helpdesk_tui.desk import sla as desk_sla
from helpdesk_tui.desk.breaching import breaching
from helpdesk_tui.domain.calendar import BusinessCalendar, around_the_clock
from helpdesk_tui.domain.sla import StatusChange, default_rules, sla_state
from helpdesk_tui.store.db import Database

_FLOWS = [
    ["registered", "in_progress"],
    ["registered", "in_progress", "info_needed", "info_provided"],
    ["registered", "in_progress", "third_party", "from_third_party"],
    ["registered", "in_progress", "resolved", "reopened"],
    ["registered"],
]


def pure_states(n: int = 100_000, seed: int = 5) -> dict[str, float]:
    """The clocks alone: n open incidents with 1-4 status changes each over the past weeks."""
    rng = random.Random(seed)
    rules = default_rules({"standard": BusinessCalendar("standard"), "24x7": around_the_clock()})
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    cases = []
    for _ in range(n):
        created = now - timedelta(minutes=rng.randint(10, 60 * 24 * 30))
        flow = rng.choice(_FLOWS)
        moments = sorted(created + (now - created) * rng.random() for _ in flow[1:])
        history = [StatusChange(created, flow[0])] + [StatusChange(m, s) for m, s in zip(moments, flow[1:])]
        cases.append((rng.randint(1, 5), created, moments[0] if len(flow) > 1 and rng.random() < 0.7 else None, history))
    t0 = time.perf_counter()
    for priority, created, responded, history in cases:
        sla_state(rules, priority=priority, criticality=None, created=created, responded=responded, history=history, now=now)
    return {"incidents": n, "seconds": time.perf_counter() - t0}


def recompute_all(db: Database) -> dict[str, float]:
    """Load every open incident and its history, compute, store the due times."""
    t0 = time.perf_counter()
    with db.write() as session:
        n = desk_sla.recompute_open(session)
    return {"incidents": n, "seconds": time.perf_counter() - t0}


def breaching_query(db: Database, repeat: int = 200) -> dict[str, Any]:
    times, rows = [], 0
    with db.read() as session:
        for _ in range(repeat):
            t0 = time.perf_counter()
            rows = len(breaching(session, timedelta(hours=2), limit=100))
            times.append((time.perf_counter() - t0) * 1000)
    return {"rows": rows, "p50": statistics.median(times), "p95": _pct(times, 95)}
