"""positions.lots: the points a position holds, by what minted them, oldest first

A reversal burned the points its order minted "as far as the member still holds them",
counting any points of the position: when the order's own points had been sold and a
later order had bought more, the reversal burned the later order's points (and charged
the sale back on top). Positions now keep their points by lot; a sale takes the oldest
first and a reversal burns its own lot only. NULL in the rows written before: their
reversals keep the old rule (any points held).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("positions", sa.Column("lots", JSON, nullable=True))


def downgrade() -> None:
    op.drop_column("positions", "lots")
