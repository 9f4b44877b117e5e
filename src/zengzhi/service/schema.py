"""The database brought to this release (`zengzhi db upgrade`, and at the start of
`serve` and `tenant create`): the schema's migrations, then, in the same transaction,
what a migration cannot rebuild without the engine."""

from __future__ import annotations

from sqlalchemy import Connection

from zengzhi.service.audit import restore_closed_lots
from zengzhi.service.base import Context
from zengzhi.store.migrate import upgrade
from zengzhi.store.tenants import all_tenants

CLOSED_LOTS_KEPT = "0034"  # the migration from which a closed stake's lots are kept


def upgrade_database(context: Context) -> None:
    upgrade(context.database.writer, then=_rebuild)


def _rebuild(connection: Connection, before: str | None) -> None:
    """A database that comes from before 0034 gets the closed stakes' lots its release
    deleted, from each tenant's log (a new one has no tenant yet)."""
    if before is not None and before < CLOSED_LOTS_KEPT:
        for tenant in all_tenants(connection):
            restore_closed_lots(connection, tenant)
