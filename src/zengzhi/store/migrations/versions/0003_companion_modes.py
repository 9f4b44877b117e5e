"""companion modes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mode_claims",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("zone", sa.String(length=128), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.String(length=128), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("owed", sa.BigInteger(), nullable=False),
        sa.Column("daily", sa.BigInteger(), nullable=False),
        sa.Column("payable", sa.Integer(), nullable=False),
        sa.Column("cause", sa.String(length=200), nullable=False),
        sa.Column("ref", sa.String(length=128), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "zone", "mode", "seq", name=op.f("pk_mode_claims")),
    )
    with op.batch_alter_table("mode_claims", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mode_claims_member",
            ["tenant_id", "zone", "mode", "member_id", "seq"],
            unique=False,
            postgresql_where=sa.text("owed > 0"),
            sqlite_where=sa.text("owed > 0"),
        )
        batch_op.create_index(
            "ix_mode_claims_open",
            ["tenant_id", "zone", "mode", "seq"],
            unique=False,
            postgresql_where=sa.text("owed > 0"),
            sqlite_where=sa.text("owed > 0"),
        )

    op.create_table(
        "mode_counters",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("zone", sa.String(length=128), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "zone", "mode", "key", name=op.f("pk_mode_counters")),
    )
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "modes",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "modes",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("shopping_points", sa.BigInteger(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("shopping_points")
        batch_op.drop_column("modes")

    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.drop_column("modes")
    op.drop_table("mode_counters")
    with op.batch_alter_table("mode_claims", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_mode_claims_open",
            postgresql_where=sa.text("owed > 0"),
            sqlite_where=sa.text("owed > 0"),
        )
        batch_op.drop_index(
            "ix_mode_claims_member",
            postgresql_where=sa.text("owed > 0"),
            sqlite_where=sa.text("owed > 0"),
        )

    op.drop_table("mode_claims")
