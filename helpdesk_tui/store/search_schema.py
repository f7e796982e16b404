"""The full-text index behind related items (R4) and `helpdesk search`: its DDL, kept in one place
for the migration, the bulk path (which suspends it) and the schema comparison (which ignores it).

SQLite: a contentless FTS5 table per searchable table, `unicode61` tokens (Cyrillic case folded,
й/ї/ґ kept), filled by triggers. PostgreSQL: a stored generated `tsvector` column with a GIN
index; the text is lowered through ICU because a database created with the C locale would
otherwise leave Cyrillic capitals as they are. On both, apostrophes are dropped before
tokenising so «комп'ютер» is one word whichever apostrophe was typed (domain/search_terms.py
folds queries the same way).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

APOSTROPHES = ("'", "\u2019", "\u02bc", "`")


@dataclass(frozen=True)
class Indexed:
    """A searchable table: its title column, the columns that make its body, and columns that
    weigh as much as the title (an article's keywords, chosen to be found by)."""

    table: str
    title: str
    body: tuple[str, ...]
    like_title: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return (self.title, *self.like_title, *self.body)

    @property
    def fts(self) -> str:
        return f"{self.table}_fts"

    @property
    def gin(self) -> str:
        return f"ix_{self.table}_search"


# What each migration indexed is frozen in it (0004, 0017): a migration must build the index of
# its own time, on the columns that exist then.
INDEXED = (
    Indexed("incident", "short_description", ("description", "solution")),
    Indexed("knowledge_article", "title", ("body", "solution"), like_title=("keywords",)),
    Indexed("problem", "short_description", ("description", "root_cause", "workaround", "solution")),
)
BY_TABLE = {i.table: i for i in INDEXED}
PG_COLUMN = "search_vector"


def _sqlite_clean(expr: str) -> str:
    for mark in APOSTROPHES:
        expr = f"replace({expr}, '{mark.replace(chr(39), chr(39) * 2)}', '')"
    return expr


def _sqlite_values(ix: Indexed, row: str) -> str:
    title = _sqlite_clean(" || ' ' || ".join(f"coalesce({row}.{c}, '')" for c in (ix.title, *ix.like_title)))
    body = _sqlite_clean(" || ' ' || ".join(f"coalesce({row}.{c}, '')" for c in ix.body))
    return f"{title}, {body}"


def sqlite_triggers(ix: Indexed) -> list[str]:
    watched = ", ".join(ix.columns)
    delete = f"INSERT INTO {ix.fts}({ix.fts}, rowid, title, body) VALUES ('delete', old.id, {_sqlite_values(ix, 'old')});"
    insert = f"INSERT INTO {ix.fts}(rowid, title, body) VALUES (new.id, {_sqlite_values(ix, 'new')});"
    return [
        f"CREATE TRIGGER {ix.fts}_ai AFTER INSERT ON {ix.table} BEGIN {insert} END",
        f"CREATE TRIGGER {ix.fts}_ad AFTER DELETE ON {ix.table} BEGIN {delete} END",
        f"CREATE TRIGGER {ix.fts}_au AFTER UPDATE OF {watched} ON {ix.table} BEGIN {delete} {insert} END",
    ]


def sqlite_fill(ix: Indexed, where: str = "") -> str:
    values = _sqlite_values(ix, ix.table)
    return f"INSERT INTO {ix.fts}(rowid, title, body) SELECT id, {values} FROM {ix.table} {where}"


def _pg_clean(expr: str) -> str:
    marks = "".join(APOSTROPHES).replace("'", "''")
    return f"translate(lower({expr} COLLATE \"und-x-icu\"), '{marks}', '')"


def pg_vector(ix: Indexed) -> str:
    title = _pg_clean(" || ' ' || ".join(f"coalesce({c}, '')" for c in (ix.title, *ix.like_title)))
    body = _pg_clean(" || ' ' || ".join(f"coalesce({c}, '')" for c in ix.body))
    return (f"setweight(to_tsvector('simple'::regconfig, {title}), 'A') || "
            f"setweight(to_tsvector('simple'::regconfig, {body}), 'B')")


def create(conn: Connection, indexed: tuple[Indexed, ...] = INDEXED) -> None:
    if conn.dialect.name == "sqlite":
        for ix in indexed:
            conn.execute(text(f"CREATE VIRTUAL TABLE {ix.fts} USING fts5(title, body, content='', tokenize='unicode61')"))
            # The index's words, for spelling a prefix out (store/search.py).
            conn.execute(text(f"CREATE VIRTUAL TABLE {ix.fts}_vocab USING fts5vocab({ix.fts}, row)"))
            conn.execute(text(sqlite_fill(ix)))
            for ddl in sqlite_triggers(ix):
                conn.execute(text(ddl))
        return
    for ix in indexed:
        conn.execute(text(f"ALTER TABLE {ix.table} ADD COLUMN {PG_COLUMN} tsvector "
                          f"GENERATED ALWAYS AS ({pg_vector(ix)}) STORED"))
        conn.execute(text(f"CREATE INDEX {ix.gin} ON {ix.table} USING gin ({PG_COLUMN})"))


def drop(conn: Connection, indexed: tuple[Indexed, ...] = INDEXED) -> None:
    for ix in indexed:
        if conn.dialect.name == "sqlite":
            for suffix in ("ai", "ad", "au"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {ix.fts}_{suffix}"))
            conn.execute(text(f"DROP TABLE IF EXISTS {ix.fts}_vocab"))
            conn.execute(text(f"DROP TABLE IF EXISTS {ix.fts}"))
        else:
            conn.execute(text(f"DROP INDEX IF EXISTS {ix.gin}"))
            conn.execute(text(f"ALTER TABLE {ix.table} DROP COLUMN IF EXISTS {PG_COLUMN}"))


def suspend(conn: Connection, ix: Indexed) -> None:
    """Before a large load: no per-row index upkeep (`resume` indexes the new rows at once)."""
    if conn.dialect.name == "sqlite":
        for suffix in ("ai", "ad", "au"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {ix.fts}_{suffix}"))
    else:
        conn.execute(text(f"DROP INDEX IF EXISTS {ix.gin}"))


def resume(conn: Connection, ix: Indexed, *, after_id: int) -> None:
    """After a large load of rows with ids above `after_id`."""
    if conn.dialect.name == "sqlite":
        conn.execute(text(sqlite_fill(ix, f"WHERE id > {int(after_id)}")))
        for ddl in sqlite_triggers(ix):
            conn.execute(text(ddl))
    else:
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS {ix.gin} ON {ix.table} USING gin ({PG_COLUMN})"))


def is_search_object(name: str | None, type_: str) -> bool:
    """Objects of this index that the models do not describe (for schema comparison); the
    caller search's index (people_search.py) too."""
    from helpdesk_tui.store.people_search import is_index_object

    if not name:
        return False
    if is_index_object(name, type_):
        return True
    if type_ == "table":
        return any(name == ix.fts or name.startswith(ix.fts + "_") for ix in INDEXED)
    if type_ == "column":
        return name == PG_COLUMN
    if type_ == "index":
        return any(name == ix.gin for ix in INDEXED)
    return False
