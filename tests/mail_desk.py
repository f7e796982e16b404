"""A config file pointing the command line at the test IMAP (Dovecot) and SMTP servers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.imap_server import PASSWORD, USER
from tests.trust import TRUSTED_AUTH


def point_at_servers(monkeypatch: pytest.MonkeyPatch, directory: Path, *, imap_port: int, smtp_port: int) -> Path:
    """HELPDESK_CONFIG and the IMAP password for `helpdesk mail …`, in this process and its children,
    run as the service account's cron would (a trusted OS user)."""
    cfg = directory / "config.toml"
    cfg.write_text(TRUSTED_AUTH + f"""
[mail]
from = "helpdesk@desk.example"
group = "Перша лінія підтримки Контакт-центр"
[mail.imap]
host = "127.0.0.1"
port = {imap_port}
security = "none"
user = "{USER}"
[mail.smtp]
host = "127.0.0.1"
port = {smtp_port}
security = "none"
""", encoding="utf-8")
    monkeypatch.setenv("HELPDESK_CONFIG", str(cfg))
    monkeypatch.setenv("HELPDESK_IMAP_PASSWORD", PASSWORD)
    return cfg
