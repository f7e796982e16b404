"""Issue 16's filter-line figure: the completion the `/` line asks for at every keystroke, at 1M
incidents.

The database is the terminal benchmark's (`benchmarks.tui.build`: the demo's work groups,
services, categories and analysts, a million incidents) with `people` more people in it, as a
desk of that size knows its callers (generated as in `benchmarks.people`). The keystrokes are
an analyst typing filters in Ukrainian, one prefix of the line per key: field names, statuses,
work groups, owners and callers by the start of their names, services, categories. Each is asked
through `FilterSuggester.get_suggestion`, the call the line makes on every change, with the
workspace's `values` behind it (a session of its own in a worker thread, as in the terminal).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from benchmarks.foundation import _pct
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import Person

# (what is completed, the line as typed to its end); every prefix from the first letter is a keystroke.
TYPED = [
    ("field name", "статус:"),
    ("status", "статус:registered"),
    ("status", "статус:Зареєстровано"),
    ("work group", 'група:Перша лінія'),
    ("work group", 'статус:in_progress група:Друга'),
    ("owner", "власник:Петро Коваленко"),
    ("owner", "власник:Сергій"),
    ("caller", "користувач:Іван Коваленко"),
    ("caller", "користувач:Олена Шевчук"),
    ("caller", "користувач:Тетяна"),
    ("caller", "абонент:Богдан Їжак"),
    ("service", "сервіс:Електронна пошта"),
    ("category", "категорія:Принтери"),
    ("organisation", "організація:Одеська"),
    ("priority", "пріоритет:2 група:Мережі"),
    ("free text", 'група:"Перша лінія підтримки Контакт-центр" принтер'),
]


def build(path: Path, incidents: int, people: int) -> None:
    """The terminal benchmark's database and `people` more people (logins, e-mail, phones)."""
    from benchmarks import people as pb
    from benchmarks import tui as tb
    from helpdesk_tui.domain.collation import person_sort_key

    tb.build(path, incidents)
    db = Database(f"sqlite:///{path}")
    rows = pb.people_rows(people)
    for row in rows:
        row["sort_key"] = person_sort_key(row["full_name"])
    for start in range(0, len(rows), 5000):
        with db.write() as s:
            s.execute(insert(Person), rows[start:start + 5000])
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")
    db.dispose()


def counts(path: Path) -> dict[str, int]:
    from helpdesk_tui.store.models import Incident

    db = Database(f"sqlite:///{path}")
    with db.read() as s:
        out = {"incidents": s.execute(select(func.count()).select_from(Incident)).scalar_one(),
               "people": s.execute(select(func.count()).select_from(Person)).scalar_one()}
    db.dispose()
    return out


def keystrokes() -> list[tuple[str, str]]:
    return [(kind, line[:i]) for kind, line in TYPED for i in range(1, len(line) + 1)]


async def _typing(path: Path, rounds: int) -> dict[str, Any]:
    from helpdesk_tui.desk import auth
    from helpdesk_tui.desk.workspace import Workspace
    from helpdesk_tui.i18n import set_language
    from helpdesk_tui.widgets.filter_line import FilterSuggester

    set_language("uk")
    db = Database(f"sqlite:///{path}")
    with db.read() as s:
        who = auth.trusted(s, "analyst")
    workspace = Workspace(db, who)
    asked = [0]

    def values(*a: Any) -> list[tuple[str, str]]:
        asked[0] += 1
        return workspace.values(*a)

    suggester = FilterSuggester(values, lambda: "incident")
    keys = keystrokes()
    for _kind, text in keys[:40]:
        await suggester.get_suggestion(text)  # statements compiled, caches warm, as after a minute of work
    times: dict[str, list[float]] = {}
    completed: dict[str, str | None] = {}
    store: list[float] = []
    for _ in range(rounds):
        for kind, text in keys:
            before = asked[0]
            t0 = time.perf_counter()
            suggestion = await suggester.get_suggestion(text)
            elapsed = (time.perf_counter() - t0) * 1000
            times.setdefault(kind, []).append(elapsed)
            if asked[0] > before:
                store.append(elapsed)
            completed[text] = suggestion
    times["all"] = [t for ts in times.values() for t in ts]
    times["those that asked the store (a value's keys)"] = store
    db.dispose()
    # What the line offers three letters into each line's last value: the answers are real ones.
    shown = {}
    for _kind, line in TYPED:
        typed = line[: line.rindex(":") + 4]
        shown[typed] = completed.get(typed)
    return {"times": times, "suggested": shown}


def typing(path: Path, rounds: int = 5) -> dict[str, Any]:
    """Milliseconds per keystroke, by what is being completed, over `rounds` rounds of the same keys."""
    return asyncio.run(_typing(path, rounds))


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    return (f"p50 {_pct(ordered, 50):.2f} ms, p95 {_pct(ordered, 95):.2f} ms, max {ordered[-1]:.2f} ms "
            f"over {len(ordered)}")
