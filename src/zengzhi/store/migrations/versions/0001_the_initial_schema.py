"""the initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import zengzhi.store.tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "api_keys",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("secret_hash", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "key_id", name=op.f("pk_api_keys")),
    )
    op.create_table(
        "audit_log",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("audit_id", sa.BigInteger(), nullable=False),
        sa.Column("at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=True),
        sa.Column(
            "before",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column(
            "after",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "audit_id", name=op.f("pk_audit_log")),
    )
    op.create_table(
        "balances",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("account", sa.String(length=300), nullable=False),
        sa.Column("asset", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "account", "asset", name=op.f("pk_balances")),
    )
    op.create_table(
        "commands",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("command_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "response",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "command_id", name=op.f("pk_commands")),
    )
    op.create_table(
        "entries",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("entry_id", sa.BigInteger(), nullable=False),
        sa.Column("cause", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column(
            "params",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("corrects", sa.String(length=128), nullable=True),
        sa.Column("at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "entry_id", name=op.f("pk_entries")),
    )
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.create_index("ix_entries_cause", ["tenant_id", "cause"], unique=False)

    op.create_table(
        "events",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "seq", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_event", ["tenant_id", "event_id"], unique=True)

    op.create_table(
        "job_runs",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("job", sa.String(length=60), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("started_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "result",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("tenant_id", "job", "day", name=op.f("pk_job_runs")),
    )
    op.create_table(
        "members",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("member_id", sa.String(length=128), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("real_name_verified", sa.Boolean(), nullable=False),
        sa.Column("referrer", sa.String(length=128), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column("created_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "member_id", name=op.f("pk_members")),
    )
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.create_index("ix_members_tenant_phone", ["tenant_id", "phone"], unique=False)

    op.create_table(
        "orders",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("order_id", sa.String(length=128), nullable=False),
        sa.Column("member_id", sa.String(length=128), nullable=False),
        sa.Column("store_id", sa.String(length=128), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column(
            "lines",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("return_window", sa.Integer(), nullable=False),
        sa.Column(
            "minted",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("created_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("paid_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("due_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reversed_by", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "order_id", name=op.f("pk_orders")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index("ix_orders_due", ["tenant_id", "status", "due_at"], unique=False)
        batch_op.create_index(
            "ix_orders_member", ["tenant_id", "member_id", "created_at"], unique=False
        )

    op.create_table(
        "pool_history",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("pool_id", sa.String(length=128), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "pool_id", "seq", name=op.f("pk_pool_history")),
    )
    op.create_table(
        "pools",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("pool_id", sa.String(length=128), nullable=False),
        sa.Column(
            "params",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("last_price_fen", sa.BigInteger(), nullable=True),
        sa.Column("last_price_units", sa.BigInteger(), nullable=True),
        sa.Column("next_opened", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "pool_id", name=op.f("pk_pools")),
    )
    op.create_table(
        "positions",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("pool_id", sa.String(length=128), nullable=False),
        sa.Column("member_id", sa.String(length=128), nullable=False),
        sa.Column("opened", sa.BigInteger(), nullable=False),
        sa.Column("principal", sa.BigInteger(), nullable=False),
        sa.Column("realized", sa.BigInteger(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("exit_key", sa.String(length=60), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "pool_id", "member_id", name=op.f("pk_positions")),
    )
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_positions_exit", ["tenant_id", "pool_id", "exit_key", "opened"], unique=False
        )

    op.create_table(
        "products",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("product_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column(
            "split",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("zone", sa.String(length=128), nullable=True),
        sa.Column("pool", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "product_id", name=op.f("pk_products")),
    )
    op.create_table(
        "stores",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("store_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("owner", sa.String(length=128), nullable=True),
        sa.Column("recruiter", sa.String(length=128), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column(
            "commission",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("zone", sa.String(length=128), nullable=True),
        sa.Column("pool", sa.String(length=128), nullable=True),
        sa.Column("settlement_account", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "store_id", name=op.f("pk_stores")),
    )
    op.create_table(
        "tenants",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "settings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("event_seq", sa.BigInteger(), nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        sa.Column("audit_seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_tenants")),
    )
    op.create_table(
        "users",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "username", name=op.f("pk_users")),
    )
    op.create_table(
        "withdrawals",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("withdrawal_id", sa.String(length=128), nullable=False),
        sa.Column("member_id", sa.String(length=128), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("fee", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("paid_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "withdrawal_id", name=op.f("pk_withdrawals")),
    )
    with op.batch_alter_table("withdrawals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_withdrawals_member", ["tenant_id", "member_id", "requested_at"], unique=False
        )
        batch_op.create_index(
            "ix_withdrawals_status", ["tenant_id", "status", "requested_at"], unique=False
        )

    op.create_table(
        "zones",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("zone_id", sa.String(length=128), nullable=False),
        sa.Column("pool", sa.String(length=128), nullable=True),
        sa.Column("completion_delay_seconds", sa.Integer(), nullable=False),
        sa.Column(
            "modes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("starts_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ends_at", zengzhi.store.tables.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "zone_id", name=op.f("pk_zones")),
    )
    op.create_table(
        "postings",
        sa.Column("tenant_id", sa.String(length=128), nullable=False),
        sa.Column("entry_id", sa.BigInteger(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=300), nullable=False),
        sa.Column("asset", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id", "entry_id"],
            ["entries.tenant_id", "entries.entry_id"],
            name=op.f("fk_postings_tenant_id_entries"),
        ),
        sa.PrimaryKeyConstraint("tenant_id", "entry_id", "n", name=op.f("pk_postings")),
    )
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_postings_account", ["tenant_id", "account", "asset", "entry_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.drop_index("ix_postings_account")

    op.drop_table("postings")
    op.drop_table("zones")
    with op.batch_alter_table("withdrawals", schema=None) as batch_op:
        batch_op.drop_index("ix_withdrawals_status")
        batch_op.drop_index("ix_withdrawals_member")

    op.drop_table("withdrawals")
    op.drop_table("users")
    op.drop_table("tenants")
    op.drop_table("stores")
    op.drop_table("products")
    with op.batch_alter_table("positions", schema=None) as batch_op:
        batch_op.drop_index("ix_positions_exit")

    op.drop_table("positions")
    op.drop_table("pools")
    op.drop_table("pool_history")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_member")
        batch_op.drop_index("ix_orders_due")

    op.drop_table("orders")
    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_index("ix_members_tenant_phone")

    op.drop_table("members")
    op.drop_table("job_runs")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_event")

    op.drop_table("events")
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_index("ix_entries_cause")

    op.drop_table("entries")
    op.drop_table("commands")
    op.drop_table("balances")
    op.drop_table("audit_log")
    op.drop_table("api_keys")
