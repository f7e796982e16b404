"""The command line (typer): the same operations the TUI uses, for scripts and administrators."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from helpdesk_tui import __version__
from helpdesk_tui.cli.output import fail
from helpdesk_tui.cli.state import state

app = typer.Typer(
    name="helpdesk",
    help="helpdesk-tui: a keyboard-driven terminal help desk.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        print(f"helpdesk-tui {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _global(
    ctx: typer.Context,
    db: Annotated[Optional[str], typer.Option("--db", help="Database URL or SQLite file (or HELPDESK_DB).")] = None,
    acting: Annotated[Optional[str], typer.Option("--as", help="Act as this person (login).")] = None,
    lang: Annotated[Optional[str], typer.Option("--lang", help="Interface language: uk or en.")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    from helpdesk_tui.config import load_settings
    from helpdesk_tui.launch import configure

    settings = load_settings()
    if db:
        settings.db_url = db
    if lang:
        settings.language = lang
    configure(settings)
    state.reset(settings, acting)
    if ctx.invoked_subcommand is not None and state.command_is_leaf and not state.asks_help:
        # Who acts and whether they may is decided before the command reads a file or a
        # setting: a refused command has done nothing, and says only that it is refused.
        state.authorise()
    if ctx.invoked_subcommand is None:
        from helpdesk_tui.launch import open_interface, vouched_login

        login, trusted = vouched_login(settings, acting)
        raise typer.Exit(open_interface(settings, login=login, trusted=trusted))


def _register() -> None:
    from helpdesk_tui.cli import (
        admin,
        attachments,
        catalog,
        change_requests,
        config_items,
        database,
        identity,
        incidents,
        kb,
        mail,
        portal,
        problems,
        reports,
        requests,
        sla,
        split,
        subscriptions,
        tasks,
        timesheet,
        views,
    )

    for module in (database, admin, subscriptions, identity, incidents, change_requests, split, tasks, requests,
                   catalog, views, sla, mail, timesheet, reports, kb, problems, config_items,
                   portal, attachments):
        module.register(app)


_register()


def command_path(args: list[str]) -> tuple[str, bool]:
    """The command that `args` runs, as desk/access.py names it («incident list»): the words
    that name groups and commands, after the global options; and whether it is a command
    (not a group named alone, which only shows its help)."""
    import typer.main

    node = typer.main.get_command(app)
    words: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("-"):
            if not words and arg in ("--db", "--as", "--lang"):
                i += 1  # its value
            i += 1
            continue
        commands = getattr(node, "commands", None)
        if not commands or arg not in commands:
            break
        words.append(arg)
        node = commands[arg]
        i += 1
    return " ".join(words), bool(words) and not getattr(node, "commands", None)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; a mistake prints one clear line and exits non-zero, never a traceback."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    from helpdesk_tui.config import ConfigError
    from helpdesk_tui.domain.errors import DeskError
    from helpdesk_tui.i18n import _

    code = 0
    args = sys.argv[1:] if argv is None else argv
    state.command, state.command_is_leaf = command_path(args)
    state.asks_help = any(a in ("--help", "-h") for a in args)
    try:
        result = app(args=argv, prog_name="helpdesk", standalone_mode=False)
        if isinstance(result, int):
            code = result
    except DeskError as exc:
        fail(exc.message)
        code = 1
    except OverflowError:  # a number past what the database stores, wherever a bound was missed
        fail(_("A number given is too large"))
        code = 1
    except (ValueError, ConfigError) as exc:
        fail(str(exc))
        code = 1
    except (OperationalError, DBAPIError) as exc:
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        fail(_("The database answered: {detail}").format(detail=detail))
        code = 1
    except typer.Abort:
        fail(_("Stopped"))
        code = 130
    except typer.Exit as exc:
        code = exc.exit_code
    except typer.TyperException as exc:  # a usage mistake: one line, and where the help is
        if type(exc).__name__ == "NoArgsIsHelpError":  # a group named alone: its help is the answer
            exc.show()  # type: ignore[attr-defined]
        else:
            message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
            where = f"helpdesk {state.command} --help" if state.command else "helpdesk --help"
            fail(f"{' '.join(message.split())} ({where})")
        code = getattr(exc, "exit_code", 2)
    except KeyboardInterrupt:
        code = 130
    except Exception as exc:  # the last line of defence: one clear line, the details on demand
        import os

        if os.environ.get("HELPDESK_DEBUG"):
            raise
        fail(_("Unexpected error: {kind}: {detail} (HELPDESK_DEBUG=1 shows the details)").format(
            kind=type(exc).__name__, detail=exc))
        code = 70
    finally:
        if state._db is not None:
            state._db.dispose()
    if argv is None:
        sys.exit(code)
    return code
