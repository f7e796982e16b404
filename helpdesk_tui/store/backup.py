"""`helpdesk db backup` and `db restore`.

SQLite to SQLite uses SQLite's online backup (consistent while analysts keep working). Any other
pair goes through a portable JSON-lines file: one header line, then one line per row, tables in
dependency order; it also moves a team from SQLite to PostgreSQL.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Date, delete, select, text
from sqlmodel import SQLModel

import helpdesk_tui.store.models  # noqa: F401  (registers the tables)
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.i18n import _
from helpdesk_tui.store import migrate
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.types import JSONText, UTCDateTime

FORMAT = "helpdesk-tui-backup"
BATCH = 2000
SQLITE_MAGIC = b"SQLite format 3\x00"


def _tables() -> list[Any]:
    return [t for t in SQLModel.metadata.sorted_tables]


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _sqlite_path(db: Database) -> str | None:
    if db.dialect != "sqlite":
        return None
    return db.engine.url.database


def backup(db: Database, path: Path) -> dict[str, int]:
    """Write a backup; returns rows per table (empty for an SQLite file copy)."""
    source = _sqlite_path(db)
    if source and path.suffix not in (".json", ".jsonl"):
        with sqlite3.connect(source) as src, sqlite3.connect(path) as dst:
            src.backup(dst)
        return {}
    counts: dict[str, int] = {}
    tmp = path.with_suffix(path.suffix + ".part")
    with db.engine.connect() as conn, tmp.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"format": FORMAT, "revision": migrate.current_revision(db)}) + "\n")
        for table in _tables():
            n = 0
            key = [c for c in table.primary_key.columns]
            for row in conn.execute(select(table).order_by(*key)).mappings():
                out.write(json.dumps({"t": table.name, "r": {k: _jsonable(v) for k, v in row.items()}},
                                     ensure_ascii=False) + "\n")
                n += 1
            counts[table.name] = n
    tmp.replace(path)
    return counts


def _rows(handle: IO[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    for line in handle:
        if line.strip():
            item = json.loads(line)
            yield item["t"], item["r"]


def _revive(table: Any, row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in row.items():
        column = table.c[name]
        if value is not None and isinstance(column.type, UTCDateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(column.type, Date):
            value = date.fromisoformat(value)
        elif isinstance(column.type, JSONText):
            pass
        out[name] = value
    return out


def restore(db: Database, path: Path) -> dict[str, int]:
    """Replace every row of `db` with the backup's; the schema is brought to head first."""
    if not path.is_file():
        raise DeskError(_("No backup file at {path}").format(path=path))
    with path.open("rb") as fh:
        magic = fh.read(len(SQLITE_MAGIC))
    if magic == SQLITE_MAGIC:
        target = _sqlite_path(db)
        if target:
            db.dispose()
            with sqlite3.connect(path) as src, sqlite3.connect(target) as dst:
                src.backup(dst)
            migrate.upgrade(db)
            return {}
        return _copy_from_sqlite_file(db, path)
    with path.open(encoding="utf-8") as fh:
        try:
            header = json.loads(fh.readline())
        except json.JSONDecodeError:
            header = {}
        if header.get("format") != FORMAT:
            raise DeskError(_("{path} is not a helpdesk-tui backup").format(path=path))
        migrate.upgrade(db)
        if header.get("revision") != migrate.current_revision(db):
            raise DeskError(
                _("The backup is of schema {theirs}, this program has {ours}; restore it with the matching version").format(
                    theirs=header.get("revision"), ours=migrate.current_revision(db)
                )
            )
        return _load(db, _rows(fh))


def _copy_from_sqlite_file(db: Database, path: Path) -> dict[str, int]:
    source = Database(f"sqlite:///{path.resolve()}")
    try:
        migrate.upgrade(db)
        if migrate.current_revision(source) != migrate.current_revision(db):
            raise DeskError(_("The backup's schema does not match this program's; upgrade it first"))

        def rows() -> Iterator[tuple[str, dict[str, Any]]]:
            with source.engine.connect() as conn:
                for table in _tables():
                    for row in conn.execute(select(table)).mappings():
                        yield table.name, {k: _jsonable(v) for k, v in row.items()}

        return _load(db, rows())
    finally:
        source.dispose()


def _load(db: Database, rows: Iterator[tuple[str, dict[str, Any]]]) -> dict[str, int]:
    tables = {t.name: t for t in _tables()}
    counts: dict[str, int] = {}
    with db.engine.begin() as conn:
        for table in reversed(_tables()):
            conn.execute(delete(table))
        batch: list[dict[str, Any]] = []
        current: str | None = None
        for name, row in rows:
            if name not in tables:
                raise DeskError(_("The backup has an unknown table «{name}»").format(name=name))
            if name != current and batch:
                conn.execute(tables[current].insert(), batch)  # type: ignore[index]
                batch = []
            current = name
            batch.append(_revive(tables[name], row))
            counts[name] = counts.get(name, 0) + 1
            if len(batch) >= BATCH:
                conn.execute(tables[name].insert(), batch)
                batch = []
        if batch and current:
            conn.execute(tables[current].insert(), batch)
        if db.dialect == "postgresql":
            for table in _tables():
                if "id" in table.c and table.c.id.autoincrement is not False and table.c.id.primary_key:
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                    ))
    return counts
