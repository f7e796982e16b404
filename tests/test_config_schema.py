"""A wrong config says which key is wrong and what it allows, in one line, from every entry point
(the interface included), and a checked config is not checked again on every start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpdesk_tui.config import ConfigError, load_settings


@pytest.mark.parametrize(("text", "expected"), [
    ('database = "x"\n', '[database] = \'x\': a table: [database] url = "…"'),
    ('[desk]\ntimezone = "Mars/Olympus"\n', "[desk] timezone = 'Mars/Olympus': a time-zone name such as \"Europe/Kyiv\""),
    ("[desk]\ntimezone = 5\n", "[desk] timezone = 5: a time-zone name"),
    ('mail = "x"\n', "[mail] = 'x': a table"),
    ('[mail]\nfrom = "not an address"\n', "[mail] from = 'not an address': an e-mail address"),
    ("[mail.imap]\nport = 99999\n", "[mail.imap] port = 99999: a port number from 1 to 65535"),
    ('[mail.imap]\nhosst = "x"\n', "[mail.imap] has no setting «hosst»; it has: host, port"),
    ('[auth]\nmethod = "ldap"\n', "[auth] method = 'ldap': \"local\", \"imap\" or \"os\""),
    ("[desk]\npriority_matrix = [[1, 2], [3, 4]]\n", "[desk] priority_matrix = [[1, 2], [3, 4]]: three rows of three"),
    ('[keys]\n"workspace.sort" = 5\n', "[keys] workspace.sort = 5: a table mapping a binding id to keys"),
    ('[database]\nurl = "mysql://x/y"\n', "[database] url = 'mysql://x/y': an SQLite file path or a postgresql://"),
    ("colour = 1\n", "The config has no setting «colour»; it has: database, ui, desk, mail, auth, portal, keys"),
    ('[auth]\ntrusted_os_users = "helpdesk"\n', "[auth] trusted_os_users = 'helpdesk': a list of OS user names"),
    ("[auth]\nsession_hours = 0\n", "[auth] session_hours = 0: a whole number of hours from 1 to 2160"),
    ('[ui]\nlanguage = "de"\n', "[ui] language = 'de': \"uk\" or \"en\""),
])
def test_each_wrong_value_is_one_line_naming_the_key(tmp_path, text, expected):
    cfg = tmp_path / "config.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(cfg, environ={})
    message = str(caught.value)
    assert message == f"{cfg}: {expected}" or message.startswith(f"{cfg}: {expected}"), message
    assert "\n" not in message


def test_a_wrong_environment_variable_is_named(tmp_path):
    with pytest.raises(ConfigError, match=r"^HELPDESK_TZ='Mars/Olympus': a time-zone name"):
        load_settings(tmp_path / "none.toml", environ={"HELPDESK_TZ": "Mars/Olympus"})
    with pytest.raises(ConfigError, match=r"^HELPDESK_AUTH='ldap'"):
        load_settings(tmp_path / "none.toml", environ={"HELPDESK_AUTH": "ldap"})


def test_partial_server_tables_keep_their_defaults(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[mail.imap]\nhost = "imap.example"\n[mail.smtp]\nhost = "smtp.example"\ntimeout = 5\n', encoding="utf-8")
    settings = load_settings(cfg, environ={})
    assert (settings.imap.host, settings.imap.port, settings.imap.security) == ("imap.example", 993, "ssl")
    assert (settings.smtp.port, settings.smtp.security, settings.smtp.timeout) == (587, "starttls", 5.0)


def test_a_checked_config_is_kept_and_a_changed_one_checked_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cfg = tmp_path / "config.toml"
    cfg.write_text('[desk]\ntimezone = "Europe/Kyiv"\n', encoding="utf-8")
    assert load_settings(cfg, environ={}).timezone == "Europe/Kyiv"
    assert (tmp_path / "cache" / "helpdesk-tui" / "config-checked.json").is_file()
    # Started again with the same config, the schema is not loaded (pydantic stays out of the first frame).
    probe = ("import sys; from pathlib import Path; from helpdesk_tui.config import load_settings; "
             f"s = load_settings(Path({str(cfg)!r}), environ={{}}); "
             "print(s.timezone, 'helpdesk_tui.config_schema' in sys.modules, 'pydantic' in sys.modules)")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True).stdout
    assert out.split() == ["Europe/Kyiv", "False", "False"]
    cfg.write_text('[desk]\ntimezone = "Mars/Olympus"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        load_settings(cfg, environ={})


@pytest.mark.parametrize("text", ['database = "x"\n', '[desk]\ntimezone = "Mars/Olympus"\n', "[desk]\ntimezone = 5\n",
                                  'mail = "x"\n'])
def test_the_interface_starts_with_one_line_not_a_traceback(tmp_path, text):
    cfg = tmp_path / "config.toml"
    cfg.write_text(text, encoding="utf-8")
    helpdesk = Path(sys.executable).with_name("helpdesk")
    env = {**os.environ, "HELPDESK_CONFIG": str(cfg), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for args in ([], ["incident", "list"]):
        done = subprocess.run([str(helpdesk), *args], capture_output=True, text=True, env=env, timeout=60,
                              stdin=subprocess.DEVNULL)
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert str(cfg) in done.stderr


def test_an_unknown_database_url_is_one_line(tmp_path, capsys):
    from helpdesk_tui.cli import main

    code = main(["--db", "mysql://x/y", "--lang", "en", "incident", "list"])
    err = capsys.readouterr().err
    assert code == 1 and "«mysql://x/y» is not a database URL" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("keys", "expected"), [
    ('"workspace.sort" = "n"', "[keys] workspace.sort = «n»: n is already «New incident» (workspace.new_incident); "
                               "move that one too"),
    ('"workspace.sort" = "ctrl+q"', "ctrl+q is already «Quit» (app.quit)"),
    ('"workspace.sortt" = "o"', "[keys] «workspace.sortt» is no binding; the ids are: app.command_palette, app.go_to"),
    ('"workspace.sort" = 5', "[keys] workspace.sort = 5: a table mapping a binding id to keys"),
])
def test_a_key_map_that_would_take_a_key_or_name_nothing_stops_the_interface_in_one_line(tmp_path, keys, expected):
    cfg = tmp_path / "config.toml"
    cfg.write_text(f"[keys]\n{keys}\n", encoding="utf-8")
    helpdesk = Path(sys.executable).with_name("helpdesk")
    env = {**os.environ, "HELPDESK_CONFIG": str(cfg), "XDG_CACHE_HOME": str(tmp_path / "cache"), "HELPDESK_AUTH": "os"}
    done = subprocess.run([str(helpdesk), "--lang", "en", "--db", str(tmp_path / "x.db")], capture_output=True,
                          text=True, env=env, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert expected in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_swapping_two_keys_is_no_clash():
    from helpdesk_tui.widgets.bindings import check_keymap

    assert check_keymap({"workspace.sort": "n", "workspace.new_incident": "s"}) == []
