"""reversals: a member's history in a pool outlives the stake; claims can be voided

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("positions") as batch:
        batch.add_column(sa.Column("paid", sa.BigInteger(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("charged", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("positions") as batch:
        batch.drop_column("charged")
        batch.drop_column("paid")
