"""Issue 5's figures: process start to the first painted dashboard with rows, key press to new
frame for tab switches and page down, and resident memory while browsing, at 1M incidents.
Issue 16's: the app runs with its background jobs on, as every session does, and the very first
start (nothing cached: after an install or an upgrade) is reported apart from the others."""

from __future__ import annotations

import asyncio
import getpass
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from helpdesk_tui.store.db import Database


def _pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def build(path: Path, incidents: int, requests: int = 0) -> None:
    """A SQLite database with `incidents` rows (and `requests` service requests from the demo
    catalog, issue 17) and the OS user as a member of the analyst's groups, its jobs run once
    (`settle`)."""
    from benchmarks import foundation as fb
    from helpdesk_tui.desk import admin
    from helpdesk_tui.domain.statuses import Role
    from helpdesk_tui.store.models import GroupMember, Person

    db = Database(f"sqlite:///{path}")
    ref = fb.prepare(db)
    fb.bulk_import(db, ref, incidents)
    if requests:
        fb.request_import(db, ref, requests)
    with db.write() as s:
        boss = s.execute(select(Person).where(Person.login == "admin")).scalar_one()
        me = admin.create_person(s, boss, login=getpass.getuser(), full_name="Аналітик Бенчмарку",
                                 roles={Role.ANALYST})
        for gid in s.execute(select(GroupMember.group_id).where(GroupMember.person_id == ref["analyst"])).scalars():
            s.add(GroupMember(group_id=gid, person_id=me.id))
    db.dispose()
    settle(path)


def settle(path: Path) -> None:
    """One round of the background jobs, as a desk whose sessions have been running them: the
    generated history holds resolved incidents long past their auto-close (8,419 at 1M, 22 s of
    closing the first time), which a working desk closed day by day."""
    from helpdesk_tui.desk import jobs

    db = Database(f"sqlite:///{path}")
    holder = jobs.holder_id()
    jobs.tick(db, holder)
    with db.write() as session:  # the app measured next takes the jobs over at once, as from a closed session
        jobs.release_lease(session, jobs.TICKER, holder)
    db.dispose()


def _start(path: Path, env: dict[str, str], stamp: Path) -> float:
    """One `helpdesk --db PATH --lang uk` until its first rows are painted, in ms."""
    stamp.unlink(missing_ok=True)
    started = time.time()
    subprocess.run([sys.executable, "-m", "helpdesk_tui", "--db", f"sqlite:///{path}", "--lang", "uk"],
                   env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    return (float(stamp.read_text()) - started) * 1000


def startup(path: Path, runs: int, first_runs: int = 5) -> tuple[list[float], list[float]]:
    """`helpdesk --db PATH` (OS-user sign-in, the jobs on as in any session) until the first rows
    are painted, in ms: `first_runs` very first starts, each with an empty cache directory as
    after an install or an upgrade (no first-frame recipe, the config not yet checked: the store
    loads before the first rows), then `runs` starts with the cache the first of them left."""
    env = dict(os.environ, HELPDESK_AUTH="os", TEXTUAL_ANIMATIONS="none", HELPDESK_CONFIG="/nonexistent")
    # As installed: with bytecode (pip compiles it; this machine's PYTHONDONTWRITEBYTECODE would not).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    import helpdesk_tui

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(helpdesk_tui.__file__).parent)], check=True)
    first, warm = [], []
    with tempfile.TemporaryDirectory() as tmp:
        stamp = Path(tmp) / "painted"
        env["HELPDESK_EXIT_ON_PAINT"] = str(stamp)
        for i in range(first_runs):
            env["XDG_CACHE_HOME"] = str(Path(tmp) / f"cache-{i}")  # nothing cached yet
            first.append(_start(path, env, stamp))
            time.sleep(0.5)  # the exited app's recipe is written by its worker; let the disk settle
        env["XDG_CACHE_HOME"] = str(Path(tmp) / "cache-0")
        for _ in range(runs):
            warm.append(_start(path, env, stamp))
            time.sleep(0.5)
    return first, warm


BARE_APP = """
import sys, time
from textual.app import App
from textual.widgets import DataTable

class Bare(App):
    def compose(self):
        yield DataTable()

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("Номер", "Короткий опис", "Статус", "Користувач")
        for i in range(30):
            table.add_row(f"INC{i:07}", "Не друкує принтер у кабінеті 214", "Зареєстровано", "Олена Шевченко")
        self.call_after_refresh(self.painted)

    def painted(self):
        with open(sys.argv[1], "w") as out:
            out.write(f"{time.time()}\\n")
        self.exit()

Bare().run(headless=True)
"""

