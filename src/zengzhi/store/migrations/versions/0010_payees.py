"""payees: where a member's withdrawals are paid, encrypted at rest

The real name and account are one Fernet token (`sealed`, ZENGZHI_PAYEE_KEYS); the
method and masked copies are in clear, to show and to check before approval.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import zengzhi.store.tables

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payees",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("member_id", sa.String(length=128), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("masked_name", sa.String(length=100), nullable=False),
        sa.Column("masked_account", sa.String(length=100), nullable=False),
        sa.Column("updated_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "member_id", name=op.f("pk_payees")),
    )


def downgrade() -> None:
    op.drop_table("payees")
