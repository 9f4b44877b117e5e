"""seed rules: a member bound through a recruited store's code notes the store's recruiter

`members.sponsor` is the recruiter of the store whose code bound the member: with the
recruiter's `indirect_members` on, the member's second commission level (spec 02,
seed 000 三). Shares (股权) and contribution conversions are ledger balances and entries:
no table.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("sponsor", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.drop_column("sponsor")
