"""Many requests at once on one pool, on PostgreSQL, through several server processes.

Three uvicorn processes serve one database; four client processes fire orders, sales,
withdrawals and subsidies at the same few members, and repeat some requests on another
server. Afterwards the journal rebuilds every balance exactly, and replaying the event
log (the accepted operations, in commit order) through the in-memory engine gives the
very state the database holds: no lost update, no double spend, no exit paid twice.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import socket
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests import server_process
from tests.service.conftest import SECRET, new_tenant
from zengzhi.service import members, pools
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.members import NewMember
from zengzhi.service.pools import NewPool
from zengzhi.service.settings import Settings
from zengzhi.service.users import NewApiKey, create_api_key
from zengzhi.store import tables as t
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade

SERVERS = 3
CLIENTS = 4
ROUNDS = 40
MEMBERS = [f"m{n}" for n in range(6)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def servers(postgres_url: str) -> Iterator[list[str]]:
    database = Database(postgres_url)
    upgrade(database.writer)
    database.dispose()
    env = {
        **os.environ,
        "ZENGZHI_DATABASE_URL": postgres_url,
        "ZENGZHI_SECRET_KEY": SECRET.get_secret_value(),
        "ZENGZHI_RUN_JOBS": "false",
    }
    ports = [free_port() for _ in range(SERVERS)]
    processes = [server_process.launch(port, env) for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for process, port in zip(processes, ports, strict=True):
            server_process.wait_until_healthy(process, port)
        yield urls
    finally:
        for process in processes:
            if process.poll() is None:
                server_process.stop(process)


def hammer(urls: list[str], key: str, worker: int) -> dict[str, int]:
    """One client process: a random mix of operations, some repeated on another server."""
    rng = random.Random(worker)
    headers = {"Authorization": f"Bearer {key}"}
    clients = [httpx.Client(base_url=url, headers=headers, timeout=60) for url in urls]
    outcome: dict[str, int] = {}
    sent: list[tuple[str, dict[str, Any], dict[str, Any]]] = []

    def call(path: str, body: dict[str, Any]) -> httpx.Response:
        response = rng.choice(clients).post(path, json=body)
        assert response.status_code < 500, response.text
        return response

    for n in range(ROUNDS):
        member = rng.choice(MEMBERS)
        choice = rng.random()
        if choice < 0.45:
            order = f"w{worker}-o{n}"
            amount = rng.randint(100, 3000)
            body = {
                "id": order,
                "member": member,
                "amount": f"{amount}.00",
                "contribution": f"{amount * 3 // 10}.00",
            }
            created = call("/v1/orders", body)
            assert created.status_code == 201, created.text
            paid = call(f"/v1/orders/{order}/pay", {})
            assert paid.json()["status"] == "completed", paid.text
            kind = "order"
        elif choice < 0.7:
            body = {"id": f"w{worker}-s{n}", "points": rng.choice(["all", "5", "20"])}
            response = call(f"/v1/members/{member}/sell", body)
            sent.append((f"/v1/members/{member}/sell", body, response.json()))
            kind = "sale" if response.status_code == 200 else "sale_refused"
        elif choice < 0.92:
            body = {"id": f"w{worker}-w{n}", "amount": f"{rng.randint(1, 300)}.00"}
            response = call(f"/v1/members/{member}/withdrawals", body)
            sent.append((f"/v1/members/{member}/withdrawals", body, response.json()))
            kind = "withdrawal" if response.status_code == 201 else "withdrawal_refused"
        else:
            body = {"id": f"w{worker}-x{n}", "amount": f"{rng.randint(10, 200)}.00"}
            response = call("/v1/pools/main/subsidies", body)
            assert response.status_code == 200, response.text
            kind = "subsidy"
        outcome[kind] = outcome.get(kind, 0) + 1
    for path, body, first in sent[::3]:  # the same request again, on any server
        again = call(path, body)
        if "code" not in first:
            assert again.json() == first, (path, body)  # applied once: the first answer
        elif "code" not in again.json():  # refused before, nothing was kept: applies now
            kind = "sale" if path.endswith("/sell") else "withdrawal"
            outcome[kind] = outcome.get(kind, 0) + 1
    for client in clients:
        client.close()
    return outcome


def test_concurrent_requests_equal_a_sequential_replay(
    servers: list[str], postgres_url: str
) -> None:
    settings = Settings(database_url=postgres_url, secret_key=SECRET)
    context = Context(Database(postgres_url), settings)
    tenant = new_tenant(context, "busy")
    owner = Principal(tenant, "user:owner", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="1.5"))
    for member in MEMBERS:
        members.create_member(context, owner, NewMember(id=member))
    key = create_api_key(context, owner, NewApiKey(name="shop", role=Role.OWNER)).token
    assert key is not None
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(CLIENTS) as workers:
        outcomes = workers.starmap(hammer, [(servers, key, n) for n in range(CLIENTS)])
    totals: dict[str, int] = {}
    for outcome in outcomes:
        for kind, count in outcome.items():
            totals[kind] = totals.get(kind, 0) + count
    with context.database.read() as connection:
        assert check_ledger(connection, tenant) == []
        assert check_replay(connection, tenant) == []
        e = t.events.c
        logged = Counter(
            event.split(":")[0]
            for event in connection.execute(
                select(e.event_id).where(e.tenant_id == tenant)
            ).scalars()
        )
        negative = connection.execute(
            select(func.count())
            .select_from(t.balances)
            .where(
                t.balances.c.tenant_id == tenant,
                t.balances.c.amount < 0,
                t.balances.c.account.like("member:%:wallet"),
            )
        ).scalar_one()
    assert logged.get("order", 0) == totals["order"]
    assert logged.get("sell", 0) == totals.get("sale", 0)
    assert logged.get("withdraw", 0) == totals.get("withdrawal", 0)
    assert logged.get("subsidy", 0) == totals.get("subsidy", 0)
    assert negative == 0
    assert totals.get("sale", 0) > 0 and totals.get("withdrawal", 0) > 0
    context.database.dispose()
