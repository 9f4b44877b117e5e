"""What the console's forms offer to pick from: the tenant's pools, zones, products and
stores, by id (at most LIMIT of each: a form offers, the service still checks); and the
stores a typed text finds (an id's start, a name anywhere), for the store pickers."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import Connection, Table, or_, select

from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, query
from zengzhi.service.queries.console_members import name_holds
from zengzhi.service.queries.console_orders import id_prefix
from zengzhi.store import tables as t
from zengzhi.store.tenanted import of_tenant

LIMIT = 500


class Choices(BaseModel):
    pool: list[str]
    zone: list[str]
    product: list[str]
    store: list[str]


def choices(context: Context, principal: Principal) -> Choices:
    principal.require(Permission.READ)
    tenant = principal.tenant

    def run(connection: Connection) -> Choices:
        def ids(table: Table, key: str) -> list[str]:
            column = table.c[key]
            statement = (
                select(column).where(of_tenant(table.c, tenant)).order_by(column).limit(LIMIT)
            )
            return [str(value) for value in connection.execute(statement).scalars()]

        return Choices(
            pool=ids(t.pools, "pool_id"),
            zone=ids(t.zones, "zone_id"),
            product=ids(t.products, "product_id"),
            store=ids(t.stores, "store_id"),
        )

    return query(context, run)


class StoreChoice(BaseModel):
    id: str
    name: str | None


def find_stores(context: Context, principal: Principal, text: str, limit: int) -> list[StoreChoice]:
    """The first `limit` stores, by id, whose id starts with `text` or whose name holds
    it (case aside)."""
    principal.require(Permission.READ)
    tenant = principal.tenant

    def run(connection: Connection) -> list[StoreChoice]:
        s = t.stores.c
        found = connection.execute(
            select(s.store_id, s.name)
            .where(
                s.tenant_id == tenant,
                or_(id_prefix(s.store_id, text), name_holds(connection, s.name, text)),
            )
            .order_by(s.store_id)
            .limit(limit)
        )
        return [StoreChoice(id=row.store_id, name=row.name) for row in found]

    return query(context, run)
