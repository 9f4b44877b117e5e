"""What one completed order costs the service: CPU and SQL statements, with the engine's
own share beside it (issue 16's first target: at most 1 ms of CPU and 6 statements an
order on PostgreSQL, or a group's statements shared by its orders).

    python benchmarks/order_cost.py [--orders 2000] [--group 1] [--clients 1] [--paid]
        [--database sqlite|postgresql|both]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
    python benchmarks/order_cost.py --one-member 3000 [--block 500] [--database ...]
    python benchmarks/order_cost.py --stages [--orders 1500] [--paid] [--database ...]

For each database: a fresh tenant with a pool (k = 2) and members; then `--orders`
orders (on PostgreSQL after the HTTP benchmark's warm-up, 2,000 orders of another
tenant, and an ANALYZE, as a live database has rows and statistics), each created and
paid through the use cases (`service.orders.create_order`, `pay`; a return window of 0
completes it at payment), in one process, no HTTP, from
`--clients` threads at once (what the HTTP benchmark's single requests do, without
HTTP), or `--group` orders a batch. It prints CPU microseconds and statements per order
(counted by SQLAlchemy's cursor events) and orders a second, and the engine alone on the
same orders in memory (`Engine.apply`). Nothing here is a test.

`--one-member N` measures instead what one member's orders cost as their position grows:
N orders of 10.00 (3.00 to the pool) by one member into one pool with an exit multiple of
100, so that the position never closes and keeps a lot for each (the warm-up and ANALYZE
as above first), created and paid one command each; it prints CPU milliseconds and
statements an order for each block of `--block` orders. A position's lots were one JSON
column rewritten whole with each order (docs/benchmarks.md): the later blocks cost more.

`--stages` prints beside the totals the CPU (process time) of the timed orders spent in
each stage of a command: the unit of work's begin, its rules (the engine, with the
reads they make) and its commit; psycopg's waits on the server (libpq's sending and
reading are inside them) by what was waited for, its conversion of parameters, and
SQLAlchemy's set-up of each result. Each stage is wrapped where it is defined while the
orders run, a few µs an order; the figures are inclusive (a wait inside the commit is
in both).
"""

from __future__ import annotations

import argparse
import collections
import secrets
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import psycopg
from autoanalyze import analyze
from http_throughput import warm_up
from machine import describe
from psycopg._queries import PostgresQuery, PostgresRawQuery
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.engine.default import DefaultExecutionContext

from zengzhi.core.events import CompleteOrder, OrderLine
from zengzhi.core.ledger import MemoryLedger
from zengzhi.engine.engine import Engine
from zengzhi.engine.state import MemoryPools, TenantState, memory_pool
from zengzhi.rules.pool import PoolParams
from zengzhi.service import members, orders, pools, tenants
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.members import NewMember
from zengzhi.service.orders import NewOrder, OrderBatch
from zengzhi.service.pools import NewPool
from zengzhi.service.settings import Settings
from zengzhi.service.tenants import NewTenant
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade
from zengzhi.store.uow import UnitOfWork

MEMBERS = 200


class Counter:
    """Statements sent to the database, counted at the cursor."""

    def __init__(self) -> None:
        self.statements = 0

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        self.statements += 1


class Stages:
    """CPU seconds and calls by stage, counted between `start` and `stop`."""

    WRAPPED: tuple[tuple[Any, str, str], ...] = (
        (UnitOfWork, "__enter__", "unit of work: begin (the pool's checkout, the stores)"),
        (UnitOfWork, "apply", "unit of work: the rules (the engine, the reads they make)"),
        (UnitOfWork, "commit", "unit of work: commit (its statement, COMMIT)"),
        (PostgresQuery, "convert", "psycopg: parameters converted, named"),
        (PostgresRawQuery, "convert", "psycopg: parameters converted, numbered"),
        (DefaultExecutionContext, "_setup_result_proxy", "SQLAlchemy: a result's set-up"),
    )

    def __init__(self) -> None:
        self.cpu: collections.Counter[str] = collections.Counter()
        self.calls: collections.Counter[str] = collections.Counter()
        self.counting = False
        self._kept: list[tuple[Any, str, Any]] = []

    def __enter__(self) -> Stages:
        for owner, name, label in self.WRAPPED:
            self._wrap(owner, name, _named(label))
        # psycopg's waits, by the generator waited on (a statement, the COMMIT, ...)
        self._wrap(psycopg.Connection, "wait", lambda _, gen, *__: f"psycopg: {_waited(gen)}")
        return self

    def _wrap(self, owner: Any, name: str, label: Callable[..., str]) -> None:
        inner = getattr(owner, name)
        self._kept.append((owner, name, inner))

        def timed(*args: Any, **kwargs: Any) -> Any:
            if not self.counting:
                return inner(*args, **kwargs)
            started = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                key = label(*args)
                self.cpu[key] += time.process_time() - started
                self.calls[key] += 1

        setattr(owner, name, timed)

    def __exit__(self, *_: Any) -> None:
        for owner, name, inner in reversed(self._kept):
            setattr(owner, name, inner)

    def print(self, orders: int) -> None:
        print(f"{'stage (inclusive)':<62}{'CPU µs/order':>14}{'calls/order':>13}")
        for key, spent in self.cpu.most_common():
            print(f"{key:<62}{spent / orders * 1e6:>14.0f}{self.calls[key] / orders:>13.1f}")


