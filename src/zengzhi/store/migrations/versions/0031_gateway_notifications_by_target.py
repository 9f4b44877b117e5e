"""gateway notifications by what they name: an order's second payment is found

A gateway's payment of an order that a gateway had paid already (the buyer paid twice)
is owed back to the buyer (service/payments.py, `order.paid_again`). Whether an order was
paid through a gateway before is read from the notifications applied, which were keyed
by tenant and notification id alone: the read would have scanned the tenant's every
notification.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # if it exists, it was built beforehand without stopping the shop (docs/deploy.md,
    # "Upgrades": CREATE INDEX CONCURRENTLY on PostgreSQL, while the old release runs)
    op.create_index(
        "ix_gateway_notifications_target",
        "gateway_notifications",
        ["tenant_id", "target"],
        if_not_exists=True,
    )


def downgrade() -> None:
    op.drop_index("ix_gateway_notifications_target", table_name="gateway_notifications")
