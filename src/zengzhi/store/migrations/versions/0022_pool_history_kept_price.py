"""pool_history.price_fen, price_units: the price a pool keeps with no point circulating

With every point sold or forced out, a pool keeps its last price (spec 01): the pool's
card, the member page and the next order's mint use it. Its history kept only the cash
and the points, so the price chart carried the price of the last row with points (5.2179
beside a pool card saying 415,436.2553) and GET /v1/pools/{id}/history fell back to the
opening price (the price shown falling to 1.0000). A row written with no point now keeps
that price; NULL where points circulate (balance / points) and in the rows before.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("pool_history", sa.Column("price_fen", sa.BigInteger(), nullable=True))
    op.add_column("pool_history", sa.Column("price_units", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column("pool_history", "price_units")
    op.drop_column("pool_history", "price_fen")