_STAMP = "\nimport sys, time\nopen(sys.argv[1], 'w').write(f'{time.time()}')"
FLOOR = {  # each writes the time when done, as the app does at its first rows (not at exit)
    "python -c pass": "pass" + _STAMP,
    "python -c 'import textual.app'": "import textual.app" + _STAMP,
    "a bare Textual app painting one DataTable of 30 rows": BARE_APP,
    # As the app imports them: garbage collection off (launch.collect_later).
    "the store alone: import helpdesk_tui.desk.workspace": "import gc; gc.disable(); import helpdesk_tui.desk.workspace"
    + _STAMP,
    # What a start without a recipe must have loaded before its rows (they share the standard library).
    "Textual and the store: import textual.app, helpdesk_tui.desk.workspace":
        "import gc; gc.disable(); import textual.app, helpdesk_tui.desk.workspace" + _STAMP,
}


def floor(runs: int) -> dict[str, list[float]]:
    """What any first start pays on this machine, in ms from spawning the process: the
    interpreter, Textual, a bare Textual app to its first painted table, and the store, alone and
    with Textual (a start without a recipe needs both before its rows)."""
    env = dict(os.environ, TEXTUAL_ANIMATIONS="none")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out: dict[str, list[float]] = {name: [] for name in FLOOR}
    with tempfile.TemporaryDirectory() as tmp:
        stamp = Path(tmp) / "painted"
        for _ in range(runs):
            for name, code in FLOOR.items():
                stamp.unlink(missing_ok=True)
                started = time.time()
                subprocess.run([sys.executable, "-c", code, str(stamp)], env=env, check=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, timeout=60)
                out[name].append((float(stamp.read_text()) - started) * 1000)
    return out


async def _browse(path: Path, pages: int) -> dict[str, Any]:
    from helpdesk_tui.app import HelpdeskApp
    from helpdesk_tui.config import Settings
    from helpdesk_tui.i18n import set_language

    set_language("uk")
    # The jobs on, as in any session: the SLA ticker's first round comes 2 s after the first rows.
    app = HelpdeskApp(Settings(db_url=f"sqlite:///{path}", auth_method="os"))
    frames: list[float] = []
    original = app._display

    def display(*a: Any, **kw: Any) -> Any:
        frames.append(time.perf_counter())
        return original(*a, **kw)

    app._display = display  # type: ignore[method-assign]
    from helpdesk_tui.widgets.record_list import RecordList

    arrivals: list[float] = []
    arrived = RecordList.on__arrived

    def on_arrived(self: Any, message: Any) -> None:
        arrived(self, message)
        arrivals.append(time.perf_counter())

    RecordList.on__arrived = on_arrived  # type: ignore[method-assign]

    async def next_frame(after: float) -> float:
        while not any(t > after for t in frames):
            await asyncio.sleep(0.001)
        return min(t for t in frames if t > after)

    async def frame_after(pilot: Any, key: str) -> float:
        """As a terminal would: the key arrives as an event (no Pilot waits in between)."""
        start = time.perf_counter()
        app.simulate_key(key)
        return (await next_frame(start) - start) * 1000

    async def settled(screen: Any) -> None:
        while screen.current is None or not screen.current.window.loaded or screen.current._loading:
            await asyncio.sleep(0.001)

    async with app.run_test(size=(120, 40)) as pilot:
        while type(app.screen).__name__ != "WorkspaceScreen":
            await asyncio.sleep(0.01)
        screen = app.screen
        await settled(screen)
        await pilot.press("2")
        await settled(screen)
        tab_frames, tab_rows, page_frames = [], [], []
        for i in range(60):
            key = "right_square_bracket" if (i // 6) % 2 == 0 else "left_square_bracket"
            start = time.perf_counter()
            tab_frames.append(await frame_after(pilot, key))
            await asyncio.sleep(0.01)
            await settled(screen)
            loaded = max([t for t in arrivals if t > start], default=start)
            tab_rows.append((await next_frame(loaded) - start) * 1000)
            await asyncio.sleep(0.05)
        screen.go_to("incidents-requests", "team-incidents")
        await settled(screen)
        for _ in range(pages):
            page_frames.append(await frame_after(pilot, "pagedown"))
            await asyncio.sleep(0.02)
        await settled(screen)
        position = screen.current.window.position()
        rss = _rss_mb()
        jobs = "; ".join(f"{name}: {text}" for name, (text, _error) in app.job_states.items()) or "no round yet"
    RecordList.on__arrived = arrived  # type: ignore[method-assign]
    return {"tab_frames": tab_frames, "tab_rows": tab_rows, "page_frames": page_frames, "position": position,
            "rss_mb": rss, "jobs": jobs}


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def browse(path: Path, pages: int) -> dict[str, Any]:
    return asyncio.run(_browse(path, pages))


def summary(samples: list[float]) -> str:
    return f"p50 {statistics.median(samples):.0f} ms, p95 {_pct(samples, 95):.0f} ms (n={len(samples)})"
