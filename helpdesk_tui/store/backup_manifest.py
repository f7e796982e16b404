"""What makes a file a complete backup of this product, and the check a restore makes of it
before it touches anything.

Both forms carry a manifest: the format and its version, the schema revision, rows per table
and a SHA-256 of the content.

- JSON lines: a header line (format, version, revision), one line per row, and a last line
  with the rows per table and the SHA-256 of the row lines' bytes. A file cut short has no
  last line; a changed row no longer matches the checksum.
- An SQLite file (the online backup): the manifest is a one-row table inside the file, written
  after the copy, so the file alone is the whole backup (a side file can be lost or paired with
  the wrong copy). Its checksum is of every ordinary table's rows but its own, in the file's
  order, so a copy changed afterwards does not match.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.i18n import _
from helpdesk_tui.store import migrate

FORMAT = "helpdesk-tui-backup"
FORMAT_VERSION = 2
MANIFEST_TABLE = "helpdesk_backup_manifest"
SQLITE_MAGIC = b"SQLite format 3\x00"
HEAD_LIMIT = 64 * 1024  # a header line longer than this is not ours


class BackupRefused(DeskError):
    """A file that is not a complete backup of this product, or not one this program can load."""


@dataclass
class Manifest:
    kind: str  # "json" | "sqlite"
    revision: str | None
    rows: dict[str, int] = field(default_factory=dict)
    sha256: str = ""
    format_version: int = FORMAT_VERSION
    created_at: str | None = None

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def as_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "format_version": self.format_version, "revision": self.revision,
                "created_at": self.created_at, "rows": self.rows, "sha256": self.sha256}


def _refuse(path: Path, reason: str) -> BackupRefused:
    return BackupRefused(_("{path} cannot be restored: {reason}").format(path=path, reason=reason))


# --- recognising a file -------------------------------------------------------------------------


def json_header(path: Path) -> dict[str, Any] | None:
    """The header of a JSON backup (any version), or None when the file is not one."""
    try:
        with path.open("rb") as fh:
            line = fh.readline(HEAD_LIMIT)
    except OSError:
        return None
    try:
        header = json.loads(line)
    except (UnicodeDecodeError, ValueError):
        return None
    return header if isinstance(header, dict) and header.get("format") == FORMAT else None


def is_sqlite_file(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def open_read_only(path: Path) -> sqlite3.Connection:
    """An SQLite file opened so that nothing is written to it or beside it: read-only, and
    immutable, so no lock or WAL index is made (a backup is one finished file; anything else
    is only looked at to be refused)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)


