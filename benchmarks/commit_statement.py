"""What sending a lone order's commit statement costs the client, three ways.

    python benchmarks/commit_statement.py [--sends 300]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

It places 60 orders created paid through the use cases on a fresh PostgreSQL database
(`order_cost.service_cost`), keeps the last commit statement (the one that writes every
table and numbers the rows, store/database.py `write_together`) with its parameters, and
sends it again `--sends` times, each in a savepoint rolled back, on one connection:

- through SQLAlchemy (`exec_driver_sql`), with its parameters named (`%(name)s`);
- on psycopg's cursor, named;
- on psycopg's `RawCursor`, numbered (`$1`);
- through SQLAlchemy on that cursor, numbered, as the service sends it since 2026-12-06
  (store/database.py `_send_numbered`).

It prints the CPU microseconds a send (process time: the server's work and the wait for
it are not counted), each way twice, interleaved. psycopg reads a statement with named
parameters at each execution and keeps what it read only of one shorter than 4,096
characters with at most 50 parameters; the commit is longer. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from typing import Any

import psycopg
from machine import describe
from order_cost import postgres_database, service_cost
from sqlalchemy import create_engine, event

from zengzhi.store.database import Database, _send_numbered


def last_commit(url: str) -> tuple[str, list[Any], str, dict[str, Any]]:
    """The last `WITH …` statement 60 lone orders sent, with its parameters, numbered
    (as sent) and named (`$3` as `%(p3)s`)."""
    sent: list[tuple[str, Any]] = []
    start = Database.__init__

    def listening(database: Database, given: str) -> None:
        start(database, given)
        for engine in database.engines:
            event.listen(engine, "before_cursor_execute", heard)

    def heard(_c: Any, _k: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.startswith("WITH"):
            sent.append((statement, parameters))

    Database.__init__ = listening  # type: ignore[method-assign]
    try:
        service_cost(url, 60, paid=True)
    finally:
        Database.__init__ = start  # type: ignore[method-assign]
    numbered, sent_values = sent[-1]
    # a new order of a member with no position yet: each send is rolled back
    values = [
        {"o59": "zz", "order:o59": "order:zz", "m59": "m150"}.get(value, value)
        if isinstance(value, str)
        else value
        for value in sent_values
    ]
    named = re.sub(r"\$(\d+)", lambda found: f"%(p{found.group(1)})s", numbered)
    return numbered, values, named, {f"p{n + 1}": value for n, value in enumerate(values)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=300)
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    print(describe())
    url, drop = postgres_database(args.postgres)
    try:
        numbered, values, named, params = last_commit(url)
        print(f"the commit: {len(named):,} characters, {len(values)} parameters")
        engine = create_engine(url)
        with engine.connect() as connection:
            driver: Any = connection.connection.driver_connection
            ways: list[tuple[str, Callable[[], Any]]] = [
                ("SQLAlchemy, named", lambda: connection.exec_driver_sql(named, params).one()),
                ("psycopg, named", lambda: driver.execute(named, params).fetchone()),
                (
                    "psycopg RawCursor, numbered",
                    lambda: psycopg.RawCursor(driver).execute(numbered, values).fetchone(),
                ),
                (
                    "SQLAlchemy on it (the service)",
                    lambda: _send_numbered(connection, numbered, tuple(values)).one(),
                ),
            ]
            for name, send in ways + ways:
                spent = 0.0
                for n in range(args.sends + 20):  # the first 20: psycopg prepares it
                    savepoint = connection.begin_nested()
                    started = time.process_time()
                    send()
                    if n >= 20:
                        spent += time.process_time() - started
                    savepoint.rollback()
                print(f"{name:<30}{spent / args.sends * 1e6:>8.0f} µs CPU a send")
        engine.dispose()
    finally:
        drop()


if __name__ == "__main__":
    main()
