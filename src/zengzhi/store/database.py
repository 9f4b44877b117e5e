"""Connecting to the database: SQLite by default, PostgreSQL by URL.

SQLite runs one writer at a time (`BEGIN IMMEDIATE`, WAL, a busy timeout), so commands
never race. PostgreSQL runs many: commands lock the rows they decide on (`FOR UPDATE`)
and a command that loses a deadlock or a race on a unique key is run again, whole.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import select
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar, overload

import psycopg
from psycopg import Column
from psycopg.pq import ExecStatus
from psycopg.types.json import Json, Jsonb
from sqlalchemy import (
    ARRAY,
    Boolean,
    ColumnElement,
    Connection,
    Dialect,
    Engine,
    Insert,
    Row,
    String,
    Table,
    TypeDecorator,
    Update,
    bindparam,
    cast,
    create_engine,
    event,
    func,
    insert,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, StatementError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

from zengzhi.core.errors import DomainError, ErrorCode

T = TypeVar("T")

# PostgreSQL states worth running the whole command again for.
_RETRY_STATES = {"40001", "40P01", "23505"}  # serialization, deadlock, unique race


def advisory_key(name: str) -> int:
    """A name as PostgreSQL names an advisory lock: 64 bits of its SHA-256."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


_HOLD = text("SELECT pg_advisory_xact_lock(:key)")
_HOLD_SHARED = text("SELECT pg_advisory_xact_lock_shared(:key)")


def hold_advisory(connection: Connection, name: str, shared: bool = False) -> None:
    """PostgreSQL's advisory lock `name`, alone or `shared`, held to the end of the
    transaction (on SQLite a write transaction has the whole database already)."""
    if connection.dialect.name == "postgresql":
        connection.execute(_HOLD_SHARED if shared else _HOLD, {"key": advisory_key(name)})


def insert_if_absent(connection: Connection, table: Table, **values: Any) -> None:
    """INSERT … ON CONFLICT DO NOTHING, in the connection's dialect: a row that may be
    there already, after which the caller locks and reads it."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    connection.execute(dialect.insert(table).values(**values).on_conflict_do_nothing())


def upsert(
    connection: Connection,
    table: Table,
    values: dict[str, Any],
    changes: dict[str, Any],
    returning: tuple[Any, ...] = (),
) -> Any:
    """INSERT … ON CONFLICT (primary key) DO UPDATE SET `changes`, in the connection's
    dialect: one statement that the database applies atomically, so that processes at
    once each see the row as the one before them left it. The returned row, if asked."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement: Any = (
        dialect.insert(table)
        .values(**values)
        .on_conflict_do_update(index_elements=list(table.primary_key.columns), set_=changes)
    )
    if returning:
        return connection.execute(statement.returning(*returning)).one()
    connection.execute(statement)
    return None


@functools.cache
def insert_into(table: Table) -> Insert:
    """`insert(table)`, built once a table: a statement built anew at each execution
    costs SQLAlchemy's CPU again (its cache key), about as much as a simple statement's
    whole execution (docs/benchmarks.md, "What one order costs the service")."""
    return insert(table)


@functools.cache
def adding_upsert(table: Table, columns: tuple[str, ...], dialect: str) -> Insert:
    """INSERT … ON CONFLICT (primary key) DO UPDATE SET each of `columns` = itself + the
    new row's, built once a table and dialect; run with the rows as parameters."""
    statement = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    upsert: Insert = statement.on_conflict_do_update(
        index_elements=list(table.primary_key.columns),
        set_={column: table.c[column] + statement.excluded[column] for column in columns},
    )
    return upsert


