"""What webhooks cost, and how fast the dispatcher delivers, on SQLite and PostgreSQL.

    python benchmarks/webhook_throughput.py [--orders 500] [--members 50]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

In one process (no HTTP server, to isolate the outbox):

- orders/s: orders created and paid (completed at once) through the use cases, with no
  subscription and with one subscription to every type (the outbox then holds about two
  events an order, written in the order's own transaction);
- delivered/s: the dispatcher sending that outbox to a receiver that answers at once
  (httpx MockTransport: no sockets), and to a real HTTP receiver on a local port,
  members' events in order.

Prints a table; nothing here is a test.
"""

from __future__ import annotations

import argparse
import secrets
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
from machine import describe
from pydantic import SecretStr
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from zengzhi.service import members, orders, pools, tenants, webhook_delivery, webhooks
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.members import NewMember
from zengzhi.service.orders import NewOrder
from zengzhi.service.pools import NewPool
from zengzhi.service.settings import Settings
from zengzhi.service.webhooks import SubscriptionIn
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade


def tenant(context: Context, count: int, subscribe: bool) -> str:
    name = f"bench-{secrets.token_hex(3)}"
    tenants.create_tenant(
        context, tenants.NewTenant(id=name, name=name, owner="owner", password="p" * 12)
    )
    owner = Principal(name, "bench", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="2"))
    for n in range(count):
        members.create_member(context, owner, NewMember(id=f"m{n}"))
    if subscribe:
        webhooks.create_subscription(
            context,
            owner,
            SubscriptionIn(url="http://127.0.0.1:9/hooks", event_types=["*"]),  # type: ignore[arg-type]
        )
    return name


def place(context: Context, name: str, count: int, people: int) -> float:
    owner = Principal(name, "bench", Role.OWNER)
    started = time.perf_counter()
    for n in range(count):
        order = NewOrder(
            id=f"o{n}", member=f"m{n % people}", amount="1000.00", contribution="300.00"
        )
        orders.create_order(context, owner, order)
        orders.pay(context, owner, f"o{n}")
    return count / (time.perf_counter() - started)


def real_receiver() -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/hooks"


def deliver(context: Context, name: str, client: httpx.Client) -> tuple[int, float]:
    started = time.perf_counter()
    report = webhook_delivery.dispatch(context, name, client)
    return report.delivered, report.delivered / (time.perf_counter() - started)


def run(url: str, label: str, count: int, people: int) -> list[str]:
    database = Database(url)
    upgrade(database.writer)
    settings = Settings(
        database_url=url,
        secret_key=SecretStr("s" * 40),
        webhook_private_targets=True,  # the receiver is on this machine
    )
    context = Context(database, settings)
    rows = []
    quiet = place(context, tenant(context, people, False), count, people)
    name = tenant(context, people, True)
    loud = place(context, name, count, people)
    rows.append(f"{label:<11} orders/s, no subscription      {quiet:8.0f}")
    rows.append(f"{label:<11} orders/s, one subscription (*) {loud:8.0f}")
    mock = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(204)))
    sent, rate = deliver(context, name, mock)
    rows.append(f"{label:<11} delivered/s, instant receiver  {rate:8.0f}  ({sent} events)")
    name = tenant(context, people, True)
    place(context, name, count, people)
    server, hook_url = real_receiver()
    with database.write() as connection:
        connection.execute(
            text("UPDATE webhook_subscriptions SET url = :url WHERE tenant_id = :t"),
            {"url": hook_url, "t": name},
        )
    with httpx.Client() as client:
        sent, rate = deliver(context, name, client)
    server.shutdown()
    rows.append(f"{label:<11} delivered/s, local HTTP        {rate:8.0f}  ({sent} events)")
    database.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        rows += run(f"sqlite:///{Path(folder) / 'bench.db'}", "SQLite", args.orders, args.members)
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    name = f"zengzhi_bench_{secrets.token_hex(3)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
        rows += run(url, "PostgreSQL", args.orders, args.members)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    print(describe())
    print(f"{args.orders} orders by {args.members} members; about 2 webhook events an order")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
