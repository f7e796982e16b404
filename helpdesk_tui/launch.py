"""The `helpdesk` command: with no subcommand it opens the terminal interface straight away,
without loading the command-line machinery (typer, every command's imports) on the way to the
first frame; anything else goes to the CLI."""

from __future__ import annotations

import gc
import sys

from helpdesk_tui.config import ConfigError, Settings, load_settings

GLOBAL_OPTIONS = ("--db", "--as", "--lang")


def configure(settings: Settings) -> str:
    """Language, zone and desk settings for this process; the language chosen."""
    from helpdesk_tui.desk import settings as desk_settings
    from helpdesk_tui.domain.display import set_zone
    from helpdesk_tui.domain.priority import PriorityMatrix
    from helpdesk_tui.i18n import language_from_locale, set_language

    language = settings.language or language_from_locale()
    set_language(language)
    set_zone(settings.timezone)
    matrix = PriorityMatrix.from_rows(settings.priority_matrix) if settings.priority_matrix else PriorityMatrix()
    desk_settings.configure(desk_settings.DeskSettings(matrix=matrix, notification_language=language,
                                                       sender_address=settings.sender_address,
                                                       timezone=settings.timezone, desk_name=settings.desk_name,
                                                       desk_details=tuple(settings.desk_details),
                                                       development_group=settings.development_group,
                                                       timer_step_minutes=settings.timer_step_minutes))
    return language


def _global_options(args: list[str]) -> dict[str, str] | None:
    """The global options, when `args` holds nothing else (the interface is wanted)."""
    found: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if name not in GLOBAL_OPTIONS:
            return None
        if not eq:
            if i + 1 >= len(args):
                return None
            value = args[i + 1]
            i += 1
        found[name] = value
        i += 1
    return found


class Refused(ValueError):
    """The launcher will not open the interface as asked; the message says why."""


def vouched_login(settings: Settings, as_login: str | None) -> tuple[str | None, bool]:
    """Whom the interface signs in without a password: (login, trusted), or (None, False) for
    the sign-in screen. Only the OS user of the process in `os` mode, and for `--as` only an OS
    user listed in [auth] trusted_os_users; never a name from the environment."""
    from helpdesk_tui.config import os_login
    from helpdesk_tui.i18n import _

    user = os_login()
    if as_login is not None:
        if user is None or user not in settings.trusted_os_users:
            raise Refused(_("--as is only for a signed-in administrator or an OS user listed in "
                            "[auth] trusted_os_users; sign in in the interface instead"))
        return as_login, True
    if settings.auth_method == "os":
        return user, True
    return None, False


def collect_later() -> None:
    """No garbage collection on the way to the first frame: start-up builds what lives as long as
    the program, and the full collections the imports set off (three or four, 30-90 ms each with
    Textual, SQLAlchemy and the models in memory) found nothing to free: 80-100 ms of the very
    first start (docs/benchmarks.md, issue 16). The app collects once the first rows are painted,
    freezes what start-up built and turns collection back on (HelpdeskApp._quiet_collector)."""
    gc.disable()


def open_interface(settings: Settings, *, login: str | None = None, trusted: bool = False,
                   role: str | None = None) -> int:
    collect_later()
    try:
        from helpdesk_tui.app import run

        if settings.keymap:
            # Reading every screen's bindings costs their imports: only for a desk that moves keys.
            from helpdesk_tui.widgets.bindings import check_keymap

            problems = check_keymap(settings.keymap)
            if problems:
                where = f"{settings.source}: " if settings.source else ""
                print(f"helpdesk: {where}{problems[0]}", file=sys.stderr)
                return 1

        run(settings, login=login, trusted=trusted, role=role)
        return 0
    finally:
        gc.enable()  # the interface is closed: a caller (a test, the CLI) goes on as usual


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["ssh-serve"]:
        from helpdesk_tui.cli.ssh_serve import serve

        code = serve(args[1:])
        if argv is None:
            sys.exit(code)
        return code
    options = _global_options(args)
    if options is None:
        from helpdesk_tui.cli import main as cli_main

        return cli_main(argv)
    collect_later()
    try:
        settings = load_settings()
        settings.db_url = options.get("--db", settings.db_url)
        settings.language = options.get("--lang", settings.language)
        configure(settings)
        login, trusted = vouched_login(settings, options.get("--as"))
    except (ConfigError, ValueError, Refused) as exc:
        print(f"helpdesk: {exc}", file=sys.stderr)
        return 1
    code = open_interface(settings, login=login, trusted=trusted)
    if argv is None:
        sys.exit(code)
    return code
