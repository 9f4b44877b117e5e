"""A result's columns described only when read (store/database.py `_Description`): the
service's PostgreSQL cursors answer `description` as psycopg's own do (names, types,
None for a command), SQLAlchemy's results keep their columns whether it has seen the
statement before or not, and a description read after its cursor moved on is refused,
not answered with the next result's columns."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Connection, column, literal_column, select, table

from zengzhi.store.database import Database

_STATEMENTS = [
    "SELECT 1 AS one, 'a'::varchar(5) AS two, now() AS three, NULL::numeric(12, 2) AS four",
    "SELECT 1 AS one WHERE false",  # no row: still a description
    "SELECT",  # no column: an empty one
    "SET LOCAL statement_timeout = 0",  # a command: none
    "CREATE TEMP TABLE t_described (a int) ON COMMIT DROP",
]


@pytest.fixture
def connection(postgres_url: str) -> Iterator[Connection]:
    database = Database(postgres_url)
    try:
        with database.write() as connection:
            yield connection
    finally:
        database.dispose()


@pytest.mark.parametrize("statement", _STATEMENTS)
def test_a_description_is_psycopgs(connection: Connection, statement: str) -> None:
    driver = connection.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    ours = driver.cursor()
    theirs = psycopg.Cursor(driver)
    assert type(ours) is not psycopg.Cursor  # the service's, with its columns made late
    ours.execute(statement)
    theirs.execute(statement.replace("t_described", "t_described_2"))
    mine, psycopgs = ours.description, theirs.description
    if psycopgs is None:
        assert mine is None
        return
    assert mine is not None and len(mine) == len(psycopgs)
    assert [tuple(one) for one in mine] == [tuple(one) for one in psycopgs]
    assert [one.name for one in mine[:2]] == [one.name for one in psycopgs[:2]]


def test_a_description_read_after_the_next_result_is_refused(connection: Connection) -> None:
    driver = connection.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    cursor = driver.cursor()
    cursor.execute("SELECT 1 AS first")
    kept = cursor.description
    assert kept is not None
    cursor.execute("SELECT 2 AS second, 3 AS third")
    assert len(kept) == 1  # counted from its own result
    with pytest.raises(RuntimeError, match="after its next result"):
        kept[0]


def test_sqlalchemy_results_keep_their_columns(connection: Connection) -> None:
    """The first run of a compiled statement builds its columns from the description,
    the later ones reuse them; a statement sent as text builds them every time."""
    numbers = select(
        literal_column("1").label("one"), literal_column("'二'").label("two"), column("three")
    ).select_from(table("g", column("three")))
    connection.exec_driver_sql("CREATE TEMP TABLE g (three int) ON COMMIT DROP")
    connection.exec_driver_sql("INSERT INTO g VALUES (3), (4)")
    for _ in range(3):
        rows = connection.execute(numbers).all()
        assert [tuple(row) for row in rows] == [(1, "二", 3), (1, "二", 4)]
        assert [row.three for row in rows] == [3, 4] and rows[0]._fields == ("one", "two", "three")
        raw = connection.exec_driver_sql("SELECT three, three * 2 AS double FROM g ORDER BY 1")
        assert list(raw.keys()) == ["three", "double"]
        assert [row.double for row in raw] == [6, 8]
