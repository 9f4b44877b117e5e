"""audit log by action and object: the console finds an order's payment after its cancel

The console's orders pages read the audit log's `order.paid_after_cancel` records (a
gateway's payment of an order already cancelled, owed back to the buyer): of the
cancelled orders a list page shows, of the order a page shows, and every such order
for the list's filter. The log was keyed by tenant and id alone, so each was a scan of
the tenant's whole log (0.14 to 0.2 s a list page with a million records on SQLite,
0.1 ms by this index). The audit page's filter by action reads it too.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # if it exists, it was built beforehand without stopping the shop (docs/deploy.md,
    # "Upgrades": CREATE INDEX CONCURRENTLY on PostgreSQL, while the old release runs)
    op.create_index(
        "ix_audit_log_action_target",
        "audit_log",
        ["tenant_id", "action", "target"],
        if_not_exists=True,
    )


def downgrade() -> None:
    op.drop_index("ix_audit_log_action_target", table_name="audit_log")