COPY_AT_LEAST = 50  # rows; fewer go as well by executemany's pipeline of INSERTs


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows of the same columns. On PostgreSQL, fifty or more go by COPY: a
    daily run writes tens of thousands of entries and postings, a part of a day hundreds,
    and COPY takes them faster than INSERTs (2.5 times for a day at once). Each value
    goes through its column's own bind processing (JSON, times in UTC) either way."""
    if connection.dialect.name != "postgresql" or len(rows) < COPY_AT_LEAST:
        connection.execute(insert_into(table), rows)
        return
    dialect = connection.dialect
    columns = [column for column in table.columns if column.name in rows[0]]
    processors = [column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns]
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(column.name) for column in columns)
    driver: Any = connection.connection.driver_connection  # psycopg's, in this transaction
    with (
        driver.cursor() as cursor,
        cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(
                [
                    process(row[column.name]) if process else row[column.name]
                    for column, process in zip(columns, processors, strict=True)
                ]
            )


@dataclass(frozen=True)
class Rows:
    """Rows for one table, all of one tenant, with the same columns, each beginning with
    `tenant_id`: inserted; or with the columns `adding` added to the row already there
    (ON CONFLICT on the primary key; the row's other columns stay as they were); or, with
    `keys`, the row of the tenant found by those columns updated to the others' values,
    or by them for the columns `adding` (a row this transaction locked already, or one
    locked `after`). `after`: an update written after the parts before it in its
    statement, as a lock taken after theirs must be (docs/service.md, "Lock order").
    `numbered`: (column, counter) for the rows of a `Then`, whose numbers its statement
    gives out."""

    table: Table
    rows: list[dict[str, Any]]
    adding: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    after: bool = False
    numbered: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Then:
    """What `write_together` writes after every part: `statement`, an UPDATE … RETURNING
    of one row (the tenant's counters), its parameters named apart from the parts'; then
    `rows`, inserted. A column of theirs `numbered` by a counter `name` holds the row's
    own number (1, 2, …) and is kept as the number the counter had before `statement`
    plus that: `statement` adds the parameter `name` to the counter and returns it as
    `name_seq`. So the rows a command numbers go in the statement that numbers them."""

    statement: Update
    params: Mapping[str, Any]
    rows: Sequence[Rows] = ()


def write_together(
    connection: Connection, parts: Sequence[Rows], then: Then | None = None
) -> Row[Any] | None:
    """Write several tables' rows, then `then` (its one row returned) and its rows. On
    PostgreSQL they go as one statement, each part an INSERT or UPDATE inside it (`WITH
    w0 AS (INSERT …), w1 AS (UPDATE …) INSERT …`), where a statement a part cost a round
    trip and SQLAlchemy's and psycopg's work for each: a lone order's commit wrote nine
    tables with ten statements, one now (docs/benchmarks.md, "What a command numbered,
    in one statement", and what follows it). PostgreSQL runs a statement's parts in an
    order it does not promise (the statement itself first, then the WITH's parts, the
    last first, in fact); nothing here depends on it, foreign keys being checked at the
    statement's end and a part's rows written, and locked, in their own order (a
    balance's account order), but for a part marked `after` and for `then`: each first
    counts the rows the parts before it returned, so that it locks nothing before they
    are all written; and `then`'s rows select from its row, so they come after it.
    Fifty rows or more of a table to insert go by COPY (`insert_rows`), the parts before
    them sent first (`then`'s rows, once it returned its row); on SQLite each part is
    its own statement, in order."""
    if any(part.after and not part.keys for part in parts):
        raise ValueError("write_together: only an update is written after the others")
    if then is not None and any(part.keys or part.after for part in then.rows):
        raise ValueError("write_together: the rows after `then` are inserted")
    if connection.dialect.name != "postgresql":
        _one_by_one(connection, parts)
        if then is None:
            return None
        row = connection.execute(then.statement, then.params).one()
        _one_by_one(connection, _numbered_from(row, then))
        return row
    if then is not None and any(len(part.rows) >= COPY_AT_LEAST for part in then.rows):
        counted = write_together(connection, parts, replace(then, rows=()))
        assert counted is not None  # what `then` returned
        write_together(connection, _numbered_from(counted, then))
        return counted
    together: list[Rows] = []
    for part in parts:
        if part.adding or part.keys or 0 < len(part.rows) < COPY_AT_LEAST:
            together.append(part)
        elif part.rows:
            _send_together(connection, together)
            together = []
            insert_rows(connection, part.table, part.rows)
    return _send_together(connection, together, then)


def _one_by_one(connection: Connection, parts: Sequence[Rows]) -> None:
    for part in parts:
        if part.rows and part.keys:
            connection.execute(
                _updating(part.table, tuple(part.rows[0]), part.keys, part.adding),
                [{f"b_{name}": value for name, value in row.items()} for row in part.rows],
            )
        elif part.rows and part.adding:
            upserting = adding_upsert(part.table, part.adding, connection.dialect.name)
            connection.execute(upserting, part.rows)
        elif part.rows:
            insert_rows(connection, part.table, part.rows)


def _numbered_from(row: Row[Any], then: Then) -> list[Rows]:
    """`then`'s rows as kept, numbered from the counters `row` returned."""
    written = []
    for part in then.rows:
        start = {
            counter: int(getattr(row, f"{counter}_seq")) - int(then.params[counter])
            for _, counter in part.numbered
        }
        rows = [
            {**one, **{column: start[counter] + one[column] for column, counter in part.numbered}}
            for one in part.rows
        ]
        written.append(replace(part, rows=rows, numbered=()))
    return written


@functools.cache
def _updating(
    table: Table, columns: tuple[str, ...], keys: tuple[str, ...], adding: tuple[str, ...]
) -> Update:
    """UPDATE of the row found by `tenant_id` and `keys`, setting the other `columns`
    (adding to those of `adding`), each given as the parameter `b_` + its name; built
    once a shape."""
    found = [table.c[name] == bindparam(f"b_{name}") for name in ("tenant_id", *keys)]
    values: dict[str, Any] = {
        name: table.c[name] + bindparam(f"b_{name}") if name in adding else bindparam(f"b_{name}")
        for name in columns
        if name not in keys
    }
    return update(table).where(*found).values(values)


def _send_together(
    connection: Connection, parts: Sequence[Rows], then: Then | None = None
) -> Row[Any] | None:
    parts = [part for part in parts if part.rows]
    later = [part for part in then.rows if part.rows] if then else []
    if not parts and not later:
        return connection.execute(then.statement, then.params).one() if then else None
    every = [*parts, *later]
    shape = tuple(
        (
            part.table,
            tuple(part.rows[0]),
            part.adding,
            part.keys,
            part.after,
            len(part.rows) == 1,
            part.numbered,
        )
        for part in every
    )
    statement, names, processors = _together(
        shape, len(parts), then.statement if then else None, connection.dialect
    )
    tenant = every[0].rows[0]["tenant_id"]
    params: dict[str, Any] = {"tenant_id": tenant, **(then.params if then else {})}
    for index, (part, (_, columns, *_, single, _)) in enumerate(zip(every, shape, strict=True)):
        n = _named(index, len(parts), then is not None)
        for column, process in zip(columns, processors[index], strict=True):
            if column == "tenant_id":
                if any(row["tenant_id"] != tenant for row in part.rows):
                    raise ValueError("write_together: rows of more than one tenant")
                continue
            values = [row[column] for row in part.rows]
            if process:
                values = [process(one) for one in values]
            params[f"{column}_{n}"] = values[0] if single else array_text(values)
    done = _send_numbered(connection, statement, tuple(params[name] for name in names))
    return done.one() if then else None


def _send_numbered(connection: Connection, statement: str, values: tuple[Any, ...]) -> Any:
    """A statement whose parameters are numbered (`$1`, as PostgreSQL numbers them), on a
    psycopg cursor that sends it as it is. psycopg reads a statement given with named
    parameters for them at every execution, and keeps what it read only of a statement
    shorter than 4,096 characters with at most 50 parameters: a lone order's commit,
    6,180 characters and 81 parameters, was read again each time, 0.4 to 0.6 ms of CPU
    (docs/benchmarks.md, "Numbered parameters"). SQLAlchemy still runs it (its events,
    its errors, its result)."""
    driver: Any = connection.connection.driver_connection  # psycopg's, in this transaction
    kept, driver.cursor_factory = driver.cursor_factory, _RawCursor
    try:
        return connection.exec_driver_sql(statement, values)
    finally:
        driver.cursor_factory = kept


_ROWS = frozenset({ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK})


class _Description(Sequence[Column]):
    """A result's `cursor.description`, its columns made when first read. SQLAlchemy
    asks every execution for it, but reads it only the first time a compiled statement
    runs (it keeps the result's shape with the statement); psycopg made a `Column` a
    column at each asking, 4 µs each: 60 to 100 µs a read of an order's rows
    (docs/benchmarks.md, "Four statements; the pool's parameters parsed once; columns
    described when read")."""

    __slots__ = ("_columns", "_cursor", "_result")

    def __init__(self, cursor: psycopg.Cursor[Any], result: Any) -> None:
        self._cursor = cursor
        self._result: Any = result  # psycopg's PGresult
        self._columns: list[Column] | None = None

    def _made(self) -> list[Column]:
        if self._columns is None:
            if self._cursor.pgresult is not self._result:  # a Column reads the cursor's
                raise RuntimeError("a cursor's description read after its next result")
            self._columns = [Column(self._cursor, i) for i in range(len(self))]
        return self._columns

    def __len__(self) -> int:
        return int(self._result.nfields)

    @overload
    def __getitem__(self, index: int) -> Column: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Column]: ...
    def __getitem__(self, index: int | slice) -> Column | Sequence[Column]:
        return self._made()[index]

    def __iter__(self) -> Iterator[Column]:
        return iter(self._made())

    def __repr__(self) -> str:
        return repr(self._made())


