"""Create or upgrade the schema with Alembic (`helpdesk init`, `helpdesk db upgrade`), and refuse
to work on a schema this program does not have (`require_current`)."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from helpdesk_tui.domain.errors import DeskError
from helpdesk_tui.i18n import _
from helpdesk_tui.store.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaNotCurrent(DeskError):
    """The database's schema is not the one this program was built for."""


def alembic_config(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


@functools.cache
def _scripts() -> ScriptDirectory:
    # Reading the revisions imports every migration module (some 20 ms): once per process.
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


def head_revision(db: Database | None = None) -> str | None:
    """The schema this program was built for (`db` is not needed; kept for the callers')."""
    return _scripts().get_current_head()


def known_revisions() -> list[str]:
    """Every revision this program knows, oldest first."""
    return [s.revision for s in reversed(list(_scripts().walk_revisions()))]


def current_revision(db: Database) -> str | None:
    return db.stored_revision()


def upgrade(db: Database, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the schema to `revision`; returns (before, after)."""
    before = current_revision(db)
    cfg = alembic_config(db)
    with db.writer.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    return before, current_revision(db)


def is_current(db: Database) -> bool:
    return current_revision(db) == head_revision(db)


def require_current(db: Database) -> str | None:
    """The stored revision when it is this program's, or None for a database not set up yet;
    any other schema is refused with one line saying what to do. Cheap enough for every
    command: one look at the stored revision, compared with the head read once per process."""
    revision = current_revision(db)
    if revision is None or revision == head_revision():
        return revision
    if revision in known_revisions():
        raise SchemaNotCurrent(
            _("The database {url} has the older schema {theirs} (this program needs {ours}); "
              "run `helpdesk db upgrade`").format(url=db.describe(), theirs=revision, ours=head_revision()))
    raise SchemaNotCurrent(
        _("The database {url} has the schema {theirs}, which this program does not know (it has {ours}): "
          "use the newer helpdesk-tui that set it up").format(url=db.describe(), theirs=revision, ours=head_revision()))
