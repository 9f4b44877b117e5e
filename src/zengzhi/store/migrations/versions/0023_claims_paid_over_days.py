"""mode_claims.days: a refund paid over days pays each day's share rounded down

A refer-three refund released over n days paid ⌈refund ÷ n⌉ a day (100.00 over three
days: 33.34, 33.34, 33.32), ahead of its schedule by up to n − 1 fen: payouts round
toward the reserve. A claim now keeps the days it is paid over, and each day pays
⌊refund × k ÷ n⌋ less what it paid by then (33.33, 33.33, 33.34). Claims made before keep
0 and their `daily` a day.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "mode_claims", sa.Column("days", sa.Integer(), nullable=False, server_default="0")
    )


def downgrade() -> None:
    op.drop_column("mode_claims", "days")