def sqlite_manifest_row(conn: sqlite3.Connection) -> dict[str, Any] | None:
    try:
        row = conn.execute(f"SELECT manifest FROM {MANIFEST_TABLE}").fetchone()
    except sqlite3.Error:
        return None
    try:
        data = json.loads(row[0]) if row else None
    except (TypeError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def is_own_backup(path: Path) -> bool:
    """Whether `path` is a backup this program (any version) wrote: the one kind of existing
    file a backup may replace without --force."""
    if json_header(path) is not None:
        return True
    if not is_sqlite_file(path):
        return False
    try:
        with closing(open_read_only(path)) as conn:
            return sqlite_manifest_row(conn) is not None
    except sqlite3.Error:
        return False


# --- checksums ------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    return {"hex": value.hex()} if isinstance(value, (bytes, memoryview)) else value


def ordinary_tables(conn: sqlite3.Connection) -> list[str]:
    """Every table holding data, but the manifest: virtual tables are views of shadow tables."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                        "ORDER BY name").fetchall()
    return [name for name, sql in rows
            if name != MANIFEST_TABLE and not (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]


def sqlite_content(conn: sqlite3.Connection, tables: set[str]) -> tuple[dict[str, int], str]:
    """(rows of each of `tables`, SHA-256 of every ordinary table's rows) of an SQLite file."""
    digest = hashlib.sha256()
    rows: dict[str, int] = {}
    for name in ordinary_tables(conn):
        digest.update(json.dumps(name).encode() + b"\n")
        n = 0
        for row in conn.execute(f'SELECT * FROM "{name}"'):
            digest.update(json.dumps([_plain(v) for v in row], ensure_ascii=False).encode() + b"\n")
            n += 1
        if name in tables:
            rows[name] = n
    return rows, digest.hexdigest()


# --- checking a file before a restore --------------------------------------------------------------


def _check_revision(path: Path, revision: Any) -> None:
    head = migrate.head_revision()
    if revision == head:
        return
    if revision in migrate.known_revisions():
        raise _refuse(path, _("it is of the older schema {theirs} (this program has {ours}); restore it with the "
                              "helpdesk-tui that made it, then run `helpdesk db upgrade`").format(theirs=revision, ours=head))
    raise _refuse(path, _("it is of the schema {theirs}, which this program does not know (it has {ours}): it was "
                          "made by a newer helpdesk-tui").format(theirs=revision or "—", ours=head))


def _check_format(path: Path, data: dict[str, Any]) -> None:
    version = data.get("format_version")
    if not isinstance(version, int) or version < FORMAT_VERSION:
        raise _refuse(path, _("it was made by an older helpdesk-tui, without a manifest, so it cannot be checked"))
    if version > FORMAT_VERSION:
        raise _refuse(path, _("it is in backup format {theirs}, newer than this program's {ours}").format(
            theirs=version, ours=FORMAT_VERSION))


def _check_rows(path: Path, expected: Any, found: dict[str, int]) -> None:
    if not isinstance(expected, dict):
        raise _refuse(path, _("its manifest is damaged"))
    for name in sorted(set(expected) | set(found)):
        if expected.get(name, 0) != found.get(name, 0):
            raise _refuse(path, _("it holds {found} rows of «{table}» where its manifest says {expected}: it is "
                                  "incomplete or damaged").format(found=found.get(name, 0), table=name,
                                                                  expected=expected.get(name, 0)))


def verify(path: Path, tables: set[str]) -> Manifest:
    """The manifest of a complete backup at `path` whose content matches it; anything else is
    refused with one line saying what is wrong. Reads the whole file; writes nothing."""
    if not path.is_file():
        raise BackupRefused(_("No backup file at {path}").format(path=path))
    if is_sqlite_file(path):
        return _verify_sqlite(path, tables)
    header = json_header(path)
    if header is None:
        raise _refuse(path, _("it is not a helpdesk-tui backup"))
    _check_format(path, header)
    _check_revision(path, header.get("revision"))
    with path.open("rb") as fh:
        fh.readline()
        manifest = _scan_json(path, fh, tables)
    manifest.revision, manifest.created_at = header.get("revision"), header.get("created_at")
    return manifest


def _scan_json(path: Path, fh: IO[bytes], tables: set[str]) -> Manifest:
    digest = hashlib.sha256()
    found: dict[str, int] = {}
    for number, line in enumerate(fh, start=2):
        if not line.endswith(b"\n"):
            raise _refuse(path, _("it ends in the middle of line {n}: it was cut short").format(n=number))
        try:
            item = json.loads(line)
        except (UnicodeDecodeError, ValueError):
            raise _refuse(path, _("line {n} is damaged").format(n=number)) from None
        if isinstance(item, dict) and "manifest" in item:
            if fh.read(1):
                raise _refuse(path, _("there is more after its manifest (line {n})").format(n=number))
            data = item["manifest"]
            if not isinstance(data, dict):
                raise _refuse(path, _("its manifest is damaged"))
            _check_rows(path, data.get("rows"), found)
            if data.get("sha256") != digest.hexdigest():
                raise _refuse(path, _("its content does not match its checksum: it was changed or damaged"))
            return Manifest("json", None, dict(found), digest.hexdigest())
        if not isinstance(item, dict) or item.get("t") not in tables or not isinstance(item.get("r"), dict):
            raise _refuse(path, _("line {n} is not a row of this program's tables").format(n=number))
        digest.update(line)
        found[item["t"]] = found.get(item["t"], 0) + 1
    raise _refuse(path, _("it ends after {n} rows without its manifest: it was cut short").format(n=sum(found.values())))


def _verify_sqlite(path: Path, tables: set[str]) -> Manifest:
    try:
        with closing(open_read_only(path)) as conn:
            data = sqlite_manifest_row(conn)
            if data is None:
                has_schema = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'alembic_version'").fetchone()
                raise _refuse(path, _("it is a helpdesk-tui database, not a backup made by `helpdesk db backup` "
                                      "(it has no manifest)") if has_schema else
                              _("it is an SQLite database, but not a helpdesk-tui backup"))
            _check_format(path, data)
            _check_revision(path, data.get("revision"))
            stored = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            if stored is None or stored[0] != data.get("revision"):
                raise _refuse(path, _("its schema does not match its manifest: it was changed or damaged"))
            rows, sha = sqlite_content(conn, tables)
    except sqlite3.DatabaseError as exc:
        raise _refuse(path, _("SQLite cannot read it ({error})").format(error=exc)) from None
    _check_rows(path, data.get("rows"), rows)
    if data.get("sha256") != sha:
        raise _refuse(path, _("its content does not match its checksum: it was changed or damaged"))
    return Manifest("sqlite", data.get("revision"), rows, sha, created_at=data.get("created_at"))


def json_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """The rows of a verified JSON backup, in file order."""
    with path.open("rb") as fh:
        fh.readline()
        for line in fh:
            item = json.loads(line)
            if "manifest" in item:
                return
            yield item["t"], item["r"]
