"""``INSERT ... ON CONFLICT DO NOTHING`` for the two databases the fleet supports.

Creating a row that another worker may be creating at the same moment (a device's first run, a
lease on a free device) must not fail with a duplicate key: the second insert does nothing and
the caller reads the row the first one wrote.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from harness.fleet.db.models import Base


def insert_unless_present(dialect_name: str, model: type[Base], **values: Any) -> Any:
    """The statement inserting ``values``, a no-op when the primary key already exists."""
    if dialect_name == "postgresql":
        return postgresql.insert(model).values(**values).on_conflict_do_nothing()
    if dialect_name == "sqlite":
        return sqlite.insert(model).values(**values).on_conflict_do_nothing()
    raise NotImplementedError(f"the fleet store supports SQLite and PostgreSQL, not {dialect_name}")
