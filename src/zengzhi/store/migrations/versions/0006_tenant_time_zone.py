"""tenants' time zone: the tenants made before it keep the UTC days their history has

Days (ad tasks, zones' daily runs, turnover) now turn at midnight in the tenant's time
zone, Asia/Shanghai for a new tenant. A tenant made before this counted its days in UTC,
and its event log replays the same only in UTC: it is given "UTC" explicitly.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

tenants = sa.table(
    "tenants",
    sa.column("tenant_id", sa.String),
    sa.column("settings", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")),
)


def upgrade() -> None:
    connection = op.get_bind()
    for tenant, settings in connection.execute(sa.select(tenants.c.tenant_id, tenants.c.settings)):
        if "timezone" not in settings:
            connection.execute(
                sa.update(tenants)
                .where(tenants.c.tenant_id == tenant)
                .values(settings={**settings, "timezone": "UTC"})
            )


def downgrade() -> None:
    connection = op.get_bind()
    for tenant, settings in connection.execute(sa.select(tenants.c.tenant_id, tenants.c.settings)):
        kept = {key: value for key, value in settings.items() if key != "timezone"}
        connection.execute(
            sa.update(tenants).where(tenants.c.tenant_id == tenant).values(settings=kept)
        )
