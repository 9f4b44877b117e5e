"""withdrawals.rejected_from: where a withdrawal was rejected from, on its row

A gateway's "paid" for a rejected withdrawal is booked late (taken back from the member)
only if the withdrawal was approved before its rejection (it may have been sent); one
rejected while held was never sent, and its "paid" is refused. Where it was rejected
from was read from the audit log (the latest `withdrawal.rejected` record's `before`),
a table with no index on its target: a scan of the tenant's log for each such "paid".
The rejection now writes it on the withdrawal's row. Filled here from the audit log
for the withdrawals rejected before; one the log holds no rejection of keeps NULL and
is taken, as before, as possibly approved.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

PREFIX = "withdrawal:"


def _status(before: Any) -> str | None:
    if isinstance(before, str):  # JSON kept as text (SQLite)
        try:
            before = json.loads(before)
        except ValueError:
            return None
    status = before.get("status") if isinstance(before, dict) else None
    return status if status in ("held", "approved") else None


def upgrade() -> None:
    op.add_column("withdrawals", sa.Column("rejected_from", sa.String(20), nullable=True))
    connection = op.get_bind()
    rejections = connection.execute(
        sa.text(
            "SELECT tenant_id, target, before FROM audit_log"
            " WHERE action = 'withdrawal.rejected' ORDER BY tenant_id, audit_id"
        )
    )
    latest: dict[tuple[str, str], str | None] = {}
    for tenant, target, before in rejections:
        if target and target.startswith(PREFIX):
            latest[tenant, target[len(PREFIX) :]] = _status(before)
    fill = sa.text(
        "UPDATE withdrawals SET rejected_from = :status WHERE tenant_id = :tenant"
        " AND withdrawal_id = :withdrawal AND status = 'rejected'"
    )
    for (tenant, withdrawal), status in latest.items():
        if status is not None:
            connection.execute(fill, {"status": status, "tenant": tenant, "withdrawal": withdrawal})


def downgrade() -> None:
    op.drop_column("withdrawals", "rejected_from")
