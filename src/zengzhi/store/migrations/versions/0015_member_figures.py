"""members by points, wallet and team: figures kept on the member's row

`members.wallet` (the wallet's balance, fen), `members.points` (points held in every
pool) and `members.team` (direct referees) are kept in the same transaction as the
balances and the referrer they follow (store/member_figures.py) and checked by `zengzhi
audit`; filled here from their sources, each in one grouped pass (UPDATE … FROM:
SQLite 3.33 or later, as RETURNING already needs 3.35). Sorting and filtering the
console's members by them reads the indexes made here.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_FILL = (
    "UPDATE members SET wallet = b.amount FROM balances b"
    " WHERE b.tenant_id = members.tenant_id AND b.asset = 'CNY'"
    # "\\:" is a colon to SQLAlchemy's text(), not the start of a bound parameter
    " AND b.account = 'member:' || members.member_id || '\\:wallet'",
    "UPDATE members SET points = s.total FROM (SELECT tenant_id, member_id,"
    " SUM(points) AS total FROM positions GROUP BY tenant_id, member_id) AS s"
    " WHERE members.tenant_id = s.tenant_id AND members.member_id = s.member_id",
    "UPDATE members SET team = s.total FROM (SELECT tenant_id, referrer,"
    " COUNT(*) AS total FROM members WHERE referrer IS NOT NULL"
    " GROUP BY tenant_id, referrer) AS s"
    " WHERE members.tenant_id = s.tenant_id AND members.member_id = s.referrer",
)


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("wallet", sa.BigInteger(), server_default="0", nullable=False))
        batch.add_column(sa.Column("points", sa.BigInteger(), server_default="0", nullable=False))
        batch.add_column(sa.Column("team", sa.Integer(), server_default="0", nullable=False))
    for statement in _FILL:
        op.execute(statement)
    op.create_index("ix_members_wallet", "members", ["tenant_id", "wallet", "member_id"])
    op.create_index("ix_members_points", "members", ["tenant_id", "points", "member_id"])
    op.create_index("ix_members_team", "members", ["tenant_id", "team", "member_id"])
    op.execute("ANALYZE members")  # the planner's figures for the new indexes (SQLite, PostgreSQL)


def downgrade() -> None:
    op.drop_index("ix_members_team", table_name="members")
    op.drop_index("ix_members_points", table_name="members")
    op.drop_index("ix_members_wallet", table_name="members")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("team")
        batch.drop_column("points")
        batch.drop_column("wallet")
