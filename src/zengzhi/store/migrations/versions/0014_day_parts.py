"""a day in parts: the tally a zone's day keeps between its parts

A zone's day runs as a short transaction that begins it and parts of a few hundred
claims or members each (docs/modes.md, "A day in parts"): what each member's claims
released is counted in one pass and paid, and the uplines accelerated, in the next two.
`mode_day_tally` keeps what was counted from one part to the next; the parts done are
the `day_part` events in the log, and where the day stands is in `mode_counters`.

Revision ID: 0014
Revises: 0012 (chained on 0013 when that lands)
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mode_day_tally",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("zone", sa.String(length=128), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("member_id", sa.String(length=128), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("fen", sa.BigInteger(), nullable=False),
        sa.Column("units", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "zone", "mode", "member_id", name=op.f("pk_mode_day_tally")
        ),
    )
    op.create_index("ix_mode_day_tally_seq", "mode_day_tally", ["tenant_id", "zone", "mode", "seq"])


def downgrade() -> None:
    op.drop_index("ix_mode_day_tally_seq", table_name="mode_day_tally")
    op.drop_table("mode_day_tally")
