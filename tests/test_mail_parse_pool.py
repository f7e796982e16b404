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


def test_the_worker_starts_inside_the_tui_where_stderr_has_no_descriptor():
    """Textual replaces stderr with a capture whose fileno() is -1; multiprocessing's resource
    tracker wanted that descriptor, and the app's first mail round died starting the worker.
    A fresh process (the tracker starts once per process), stderr as Textual leaves it."""
    script = (
        "import sys\n"
        "from textual.app import App\n"
        "class Capture:\n"
        "    def write(self, text): return len(text)\n"
        "    def flush(self): pass\n"
        "    def fileno(self): return -1\n"
        "sys.stderr = Capture()\n"
        "from helpdesk_tui.mail import parse_pool\n"
        "from tests.mail_builders import message\n"
        "assert parse_pool.start(wait=60), 'the worker did not start'\n"
        "raw = message(sender='olena@client.example', subject='Тест', body='Текст')\n"
        "parsed = parse_pool.parse_batch({1: raw}, 10**6, frozenset())\n"
        "assert parsed[1][0].subject == 'Тест', parsed\n"
        "assert isinstance(sys.stderr, Capture)  # given back after the start\n"
        "print('worker up')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "worker up" in done.stdout, done.stderr