def _described(cursor: psycopg.Cursor[Any]) -> Sequence[Column] | None:
    result = cursor.pgresult  # psycopg's test for a description, then none made yet
    if result is not None and (result.nfields or result.status in _ROWS):
        return _Description(cursor, result)
    return None


class _Cursor(psycopg.Cursor[Any]):
    @property
    def description(self) -> Sequence[Column] | None:  # type: ignore[override]
        return _described(self)


class _RawCursor(psycopg.RawCursor[Any]):
    @property
    def description(self) -> Sequence[Column] | None:  # type: ignore[override]
        return _described(self)


def _named(index: int, before: int, then: bool) -> int:
    """The number of a statement's part (`w<n>`, and its parameters' suffix): the
    parts after `then` numbered on from it."""
    return index + 1 if then and index >= before else index


def array_text(values: Sequence[Any]) -> str:
    """`values` as PostgreSQL writes an array (`{1,"a b",NULL}`), for a parameter cast
    to an array type (`%(x)s::BIGINT[]`). psycopg dumps a list element by element in
    Python, finding each element's type and testing each string for quotes with a
    regular expression: a lone order's commit spent 0.2 to 0.4 ms of CPU there
    (docs/benchmarks.md, "Arrays as text"), and a day's parts more. Here each element's
    form is one lookup by its exact type, and every string is quoted, so none is
    searched. A type with no form here is refused, not guessed."""
    return "{" + ",".join([_ELEMENT.get(type(one), _unlisted)(one) for one in values]) + "}"


