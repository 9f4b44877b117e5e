"""closed_lots: a closed stake's lots, kept for a reversal of its orders after the close

A stake's lots (what each order minted, what its points sold for) were deleted when the
stake closed, so a reversal of one of its orders after an exit could only bound its
charge by what the pool had paid the member since the order: other orders' sales and
the whole exit, not the order's share of them (docs/model.md, "The reversal's bound is
the order's own"). A closing stake's lots move here, each with its share of the exit.

Stakes closed before this revision kept nothing. The table is made empty here; `zengzhi
db upgrade` then fills it, in the same transaction, from each tenant's event log
(service/schema.py: a replay needs the engine, which a migration does not import).
Where a log does not replay, a reversal of those stakes' orders keeps the earlier bound
(docs/deploy.md).

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

ID = sa.String(length=300)


def upgrade() -> None:
    op.create_table(
        "closed_lots",
        sa.Column("tenant_id", ID, nullable=False),
        sa.Column("pool_id", ID, nullable=False),
        sa.Column("member_id", ID, nullable=False),
        sa.Column("cause", ID, nullable=False),
        sa.Column("sold_payout", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "pool_id", "member_id", "cause", name=op.f("pk_closed_lots")
        ),
    )


def downgrade() -> None:
    op.drop_table("closed_lots")
