"""Alembic environment: runs on the connection ``upgrade_to_head`` hands over, never on a URL
from an ini file (there is none at run time)."""

from __future__ import annotations

from alembic import context

from harness.fleet.db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run the fleet migrations through harness.fleet.db.engine.upgrade_to_head(engine)"
    )
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
)
with context.begin_transaction():
    context.run_migrations()
