"""orders.grew: whose team performance an order's completion grew

A reversal took the order's amount back from the buyer's uplines at the time of the
reversal, and only when distribution was on then: after a re-assignment it took it from
the new uplines (who never had it), and an order completed while distribution was off
took from uplines what it never gave. The record now names them. NULL in the rows
written before: their reversal keeps the old rule (the uplines it finds).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("grew", JSON, nullable=True))


def downgrade() -> None:
    op.drop_column("orders", "grew")
