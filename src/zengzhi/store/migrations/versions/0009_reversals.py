"""reversals: a member's history in a pool outlives the stake; claims can be voided

The positions' `paid` and `charged` bound a reversal's debt (spec 01); a void claim
owes nothing and paid everything back (spec 03); `mode_payouts` records who besides a
claim's holder was paid because of it. The three-for-one queue now counts its live
qualifiers and payments (`qualified`, `paid`) instead of `since` and `due`: they are
derived here from the claims (a claim closed by an earlier reversal counts as paid,
as the old rule could not tell them apart).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("positions") as batch:
        batch.add_column(sa.Column("paid", sa.BigInteger(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("charged", sa.BigInteger(), nullable=False, server_default="0"))
    with op.batch_alter_table("mode_claims") as batch:
        batch.add_column(sa.Column("void", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "mode_payouts",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("zone", sa.String(length=128), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.String(length=128), nullable=False),
        sa.Column("fen", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "zone", "mode", "seq", "member_id", name=op.f("pk_mode_payouts")
        ),
    )
    op.execute(
        """
        INSERT INTO mode_counters (tenant_id, zone, mode, key, value)
        SELECT tenant_id, zone, mode, 'qualified', count(*)
        FROM mode_claims WHERE mode = 'three_for_one' GROUP BY tenant_id, zone, mode
        """
    )
    op.execute(
        """
        INSERT INTO mode_counters (tenant_id, zone, mode, key, value)
        SELECT tenant_id, zone, mode, 'paid', sum(CASE WHEN owed = 0 THEN 1 ELSE 0 END)
        FROM mode_claims WHERE mode = 'three_for_one' GROUP BY tenant_id, zone, mode
        """
    )


def downgrade() -> None:
    op.drop_table("mode_payouts")
    with op.batch_alter_table("mode_claims") as batch:
        batch.drop_column("void")
    with op.batch_alter_table("positions") as batch:
        batch.drop_column("charged")
        batch.drop_column("paid")
