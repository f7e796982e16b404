"""`helpdesk init`, `helpdesk db ...` and `helpdesk demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from helpdesk_tui.cli.output import say
from helpdesk_tui.cli.state import state
from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.i18n import _

db_app = typer.Typer(help="Database: upgrade, backup, restore.", no_args_is_help=True)


def _init() -> tuple[str | None, str | None]:
    from helpdesk_tui.desk.database import prepare

    return prepare(state.db)


def init() -> None:
    """Create the database, or upgrade it to this version's schema."""
    before, after = _init()
    if before is None:
        say(_("Created {url} (schema {rev})").format(url=state.db.describe(), rev=after))
    elif before != after:
        say(_("Upgraded {url} from schema {old} to {new}").format(url=state.db.describe(), old=before, new=after))
    else:
        say(_("{url} is up to date (schema {rev})").format(url=state.db.describe(), rev=after))


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the schema up to date."""
    init()


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision and whether it is current."""
    from helpdesk_tui.store import migrate

    rev, head = migrate.current_revision(state.db), migrate.head_revision(state.db)
    say(f"{state.db.describe()}: {rev or '—'} (head {head})")


@db_app.command("backup")
def db_backup(
    file: Annotated[Path, typer.Argument(help="Backup file (.json for the portable format).")],
    force: Annotated[bool, typer.Option("--force", help="Write over a file that is not a backup.")] = False,
) -> None:
    """Back up the whole database while people keep working."""
    from helpdesk_tui.desk.database import backup_database

    manifest = backup_database(state.db, file, force=force)
    say(_("Backed up to {file} ({n} rows, schema {rev})").format(file=file, n=manifest.total, rev=manifest.revision))


@db_app.command("restore")
def db_restore(
    file: Annotated[Path, typer.Argument(help="A file made by `helpdesk db backup`.")],
    yes: Annotated[bool, typer.Option("--yes", help="Replace the data without asking.")] = False,
) -> None:
    """Replace all data with a backup's (the current data is backed up first)."""
    from helpdesk_tui.desk.database import check_backup, restore_database

    state.authorise()  # who may restore is decided before the file is even read
    # Checked before the question: a file that cannot be restored is said at once.
    manifest = check_backup(file)
    if not yes and not typer.confirm(_("Replace every record in {url}?").format(url=state.db.describe())):
        raise typer.Exit(1)
    restored = restore_database(state.db, file, manifest if yes else None)  # a wait at the question: checked again
    if restored.saved_to is not None:
        say(_("The data it held is saved in {file}").format(file=restored.saved_to))
    say(_("Restored {file} ({n} rows)").format(file=file, n=restored.manifest.total))


def demo(
    no_tui: Annotated[bool, typer.Option("--no-tui", help="Only create the data; do not open the interface.")] = False,
    incidents: Annotated[int, typer.Option("--incidents", help="How many incidents to create.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed, for the same data every time.")] = 7,
) -> None:
    """Create a demo database with realistic Ukrainian data (and open it)."""
    from helpdesk_tui.desk.demo import DEMO_CALLER, DEMO_PASSWORD, build_demo
    from helpdesk_tui.store import migrate

    from helpdesk_tui.desk.demo import is_demo

    if state.acting_login is not None:
        raise DeskError(_("The demo opens as its own analyst; sign in as someone else in the interface"))
    existing, people, demo_db = 0, 0, False
    if migrate.current_revision(state.db) is not None:
        with state.db.read() as session:
            from sqlalchemy import func, select

            from helpdesk_tui.store.models import Incident, Person

            existing = session.execute(select(func.count()).select_from(Incident)).scalar_one()
            people = session.execute(select(func.count()).select_from(Person)).scalar_one()
            demo_db = is_demo(session)
    if people and not demo_db:
        # The demo signs in without a password: only to the made-up data it wrote itself.
        raise DeskError(_("{url} holds a real desk's data, not a demo: open it with `helpdesk`")
                        .format(url=state.db.describe()))
    if existing:
        say(_("{url} already has {n} incidents; the demo data is not added twice").format(url=state.db.describe(), n=existing))
    else:
        _init()
        from rich.progress import Progress

        from helpdesk_tui.cli.output import errors

        with Progress(console=errors, transient=True) as bar:
            task = bar.add_task(_("Creating demo incidents"), total=incidents)
            summary = build_demo(state.db, incidents=incidents, seed=seed,
                                 progress=lambda done, total: bar.update(task, completed=done))
        say(_("Demo data created in {url}: {summary}").format(url=state.db.describe(), summary=summary))
        say(_("Sign in as «{login}» (password «{password}»)").format(login="analyst", password=DEMO_PASSWORD))
        say(_("The callers' portal: `helpdesk portal`, then http://127.0.0.1:8080 as «{login}» (password «{password}»)")
            .format(login=DEMO_CALLER, password=DEMO_PASSWORD))
    if not no_tui:
        from helpdesk_tui.launch import open_interface

        open_interface(state.settings, login="analyst", trusted=True, role="analyst")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    app.add_typer(db_app, name="db")
