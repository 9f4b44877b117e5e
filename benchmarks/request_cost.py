"""What one HTTP request costs the server, by kind: the framework's floor beside an
authenticated read and a lone order (issue 16: the order's CPU outside its command).

    python benchmarks/request_cost.py [--requests 3000] [--clients 4]
        [--database postgresql|sqlite|both]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Starts the server as `http_throughput.py` does (one uvicorn process, the same tenant: a
pool, 200 members, an API key; on PostgreSQL after its warm-up and ANALYZE), then sends
each kind of request `--requests` times from `--clients` threads, each answered before
the next is sent, after 300 of the same kind to warm the connections:

- `GET /health`: no key, no database: uvicorn, the middleware and the routing alone;
- `GET /v1/members/{id}`: the API key checked (one statement), one member read (a
  member page's reads, with a member's token, are checked the same way);
- `POST /v1/orders` with `"pay": true`: one order created and paid, alone (a few clients
  rarely share a group), the key checked, proven again in the command.

Prints for each the server's CPU an answer (its process, from /proc), the answers a
second and their median time, and the route's place in the application's list, which
Starlette walks in order until one matches (a route far down the list pays for every
match tried before it). Where the CPU goes inside the server is read with py-spy
sampling only the thread that holds the GIL, which is CPU (the rest is waiting):
`py-spy record --gil -r 250 -f raw -o out.raw --pid <server>` while a kind runs
(docs/benchmarks.md, "What a request costs the server"). Nothing here is a test.
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path

from autoanalyze import analyze
from cpu import Meter
from http_throughput import (
    SECRET,
    Clients,
    order_body,
    percentile,
    postgres_database,
    prepare,
    timed,
    warm_up,
)
from machine import describe
from server import serve
from starlette.routing import Match

from zengzhi.app import create_app
from zengzhi.service.base import Context
from zengzhi.service.settings import Settings
from zengzhi.store.database import Database

WARM = 300  # requests of each kind before the measured ones


def route_place(url: str, method: str, path: str) -> int:
    """Where the request's route stands in the application's list (0: first)."""
    settings = Settings(database_url=url, secret_key=SECRET)  # type: ignore[arg-type]
    database = Database(url)
    app = create_app(Context(database, settings))
    scope = {"type": "http", "method": method, "path": path, "root_path": ""}
    try:
        for place, route in enumerate(app.router.routes):
            if route.matches(scope)[0] == Match.FULL:
                return place
    finally:
        database.dispose()
    raise SystemExit(f"no route for {method} {path}")


Kind = tuple[str, str, Callable[[int], str], bool, bool, int]
# each kind: its name, method, path of request n, whether it is sent with the API key,
# whether it sends an order, and the status it must answer
KINDS: list[Kind] = [
    ("GET /health", "GET", lambda n: "/health", False, False, 200),
    ("GET /v1/members/{id}", "GET", lambda n: f"/v1/members/m{n % 200}", True, False, 200),
    ("POST /v1/orders, paid", "POST", lambda n: "/v1/orders", True, True, 201),
]


def measure(url: str, requests: int, clients: int) -> None:
    key = prepare(url, "bench0")
    warm_up(url)
    analyze(url)  # as autovacuum would on a live database
    process, base = serve(url, SECRET, 1)
    try:
        for kind in KINDS:
            print(one_kind(url, kind, Clients(base), Meter(process.pid, 1), key, requests, clients))
    finally:
        process.terminate()
        process.wait()


def one_kind(
    url: str, kind: Kind, client: Clients, meter: Meter, key: str, requests: int, clients: int
) -> str:
    """The kind's line: its requests sent after `WARM` of the same."""
    name, method, path, keyed, order, status = kind
    headers = {"Authorization": f"Bearer {key}"} if keyed else {}
    run = secrets.token_hex(3)  # this run's orders are new ones

    def one(n: int) -> None:
        body = order_body(f"r{run}-", n) | {"pay": True} if order else None
        answered, _ = client.send(method, path(n), body, headers)
        assert answered == status, (method, path(n), answered)

    timed(lambda n: one(requests + n), WARM, clients, connect=client.connect)
    start = meter.reading()
    seconds, latencies = timed(one, requests, clients, connect=client.connect)
    spent = meter.since(start)
    cpu = f"{spent.server / requests * 1e6:>10,.0f}" if spent else f"{'-':>10}"
    place = route_place(url, method, path(0))
    return (
        f"{name:<26}{cpu}{requests / seconds:>10,.0f}{percentile(latencies, 0.5):>9.1f}{place:>7}"
    )


HEADING = f"{'request':<26}{'server µs':>10}{'a second':>10}{'p50 ms':>9}{'route':>7}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--database", choices=["sqlite", "postgresql", "both"], default="postgresql"
    )
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    print(f"{describe()}; one uvicorn process, {args.clients} client threads")
    with tempfile.TemporaryDirectory() as folder:
        if args.database in ("sqlite", "both"):
            print("sqlite")
            print(HEADING)
            measure(f"sqlite:///{Path(folder) / 'bench.db'}", args.requests, args.clients)
        if args.database in ("postgresql", "both"):
            url, drop = postgres_database(args.postgres)
            try:
                print("postgresql")
                print(HEADING)
                measure(url, args.requests, args.clients)
            finally:
                drop()


if __name__ == "__main__":
    main()
