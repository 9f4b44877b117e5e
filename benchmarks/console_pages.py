"""How fast the console's pages and the API calls behind them answer on a big tenant.

    python benchmarks/console_pages.py [--members 200000] [--orders 1000000]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--repeat 20]
        [--keep big.db] [--only solvency --only /console/config]

Seeds one tenant quickly: a year of completed orders (spread over 365 days, the last
ones today), some sales and held withdrawals, run through the engine in memory (so every
entry, posting, balance, position, pool history row and event is what the service would
have written) and bulk-inserted. Then starts the app `zengzhi serve` runs (uvicorn), signs
in to the console, and times each page and API call: median and 95th percentile of
`--repeat` requests, after one warm-up. Prints a table; nothing here is a test.

`--keep FILE` seeds a SQLite file once and keeps it: a later run with the same file
measures again without seeding (seeding the full size takes about nine minutes).
`--only TEXT` times only the requests whose path contains TEXT (repeatable).

Last, it makes a zone (club, a union queue) and times its page, a Check of a change to it
and one dry run of that change (the back-test runs in the background: the time from the
button to the result is what the operator waits; minutes at full size).
"""

from __future__ import annotations

import argparse
import re
import secrets
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from machine import describe
from pydantic import SecretStr
from server import serve
from sqlalchemy import (
    Connection,
    bindparam,
    create_engine,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url

from zengzhi.core import accounts
from zengzhi.core.events import CompleteOrder, OrderLine, Sell, Withdraw
from zengzhi.core.ledger import CNY, MemoryLedger
from zengzhi.engine.engine import Engine
from zengzhi.engine.snapshot import positions_of
from zengzhi.engine.state import MemoryPools, TenantState, memory_pool
from zengzhi.engine.wire import to_line
from zengzhi.rules.pool import PoolParams, balance_and_points, exit_key
from zengzhi.service import pools, tenants, users
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.pools import NewPool
from zengzhi.service.settings import Settings
from zengzhi.service.tenants import NewTenant
from zengzhi.service.users import NewApiKey
from zengzhi.store import tables as t
from zengzhi.store.database import Database
from zengzhi.store.ledger import entry_rows_of
from zengzhi.store.migrate import upgrade
from zengzhi.store.pools import key_text
from zengzhi.store.records import lines_to_json

TENANT = "big"
PASSWORD = "benchmark-password"
BATCH = 20_000


def _flush(connection: Connection, rows: dict[str, list[dict[str, Any]]]) -> None:
    for name, batch in rows.items():
        if batch:
            connection.execute(insert(t.metadata.tables[name]), batch)
            batch.clear()


def _seed_members(database: Database, members: int, start: datetime) -> None:
    rows: dict[str, list[dict[str, Any]]] = {"members": []}
    joined = timedelta(days=365) / max(1, members)
    with database.writer.begin() as connection:
        for n in range(members):
            rows["members"].append(
                {
                    "tenant_id": TENANT,
                    "member_id": f"m{n:06d}",
                    "phone": f"139{n:08d}",
                    "name": f"Member {n}",
                    "real_name_verified": n % 3 == 0,
                    "referrer": f"m{n // 3:06d}" if n else None,
                    "region": None,
                    "created_at": start + joined * n,  # one after another over the year
                }
            )
            if len(rows["members"]) >= BATCH:
                _flush(connection, rows)
        _flush(connection, rows)


def _write_state(
    connection: Connection, pool: Any, ledger: MemoryLedger, seq: int, entry_id: int
) -> None:
    """What the replay left in memory: positions, balances, the pool's and tenant's rows."""
    params = pool.params
    positions = [
        {
            "tenant_id": TENANT,
            "pool_id": "main",
            "member_id": p.member,
            "opened": p.opened,
            "principal": p.principal,
            "realized": p.realized,
            "points": p.points,
            "exit_key": key_text(exit_key(p, params.exit_multiple)),
        }
        for p in positions_of(pool)
    ]
    for k in range(0, len(positions), BATCH):
        connection.execute(insert(t.positions), positions[k : k + BATCH])
    balances = [
        {"tenant_id": TENANT, "account": account, "asset": asset, "amount": amount}
        for (account, asset), amount in ledger.balances.items()
        if amount
    ]
    for k in range(0, len(balances), BATCH):
        connection.execute(insert(t.balances), balances[k : k + BATCH])
    last = pool.last_price
    connection.execute(
        update(t.pools)
        .where(t.pools.c.tenant_id == TENANT, t.pools.c.pool_id == "main")
        .values(
            next_opened=len(positions) + 1,
            last_price_fen=last.fen if last else None,
            last_price_units=last.units if last else None,
        )
    )
    connection.execute(
        update(t.tenants)
        .where(t.tenants.c.tenant_id == TENANT)
        .values(event_seq=seq, entry_seq=entry_id)
    )


def _kept_spent(connection: Connection) -> None:
    """Each member's kept total of completed orders, as the store keeps it per order: one
    grouped pass over the orders, then an update by key per member (a correlated update
    over freshly bulk-loaded tables, before ANALYZE, made PostgreSQL scan every order for
    every member)."""
    o, m = t.orders.c, t.members.c
    totals = connection.execute(
        select(o.member_id, func.sum(o.amount))
        .where(o.tenant_id == TENANT, o.status == "completed")
        .group_by(o.member_id)
    ).all()
    if totals:
        connection.execute(
            update(t.members)
            .where(m.tenant_id == TENANT, m.member_id == bindparam("member"))
            .values(spent=bindparam("total")),
            [{"member": member, "total": int(total)} for member, total in totals],
        )


def _kept_figures(connection: Connection, ledger: MemoryLedger, members: int) -> None:
    """Each member's kept wallet, points and team (migration 0015), as the store keeps
    them with each balance and referral: from the replayed ledger and the tree the seed
    made (member n referred by n ÷ 3); and what each spent."""
    _kept_spent(connection)
    figures = {f"m{n:06d}": [0, 0, 0] for n in range(members)}
    for (account, asset), amount in ledger.balances.items():
        owner = accounts.wallet_owner(account) if asset == CNY else None
        if owner in figures:
            figures[owner][0] += amount
        owner = accounts.holdings_owner(account, asset)
        if owner in figures:
            figures[owner][1] += amount
    for n in range(1, members):
        figures[f"m{n // 3:06d}"][2] += 1
    m = t.members.c
    connection.execute(
        update(t.members)
        .where(m.tenant_id == TENANT, m.member_id == bindparam("member"))
        .values(wallet=bindparam("w"), points=bindparam("p"), team=bindparam("n")),
        [
            {"member": member, "w": w, "p": p, "n": n}
            for member, (w, p, n) in figures.items()
            if w or p or n
        ],
    )


def _rows(
    rows: dict[str, list[dict[str, Any]]],
    event: Any,
    at: datetime,
    entries: list[Any],
    seq: int,
    entry_id: int,
    pool: Any,
    ledger: MemoryLedger,
) -> int:
    """The rows one applied event adds; returns the last entry id used."""
    rows["events"].append(
        {
            "tenant_id": TENANT,
            "seq": seq,
            "event_id": event.id,
            "body": to_line(event),
            "at": at,
        }
    )
    for one in entries:
        entry_id += 1
        entry, postings = entry_rows_of(TENANT, entry_id, one, at)
        rows["entries"].append(entry)
        rows["postings"] += postings
    cash, points = balance_and_points(pool, ledger)
    rows["pool_history"].append(
        {
            "tenant_id": TENANT,
            "pool_id": "main",
            "seq": seq,
            "at": at,
            "balance": cash,
            "points": points,
        }
    )
    if isinstance(event, CompleteOrder):
        order_id = event.id.removeprefix("order:")
        mint = next(one for one in entries if one.kind == "mint")
        minted = -sum(a for acc, _, a in mint.postings if acc == pool.supply)
        rows["orders"].append(
            {
                "tenant_id": TENANT,
                "order_id": order_id,
                "member_id": event.member,
                "store_id": None,
                "status": "completed",
                "amount": event.amount,
                "lines": lines_to_json(event.lines),
                "request_hash": "0" * 64,
                "return_window": 0,
                "minted": [["main", event.amount, minted, 0]],
                "created_at": at,
                "paid_at": at,
                "due_at": at,
                "completed_at": at,
            }
        )
    elif isinstance(event, Withdraw):
        rows["withdrawals"].append(
            {
                "tenant_id": TENANT,
                "withdrawal_id": event.id.removeprefix("withdraw:"),
                "member_id": event.member,
                "amount": event.amount,
                "fee": 0,
                "status": "held",
                "requested_at": at,
            }
        )
    return entry_id


def _events(orders: int, members: int, start: datetime) -> Iterator[tuple[Any, datetime]]:
    """A year of orders from the members, with sales and withdrawal requests among them."""
    step = timedelta(days=365) / orders
    for n in range(orders):
        at = start + step * n
        amount = 10_000 + (n * 7919) % 290_000  # 100.00 to 3000.00 yuan
        member = f"m{(n * 48271) % members:06d}"
        line = OrderLine(amount, amount * 3 // 10, "main", platform=amount - amount * 3 // 10)
        yield CompleteOrder(f"order:o{n:07d}", member, (line,), None, at), at
        if n % 50 == 49:  # a sale of everything now and then
            yield Sell(f"sell:s{n}", member, "main", None, at), at
        if n % 200 == 199:
            yield Withdraw(f"withdraw:w{n}", member, 1_000, 0, at), at


def seed(url: str, members: int, orders: int, secret: str) -> str:
    """The tenant, its pool and key through the service; the rest in bulk. Returns the key."""
    started = time.perf_counter()
    database = Database(url)
    upgrade(database.writer)
    context = Context(database, Settings(database_url=url, secret_key=SecretStr(secret)))
    tenants.create_tenant(
        context, NewTenant(id=TENANT, name="Big mall", owner="owner", password=PASSWORD)
    )
    owner = Principal(TENANT, "user:owner", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="2"))
    key = users.create_api_key(context, owner, NewApiKey(name="bench")).token
    assert key is not None

    params = PoolParams().with_changes({"exit_multiple": "2"})
    ledger = MemoryLedger()
    pool = memory_pool("main", params)
    engine = Engine(TenantState(ledger, MemoryPools([("main", pool)])))
    now = datetime.now(UTC)
    start = now - timedelta(days=365)
    rows: dict[str, list[dict[str, Any]]] = {
        name: []
        for name in (
            "members",
            "orders",
            "entries",
            "postings",
            "events",
            "pool_history",
            "withdrawals",
        )
    }
    with database.read() as connection:  # the service's own commands came first
        counters = connection.execute(
            select(t.tenants.c.event_seq, t.tenants.c.entry_seq).where(
                t.tenants.c.tenant_id == TENANT
            )
        ).one()
    seq, entry_id = int(counters.event_seq), int(counters.entry_seq)
    _seed_members(database, members, start)

    held: dict[str, int] = {}
    with database.writer.connect() as connection:
        for event, at in _events(orders, members, start):
            if isinstance(event, Withdraw):
                available = ledger.balance(f"member:{event.member}:wallet", "CNY")
                if available < event.amount or event.member in held:
                    continue
                held[event.member] = 1
            try:
                entries = engine.apply(event).entries
            except Exception:  # a sale with nothing to sell: skip it, as the API refuses it
                continue
            seq += 1
            entry_id = _rows(rows, event, at, entries, seq, entry_id, pool, ledger)
            if len(rows["postings"]) >= BATCH * 4:
                with connection.begin():
                    _flush(connection, rows)
        with connection.begin():
            _flush(connection, rows)
            _write_state(connection, pool, ledger, seq, entry_id)
            _kept_figures(connection, ledger, members)
    with database.writer.connect() as connection:  # fresh statistics for the planner
        if database.is_sqlite:
            with connection.begin():
                connection.exec_driver_sql("ANALYZE")
        else:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql("VACUUM ANALYZE")
    database.dispose()
    print(
        f"seeded {members:,} members, {orders:,} orders, {entry_id:,} entries, "
        f"{len(held):,} withdrawals held in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return key


def reuse(url: str, secret: str) -> str:
    """A kept database: a fresh API key for this run (the old one's token is gone)."""
    database = Database(url)
    upgrade(database.writer)
    context = Context(database, Settings(database_url=url, secret_key=SecretStr(secret)))
    owner = Principal(TENANT, "user:owner", Role.OWNER)
    key = users.create_api_key(context, owner, NewApiKey(name="bench")).token
    assert key is not None
    database.dispose()
    return key


def timed(client: httpx.Client, path: str, repeat: int, **headers: str) -> tuple[float, float]:
    client.get(path, headers=headers)  # warm-up
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(path, headers=headers)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def timed_post(
    client: httpx.Client, path: str, data: dict[str, str], repeat: int
) -> tuple[float, float]:
    client.post(path, data=data)  # warm-up
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.post(path, data=data)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def zone_review(
    base: str, console: httpx.Client, repeat: int, only: list[str] | None
) -> list[tuple[str, float, float]]:
    """Zone club (a union queue) made through the API as the owner, then its page, a
    Check of a change (the lint), and one dry run of it: the button's answer, the run's
    page while it runs, and the time from the button to the result."""
    login = {"tenant": TENANT, "username": "owner", "password": PASSWORD}
    token = httpx.post(f"{base}/v1/auth/login", json=login, timeout=120).json()["token"]
    with httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120
    ) as owner:
        modes = {"union": {"funding": "0.5", "lock_days": 15}}
        assert owner.put("/v1/zones/club", json={"modes": modes}).status_code == 200
    form = console.get("/console/config/zones/club")
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', form.text)
    assert found is not None, form.text[:300]
    change = {
        "csrf": found.group(1),
        "id": "club",
        "editing": "1",
        "completion_delay_seconds": "0",
        "modes": '[union]\nfunding = "0.8"\nlock_days = 15\n',
    }
    results = []

    def report(path: str, median: float, p95: float) -> None:
        results.append((path, median, p95))
        print(f"{path:60} {median:8.1f} ms {p95:8.1f} ms", flush=True)

    def wanted(path: str) -> bool:
        return not only or any(part in path for part in only)

    if wanted("/console/config/zones/club"):
        report("/console/config/zones/club", *timed(console, "/console/config/zones/club", repeat))
    if wanted("/console/config/zones (Check)"):
        check = {**change, "action": "check"}
        report(
            "/console/config/zones (Check)",
            *timed_post(console, "/console/config/zones", check, repeat),
        )
    if wanted("/console/config/zones (Dry run)"):
        began = time.perf_counter()
        started = console.post(
            "/console/config/zones", data={**change, "action": "dryrun"}, follow_redirects=False
        )
        answered = (time.perf_counter() - began) * 1000
        assert started.status_code == 303, started.text[:300]
        report("/console/config/zones (Dry run: the button's answer)", answered, answered)
        run = started.headers["location"]
        report(f"{run} (running)", *timed(console, run, 5))
        while 'http-equiv="refresh"' in (page := console.get(run)).text:
            time.sleep(1)
        took = (time.perf_counter() - began) * 1000
        assert 'id="dry-run-totals"' in page.text, page.text[-2000:]
        report("dry run: from the button to the result", took, took)
        report(f"{run} (done)", *timed(console, run, 5))
    return results


def measure(
    base: str, key: str, members: int, repeat: int, only: list[str] | None = None
) -> list[tuple[str, float, float]]:
    console = httpx.Client(base_url=base, timeout=120)
    signed = console.post(
        "/console/login",
        data={"tenant": TENANT, "username": "owner", "password": PASSWORD},
    )
    assert signed.status_code == 303, signed.text[:300]
    api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=120)
    one = f"m{members // 2:06d}"
    deep = f"m{members - 100:06d}"
    token = api.post(f"/v1/members/{one}/page-token").json()
    member = httpx.Client(base_url=base, timeout=120)
    entrance = member.get("/m/enter")  # what the page's script does with the #token
    nonce = re.search(r'name="nonce" value="([^"]+)"', entrance.text)
    assert nonce is not None
    member.post("/m/enter", data={"nonce": nonce.group(1), "token": token["token"]})
    oldest_entry = api.get(f"/v1/members/{one}/wallet/history").json()
    before = oldest_entry[-1]["entry"] if oldest_entry else 2**40
    pages = [
        ("page", "/console"),
        ("page", "/console/data/figures?pool=main"),
        ("page", "/console/data/chart?pool=main&range=all"),
        ("page", "/console/data/chart?pool=main&range=1d"),
        ("page", "/console/members"),
        ("page", f"/console/members?q={one[:5]}"),
        ("page", f"/console/members?q=139{members // 2:08d}"),
        ("page", f"/console/members?after={deep}"),
        ("page", f"/console/members/{one}"),
        ("page", "/console/members?sort=spent"),  # every member's completed orders summed
        ("page", "/console/members?sort=points&order=desc"),
        ("page", "/console/members?sort=wallet&wallet_min=1"),
        ("page", f"/console/members?q={one[1:4]}&sort=team"),  # within names (Member 100…)
        ("page", f"/console/members?page={members // 100}"),  # deep in the pages
        ("page", "/console/orders"),
        ("page", f"/console/orders?member={one}"),
        ("page", "/console/orders?id=o0001"),
        ("page", "/console/orders?status=completed&page=500"),
        ("page", "/console/orders/o0000042"),
        ("page", "/console/withdrawals"),
        ("page", "/console/withdrawals?status=all"),
        ("page", f"/console/withdrawals?status=all&member={one}"),
        ("page", "/console/audit"),
        ("page", "/console/audit?target=pool:"),
        ("page", "/console/data/risk"),
        ("page", "/console/config/products"),
        ("page", "/console/members/m000001"),  # near the root of the referral tree
        ("page", "/console/webhooks"),
        ("member", "/m"),
        ("api", "/v1/pools/main"),
        ("api", "/v1/solvency"),
        ("api", "/v1/activity"),
        ("api", "/v1/pools/main/chart"),
        ("api", "/v1/pools/main/history"),
        ("api", f"/v1/members?q={one[:5]}"),
        ("api", f"/v1/members/{one}/positions"),
        ("api", f"/v1/members/{one}/wallet/history?before={before}"),
        ("api", f"/v1/orders?member={one}"),
        ("api", "/v1/withdrawals?status=held"),
        ("api", "/v1/me/positions"),
        ("api", "/v1/me/modes"),
        ("api", f"/v1/members/{one}/network"),
        ("api", "/v1/members/m000001/network"),
        ("api", f"/v1/members/{one}/rewards"),
        ("api", f"/v1/members/{one}/modes"),
    ]
    results = []
    for kind, path in pages:
        if only and not any(part in path for part in only):
            continue
        if kind == "api" and path.startswith("/v1/me/"):
            median, p95 = timed(api, path, repeat, Authorization=f"Bearer {token['token']}")
        else:
            client = {"page": console, "member": member, "api": api}[kind]
            median, p95 = timed(client, path, repeat)
        results.append((path, median, p95))
        print(f"{path:60} {median:8.1f} ms {p95:8.1f} ms", flush=True)
    return results + zone_review(base, console, repeat, only)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--postgres", help="an admin URL: a fresh database is made on it")
    parser.add_argument("--keep", type=Path, help="a SQLite file to seed once and reuse")
    parser.add_argument("--only", action="append", help="time only paths containing this")
    args = parser.parse_args()
    secret = secrets.token_urlsafe(40)
    print(describe(), flush=True)  # the CPU model and how busy the machine was
    with tempfile.TemporaryDirectory() as folder:
        if args.postgres:
            name = f"zengzhi_bench_{secrets.token_hex(4)}"
            admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
        else:
            url = f"sqlite:///{(args.keep or Path(folder) / 'big.db').resolve()}"
        try:
            if args.keep and args.keep.exists():
                key = reuse(url, secret)
            else:
                key = seed(url, args.members, args.orders, secret)
            process, base = serve(url, secret)
            try:
                print(f"{'request':60} {'median':>11} {'p95':>11}")
                measure(base, key, args.members, args.repeat, args.only)
            finally:
                process.terminate()
                process.wait(timeout=30)
        finally:
            if args.postgres:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
