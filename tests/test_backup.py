"""No command loses data: backups carry a manifest and restore refuses anything but a complete
backup of this product; restore keeps a copy of what it replaces; backup never writes over a
stranger's file and leaves nothing behind when it fails; an older schema is named, upgraded,
and its open incidents get their due times. Real files, real databases, through the command
line as an administrator runs it."""

from __future__ import annotations

import itertools
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from helpdesk_tui.cli import main
from helpdesk_tui.desk import incidents
from helpdesk_tui.desk.database import backup_database, check_backup
from helpdesk_tui.store import migrate
from helpdesk_tui.store.backup_manifest import MANIFEST_TABLE, sqlite_content
from helpdesk_tui.store.backup import table_names
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import Incident
from helpdesk_tui.store.types import UTCDateTime, utcnow
from tests.world import seed

ROOT = Path(__file__).resolve().parents[1]
_NAMES = itertools.count(1)


@pytest.fixture
def run(capsys):
    """`helpdesk --db URL ARGS…` as a person types it; returns (exit code, stdout, stderr)."""

    def _run(db: Database, *args: str) -> tuple[int, str, str]:
        code = main(["--db", db.url, "--lang", "en", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def files(tmp_path) -> Path:
    """A folder for backups and other files, apart from the test's databases (and their WAL)."""
    folder = tmp_path / "files"
    folder.mkdir()
    return folder


@pytest.fixture
def empty_db(request, tmp_path):
    """`empty_db(engine)`: a database with no schema at all, to be migrated to an old revision."""
    made: list[tuple[Database, str | None]] = []

    def make(engine: str) -> Database:
        if engine == "sqlite":
            database = Database(f"sqlite:///{tmp_path / f'old-{next(_NAMES)}.db'}")
            made.append((database, None))
        else:
            cluster = request.getfixturevalue("pg_cluster")
            name = f"old_{os.getpid()}_{next(_NAMES)}"
            cluster.create_database(name)
            database = Database(cluster.url_for(name))
            made.append((database, name))
        return database

    yield make
    for database, name in made:
        database.dispose()
        if name is not None:
            request.getfixturevalue("pg_cluster").drop_database(name)


def _one_line_failure(result: tuple[int, str, str], *fragments: str) -> str:
    code, _out, err = result
    assert code == 1, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, err
    return err


def _titles(db: Database) -> list[str]:
    with db.read() as s:
        return sorted(i.short_description for i in s.execute(select(Incident)).scalars())


def _with_incidents(db: Database, *titles: str, description: str = "") -> None:
    w = seed(db)
    with db.write() as s:
        for title in titles:
            incidents.register_incident(s, w.analyst, caller=w.caller, short_description=title, group=w.first_line,
                                        description=description)


def _add_incident(db: Database, title: str) -> None:
    from helpdesk_tui.desk.lookup import find_person

    with db.write() as s:
        ivan = find_person(s, "ivan")
        incidents.register_incident(s, ivan, short_description=title, owner=ivan)


def _sqlite_backup(make_db, tmp_path: Path, name: str = "bk.db") -> Path:
    """A backup in SQLite's own form (it needs an SQLite database to come from)."""
    source = make_db("sqlite")
    _with_incidents(source, "У копії")
    path = tmp_path / name
    backup_database(source, path)
    return path


def _resign_sqlite(path: Path, **changes: object) -> None:
    """Change a .db backup's manifest and recompute its checksum, as a program that wrote those
    values would have."""
    with sqlite3.connect(path) as conn:
        manifest = json.loads(conn.execute(f"SELECT manifest FROM {MANIFEST_TABLE}").fetchone()[0])
        if "revision" in changes:
            conn.execute("UPDATE alembic_version SET version_num = ?", (changes["revision"],))
        manifest.update(changes)
        manifest["rows"], manifest["sha256"] = sqlite_content(conn, table_names())
        conn.execute(f"UPDATE {MANIFEST_TABLE} SET manifest = ?", (json.dumps(manifest),))
    conn.close()


def _unrelated_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.execute("INSERT INTO recipes VALUES ('борщ')")
    conn.close()


def _newer_json(path: Path) -> None:
    lines = path.read_bytes().split(b"\n", 1)
    header = json.loads(lines[0])
    header["revision"] = "0099"
    path.write_bytes(json.dumps(header).encode() + b"\n" + lines[1])


def _refusals():
    """(what the file is, how to make it from a fresh JSON backup at `path`, what the refusal says)."""

    def another_sqlite_database(path, make_db, tmp_path):
        target = tmp_path / "unrelated.db"
        _unrelated_sqlite(target)
        return target

    def truncated_json(path, make_db, tmp_path):
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        return path

    def json_of_a_newer_schema(path, make_db, tmp_path):
        _newer_json(path)
        return path

    def db_file_of_a_newer_schema(path, make_db, tmp_path):
        target = _sqlite_backup(make_db, tmp_path)
        _resign_sqlite(target, revision="0099")
        return target

    def json_with_a_bad_checksum(path, make_db, tmp_path):
        path.write_bytes(path.read_bytes().replace("Перед копією".encode(), "Підмінено!!".encode()))
        return path

    def db_file_with_a_bad_checksum(path, make_db, tmp_path):
        target = _sqlite_backup(make_db, tmp_path)
        with sqlite3.connect(target) as conn:
            conn.execute("UPDATE incident SET short_description = 'Підмінено'")
        conn.close()
        return target

    def a_database_copied_by_hand(path, make_db, tmp_path):
        source = make_db("sqlite")
        source.dispose()
        return Path(source.engine.url.database)

    def an_old_backup_without_a_manifest(path, make_db, tmp_path):
        lines = path.read_bytes().split(b"\n")
        header = json.loads(lines[0])
        del header["format_version"]
        path.write_bytes(b"\n".join([json.dumps(header).encode(), *lines[1:-2]]) + b"\n")
        return path

    return [
        pytest.param(another_sqlite_database, "not a helpdesk-tui backup", id="another-sqlite-database"),
        pytest.param(truncated_json, "cut short", id="truncated-json"),
        pytest.param(json_of_a_newer_schema, "made by a newer helpdesk-tui", id="json-newer-schema"),
        pytest.param(db_file_of_a_newer_schema, "made by a newer helpdesk-tui", id="db-newer-schema"),
        pytest.param(json_with_a_bad_checksum, "does not match its checksum", id="json-bad-checksum"),
        pytest.param(db_file_with_a_bad_checksum, "does not match its checksum", id="db-bad-checksum"),
        pytest.param(a_database_copied_by_hand, "not a backup made by `helpdesk db backup`", id="database-copy"),
        pytest.param(an_old_backup_without_a_manifest, "without a manifest", id="old-format"),
    ]


@pytest.mark.parametrize("make_file, says", _refusals())
def test_restore_refuses_a_file_that_is_not_a_complete_backup_and_touches_nothing(
        db, make_db, run, files, make_file, says):
    _with_incidents(db, "Перед копією")
    path = files / "bk.json"
    assert run(db, "db", "backup", str(path))[0] == 0
    _add_incident(db, "Після копії")
    bad = make_file(path, make_db, files)
    before = set(files.iterdir())

    err = _one_line_failure(run(db, "db", "restore", "--yes", str(bad)), says)

    assert str(bad) in err
    assert _titles(db) == ["Перед копією", "Після копії"]  # nothing deleted
    assert set(files.iterdir()) == before  # and nothing written, not even the copy of the data
    if db.dialect == "sqlite":
        assert not list(Path(db.engine.url.database).parent.glob("*before-restore*"))


def test_restore_saves_the_current_data_beside_the_database_first_and_says_where(db, run, files):
    _with_incidents(db, "Перед копією")
    path = files / "bk.json"
    assert run(db, "db", "backup", str(path))[0] == 0
    _add_incident(db, "Після копії")

    code, out, err = run(db, "db", "restore", "--yes", str(path))

    assert code == 0, err
    assert _titles(db) == ["Перед копією"]
    if db.dialect == "sqlite":
        [saved] = Path(db.engine.url.database).parent.glob("*.before-restore-*.db")
    else:
        [saved] = files.glob("*.before-restore-*.json")
    assert str(saved) in out.replace("\n", "")
    assert check_backup(saved).rows["incident"] == 2  # a complete backup of what was replaced
    assert "Restored" in out and "rows" in out


def test_a_db_file_backup_restores_into_either_engine_and_keeps_no_manifest_table(db, make_db, run, files):
    _with_incidents(db, "Тутешній")
    path = _sqlite_backup(make_db, files)
    code, out, err = run(db, "db", "restore", "--yes", str(path))
    assert code == 0, err
    assert _titles(db) == ["У копії"]
    assert not sa.inspect(db.engine).has_table(MANIFEST_TABLE)
    assert check_backup(path).kind == "sqlite"  # the backup itself is as it was


def test_backup_never_writes_over_a_file_that_is_not_one_of_its_backups(db, run, files):
    _with_incidents(db, "Будь-що")
    notes = files / "notes.json"
    notes.write_text("мої нотатки\n", encoding="utf-8")
    stranger = files / "other.db"
    _unrelated_sqlite(stranger)
    stranger_bytes = stranger.read_bytes()

    _one_line_failure(run(db, "db", "backup", str(notes)), "not a helpdesk-tui backup", "--force")
    _one_line_failure(run(db, "db", "backup", str(stranger)), "not a helpdesk-tui backup", "--force")
    assert notes.read_text(encoding="utf-8") == "мої нотатки\n" and stranger.read_bytes() == stranger_bytes

    own = files / "bk.json"
    assert run(db, "db", "backup", str(own))[0] == 0
    assert run(db, "db", "backup", str(own))[0] == 0  # its own backup is replaced without asking
    assert run(db, "db", "backup", "--force", str(notes))[0] == 0
    assert check_backup(notes).rows["incident"] == 1
    assert sorted(p.name for p in files.iterdir()) == ["bk.json", "notes.json", "other.db"]


def test_backup_to_a_full_device_says_so_in_one_line_and_leaves_nothing(db, run, tmp_path, monkeypatch):
    _with_incidents(db, "Будь-що")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    in_dev = set(os.listdir("/dev"))

    _one_line_failure(run(db, "db", "backup", "/dev/full"), "not a helpdesk-tui backup")
    _one_line_failure(run(db, "db", "backup", "--force", "/dev/full"), "/dev/full", "No space left on device")

    assert list(scratch.iterdir()) == [] and set(os.listdir("/dev")) == in_dev


def test_backup_into_a_missing_directory_says_so_in_one_line(db, run, files):
    _with_incidents(db, "Будь-що")
    _one_line_failure(run(db, "db", "backup", str(files / "no" / "such" / "bk.json")), "does not exist")
    assert list(files.iterdir()) == []


@pytest.mark.parametrize(("engine", "suffix"), [
    ("sqlite", ".json"),
    pytest.param("postgresql", ".json", marks=pytest.mark.postgresql),
    ("sqlite", ".db"),  # the .db form is SQLite's own file: there is no PostgreSQL case
])
def test_a_backup_that_runs_out_of_room_half_way_leaves_no_part_file(make_db, tmp_path, engine, suffix):
    """A disk that fills up while the backup is written, made real with a file-size limit on
    the `helpdesk` process (the database server, if any, is not limited)."""
    db = make_db(engine)
    _with_incidents(db, *(f"Інцидент {n}" for n in range(40)), description="Довгий опис. " * 100)
    folder = tmp_path / "backups"
    folder.mkdir()
    limit = 64 * 1024

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run(
        [sys.executable, "-m", "helpdesk_tui", "--db", db.url, "--lang", "en", "db", "backup", str(folder / f"bk{suffix}")],
        cwd=ROOT, capture_output=True, text=True, preexec_fn=limited, timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )

    assert proc.returncode == 1, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Could not write the backup" in proc.stderr, proc.stderr
    assert list(folder.iterdir()) == []


def test_commands_on_an_older_schema_say_run_db_upgrade(db, empty_db, run):
    old = empty_db(db.dialect)
    migrate.upgrade(old, "0005")

    err = _one_line_failure(run(old, "--as", "ivan", "incident", "list"), "run `helpdesk db upgrade`")

    assert "no such column" not in err and "0005" in err
    code, out, err = run(old, "db", "upgrade")
    assert code == 0, err
    code, _out, err = run(old, "incident", "list")
    assert code == 0, err


def test_db_upgrade_from_0001_gives_every_open_incident_its_due_times(db, empty_db, run):
    """The upgrade that brought the SLA rules left open incidents without due times until
    someone ran `sla recompute`; the breaching-soon lists and the ticker read only those."""
    old = empty_db(db.dialect)
    migrate.upgrade(old, "0001")
    incident = sa.table("incident", *(sa.column(c) for c in (
        "number", "channel", "short_description", "description", "priority", "priority_overridden", "status",
        "waiting_on", "version")), sa.column("created_at", UTCDateTime()), sa.column("updated_at", UTCDateTime()))
    now = utcnow()
    rows = [("registered", None), ("in_progress", 2), ("reopened", 4), ("closed", 3)]
    with old.engine.begin() as conn:
        conn.execute(incident.insert(), [
            {"number": f"INC{n:07d}", "channel": "phone", "short_description": f"Старий {n}", "description": "",
             "priority": priority, "priority_overridden": False, "status": status,
             "waiting_on": "nobody" if status == "closed" else "desk", "version": 1,
             "created_at": now - timedelta(hours=n), "updated_at": now - timedelta(hours=n)}
            for n, (status, priority) in enumerate(rows, start=1)])

    code, out, err = run(old, "db", "upgrade")

    assert code == 0, err
    with old.read() as s:
        found = {i.status: (i.response_due, i.resolution_due) for i in s.execute(select(Incident)).scalars()}
    for status in ("registered", "in_progress", "reopened"):
        response, resolution = found[status]
        assert response is not None and resolution is not None, status
    assert found["closed"] == (None, None)
    code, out, err = run(old, "sla", "breaching", "--within", "8000h", "--json")
    assert code == 0, err
    assert {r["number"] for r in json.loads(out)} == {"INC0000001", "INC0000002", "INC0000003"}


def test_a_database_set_up_by_a_newer_program_is_refused_in_one_line(db, run):
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0099'"))
    for args in (("--as", "ivan", "incident", "list"), ("db", "upgrade")):
        err = _one_line_failure(run(db, *args), "0099", "newer helpdesk-tui")
        assert "Unexpected error" not in err
