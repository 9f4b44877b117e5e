"""One tenant's rows of one table: the tenant filter written once, for every repository.

A repository is built with its connection and tenant; every statement it makes starts
from `select`, `update` or `insert` here, so that no query can forget whose rows it reads.
A statement over several tables (the engine's SQL ports, the reads in `service/queries/`)
names each table's rows with `of_tenant`, the same filter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Insert,
    Row,
    Select,
    Table,
    Update,
    insert,
    select,
    update,
)
from sqlalchemy.sql.base import ReadOnlyColumnCollection


def of_tenant(
    rows: FromClause | ReadOnlyColumnCollection[str, Any], tenant: str | ColumnElement[str]
) -> ColumnElement[bool]:
    """One tenant's rows of a table (given as the table, an alias, or its columns `.c`):
    the tenant filter, written once. `tenant` is an id, or a bound parameter for a
    statement built once and run for any tenant."""
    columns = rows.c if isinstance(rows, FromClause) else rows
    filtered: ColumnElement[bool] = columns.tenant_id == tenant
    return filtered


class Tenanted:
    table: ClassVar[Table]

    def __init__(self, connection: Connection, tenant: str) -> None:
        self.connection = connection
        self.tenant = tenant

    @property
    def mine(self) -> ColumnElement[bool]:
        """The tenant's rows (for joins and sub-queries)."""
        return of_tenant(self.table, self.tenant)

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


R = TypeVar("R")

# Fields read through int() or bool(): a NUMERIC column may come back as a Decimal, a
# flag as 0/1 (the annotations are text under `from __future__ import annotations`).
_CAST: dict[object, type] = {"int": int, int: int, "bool": bool, bool: bool}


def record_of(kind: type[R], row: Row[Any], **converted: Any) -> R:
    """A row as the frozen record `kind` (a dataclass whose fields are named after the
    columns): each field the row's column of its name, an int or a bool field cast so,
    those given in `converted` as given (a status as its enum, JSON as its values)."""
    columns = row._mapping
    values: dict[str, Any] = {}
    for one in fields(kind):  # type: ignore[arg-type]
        if one.name in converted:
            values[one.name] = converted[one.name]
        else:
            value = columns[one.name]
            cast = _CAST.get(one.type)
            values[one.name] = value if cast is None or value is None else cast(value)
    return kind(**values)


class Keyed(Tenanted, Generic[R]):
    """A table whose rows the tenant knows by one id, read as records of type R."""

    key_name: ClassVar[str] = ""  # the id's column, when not named after the table

    @property
    def key(self) -> ColumnElement[str]:
        # most such tables name their id after themselves: orders.order_id, zones.zone_id…
        return self.table.c[self.key_name or f"{self.table.name.removesuffix('s')}_id"]

    def record(self, row: Row[Any]) -> R:
        raise NotImplementedError

    def get(self, key: str, lock: bool = False) -> R | None:
        row = self.first(self.select().where(self.key == key), lock)
        return None if row is None else self.record(row)

    def exists(self, key: str) -> bool:
        return self.first(self.select(self.key).where(self.key == key)) is not None

    def change(self, key: str, **values: Any) -> None:
        """Set columns of one row (its status, the times it took its steps…)."""
        self.connection.execute(self.update().where(self.key == key).values(**values))

    def put(self, key: str, exists: bool, values: Mapping[str, Any]) -> None:
        """One row set whole: inserted, or (`exists`, as the caller just read) updated."""
        if exists:
            self.change(key, **values)
        else:
            self.connection.execute(self.insert(**{self.key.name: key}, **values))

    def records(self, statement: Select[Any], limit: int, after: str | None) -> list[R]:
        """A page of the statement's rows in id order, those past `after`."""
        return [self.record(row) for row in self.after(statement, self.key, limit, after)]
