"""console at scale: orders by time, members by what they spent (a kept total)

`members.spent` is the sum of the member's completed orders (fen), kept by the store in
the same transaction as each completion and reversal (store/orders.py) and checked by
`zengzhi audit`; filled here from the orders. Indexes for the console's list pages: orders
newest first (all, by status, by store), members by when they joined, their name and what
they spent.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("spent", sa.BigInteger(), server_default="0", nullable=False))
    if op.get_bind().dialect.name == "postgresql":  # one grouped pass over the orders
        op.execute(
            "UPDATE members SET spent = s.total FROM (SELECT tenant_id, member_id,"
            " SUM(amount) AS total FROM orders WHERE status = 'completed'"
            " GROUP BY tenant_id, member_id) AS s"
            " WHERE members.tenant_id = s.tenant_id AND members.member_id = s.member_id"
        )
    else:  # SQLite: each member's orders by ix_orders_member (UPDATE … FROM is 3.33+)
        op.execute(
            "UPDATE members SET spent = (SELECT COALESCE(SUM(o.amount), 0) FROM orders o"
            " WHERE o.tenant_id = members.tenant_id AND o.member_id = members.member_id"
            " AND o.status = 'completed')"
        )
    op.create_index("ix_members_spent", "members", ["tenant_id", "spent", "member_id"])
    op.create_index("ix_members_created", "members", ["tenant_id", "created_at", "member_id"])
    op.create_index("ix_members_name", "members", ["tenant_id", "name", "member_id"])
    op.create_index("ix_orders_created", "orders", ["tenant_id", "created_at", "order_id"])
    op.create_index(
        "ix_orders_status_created", "orders", ["tenant_id", "status", "created_at", "order_id"]
    )
    op.create_index("ix_orders_store", "orders", ["tenant_id", "store_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_orders_store", table_name="orders")
    op.drop_index("ix_orders_status_created", table_name="orders")
    op.drop_index("ix_orders_created", table_name="orders")
    op.drop_index("ix_members_name", table_name="members")
    op.drop_index("ix_members_created", table_name="members")
    op.drop_index("ix_members_spent", table_name="members")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("spent")
