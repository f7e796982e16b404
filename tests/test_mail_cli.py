"""`helpdesk mail …` against a real Dovecot and a real SMTP server."""

from __future__ import annotations

import json

import pytest

from helpdesk_tui.cli import main
from tests.mail_desk import point_at_servers
from tests.mail_builders import message
from tests.smtp_server import smtp_server


@pytest.fixture
def run(sqlite_db, imap, capsys, tmp_path, monkeypatch):
    with smtp_server() as (controller, recorder):
        point_at_servers(monkeypatch, tmp_path, imap_port=imap.port, smtp_port=controller.port)

        def _run(*args: str):
            code = main(["--db", sqlite_db.url, "--lang", "en", *args])
            out, err = capsys.readouterr()
            return code, out, err

        _run("user", "add", "admin", "--name", "Адмін", "--role", "admin", "--role", "analyst")
        _run("--as", "admin", "user", "add", "olena", "--name", "Олена Шевченко", "--email", "olena@client.example")
        _run("--as", "admin", "group", "add", "Перша лінія підтримки Контакт-центр")  # [mail] group
        yield _run, recorder


def _ok(result):
    code, out, err = result
    assert code == 0, err + out
    return out


def test_check_poll_list_show_create_and_send(run, imap, tmp_path):
    cli, recorder = run
    out = _ok(cli("mail", "check"))
    assert "IMAP password: from environment" in out and "signed in" in out and "SMTP 127.0.0.1" in out
    assert "New mail becomes incidents of the work group «Перша лінія підтримки Контакт-центр»" in out
    imap.append(message(sender="olena@client.example", subject="Не працює ЕТС", body="Допоможіть"))
    imap.append(message(sender="stranger@other.example", name="Петро Гнатюк", subject="Питання", body="Як?"))
    out = _ok(cli("mail", "poll", "--once"))
    assert "incident 1" in out and "waiting 1" in out
    inbox = json.loads(_ok(cli("mail", "list", "--json")))
    assert [(m["status"], m["incident"]) for m in inbox] == [("waiting", None), ("incident", "INC0000001")]
    waiting = json.loads(_ok(cli("mail", "list", "--waiting", "--json")))
    shown = json.loads(_ok(cli("mail", "show", str(waiting[0]["id"]), "--json")))
    assert shown["subject"] == "Питання" and shown["text"].strip() == "Як?"
    assert "Subject: " in _ok(cli("mail", "show", str(waiting[0]["id"]), "--raw"))
    _ok(cli("--as", "admin", "mail", "create-incident", str(waiting[0]["id"]), "--register-sender"))
    out = _ok(cli("mail", "send"))
    assert "mail sent 2" in out
    assert sorted(m["To"] for m in recorder.received) == ["olena@client.example", "stranger@other.example"]
    outbox = json.loads(_ok(cli("mail", "list", "--outbox", "--json")))
    assert {m["status"] for m in outbox} == {"sent"}
    eml = tmp_path / "m.eml"
    eml.write_bytes(message(sender="olena@client.example", subject="Re: [INC0000001] Не працює ЕТС", body="Ще раз"))
    ingested = json.loads(_ok(cli("mail", "ingest", str(eml), "--json")))
    assert ingested[0]["outcome"] == "linked" and ingested[0]["incident"] == "INC0000001"


def test_check_says_what_is_missing(run, monkeypatch):
    cli, _recorder = run
    monkeypatch.delenv("HELPDESK_IMAP_PASSWORD")
    monkeypatch.setattr("helpdesk_tui.mail.credentials.from_keyring", lambda kind, user, timeout=3.0: None)
    code, out, _err = cli("mail", "check")
    assert code == 1 and "no IMAP password" in out
