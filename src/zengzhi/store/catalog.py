"""The tenant's catalogue in SQL: zones, products and stores, one repository per kind.

The rows are the configuration's own columns (a product's split, a store's commission
rates, a zone's modes), so a record is the row's columns by name, without the tenant.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import Connection, Row

from zengzhi.store import tables as t
from zengzhi.store.tenanted import Keyed

Item = Mapping[str, Any]  # the row's columns by name, `<kind>_id` among them

_TABLES = {"zone": t.zones, "product": t.products, "store": t.stores}


def _item(row: Row[Any]) -> Item:
    return {name: value for name, value in row._mapping.items() if name != "tenant_id"}


class Catalog(Keyed[Item]):
    def __init__(self, connection: Connection, tenant: str, kind: str) -> None:
        super().__init__(connection, tenant)
        self.kind = kind
        self.table = _TABLES[kind]  # type: ignore[misc]  # one repository class, three tables

    def record(self, row: Row[Any]) -> Item:
        return _item(row)

    def many(self, keys: Collection[str]) -> list[Item]:
        if not keys:
            return []
        statement = self.select().where(self.key.in_(list(keys)))
        return [_item(row) for row in self.connection.execute(statement)]

    def replace(self, key: str, values: Mapping[str, Any]) -> None:
        """The item's row, whole (`values` has every column): updated in place, not
        deleted and inserted again. An order locks its zone's row (`FOR UPDATE`); on
        PostgreSQL a lock waiting on a row that is deleted finds nothing when it is
        granted, not the row inserted in its place, so an order placed while the zone was
        saved was refused as "unknown zone"; an updated row is read again as it now is."""
        changed = self.connection.execute(
            self.update().where(self.key == key).values(**values)
        ).rowcount
        if not changed:
            self.connection.execute(self.insert(**{f"{self.kind}_id": key}, **values))

    def all(self) -> list[Item]:
        """Every item, in id order (the configuration written out)."""
        return [_item(row) for row in self.connection.execute(self.select().order_by(self.key))]

    def page(self, limit: int, after: str | None) -> list[Item]:
        return self.records(self.select(), limit, after)
