"""each day's postings summed by account, for reports that look back a month

`ledger_days` holds, for each day (UTC) and account, the sum of that day's postings (a
member's accounts by kind: `member:*:wallet`, `member:*:withdrawing`, `member:*:debt`, the
rest as `member:*`), kept by the ledger with its entries (store/ledger_days.py) and
checked by `zengzhi audit`. The dashboard's risk panel reads a month of it, where it
read a month of postings. Filled here in one grouped pass over the postings.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_KEY = (
    "CASE WHEN p.account LIKE 'member:%:wallet' THEN 'member:*:wallet'"
    " WHEN p.account LIKE 'member:%:withdrawing' THEN 'member:*:withdrawing'"
    " WHEN p.account LIKE 'member:%:debt' THEN 'member:*:debt'"
    " WHEN p.account LIKE 'member:%' THEN 'member:*' ELSE p.account END"
).replace(":", "\\:")  # a colon to SQLAlchemy's text(), not the start of a bound parameter


def upgrade() -> None:
    op.create_table(
        "ledger_days",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("account", sa.String(length=300), nullable=False),
        sa.Column("asset", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "day", "account", "asset", name=op.f("pk_ledger_days")
        ),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    day = "date(timezone('UTC', e.at))" if postgres else "substr(e.at, 1, 10)"
    op.execute(
        "INSERT INTO ledger_days (tenant_id, day, account, asset, amount)"
        f" SELECT p.tenant_id, {day}, {_KEY}, p.asset, SUM(p.amount)"
        " FROM postings p JOIN entries e"
        " ON e.tenant_id = p.tenant_id AND e.entry_id = p.entry_id"
        f" GROUP BY p.tenant_id, {day}, {_KEY}, p.asset"
    )


def downgrade() -> None:
    op.drop_table("ledger_days")
