"""Issue 5's figures: process start to the first painted dashboard with rows, key press to new
frame for tab switches and page down, and resident memory while browsing, at 1M incidents."""

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


def build(path: Path, incidents: int) -> None:
    """A SQLite database with `incidents` rows and the OS user as a member of the analyst's groups."""
    from benchmarks import foundation as fb
    from helpdesk_tui.desk import admin
    from helpdesk_tui.domain.statuses import Role
    from helpdesk_tui.store.models import GroupMember, Person

    db = Database(f"sqlite:///{path}")
    ref = fb.prepare(db)
    fb.bulk_import(db, ref, incidents)
    with db.write() as s:
        boss = s.execute(select(Person).where(Person.login == "admin")).scalar_one()
        me = admin.create_person(s, boss, login=getpass.getuser(), full_name="Аналітик Бенчмарку",
                                 roles={Role.ANALYST})
        for gid in s.execute(select(GroupMember.group_id).where(GroupMember.person_id == ref["analyst"])).scalars():
            s.add(GroupMember(group_id=gid, person_id=me.id))
    db.dispose()


def startup(path: Path, runs: int) -> tuple[float, list[float]]:
    """`helpdesk --db PATH` (OS-user sign-in) until the first rows are painted, in ms: the very
    first start (no recipe yet: the store is loaded first) and the `runs` starts after it."""
    samples = []
    env = dict(os.environ, HELPDESK_AUTH="os", TEXTUAL_ANIMATIONS="none", HELPDESK_CONFIG="/nonexistent")
    # As installed: with bytecode (pip compiles it; this machine's PYTHONDONTWRITEBYTECODE would not).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    import helpdesk_tui

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(helpdesk_tui.__file__).parent)], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        stamp = Path(tmp) / "painted"
        env["HELPDESK_EXIT_ON_PAINT"] = str(stamp)
        env["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")  # start without a recipe
        for _ in range(runs + 1):
            stamp.unlink(missing_ok=True)
            started = time.time()
            subprocess.run([sys.executable, "-m", "helpdesk_tui", "--db", f"sqlite:///{path}", "--lang", "uk"],
                           env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
            samples.append((float(stamp.read_text()) - started) * 1000)
            time.sleep(0.5)  # the exited app's recipe is written by its worker; let the disk settle
    return samples[0], samples[1:]


async def _browse(path: Path, pages: int) -> dict[str, Any]:
    from helpdesk_tui.app import HelpdeskApp
    from helpdesk_tui.config import Settings
    from helpdesk_tui.i18n import set_language

    set_language("uk")
    app = HelpdeskApp(Settings(db_url=f"sqlite:///{path}", auth_method="os"), jobs=False)
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
    RecordList.on__arrived = arrived  # type: ignore[method-assign]
    return {"tab_frames": tab_frames, "tab_rows": tab_rows, "page_frames": page_frames, "position": position,
            "rss_mb": rss}


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def browse(path: Path, pages: int) -> dict[str, Any]:
    return asyncio.run(_browse(path, pages))


def summary(samples: list[float]) -> str:
    return f"p50 {statistics.median(samples):.0f} ms, p95 {_pct(samples, 95):.0f} ms (n={len(samples)})"
