"""Alembic migrations of the runs database (run by ``harness.fleet.db.engine.upgrade_to_head``)."""
