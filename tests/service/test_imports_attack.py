"""Attacks on the legacy imports API (714c31f) on PostgreSQL: one import id sent with two
bodies by several senders at one instant on two servers, beside orders and sales of the
same member: one import applies once, its repeats answer it, the other body is a conflict
on the id, and the log replays to the same books."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from sqlalchemy import select

from tests.service.conftest import SECRET, Api, new_tenant
from zengzhi.core.errors import DomainError
from zengzhi.service import members, orders, pools
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.members import NewMember, SellRequest
from zengzhi.service.orders import NewOrder, OrderBatch
from zengzhi.service.pools import ImportRequest, NewPool
from zengzhi.service.settings import Settings
from zengzhi.store import tables as t
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade

SENDERS = 8


def test_one_import_id_with_two_bodies_at_once_on_two_servers(postgres_url: str) -> None:
    database = Database(postgres_url)
    upgrade(database.writer)
    settings = Settings(database_url=postgres_url, secret_key=SECRET)
    servers = [Context(database, settings), Context(Database(postgres_url), settings)]
    tenant = new_tenant(servers[0], "imprace")
    owner = Principal(tenant, "user:owner", Role.OWNER)
    pools.open_pool(servers[0], owner, NewPool(id="main", exit_multiple="1.5"))
    members.create_member(servers[0], owner, NewMember(id="m1"))
    bodies = [
        ImportRequest(id="i1", member="m1", principal="1000.00", contribution="300.00"),
        ImportRequest(id="i1", member="m1", principal="999.00", contribution="300.00"),
    ]
    barrier = threading.Barrier(SENDERS + 2)
    answers: list[tuple[int, Any]] = []
    lock = threading.Lock()

    def send(n: int) -> None:
        context = servers[n % 2]
        barrier.wait()
        try:
            made, created = pools.import_balance(context, owner, "main", bodies[n % 2])
            found: Any = ("made", created, made["principal"], made["points"])
        except DomainError as error:
            found = ("refused", error.code.value, error.field)
        with lock:
            answers.append((n % 2, found))

    def trade(n: int) -> None:
        context = servers[n % 2]
        barrier.wait()
        if n:
            orders.create_orders(
                context,
                owner,
                OrderBatch(
                    orders=[NewOrder(id="o1", member="m1", amount="50.00", contribution="50.00")],
                    pay=True,
                ),
            )
        else:
            with contextlib.suppress(DomainError):  # refused while m1 holds nothing yet
                members.sell(context, owner, "m1", SellRequest(id="s1", points="all"))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(SENDERS)]
    threads += [threading.Thread(target=trade, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    made = [found for _, found in answers if found[0] == "made"]
    refused = [found for _, found in answers if found[0] == "refused"]
    assert len(made) + len(refused) == SENDERS
    assert sum(1 for found in made if found[1]) == 1, answers  # applied once
    assert len({found[2:] for found in made}) == 1, answers  # one body, answered alike
    assert {found[1:] for found in refused} <= {("conflict", "id")}, refused
    with database.read() as connection:
        assert check_ledger(connection, tenant) == []
        assert check_replay(connection, tenant) == []
    for context in servers:
        context.database.dispose()


def test_an_imported_position_sold_reversed_around_and_forced_out(api: Api, context: Any) -> None:
    """m9's imported balance (300.00 funded, 210.0000 points at 1.00) is its oldest lot:
    a sale takes the import's points first, so reversing m9's later order burns that
    order's points whole and charges nothing; a points-only import into the open
    position is a lot of its own; a large subsidy then forces m9 out (its lots go), and
    the log replays to the same books."""
    api.pool(exit_multiple="1.5")
    api.member("m9")
    api.member("m2")
    body = {"id": "i1", "member": "m9", "principal": "1000.00", "contribution": "300.00"}
    api.ok(api.post("/v1/pools/main/imports", body))
    api.completed_order("o1", "m9", amount="100.00", contribution="100.00")
    [before] = api.ok(api.get("/v1/members/m9/positions"))
    api.ok(api.post("/v1/members/m9/sell", {"id": "s1", "points": "200"}))  # the import's
    reversed_ = api.ok(api.post("/v1/orders/o1/reverse"))
    assert reversed_["status"] == "reversed"
    [after] = api.ok(api.get("/v1/members/m9/positions"))
    # o1's points all burned (none of them sold), the import's 10.0000 left
    assert after["points"] == "10.0000", (before, after)
    assert after["principal"] == "1000.00"
    wallet = api.ok(api.get("/v1/members/m9/wallet"))
    more = {"id": "i2", "member": "m9", "principal": "0", "contribution": "50.00"}
    assert api.post("/v1/pools/main/imports", more).status_code == 201
    api.completed_order("b1", "m2", amount="900.00", contribution="900.00")
    api.ok(api.post("/v1/pools/main/subsidies", {"id": "x1", "amount": "1000000.00"}))
    assert api.ok(api.get("/v1/members/m9/positions")) == []
    assert api.ok(api.get("/v1/members/m9/wallet"))["balance"] != wallet["balance"]
    lot = t.position_lots.c
    with context.database.read() as connection:
        left = connection.execute(
            select(lot.cause).where(lot.tenant_id == api.tenant, lot.member_id == "m9")
        ).all()
        assert left == []
        assert check_ledger(connection, api.tenant) == []
        assert check_replay(connection, api.tenant) == []


HOSTILE = [
    ("principal", "1e3"),
    ("principal", "１０００"),  # full-width digits
    ("principal", "-1.00"),
    ("principal", "+1000"),
    ("principal", " 1000"),
    ("principal", "NaN"),
    ("principal", "Infinity"),
    ("principal", "1000.001"),
    ("principal", 1000),
    ("principal", 1000.0),
    ("principal", None),
    ("principal", "1" + "0" * 30),
    ("contribution", "-0"),
    ("contribution", "0.00"),
    ("contribution", "1e2"),
    ("contribution", "0.001"),
    ("contribution", "1" + "0" * 30),
    ("member", "m9\u0000"),
    ("reason", "\u0000"),
    ("reason", "x" * 5000),
]


def test_hostile_imports_are_refused_naming_their_field_and_change_nothing(api: Api) -> None:
    """Each amount that is not plain decimal text of at most two places (an exponent,
    full-width digits, a sign, a space, NaN, a JSON number or null, a huge one), a zero or
    negative contribution, a control character: refused 422 naming the field; then an
    unknown member (404, member) and a paused pool (409, pool); the pool and the member's
    positions as they were, and the id still free for a good request."""
    api.pool()
    api.member("m9")
    base = {"id": "i1", "member": "m9", "principal": "1000.00", "contribution": "300.00"}
    before = api.ok(api.get("/v1/pools/main"))
    for field, value in HOSTILE:
        answer = api.post("/v1/pools/main/imports", {**base, field: value})
        assert answer.status_code == 422, (field, value, answer.text)
        assert answer.json()["field"] == field, (field, value, answer.text)
    unknown = api.post("/v1/pools/main/imports", {**base, "member": "M9"})
    assert (unknown.status_code, unknown.json()["field"]) == (404, "member")
    api.ok(api.patch("/v1/pools/main", {"minting_enabled": False}))
    paused = api.post("/v1/pools/main/imports", base)
    assert (paused.status_code, paused.json()["field"]) == (409, "pool"), paused.text
    api.ok(api.patch("/v1/pools/main", {"minting_enabled": True}))
    after = api.ok(api.get("/v1/pools/main"))
    assert (after["balance"], after["points"]) == (before["balance"], before["points"])
    assert api.ok(api.get("/v1/members/m9/positions")) == []
    made = api.post("/v1/pools/main/imports", base)  # nothing kept the id
    assert made.status_code == 201, made.text
