"""tenant ids and usernames are one name in any case

"Acme" and "acme" were two tenants, "OWNER" and "owner" two users of one tenant: a
look-alike of a user in the audit log, and a sign-in that failed for a tenant typed in
capitals. Sign-in now finds a tenant and a user in any case and counts its attempts
under the name in lower case (service/sessions.py), and a second spelling of a name is
refused (service/users.py, service/tenants.py); these indexes hold that under requests
arriving at once.

A database that already holds two spellings of one name cannot take the index: the
upgrade stops and names them (docs/deploy.md, "Upgrades").

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

_TWICE = {
    "tenants": "SELECT lower(tenant_id) FROM tenants GROUP BY lower(tenant_id) HAVING count(*) > 1",
    "users": "SELECT tenant_id || ': ' || lower(username) FROM users"
    " GROUP BY tenant_id, lower(username) HAVING count(*) > 1",
}


def upgrade() -> None:
    connection = op.get_bind()
    for table, statement in _TWICE.items():
        twice = list(connection.execute(sa.text(statement)).scalars())
        if twice:
            raise RuntimeError(
                f"{table} holds one name in two spellings, which this release refuses"
                f" (docs/deploy.md, Upgrades): {', '.join(sorted(twice)[:20])}"
            )
    op.create_index("uq_tenants_folded_id", "tenants", [sa.text("lower(tenant_id)")], unique=True)
    op.create_index(
        "uq_users_folded_username",
        "users",
        ["tenant_id", sa.text("lower(username)")],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_users_folded_username", table_name="users")
    op.drop_index("uq_tenants_folded_id", table_name="tenants")