class _ArrayText(TypeDecorator[list[Any]]):
    """A list parameter sent as one string, PostgreSQL's text form of an array."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: list[Any] | None, dialect: Dialect) -> str | None:
        return None if value is None else array_text(value)


class OneOf(ColumnElement[bool]):
    """`column` is one of the values of the list parameter `name`.

    On PostgreSQL `column = ANY(CAST(:name AS type[]))`, the list sent as one array
    (`array_text`), so the statement is the one SQLAlchemy compiled and cached. Elsewhere
    `column IN (:name)` with an "expanding" parameter, which SQLAlchemy writes into the
    statement anew at each execution, a value a parameter: on PostgreSQL that was about
    6 % of a lone order's CPU, three of its statements having such a list
    (docs/benchmarks.md, "Lists as one array"). Built with `one_of`."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a condition, not a value compared with true
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy reads it as a list)
        ("column", InternalTraversal.dp_clauseelement),
        ("name", InternalTraversal.dp_string),
    ]

    def __init__(self, column: ColumnElement[Any], name: str) -> None:
        self.column = column
        self.name = name


def one_of(column: ColumnElement[Any], name: str) -> OneOf:
    return OneOf(column, name)


@compiles(OneOf)
def _one_of_expanding(element: OneOf, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column.in_(bindparam(element.name, expanding=True)), **kw)


