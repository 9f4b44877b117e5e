"""api_keys.created_by: who made each key, so that a key ends with its maker's rights

A key's token is shown once, to the owner who made it. Disabling that owner, or making
them anything but an owner, left every key they made working: a person let go kept a
way in through a secret they had seen. A key now keeps who made it (`user:<name>`,
`cli:operator`, `system:demo`), and taking a user's owner rights away revokes the keys
that user made (docs/security.md). Filled here from the audit log's `api_key.create`
records; a key the log holds no record of keeps NULL and is no user's.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

PREFIX = "key:"


def upgrade() -> None:
    op.add_column("api_keys", sa.Column("created_by", sa.String(200), nullable=True))
    connection = op.get_bind()
    made = connection.execute(
        sa.text(
            "SELECT tenant_id, target, actor FROM audit_log"
            " WHERE action = 'api_key.create' ORDER BY tenant_id, audit_id"
        )
    )
    fill = sa.text(
        "UPDATE api_keys SET created_by = :actor WHERE tenant_id = :tenant AND key_id = :key"
    )
    for tenant, target, actor in made:
        if target and target.startswith(PREFIX):
            connection.execute(
                fill, {"actor": actor, "tenant": tenant, "key": target[len(PREFIX) :]}
            )


def downgrade() -> None:
    op.drop_column("api_keys", "created_by")
