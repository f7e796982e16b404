"""Shared fixtures: a fresh, migrated database per test on SQLite and on PostgreSQL.

Fixtures
--------
db          parametrised over ["sqlite", "postgresql"]: a `Database` with the schema at head,
            fresh and empty for each test, disposed afterwards.
sqlite_db   the same, SQLite only.
pg_db       the same, PostgreSQL only.
make_db     a factory, `make_db("sqlite" | "postgresql") -> Database`, for tests that need more
            than one database; every database it made is disposed (and dropped) afterwards.
            Other processes reach a database through `db.url`.

The schema is migrated once per session into a template (an SQLite file that is copied per
test; a PostgreSQL database that `CREATE DATABASE ... TEMPLATE` copies), so a fresh database
costs milliseconds.

PostgreSQL: the session starts a throwaway server (see pg_server.py) the first time a test
needs one, or uses HELPDESK_TEST_PG_URL if set. Without server binaries the PostgreSQL tests
are skipped, except under CI (CI=true, 1, yes or on), where they fail, as every other skip does
(strict_ci.py). `-m "not postgresql"` leaves them out.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

# --- environment: set before anything imports the application -------------------------------

_SESSION_HOME = Path(tempfile.mkdtemp(prefix="helpdesk-tests-"))
atexit.register(shutil.rmtree, _SESSION_HOME, True)
os.environ["TEXTUAL_ANIMATIONS"] = "none"
# pg_server.py and trust.py sit next to this file; make them importable under any --import-mode.
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))
from trust import TRUSTED_AUTH  # noqa: E402

(_SESSION_HOME / "config.toml").write_text(TRUSTED_AUTH, encoding="utf-8")
os.environ["HELPDESK_CONFIG"] = str(_SESSION_HOME / "config.toml")
# No desktop keyring in the tests: `helpdesk login` keeps its token in the 0600 file.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
os.environ.pop("HELPDESK_TOKEN", None)
os.environ["XDG_CONFIG_HOME"] = str(_SESSION_HOME / "config")
os.environ["XDG_DATA_HOME"] = str(_SESSION_HOME / "data")
for _var in ("HELPDESK_DB", "HELPDESK_LANG", "HELPDESK_TZ"):
    os.environ.pop(_var, None)

import pytest  # noqa: E402

from helpdesk_tui.store.db import Database  # noqa: E402
from helpdesk_tui.store.migrate import upgrade  # noqa: E402
from pg_server import INSTALL_HINT, PgCluster, PgServer, PgStartError, find_bindir  # noqa: E402
from strict_ci import in_ci, pytest_make_collect_report, pytest_runtest_makereport  # noqa: E402,F401  (hooks)

ENGINES = ("sqlite", "postgresql")
_PG_NAMES = itertools.count(1)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: runs against PostgreSQL (a server the session starts)")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_SESSION_HOME, ignore_errors=True)  # atexit alone misses pytest-xdist workers


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "pg_db" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgresql)


# --- PostgreSQL server ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """The PostgreSQL server of this session: HELPDESK_TEST_PG_URL, or one we start."""
    external = os.environ.get("HELPDESK_TEST_PG_URL")
    if external:
        yield PgCluster(external)
        return
    bindir = find_bindir()
    if bindir is None:
        if in_ci():
            pytest.fail(f"CI={os.environ['CI']} and PostgreSQL is missing: {INSTALL_HINT}", pytrace=False)
        pytest.skip(INSTALL_HINT)
    server = PgServer(bindir)
    try:
        server.start()
    except PgStartError as exc:
        server.stop()
        pytest.fail(f"could not start PostgreSQL from {bindir}: {exc}", pytrace=False)
    try:
        yield PgCluster(server.url)
    finally:
        server.stop()


# --- templates: the schema migrated once per session --------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    template = Database(f"sqlite:///{path}")
    try:
        upgrade(template)
    finally:
        template.dispose()
    # Closing the last connection checkpoints the WAL into the file and removes it; a leftover
    # would mean the copy misses part of the schema.
    for suffix in ("-wal", "-journal"):
        leftover = Path(f"{path}{suffix}")
        if leftover.exists() and leftover.stat().st_size:
            pytest.fail(f"the SQLite template kept {leftover.name} after dispose()", pytrace=False)
    return path


@pytest.fixture(scope="session")
def pg_template(pg_cluster: PgCluster) -> Iterator[str]:
    # The pid keeps parallel sessions (pytest-xdist, or two runs on HELPDESK_TEST_PG_URL) apart.
    name = f"helpdesk_template_{os.getpid()}"
    pg_cluster.drop_database(name)
    pg_cluster.create_database(name)
    template = Database(pg_cluster.url_for(name))
    try:
        upgrade(template)
    finally:
        template.dispose()  # CREATE DATABASE ... TEMPLATE needs the template without sessions
    try:
        yield name
    finally:
        pg_cluster.drop_database(name)


# --- fresh databases ------------------------------------------------------------------------------


@pytest.fixture
def make_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], Database]]:
    """`make_db(engine)`: a fresh Database with the schema at head, on "sqlite" or "postgresql"."""
    made: list[tuple[Database, PgCluster | None, str | None]] = []
    counter = itertools.count(1)

    def make(engine: str = "sqlite") -> Database:
        if engine == "sqlite":
            template: Path = request.getfixturevalue("sqlite_template")
            path = tmp_path / f"helpdesk-{next(counter)}.db"
            shutil.copy(template, path)
            database = Database(f"sqlite:///{path}")
            made.append((database, None, None))
        elif engine == "postgresql":
            cluster: PgCluster = request.getfixturevalue("pg_cluster")
            pg_template_name: str = request.getfixturevalue("pg_template")
            name = f"t_{os.getpid()}_{next(_PG_NAMES)}"
            cluster.create_database(name, template=pg_template_name)
            database = Database(cluster.url_for(name))
            made.append((database, cluster, name))
        else:
            raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
        return database

    yield make
    for database, cluster, name in reversed(made):
        database.dispose()
        if cluster is not None and name is not None:
            cluster.drop_database(name)


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgresql),
    ]
)
def db(request: pytest.FixtureRequest, make_db: Callable[[str], Database]) -> Database:
    """A fresh, migrated, empty database; every test using it runs on both engines."""
    return make_db(request.param)


@pytest.fixture
def sqlite_db(make_db: Callable[[str], Database]) -> Database:
    return make_db("sqlite")


@pytest.fixture
def pg_db(make_db: Callable[[str], Database]) -> Database:
    return make_db("postgresql")


# --- a real IMAP server (Dovecot) for the mail tests --------------------------------------------

if TYPE_CHECKING:
    from tests.imap_server import DovecotServer

DOVECOT_HINT = "Dovecot is not installed; `apt-get install dovecot-imapd` lets the IMAP tests run"


@pytest.fixture(scope="session")
def dovecot() -> Iterator["DovecotServer"]:
    from tests.imap_server import DovecotServer

    if not DovecotServer.available():
        if in_ci():
            pytest.fail(f"CI={os.environ['CI']} and {DOVECOT_HINT}", pytrace=False)
        pytest.skip(DOVECOT_HINT)
    server = DovecotServer()
    try:
        server.start()
    except RuntimeError as exc:
        server.stop()
        pytest.fail(f"could not start Dovecot: {exc}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def imap(dovecot: "DovecotServer") -> "DovecotServer":
    """The Dovecot server with an empty mailbox."""
    dovecot.reset()
    return dovecot


@pytest.fixture(autouse=True)
def _own_cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The interface keeps its start-up recipes in the cache directory: never the tester's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def _fresh_process_settings() -> Iterator[None]:
    """The CLI sets the language and the desk settings for the process; no test inherits them."""
    from helpdesk_tui.desk import settings as desk_settings
    from helpdesk_tui.domain.display import set_zone
    from helpdesk_tui.i18n import set_language

    set_language("en")
    desk_settings.configure(desk_settings.DeskSettings())
    set_zone("Europe/Kyiv")
    yield
    set_language("en")
    desk_settings.configure(desk_settings.DeskSettings())
