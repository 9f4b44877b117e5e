"""security (issue 15): sessions that can be revoked, rate-limit counters, phone keys,
failed sign-ins counted apart from attempts

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import zengzhi.store.tables

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sign_in_failures") as table:
        table.add_column(sa.Column("failed", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "sessions",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("session_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=128), nullable=False),
        sa.Column("issued_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "session_id", name=op.f("pk_sessions")),
    )
    op.create_index("ix_sessions_subject", "sessions", ["tenant_id", "kind", "subject"])
    op.create_table(
        "rate_limits",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("window_start", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "key", name=op.f("pk_rate_limits")),
    )
    op.create_table(
        "member_phones",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("member_id", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "phone", name=op.f("pk_member_phones")),
    )


def downgrade() -> None:
    op.drop_table("member_phones")
    op.drop_table("rate_limits")
    op.drop_index("ix_sessions_subject", table_name="sessions")
    op.drop_table("sessions")
    with op.batch_alter_table("sign_in_failures") as table:
        table.drop_column("failed")
