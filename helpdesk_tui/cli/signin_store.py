"""Where `helpdesk login` keeps its token on this machine: the keyring when one answers,
otherwise a 0600 file in the config directory (a headless server has no keyring). One token
per database, so a person signed in to two desks keeps both."""

from __future__ import annotations

import json
import os
from pathlib import Path

from helpdesk_tui.config import config_dir
from helpdesk_tui.mail.credentials import drop_from_keyring, from_keyring, keep_in_keyring
from helpdesk_tui.store.db import normalise_url

KIND = "signin"


def _key(db_url: str) -> str:
    """The database, named without any password in its URL."""
    from sqlalchemy.engine import make_url

    url = make_url(normalise_url(db_url))
    return url.render_as_string(hide_password=True) if url.password else str(url)


def _file() -> Path:
    return config_dir() / "signins.json"


def _read_file() -> dict[str, str]:
    try:
        data = json.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(data, dict) else {}


def _write_file(tokens: dict[str, str]) -> None:
    path = _file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    part = path.with_name(path.name + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(tokens, out)
    os.chmod(part, 0o600)
    os.replace(part, path)


def load(db_url: str) -> str | None:
    key = _key(db_url)
    found = from_keyring(KIND, key)
    if found is not None:
        return found.password
    return _read_file().get(key)


def save(db_url: str, token: str) -> str:
    """Keep the token; says where ("keyring" or the file's path)."""
    key = _key(db_url)
    if keep_in_keyring(KIND, key, token):
        forget_file(key)
        return "keyring"
    tokens = _read_file()
    tokens[key] = token
    _write_file(tokens)
    return str(_file())


def forget_file(key: str) -> None:
    tokens = _read_file()
    if tokens.pop(key, None) is not None:
        _write_file(tokens)


def forget(db_url: str) -> str | None:
    """Drop this database's token here; returns it, so the desk can revoke it too."""
    key = _key(db_url)
    token = load(db_url)
    drop_from_keyring(KIND, key)
    forget_file(key)
    return token
