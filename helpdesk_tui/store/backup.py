"""`helpdesk db backup` and `db restore`: the files, their manifests (backup_manifest.py), and
loading one into a database.

SQLite to SQLite uses SQLite's online backup (consistent while analysts keep working). Any other
pair goes through a portable JSON-lines file, tables in dependency order; it also moves a team
from SQLite to PostgreSQL.

A backup is built in a temporary file and takes its name only when complete, so a failure (a
full disk, a missing directory) leaves nothing behind, and it replaces only a file that is one
of its own backups unless forced.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Date, create_engine, delete, select, text
from sqlmodel import SQLModel

import helpdesk_tui.store.models  # noqa: F401  (registers the tables)
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.i18n import _
from helpdesk_tui.store import migrate
from helpdesk_tui.store.backup_manifest import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_TABLE,
    BackupRefused,
    Manifest,
    is_own_backup,
    json_rows,
    open_read_only,
    sqlite_content,
    verify,
)
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.types import UTCDateTime, utcnow

__all__ = ["BackupFailed", "BackupRefused", "Manifest", "backup", "restore", "verify_file"]

BATCH = 2000
JSON_SUFFIXES = (".json", ".jsonl")


class BackupFailed(DeskError):
    """The backup could not be written; nothing was left behind."""


def _tables() -> list[Any]:
    return list(SQLModel.metadata.sorted_tables)


def table_names() -> set[str]:
    return {t.name for t in _tables()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def sqlite_path(db: Database) -> str | None:
    if db.dialect != "sqlite":
        return None
    return db.engine.url.database


def makes_sqlite_file(db: Database, path: Path) -> bool:
    """The form a backup to `path` takes: SQLite's own file, or JSON lines."""
    return sqlite_path(db) is not None and path.suffix.lower() not in JSON_SUFFIXES


# --- writing ---------------------------------------------------------------------------------------


def _check_target(db: Database, path: Path, force: bool) -> bool:
    """Refuse a target a backup must not write; True when it is a regular file or not there yet
    (then the backup takes its name by a rename), False for a device or a pipe (written into)."""
    source = sqlite_path(db)
    if source and path.exists() and path.resolve() == Path(source).resolve():
        raise BackupFailed(_("{path} is the database itself; choose another file").format(path=path))
    if path.is_dir():
        raise BackupFailed(_("{path} is a directory; name the backup file").format(path=path))
    if not path.parent.is_dir():
        raise BackupFailed(_("Cannot write the backup {path}: the directory {dir} does not exist").format(
            path=path, dir=path.parent))
    if path.exists() and not force and not is_own_backup(path):
        raise BackupFailed(_("{path} exists and is not a helpdesk-tui backup; add --force to write over it").format(
            path=path))
    return not path.exists() or path.is_file()


def _remove(path: Path) -> None:
    for leftover in (path, *(Path(f"{path}{s}") for s in ("-journal", "-wal", "-shm"))):
        try:
            leftover.unlink()
        except FileNotFoundError:
            pass


def backup(db: Database, path: Path, *, force: bool = False) -> Manifest:
    """Write a backup of `db` to `path` with its manifest. Replaces only one of its own
    backups unless `force`; on any failure nothing is left and BackupFailed says why."""
    path = Path(path)
    regular = _check_target(db, path, force)
    revision = migrate.current_revision(db)
    folder = path.parent if regular else None  # a device gets a copy built elsewhere
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    os.close(handle)
    tmp = Path(name)
    try:
        if makes_sqlite_file(db, path):
            manifest = _write_sqlite(sqlite_path(db), tmp, revision)  # type: ignore[arg-type]
        else:
            manifest = _write_json(db, tmp, revision)
        if regular:
            _sync(tmp)
            os.replace(tmp, path)
        else:
            with tmp.open("rb") as src, path.open("wb") as dst:
                shutil.copyfileobj(src, dst)
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise BackupFailed(_("Could not write the backup {path}: {reason}").format(path=path, reason=reason)) from None
    finally:
        _remove(tmp)
    return manifest


def _sync(path: Path) -> None:
    with path.open("rb") as fh:
        os.fsync(fh.fileno())


def _write_sqlite(source: str, tmp: Path, revision: str | None) -> Manifest:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(tmp)) as dst:
        src.backup(dst)
        # The copy is a single file: no WAL beside it, however the database runs.
        dst.execute("PRAGMA journal_mode=DELETE")
        rows, sha = sqlite_content(dst, table_names())
        manifest = Manifest("sqlite", revision, rows, sha, created_at=utcnow().isoformat())
        dst.execute(f"CREATE TABLE {MANIFEST_TABLE} (manifest TEXT NOT NULL)")
        dst.execute(f"INSERT INTO {MANIFEST_TABLE} (manifest) VALUES (?)", (json.dumps(manifest.as_json()),))
        dst.commit()
    return manifest


def _write_json(db: Database, tmp: Path, revision: str | None) -> Manifest:
    import hashlib

    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    created = utcnow().isoformat()
    with db.engine.connect() as conn, tmp.open("wb") as out:
        out.write(json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION, "revision": revision,
                              "created_at": created}).encode() + b"\n")
        for table in _tables():
            n = 0
            key = list(table.primary_key.columns)
            for row in conn.execute(select(table).order_by(*key)).mappings():
                line = json.dumps({"t": table.name, "r": {k: _jsonable(v) for k, v in row.items()}},
                                  ensure_ascii=False).encode() + b"\n"
                digest.update(line)
                out.write(line)
                n += 1
            counts[table.name] = n
        manifest = Manifest("json", revision, counts, digest.hexdigest(), created_at=created)
        out.write(json.dumps({"manifest": {"rows": counts, "sha256": manifest.sha256}}).encode() + b"\n")
    return manifest


# --- restoring -------------------------------------------------------------------------------------


def verify_file(path: Path) -> Manifest:
    """The manifest of a complete backup of this program's schema; refuses anything else."""
    return verify(Path(path), table_names())


def restore(db: Database, path: Path, manifest: Manifest | None = None) -> Manifest:
    """Replace every row of `db` with the backup's, after checking the file (unless the caller
    just did: `manifest`). The schema is brought to head first."""
    path = Path(path)
    manifest = manifest or verify_file(path)
    target = sqlite_path(db)
    if manifest.kind == "sqlite" and target:
        db.dispose()
        with closing(open_read_only(path)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
            dst.execute(f"DROP TABLE IF EXISTS {MANIFEST_TABLE}")
            dst.commit()
        return manifest
    migrate.upgrade(db)
    if manifest.kind == "sqlite":
        _copy_from_sqlite_file(db, path)
    else:
        _load(db, json_rows(path))
    return manifest


def _copy_from_sqlite_file(db: Database, path: Path) -> None:
    # Read-only, through the tables' own types (times stored as text come back as times).
    source = create_engine("sqlite://", creator=lambda: open_read_only(path))
    try:
        def rows() -> Iterator[tuple[str, dict[str, Any]]]:
            with source.connect() as conn:
                for table in _tables():
                    for row in conn.execute(select(table)).mappings():
                        yield table.name, {k: _jsonable(v) for k, v in row.items()}

        _load(db, rows())
    finally:
        source.dispose()


def _revive(table: Any, row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for name, value in row.items():
        column = table.c[name]
        if value is not None and isinstance(column.type, UTCDateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(column.type, Date):
            value = date.fromisoformat(value)
        out[name] = value
    return out


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
                raise BackupRefused(_("The backup has an unknown table «{name}»").format(name=name))
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
