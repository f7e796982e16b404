"""Mail passwords: keyring when it answers, then the environment, a 0600 file, a command."""

from __future__ import annotations

import os
import time

import pytest

from helpdesk_tui.config import ConfigError, ServerSettings, load_settings
from helpdesk_tui.mail import credentials
from helpdesk_tui.mail.credentials import CredentialError, password_for


def test_environment_then_file_then_command(tmp_path, monkeypatch):
    monkeypatch.setattr(credentials, "from_keyring", lambda kind, user, timeout=3.0: None)
    server = ServerSettings(host="smtp.example", user="desk")
    assert password_for("smtp", server, {"HELPDESK_SMTP_PASSWORD": "s3cret"}).source == "environment"
    secret = tmp_path / "pw"
    secret.write_text("from-file\n", encoding="utf-8")
    secret.chmod(0o600)
    found = password_for("smtp", ServerSettings(user="desk", password_file=str(secret)), {})
    assert (found.password, found.source) == ("from-file", "file")
    secret.chmod(0o644)
    with pytest.raises(CredentialError, match="readable by others"):
        password_for("smtp", ServerSettings(user="desk", password_file=str(secret)), {})
    found = password_for("imap", ServerSettings(user="desk", password_command="printf 'cmd-pass\\nignored'"), {})
    assert (found.password, found.source) == ("cmd-pass", "command")
    with pytest.raises(CredentialError, match="no IMAP password"):
        password_for("imap", ServerSettings(user="desk"), {})


def test_a_keyring_that_hangs_cannot_hang_us(monkeypatch):
    def stuck(service, user):
        time.sleep(5)
        return "never", "stuck.Backend"

    monkeypatch.setattr(credentials, "_keyring_lookup", stuck)
    started = time.monotonic()
    assert credentials.from_keyring("smtp", "desk", timeout=0.3) is None
    assert time.monotonic() - started < 2


def test_the_headless_keyring_is_simply_not_a_source():
    # On a machine with no D-Bus keyring answers with its fail backend: no password, no error.
    assert credentials.from_keyring("smtp", "nobody-here-" + str(os.getpid())) is None


def test_a_password_in_the_config_file_is_refused(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('[mail.smtp]\nhost = "smtp.example"\npassword = "plain"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="keep passwords out"):
        load_settings(cfg, environ={})
    cfg.write_text('[mail.smtp]\nhost = "smtp.example"\nport = 2525\nuser = "desk"\n', encoding="utf-8")
    assert load_settings(cfg, environ={}).smtp.port == 2525