def _named(label: str) -> Callable[..., str]:
    return lambda *_: label


_WAITED = {
    "_execute_gen": "waits on a statement",
    "_commit_gen": "waits on COMMIT",
    "_rollback_gen": "waits on ROLLBACK (the pool's reset)",
    "_set_autocommit_gen": "waits on autocommit set",
}


def _waited(gen: Any) -> str:
    name = getattr(gen, "__name__", "?")
    return _WAITED.get(name, f"waits on {name}")


def service_cost(
    url: str,
    count: int,
    group: int = 1,
    clients: int = 1,
    paid: bool = False,
    stages: Stages | None = None,
) -> tuple[float, float, float]:
    """(CPU µs, statements) per order through the use cases, and orders a second: one
    command each to create and to pay (`group` 1), from `clients` threads at once (the
    tenant's line groups what waits), or `group` orders a batch (`create_orders` with
    `pay`), which the line commits together; `paid`: one command each, created with
    `pay` (what `POST /v1/orders` with `"pay": true` runs)."""
    settings = Settings(database_url=url, secret_key=secrets.token_urlsafe(40))  # type: ignore[arg-type]
    context = Context(Database(url), settings)
    upgrade(context.database.writer)
    tenant = f"cost{secrets.token_hex(3)}"
    tenants.create_tenant(
        context, NewTenant(id=tenant, name=tenant, owner="owner", password="benchmark-password")
    )
    owner = Principal(tenant, "system:benchmark", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="2"))
    for n in range(MEMBERS):
        members.create_member(context, owner, NewMember(id=f"m{n}"))
    warm_up(url)  # a live database has rows and statistics (autoanalyze.py)
    analyze(url)
    requests = [
        NewOrder(id=f"o{n}", member=f"m{n % MEMBERS}", amount="1000.00", contribution="300.00")
        for n in range(count)
    ]
    counted = Counter()
    for engine in context.database.engines:
        event.listen(engine, "before_cursor_execute", counted)
    if stages is not None:
        stages.counting = True
    started, wall = time.process_time(), time.perf_counter()
    if group == 1:

        def one(request: NewOrder) -> None:
            if paid:
                made, _ = orders.create_order(
                    context, owner, request.model_copy(update={"pay": True})
                )
                assert made.status == "completed", made
                return
            orders.create_order(context, owner, request)
            orders.pay(context, owner, request.id)

        with ThreadPoolExecutor(clients) as threads:
            list(threads.map(one, requests))
    else:
        for start in range(0, count, group):
            batch = OrderBatch(orders=requests[start : start + group], pay=True)
            answers = orders.create_orders(context, owner, batch)
            assert all(one.outcome == "created" for one in answers), answers[0]
    cpu, wall = time.process_time() - started, time.perf_counter() - wall
    if stages is not None:
        stages.counting = False
    context.database.dispose()
    return cpu / count * 1e6, counted.statements / count, count / wall