@compiles(OneOf, "postgresql")
def _one_of_array(element: OneOf, compiler: SQLCompiler, **kw: Any) -> str:
    listed = cast(bindparam(element.name, type_=_ArrayText()), ARRAY(element.column.type))
    return compiler.process(element.column == func.any(listed), **kw)


def _quoted(text: str) -> str:
    """An array element in double quotes: inside them only `"` and `\\` are escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _json_text(value: Json | Jsonb) -> str:
    dumped = (value.dumps or json.dumps)(value.obj)
    return _quoted(dumped.decode() if isinstance(dumped, bytes) else dumped)


_ELEMENT: dict[type, Callable[[Any], str]] = {
    int: int.__repr__,
    str: _quoted,
    type(None): lambda _: "NULL",
    bool: lambda one: "t" if one else "f",
    datetime: lambda one: _quoted(one.isoformat()),
    date: date.isoformat,
    Decimal: lambda one: format(one, "f"),
    bytes: lambda one: _quoted("\\x" + one.hex()),
    Json: _json_text,
    Jsonb: _json_text,
}


def _unlisted(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):  # an IntEnum's member
        return int.__repr__(value)
    if isinstance(value, str):  # a str enum's member: its text, not its name
        return _quoted(str.__str__(value))
    raise TypeError(f"no PostgreSQL array form for a {type(value).__name__}: {value!r}")


def _written_before(n: int) -> str:
    """A condition on the rows the WITH's first `n` parts returned, true once they are
    written: PostgreSQL checks a condition on them alone before reading any row of the
    statement it is in (`EXPLAIN`: a one-time filter over their counts), and can count
    a part's rows only once it has written them all. Not asked, they were written after
    that statement (tried: PostgreSQL runs the statement itself first)."""
    return " + ".join(f"(SELECT count(*) FROM w{k})" for k in range(n)) + " >= 0"


Shape = tuple[
    Table,
    tuple[str, ...],
    tuple[str, ...],
    tuple[str, ...],
    bool,
    bool,
    tuple[tuple[str, str], ...],
]


@functools.lru_cache(maxsize=256)
def _together(
    shape: tuple[Shape, ...], before: int, then: Update | None, dialect: Dialect
) -> tuple[str, tuple[str, ...], list[list[Any]]]:
    """The statement for rows of this shape (tables, their columns, what each adds, the
    keys each updates by, whether it is written after the parts before it, whether it is
    one row, its numbered columns), the first `before` parts before `then` and the
    others after it, and each column's bind processing (JSON, times in UTC), as its type
    does in an INSERT. The last part (or `then`, when no rows follow it) is the
    statement itself, the others the WITH before it: a statement that returns no rows
    costs SQLAlchemy no result. A part of one row takes a parameter a column, not an
    array: psycopg dumps an array element by element in Python, which cost a lone
    order more than any of its statements' other work (docs/benchmarks.md, "One row,
    one parameter")."""
    parts: list[str] = []
    processors: list[list[Any]] = []
    for index, (table, columns, adding, keys, after, single, numbered) in enumerate(shape):
        n = _named(index, before, then is not None)
        if columns[0] != "tenant_id":  # the one parameter for the tenant, first
            raise ValueError(f"write_together: {table.name}'s rows must begin with tenant_id")
        typed = [table.c[name] for name in columns[1:]]
        if single:
            values = ", ".join(
                f"%({c.name}_{n})s::{c.type.compile(dialect=dialect)} AS {c.name}" for c in typed
            )
            source = f"(SELECT {values}, 1 AS i) AS v"
        else:
            arrays = ", ".join(
                f"%({c.name}_{n})s::{c.type.compile(dialect=dialect)}[]" for c in typed
            )
            names = ", ".join(c.name for c in typed)
            source = f"unnest({arrays}) WITH ORDINALITY AS v({names}, i)"
        if index >= before:  # after `then`, from its row (`c`)
            source = f"w{before} AS c, {source}"
        if keys:
            sets = ", ".join(
                f"{c.name} = t.{c.name} + v.{c.name}"
                if c.name in adding
                else f"{c.name} = v.{c.name}"
                for c in typed
                if c.name not in keys
            )
            found = " AND ".join(f"t.{key} = v.{key}" for key in keys)
            if after and n:
                found += f" AND {_written_before(n)}"
            sql = (
                f"UPDATE {table.name} AS t SET {sets} FROM {source}"
                f" WHERE t.tenant_id = %(tenant_id)s AND {found}"
            )
        else:
            counters = dict(numbered)
            values = ", ".join(
                f"c.{counters[c.name]}_seq - %({counters[c.name]})s::bigint + v.{c.name}"
                if c.name in counters
                else f"v.{c.name}"
                for c in typed
            )
            sql = (
                f"INSERT INTO {table.name} ({', '.join(columns)})"
                f" SELECT %(tenant_id)s, {values} FROM {source} ORDER BY v.i"
            )
        if adding and not keys:
            primary = ", ".join(column.name for column in table.primary_key.columns)
            sets = ", ".join(f"{one} = {table.name}.{one} + excluded.{one}" for one in adding)
            sql += f" ON CONFLICT ({primary}) DO UPDATE SET {sets}"
        parts.append(sql)
        processors.append([c.type.dialect_impl(dialect).bind_processor(dialect) for c in typed])
    counted = then is not None or any(after for _, _, _, _, after, _, _ in shape)
    named = [f"w{n} AS ({sql}{' RETURNING 1' if counted else ''})" for n, sql in enumerate(parts)]
    if then is None:
        named, statement = named[:-1], parts[-1]
    else:
        numbering = str(
            (then.where(text(_written_before(before))) if before else then).compile(dialect=dialect)
        )
        # the rows after it, numbered on from it: no one counts them
        later = [f"w{n + 1} AS ({sql})" for n, sql in enumerate(parts[before:], start=before)]
        if later:
            named = [*named[:before], f"w{before} AS ({numbering})", *later]
            statement = f"SELECT * FROM w{before}"
        else:
            named, statement = named[:before], numbering
    sent, given = _numbered((f"WITH {', '.join(named)} " if named else "") + statement)
    return sent, given, [[None, *one] for one in processors]


