"""A real PostgreSQL server for the fleet-store tests, started from Debian's ``postgresql``.

``postgres_server`` (session scope): ``initdb`` into a temporary folder, ``postgres`` listening
on a unix socket in that folder only (no TCP port, so two pytest-xdist workers never meet),
fsync off (the data is thrown away), stopped by its PID at the end of the session. initdb refuses
to run as root, so under root the server runs as Debian's ``postgres`` user, which owns the
folder. ``PostgresServer.new_database()`` gives each test an empty schema of its own (its URL
puts it first on the search path), in one database of the session.

Missing binaries skip the tests locally and fail them in CI (``missing_component``).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests._processes import stop
from tests.e2e_required import missing_component

SUPERUSER = "harness"
DATABASE = "fleet_tests"
START_TIMEOUT_S = 30.0


def postgres_bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/<version>/bin`` holding initdb and postgres."""
    found = [
        path.parent
        for path in Path("/usr/lib/postgresql").glob("*/bin/initdb")
        if (path.parent / "postgres").is_file()
    ]

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path.parent.name))

    return max(found, key=version) if found else None


@dataclass
class PostgresServer:
    socket_dir: Path
    process: subprocess.Popen[bytes]
    _names: Iterator[int] = field(default_factory=itertools.count)

    def url(self, schema: str) -> str:
        """The test database, with ``schema`` first on the search path: every table the store
        creates lands in it (a schema is made in milliseconds, a database in about a second)."""
        options = f"-csearch_path%3D{schema}"
        return (
            f"postgresql+psycopg://{SUPERUSER}@/{DATABASE}?host={self.socket_dir}&options={options}"
        )

    def new_database(self) -> str:
        """An empty schema of its own; returns its SQLAlchemy URL."""
        name = f"fleet_{os.getpid()}_{next(self._names)}"
        self.admin(f'CREATE SCHEMA "{name}"', DATABASE)
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("%3D", 1)[1]
        self.admin(f'DROP SCHEMA IF EXISTS "{name}" CASCADE', DATABASE)

    def admin(self, sql: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir), user=SUPERUSER, dbname=database, autocommit=True
        ) as connection:
            connection.execute(sql.encode())


def _server_user() -> str | None:
    """Who runs the server: ourselves, or ``postgres`` when we are root (initdb refuses root)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        missing_component("running as root and there is no 'postgres' user (Debian: postgresql)")
    return "postgres"


def _wait_until_ready(bin_dir: Path, socket_dir: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    probe = [str(bin_dir / "pg_isready"), "-q", "-h", str(socket_dir), "-U", SUPERUSER]
    while subprocess.run(probe, check=False).returncode != 0:
        if process.poll() is not None:
            missing_component(f"postgres exited at start (code {process.returncode})")
        if time.monotonic() > deadline:
            missing_component(f"postgres did not answer within {START_TIMEOUT_S} s")
        time.sleep(0.1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        missing_component("PostgreSQL server binaries not found (Debian: postgresql)")
    user = _server_user()
    root = Path(tempfile.mkdtemp(prefix="harness-postgres-"))
    data, socket_dir, log = root / "data", root / "socket", root / "postgres.log"
    process: subprocess.Popen[bytes] | None = None
    try:
        socket_dir.mkdir()
        if user is not None:
            for path in (root, socket_dir):
                shutil.chown(path, user=user, group=pwd.getpwnam(user).pw_gid)
        initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "-A", "trust"]
        done = subprocess.run(
            [*initdb, "-E", "UTF8", "--no-sync"], user=user, capture_output=True, check=False
        )
        if done.returncode != 0:
            missing_component(f"initdb failed: {done.stderr.decode(errors='replace')[-500:]}")
        server = [str(bin_dir / "postgres"), "-D", str(data), "-k", str(socket_dir)]
        settings = ["listen_addresses=", "fsync=off", "synchronous_commit=off"]
        settings += ["full_page_writes=off", "max_connections=50"]
        with log.open("wb") as output:
            process = subprocess.Popen(
                [*server, *(item for s in settings for item in ("-c", s))],
                user=user,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        _wait_until_ready(bin_dir, socket_dir, process)
        server = PostgresServer(socket_dir, process)
        server.admin(f'CREATE DATABASE "{DATABASE}"')
        yield server
    finally:
        if process is not None:
            stop(process, how=signal.SIGINT)  # "fast" shutdown
        with contextlib.suppress(OSError):
            shutil.rmtree(root)


@pytest.fixture(params=["sqlite", "postgresql"])
def fleet_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty runs database, once on SQLite (a file of the test's own) and once on the
    session's PostgreSQL server (a schema of the test's own, dropped after it)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fleet.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.new_database()
    try:
        yield url
    finally:
        server.drop_database(url)
