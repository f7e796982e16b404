"""A fast first frame: the home dashboard's first page read with the standard library while the
store (SQLAlchemy, SQLModel: slower to import than Textual itself, MEASURED.md) loads behind it.

The last session of the same analyst on the same database left a recipe: the SQL its home tab
and tab counts compiled to (store/queries.py wrote it; nothing here is hand-written SQL). The
rows are read live with that SQL, so they are current; the recipe only saves the import. Once
the store is loaded, EarlyWorkspace hands every call to the real Workspace. Only for SQLite and
for sessions signed in without a password (the OS user, the demo).
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from helpdesk_tui.config import cache_dir
from helpdesk_tui.domain.dashboards import CATALOGUE
from helpdesk_tui.domain.listing import ListQuery
from helpdesk_tui.domain.statuses import Role

FORMAT = 1


def sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///"))
    if "://" not in url:
        return Path(url)
    return None


def recipe_file(url: str, login: str) -> Path:
    digest = hashlib.sha256(f"{url}\n{login}".encode()).hexdigest()[:20]
    return cache_dir() / f"first-page-{digest}.json"


def save(url: str, login: str, recipe: dict[str, Any]) -> None:
    path = recipe_file(url, login)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"format": FORMAT, **recipe}, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)


def load(url: str, login: str) -> dict[str, Any] | None:
    if sqlite_path(url) is None:
        return None
    try:
        recipe = json.loads(recipe_file(url, login).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if recipe.get("format") != FORMAT or recipe.get("dashboard") not in CATALOGUE:
        return None
    return recipe  # type: ignore[no-any-return]


class _Reader:
    """Plain sqlite3, read-only, for the few statements of the recipe."""

    def __init__(self, path: Path, recipe: dict[str, Any]) -> None:
        import sqlite3

        self.connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.recipe = recipe
        self.lock = threading.Lock()

    def schema_matches(self) -> bool:
        with self.lock:
            try:
                row = self.connection.execute("SELECT version_num FROM alembic_version").fetchone()
            except Exception:  # no such table: not a help-desk database any more
                return False
        return row is not None and row[0] == self.recipe["schema"]

    def rows(self) -> list[dict[str, Any]]:
        with self.lock:
            cursor = self.connection.execute(self.recipe["page_sql"])
            names = [d[0] for d in cursor.description]
            raw = cursor.fetchall()
        times, flags = set(self.recipe["datetime_columns"]), set(self.recipe["bool_columns"])
        out = []
        for values in raw:
            row = dict(zip(names, values))
            for name in times:
                if isinstance(row.get(name), str):
                    row[name] = datetime.fromisoformat(row[name]).replace(tzinfo=UTC)
            for name in flags:
                row[name] = bool(row.get(name))
            out.append(row)
        return out

    def count(self, tab: str) -> int:
        with self.lock:
            return int(self.connection.execute(self.recipe["count_sql"][tab]).fetchone()[0])

    def close(self) -> None:
        with self.lock:
            self.connection.close()


class EarlyWorkspace:
    """Stands in for the Workspace until it is ready: answers the home tab and its counts from
    the recipe, and waits for the real one for anything else."""

    def __init__(self, recipe: dict[str, Any], reader: _Reader) -> None:
        self.recipe = recipe
        self.reader = reader
        who = recipe["who"]
        self.who = SimpleNamespace(person_id=who["person_id"], login=who["login"], full_name=who["full_name"],
                                   roles=tuple(Role(r) for r in who["roles"]))
        self.role = Role(recipe["role"])
        self.home_dashboard = recipe["dashboard"]
        self._real: Any = None
        self._ready = threading.Event()

    @classmethod
    def open(cls, url: str, login: str) -> EarlyWorkspace | None:
        recipe = load(url, login)
        path = sqlite_path(url)
        if recipe is None or path is None or not path.exists():
            return None
        try:
            reader = _Reader(path, recipe)
            if reader.schema_matches():
                return cls(recipe, reader)
            reader.close()
        except Exception:  # a damaged file or a locked database: take the ordinary way in
            return None
        return None

    def attach(self, real: Any) -> None:
        self._real = real
        self.role = real.role
        self.who = real.who
        self._ready.set()
        self.reader.close()

    def fail(self) -> None:
        self._ready.set()

    def _wait(self) -> Any:
        self._ready.wait()
        if self._real is None:
            raise RuntimeError("the session was not opened")
        return self._real

    def _is_home(self, q: ListQuery, kw: dict[str, Any]) -> bool:
        home = ListQuery(CATALOGUE[self.recipe["dashboard"]].tab(self.recipe["tab"]).kind,
                         dashboard=self.recipe["dashboard"], tab=self.recipe["tab"])
        return not self._ready.is_set() and q == home and not any(kw.get(k) for k in ("after", "before", "start", "last"))

    def page(self, q: ListQuery, **kw: Any) -> Any:
        if self._is_home(q, kw):
            rows = self.reader.rows()
            limit = self.recipe["limit"]
            more = len(rows) > limit
            rows = rows[:limit]
            sort = self.recipe["sort"]
            last = (rows[-1][sort], rows[-1]["id"]) if rows else None
            return SimpleNamespace(rows=rows, next_cursor=last if more else None, prev_cursor=None, total=None)
        return self._wait().page(q, **kw)

    def total(self, q: ListQuery) -> int:
        if self._is_home(q, {}):
            return self.reader.count(self.recipe["tab"])
        return int(self._wait().total(q))

    def counts(self, dashboard: str) -> dict[str, int]:
        if dashboard == self.recipe["dashboard"] and not self._ready.is_set():
            return {tab: self.reader.count(tab) for tab in self.recipe["count_sql"]}
        return self._wait().counts(dashboard)  # type: ignore[no-any-return]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wait(), name)
