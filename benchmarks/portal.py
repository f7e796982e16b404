"""Issue 20's figures: a caller's ticket list at 1M incidents, and callers browsing and replying
at once against the portal served by uvicorn on loopback.

The list is measured through the whole page (the ASGI app in-process: session lookup, the
query, the template) for callers picked at random — at 1M incidents over the demo's callers
each has thousands of tickets, the list's hard case. The load is a separate process of asyncio
clients (httpx) so that the clients' own work does not share the server's interpreter: each
caller opens their list, a ticket, and every fifth round replies to it, with a pause between
clicks as a person makes (2–8 s by default: reading a ticket takes a person longer than that;
`--pause 0.5 1.5` is the stress case).
"""

from __future__ import annotations

import asyncio
import random
import re
import statistics
import subprocess
import sys
import time
from typing import Any

from sqlalchemy import func, select

from helpdesk_tui.desk import portal_auth
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.models import Incident, Person

COOKIE = "hd_session"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(ms: list[float]) -> str:
    return (f"p50 {statistics.median(ms):.1f} ms, p95 {_pct(ms, 0.95):.1f} ms, max {max(ms):.1f} ms "
            f"({len(ms)} requests)")


def callers_with_tickets(db: Database, n: int, seed: int = 11) -> list[int]:
    with db.read() as s:
        ids = list(s.execute(select(Incident.caller_id).where(Incident.caller_id.is_not(None))  # type: ignore[union-attr]
                             .group_by(Incident.caller_id).having(func.count() > 0)).scalars())
    rng = random.Random(seed)
    return rng.sample(ids, min(n, len(ids)))


def sessions(db: Database, person_ids: list[int]) -> dict[int, str]:
    """A signed-in browser session per caller (as the mailed link makes one)."""
    with db.write() as s:
        return {pid: portal_auth.start_session(s, s.get(Person, pid)) for pid in person_ids}


def list_latency(db: Database, rounds: int = 400) -> tuple[list[float], list[float]]:
    """Each request a random caller's first page of «Мої звернення», then the next page."""
    from starlette.testclient import TestClient

    from helpdesk_tui.portal.app import create_app

    people = callers_with_tickets(db, 200)
    cookies = sessions(db, people)
    client = TestClient(create_app(db, base_url="https://portal.example", secure_cookies=False),
                        base_url="http://portal.example", follow_redirects=False)
    rng = random.Random(5)
    first: list[float] = []
    second: list[float] = []
    for i in range(rounds):
        pid = rng.choice(people)
        client.cookies.set(COOKIE, cookies[pid])
        t0 = time.perf_counter()
        page = client.get("/tickets")
        took = (time.perf_counter() - t0) * 1000
        assert page.status_code == 200, page.status_code
        if i >= 20:  # the first are the caches warming
            first.append(took)
        more = re.search(r'href="(/tickets\?after=[^"]+)"', page.text)
        if more:
            t0 = time.perf_counter()
            assert client.get(more.group(1).replace("&amp;", "&")).status_code == 200
            if i >= 20:
                second.append((time.perf_counter() - t0) * 1000)
    return first, second


# --- the load: a server process and a client process -----------------------------------------

def serve(url: str, port: int) -> None:
    """`python -m benchmarks.portal serve URL PORT`: the portal as `helpdesk portal` runs it."""
    import uvicorn

    from helpdesk_tui.portal.app import create_app

    app = create_app(Database(url), base_url=f"http://127.0.0.1:{port}", secure_cookies=False)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


async def _caller(base: str, secret: str, until: float, pause: tuple[float, float], rng: random.Random,
                  times: list[float], errors: list[str]) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=base, cookies={COOKIE: secret}, timeout=30) as client:
        async def timed(method: str, path: str, **kw: Any) -> httpx.Response | None:
            t0 = time.perf_counter()
            try:
                answer = await client.request(method, path, **kw)
            except httpx.HTTPError as exc:
                errors.append(f"{method} {path}: {type(exc).__name__}")
                return None
            times.append((time.perf_counter() - t0) * 1000)
            if answer.status_code >= 400:
                errors.append(f"{method} {path}: {answer.status_code}")
            return answer

        round_ = 0
        await asyncio.sleep(rng.uniform(0, pause[1]))  # not all at the same instant
        while time.monotonic() < until:
            listing = await timed("GET", "/tickets")
            numbers = re.findall(r'href="/tickets/(INC\d+)"', listing.text) if listing is not None else []
            await asyncio.sleep(rng.uniform(*pause))
            if not numbers or time.monotonic() >= until:
                continue
            number = rng.choice(numbers)
            page = await timed("GET", f"/tickets/{number}")
            round_ += 1
            # A reply where the page offers one (an open ticket not waiting for the caller's verdict).
            offered = page is not None and f'action="/tickets/{number}/reply"' in page.text
            if offered and round_ % 5 == 0 and time.monotonic() < until:
                token = re.search(r'name="csrf" value="([^"]*)"', page.text)
                await asyncio.sleep(rng.uniform(*pause))
                if token:
                    await timed("POST", f"/tickets/{number}/reply",
                                data={"csrf": token.group(1).replace("&amp;", "&"), "text": "Дякую, чекаю"})
            await asyncio.sleep(rng.uniform(*pause))


async def _load(base: str, secrets: list[str], seconds: float, pause: tuple[float, float]) -> dict[str, Any]:
    times: list[float] = []
    errors: list[str] = []
    until = time.monotonic() + seconds
    rng = random.Random(3)
    await asyncio.gather(*(_caller(base, s, until, pause, random.Random(rng.random()), times, errors)
                           for s in secrets))
    return {"times": times, "errors": errors}


def clients(base: str, secrets_file: str, seconds: float, low: float, high: float) -> None:
    """`python -m benchmarks.portal clients BASE FILE SECONDS LOW HIGH`: prints the figures."""
    with open(secrets_file, encoding="utf-8") as f:
        secrets = [line.strip() for line in f if line.strip()]
    result = asyncio.run(_load(base, secrets, seconds, (low, high)))
    times, errors = result["times"], result["errors"]
    print(f"{len(secrets)} callers for {seconds:.0f} s: {summary(times)}, {len(times) / seconds:.0f} requests/s, "
          f"{len(errors)} errors {sorted(set(errors))[:5]}", flush=True)


def load(db: Database, url: str, *, callers: int = 200, seconds: float = 60, pause: tuple[float, ...] = (2.0, 8.0),
         workdir: str = "/var/tmp") -> str:
    """Start the server, let `callers` callers work for `seconds`, return the client's line."""
    from tests.smtp_server import free_port

    people = callers_with_tickets(db, callers, seed=29)
    secrets = sessions(db, people)
    path = f"{workdir}/portal-load-secrets.txt"
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(secrets[p] for p in people))
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "benchmarks.portal", "serve", url, str(port)])
    try:
        _wait_port(port)
        answer = subprocess.run([sys.executable, "-m", "benchmarks.portal", "clients", f"http://127.0.0.1:{port}",
                                 path, str(seconds), str(pause[0]), str(pause[1])],
                                capture_output=True, text=True, check=True)
        return answer.stdout.strip()
    finally:
        server.terminate()
        server.wait(10)


def _wait_port(port: int, timeout: float = 20) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("the portal did not start")


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "clients":
        clients(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]))
