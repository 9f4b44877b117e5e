"""One tenant's rows of one table: the tenant filter written once, for every repository.

A repository is built with its connection and tenant; every statement it makes starts
from `select`, `update` or `insert` here, so that no query can forget whose rows it reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    Insert,
    Row,
    Select,
    Table,
    Update,
    insert,
    select,
    update,
)


class Tenanted:
    table: ClassVar[Table]

    def __init__(self, connection: Connection, tenant: str) -> None:
        self.connection = connection
        self.tenant = tenant

    @property
    def mine(self) -> ColumnElement[bool]:
        """The tenant's rows (for joins and sub-queries)."""
        return self.table.c.tenant_id == self.tenant

    def select(self, *columns: Any) -> Select[Any]:
        return select(*(columns or (self.table,))).where(self.mine)

    def update(self) -> Update:
        return update(self.table).where(self.mine)

    def insert(self, **values: Any) -> Insert:
        return insert(self.table).values(tenant_id=self.tenant, **values)

    def first(self, statement: Select[Any], lock: bool = False) -> Row[Any] | None:
        """The statement's first row (`lock`: held until the transaction ends)."""
        return self.connection.execute(statement.with_for_update() if lock else statement).first()

    def after(
        self, statement: Select[Any], key: ColumnElement[str], limit: int, after: str | None
    ) -> Sequence[Row[Any]]:
        """A page of rows in `key` order, those past `after`."""
        if after is not None:
            statement = statement.where(key > after)
        return self.connection.execute(statement.order_by(key).limit(limit)).all()
