"""`helpdesk mail poll` and `mail send` as an operator runs them: each lets go of its lease when
it ends, says who holds a lease it cannot take (or waits for it, with --wait), and stops at
Ctrl+C within a second or two, cleanly. Against a real Dovecot, a real SMTP server and SQLite."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select as sql_select

from helpdesk_tui.cli import main
from helpdesk_tui.desk import incidents, jobs
from helpdesk_tui.domain.display import zone
from helpdesk_tui.mail import outbox, poller
from helpdesk_tui.store.models import InboundMail, JobLease, OutboxMessage
from helpdesk_tui.store.types import utcnow
from tests.mail_desk import point_at_servers
from tests.mail_builders import message
from tests.smtp_server import smtp_server
from tests.world import seed

ROOT = Path(__file__).resolve().parents[1]
OTHER = "mail-host-2:4242"


@pytest.fixture
def desk(sqlite_db, imap, tmp_path, monkeypatch):
    """A desk with a caller, its config pointing at the test IMAP and SMTP servers."""
    with smtp_server() as (controller, recorder):
        point_at_servers(monkeypatch, tmp_path, imap_port=imap.port, smtp_port=controller.port)
        w = seed(sqlite_db)
        yield sqlite_db, w, recorder


def _cli(db, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--db", db.url, "--lang", "en", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _stored(db) -> list[str]:
    with db.read() as s:
        return [m.subject for m in s.execute(sql_select(InboundMail).order_by(InboundMail.id)).scalars()]


def _held_by_other(db, name: str) -> None:
    with db.write() as s:
        assert jobs.acquire_lease(s, name, OTHER, now=utcnow() - timedelta(seconds=5))


def _lease(db, name: str) -> JobLease:
    with db.read() as s:
        return s.get(JobLease, name)


def _run(db, *args: str) -> tuple[int, str, str]:
    """`helpdesk ARGS` as a process of its own, as an operator or cron runs it one after another."""
    done = subprocess.run([sys.executable, "-m", "helpdesk_tui", "--db", db.url, "--lang", "en", *args], cwd=ROOT,
                          env=dict(os.environ), capture_output=True, timeout=60)
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def test_poll_once_lets_go_of_the_lease_so_the_next_run_reads_the_new_mail(desk, imap):
    db, _w, _recorder = desk
    imap.append(message(sender="olena@client.example", subject="Перший", body="x"))
    code, out, err = _run(db, "mail", "poll", "--once")
    assert code == 0 and "incident 1" in out, err
    imap.append(message(sender="olena@client.example", subject="Другий", body="y"))
    code, out, err = _run(db, "mail", "poll", "--once")
    assert code == 0 and "incident 1" in out, err + out
    assert _stored(db) == ["Перший", "Другий"]


def test_send_lets_go_of_the_lease_so_the_next_run_sends(desk):
    db, w, recorder = desk
    with db.write() as s:
        incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Перший", owner=w.analyst)
    code, out, err = _run(db, "mail", "send")
    assert code == 0 and "mail sent 1" in out, err
    with db.write() as s:
        incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Другий", owner=w.analyst)
    code, out, err = _run(db, "mail", "send")
    assert code == 0 and "mail sent 1" in out, err + out
    assert len(recorder.received) == 2


def test_poll_blocked_by_a_live_holder_says_who_and_fails_leaving_the_mail_alone(desk, imap, capsys):
    db, _w, _recorder = desk
    imap.append(message(sender="olena@client.example", subject="Чекає", body="x"))
    _held_by_other(db, poller.LEASE)
    since = _lease(db, poller.LEASE).acquired_at
    code, out, err = _cli(db, capsys, "mail", "poll", "--once")
    assert code == 1 and out == ""
    assert "mail-host-2" in err and "4242" in err and since.astimezone(zone()).strftime("%H:%M") in err
    assert _stored(db) == []
    with imap.client() as client:
        client.select_folder("INBOX")
        assert len(client.search(["ALL"])) == 1  # still waiting in the inbox
    assert _lease(db, poller.LEASE).holder == OTHER  # the other's lease is not touched


def test_send_blocked_by_a_live_holder_says_who_and_fails_sending_nothing(desk, capsys):
    db, w, recorder = desk
    with db.write() as s:
        incidents.register_incident(s, w.analyst, caller=w.caller, short_description="Перший", owner=w.analyst)
    _held_by_other(db, outbox.LEASE)
    code, out, err = _cli(db, capsys, "mail", "send")
    assert code == 1 and "mail-host-2" in err and "4242" in err
    assert recorder.received == []
    with db.read() as s:
        assert {m.status for m in s.execute(sql_select(OutboxMessage)).scalars()} == {"queued"}


def _helpdesk(db, *args: str, **kw) -> subprocess.Popen[bytes]:  # type: ignore[no-untyped-def]
    return subprocess.Popen([sys.executable, "-m", "helpdesk_tui", "--db", db.url, "--lang", "en", *args], cwd=ROOT,
                            env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def _read_until(stream, pattern: str, timeout: float = 30.0) -> str:  # type: ignore[no-untyped-def]
    """What `stream` says until a line matches `pattern` (or the time is up)."""
    seen = b""
    deadline = time.monotonic() + timeout
    while not re.search(pattern, seen.decode(errors="replace")):
        left = deadline - time.monotonic()
        assert left > 0, f"no {pattern!r} in time; seen: {seen.decode(errors='replace')!r}"
        ready, _, _ = select.select([stream], [], [], left)
        if ready:
            chunk = os.read(stream.fileno(), 4096)
            assert chunk, f"the stream ended before {pattern!r}; seen: {seen.decode(errors='replace')!r}"
            seen += chunk
    return seen.decode(errors="replace")


def test_poll_wait_waits_for_the_holder_then_reads_the_mail(desk, imap):
    db, _w, _recorder = desk
    imap.append(message(sender="olena@client.example", subject="Дочекався", body="x"))
    _held_by_other(db, poller.LEASE)
    process = _helpdesk(db, "mail", "poll", "--once", "--wait")
    try:
        said = _read_until(process.stdout, r"4242")
        assert "mail-host-2" in said
        time.sleep(1.0)
        assert process.poll() is None and _stored(db) == []  # still waiting
        with db.write() as s:
            jobs.release_lease(s, poller.LEASE, OTHER)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err.decode()
    assert _stored(db) == ["Дочекався"]


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def test_ctrl_c_stops_the_poller_within_seconds_cleanly(desk, imap):
    """Ctrl+C reaches the whole foreground process group: the poller and its parse worker."""
    db, _w, _recorder = desk
    imap.append(message(sender="olena@client.example", subject="Перший", body="x"))
    process = _helpdesk(db, "mail", "poll", "--interval", "60", start_new_session=True)
    try:
        _read_until(process.stdout, r"incident 1")
        deadline = time.monotonic() + 30
        while not _children(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _children(process.pid), "the parse worker did not start"
        time.sleep(2.0)  # the worker has imported the parser and waits for work; the poller is in IDLE
        pressed = time.monotonic()
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=30)
        took = time.monotonic() - pressed
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    stderr = err.decode(errors="replace")
    assert took < 3.0, f"took {took:.1f} s to stop"
    assert "Traceback" not in stderr and "leaked semaphore" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert process.returncode == 130
