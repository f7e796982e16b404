"""One analyst's process for test_concurrency.py: registers, updates and annotates incidents in a
loop, in competition with the other workers on the same database.

    python concurrency_worker.py URL WORKER_ID ITERATIONS LOGIN GROUP

Prints "ready" once imported and connected, waits for "go" on stdin (so all workers start
together), then prints one line "RESULT {json}" and exits 0, or 1 if anything but a
StaleVersion refusal went wrong (the traceback is in the result's "errors").
"""

from __future__ import annotations

import json
import random
import sys
import time
import traceback
from typing import Any


def main(argv: list[str]) -> int:
    url, worker, iterations, login, group_name = argv[1], int(argv[2]), int(argv[3]), argv[4], argv[5]

    from sqlalchemy import func, select

    from helpdesk_tui.desk.incidents import register_incident, update_incident
    from helpdesk_tui.desk.lookup import find_group, find_incident, find_person
    from helpdesk_tui.desk.notes import add_note
    from helpdesk_tui.domain.errors import StaleVersion
    from helpdesk_tui.store.db import Database
    from helpdesk_tui.store.models import Incident

    db = Database(url)
    rng = random.Random(1000 + worker)
    result: dict[str, Any] = {
        "worker": worker,
        "registered": [],
        "updates_ok": 0,
        "updates_stale": 0,
        "forced_stale": 0,
        "notes_ok": 0,
        "errors": [],
    }

    def incident_count() -> int:
        with db.read() as s:
            return s.execute(select(func.count()).select_from(Incident)).scalar_one()

    def pick() -> str:
        """Mostly one of the newest few incidents, where the other workers are busy too."""
        n = incident_count()
        low = max(1, n - 4) if rng.random() < 0.7 else 1
        return f"INC{rng.randint(low, n):07d}"

    def read_version(number: str) -> int:
        """What an analyst's screen shows: the version as of some moment before the save."""
        with db.read() as s:
            return find_incident(s, number).version

    def save_description(number: str, expected: int, text: str) -> bool:
        """True if saved, False if refused as stale."""
        try:
            with db.write() as s:
                actor = find_person(s, login)
                incident = find_incident(s, number)
                update_incident(s, actor, incident, expected_version=expected, description=text)
        except StaleVersion:
            return False
        return True

    # Connect before the start signal, so the race is between operations, not start-up.
    incident_count()
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return 2

    try:
        for i in range(iterations):
            tag = f"w{worker}-r{i}"

            # 1. A new incident, sometimes already owned by the analyst.
            with db.write() as s:
                actor = find_person(s, login)
                group = find_group(s, group_name)
                incident = register_incident(s, actor, short_description=f"Printer {tag} jams", group=group,
                                             owner=actor if i % 2 else None)
                number = incident.number
            result["registered"].append(number)

            # 2. A racy save: read the version, let the others work, then save against it.
            number = pick()
            version = read_version(number)
            time.sleep(rng.random() * 0.003)
            if save_description(number, version, f"{tag} racy"):
                result["updates_ok"] += 1
            else:
                result["updates_stale"] += 1

            # 3. A save on purpose stale: two saves from the same copy; the second must be refused
            #    whether or not the first got through.
            number = pick()
            version = read_version(number)
            if save_description(number, version, f"{tag} first"):
                result["updates_ok"] += 1
            else:
                result["updates_stale"] += 1
            if save_description(number, version, f"{tag} second"):
                result["updates_ok"] += 1
                result["errors"].append(f"{tag}: a save with the stale version {version} of {number} was accepted")
                break
            result["forced_stale"] += 1

            # 4. A note, internal or published.
            number = pick()
            with db.write() as s:
                actor = find_person(s, login)
                incident = find_incident(s, number)
                add_note(s, actor, incident, summary=f"Note {tag}", text=f"Called back ({tag})",
                         published=i % 5 == 0)
            result["notes_ok"] += 1
    except Exception:  # anything but StaleVersion (e.g. "database is locked") fails the test
        result["errors"].append(traceback.format_exc())
    finally:
        db.dispose()

    print("RESULT " + json.dumps(result), flush=True)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
