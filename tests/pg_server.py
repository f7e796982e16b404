"""A throwaway PostgreSQL server for the test session, and the few admin commands the fixtures need.

`PgServer` runs `initdb` into a temporary directory and `pg_ctl start`s it on 127.0.0.1 on a free
port (trust authentication, fsync and friends off: the data is thrown away). PostgreSQL refuses
to run as root, so when the tests run as root the server runs as the `postgres` system user
(created if missing) through `runuser`.

`PgCluster` talks to a server, ours or the one named by HELPDESK_TEST_PG_URL: it creates and
drops databases and builds URLs for them.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

SERVER_USER = "postgres"
INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, pg_ctl) were not found; install them with "
    "`apt-get install postgresql` (Debian/Ubuntu), or point HELPDESK_TEST_PG_URL at a server "
    "where the user may create databases, e.g. postgresql://postgres@127.0.0.1:5432/postgres"
)
SHM_MIN_FREE = 1 << 30  # Docker's default /dev/shm is 64 MB: too small, use /tmp then
SERVER_SETTINGS = (
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
)


class PgStartError(RuntimeError):
    """The server did not come up; the message carries the end of its log."""


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _initdb_version(bindir: Path) -> tuple[int, ...]:
    try:
        out = subprocess.run([str(bindir / "initdb"), "--version"], capture_output=True, text=True,
                             timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    match = re.search(r"(\d+(?:\.\d+)*)", out)
    return tuple(int(p) for p in match.group(1).split(".")) if match else ()


def find_bindir() -> Path | None:
    """The directory with the newest initdb and pg_ctl: HELPDESK_TEST_PG_BINDIR if set, else
    /usr/lib/postgresql/*/bin, `pg_config --bindir` and the PATH."""
    forced = os.environ.get("HELPDESK_TEST_PG_BINDIR")
    if forced:
        path = Path(forced)
        return path if (path / "initdb").is_file() and (path / "pg_ctl").is_file() else None
    candidates: set[Path] = {Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")}
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=30,
                                 check=True).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out:
            candidates.add(Path(out))
    on_path = shutil.which("initdb")
    if on_path:
        candidates.add(Path(on_path).resolve().parent)
    usable = [c for c in candidates if (c / "initdb").is_file() and (c / "pg_ctl").is_file()]
    if not usable:
        return None
    return max(usable, key=lambda c: (_initdb_version(c), str(c)))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _scratch_parent() -> str | None:
    """Where the cluster lives: HELPDESK_TEST_PG_TMPDIR if set, else /dev/shm when it is a
    roomy tmpfs (CREATE DATABASE copies ~400 files: ~0.02 s there, 0.1-0.5 s on a disk mounted
    with discard), else /tmp. As root the directory must be reachable by the server user, so
    never pytest's /tmp/pytest-of-root (mode 700) nor a TMPDIR under /root."""
    forced = os.environ.get("HELPDESK_TEST_PG_TMPDIR")
    if forced:
        return forced
    shm = "/dev/shm"
    try:
        st = os.statvfs(shm)
        if os.access(shm, os.W_OK | os.X_OK) and st.f_bavail * st.f_frsize >= SHM_MIN_FREE:
            return shm
    except OSError:
        pass
    return "/tmp" if _is_root() else None


def _ensure_server_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        pass
    subprocess.run(
        ["useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
         "--shell", "/usr/sbin/nologin", SERVER_USER],
        check=True, capture_output=True, text=True,
    )
    return pwd.getpwnam(SERVER_USER)


class PgServer:
    """One initdb'd cluster in a temporary directory; `start()` then `stop()`."""

    def __init__(self, bindir: Path, *, settings: tuple[str, ...] | None = None, scratch: str | None = None) -> None:
        self.bindir = bindir
        # Tests trade durability for speed; benchmarks pass durable settings and a disk directory.
        self.settings = SERVER_SETTINGS if settings is None else settings
        self.scratch = scratch
        self.base: Path | None = None
        self.port: int | None = None
        self._running = False

    @property
    def data(self) -> Path:
        assert self.base is not None
        return self.base / "data"

    @property
    def log(self) -> Path:
        assert self.base is not None
        return self.base / "server.log"

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{SERVER_USER}@127.0.0.1:{self.port}/postgres"

    def _cmd(self, *args: str) -> list[str]:
        if _is_root():
            return ["runuser", "-u", SERVER_USER, "--", *args]
        return list(args)

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        # cwd: the server user may not be allowed into the directory pytest runs in.
        return subprocess.run(self._cmd(*args), cwd=self.base, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)

    def _log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def start(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="helpdesk-pg-", dir=self.scratch or _scratch_parent()))
        atexit.register(self.stop)
        if _is_root():
            user = _ensure_server_user()
            os.chown(self.base, user.pw_uid, user.pw_gid)
        initdb = self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", SERVER_USER, "--auth=trust",
                           "--encoding=UTF8", "--locale=C", "--no-sync")
        if initdb.returncode != 0:
            raise PgStartError(f"initdb failed ({initdb.returncode}):\n{initdb.stdout}\n{initdb.stderr}")
        last = ""
        for _attempt in range(5):  # another process may take the port between probe and bind
            self.port = _free_port()
            options = " ".join(
                [f"-p {self.port}", "-c listen_addresses=127.0.0.1", f"-c unix_socket_directories={self.base}"]
                + [f"-c {s}" for s in self.settings]
            )
            started = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
                                "-t", "60", "-o", options, "start")
            if started.returncode == 0:
                self._running = True
                return
            last = f"pg_ctl start failed ({started.returncode}):\n{started.stdout}\n{started.stderr}\n{self._log_tail()}"
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
            if "could not bind" not in last and "Address already in use" not in last:
                break
        raise PgStartError(last)

    def stop(self) -> None:
        if self.base is None:
            return
        if self._running:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop", timeout=60)
            self._running = False
        shutil.rmtree(self.base, ignore_errors=True)
        self.base = None


class PgCluster:
    """Database admin on one server, through a maintenance database given by `url`."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        if parsed.get_backend_name() != "postgresql":
            raise ValueError(f"not a PostgreSQL URL: {parsed.render_as_string(hide_password=True)}")
        self.base_url: URL = parsed.set(drivername="postgresql+psycopg")
        self._version: int | None = None

    def connect(self) -> psycopg.Connection:
        u = self.base_url
        params = {k: v for k, v in u.query.items() if isinstance(v, str)}
        return psycopg.connect(host=u.host or None, port=u.port, user=u.username, password=u.password,
                               dbname=u.database or "postgres", autocommit=True, connect_timeout=30, **params)

    def url_for(self, database: str) -> str:
        return self.base_url.set(database=database).render_as_string(hide_password=False)

    def server_version(self) -> int:
        if self._version is None:
            with self.connect() as conn:
                self._version = conn.info.server_version
        return self._version

    def create_database(self, name: str, *, template: str | None = None) -> None:
        stmt = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            stmt = sql.SQL("{} TEMPLATE {}").format(stmt, sql.Identifier(template))
            if self.server_version() >= 150000:
                # PostgreSQL 15's default WAL_LOG strategy logs every block: ~4x slower for a
                # small database than copying the files (the checkpoint is cheap with fsync=off).
                stmt = sql.SQL("{} STRATEGY FILE_COPY").format(stmt)
        with self.connect() as conn:
            conn.execute(stmt)

    def drop_database(self, name: str) -> None:
        force = sql.SQL(" WITH (FORCE)") if self.server_version() >= 130000 else sql.SQL("")
        with self.connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}{}").format(sql.Identifier(name), force))
