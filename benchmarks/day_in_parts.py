"""A green zone's day on PostgreSQL: in parts and at once (one transaction) (issue 16).

    python benchmarks/day_in_parts.py [--members 20000] [--part N] [--keep] [--runs N]
        [--parts-only]
    python benchmarks/day_in_parts.py --check 1500

Builds a tenant where every member bought once in a green zone (backed, two levels of
acceleration), referred by an earlier member (a random tree): the zone through the
engine's SQL unit of work, the members' joins and orders through the engine in memory,
and what they left copied into the tables (`build`; 200,000 members in under two
minutes, where the unit of work took over an hour). `--check N` builds N members both
ways, compares every table the day reads, runs the same day in parts on each and
compares its entries. The built database is cloned for each run (`CREATE DATABASE …
TEMPLATE`); `--keep` keeps it for the next runs.

Then runs day 1 in parts (`run_days`, each part its own transaction) and day 2 at once
(one RunDay, one transaction, as before issue 16). While each day runs, a separate
process places orders in the zone one after another, each its own command, and times
them. Printed for each: the day's total time, its longest transaction (what an order in
the zone may wait behind), the orders' count and worst and median time, and for day 1
its entries' count and a hash of them by content (the same on any code that posts the
same entries).

Nothing here is a test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import random
import secrets
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from multiprocessing.connection import Connection as Pipe
from typing import Any, TypeVar

from autoanalyze import analyze
from machine import describe
from scratch import scratch_database
from sqlalchemy import Connection, create_engine, delete, select, text, update
from sqlalchemy.engine import make_url

from zengzhi.core.events import CompleteOrder, ConfigureZone, Event, Join, OrderLine, RunDay
from zengzhi.core.ledger import MemoryLedger
from zengzhi.engine.claims import MemoryModes
from zengzhi.engine.engine import Engine
from zengzhi.engine.state import MemoryPools, TenantState
from zengzhi.engine.wire import dump_line, to_wire
from zengzhi.service import modes
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, command
from zengzhi.service.settings import Settings
from zengzhi.service.tenants import NewTenant, create_tenant
from zengzhi.store import tables as t
from zengzhi.store.database import Database, insert_rows
from zengzhi.store.ledger import entry_rows_of
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


def _events(members: int) -> list[Event]:
    """The zone, then each member joining (referred by an earlier one) and buying once."""
    rng = random.Random(2)
    events: list[Event] = [ConfigureZone("zone:z@1", "z", GREEN)]
    for n in range(members):
        events.append(Join(f"j{n}", f"m{n}", f"m{rng.randrange(n)}" if n else None))
        events.append(CompleteOrder(f"o{n}", f"m{n}", _line(rng.randint(100, 3000) * 100)))
    return events


def _tenant(context: Context) -> tuple[str, Principal]:
    upgrade(context.database.writer)
    tenant = f"bench{secrets.token_hex(3)}"
    create_tenant(context, NewTenant(id=tenant, name=tenant, owner="owner", password="x" * 12))
    return tenant, Principal(tenant, "bench", Role.OWNER)


def build_by_commands(url: str, members: int) -> str:
    """The tenant built through the engine's SQL unit of work, 4,000 events a command, as
    the service would have written it (slow: about 2,500 events a second)."""
    context = _context(url, lambda: START)
    tenant, owner = _tenant(context)
    events = _events(members)
    for first in range(0, len(events), 4000):

        def batch(uow: UnitOfWork, chunk: list[Event] = events[first : first + 4000]) -> None:
            for event in chunk:
                uow.apply(event)

        command(context, owner, batch)
    analyze(url)
    context.database.dispose()
    return tenant


def build(url: str, members: int) -> str:
    """The same tenant, fast: the zone configured through the unit of work, the members'
    joins and orders run through the engine in memory, and what they left (members and
    their links, balances, claims, counters, the event log, entries and postings, the
    tenant's counters) copied into the tables in one transaction. `--check` compares it
    with `build_by_commands` and a day run on each."""
    context = _context(url, lambda: START)
    tenant, owner = _tenant(context)
    events = _events(members)
    command(context, owner, lambda uow: uow.apply(events[0]))  # the zones row, as configured
    book = MemoryModes()
    ledger = MemoryLedger()
    engine = Engine(TenantState(ledger, MemoryPools([]), modes=book))
    applied = [(event, engine.apply(event).entries) for event in events]
    with context.database.write() as connection:
        c = t.tenants.c
        last = connection.execute(
            select(c.event_seq, c.entry_seq).where(c.tenant_id == tenant)
        ).one()
        event_seq, entry_id = int(last.event_seq), int(last.entry_seq)
        rows: dict[str, list[dict[str, Any]]] = {"events": [], "entries": [], "postings": []}
        for event, entries in applied[1:]:  # the zone's event is logged already
            event_seq += 1
            rows["events"].append(
                {
                    "tenant_id": tenant,
                    "seq": event_seq,
                    "event_id": event.id,
                    "body": dump_line(to_wire(event)),
                    "at": START,
                }
            )
            for one in entries:
                entry_id += 1
                entry, postings = entry_rows_of(tenant, entry_id, one, START)
                rows["entries"].append(entry)
                rows["postings"] += postings
        referrers = {event.member: event.referrer for event in events if isinstance(event, Join)}
        team: dict[str | None, int] = {}
        for referrer in referrers.values():
            team[referrer] = team.get(referrer, 0) + 1
        rows["members"] = [
            {
                "tenant_id": tenant,
                "member_id": member,
                "referrer": referrer,
                "real_name_verified": False,
                "created_at": START,
                "team": team.get(member, 0),
            }
            for member, referrer in referrers.items()
        ]
        rows["balances"] = [
            {"tenant_id": tenant, "account": account, "asset": asset, "amount": amount}
            for (account, asset), amount in sorted(ledger.balances.items())
            if amount
        ]
        rows["mode_claims"] = [
            {
                "tenant_id": tenant,
                "zone": zone,
                "mode": mode,
                "seq": seq,
                "member_id": claim.member,
                "amount": claim.amount,
                "owed": claim.left,
                "daily": claim.daily,
                "payable": claim.payable,
                "cause": claim.cause,
                "ref": claim.ref,
                "void": claim.void,
            }
            for (zone, mode, seq), claim in sorted(book._all.items())
        ]
        counters = dict(book._counters)
        counters[("z", "green", "seq")] = book.counter("z", "green", "seq")
        k = t.mode_counters.c
        connection.execute(delete(t.mode_counters).where(k.tenant_id == tenant))
        rows["mode_counters"] = [
            {"tenant_id": tenant, "zone": zone, "mode": mode, "key": key, "value": value}
            for (zone, mode, key), value in sorted(counters.items())
        ]
        for name in (
            "members",
            "balances",
            "mode_claims",
            "mode_counters",
            "events",
            "entries",
            "postings",
        ):
            insert_rows(connection, t.metadata.tables[name], rows[name])
        connection.execute(
            update(t.tenants)
            .where(c.tenant_id == tenant)
            .values(event_seq=event_seq, entry_seq=entry_id)
        )
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
        "slow": sum(1 for one in transactions if one > 0.1),  # over issue 16's 100 ms
        "p99": sorted(transactions)[int(len(transactions) * 0.99)],
        "orders": orders,
    }


def day_hash(url: str, tenant: str, day: date) -> tuple[int, str]:
    """The day's entries (its event's cause), in order, by content: how many and a hash."""
    digest = hashlib.sha256()
    engine = create_engine(url)
    with engine.connect() as connection:
        n = _day_entries(connection, tenant, f"day:z:{day.isoformat()}", digest)
    engine.dispose()
    return n, digest.hexdigest()[:16]


def _day_entries(connection: Connection, tenant: str, cause: str, digest: Any) -> int:
    e, p = t.entries.c, t.postings.c
    postings: dict[int, list[list[Any]]] = {}
    for row in connection.execute(
        select(p.entry_id, p.account, p.asset, p.amount)
        .join(t.entries, (e.tenant_id == p.tenant_id) & (e.entry_id == p.entry_id))
        .where(e.tenant_id == tenant, e.cause == cause)
        .order_by(p.entry_id, p.n)
    ):
        postings.setdefault(row.entry_id, []).append([row.account, row.asset, int(row.amount)])
    n = 0
    for row in connection.execute(
        select(e.entry_id, e.kind, e.rule, e.params, e.corrects)
        .where(e.tenant_id == tenant, e.cause == cause)
        .order_by(e.entry_id)
    ):
        line = [row.kind, row.rule, row.params, row.corrects, postings.get(row.entry_id, [])]
        digest.update(json.dumps(line, sort_keys=True).encode() + b"\n")
        n += 1
    return n


# what the fast build must leave as the commands leave it (the time of day aside)
_COMPARED = {
    "members": ("member_id", "referrer", "team", "team_level", "wallet", "points"),
    "balances": ("account", "asset", "amount"),
    "mode_claims": ("zone", "mode", "seq", "member_id", "amount", "owed", "daily", "cause"),
    "mode_counters": ("zone", "mode", "key", "value"),
    "events": ("seq", "event_id", "body"),
    "entries": ("entry_id", "cause", "kind", "rule", "params"),
    "postings": ("entry_id", "n", "account", "asset", "amount"),
    "tenants": ("event_seq", "entry_seq"),
}


def _table(url: str, tenant: str, name: str) -> list[tuple[Any, ...]]:
    table = t.metadata.tables[name]
    columns = [table.c[column] for column in _COMPARED[name]]
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(*columns).where(table.c.tenant_id == tenant).order_by(*columns)
        ).all()
    engine.dispose()
    return [
        tuple(json.dumps(v, sort_keys=True) if isinstance(v, dict) else v for v in row)
        for row in rows
    ]


def check(postgres: str, members: int) -> None:
    """Build the tenant both ways, compare the tables, run the same day in parts on each
    and compare its entries."""
    with scratch_database(postgres) as slow, scratch_database(postgres) as fast:
        tenants = build_by_commands(slow, members), build(fast, members)
        urls = slow, fast
        for name in _COMPARED:
            a, b = (_table(url, tenant, name) for url, tenant in zip(urls, tenants, strict=True))
            print(f"{name:<14}{len(a):>9,} rows  {'same' if a == b else 'DIFFERENT'}")
            assert a == b, name
        found = []
        for url, tenant in zip((slow, fast), tenants, strict=True):
            clock = datetime.combine(DAY_ONE, datetime.min.time(), UTC) + timedelta(hours=1)
            context = _context(url, lambda clock=clock: clock)
            modes.run_days(context, tenant, 37)
            context.database.dispose()
            found.append(day_hash(url, tenant, DAY_ONE))
        print(f"the day's entries: {found[0][0]:,} {found[0][1]} and {found[1][0]:,} {found[1][1]}")
        assert found[0] == found[1]


@contextmanager
def cloned(postgres: str, members: int, keep: bool) -> Iterator[tuple[str, str]]:
    """A database holding the built tenant, for one run: a copy (CREATE DATABASE …
    TEMPLATE) of the one built for `members`, which `keep` keeps for the next runs."""
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    kept = f"zengzhi_day_{members}"
    with admin.connect() as connection:
        found = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": kept}
        ).first()
    if found is None:
        started = time.perf_counter()
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{kept}"'))
        url = make_url(postgres).set(database=kept).render_as_string(hide_password=False)
        try:
            tenant = build(url, members)
        except BaseException:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE "{kept}" WITH (FORCE)'))
            raise
        with admin.connect() as connection:
            connection.execute(text(f"COMMENT ON DATABASE \"{kept}\" IS '{tenant}'"))
        print(f"built {members:,} green members in {time.perf_counter() - started:.0f} s")
    with admin.connect() as connection:
        tenant = connection.execute(
            text(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database"
                " WHERE datname = :name"
            ),
            {"name": kept},
        ).scalar_one()
    name = f"zengzhi_bench_{secrets.token_hex(4)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{kept}"'))
    try:
        yield make_url(postgres).set(database=name).render_as_string(hide_password=False), tenant
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            if not keep:
                connection.execute(text(f'DROP DATABASE "{kept}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--part", type=int, default=None, help="fixed size (default: sized)")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--runs", type=int, default=1, help="each on a fresh copy")
    parser.add_argument("--keep", action="store_true", help="keep the built database")
    parser.add_argument("--parts-only", action="store_true", help="no day at once")
    parser.add_argument("--check", type=int, default=0, help="compare the builds at N members")
    args = parser.parse_args()
    print(describe())
    if args.check:
        check(args.postgres, args.check)
        return
    print(
        f"{'green day':<22}{'total s':>9}{'transactions':>14}{'longest ms':>12}"
        f"{'p99 ms':>8}{'>100 ms':>9}{'orders':>8}{'worst ms':>10}{'median ms':>11}"
        "  day 1's entries"
    )
    for _ in range(args.runs):
        with cloned(args.postgres, args.members, args.keep) as (url, tenant):
            runs = [(f"in parts ({args.part or 'sized'})", DAY_ONE, False)]
            if not args.parts_only:
                runs.append(("at once", DAY_ONE + timedelta(days=1), True))
            for label, day, whole in runs:
                found = timed_day(url, tenant, args.members, day, args.part, whole)
                orders = found["orders"]
                n, digest = day_hash(url, tenant, day) if day == DAY_ONE else (0, "")
                print(
                    f"{label:<22}{found['total']:>9.1f}{found['parts']:>14,}"
                    f"{found['longest'] * 1000:>12.0f}{found['p99'] * 1000:>8.0f}"
                    f"{found['slow']:>9,}{len(orders):>8,}"
                    f"{max(orders) * 1000:>10.0f}{statistics.median(orders) * 1000:>11.0f}"
                    + (f"  {n:,} {digest}" if n else ""),
                    flush=True,
                )


if __name__ == "__main__":
    main()
