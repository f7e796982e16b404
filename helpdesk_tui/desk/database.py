"""The database as a whole: set up or upgrade (with what an upgrade must refresh), back up, and
restore without ever losing what was there."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.i18n import _
from helpdesk_tui.store import backup as files
from helpdesk_tui.store import migrate
from helpdesk_tui.store.db import Database
from helpdesk_tui.store.types import utcnow


class NotSetUp(DeskError):
    """The database has no schema yet."""


def prepare(db: Database) -> tuple[str | None, str | None]:
    """`helpdesk init` / `db upgrade`: the schema at head and the shipped searches; an upgrade
    also refreshes every open incident's and service request's stored due times, which older
    schemas lacked or computed otherwise (rule 6: the breaching-soon lists and the ticker read
    them)."""
    from helpdesk_tui.desk import request_sla
    from helpdesk_tui.desk.searches import install_predefined
    from helpdesk_tui.desk.sla import recompute_open

    stored = migrate.current_revision(db)
    if stored is not None and stored not in migrate.known_revisions():
        migrate.require_current(db)  # set up by a newer program: refused in one line, not by Alembic
    before, after = migrate.upgrade(db)
    with db.write() as session:
        install_predefined(session)
        if before is not None and before != after:
            recompute_open(session)
            request_sla.recompute_open(session)
    return before, after


def backup_database(db: Database, path: Path, *, force: bool = False) -> files.Manifest:
    """`helpdesk db backup`: refuses what would lose data (see store/backup.py)."""
    revision = migrate.current_revision(db)
    if revision is None:
        raise NotSetUp(_("The database {url} is not set up; there is nothing to back up").format(url=db.describe()))
    if not files.makes_sqlite_file(db, Path(path)):
        # The portable form is written through this program's tables; an older schema first
        # goes up (its SQLite file copy, by contrast, is taken as it is).
        migrate.require_current(db)
    return files.backup(db, Path(path), force=force)


@dataclass(frozen=True)
class Restored:
    manifest: files.Manifest
    saved_to: Path | None  # the copy of what the database held before


def _safety_path(db: Database, restoring: Path) -> Path:
    """Beside the database for SQLite; beside the file being restored for a server's database."""
    stamp = utcnow().strftime("%Y%m%d-%H%M%S")
    source = files.sqlite_path(db)
    if source:
        base = Path(source)
        folder, stem, suffix = base.parent, base.stem, ".db"
    else:
        folder, stem, suffix = restoring.resolve().parent, db.engine.url.database or "helpdesk", ".json"
    n = 0
    while True:
        candidate = folder / f"{stem}.before-restore-{stamp}{f'-{n}' if n else ''}{suffix}"
        if not candidate.exists():
            return candidate
        n += 1


def check_backup(path: Path) -> files.Manifest:
    """The manifest of a complete backup this program can restore; refuses anything else,
    saying what is wrong. Reads the file only."""
    return files.verify_file(Path(path))


def restore_database(db: Database, path: Path, checked: files.Manifest | None = None) -> Restored:
    """`helpdesk db restore`: the file is checked first (a complete backup of this schema, its
    content matching its manifest; `checked`: the caller just did), then what the database
    holds is backed up beside it, and only then is it replaced."""
    path = Path(path)
    manifest = checked or check_backup(path)
    saved_to = None
    revision = migrate.current_revision(db)
    if revision is not None:
        if revision != migrate.head_revision():
            if revision not in migrate.known_revisions():
                migrate.require_current(db)  # a newer program's database: refused, saying so
            migrate.upgrade(db)  # the copy below is made at the schema the backup has
        saved_to = _safety_path(db, path)
        try:
            files.backup(db, saved_to)
        except DeskError as exc:
            raise DeskError(_("Nothing was restored: the current data could not be saved first. {reason}").format(
                reason=exc.message)) from None
    files.restore(db, path, manifest)
    return Restored(manifest, saved_to)
