"""tenants.active_webhooks: how many of the tenant's webhook subscriptions are active

A command that commits events writes them for the tenant's active subscriptions, and
most tenants have none, so it reads them only when the tenant has one. That was asked
with an `EXISTS` in the counters' `UPDATE … RETURNING`, which sees the subscriptions as
the statement began: a subscription added by a command that committed while this one
waited for the tenant's row was not seen, and this command's events, numbered after that
subscription's creation, were not written for it. A column of the row itself is read as
the lock leaves it. Commands that change a subscription count them again at their commit,
under the same lock (store/tenants.py).

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "tenants",
        sa.Column("active_webhooks", sa.Integer(), nullable=False, server_default="0"),
    )
    op.execute(
        "UPDATE tenants SET active_webhooks = (SELECT count(*) FROM webhook_subscriptions AS w"
        " WHERE w.tenant_id = tenants.tenant_id AND w.active)"
    )


def downgrade() -> None:
    op.drop_column("tenants", "active_webhooks")
