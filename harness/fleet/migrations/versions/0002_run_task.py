"""Runs queued through Celery: the task that ran them and what queued it.

``task_id`` makes recording idempotent (a node that dies between recording a run and closing
its ticket, or a redelivered message, must not record the run twice); ``trigger`` says
``submit`` or ``schedule:<entry>``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as runs:  # batch: SQLite cannot ALTER most things
        runs.add_column(sa.Column("task_id", sa.String(200), nullable=True))
        runs.add_column(sa.Column("trigger", sa.String(200), nullable=True))
        runs.create_index("ix_runs_task_id", ["task_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("runs") as runs:
        runs.drop_index("ix_runs_task_id")
        runs.drop_column("trigger")
        runs.drop_column("task_id")
