"""The first schema: runs with their phases, devices (health, quarantine), health checks, leases.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(200), nullable=False),
        sa.Column("device", sa.String(200), nullable=False),
        sa.Column("host", sa.String(200), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("result", sa.String(20), nullable=False),
        sa.Column("error_codes", sa.JSON(), nullable=False),
        sa.Column("category", sa.String(100), nullable=True),
        sa.Column("elapsed_on_screen", sa.String(50), nullable=True),
        sa.Column("elapsed_on_screen_s", sa.Float(), nullable=True),
        sa.Column("elapsed_measured_s", sa.Float(), nullable=True),
        sa.Column("elapsed_difference_s", sa.Float(), nullable=True),
        sa.Column("harness_version", sa.String(50), nullable=False),
        sa.Column("bundle", sa.Text(), nullable=True),
        sa.Column("started", sa.DateTime(), nullable=False),
        sa.Column("ended", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_runs_run_id", "runs", ["run_id"])
    op.create_index("ix_runs_device", "runs", ["device"])
    op.create_index("ix_runs_verdict", "runs", ["verdict"])
    op.create_index("ix_runs_started", "runs", ["started"])
    op.create_table(
        "run_phases",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "run_pk", sa.Integer(), sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("parent", sa.String(200), nullable=True),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("end_s", sa.Float(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_index("ix_run_phases_run_pk", "run_phases", ["run_pk"])
    op.create_table(
        "devices",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("health_ok", sa.Boolean(), nullable=True),
        sa.Column("health_reason", sa.Text(), nullable=False),
        sa.Column("health_checked_at", sa.DateTime(), nullable=True),
        sa.Column("quarantined", sa.Boolean(), nullable=False),
        sa.Column("quarantine_reason", sa.Text(), nullable=False),
        sa.Column("quarantined_at", sa.DateTime(), nullable=True),
        sa.Column("consecutive_errors", sa.Integer(), nullable=False),
    )
    op.create_table(
        "health_checks",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("device", sa.String(200), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_health_checks_device", "health_checks", ["device"])
    op.create_table(
        "leases",
        sa.Column("device", sa.String(200), primary_key=True),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("token", sa.Integer(), nullable=False),
        sa.Column("acquired_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("leases", "health_checks", "devices", "run_phases", "runs"):
        op.drop_table(table)
