"""integration: webhooks (outbox, deliveries, attempts), payment adapters, gateway notifications

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import zengzhi.store.tables

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gateway_notifications",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("notification_id", sa.String(length=128), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=128), nullable=False),
        sa.Column(
            "body",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("received_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "notification_id", name=op.f("pk_gateway_notifications")
        ),
    )
    op.create_table(
        "gateway_refusals",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("refusal_id", sa.String(length=32), nullable=False),
        sa.Column("received_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("notification_id", sa.String(length=128), nullable=True),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "refusal_id", name=op.f("pk_gateway_refusals")),
    )
    with op.batch_alter_table("gateway_refusals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_gateway_refusals_received", ["tenant_id", "received_at"], unique=False
        )

    op.create_table(
        "payment_adapters",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("adapter", sa.String(length=20), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=True),
        sa.Column("payout_url", sa.String(length=2000), nullable=True),
        sa.Column("tolerance_seconds", sa.Integer(), nullable=False),
        sa.Column("updated_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_payment_adapters")),
    )
    op.create_table(
        "webhook_attempts",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("subscription_id", sa.String(length=128), nullable=False),
        sa.Column("event_no", sa.BigInteger(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint(
            "tenant_id", "subscription_id", "event_no", "attempt", name=op.f("pk_webhook_attempts")
        ),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("subscription_id", sa.String(length=128), nullable=False),
        sa.Column("event_no", sa.BigInteger(), nullable=False),
        sa.Column("ordering_key", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column(
            "next_attempt_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("claimed_by", sa.String(length=32), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("delivered_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "subscription_id", "event_no", name=op.f("pk_webhook_deliveries")
        ),
    )
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_webhook_deliveries_due", ["tenant_id", "status", "next_attempt_at"], unique=False
        )
        batch_op.create_index(
            "ix_webhook_deliveries_order",
            ["tenant_id", "subscription_id", "ordering_key", "status", "event_no"],
            unique=False,
        )

    op.create_table(
        "webhook_events",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("event_no", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("member", sa.String(length=128), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "event_no", name=op.f("pk_webhook_events")),
    )
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.create_index("ix_webhook_events_event", ["tenant_id", "event_id"], unique=True)

    op.create_table(
        "webhook_subscriptions",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("subscription_id", sa.String(length=128), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column(
            "event_types",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "subscription_id", name=op.f("pk_webhook_subscriptions")
        ),
    )
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("webhook_seq", sa.BigInteger(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("webhook_seq")

    op.drop_table("webhook_subscriptions")
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_events_event")

    op.drop_table("webhook_events")
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_deliveries_order")
        batch_op.drop_index("ix_webhook_deliveries_due")

    op.drop_table("webhook_deliveries")
    op.drop_table("webhook_attempts")
    op.drop_table("payment_adapters")
    with op.batch_alter_table("gateway_refusals", schema=None) as batch_op:
        batch_op.drop_index("ix_gateway_refusals_received")

    op.drop_table("gateway_refusals")
    op.drop_table("gateway_notifications")
