"""The parse worker (mail/parse_pool.py): same answers as parsing in-process, and it never
outlives a poller that was killed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from helpdesk_tui.mail import parse_pool
from helpdesk_tui.mail.intake import IntakeSettings, parse_for_intake
from tests.mail_builders import message

ROOT = Path(__file__).resolve().parents[1]


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status  # a zombie has exited; only its parent has not reaped it yet


def test_the_worker_parses_as_the_poller_would():
    assert parse_pool.start(wait=60)
    raws = {1: message(sender="olena@client.example", subject="Не працює <b>ЕТС</b>", body="Допоможіть"),
            2: b"just some words, not a mail\r\nand more\r\n"}
    settings = IntakeSettings()
    found = parse_pool.parse_batch(raws, settings.max_attachment_bytes, settings.own_addresses)
    assert found == {uid: parse_for_intake(raw, settings) for uid, raw in raws.items()}
    assert found[1][0].subject == "Не працює <b>ЕТС</b>" and found[2][0] is None and found[2][1]


def test_a_killed_poller_leaves_no_worker_behind():
    code = (
        "import sys, time\n"
        "from helpdesk_tui.mail import parse_pool\n"
        "parse_pool.start(wait=60)\n"
        "print(*parse_pool._pool._processes, flush=True)\n"
        "time.sleep(120)\n"
    )
    poller = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    workers = [int(pid) for pid in poller.stdout.readline().split()]  # type: ignore[union-attr]
    assert workers and all(_alive(pid) for pid in workers)
    poller.kill()  # SIGKILL: the pool cannot shut itself down
    poller.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)
