"""Many requests at once on one pool, on PostgreSQL, through several server processes.

Three uvicorn processes serve one database; four client processes fire orders, sales,
withdrawals and subsidies at the same few members, and repeat some requests on another
server. Afterwards the journal rebuilds every balance exactly, and replaying the event
log (the accepted operations, in commit order) through the in-memory engine gives the
very state the database holds: no lost update, no double spend, no exit paid twice.
The second test does the same with orders inside a return window: the buyer's
confirmation and the shop's refund sent at one instant to two servers (exactly one wins),
completed orders reversed from two servers at once (applied once), and the pool's exit
multiple changed among them.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import Connection, func, select

from tests.processes import RACERS
from tests.service.conftest import SECRET, new_tenant
from zengzhi.service import members, pools, tenants
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.members import NewMember
from zengzhi.service.pools import NewPool
from zengzhi.service.settings import Settings
from zengzhi.service.tenants import TenantSettings
from zengzhi.service.users import NewApiKey, create_api_key
from zengzhi.store import tables as t
from zengzhi.store.database import Database

CLIENTS = 4
ROUNDS = 40
MEMBERS = [f"m{n}" for n in range(6)]


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


Hammer = Callable[[list[str], str, int], dict[str, int]]


def _hammered(
    servers: list[str],
    postgres_url: str,
    name: str,
    hammer: Hammer,
    settings: TenantSettings | None = None,
) -> tuple[Context, str, list[dict[str, int]]]:
    """A tenant with a pool and MEMBERS, and what CLIENTS processes running `hammer`
    against the servers with its key did."""
    context = Context(
        Database(postgres_url), Settings(database_url=postgres_url, secret_key=SECRET)
    )
    tenant = new_tenant(context, name)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    if settings is not None:
        tenants.update_settings(context, owner, settings)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="1.5"))
    for member in MEMBERS:
        members.create_member(context, owner, NewMember(id=member))
    key = create_api_key(context, owner, NewApiKey(name="shop", role=Role.OWNER)).token
    assert key is not None
    with RACERS.Pool(CLIENTS) as workers:
        outcomes = workers.starmap(hammer, [(servers, key, n) for n in range(CLIENTS)])
    return context, tenant, outcomes


def test_concurrent_requests_equal_a_sequential_replay(
    servers: list[str], postgres_url: str
) -> None:
    context, tenant, outcomes = _hammered(servers, postgres_url, "busy", hammer)
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
        negative = wallets_below_zero(connection, tenant)
    assert logged.get("order", 0) == totals["order"]
    assert logged.get("sell", 0) == totals.get("sale", 0)
    assert logged.get("withdraw", 0) == totals.get("withdrawal", 0)
    assert logged.get("subsidy", 0) == totals.get("subsidy", 0)
    assert negative == 0
    assert totals.get("sale", 0) > 0 and totals.get("withdrawal", 0) > 0
    context.database.dispose()


def wallets_below_zero(connection: Connection, tenant: str) -> int:
    """How many of the tenant's members' wallets are below zero (a debt is its own
    account: a wallet never is)."""
    b = t.balances.c
    wallets = (b.tenant_id == tenant, b.amount < 0, b.account.like("member:%:wallet"))
    count = select(func.count()).select_from(t.balances).where(*wallets)
    return int(connection.execute(count).scalar_one())


def at_once(calls: list[tuple[httpx.Client, str]], body: Any = None) -> list[httpx.Response]:
    """The posts (of `body`, else `{}`) sent at one instant, each from its own thread (on
    its own server)."""
    barrier = threading.Barrier(len(calls))
    answers: list[httpx.Response | None] = [None] * len(calls)

    def send(n: int) -> None:
        client, path = calls[n]
        barrier.wait()
        answers[n] = client.post(path, json={} if body is None else body)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(answer is not None for answer in answers)
    return [answer for answer in answers if answer is not None]


def _complete_or_refund(
    servers: list[httpx.Client], order: str, racing: bool, refund_first: bool = False
) -> bool:
    """The buyer confirms a paid order and the shop refunds it, one after the other (the
    buyer first, or the shop with `refund_first`) or at one instant on two servers:
    exactly one wins; whether completion did."""
    first, second = servers
    complete_path, refund_path = f"/v1/orders/{order}/complete", f"/v1/orders/{order}/refund"
    if racing:
        complete, refund = at_once([(first, complete_path), (second, refund_path)])
    elif refund_first:
        refund, complete = second.post(refund_path, json={}), first.post(complete_path, json={})
    else:
        complete, refund = first.post(complete_path, json={}), second.post(refund_path, json={})
    won = [a.json()["status"] for a in (complete, refund) if a.status_code == 200]
    lost = [a.status_code for a in (complete, refund) if a.status_code != 200]
    assert len(won) == 1 and lost == [409], (complete.text, refund.text)
    assert won in (["completed"], ["refunded"]), won
    return won == ["completed"]


def hammer_refunds(urls: list[str], key: str, worker: int) -> dict[str, int]:
    """One client process: orders inside their return window completed or refunded (the
    two at one instant on two servers), completed orders reversed (twice at once), sales,
    withdrawals and the pool's exit multiple changed, among the other clients' work."""
    rng = random.Random(100 + worker)
    headers = {"Authorization": f"Bearer {key}"}
    clients = [httpx.Client(base_url=url, headers=headers, timeout=60) for url in urls]
    outcome: Counter[str] = Counter()
    paid: list[str] = []
    completed: list[str] = []

    def call(path: str, body: dict[str, Any], method: str = "POST") -> httpx.Response:
        response = rng.choice(clients).request(method, path, json=body)
        assert response.status_code < 500, response.text
        return response

    for n in range(ROUNDS):
        choice = rng.random()
        if choice < 0.4:
            order = f"w{worker}-o{n}"
            amount = rng.randint(100, 3000)
            body = {
                "id": order,
                "member": rng.choice(MEMBERS),
                "amount": f"{amount}.00",
                "contribution": f"{amount * 3 // 10}.00",
            }
            assert call("/v1/orders", body).status_code == 201
            answer = call(f"/v1/orders/{order}/pay", {})
            assert answer.json()["status"] == "paid", answer.text  # inside its window
            paid.append(order)
        elif choice < 0.62 and paid:
            order = paid.pop(rng.randrange(len(paid)))
            if _complete_or_refund(rng.sample(clients, 2), order, rng.random() < 0.5):
                completed.append(order)
                outcome["completed"] += 1
            else:
                outcome["refunded"] += 1
        elif choice < 0.7 and len(completed) > 2:
            order = completed.pop(rng.randrange(len(completed)))
            first, second = rng.sample(clients, 2)
            answers = at_once(
                [(first, f"/v1/orders/{order}/reverse"), (second, f"/v1/orders/{order}/reverse")]
            )
            assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
            assert {a.json()["status"] for a in answers} == {"reversed"}
            outcome["reversed"] += 1
        elif choice < 0.85:
            body = {"id": f"w{worker}-s{n}", "points": rng.choice(["all", "5", "20"])}
            answer = call(f"/v1/members/{rng.choice(MEMBERS)}/sell", body)
            outcome["sale" if answer.status_code == 200 else "sale_refused"] += 1
        elif choice < 0.94:
            body = {"id": f"w{worker}-w{n}", "amount": f"{rng.randint(1, 300)}.00"}
            answer = call(f"/v1/members/{rng.choice(MEMBERS)}/withdrawals", body)
            outcome["withdrawal" if answer.status_code == 201 else "withdrawal_refused"] += 1
        else:
            multiple = rng.choice(["1.5", "2", "3"])
            answer = call("/v1/pools/main", {"exit_multiple": multiple}, "PATCH")
            assert answer.status_code == 200, answer.text
            outcome["configured"] += 1
    for client in clients:
        client.close()
    return dict(outcome)


def test_refunds_and_reversals_at_once_equal_a_sequential_replay(
    servers: list[str], postgres_url: str
) -> None:
    # every order waits for its buyer's confirmation (or the refund)
    window = TenantSettings(completion_delay_seconds=3600)
    context, tenant, outcomes = _hammered(servers, postgres_url, "refunds", hammer_refunds, window)
    totals: Counter[str] = Counter()
    for outcome in outcomes:
        totals.update(outcome)
    with context.database.read() as connection:
        assert check_ledger(connection, tenant) == []
        assert check_replay(connection, tenant) == []
        e, o = t.events.c, t.orders.c
        logged = Counter(
            event.split(":")[0]
            for event in connection.execute(
                select(e.event_id).where(e.tenant_id == tenant)
            ).scalars()
        )
        statuses = Counter(
            connection.execute(select(o.status).where(o.tenant_id == tenant)).scalars()
        )
    # a completion is an order event, a reversal one more; a refund before completion none
    assert logged.get("order", 0) == totals["completed"]
    assert logged.get("reverse", 0) == totals["reversed"]
    assert statuses["refunded"] == totals["refunded"]
    assert statuses["reversed"] == totals["reversed"]
    assert statuses["completed"] == totals["completed"] - totals["reversed"]
    assert totals["refunded"] > 0 and totals["completed"] > 0 and totals["reversed"] > 0
    context.database.dispose()


def test_settings_saved_through_one_server_decide_the_next_command_on_another(
    servers: list[str], postgres_url: str
) -> None:
    """A server begins each command with the tenant's settings as it last saw them kept
    (store/uow.py `known_settings`). Settings saved through another server must still
    decide its next command: a refusal, an approval, a fee."""
    context = Context(
        Database(postgres_url), Settings(database_url=postgres_url, secret_key=SECRET)
    )
    tenant = new_tenant(context, "known")
    owner = Principal(tenant, "user:owner", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="2"))
    members.create_member(context, owner, NewMember(id="m1"))
    key = create_api_key(context, owner, NewApiKey(name="shop", role=Role.OWNER)).token
    context.database.dispose()
    one, two = servers[0], servers[1]
    headers = {"Authorization": f"Bearer {key}"}

    def send(server: str, method: str, path: str, body: Any) -> httpx.Response:
        return httpx.request(method, server + path, json=body, headers=headers, timeout=30)

    def withdrawals(server: str, **rules: str) -> None:
        saved = send(server, "PUT", "/v1/tenant/settings", {"withdrawals": rules})
        assert saved.status_code == 200, saved.text

    order = {"id": "o1", "member": "m1", "amount": "1000.00", "contribution": "300.00"}
    assert send(one, "POST", "/v1/orders", order | {"pay": True}).status_code == 201
    subsidy = {"id": "x1", "amount": "1700.00"}
    assert send(one, "POST", "/v1/pools/main/subsidies", subsidy).status_code == 200
    withdrawals(one, minimum="10.00")
    refused = send(one, "POST", "/v1/members/m1/withdrawals", {"id": "w0", "amount": "5.00"})
    assert refused.json()["message"] == "the smallest withdrawal is 10.00"
    withdrawals(two, minimum="1.00", auto_approve_limit="100.00", fee_fixed="0.50")
    asked = send(one, "POST", "/v1/members/m1/withdrawals", {"id": "w1", "amount": "5.00"})
    assert asked.status_code == 201, asked.text
    assert (asked.json()["status"], asked.json()["fee"]) == ("approved", "0.50")
    withdrawals(two, minimum="20.00")
    refused = send(one, "POST", "/v1/members/m1/withdrawals", {"id": "w2", "amount": "5.00"})
    assert refused.json()["message"] == "the smallest withdrawal is 20.00"
    with context.database.read() as connection:
        assert check_ledger(connection, tenant) == []
        assert check_replay(connection, tenant) == []
    context.database.dispose()
