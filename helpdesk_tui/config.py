"""Settings: a TOML file in the XDG config directory, overridden by HELPDESK_* variables.

Kept free of pydantic on purpose: it is read on the way to the first frame.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

APP_NAME = "helpdesk-tui"


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value else Path.home() / fallback


def config_dir() -> Path:
    return _xdg("XDG_CONFIG_HOME", ".config") / APP_NAME


def data_dir() -> Path:
    return _xdg("XDG_DATA_HOME", ".local/share") / APP_NAME


def os_login() -> str | None:
    """The user this process runs as, from its uid: never from LOGNAME or USER, which anyone
    can set to another name."""
    import pwd

    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return None


def cache_dir() -> Path:
    return _xdg("XDG_CACHE_HOME", ".cache") / APP_NAME


def default_db_url() -> str:
    return f"sqlite:///{data_dir() / 'helpdesk.db'}"


@dataclass
class ServerSettings:
    """An IMAP or SMTP server; its password comes from mail/credentials.py, never from here."""

    host: str = ""
    port: int = 0
    security: str = "starttls"  # none | starttls | ssl
    user: str = ""
    password_file: str | None = None
    password_command: str | None = None
    timeout: float = 30.0


@dataclass
class Settings:
    db_url: str = field(default_factory=default_db_url)
    language: str | None = None
    timezone: str = "Europe/Kyiv"
    priority_matrix: list[list[int]] | None = None
    sender_address: str = "helpdesk@localhost"
    smtp: ServerSettings = field(default_factory=lambda: ServerSettings(port=587))
    imap: ServerSettings = field(default_factory=lambda: ServerSettings(port=993, security="ssl"))
    mailbox: str = "INBOX"
    processed_folder: str | None = "Processed"
    intake_service: str | None = None
    intake_group: str | None = None
    # Intake limits (R7): a message over max_message_bytes is kept as its header and a note, an
    # attachment over max_attachment_bytes is cut, and a sender's mail opens at most
    # rate_limit_per_hour incidents an hour (the rest wait for an analyst).
    max_message_bytes: int = 40 * 1024 * 1024
    max_attachment_bytes: int = 25 * 1024 * 1024
    rate_limit_per_hour: int = 20
    auth_method: str = "local"  # local | imap | os (R1)
    # OS users who may act as anyone with --as and run the jobs and administration without a
    # sign-in: the service account's cron, never the analysts' own accounts.
    trusted_os_users: list[str] = field(default_factory=list)
    # The account that owns the database in an SSH deployment: `ssh-serve` runs only as it.
    service_user: str = "helpdesk"
    session_hours: int = 12  # how long `helpdesk login` lasts
    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> keys (R45)
    source: Path | None = None


class ConfigError(Exception):
    pass


def load_settings(path: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    path = path or Path(env.get("HELPDESK_CONFIG", config_dir() / "config.toml"))
    settings = Settings()
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        settings.source = path
        db = data.get("database", {})
        ui = data.get("ui", {})
        desk = data.get("desk", {})
        mail = data.get("mail", {})
        auth = data.get("auth", {})
        settings.auth_method = auth.get("method", settings.auth_method)
        trusted = auth.get("trusted_os_users", [])
        if not isinstance(trusted, list) or not all(isinstance(v, str) and v.strip() for v in trusted):
            raise ConfigError(f"{path}: [auth] trusted_os_users is a list of OS user names, e.g. [\"helpdesk\"]")
        settings.trusted_os_users = [v.strip() for v in trusted]
        service_user = auth.get("service_user", settings.service_user)
        if not isinstance(service_user, str) or not service_user.strip():
            raise ConfigError(f"{path}: [auth] service_user is the OS user that owns the database, e.g. \"helpdesk\"")
        settings.service_user = service_user.strip()
        hours = auth.get("session_hours", settings.session_hours)
        if not isinstance(hours, int) or isinstance(hours, bool) or not 1 <= hours <= 24 * 90:
            raise ConfigError(f"{path}: [auth] session_hours = {hours!r}: a whole number of hours from 1 to 2160")
        settings.session_hours = hours
        keys = data.get("keys", {})
        if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
            raise ConfigError(f"{path}: [keys] maps a binding id to keys, e.g. \"workspace.sort\" = \"o\"")
        settings.keymap = dict(keys)
        settings.db_url = db.get("url", settings.db_url)
        settings.language = ui.get("language", settings.language)
        settings.timezone = desk.get("timezone", settings.timezone)
        settings.priority_matrix = desk.get("priority_matrix", settings.priority_matrix)
        settings.sender_address = mail.get("from", settings.sender_address)
        settings.mailbox = mail.get("mailbox", settings.mailbox)
        # TOML has no null: an empty name says "no folder, mark read mail \Seen instead".
        settings.processed_folder = mail.get("processed_folder", settings.processed_folder) or None
        for key in ("max_message_bytes", "max_attachment_bytes", "rate_limit_per_hour"):
            value = mail.get(key, getattr(settings, key))
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"{path}: [mail] {key} = {value!r}: a whole number above 0")
            setattr(settings, key, value)
        settings.intake_service = mail.get("service", settings.intake_service)
        settings.intake_group = mail.get("group", settings.intake_group)
        for name in ("smtp", "imap"):
            section = mail.get(name, {})
            server = getattr(settings, name)
            for key, value in section.items():
                if key == "password":
                    raise ConfigError(f"{path}: [mail.{name}] password: keep passwords out of the config file "
                                      "(use the keyring, HELPDESK_{name.upper()}_PASSWORD, password_file or password_command)")
                if not hasattr(server, key):
                    raise ConfigError(f"{path}: [mail.{name}] has no setting «{key}»")
                setattr(server, key, value)
    settings.db_url = env.get("HELPDESK_DB", settings.db_url)
    settings.language = env.get("HELPDESK_LANG", settings.language)
    settings.timezone = env.get("HELPDESK_TZ", settings.timezone)
    settings.auth_method = env.get("HELPDESK_AUTH", settings.auth_method)
    if settings.auth_method not in ("local", "imap", "os"):
        raise ConfigError(f"sign-in method {settings.auth_method!r}: choose local, imap or os")
    return settings