def one_member_cost(url: str, count: int, block: int) -> list[tuple[float, float]]:
    """(CPU ms, statements) an order, for each block of `block` orders of one member whose
    position never closes: create and pay through the use cases, one command each."""
    settings = Settings(database_url=url, secret_key=secrets.token_urlsafe(40))  # type: ignore[arg-type]
    context = Context(Database(url), settings)
    upgrade(context.database.writer)
    tenant = f"one{secrets.token_hex(3)}"
    tenants.create_tenant(
        context, NewTenant(id=tenant, name=tenant, owner="owner", password="benchmark-password")
    )
    owner = Principal(tenant, "system:benchmark", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="100"))
    members.create_member(context, owner, NewMember(id="m1"))
    warm_up(url)
    analyze(url)
    counted = Counter()
    for engine in context.database.engines:
        event.listen(engine, "before_cursor_execute", counted)
    blocks = []
    for start in range(0, count, block):
        ids = range(start, min(start + block, count))
        counted.statements, began = 0, time.process_time()
        for n in ids:
            request = NewOrder(id=f"o{n}", member="m1", amount="10.00", contribution="3.00")
            orders.create_order(context, owner, request)
            orders.pay(context, owner, request.id)
        cpu = time.process_time() - began
        blocks.append((cpu / len(ids) * 1e3, counted.statements / len(ids)))
    context.database.dispose()
    return blocks


def print_one_member(database: str, blocks: list[tuple[float, float]], block: int) -> None:
    for n, (cpu, statements) in enumerate(blocks):
        first, last = n * block, (n + 1) * block
        print(f"{database:<12}{f'{first:,}–{last:,}':>14}{cpu:>14.2f}{statements:>12.1f}")


def engine_cost(count: int) -> float:
    """CPU µs per order of the engine alone, in memory, on the same orders."""
    state = TenantState(MemoryLedger(), MemoryPools({"main": memory_pool("main", PoolParams())}))
    engine = Engine(state)
    line = OrderLine(100_000, 30_000, "main", platform=70_000)
    events = [CompleteOrder(f"o{n}", f"m{n % MEMBERS}", (line,)) for n in range(count)]
    started = time.process_time()
    for one in events:
        engine.apply(one)
    return (time.process_time() - started) / count * 1e6


def postgres_database(admin: str) -> tuple[str, Any]:
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    name = f"zengzhi_cost_{secrets.token_hex(4)}"
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        engine.dispose()

    return make_url(admin).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument(
        "--group", type=int, default=1, help="orders a batch (1: one command each, no batch)"
    )
    parser.add_argument(
        "--clients", type=int, default=1, help="threads placing single orders at once"
    )
    parser.add_argument(
        "--paid", action="store_true", help='each order one command, created with "pay"'
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument(
        "--one-member",
        type=int,
        default=0,
        metavar="N",
        help="N orders of one member whose position never closes, timed by block",
    )
    parser.add_argument("--block", type=int, default=500, help="orders a block (--one-member)")
    parser.add_argument(
        "--stages", action="store_true", help="CPU by stage of a command (PostgreSQL's run)"
    )
    args = parser.parse_args()
    print(describe())
    if args.one_member:
        one_member(args)
        return
    print(f"engine alone: {engine_cost(args.orders):.0f} µs CPU an order (in memory)")
    print(
        f"{'database':<12}{'orders':>8}{'CPU µs/order':>14}{'statements/order':>18}{'orders/s':>10}"
    )
    if args.database in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'cost.db'}"
            cpu, statements, rate = service_cost(
                url, args.orders, args.group, args.clients, args.paid
            )
            print(f"{'sqlite':<12}{args.orders:>8}{cpu:>14.0f}{statements:>18.1f}{rate:>10.0f}")
    if args.database in ("postgresql", "both"):
        url, drop = postgres_database(args.postgres)
        try:
            with Stages() if args.stages else nullcontext() as stages:
                cpu, statements, rate = service_cost(
                    url, args.orders, args.group, args.clients, args.paid, stages
                )
        finally:
            drop()
        print(f"{'postgresql':<12}{args.orders:>8}{cpu:>14.0f}{statements:>18.1f}{rate:>10.0f}")
        if stages is not None:
            stages.print(args.orders)


def one_member(args: argparse.Namespace) -> None:
    print(f"{'database':<12}{'orders':>14}{'CPU ms/order':>14}{'statements':>12}")
    if args.database in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'cost.db'}"
            blocks = one_member_cost(url, args.one_member, args.block)
            print_one_member("sqlite", blocks, args.block)
    if args.database in ("postgresql", "both"):
        url, drop = postgres_database(args.postgres)
        try:
            blocks = one_member_cost(url, args.one_member, args.block)
        finally:
            drop()
        print_one_member("postgresql", blocks, args.block)


if __name__ == "__main__":
    main()
