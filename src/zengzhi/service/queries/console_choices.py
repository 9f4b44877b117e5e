"""What the console's forms offer to pick from: the tenant's pools, zones, products and
stores, by id (at most LIMIT of each: a form offers, the service still checks)."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import Connection, Table, select

from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, query
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
