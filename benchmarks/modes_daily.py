"""One day's work of each companion mode over 200,000 members.

    python benchmarks/modes_daily.py [--members 200000] [--sql-members 20000]

For each mode, a tenant in memory (what replay and the simulator run) where every member
bought once in the mode's zone, referred by an earlier member (a random tree); then one
day is timed: the zone's daily run (refer-three daily refunds, the quota's bonus split,
green releases with acceleration, union static releases), or for ad points every member's
task of the day. Shopping points and the three-for-one queue work at purchase, not daily:
timed is every member ordering again (paying with shopping points; a qualifying order that
advances the queue and pays its head).

The daily run of the green and union modes is also timed in the service (`run_days`, the
job `zengzhi tick` runs: a day in parts, each its own transaction) on SQLite and
PostgreSQL, over fewer members: the state is built through the engine's SQL unit of
work, 2,000 orders a transaction. Printed with it: how many transactions the day took and
the longest (what an order in the zone may wait behind). benchmarks/day_in_parts.py
times orders placed while the day runs, and the day at once beside it.

Prints a table; nothing here is a test.
"""

from __future__ import annotations

import argparse
import random
import secrets
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from autoanalyze import analyze
from machine import describe
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from zengzhi.core.events import (
    CompleteOrder,
    CompleteTask,
    ConfigureZone,
    Event,
    Join,
    OrderLine,
    RunDay,
)
from zengzhi.core.ledger import MemoryLedger
from zengzhi.engine.engine import Engine
from zengzhi.engine.state import MemoryPools, TenantState, memory_pool
from zengzhi.rules.pool import PoolParams
from zengzhi.service import modes
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, command
from zengzhi.service.modes import run_days
from zengzhi.service.settings import Settings
from zengzhi.service.tenants import NewTenant, create_tenant
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade
from zengzhi.store.uow import UnitOfWork

T = TypeVar("T")
START = datetime(2026, 11, 1, 12, tzinfo=UTC)
DAY_ONE = date(2026, 11, 16)  # past the union's lock

MODES: dict[str, dict[str, Any]] = {
    "refer_three": {"refer_three": {"release_days": 10, "backed": True}},
    "ads": {"ads": {"ratio": "1.1", "backed": True}},
    "quota": {"quota": {"funding": "0.1"}},
    "green": {"green": {"backed": True, "team": ["0.05", "0.10"]}},
    "union": {"union": {"funding": "0.6", "lock_days": 15}},
    "three_for_one": {"three_for_one": {"threshold": "100", "funding": "0.3"}},
    "shopping": {"shopping": {"gift": "2", "max_share": "0.5", "rebate": "0.2"}},
}


def orders_of(members: int, seed: int) -> list[Event]:
    """Every member joins under a random earlier member and buys once in zone z."""
    rng = random.Random(seed)
    events: list[Event] = []
    for n in range(members):
        referrer = f"m{rng.randrange(n)}" if n else None
        events.append(Join(f"j{n}", f"m{n}", referrer))
        amount = rng.randint(100, 3000) * 100
        line = OrderLine(amount, 0, None, platform=amount, zone="z")
        events.append(CompleteOrder(f"o{n}", f"m{n}", (line,), at=START))
    return events


def memory_day(mode: str, members: int) -> tuple[float, int]:
    """Seconds for one day of the mode over `members`, and the entries it posted."""
    state = TenantState(MemoryLedger(), MemoryPools([("main", memory_pool("main", PoolParams()))]))
    engine = Engine(state)
    engine.apply(ConfigureZone("zone", "z", MODES[mode]))
    for event in orders_of(members, 1):
        engine.apply(event)
    work: list[Event]
    if mode == "ads":
        work = [CompleteTask(f"t{n}", f"m{n}", "z", DAY_ONE) for n in range(members)]
    elif mode in ("shopping", "three_for_one"):
        work = []  # these modes work at purchase: every member orders again
        points = 100_0000 if mode == "shopping" else 0
        for n in range(members):
            line = OrderLine(200_00, 0, None, platform=200_00, zone="z")
            work.append(CompleteOrder(f"p{n}", f"m{n}", (line,), at=START, shopping_points=points))
    else:
        work = [RunDay("day", "z", DAY_ONE)]
    started = time.perf_counter()
    posted = 0
    for event in work:
        posted += len(engine.apply(event))
    return time.perf_counter() - started, posted


def sql_day(url: str, mode: str, members: int) -> tuple[float, int, int, float]:
    database = Database(url)
    upgrade(database.writer)
    settings = Settings(database_url=url, secret_key=secrets.token_urlsafe(40))  # type: ignore[arg-type]
    clock: Callable[[], datetime] = lambda: START  # noqa: E731
    context = Context(database, settings, clock)
    tenant = f"bench{secrets.token_hex(3)}"
    create_tenant(context, NewTenant(id=tenant, name=tenant, owner="owner", password="x" * 12))
    owner = Principal(tenant, "bench", Role.OWNER)

    def zone(uow: UnitOfWork) -> None:
        uow.apply(ConfigureZone("zone:z@1", "z", MODES[mode]))

    command(context, owner, zone)
    events = orders_of(members, 2)
    for first in range(0, len(events), 4000):

        def batch(uow: UnitOfWork, chunk: list[Event] = events[first : first + 4000]) -> None:
            for event in chunk:
                uow.apply(event)

        command(context, owner, batch)
        analyze(url)  # on PostgreSQL, as autovacuum would as the tables grow
    day_clock = datetime.combine(DAY_ONE, datetime.min.time(), UTC) + timedelta(hours=1)
    context = Context(database, settings, lambda: day_clock)
    real, transactions = modes.command, []

    def timing(context: Context, principal: Principal, run: Callable[[UnitOfWork], T]) -> T:
        began = time.perf_counter()
        try:
            return real(context, principal, run)
        finally:
            transactions.append(time.perf_counter() - began)

    modes.command = timing  # type: ignore[assignment]
    started = time.perf_counter()
    try:
        ran = run_days(context, tenant)
    finally:
        modes.command = real  # type: ignore[assignment]
    elapsed = time.perf_counter() - started
    with database.read() as connection:
        entries = connection.execute(
            text("SELECT count(*) FROM entries WHERE tenant_id = :t AND cause LIKE 'day:%'"),
            {"t": tenant},
        ).scalar_one()
    database.dispose()
    assert ran, "the day did not run"
    return elapsed, int(entries), len(transactions), max(transactions)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--sql-members", type=int, default=20_000)
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    print(describe())
    print(f"in memory, {args.members:,} members, one day:")
    print(f"{'mode':<15}{'seconds':>10}{'entries':>10}{'members/s':>12}")
    for mode in MODES:
        seconds, posted = memory_day(mode, args.members)
        print(f"{mode:<15}{seconds:>10.2f}{posted:>10,}{args.members / seconds:>12,.0f}")
    print(f"in the service (run_days, a day in parts), {args.sql_members:,} members:")
    with tempfile.TemporaryDirectory() as folder:
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        for mode in ("green", "union"):
            name = f"zz_bench_{secrets.token_hex(3)}"
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            pg = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
            for label, url in (
                ("sqlite", f"sqlite:///{Path(folder) / f'{mode}.db'}"),
                ("postgresql", pg),
            ):
                seconds, posted, parts, longest = sql_day(url, mode, args.sql_members)
                rate = args.sql_members / seconds
                print(
                    f"{mode:<8}{label:<12}{seconds:>9.2f} s{posted:>10,} entries{rate:>10,.0f}/s"
                    f"{parts:>6} transactions, longest {longest * 1000:,.0f} ms"
                )
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