_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


def _numbered(statement: str) -> tuple[str, tuple[str, ...]]:
    """`statement` with its named parameters (`%(name)s`) numbered (`$1`; a name given
    twice, the same number), and their names in that order."""
    names: dict[str, int] = {}

    def number(found: re.Match[str]) -> str:
        name = found.group(1)
        if name is None:  # `%%`, a percent sign
            return "%"
        return f"${names.setdefault(name, len(names) + 1)}"

    return _PLACEHOLDER.sub(number, statement), tuple(names)


BULK_AT_LEAST = 100  # rows; fewer go one statement each (executemany's pipeline)


def bulk(connection: Connection, rows: int) -> bool:
    """Whether `rows` rows of one change go as one statement over arrays (PostgreSQL)."""
    return connection.dialect.name == "postgresql" and rows >= BULK_AT_LEAST


def _arrays(
    columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]
) -> tuple[str, dict[str, Any]]:
    """`unnest` over one array a column (name, SQL type), in the rows' order (`i`)."""
    params = {f"a{n}": array_text([row[n] for row in rows]) for n in range(len(columns))}
    arrays = ", ".join(f"%(a{n})s::{kind}[]" for n, (_, kind) in enumerate(columns))
    names = ", ".join(name for name, _ in columns)
    return f"unnest({arrays}) WITH ORDINALITY AS v({names}, i)", params


