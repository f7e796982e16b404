"""Untrusted text reaches the terminal only as visible characters (rule 7): C0/C1 controls, and
the invisible ones that reorder or hide text (bidi overrides and isolates, zero-width
characters, the Unicode line and paragraph separators), in the command line and the interface."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from helpdesk_tui.cli import main
from helpdesk_tui.desk import incidents
from helpdesk_tui.domain.text import printable
from tests.tui import drive, screen_text, wait_text, workspace_ready
from tests.world import seed

# An override that makes «…exe.pdf» read «…fdp.exe», an isolate, zero-width characters
# between letters, and the line and paragraph separators.
HOSTILE = {
    "\u202e": "\\u202e", "\u2067": "\\u2067", "\u2069": "\\u2069", "\u200b": "\\u200b", "\u200d": "\\u200d",
    "\u2060": "\\u2060", "\ufeff": "\\ufeff", "\u2028": "\\u2028", "\u2029": "\\u2029", "\u200f": "\\u200f",
}
TITLE = "Рахунок\u202efdp.exe \u2067x\u2069 при\u200bнтер\u200d\u2060\ufeff\u2028\u2029\u200f"
DESCRIPTION = "Перший рядок\u2028другий\u202aвбудоване\u202c"


def _assert_visible(text: str) -> None:
    for char, shown in HOSTILE.items():
        assert char not in text, f"U+{ord(char):04X} reached the terminal"
    for shown in HOSTILE.values():
        assert shown in text, f"{shown} is not shown"


def test_printable_shows_every_invisible_or_reordering_character():
    shown = printable(TITLE + DESCRIPTION, one_line=True)
    for char in [*HOSTILE, "\u202a", "\u202c", "\u2066", "\u2068", "\u200c", "\u200e", "\u061c"]:
        assert char not in printable(char)
        assert f"\\u{ord(char):04x}" == printable(char)
    assert "\\u202efdp.exe" in shown and "при\\u200bнтер" in shown
    assert printable("Київ, вул. Хрещатик 1 — «ok» ✓ 😀") == "Київ, вул. Хрещатик 1 — «ok» ✓ 😀"


@pytest.fixture
def hostile_desk(db):
    w = seed(db)
    with db.write() as s:
        incidents.register_incident(s, w.analyst, caller=w.caller, group=w.first_line, short_description=TITLE,
                                    description=DESCRIPTION)
    return db, w


def _cli(db, capsys, *args: str) -> str:
    code = main(["--db", db.url, "--lang", "en", "--as", "ivan", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


@pytest.mark.parametrize("args", [
    ("incident", "list"),
    ("incident", "show", "1"),
    ("dashboard", "analyst", "--tab", "unclassified"),
], ids=["incident list", "incident show", "dashboard"])
def test_the_command_line_shows_hidden_characters_visibly(hostile_desk, capsys, args):
    db, _w = hostile_desk
    _assert_visible(_cli(db, capsys, *args))


def test_incident_show_shows_hidden_characters_of_the_description_too(hostile_desk, capsys):
    db, _w = hostile_desk
    out = _cli(db, capsys, "incident", "show", "1")
    assert "Перший рядок\\u2028другий\\u202aвбудоване\\u202c" in out
    # JSON is for scripts: the text as it is, escaped by JSON itself.
    shown = json.loads(_cli(db, capsys, "incident", "show", "1", "--json"))
    assert shown["short_description"] == TITLE


def test_user_list_shows_hidden_characters_in_names(db, capsys):
    from helpdesk_tui.desk import admin

    seed(db)
    with db.write() as s:
        from helpdesk_tui.store.models import Person

        boss = s.get(Person, 1)
        admin.create_person(s, boss, login="mallory", full_name="Мал\u200bлорі \u202eвокнаБ", email="m@x.example")
    out = _cli(db, capsys, "user", "list")
    assert "Мал\\u200bлорі \\u202eвокнаБ" in out and "\u202e" not in out and "\u200b" not in out


def test_the_list_row_and_the_record_view_show_hidden_characters_visibly(hostile_desk):
    db, _w = hostile_desk

    async def scenario(app, pilot):
        await workspace_ready(pilot)
        await wait_text(pilot, "Рахунок\\u202efdp.exe")
        row = screen_text(app)
        assert "\u202e" not in row and "\u200b" not in row and "при\\u200bнтер" in row
        await pilot.press("enter")
        await wait_text(pilot, "Journal")
        record = screen_text(app)
        _assert_visible(record)
        assert "Перший рядок\\u2028другий\\u202aвбудоване\\u202c" in record

    drive(db, scenario, size=(200, 50))


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
                              body=HOSTILE_MAIL_BODY), IntakeSettings(group=w.first_line.name))
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
