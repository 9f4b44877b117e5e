"""indexes for the console: entries by kind and time, pool history by time

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_entries_kind_at", "entries", ["tenant_id", "kind", "at"])
    op.create_index("ix_pool_history_at", "pool_history", ["tenant_id", "pool_id", "at", "seq"])


def downgrade() -> None:
    op.drop_index("ix_pool_history_at", table_name="pool_history")
    op.drop_index("ix_entries_kind_at", table_name="entries")
