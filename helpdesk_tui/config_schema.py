"""The config file's schema (pydantic): every key, its type and the values it allows.

Imported only when a config (or the HELPDESK_* variables) is new or changed: config.py keeps
what this accepted, so an unchanged config starts the program without pydantic on the way to
the first frame. Every error becomes one line naming the key and what it allows.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError


def _timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("unknown") from None
    return value


def _database_url(value: str) -> str:
    from helpdesk_tui.store.urls import check_database_url

    check_database_url(value)
    return value


def _address(value: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValueError("not an address") from None


def _matrix(rows: list[list[int]]) -> list[list[int]]:
    if len(rows) != 3 or any(len(r) != 3 for r in rows) or any(not 1 <= v <= 5 for r in rows for v in r):
        raise ValueError("shape")
    return rows


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("blank")
    return value.strip()


Strict = ConfigDict(extra="forbid", strict=True)
Name = Annotated[str, AfterValidator(_not_blank)]

# What each key allows, as the error line says it: (section, key) -> text.
ALLOWED: dict[tuple[str, ...], str] = {
    ("database",): 'a table: [database] url = "…"',
    ("database", "url"): "an SQLite file path or a postgresql://user@host/db URL",
    ("ui",): 'a table: [ui] language = "uk"',
    ("ui", "language"): '"uk" or "en"',
    ("desk",): 'a table: [desk] timezone = "Europe/Kyiv"',
    ("desk", "timezone"): 'a time-zone name such as "Europe/Kyiv"',
    ("desk", "priority_matrix"): "three rows of three priorities from 1 to 5, e.g. [[1, 2, 3], [2, 3, 4], [3, 4, 5]]",
    ("desk", "name"): 'the desk\'s name on statements, e.g. "ТОВ «Модуль» — Service Desk"',
    ("desk", "details"): 'lines under the name on statements, e.g. ["м. Луцьк", "тел. (0332) 77-17-06"]',
    ("desk", "development_group"): 'the work group change requests go to, e.g. "Розробки та впроваджень", or ""',
    ("desk", "timer_step_minutes"): "a whole number of minutes from 1 to 60 a stopped timer rounds up to",
    ("mail",): 'a table: [mail] from = "helpdesk@example.org"',
    ("mail", "from"): 'an e-mail address, e.g. "helpdesk@example.org"',
    ("mail", "mailbox"): 'a mailbox name, e.g. "INBOX"',
    ("mail", "processed_folder"): 'a folder name, or "" to flag read mail \\Seen instead',
    ("mail", "service"): "the name of a service",
    ("mail", "group"): "the name of a work group",
    ("mail", "max_message_bytes"): "a whole number above 0",
    ("mail", "max_attachment_bytes"): "a whole number above 0",
    ("mail", "rate_limit_per_hour"): "a whole number above 0",
    ("mail", "imap"): 'a table: [mail.imap] host = "…"',
    ("mail", "smtp"): 'a table: [mail.smtp] host = "…"',
    ("host",): "a host name",
    ("port",): "a port number from 1 to 65535",
    ("security",): '"none", "starttls" or "ssl"',
    ("user",): "a user name",
    ("password_file",): "the path of a 0600 file holding the password",
    ("password_command",): "a command that prints the password",
    ("timeout",): "seconds, a number above 0",
    ("auth",): 'a table: [auth] method = "local"',
    ("auth", "method"): '"local", "imap" or "os"',
    ("auth", "trusted_os_users"): 'a list of OS user names, e.g. ["helpdesk"]',
    ("auth", "service_user"): 'the OS user that owns the database, e.g. "helpdesk"',
    ("auth", "session_hours"): "a whole number of hours from 1 to 2160",
    ("portal",): 'a table: [portal] port = 8080',
    ("portal", "host"): 'the address the portal listens on, e.g. "127.0.0.1" behind a reverse proxy',
    ("portal", "port"): "a port number from 1 to 65535",
    ("portal", "base_url"): 'the portal\'s address as callers open it, e.g. "https://help.example.org"',
    ("portal", "secure_cookies"): "true (cookies only over HTTPS) or false (plain HTTP, for trying it out)",
    ("portal", "group"): "the name of a work group",
    ("keys",): 'a table mapping a binding id to keys, e.g. "workspace.sort" = "o"',
}


class Server(BaseModel):
    model_config = Strict
    host: str = ""
    port: int = Field(default=0, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "starttls"
    user: str = ""
    password_file: str | None = None
    password_command: str | None = None
    timeout: Annotated[float, BeforeValidator(lambda v: float(v) if isinstance(v, int) and not isinstance(v, bool) else v)] = Field(default=30.0, gt=0, le=3600)


class Imap(Server):
    port: int = Field(default=993, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "ssl"


class Smtp(Server):
    port: int = Field(default=587, ge=1, le=65535)


class Database(BaseModel):
    model_config = Strict
    url: Annotated[str, AfterValidator(_database_url)] | None = None


class Ui(BaseModel):
    model_config = Strict
    language: Literal["uk", "en"] | None = None


class Desk(BaseModel):
    model_config = Strict
    timezone: Annotated[str, AfterValidator(_timezone)] = "Europe/Kyiv"
    priority_matrix: Annotated[list[list[int]], AfterValidator(_matrix)] | None = None
    name: Name = "Service Desk"
    details: list[str] = []
    development_group: str = "Розробки та впроваджень"
    timer_step_minutes: int = Field(default=1, ge=1, le=60)


class Mail(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)
    sender: Annotated[str, AfterValidator(_address)] = Field(default="helpdesk@localhost", alias="from")
    mailbox: Name = "INBOX"
    processed_folder: str = "Processed"
    service: Name | None = None
    group: Name | None = None
    max_message_bytes: int = Field(default=40 * 1024 * 1024, gt=0)
    max_attachment_bytes: int = Field(default=25 * 1024 * 1024, gt=0)
    rate_limit_per_hour: int = Field(default=20, gt=0)
    imap: Imap = Imap()
    smtp: Smtp = Smtp()


class Auth(BaseModel):
    model_config = Strict
    method: Literal["local", "imap", "os"] = "local"
    trusted_os_users: list[Name] = []
    service_user: Name = "helpdesk"
    session_hours: int = Field(default=12, ge=1, le=24 * 90)


def _base_url(value: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError("not a URL")
    return value.strip().rstrip("/")


class Portal(BaseModel):
    model_config = Strict
    host: Name = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    base_url: Annotated[str, AfterValidator(_base_url)] = "http://127.0.0.1:8080"
    secure_cookies: bool = True
    group: Name | None = None


class Config(BaseModel):
    model_config = Strict
    database: Database = Database()
    ui: Ui = Ui()
    desk: Desk = Desk()
    mail: Mail = Mail()
    auth: Auth = Auth()
    portal: Portal = Portal()
    keys: dict[str, str] = {}


def validate(raw: dict[str, Any]) -> dict[str, Any]:
    """The config as plain data with every default filled in; ValueError with one line."""
    for section in ("mail",):
        for name in ("imap", "smtp"):
            server = raw.get(section, {}).get(name) if isinstance(raw.get(section), dict) else None
            if isinstance(server, dict) and "password" in server:
                raise ValueError(f"[mail.{name}] password: keep passwords out of the config file (use the keyring, "
                                 f"HELPDESK_{name.upper()}_PASSWORD, password_file or password_command)")
    try:
        return Config.model_validate(raw).model_dump(by_alias=True)
    except ValidationError as exc:
        raise ValueError(_one_line(exc, raw)) from None


def _one_line(exc: ValidationError, raw: dict[str, Any]) -> str:
    error = exc.errors()[0]
    loc = [str(part) for part in error["loc"]]
    if error["type"] == "extra_forbidden":
        section, key = loc[:-1], loc[-1]
        model = _model_at(section)
        names = ", ".join(f.alias or n for n, f in model.model_fields.items()) if model else ""
        where = f"[{'.'.join(section)}] has" if section else "The config has"
        return f"{where} no setting «{key}»" + (f"; it has: {names}" if names else "")
    # A list's index is no part of the key's name.
    key_path = [p for p in loc if not p.isdigit()]
    allowed = (ALLOWED.get(tuple(key_path)) or ALLOWED.get(tuple(key_path[-1:]))
               or ALLOWED.get(tuple(key_path[:-1])) or error["msg"])
    section, key = key_path[:-1], key_path[-1]
    value = _value_at(raw, key_path)
    shown = "" if value is _MISSING else f" = {value!r}"
    if not section:
        return f"[{key}]{shown}: {allowed}"
    return f"[{'.'.join(section)}] {key}{shown}: {allowed}"


_MISSING = object()


def _value_at(raw: Any, loc: list[str]) -> Any:
    node = raw
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


def _model_at(section: list[str]) -> type[BaseModel] | None:
    model: type[BaseModel] = Config
    for part in section:
        field = next((f for n, f in model.model_fields.items() if part in (n, f.alias)), None)
        annotation = getattr(field, "annotation", None)
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model