def bulk_update(
    connection: Connection,
    table: Table,
    fixed: Mapping[str, Any],
    keys: Sequence[tuple[str, str]],
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Any]],
    added: Sequence[str] = (),
) -> None:
    """UPDATE many rows found by `fixed` and `keys` (name, SQL type) in one statement
    (PostgreSQL): each row's `columns` set to its values, or added to for `added`."""
    source, params = _arrays([*keys, *columns], rows)
    params |= {f"f_{name}": value for name, value in fixed.items()}
    where = [f"t.{name} = %(f_{name})s" for name in fixed]
    where += [f"t.{name} = v.{name}" for name, _ in keys]
    sets = ", ".join(
        f"{name} = t.{name} + v.{name}" if name in added else f"{name} = v.{name}"
        for name, _ in columns
    )
    connection.exec_driver_sql(
        f"UPDATE {table.name} AS t SET {sets} FROM {source} WHERE {' AND '.join(where)}",
        params,
    )


def unreachable(url: str, error: DBAPIError) -> str:
    """A database that cannot be reached or read, in one line: its URL without the
    password, the driver's first line, and the likely cure for a missing table."""

    shown = make_url(url).render_as_string(hide_password=True)
    reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    missing = "no such table" in reason or "does not exist" in reason
    hint = " (is it at the current schema? `zengzhi db upgrade`)" if missing else ""
    return f"database {shown}: {reason}{hint}"


def create_private(path: Path) -> None:
    """Create the SQLite file readable and writable by its owner only (it holds webhook
    and gateway secrets); SQLite gives its -wal and -shm files the same mode. A file
    that exists is left as it is."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)


class LostRace(Exception):
    """A command refused because its twin (the same id, sent at the same instant) was
    committed while it ran: run it again, whole, and it answers as a repeat."""


def is_retryable(error: BaseException) -> bool:
    if isinstance(error, LostRace):
        return True
    if not isinstance(error, DBAPIError):
        return False
    state = getattr(error.orig, "sqlstate", None)
    if state in _RETRY_STATES:
        return True
    return "database is locked" in str(error.orig)


_OUT_OF_RANGE = "22003"  # PostgreSQL: numeric value out of range (a bigint column's)


def past_the_books(error: BaseException) -> DomainError | None:
    """The refusal for a command that would write a figure past what a BIGINT column
    holds (2^63 − 1 fen or 1/10000 points), or None for any other error. Each amount
    that enters is under a trillion (core/amounts.py), but a promise made of one (a zone
    giving 1,000 ad points a yuan of an order of 999,999,999,999) or a balance summing
    many can pass it: PostgreSQL refuses the row, SQLite's driver the value, and the
    command was a 500. No single number here would be a mistake of ours to fix: the
    order is too large for the books, said at its amount, and nothing is written."""
    cause = error.orig if isinstance(error, StatementError) else error
    too_large = isinstance(cause, OverflowError) and "SQLite INTEGER" in str(cause)
    if too_large or getattr(cause, "sqlstate", None) == _OUT_OF_RANGE:
        return DomainError(
            ErrorCode.INVALID,
            "is too large for the books: a promise or a balance it would make passes"
            f" {2**63 - 1:,} of the smallest units a column keeps",
            "amount",
        )
    return None


class Database:
    """Two engines on one database: writes (serialized on SQLite) and reads."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.writer = _sqlite_engine(url, begin="BEGIN IMMEDIATE")
            self.reader = _sqlite_engine(url, begin="BEGIN")
            self.grouped = self.writer
        else:
            # kept connections for the request threads a busy server has at once (40 by
            # default): with 10 kept, 50 clients made PostgreSQL start a new backend
            # for about one request in ten (579 sessions for 3,000 orders; 34 now)
            self.writer = _postgres_engine(url, pool_size=26, max_overflow=6)
            self.reader = self.writer
            # the grouped commands' own (service/sequencer.py): they are a few statements
            # of the same shape every time, keyed, with their lists as one array, and
            # PostgreSQL's `auto` planned two of a lone order's four again at each run (it
            # prices a generic plan for an array of unknown length above a custom plan for
            # one element): a third of PostgreSQL's CPU an order. Their sessions plan each
            # prepared statement once. Everything else keeps the server's setting: the
            # console's charts and a zone's day read ranges, where a plan for the values
            # given is worth its planning (generic plans made the pool's chart three
            # times slower, a day four times). docs/benchmarks.md, "Statements planned
            # once". At most WRITERS groups write
            # at once in a process (the sequencer), with room for a second sequencer.
            self.grouped = _postgres_engine(
                url, pool_size=4, max_overflow=4, options="-c plan_cache_mode=force_generic_plan"
            )
        # each engine once (on PostgreSQL the reader is the writer, on SQLite the grouped)
        self.engines = tuple({self.writer: None, self.reader: None, self.grouped: None})
        # each tenant's settings as this process last saw them kept: a command begins
        # with them and checks them before it keeps or answers anything (store/uow.py);
        # shared by the process's threads, so read and replaced, never changed in place
        self.known_settings: dict[str, dict[str, Any]] = {}

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self.writer.begin() as connection:
            yield connection

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.reader.begin() as connection:
            yield connection

    @contextmanager
    def glance(self) -> Iterator[Connection]:
        """A read of one statement, outside any transaction: on PostgreSQL the statement
        is its own, one round trip where `read` sends BEGIN, the statement and COMMIT
        (a request's check of its API key or session, at every request: docs/benchmarks.md)."""
        if self.is_sqlite:
            with self.read() as connection:
                yield connection
            return
        with self.reader.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            yield connection

    def retrying(self, command: Callable[[], T], attempts: int = 8) -> T:
        """Run a whole command again when the database says it lost a race."""
        for attempt in range(attempts):
            try:
                return command()
            except (StatementError, OverflowError, LostRace) as error:
                refusal = past_the_books(error)
                if refusal is not None:
                    raise refusal from error
                if not is_retryable(error) or attempt == attempts - 1:
                    raise
                time.sleep(min(200, 5 * 2**attempt) / 1000)  # milliseconds of back-off
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        for engine in self.engines:
            engine.dispose()


