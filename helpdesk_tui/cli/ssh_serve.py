"""`helpdesk ssh-serve LOGIN`: the forced command of an analyst's SSH key (the gitolite way).

sshd runs it as the service account whenever that key signs in: with no command, the terminal
interface opens signed in as LOGIN; with one (`ssh helpdesk@host incident list --json`), the
command runs as LOGIN. What the person asked for arrives in SSH_ORIGINAL_COMMAND and is checked,
never run by a shell: it may not name another person (--as) or another database (--db).
"""

from __future__ import annotations

import os
import shlex
import sys

from helpdesk_tui.config import ConfigError, load_settings, os_login
from helpdesk_tui.i18n import _

# Options that would let the key's owner act as someone else or on another database.
FORBIDDEN_OPTIONS = ("--as", "--db")
# Commands that make no sense behind a key that already says who you are.
FORBIDDEN_COMMANDS = ("login", "logout", "ssh-serve", "demo")


def _fail(message: str) -> int:
    print(f"helpdesk: {message}", file=sys.stderr)
    return 1


def requested_words(original: str) -> list[str]:
    """The words of SSH_ORIGINAL_COMMAND, refused (ValueError) if they try to leave the key's person."""
    try:
        words = shlex.split(original)
    except ValueError as exc:
        raise ValueError(_("The command cannot be read: {detail}").format(detail=exc)) from None
    if words[:1] == ["helpdesk"]:
        words = words[1:]
    for word in words:
        name = word.split("=", 1)[0]
        if name in FORBIDDEN_OPTIONS:
            raise ValueError(_("{option} is not accepted over SSH: your key says who you are and which desk")
                             .format(option=name))
    command = next((w for w in words if not w.startswith("-")), None)
    if command in FORBIDDEN_COMMANDS:
        raise ValueError(_("«{command}» is not available over SSH").format(command=command))
    return words


def serve(args: list[str]) -> int:
    from helpdesk_tui.launch import configure

    try:
        settings = load_settings()
        configure(settings)
    except (ConfigError, ValueError) as exc:
        return _fail(str(exc))
    if len(args) != 1:
        return _fail(_("ssh-serve takes one login: it is the forced command of an SSH key (`helpdesk ssh-keys sync`)"))
    login = args[0]
    user = os_login()
    if user != settings.service_user:
        # Anyone else could name any login here: only the account whose authorized_keys sshd
        # reads (written by `ssh-keys sync`) may vouch for a person this way.
        return _fail(_("ssh-serve runs only as the service account «{service}» (this is «{user}»)").format(
            service=settings.service_user, user=user or "?"))
    try:
        words = requested_words(os.environ.get("SSH_ORIGINAL_COMMAND", ""))
    except ValueError as exc:
        return _fail(str(exc))
    if not [w for w in words if not w.startswith("-")]:
        from helpdesk_tui.launch import open_interface

        lang = _language_option(words)
        if lang:
            settings.language = lang
            configure(settings)
        return open_interface(settings, login=login, trusted=True)
    from helpdesk_tui.cli import main as cli_main
    from helpdesk_tui.cli.state import state

    state.ssh_login = login
    return cli_main(words)


def _language_option(words: list[str]) -> str | None:
    for i, word in enumerate(words):
        if word.startswith("--lang="):
            return word.split("=", 1)[1]
        if word == "--lang" and i + 1 < len(words):
            return words[i + 1]
    return None
