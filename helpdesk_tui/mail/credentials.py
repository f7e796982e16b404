"""Passwords for the mail servers: the keyring when a usable backend answers, otherwise an
environment variable, a 0600 password file or a password command; never a plaintext fallback.

The keyring is probed in a thread with a timeout: a locked keyring that waits for a prompt
nobody sees must not hang the poller (and on a headless machine with no D-Bus, keyring answers
with its `fail` backend, which raises on every call).
"""

from __future__ import annotations

import os
import shlex
import stat
import subprocess
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path

from helpdesk_tui.config import ServerSettings

KEYRING_SERVICE = "helpdesk-tui"
KEYRING_TIMEOUT = 3.0


class CredentialError(Exception):
    pass


@dataclass(frozen=True)
class Found:
    password: str
    source: str  # keyring (its backend) | environment | file | command


def _keyring_lookup(service: str, user: str) -> tuple[str | None, str]:
    import keyring
    from keyring.errors import KeyringError

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    try:
        return keyring.get_password(service, user), name
    except KeyringError:
        return None, name


def from_keyring(kind: str, user: str, timeout: float = KEYRING_TIMEOUT) -> Found | None:
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="keyring-probe")
    try:
        password, backend = pool.submit(_keyring_lookup, f"{KEYRING_SERVICE}-{kind}", user).result(timeout=timeout)
    except FutureTimeout:
        return None
    except Exception:  # any backend failure means "not from the keyring"
        return None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return Found(password, f"keyring ({backend})") if password else None


def from_file(path: str) -> Found:
    file = Path(path).expanduser()
    try:
        mode = file.stat().st_mode
    except OSError as exc:
        raise CredentialError(f"password file {file}: {exc.strerror}") from exc
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CredentialError(f"password file {file} is readable by others; chmod 600 it")
    lines = file.read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0]:
        raise CredentialError(f"password file {file} is empty")
    return Found(lines[0], "file")


def from_command(command: str, timeout: float = 10.0) -> Found:
    try:
        done = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CredentialError(f"password command failed: {exc}") from exc
    if done.returncode != 0 or not done.stdout.strip():
        raise CredentialError(f"password command exited {done.returncode} without a password")
    return Found(done.stdout.splitlines()[0], "command")


def password_for(kind: str, server: ServerSettings, environ: dict[str, str] | None = None) -> Found:
    """kind: "smtp" or "imap". The first source that has one wins, in the order documented."""
    env = os.environ if environ is None else environ
    found = from_keyring(kind, server.user) if server.user else None
    if found:
        return found
    value = env.get(f"HELPDESK_{kind.upper()}_PASSWORD")
    if value:
        return Found(value, "environment")
    if server.password_file:
        return from_file(server.password_file)
    if server.password_command:
        return from_command(server.password_command)
    raise CredentialError(
        f"no {kind.upper()} password: store one with `keyring set {KEYRING_SERVICE}-{kind} {server.user or 'USER'}`, "
        f"or set HELPDESK_{kind.upper()}_PASSWORD, or give password_file / password_command in [mail.{kind}]"
    )


def _usable_backend() -> bool:
    import keyring

    backend = keyring.get_keyring()
    module = type(backend).__module__
    # fail and null answer every call with an error or nothing: a headless server without D-Bus.
    return not module.endswith((".fail", ".null"))


def _in_thread(call, timeout: float):  # type: ignore[no-untyped-def]
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="keyring")
    try:
        return pool.submit(call).result(timeout=timeout)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def keep_in_keyring(kind: str, user: str, secret: str, timeout: float = KEYRING_TIMEOUT) -> bool:
    """Store a secret in the keyring; False when no usable keyring answers (the caller falls
    back to a 0600 file)."""
    import keyring

    def call() -> bool:
        if not _usable_backend():
            return False
        keyring.set_password(f"{KEYRING_SERVICE}-{kind}", user, secret)
        return True

    try:
        return bool(_in_thread(call, timeout))
    except Exception:  # a locked or broken keyring: "not kept there"
        return False


def drop_from_keyring(kind: str, user: str, timeout: float = KEYRING_TIMEOUT) -> None:
    import keyring

    def call() -> None:
        if _usable_backend():
            keyring.delete_password(f"{KEYRING_SERVICE}-{kind}", user)

    try:
        _in_thread(call, timeout)
    except Exception:  # nothing stored there, or no keyring: nothing to drop
        pass
