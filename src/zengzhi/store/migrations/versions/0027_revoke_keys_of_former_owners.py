"""revoke the keys whose maker was disabled or stopped being an owner before 0026

Since 0026 a key ends with its maker's rights: disabling a user, or making them anything
but an owner, revokes the keys they made (docs/security.md). 0026 named each key's maker
from the audit log but revoked nothing: a key made by an owner disabled or demoted
before the upgrade, the case the rule is for (a person let go kept a way in through a
secret they had seen), went on working, listed as made by that user. Revoked here, each
with an `api_key.revoke` audit record by `system:upgrade` naming its maker, as a
change of that user revokes them now. A key of no user's (NULL, `cli:operator`,
`system:demo`) is not touched.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

ACTOR = "system:upgrade"
USER = "user:"

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_KEYS = sa.table(
    "api_keys",
    sa.column("tenant_id", sa.String),
    sa.column("key_id", sa.String),
    sa.column("created_by", sa.String),
    sa.column("revoked_at", sa.DateTime(timezone=True)),
)
_USERS = sa.table(
    "users",
    sa.column("tenant_id", sa.String),
    sa.column("username", sa.String),
    sa.column("role", sa.String),
    sa.column("disabled", sa.Boolean),
)
_TENANTS = sa.table("tenants", sa.column("tenant_id", sa.String), sa.column("audit_seq"))
_AUDIT = sa.table(
    "audit_log",
    sa.column("tenant_id", sa.String),
    sa.column("audit_id", sa.BigInteger),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("target", sa.String),
    sa.column("after", _JSON),
)


def upgrade() -> None:
    connection = op.get_bind()
    k, u = _KEYS.c, _USERS.c
    owners = {
        (tenant, name)
        for tenant, name in connection.execute(
            sa.select(u.tenant_id, u.username).where(u.role == "owner", u.disabled.is_(False))
        )
    }
    live = connection.execute(
        sa.select(k.tenant_id, k.key_id, k.created_by)
        .where(k.revoked_at.is_(None), k.created_by.like(USER + "%"))
        .order_by(k.tenant_id, k.key_id)
    ).all()
    gone: dict[str, list[tuple[str, str]]] = {}
    for tenant, key_id, made_by in live:
        maker = made_by[len(USER) :]
        if (tenant, maker) not in owners:
            gone.setdefault(tenant, []).append((key_id, maker))
    now = datetime.now(UTC)
    t = _TENANTS.c
    for tenant, keys in gone.items():
        connection.execute(
            _KEYS.update()
            .where(k.tenant_id == tenant, k.key_id.in_([key_id for key_id, _ in keys]))
            .values(revoked_at=now)
        )
        last = connection.execute(sa.select(t.audit_seq).where(t.tenant_id == tenant)).scalar_one()
        connection.execute(
            _AUDIT.insert(),
            [
                {
                    "tenant_id": tenant,
                    "audit_id": last + n,
                    "at": now,
                    "actor": ACTOR,
                    "action": "api_key.revoke",
                    "target": f"key:{key_id}",
                    "after": {"maker": maker},
                }
                for n, (key_id, maker) in enumerate(keys, start=1)
            ],
        )
        connection.execute(
            _TENANTS.update().where(t.tenant_id == tenant).values(audit_seq=last + len(keys))
        )


def downgrade() -> None:
    pass  # a key revoked stays revoked: its token was seen by someone who left
