"""gateway payouts: WeChat Pay and Alipay adapters' credentials, payouts sent to them

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import zengzhi.store.tables

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payment_adapters") as batch:
        batch.add_column(sa.Column("credentials", sa.Text(), nullable=True))
        batch.add_column(sa.Column("merchant", sa.String(length=64), nullable=True))
    op.create_table(
        "payouts",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("withdrawal_id", sa.String(length=128), nullable=False),
        sa.Column("out_no", sa.String(length=32), nullable=False),
        sa.Column("adapter", sa.String(length=20), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=True),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column("sent_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("checked_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "withdrawal_id", name=op.f("pk_payouts")),
    )
    op.create_index("ux_payouts_out_no", "payouts", ["tenant_id", "out_no"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_payouts_out_no", table_name="payouts")
    op.drop_table("payouts")
    with op.batch_alter_table("payment_adapters") as batch:
        batch.drop_column("merchant")
        batch.drop_column("credentials")
