"""Settings: a TOML file in the XDG config directory, overridden by HELPDESK_* variables.

The file is checked against config_schema.py (pydantic); pydantic is loaded only when the
config changed since it was last checked, since this runs on the way to the first frame.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
class PortalSettings:
    """The callers' web portal (`helpdesk portal`): where it listens, the address its mailed links
    point to (the reverse proxy's), and whether its cookies need HTTPS."""

    host: str = "127.0.0.1"
    port: int = 8080
    base_url: str = "http://127.0.0.1:8080"
    secure_cookies: bool = True
    group: str | None = None  # the work group portal tickets go to when their service names none (R19)


@dataclass
class Settings:
    db_url: str = field(default_factory=default_db_url)
    language: str | None = None
    timezone: str = "Europe/Kyiv"
    priority_matrix: list[list[int]] | None = None
    desk_name: str = "Service Desk"
    desk_details: list[str] = field(default_factory=list)
    # Where change requests go (R36); "" keeps them in their group.
    development_group: str | None = "Розробки та впроваджень"
    timer_step_minutes: int = 1
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
    portal: PortalSettings = field(default_factory=lambda: PortalSettings())
    source: Path | None = None


class ConfigError(Exception):
    pass


# The variables that override the file, and the key each stands for.
ENVIRONMENT = {
    "HELPDESK_DB": ("database", "url"),
    "HELPDESK_LANG": ("ui", "language"),
    "HELPDESK_TZ": ("desk", "timezone"),
    "HELPDESK_AUTH": ("auth", "method"),
}


def load_settings(path: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """The settings of this process: the config file and HELPDESK_* variables, checked against
    config_schema.py; ConfigError with one line naming the key and what it allows."""
    env = os.environ if environ is None else environ
    path = path or Path(env.get("HELPDESK_CONFIG", config_dir() / "config.toml"))
    raw: dict[str, Any] = {}
    source = None
    if path.is_file():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        source = path
    overrides = {name: env[name] for name in ENVIRONMENT if env.get(name)}
    for name, value in overrides.items():
        section, key = ENVIRONMENT[name]
        if not isinstance(raw.get(section, {}), dict):
            break  # the section itself is wrong: the schema says so, naming the file
        raw.setdefault(section, {})[key] = value
    data = _checked(raw, path if source else None, overrides)
    settings = _from_checked(data)
    settings.source = source
    return settings


def _checked(raw: dict[str, Any], path: Path | None, overrides: dict[str, str]) -> dict[str, Any]:
    """`raw` validated with every default filled in. The schema (pydantic) is loaded only for a
    config not seen before: what it accepted is kept in the cache, keyed by the content."""
    import hashlib
    import json

    schema = Path(__file__).with_name("config_schema.py")
    try:
        stamp = schema.stat()
        key = hashlib.sha256(json.dumps([raw, stamp.st_size, stamp.st_mtime_ns], sort_keys=True, default=str)
                             .encode()).hexdigest()
    except (OSError, TypeError, ValueError):
        key = None
    kept = cache_dir() / "config-checked.json"
    if key is not None:
        try:
            cached = json.loads(kept.read_text(encoding="utf-8"))
            if cached.get("key") == key:
                return cached["data"]  # type: ignore[no-any-return]
        except (OSError, ValueError, AttributeError, KeyError):
            pass
    from helpdesk_tui import config_schema

    try:
        data = config_schema.validate(raw)
    except ValueError as exc:
        message = str(exc)
        for name, value in overrides.items():
            section, option = ENVIRONMENT[name]
            if message.startswith(f"[{section}] {option} "):
                raise ConfigError(f"{name}={value!r}: " + message.split(": ", 1)[1]) from None
        raise ConfigError(f"{path}: {message}" if path else message) from None
    if key is not None:
        try:
            kept.parent.mkdir(parents=True, exist_ok=True)
            part = kept.with_name(f"{kept.name}.{os.getpid()}")
            part.write_text(json.dumps({"key": key, "data": data}), encoding="utf-8")
            os.replace(part, kept)
        except OSError:
            pass  # a read-only home: checked again next time
    return data


def _from_checked(data: dict[str, Any]) -> Settings:
    settings = Settings()
    if data["database"]["url"]:
        settings.db_url = data["database"]["url"]
    settings.language = data["ui"]["language"]
    settings.timezone = data["desk"]["timezone"]
    settings.priority_matrix = data["desk"]["priority_matrix"]
    settings.desk_name = data["desk"]["name"]
    settings.desk_details = [line.strip() for line in data["desk"]["details"] if line.strip()]
    settings.development_group = data["desk"]["development_group"].strip() or None
    settings.timer_step_minutes = data["desk"]["timer_step_minutes"]
    mail = data["mail"]
    settings.sender_address = mail["from"]
    settings.mailbox = mail["mailbox"]
    # TOML has no null: an empty name says "no folder, mark read mail \Seen instead".
    settings.processed_folder = mail["processed_folder"] or None
    settings.intake_service = mail["service"]
    settings.intake_group = mail["group"]
    for key in ("max_message_bytes", "max_attachment_bytes", "rate_limit_per_hour"):
        setattr(settings, key, mail[key])
    settings.imap = ServerSettings(**mail["imap"])
    settings.smtp = ServerSettings(**mail["smtp"])
    auth = data["auth"]
    settings.auth_method = auth["method"]
    settings.trusted_os_users = list(auth["trusted_os_users"])
    settings.service_user = auth["service_user"]
    settings.session_hours = auth["session_hours"]
    settings.keymap = dict(data["keys"])
    portal = data["portal"]
    settings.portal = PortalSettings(host=portal["host"], port=portal["port"], base_url=portal["base_url"].rstrip("/"),
                                     secure_cookies=portal["secure_cookies"], group=portal["group"])
    return settings
