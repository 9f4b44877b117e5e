"""distribution

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import zengzhi.store.tables

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("region", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=False),
        sa.Column("member_id", sa.String(length=128), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("granted_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "region", "level", name=op.f("pk_agents")),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("team_performance", sa.BigInteger(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("team_level", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_index("ix_members_level", ["tenant_id", "team_level"], unique=False)
        batch_op.create_index("ix_members_referrer", ["tenant_id", "referrer"], unique=False)

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("recruiter", sa.String(length=128), nullable=True))
        batch_op.add_column(
            sa.Column(
                "rewards",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("rewards")
        batch_op.drop_column("recruiter")
        batch_op.drop_column("region")

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index("ix_members_referrer")
        batch_op.drop_index("ix_members_level")
        batch_op.drop_column("team_level")
        batch_op.drop_column("team_performance")

    op.drop_table("agents")
