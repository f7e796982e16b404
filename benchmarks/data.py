"""Realistic incident rows for the bulk path: mostly closed history, a live queue per group."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from helpdesk_tui.desk import demo_data
from helpdesk_tui.domain.collation import NOBODY
from helpdesk_tui.domain.statuses import IncidentStatus as S

OPEN_SHARE = 0.04
_OPEN = [S.REGISTERED, S.IN_PROGRESS, S.INFO_NEEDED, S.INFO_PROVIDED, S.THIRD_PARTY, S.FROM_THIRD_PARTY,
         S.RESOLVED, S.REOPENED]
_OPEN_WEIGHTS = [12, 30, 10, 5, 8, 5, 20, 3]


def incident_rows(n: int, *, groups: list[int], staff_by_group: dict[int, list[int]], callers: list[int],
                  services: list[int], categories: list[list[int]], start_number: int = 1, seed: int = 1,
                  now: datetime | None = None, caller_keys: dict[int, str] | None = None) -> list[dict[str, Any]]:
    """`caller_keys`: each caller's Person.sort_key, kept on the incident as the desk keeps it."""
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    span = timedelta(days=3 * 365).total_seconds()
    rows = []
    for i in range(n):
        created = now - timedelta(seconds=span * (1 - i / n)) + timedelta(seconds=rng.randint(0, 600))
        is_open = rng.random() < OPEN_SHARE or i > n - 2000
        status = rng.choices(_OPEN, _OPEN_WEIGHTS)[0] if is_open else (S.CLOSED if rng.random() < 0.97 else S.CANCELLED)
        si = rng.randrange(len(services))
        group = rng.choice(groups)
        classified = status not in (S.REGISTERED,) or rng.random() < 0.4
        impact, urgency = (rng.randint(1, 3), rng.randint(1, 3)) if classified else (None, None)
        owner = rng.choice(staff_by_group[group]) if (classified or rng.random() < 0.5) and staff_by_group[group] else None
        _si, short, description = rng.choice(demo_data.PROBLEMS_REPORTED)
        caller = rng.choice(callers)
        resolved = created + timedelta(hours=rng.randint(1, 200)) if status in (S.RESOLVED, S.CLOSED) else None
        rows.append({
            "number": f"INC{start_number + i:07d}",
            "caller_id": caller,
            "caller_sort": (caller_keys or {}).get(caller, NOBODY),
            "channel": rng.choice(["phone", "phone", "email", "portal", "messenger"]),
            "short_description": short.format(room=rng.randint(100, 420)),
            "description": description,
            "service_id": services[si] if classified else None,
            "category_id": rng.choice(categories[si]) if classified else None,
            "impact": impact,
            "urgency": urgency,
            "priority": None if impact is None else {2: 1, 3: 2, 4: 3, 5: 4, 6: 5}[impact + urgency],
            "status": status.value,
            "group_id": group,
            "owner_id": owner,
            "solution": "Вирішено" if resolved else None,
            "reason_code": "permanent_fix" if resolved else None,
            "waiting_on": "caller" if status in (S.INFO_NEEDED, S.RESOLVED) else "nobody" if status in (S.CLOSED, S.CANCELLED) else "desk",
            "created_at": created,
            "updated_at": resolved or created,
            "resolved_at": resolved,
            "closed_at": resolved + timedelta(days=5) if status is S.CLOSED and resolved else None,
        })
    return rows
