"""Engines and sessions for SQLite (default) and PostgreSQL.

SQLite runs in WAL mode with foreign keys and a busy timeout, and every write transaction
starts with BEGIN IMMEDIATE: writers queue for the lock at the start instead of failing with
"database is locked" half-way (R43). Reads use a plain deferred BEGIN and never wait.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlmodel import Session

from helpdesk_tui.store.urls import BadDatabaseUrl, check_database_url, normalise_url  # noqa: F401

BUSY_TIMEOUT_MS = 30_000


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _driver_savepoints(engine: Engine) -> None:
    """SAVEPOINT, RELEASE and ROLLBACK TO sent as plain SQL. SQLAlchemy compiles each of them
    as a new statement (every savepoint has a name of its own, so its compiled cache never
    hits): 0.3 ms a savepoint, and mail intake takes one per message."""
    dialect = engine.dialect
    quote = dialect.identifier_preparer.quote

    def do_savepoint(connection: Any, name: str) -> None:
        connection.exec_driver_sql(f"SAVEPOINT {quote(name)}")

    def do_release_savepoint(connection: Any, name: str) -> None:
        connection.exec_driver_sql(f"RELEASE SAVEPOINT {quote(name)}")

    def do_rollback_to_savepoint(connection: Any, name: str) -> None:
        connection.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {quote(name)}")

    dialect.do_savepoint = do_savepoint  # type: ignore[method-assign]
    dialect.do_release_savepoint = do_release_savepoint  # type: ignore[method-assign]
    dialect.do_rollback_to_savepoint = do_rollback_to_savepoint  # type: ignore[method-assign]


def make_engine(url: str, **kw: Any) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}, **kw)
        _sqlite_pragmas(engine)
        _driver_savepoints(engine)
        return engine
    # Sessions in UTC: the driver then hands back times already in UTC (datetime.UTC itself),
    # which the store's time type passes through instead of converting each one (a list page
    # reads three hundred). A URL that sets its own options keeps them.
    connect_args = {} if "options" in parsed.query else {"options": "-c TimeZone=UTC"}
    engine = create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kw)
    _driver_savepoints(engine)
    return engine


def _fold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so BEGIN IMMEDIATE can be issued.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # lower() in SQLite folds ASCII only; filters need «Принтер» to match «принтер».
        dbapi_connection.create_function("hd_fold", 1, _fold, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


VERSION_TABLE = "alembic_version"  # Alembic's default, which migrate.py keeps


class Database:
    """One database, with a writer and a reader view of the same pool."""

    def __init__(self, url: str, **engine_kw: Any) -> None:
        try:
            self.url = check_database_url(url)
            self.engine = make_engine(self.url, **engine_kw)
        except (BadDatabaseUrl, ArgumentError, NoSuchModuleError) as exc:
            from helpdesk_tui.domain.errors import DeskError
            from helpdesk_tui.i18n import _

            raise DeskError(_("«{url}» is not a database URL: give an SQLite file path or "
                              "postgresql://user@host/database").format(url=url)) from exc
        self._writer = self.engine.execution_options(sqlite_write=True)

    @property
    def writer(self) -> Engine:
        """The engine view whose transactions start with BEGIN IMMEDIATE on SQLite."""
        return self._writer

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session for one desk operation: commits on success, rolls back on any error."""
        with Session(self._writer, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()

    def describe(self) -> str:
        """The URL with any password hidden, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)

    def stored_revision(self) -> str | None:
        """The schema revision Alembic recorded (None: not set up), read with one statement.
        Importing Alembic to read it took 65 ms of the very first start's way to its first frame
        (docs/benchmarks.md, issue 16); migrate.py uses this too."""
        with self.engine.connect() as conn:
            if not conn.dialect.has_table(conn, VERSION_TABLE):
                return None
            revisions = list(conn.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalars())
        if len(revisions) > 1:  # as Alembic's MigrationContext.get_current_revision says it
            raise RuntimeError(f"Version table '{VERSION_TABLE}' has more than one head present")
        return revisions[0] if revisions else None
