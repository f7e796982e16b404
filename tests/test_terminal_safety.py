"""Untrusted text reaches the terminal only as visible characters (rule 7); lists keep their ids
whole on a narrow terminal and print whole rows into a pipe."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from helpdesk_tui.desk import incidents
from tests.world import seed

# --- what reaches a terminal, and what reaches a pipe ------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
LONG_TITLE = "Не друкує принтер у кабінеті 204 на третьому поверсі після оновлення драйверів"
LONG_SUBJECT = "Не працює електронна торговельна система після оновлення до версії 5.2"
HOSTILE_MAIL_BODY = "Допоможіть \x1b]0;pwned\x07 будь ласка \x1b[2J\x9b31m"


def _run(db, *args: str, terminal: bool, columns: int = 80) -> bytes:
    """`helpdesk ARGS` in its own process, its output on a terminal `columns` wide or into a pipe."""
    env = {**os.environ, "COLUMNS": str(columns), "TERM": "xterm-256color"}
    command = [sys.executable, "-m", "helpdesk_tui", "--db", db.url, "--lang", "en", "--as", "ivan", *args]
    if not terminal:
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=60)
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout
    main_end, child_end = pty.openpty()
    fcntl.ioctl(child_end, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    termios.tcsetattr(child_end, termios.TCSANOW,  # the bytes as written, without \n turned into \r\n
                      [*termios.tcgetattr(child_end)[:1], termios.tcgetattr(child_end)[1] & ~termios.ONLCR,
                       *termios.tcgetattr(child_end)[2:]])
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=child_end, stderr=subprocess.PIPE)
    os.close(child_end)
    out = b""
    while True:
        try:
            chunk = os.read(main_end, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        out += chunk
    os.close(main_end)
    assert process.wait(timeout=60) == 0, process.stderr.read().decode()  # type: ignore[union-attr]
    return out


def _screen(out: bytes) -> str:
    """What the terminal shows: the output without its colour codes."""
    return re.sub(r"\x1b\[[0-9;]*m", "", out.decode())


@pytest.fixture
def listed(sqlite_db):
    from helpdesk_tui.mail.intake import IntakeSettings, ingest
    from tests.mail_builders import message

    w = seed(sqlite_db)
    with sqlite_db.write() as s:
        for i in range(12):
            incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line,
                                        short_description=f"{LONG_TITLE} {i}")
        for i in range(3):
            ingest(s, message(sender="olena@client.example", name="Олена Шевченко", subject=f"{LONG_SUBJECT} {i}",
                              body=HOSTILE_MAIL_BODY), IntakeSettings())
    return sqlite_db


def test_at_80_columns_numbers_and_ids_stay_whole(listed):
    incidents_shown = _screen(_run(listed, "incident", "list", terminal=True))
    assert all(len(line) <= 80 for line in incidents_shown.splitlines())
    assert {f"INC{n:07d}" for n in range(1, 16)} <= set(re.findall(r"INC\d{7}", incidents_shown))
    assert "…" in incidents_shown  # the long titles are what gives way
    mail_shown = _screen(_run(listed, "mail", "list", terminal=True))
    assert all(len(line) <= 80 for line in mail_shown.splitlines())
    rows = [line for line in mail_shown.splitlines() if "INC00000" in line]
    assert [re.split(r"\s*│\s*", row)[1] for row in rows] == ["3", "2", "1"]  # the message numbers, whole
    assert {f"INC00000{n}" for n in (13, 14, 15)} <= set(re.findall(r"INC\d{7}", mail_shown))


def test_into_a_pipe_every_row_is_printed_whole(listed):
    incidents_piped = _run(listed, "incident", "list", terminal=False).decode()
    assert "…" not in incidents_piped and "\x1b" not in incidents_piped
    assert all(f"{LONG_TITLE} {i}" in incidents_piped for i in range(12))
    assert all("Перша лінія підтримки Контакт-центр" in line for line in incidents_piped.splitlines() if LONG_TITLE in line)
    mail_piped = _run(listed, "mail", "list", terminal=False).decode()
    assert "…" not in mail_piped and all(f"{LONG_SUBJECT} {i}" in mail_piped for i in range(3))


def test_mail_source_is_escaped_on_a_terminal_and_exact_into_a_pipe(listed):
    with listed.read() as s:
        from helpdesk_tui.store.models import InboundMail

        raw = s.get(InboundMail, 1).raw
    assert b"\x1b]0;pwned\x07" in raw
    on_terminal = _run(listed, "mail", "show", "1", "--raw", terminal=True).decode()
    assert "\x1b" not in on_terminal and "\x07" not in on_terminal and "\x9b" not in on_terminal
    assert "Допоможіть ␛]0;pwned␇ будь ласка ␛[2J\\x9b31m" in on_terminal
    assert "Subject: " in on_terminal
    assert _run(listed, "mail", "show", "1", "--raw", terminal=False) == raw  # byte for byte, to save or resend