def _postgres_engine(url: str, pool_size: int, max_overflow: int, options: str = "") -> Engine:
    """An engine whose cursors describe their columns when read (`_Cursor`), whose pooled
    connections are checked without a round trip (`_alive`), with `options` for the
    sessions' settings (added to any the URL gives)."""
    connect_args: dict[str, Any] = {"cursor_factory": _Cursor}
    if options:
        given = make_url(url).query.get("options", ())
        connect_args["options"] = " ".join(
            (*([given] if isinstance(given, str) else given), options)
        )
    engine = create_engine(
        url, pool_size=pool_size, max_overflow=max_overflow, connect_args=connect_args
    )
    event.listen(engine, "checkout", _alive)
    return engine


def _alive(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Refuse a pooled connection the database has ended (a restart, a failover, an idle
    timeout, `pg_terminate_backend`), so that the pool opens another in its place.

    An idle connection is sent nothing unless it is ended: PostgreSQL then writes its
    reason and closes the socket, which is readable from then on. One `select` with no
    wait says so, where SQLAlchemy's pre-ping sent `SELECT 1` and switched autocommit
    on and off around it at every checkout: three waits on psycopg, about 230 µs of a
    lone order's CPU (docs/benchmarks.md, "A connection checked without a round trip").
    A connection that dies silently (a cable cut) is found by neither before its first
    statement, which then fails as it would have after a pre-ping. A live connection
    sent something while idle (the service listens for no notifications) is replaced
    too: a new connection, nothing worse."""
    readable, _, _ = select.select([dbapi_connection.pgconn.socket], [], [], 0)
    if readable:
        raise DisconnectionError("the database ended this connection while it was pooled")


def _sqlite_engine(url: str, begin: str) -> Engine:
    path = make_url(url).database  # None or "" for `sqlite://`: in memory, no file
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        create_private(Path(path))
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we say BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql(begin)

    return engine
