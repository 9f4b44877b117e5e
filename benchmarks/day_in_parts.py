"""A green zone's day on PostgreSQL: in parts and at once (one transaction) (issue 16).

    python benchmarks/day_in_parts.py [--members 20000] [--part N]

Builds a tenant where every member bought once in a green zone (backed, two levels of
acceleration), referred by an earlier member (a random tree), through the engine's SQL
unit of work; then runs day 1 in parts (`run_days`, each part its own transaction) and
day 2 at once (one RunDay, one transaction, as before issue 16). While each day runs, a
separate process places orders in the zone one after another, each its own command, and
times them. Printed for each: the day's total time, its longest transaction (what an order
in the zone may wait behind), and the orders' count and worst and median time.

Nothing here is a test.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import secrets
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from multiprocessing.connection import Connection as Pipe
from typing import Any, TypeVar

from autoanalyze import analyze
from machine import describe
from scratch import scratch_database

from zengzhi.core.events import CompleteOrder, ConfigureZone, Event, Join, OrderLine, RunDay
from zengzhi.service import modes
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, command
from zengzhi.service.settings import Settings
from zengzhi.service.tenants import NewTenant, create_tenant
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade
from zengzhi.store.uow import UnitOfWork

T = TypeVar("T")
START = datetime(2026, 11, 1, 12, tzinfo=UTC)
DAY_ONE = date(2026, 11, 16)
GREEN = {"green": {"backed": True, "acceleration": ["0.5", "0.3"]}}


def _context(url: str, clock: Callable[[], datetime]) -> Context:
    settings = Settings(database_url=url, secret_key=secrets.token_urlsafe(40))  # type: ignore[arg-type]
    return Context(Database(url), settings, clock)


def _line(fen: int) -> tuple[OrderLine, ...]:
    return (OrderLine(fen, 0, None, platform=fen, zone="z"),)


def build(url: str, members: int) -> str:
    context = _context(url, lambda: START)
    upgrade(context.database.writer)
    tenant = f"bench{secrets.token_hex(3)}"
    create_tenant(context, NewTenant(id=tenant, name=tenant, owner="owner", password="x" * 12))
    owner = Principal(tenant, "bench", Role.OWNER)
    rng = random.Random(2)
    events: list[Event] = [ConfigureZone("zone:z@1", "z", GREEN)]
    for n in range(members):
        events.append(Join(f"j{n}", f"m{n}", f"m{rng.randrange(n)}" if n else None))
        events.append(CompleteOrder(f"o{n}", f"m{n}", _line(rng.randint(100, 3000) * 100)))
    for first in range(0, len(events), 4000):

        def batch(uow: UnitOfWork, chunk: list[Event] = events[first : first + 4000]) -> None:
            for event in chunk:
                uow.apply(event)

        command(context, owner, batch)
    analyze(url)
    context.database.dispose()
    return tenant


def place_orders(url: str, tenant: str, members: int, label: str, pipe: Pipe) -> None:
    """In its own process: orders in the zone, one a command, until told to stop."""
    context = _context(url, lambda: datetime.now(UTC))
    owner = Principal(tenant, "shop", Role.OWNER)
    rng = random.Random(label)
    times: list[float] = []
    n = 0
    pipe.send("ready")
    while not pipe.poll():
        member = f"m{rng.randrange(members)}"
        event = CompleteOrder(f"{label}-{n}", member, _line(rng.randint(100, 3000) * 100))
        started = time.perf_counter()
        command(context, owner, lambda uow, event=event: uow.apply(event))
        times.append(time.perf_counter() - started)
        n += 1
    pipe.send(times)
    context.database.dispose()


def timed_day(
    url: str, tenant: str, members: int, day: date, part: int | None, whole: bool
) -> dict[str, Any]:
    clock = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=1)
    context = _context(url, lambda: clock)
    transactions: list[float] = []
    real = modes.command

    def timing(context: Context, principal: Principal, run: Callable[[UnitOfWork], T]) -> T:
        started = time.perf_counter()
        try:
            return real(context, principal, run)
        finally:
            transactions.append(time.perf_counter() - started)

    ours, theirs = multiprocessing.Pipe()
    shop = multiprocessing.Process(
        target=place_orders, args=(url, tenant, members, f"{day}-{part}", theirs)
    )
    shop.start()
    ours.recv()  # the shop is open
    time.sleep(1)  # and has placed a few orders before the day
    started = time.perf_counter()
    if whole:
        key = f"day:z:{day.isoformat()}"
        system = Principal(tenant, "system:jobs", Role.OWNER)
        timing(context, system, lambda uow: uow.apply(RunDay(key, "z", day, clock)))
    else:
        modes.command = timing  # type: ignore[assignment]
        try:
            modes.run_days(context, tenant, part)
        finally:
            modes.command = real  # type: ignore[assignment]
    total = time.perf_counter() - started
    ours.send("stop")
    orders: list[float] = ours.recv()
    shop.join()
    context.database.dispose()
    return {
        "total": total,
        "longest": max(transactions),
        "parts": len(transactions),
        "orders": orders,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--part", type=int, default=None, help="fixed size (default: sized)")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    print(describe())
    with scratch_database(args.postgres) as url:
        started = time.perf_counter()
        tenant = build(url, args.members)
        print(f"built {args.members:,} green members in {time.perf_counter() - started:.0f} s")
        print(
            f"{'green day':<22}{'total s':>9}{'transactions':>14}{'longest ms':>12}"
            f"{'orders':>8}{'worst ms':>10}{'median ms':>11}"
        )
        for label, day, whole in (
            (f"in parts ({args.part or 'sized'})", DAY_ONE, False),
            ("at once", DAY_ONE + timedelta(days=1), True),
        ):
            found = timed_day(url, tenant, args.members, day, args.part, whole)
            orders = found["orders"]
            print(
                f"{label:<22}{found['total']:>9.1f}{found['parts']:>14,}"
                f"{found['longest'] * 1000:>12.0f}{len(orders):>8,}"
                f"{max(orders) * 1000:>10.0f}{statistics.median(orders) * 1000:>11.0f}"
            )


if __name__ == "__main__":
    main()
