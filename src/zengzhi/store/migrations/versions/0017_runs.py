"""runs: background runs as rows any worker claims, their files as bytes

A simulation or a dry run started from the console or the API is a `runs` row, queued
until a worker claims it (`FOR UPDATE SKIP LOCKED` on PostgreSQL), then heartbeated;
its input and output files are `run_files`, so that any API server answers for any run
(docs/service.md, "Background runs").

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import zengzhi.store.tables

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("arguments", JSON, nullable=False),
        sa.Column("meta", JSON, nullable=False),
        sa.Column("stdout", sa.String(length=64), nullable=True),
        sa.Column("database", sa.Boolean(), nullable=False),
        sa.Column("timeout_seconds", sa.Integer(), nullable=False),
        sa.Column("created_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=200), nullable=True),
        sa.Column("claimed_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("progress_done", sa.BigInteger(), nullable=True),
        sa.Column("progress_total", sa.BigInteger(), nullable=True),
        sa.Column("progress_unit", sa.String(length=20), nullable=True),
        sa.Column("exit_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "run_id", name=op.f("pk_runs")),
    )
    op.create_index("ix_runs_kind", "runs", ["tenant_id", "kind", "run_id"])
    op.create_index("ix_runs_status", "runs", ["tenant_id", "status"])
    op.create_table(
        "run_files",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "run_id"],
            ["runs.tenant_id", "runs.run_id"],
            name=op.f("fk_run_files_tenant_id_runs"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "run_id", "name", name=op.f("pk_run_files")),
    )


def downgrade() -> None:
    op.drop_table("run_files")
    op.drop_index("ix_runs_status", table_name="runs")
    op.drop_index("ix_runs_kind", table_name="runs")
    op.drop_table("runs")
