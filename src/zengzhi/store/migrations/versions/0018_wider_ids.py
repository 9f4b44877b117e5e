"""wider id columns: ids the service derives from a caller's (an event's `sell:<id>`, an
asset's `PTS:<pool>`, an account's `member:<id>:points:<pool>`) fit

A caller's id is at most 128 characters; at 128 the derived ones overflowed their
VARCHAR(128) columns on PostgreSQL and the request answered 500. Ids go to 300
characters, assets to 160, accounts to 600. SQLite does not enforce a VARCHAR's length,
so it is left as it is (`store/migrate.py` `compare_type` ignores lengths there).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

ID, ASSET, ACCOUNT = 300, 160, 600
WIDENED = [
    ("agents", "tenant_id", 128, ID),
    ("agents", "member_id", 128, ID),
    ("api_keys", "tenant_id", 128, ID),
    ("audit_log", "tenant_id", 128, ID),
    ("balances", "tenant_id", 128, ID),
    ("balances", "account", 300, ACCOUNT),
    ("balances", "asset", 64, ASSET),
    ("commands", "tenant_id", 128, ID),
    ("commands", "command_id", 128, ID),
    ("entries", "tenant_id", 128, ID),
    ("entries", "cause", 128, ID),
    ("entries", "corrects", 128, ID),
    ("events", "tenant_id", 128, ID),
    ("events", "event_id", 128, ID),
    ("gateway_notifications", "tenant_id", 128, ID),
    ("gateway_notifications", "notification_id", 128, ID),
    ("gateway_notifications", "target", 128, ID),
    ("gateway_refusals", "tenant_id", 128, ID),
    ("job_runs", "tenant_id", 128, ID),
    ("ledger_days", "tenant_id", 128, ID),
    ("ledger_days", "account", 300, ACCOUNT),
    ("ledger_days", "asset", 64, ASSET),
    ("member_phones", "tenant_id", 128, ID),
    ("member_phones", "member_id", 128, ID),
    ("members", "tenant_id", 128, ID),
    ("members", "member_id", 128, ID),
    ("members", "referrer", 128, ID),
    ("members", "sponsor", 128, ID),
    ("mode_claims", "tenant_id", 128, ID),
    ("mode_claims", "zone", 128, ID),
    ("mode_claims", "member_id", 128, ID),
    ("mode_claims", "cause", 200, ID),
    ("mode_counters", "tenant_id", 128, ID),
    ("mode_counters", "zone", 128, ID),
    ("mode_day_tally", "tenant_id", 128, ID),
    ("mode_day_tally", "zone", 128, ID),
    ("mode_day_tally", "member_id", 128, ID),
    ("mode_payouts", "tenant_id", 128, ID),
    ("mode_payouts", "zone", 128, ID),
    ("mode_payouts", "member_id", 128, ID),
    ("orders", "tenant_id", 128, ID),
    ("orders", "order_id", 128, ID),
    ("orders", "member_id", 128, ID),
    ("orders", "store_id", 128, ID),
    ("orders", "recruiter", 128, ID),
    ("orders", "reversed_by", 128, ID),
    ("payees", "tenant_id", 128, ID),
    ("payees", "member_id", 128, ID),
    ("payment_adapters", "tenant_id", 128, ID),
    ("payouts", "tenant_id", 128, ID),
    ("payouts", "withdrawal_id", 128, ID),
    ("pool_history", "tenant_id", 128, ID),
    ("pool_history", "pool_id", 128, ID),
    ("pools", "tenant_id", 128, ID),
    ("pools", "pool_id", 128, ID),
    ("positions", "tenant_id", 128, ID),
    ("positions", "pool_id", 128, ID),
    ("positions", "member_id", 128, ID),
    ("products", "tenant_id", 128, ID),
    ("products", "product_id", 128, ID),
    ("products", "zone", 128, ID),
    ("products", "pool", 128, ID),
    ("rate_limits", "tenant_id", 128, ID),
    ("runs", "tenant_id", 128, ID),
    ("sessions", "tenant_id", 128, ID),
    ("sessions", "subject", 128, ID),
    ("sign_in_failures", "tenant_id", 128, ID),
    ("stores", "tenant_id", 128, ID),
    ("stores", "store_id", 128, ID),
    ("stores", "owner", 128, ID),
    ("stores", "recruiter", 128, ID),
    ("stores", "zone", 128, ID),
    ("stores", "pool", 128, ID),
    ("tenants", "tenant_id", 128, ID),
    ("users", "tenant_id", 128, ID),
    ("webhook_attempts", "tenant_id", 128, ID),
    ("webhook_attempts", "subscription_id", 128, ID),
    ("webhook_deliveries", "tenant_id", 128, ID),
    ("webhook_deliveries", "subscription_id", 128, ID),
    ("webhook_deliveries", "ordering_key", 128, ID),
    ("webhook_events", "tenant_id", 128, ID),
    ("webhook_events", "member", 128, ID),
    ("webhook_subscriptions", "tenant_id", 128, ID),
    ("webhook_subscriptions", "subscription_id", 128, ID),
    ("withdrawals", "tenant_id", 128, ID),
    ("withdrawals", "withdrawal_id", 128, ID),
    ("withdrawals", "member_id", 128, ID),
    ("zones", "tenant_id", 128, ID),
    ("zones", "zone_id", 128, ID),
    ("zones", "pool", 128, ID),
    ("postings", "tenant_id", 128, ID),
    ("postings", "account", 300, ACCOUNT),
    ("postings", "asset", 64, ASSET),
    ("run_files", "tenant_id", 128, ID),
]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, before, after in WIDENED:
        op.alter_column(table, column, type_=sa.String(after), existing_type=sa.String(before))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, before, after in WIDENED:
        op.alter_column(table, column, type_=sa.String(before), existing_type=sa.String(after))
