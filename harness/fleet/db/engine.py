"""Open the runs database from a URL and bring its schema up to date (Alembic ``upgrade head``).

URLs (SQLAlchemy's form):

- ``sqlite:////srv/fleet.db`` (the default: ``fleet.db`` beside the runs folder, see
  ``default_database_url``): nothing to install, one host.
- ``postgresql+psycopg://harness:PASSWORD@db.lab/fleet`` or, on a unix socket,
  ``postgresql+psycopg://harness@/fleet?host=/run/postgresql``: a lab with several rig hosts.

The migrations ship inside the package (``harness/fleet/migrations``) and run through Alembic's
API; no ``alembic.ini`` is needed. Two processes that open an empty database at once do not race:
on SQLite the migration runs in one ``BEGIN IMMEDIATE`` transaction (the database's write lock),
on PostgreSQL under a transaction-scoped advisory lock (DDL is transactional there).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from harness.errors import ConfigError, RigError

MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"
DEFAULT_DATABASE_FILE = "fleet.db"
SQLITE_BUSY_TIMEOUT_S = 30.0
"""How long a SQLite writer waits for another one (another worker on this host) to commit."""
_MIGRATION_LOCK_KEY = 0x4175746F50  # "AutoP": the advisory lock every migrating process takes


class DatabaseUnavailable(RigError):
    """The runs database cannot be reached or opened (server down, no permission)."""


def default_database_url(runs_dir: Path) -> str:
    """``fleet.db`` beside the runs folder: ``runs/`` -> ``./fleet.db``, ``/srv/runs`` ->
    ``/srv/fleet.db``. Beside, not inside, so that clearing old bundles keeps the history."""
    return f"sqlite:///{Path(runs_dir).resolve().parent / DEFAULT_DATABASE_FILE}"


def open_engine(url: str, *, migrate: bool = True, source: str = "--db") -> Engine:
    """An engine on ``url``, migrated to the newest schema unless ``migrate`` is False.

    A malformed URL or a missing driver is a ``ConfigError`` naming ``source``."""
    try:
        parsed = make_url(url)
        engine = create_engine(parsed, **_engine_options(parsed.get_backend_name()))
    except (ArgumentError, NoSuchModuleError, ValueError) as problem:
        raise ConfigError(
            f"not a usable database URL ({problem}); expected sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST/NAME",
            key=source,
        ) from None
    if parsed.get_backend_name() == "sqlite":
        _serialise_sqlite_transactions(engine)
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    if migrate:
        try:
            upgrade_to_head(engine)
        except OperationalError as problem:
            engine.dispose()
            shown = parsed.render_as_string(hide_password=True)
            raise DatabaseUnavailable(f"runs database {shown}: {problem.orig}") from problem
    return engine


def upgrade_to_head(engine: Engine, revision: str = "head") -> None:
    """Apply every migration the database lacks (none: a no-op); ``revision``: stop there
    (the tests migrate an older schema holding data)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
            )
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def schema_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at (None: never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _engine_options(backend: str) -> dict[str, Any]:
    if backend == "sqlite":
        return {"connect_args": {"timeout": SQLITE_BUSY_TIMEOUT_S}}
    # A connection a dead database host left behind is noticed before use, not mid-run.
    return {"pool_pre_ping": True}


def _serialise_sqlite_transactions(engine: Engine) -> None:
    """Every transaction starts with ``BEGIN IMMEDIATE``: it takes the database's write lock up
    front, so a lease check-then-write cannot interleave with another process's (pysqlite's own
    deferred BEGIN would take it only at the first write, or fail with "database is locked")."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # pysqlite's implicit BEGIN off; ours below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
