"""Completed orders per second through the HTTP API, on SQLite and on PostgreSQL.

    python benchmarks/http_throughput.py [--orders 2000] [--clients 4] [--batch 100]
        [--tenants 1] [--members 200] [--workers 1] [--rate R]
        [--database sqlite|postgresql|both]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

For each database it starts `uvicorn` (the same app as `zengzhi serve`; `--workers N`
serves from N processes, as `uvicorn --workers` does in production), sends it 500
paid orders (its threads and database connections opened, as a running server's are),
then measures, each mode's client threads started and connected before its clock starts:

- single: each order is `POST /v1/orders` then `POST /v1/orders/{id}/pay` (a return
  window of 0 completes it at payment: points minted, entries written), from several
  client threads at once; latency is per order (both requests); with `--rate R` the
  orders are due at R a second and each one's latency runs from when it was due;
- paid: the same orders as one request each, `POST /v1/orders` with `"pay": true` (a
  shop that reports its orders from its payment's callback), created and paid in one
  command;
- batch: `POST /v1/orders/batch` with `pay`, `--batch` orders a request;
- baseline: the very rows the single run wrote (order, entries, postings, event, pool
  history, position, balances), inserted again with plain SQL, one transaction an order.

`--tenants N` spreads the orders over N tenants, each with its own pool, members and API
key (order n goes to tenant n mod N): the issue's "many tenants at once"; the baseline is
then the first tenant's orders.

Prints a table, and under each mode the CPU an order took in the server, the clients
and the rest of the machine, with the ceilings they set (`cpu.py`); nothing here is a
test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import secrets
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from autoanalyze import analyze
from cpu import Meter
from machine import describe
from server import serve
from sqlalchemy import Connection, create_engine, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from zengzhi.service import members, orders, pools, tenants, users
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.members import NewMember
from zengzhi.service.orders import NewOrder, OrderBatch
from zengzhi.service.pools import NewPool
from zengzhi.service.settings import Settings
from zengzhi.service.tenants import NewTenant
from zengzhi.service.users import NewApiKey
from zengzhi.store import tables as t
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade

SECRET = secrets.token_urlsafe(40)
MEMBERS = 200  # a tenant's, unless --members says otherwise


def prepare(url: str, tenant: str, count: int = MEMBERS) -> str:
    """A tenant with a pool (k = 2) and members; returns an API key."""
    settings = Settings(database_url=url, secret_key=SECRET)  # type: ignore[arg-type]
    context = Context(Database(url), settings)
    upgrade(context.database.writer)
    tenants.create_tenant(
        context, NewTenant(id=tenant, name=tenant, owner="owner", password="benchmark-password")
    )
    owner = Principal(tenant, "system:benchmark", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="2"))
    for n in range(count):
        members.create_member(context, owner, NewMember(id=f"m{n}"))
    key = users.create_api_key(context, owner, NewApiKey(name="bench")).token
    context.database.dispose()
    assert key is not None
    return key


WARM_UP = 2000  # orders of a tenant of their own, before the statistics are gathered
SERVER_WARM_UP = 500  # orders through the server before the first measured run


def warm_up(url: str) -> None:
    """Orders in a tenant of their own, so that the ledger's tables hold rows when
    `analyze` runs: a live database has its statistics from autovacuum, and without them
    PostgreSQL keeps the plan it made for a foreign key's check (each posting's entry)
    when `entries` was nearly empty, a scan of the table, so every order would cost more
    than the one before (measured: 0.7 ms then 2 ms an order over 2,400 orders, 0.4 ms
    after ANALYZE)."""
    if not url.startswith("postgresql"):
        return
    prepare(url, "warm")
    settings = Settings(database_url=url, secret_key=SECRET)  # type: ignore[arg-type]
    context = Context(Database(url), settings)
    owner = Principal("warm", "system:benchmark", Role.OWNER)
    for start in range(0, WARM_UP, 500):
        batch = [NewOrder(**order_body("w", n)) for n in range(start, start + 500)]
        orders.create_orders(context, owner, OrderBatch(orders=batch, pay=True))
    context.database.dispose()


class Clients:
    """Each client thread's own kept-alive connection, by the standard library's
    `http.client`: about a fifth of the CPU httpx took (0.40-0.46 against 2.0-2.2 ms an
    order's two requests, 2026-12-05), CPU these clients take from the server's two
    cores on this machine, where real clients would run elsewhere."""

    def __init__(self, base: str) -> None:
        self.host, _, port = base.removeprefix("http://").partition(":")
        self.port = int(port)
        self.mine = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self.mine, "connection", None)
        if connection is None:
            connection = self.mine.connection = http.client.HTTPConnection(
                self.host, self.port, timeout=120
            )
        return connection

    def connect(self) -> None:
        """Open this thread's connection (one `GET /health`), before the clock starts."""
        status, _ = self.send("GET", "/health", None, {})
        assert status == 200, status

    def send(self, method: str, path: str, body: Any, headers: dict[str, str]) -> tuple[int, bytes]:
        """The request on this thread's connection: its answer's status and body."""
        connection = self._connection()
        if body is not None:
            headers = {**headers, "Content-Type": "application/json"}
        connection.request(
            method, path, None if body is None else json.dumps(body).encode(), headers
        )
        answer = connection.getresponse()
        return answer.status, answer.read()

    def post(self, path: str, body: Any, headers: dict[str, str]) -> tuple[int, Any]:
        status, answer = self.send("POST", path, body, headers)
        return status, json.loads(answer)


def timed(
    work: Callable[[int], None],
    count: int,
    clients: int,
    rate: float | None = None,
    connect: Callable[[], None] | None = None,
) -> tuple[float, list[float]]:
    """`work(n)` for n in range(count) from `clients` threads, and each one's latency.

    Without a rate each thread sends its next order as soon as the last is answered
    (closed loop): the latency is then what the queue of `clients` orders makes it, about
    clients ÷ throughput (Little's law: 50 clients at 400/s wait 125 ms on average,
    whatever the server). With `rate`, order n is due at n ÷ rate seconds (open loop, as
    shoppers arrive) and its latency runs from when it was due, so that an order held up
    behind busy clients counts its wait too.

    Each thread takes the next order when it is free. The threads are started, and each
    opens its connection (`connect`), before the clock starts, as a shop's servers are
    before their orders: at 400 orders a second the first quarter-second's orders were
    the slowest 1 % of a run while this process made its threads and queued the orders
    to them (docs/benchmarks.md, "The p99 at 400 orders a second")."""
    latencies: list[float] = []
    taken = iter(range(count))
    lock = threading.Lock()
    started = [0.0]

    def start() -> None:
        started[0] = time.perf_counter()

    everyone = threading.Barrier(clients, action=start)

    def client(_: int) -> None:
        if connect is not None:
            connect()
        everyone.wait()  # the last one in starts the clock
        while True:
            with lock:
                n = next(taken, None)
            if n is None:
                return
            due = started[0] + n / rate if rate else time.perf_counter()
            if rate:
                time.sleep(max(0.0, due - time.perf_counter()))
            work(n)
            latencies.append(time.perf_counter() - due)

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return time.perf_counter() - started[0], latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def order_body(prefix: str, n: int, count: int = MEMBERS) -> dict[str, Any]:
    amount = 100 + n % 2900
    return {
        "id": f"{prefix}{n}",
        "member": f"m{n % count}",
        "amount": f"{amount}.00",
        "contribution": f"{amount * 3 // 10}.00",
    }


def run_http(
    base: str,
    keys: list[str],
    orders: int,
    clients: int,
    batch: int,
    count: int = MEMBERS,
    meter: Meter | None = None,
    rate: float | None = None,
) -> dict[str, Any]:
    """Each mode's (orders a second, p50 ms, p99 ms, the CPU it took or None); single
    orders at `rate` a second if given (`timed`)."""
    local = Clients(base)

    def headers(n: int) -> dict[str, str]:
        return {"Authorization": f"Bearer {keys[n % len(keys)]}"}

    def single(n: int) -> None:
        created, _ = local.post("/v1/orders", order_body("s", n, count), headers(n))
        status, paid = local.post(f"/v1/orders/s{n}/pay", None, headers(n))
        assert created == 201 and paid["status"] == "completed", (status, paid)

    def warm(n: int) -> None:
        status, made = local.post(
            "/v1/orders", order_body("h", n, count) | {"pay": True}, headers(n)
        )
        assert status == 201, (status, made)

    # the server's threads and database connections opened, as a server's are by the
    # time it takes 400 orders a second
    timed(warm, SERVER_WARM_UP, clients, connect=local.connect)
    start = meter.reading() if meter else (0.0, 0.0, 0.0, 0.0)
    seconds, latencies = timed(single, orders, clients, rate, local.connect)
    spent = meter.since(start) if meter else None
    results: dict[str, Any] = {
        "single": (
            orders / seconds,
            percentile(latencies, 0.5),
            percentile(latencies, 0.99),
            spent,
        )
    }

    def paid(n: int) -> None:
        status, made = local.post(
            "/v1/orders", order_body("p", n, count) | {"pay": True}, headers(n)
        )
        assert status == 201 and made["status"] == "completed", (status, made)

    start = meter.reading() if meter else (0.0, 0.0, 0.0, 0.0)
    seconds, latencies = timed(paid, orders, clients, rate, local.connect)
    spent = meter.since(start) if meter else None
    results["paid"] = (
        orders / seconds,
        percentile(latencies, 0.5),
        percentile(latencies, 0.99),
        spent,
    )

    def many(n: int) -> None:
        body = {"pay": True, "orders": [order_body(f"b{n}-", i, count) for i in range(batch)]}
        status, answer = local.post("/v1/orders/batch", body, headers(n))
        assert status == 200 and all(item["outcome"] == "created" for item in answer), answer

    requests = max(1, orders // batch)
    start = meter.reading() if meter else (0.0, 0.0, 0.0, 0.0)
    seconds, latencies = timed(many, requests, clients, connect=local.connect)
    spent = meter.since(start) if meter else None
    results["batch"] = (
        requests * batch / seconds,
        percentile(latencies, 0.5),
        percentile(latencies, 0.99),
        spent,
    )
    return results


def baseline(url: str, tenant: str, orders: list[str]) -> float:
    """Insert again, with plain SQL, the rows the single run wrote for these orders."""
    engine = create_engine(url)
    dialect = postgresql if url.startswith("postgresql") else sqlite
    copy = f"{tenant}-sql"
    with engine.begin() as connection:
        rows = _rows_of_single_run(connection, tenant, orders)
        connection.execute(
            insert(t.tenants).values(
                tenant_id=copy,
                name=copy,
                settings={},
                event_seq=0,
                entry_seq=0,
                audit_seq=0,
                created_at=rows[0]["order"]["created_at"],
            )
        )
    started = time.perf_counter()
    for one in rows:
        with engine.begin() as connection:
            connection.execute(insert(t.orders).values({**one["order"], "tenant_id": copy}))
            connection.execute(
                insert(t.entries), [{**e, "tenant_id": copy} for e in one["entries"]]
            )
            connection.execute(
                insert(t.postings), [{**p, "tenant_id": copy} for p in one["postings"]]
            )
            connection.execute(insert(t.events).values({**one["event"], "tenant_id": copy}))
            for posting in one["postings"]:
                statement = dialect.insert(t.balances).values(
                    tenant_id=copy,
                    account=posting["account"],
                    asset=posting["asset"],
                    amount=posting["amount"],
                )
                connection.execute(
                    statement.on_conflict_do_update(
                        index_elements=["tenant_id", "account", "asset"],
                        set_={"amount": t.balances.c.amount + statement.excluded.amount},
                    )
                )
            connection.execute(
                text("UPDATE tenants SET event_seq = event_seq + 1 WHERE tenant_id = :tenant"),
                {"tenant": copy},
            )
    seconds = time.perf_counter() - started
    engine.dispose()
    return len(rows) / seconds


def _rows_of_single_run(
    connection: Connection, tenant: str, orders: list[str]
) -> list[dict[str, Any]]:
    rows = []
    for order_id in orders:
        order = connection.execute(
            select(t.orders).where(t.orders.c.tenant_id == tenant, t.orders.c.order_id == order_id)
        ).one()
        cause = f"order:{order_id}"
        entries = [
            dict(r._mapping)
            for r in connection.execute(
                select(t.entries).where(t.entries.c.tenant_id == tenant, t.entries.c.cause == cause)
            )
        ]
        ids = [e["entry_id"] for e in entries]
        postings = [
            dict(r._mapping)
            for r in connection.execute(
                select(t.postings).where(
                    t.postings.c.tenant_id == tenant, t.postings.c.entry_id.in_(ids)
                )
            )
        ]
        event = dict(
            connection.execute(
                select(t.events).where(t.events.c.tenant_id == tenant, t.events.c.event_id == cause)
            )
            .one()
            ._mapping
        )
        for part in (entries, postings, [event]):
            for row in part:
                row.pop("tenant_id")
        rows.append(
            {
                "order": {k: v for k, v in order._mapping.items() if k != "tenant_id"},
                "entries": entries,
                "postings": postings,
                "event": event,
            }
        )
    return rows


def postgres_database(admin: str) -> tuple[str, Callable[[], None]]:
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    name = f"zengzhi_bench_{secrets.token_hex(4)}"
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        engine.dispose()

    return make_url(admin).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--tenants", type=int, default=1, help="orders spread over N tenants")
    parser.add_argument("--members", type=int, default=MEMBERS, help="a tenant's members")
    parser.add_argument(
        "--workers", type=int, default=1, help="server processes (uvicorn --workers)"
    )
    parser.add_argument(
        "--rate",
        type=float,
        help="single orders due at this many a second, latency from when each was due "
        "(open loop); without it each client sends as soon as it is answered",
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    print(
        f"{describe()}; uvicorn, {args.workers} worker process(es), "
        f"{args.clients} client threads"
        + (f", single orders due at {args.rate:g}/s, " if args.rate else ", ")
        + f"{args.orders} orders a run, {args.tenants} tenant(s) of {args.members} members"
    )
    print(f"{'database':<11}{'mode':<10}{'orders/s':>10}{'p50 ms':>9}{'p99 ms':>9}")
    with tempfile.TemporaryDirectory() as folder:
        targets: list[tuple[str, str, Callable[[], None]]] = []
        if args.database in ("sqlite", "both"):
            targets.append(("sqlite", f"sqlite:///{Path(folder) / 'bench.db'}", lambda: None))
        if args.database in ("postgresql", "both"):
            url, drop = postgres_database(args.postgres)
            targets.append(("postgresql", url, drop))
        for name, url, cleanup in targets:
            keys = [prepare(url, f"bench{n}", args.members) for n in range(args.tenants)]
            warm_up(url)
            analyze(url)  # as autovacuum would on a live database
            process, base = serve(url, SECRET, args.workers)
            meter = Meter(process.pid, args.workers)
            try:
                results = run_http(
                    base,
                    keys,
                    args.orders,
                    args.clients,
                    args.batch,
                    args.members,
                    meter,
                    args.rate,
                )
            finally:
                process.terminate()
                process.wait()
            batches = max(1, args.orders // args.batch)
            first = [f"s{n}" for n in range(0, args.orders, args.tenants)]
            rate = baseline(url, "bench0", first)
            for mode, (per_second, p50, p99, spent) in results.items():
                print(
                    f"{name:<11}{mode:<10}{per_second:>10.0f}{p50:>9.1f}{p99:>9.1f}"
                    f"   ({per_second / rate:.0%} of plain SQL)"
                )
                if spent is not None:
                    done = batches * args.batch if mode == "batch" else args.orders
                    print(f"{'':<21}{spent.line(done)}")
            print(f"{name:<11}{'plain SQL':<10}{rate:>10.0f}")
            cleanup()


if __name__ == "__main__":
    main()
