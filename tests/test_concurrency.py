"""R43: several desk processes writing one database at once, on SQLite (WAL) and PostgreSQL.

Four OS processes (tests/concurrency_worker.py) each register incidents, save descriptions
against the version they read (some saves are stale: on purpose, or because another process
saved first) and add notes. Nothing may fail except StaleVersion refusals, and afterwards the
database must account for every reported success: numbers unique and gap-free, one version bump
and one journal entry per accepted save, one journal entry per note.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from helpdesk_tui.desk.admin import add_member, create_group, create_person
from helpdesk_tui.desk.incidents import register_incident, update_incident
from helpdesk_tui.desk.lookup import find_incident, find_person
from helpdesk_tui.domain.errors import StaleVersion
from helpdesk_tui.domain.statuses import Role
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import FieldChange, Incident, JournalEntry

WORKERS = 4
ITERATIONS = 50
WORKER_SCRIPT = Path(__file__).with_name("concurrency_worker.py")
START_TIMEOUT = 60
RUN_TIMEOUT = 120
ANALYST = "analyst"
GROUP = "Service Desk"


def _seed(db: Database) -> None:
    with db.write() as s:
        admin = create_person(s, None, login="admin", full_name="Desk Admin", roles={Role.ADMIN})
        group = create_group(s, admin, name=GROUP)
        analyst = create_person(s, admin, login=ANALYST, full_name="Anna Analyst",
                                roles={Role.ANALYST, Role.GROUP_MEMBER})
        add_member(s, admin, group, analyst)


def _run_workers(url: str, log_dir: Path) -> list[dict[str, Any]]:
    procs: list[tuple[subprocess.Popen[str], Path]] = []
    try:
        for worker in range(WORKERS):
            log = log_dir / f"worker-{worker}.stderr"
            procs.append((
                subprocess.Popen(
                    [sys.executable, str(WORKER_SCRIPT), url, str(worker), str(ITERATIONS), ANALYST, GROUP],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log.open("w"), text=True,
                ),
                log,
            ))
        deadline = time.monotonic() + START_TIMEOUT
        for proc, log in procs:  # all imported and connected: start them together
            line = proc.stdout.readline() if proc.stdout else ""  # EOF if the worker died
            assert line.strip() == "ready", f"worker died before starting: {line!r}\n{log.read_text()}"
            assert time.monotonic() < deadline, "workers took too long to start"
        for proc, _log in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.close()
        results = []
        deadline = time.monotonic() + RUN_TIMEOUT
        for worker, (proc, log) in enumerate(procs):
            try:
                proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                raise AssertionError(f"worker {worker} still running after {RUN_TIMEOUT}s:\n{log.read_text()}") from None
            out = proc.stdout.read() if proc.stdout else ""  # one line: the pipe cannot fill up
            lines = [ln for ln in out.splitlines() if ln.startswith("RESULT ")]
            assert lines, f"worker {worker} died (exit {proc.returncode}) without a result:\n{out}\n{log.read_text()}"
            result = json.loads(lines[-1][len("RESULT "):])
            assert not result["errors"], f"worker {worker} failed:\n" + "\n".join(result["errors"])
            assert proc.returncode == 0, f"worker {worker} exited {proc.returncode}:\n{log.read_text()}"
            results.append(result)
        return results
    finally:
        for proc, _log in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_concurrent_desk_processes(db: Database, tmp_path: Path) -> None:
    _seed(db)
    started = time.monotonic()
    results = _run_workers(db.url, tmp_path)
    elapsed = time.monotonic() - started

    registered = [n for r in results for n in r["registered"]]
    updates_ok = sum(r["updates_ok"] for r in results)
    updates_stale = sum(r["updates_stale"] for r in results)
    forced_stale = sum(r["forced_stale"] for r in results)
    notes_ok = sum(r["notes_ok"] for r in results)
    summary = (f"{db.dialect}: {len(registered)} registered, {updates_ok} saves accepted, {updates_stale} racy "
               f"saves refused, {forced_stale} forced stale refused, {notes_ok} notes in {elapsed:.1f}s")
    print(summary)

    # No worker stopped early.
    assert all(len(r["registered"]) == ITERATIONS for r in results), summary
    assert all(r["notes_ok"] == ITERATIONS for r in results), summary
    # Every second save from an old copy was refused.
    assert forced_stale == WORKERS * ITERATIONS, summary

    with db.read() as s:
        incidents = list(s.execute(select(Incident).order_by(Incident.id)).scalars())
        entries = list(s.execute(select(JournalEntry).where(JournalEntry.record_kind == "incident")).scalars())
        description_changes = {
            entry_id: new
            for entry_id, new in s.execute(
                select(FieldChange.entry_id, FieldChange.new_value).where(FieldChange.field == "description")
            )
        }

    # Numbers: unique, INC0000001..N with no gap, and exactly those the workers were given.
    numbers = [i.number for i in incidents]
    assert len(registered) == len(set(registered)), "two workers were given the same number"
    assert sorted(numbers) == [f"INC{n:07d}" for n in range(1, len(registered) + 1)]
    assert set(numbers) == set(registered)

    # Notes: one journal entry per note reported as added.
    assert sum(1 for e in entries if e.kind == "note") == notes_ok

    # Saves: each accepted save bumped its incident's version by exactly one and journaled the
    # change with that version; nothing was lost or applied twice. (Registration is the only
    # other thing that writes a version: 1, and notes do not bump it.)
    assert sum(i.version - 1 for i in incidents) == updates_ok, summary
    changes = [e for e in entries if e.kind == "change"]
    assert len(changes) == updates_ok
    by_incident: dict[int, list[JournalEntry]] = defaultdict(list)
    for entry in changes:
        by_incident[entry.record_id].append(entry)
    for incident in incidents:
        mine = sorted(by_incident.get(incident.id, []), key=lambda e: e.record_version or 0)  # type: ignore[arg-type]
        assert [e.record_version for e in mine] == list(range(2, incident.version + 1)), incident.number
        if mine:  # the description in the row is the one the last accepted save wrote
            assert description_changes.get(mine[-1].id) == incident.description, incident.number


def test_save_after_waiting_for_the_row_lock_sees_the_other_save(pg_db: Database) -> None:
    """The race above, step by step (PostgreSQL only: on SQLite the first read of a write
    session already holds the database lock). A loads the incident, B saves and commits, then A
    saves against the version it was shown: A's row lock must read B's version and refuse."""
    _seed(pg_db)
    with pg_db.write() as s:
        analyst = find_person(s, ANALYST)
        register_incident(s, analyst, short_description="Printer jams", owner=analyst)
    other = Database(pg_db.url)
    try:
        with pg_db.write() as s:
            actor = find_person(s, ANALYST)
            incident = find_incident(s, "INC0000001")  # version 1, read before any lock
            with other.write() as s2:
                update_incident(s2, find_person(s2, ANALYST), find_incident(s2, "INC0000001"),
                                expected_version=1, description="B's text")
            with pytest.raises(StaleVersion):
                update_incident(s, actor, incident, expected_version=1, description="A's text")
    finally:
        other.dispose()
    with pg_db.read() as s:
        incident = find_incident(s, "INC0000001")
        assert (incident.version, incident.description) == (2, "B's text")
