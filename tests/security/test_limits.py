"""Issue 15, items 4, 6 and 7: limits that hold under concurrency and under abuse.

- The daily order cap and the total-spend cap count under the member's row lock, and
  one account per phone is a key in the database (`member_phones`): several processes
  at once get exactly what the limit allows.
- Refused gateway notifications are recorded only for tenants with a gateway, at most
  `REFUSALS_PER_MINUTE` a minute and `REFUSALS_KEPT` in all.
- A request body past `ZENGZHI_MAX_BODY_BYTES` is refused with 413 before it is read.
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from tests import server_process
from tests.security import workers
from tests.security.conftest import sqlite_only
from tests.security.races import race
from tests.service.conftest import SECRET, Api, Clock, free_port, new_tenant
from tests.service.test_payments import gateway
from zengzhi.core.amounts import Yuan
from zengzhi.engine.config import DistributionConfig, LimitsConfig
from zengzhi.service import distribution, members, orders, payments, pools, wallets
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.members import NewMember, SellRequest
from zengzhi.service.orders import NewOrder
from zengzhi.service.payments import BODY_KEPT, MAX_NOTIFICATION_BYTES, REFUSALS_PER_MINUTE
from zengzhi.service.pools import NewPool
from zengzhi.store import tables as t
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade

ROUNDS = workers.ROUNDS
PROCESSES = 3


def limited_tenant(context: Context, **limits: object) -> str:
    tenant = new_tenant(context, "capped")
    owner = Principal(tenant, "user:owner", Role.OWNER)
    config = DistributionConfig(limits=LimitsConfig.model_validate(limits))
    distribution.put_settings(context, owner, config)
    return tenant


def test_the_daily_order_cap_holds_under_concurrency(context: Context) -> None:
    tenant = limited_tenant(context, orders_per_day=1)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    for round_ in range(ROUNDS):
        members.create_member(context, owner, NewMember(id=f"m{round_}"))
    url, secret = context.database.url, SECRET.get_secret_value()
    outcomes = race(PROCESSES, workers.order_rounds, (url, secret, tenant, "10.00"))
    for round_, outcome in enumerate(zip(*outcomes, strict=True)):
        assert outcome.count("created") == 1, (round_, outcome)
        assert outcome.count("conflict") == PROCESSES - 1, (round_, outcome)


def test_the_total_spend_cap_holds_under_concurrency(context: Context) -> None:
    tenant = limited_tenant(context, total_spend="150.00")
    owner = Principal(tenant, "user:owner", Role.OWNER)
    for round_ in range(ROUNDS):
        members.create_member(context, owner, NewMember(id=f"m{round_}"))
    url, secret = context.database.url, SECRET.get_secret_value()
    outcomes = race(PROCESSES, workers.order_rounds, (url, secret, tenant, "100.00"))
    for round_, outcome in enumerate(zip(*outcomes, strict=True)):
        assert outcome.count("created") == 1, (round_, outcome)


def test_one_account_per_phone_holds_under_concurrency(context: Context) -> None:
    tenant = limited_tenant(context, one_account_per_phone=True)
    url, secret = context.database.url, SECRET.get_secret_value()
    outcomes = race(PROCESSES, workers.join_rounds, (url, secret, tenant))
    for round_, outcome in enumerate(zip(*outcomes, strict=True)):
        assert outcome.count("created") == 1, (round_, outcome)
        assert outcome.count("conflict") == PROCESSES - 1, (round_, outcome)


def test_a_changed_phone_is_claimed_too(api: Api) -> None:
    api.ok(api.put("/v1/distribution", {"limits": {"one_account_per_phone": True}}))
    api.member("a", phone="+86 138 0000 0001")
    api.member("b", phone="+86 138 0000 0002")
    taken = api.patch("/v1/members/b", {"phone": "+8613800000001"})
    assert taken.status_code == 409 and taken.json()["field"] == "phone"
    assert api.post("/v1/members", {"id": "c", "phone": "+86-138-0000-0002"}).status_code == 409
    api.ok(api.patch("/v1/members/a", {"phone": "+86 138 0000 0003"}))  # a lets 0001 go
    assert api.ok(api.patch("/v1/members/b", {"phone": "+86 138 0000 0001"}))["phone"]


# ---------------------------------------------------------------------------- gateway refusals


def kept(context: Context, tenant: str) -> list[str]:
    with context.database.read() as connection:
        r = t.gateway_refusals.c
        return list(
            connection.execute(
                select(r.body).where(r.tenant_id == tenant).order_by(r.received_at)
            ).scalars()
        )


def forged(api: Api, n: int, size: int = 4000) -> int:
    body = json.dumps({"id": f"x{n}", "type": "payout.failed", "pad": "p" * size}).encode()
    return api.client.post(
        f"/v1/gateway/{api.tenant}/notifications",
        content=body,
        headers={"X-Zengzhi-Timestamp": "1795251600", "X-Zengzhi-Signature": "v1=00"},
    ).status_code


def test_a_tenant_without_a_gateway_has_nothing_written(api: Api, context: Context) -> None:
    assert [forged(api, n) for n in range(40)] == [401] * 40
    assert kept(context, api.tenant) == []


def test_refusals_are_kept_at_most_so_many_a_minute_and_in_all(
    api: Api, context: Context, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway(api)
    assert [forged(api, n) for n in range(REFUSALS_PER_MINUTE + 10)] == [401] * (
        REFUSALS_PER_MINUTE + 10
    )
    first = kept(context, api.tenant)
    assert len(first) == REFUSALS_PER_MINUTE  # the rest of the minute: refused, not kept
    assert all(len(body) <= BODY_KEPT for body in first)
    clock.advance(minutes=1)
    forged(api, 100)
    assert len(kept(context, api.tenant)) == REFUSALS_PER_MINUTE + 1
    monkeypatch.setattr(payments, "REFUSALS_KEPT", 20)  # and never more than so many
    clock.advance(minutes=1)
    forged(api, 200, size=10)
    left = kept(context, api.tenant)
    assert len(left) == 20 and '"x200"' in left[-1]
    too_big = api.client.post(
        f"/v1/gateway/{api.tenant}/notifications", content=b" " * (MAX_NOTIFICATION_BYTES + 1)
    )
    assert (too_big.status_code, too_big.json()["field"]) == (413, "body")


def test_refusals_counted_at_once_stay_within_the_minutes_room(api: Api, context: Context) -> None:
    """Three processes forge twenty notifications each at the same moment."""
    gateway(api)
    url, secret = context.database.url, SECRET.get_secret_value()
    codes = race(3, workers.forge, (url, secret, api.tenant, 20))
    assert [code for one in codes for code in one] == ["unauthorized"] * 60
    assert len(kept(context, api.tenant)) == REFUSALS_PER_MINUTE


# ---------------------------------------------------------------------------- request bodies


@sqlite_only
def test_a_body_past_the_limit_is_refused_before_it_is_read(api: Api) -> None:
    limit = api.client.app.state.context.settings.max_body_bytes  # type: ignore[attr-defined]
    assert limit == 1024 * 1024  # the default
    big = b'{"id": "o1", "member": "' + b"x" * limit + b'"}'
    for path in ("/v1/orders", "/v1/auth/login", f"/v1/gateway/{api.tenant}/notifications"):
        refused = api.client.post(path, content=big, headers={"Content-Type": "application/json"})
        assert refused.status_code == 413, (path, refused.text)
        assert refused.json() == {
            "code": "too_large",
            "message": f"the request body is larger than the {limit} bytes accepted",
            "field": "body",
        }

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"id": "o1", "member": "'
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    streamed = api.client.post(
        "/v1/orders", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413, streamed.text
    assert api.get("/v1/orders/o1").status_code == 404
    small = api.post("/v1/members", {"id": "m1", "name": "x" * 100})
    assert small.status_code == 201  # a body under the limit goes through as before


def _rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]


def test_a_hundred_megabytes_do_not_reach_the_server(tmp_path: Path) -> None:
    """A real server: a 100 MB body announced by its length is answered 413 at once,
    and one sent in chunks is cut off at the limit; the server's memory stays put."""
    port = free_port()
    env = {
        **os.environ,
        "ZENGZHI_DATABASE_URL": f"sqlite:///{tmp_path / 'z.db'}",
        "ZENGZHI_SECRET_KEY": SECRET.get_secret_value(),
        "ZENGZHI_RUN_JOBS": "false",
    }
    database = Database(env["ZENGZHI_DATABASE_URL"])
    upgrade(database.writer)
    database.dispose()
    server = server_process.start(port, env)
    try:
        before = _rss_kb(server.pid)
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(
                b"POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 104857600\r\n\r\n" + b"{" + b" " * 65536
            )
            answer = connection.recv(4096)
        assert answer.startswith(b"HTTP/1.1 413"), answer
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(
                b"POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            chunk = b"%x\r\n" % 65536 + b" " * 65536 + b"\r\n"
            sent = 0
            try:
                while sent < 100 * 1024 * 1024:
                    connection.sendall(chunk)
                    sent += 65536
            except OSError:  # the server answered and closed: the rest is not read
                pass
            answer = connection.recv(4096)
        assert answer.startswith(b"HTTP/1.1 413"), answer
        assert sent < 20 * 1024 * 1024, sent  # cut off near the limit, not at 100 MB
        assert time.monotonic() - started < 10
        assert _rss_kb(server.pid) - before < 30 * 1024  # kB: the bodies never sat in memory
    finally:
        server_process.stop(server)


def test_the_same_order_sent_at_the_same_instant_is_created_and_paid_once(
    context: Context,
) -> None:
    """Three processes send one order (same id, same content) at the same moment, then
    pay it at the same moment, six rounds: one creation a round, every answer the one
    order, and the pool minted each order once (creating an order takes no tenant-wide
    lock: its row's key is what keeps it single)."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main"))
    members.create_member(context, owner, NewMember(id="m0"))
    url, secret = context.database.url, SECRET.get_secret_value()
    outcomes = race(PROCESSES, workers.same_order_rounds, (url, secret, tenant))
    for round_, outcome in enumerate(zip(*outcomes, strict=True)):
        assert sorted(outcome) == ["created completed"] + ["repeated completed"] * (
            PROCESSES - 1
        ), (round_, outcome)
    listed = orders.list_orders(context, owner, "m0", None, 100, None)
    assert sorted(order.id for order in listed) == [f"same-{n}" for n in range(ROUNDS)]
    # each order minted once: the pool holds six contributions of 30.00
    assert pools.get_pool(context, owner, "main").balance == "180.00"


def test_the_same_member_or_withdrawal_sent_at_the_same_instant_answers_as_a_repeat(
    context: Context,
) -> None:
    """Eighteen senders (three processes of six threads) register one member, then ask
    for one withdrawal (same ids, same contents) at the same moment, six rounds: every
    one is answered as the first was, never "exists already" (on PostgreSQL the loser
    of the race saw its twin's row only once the engine looked: it is run again whole
    and answers as a repeat), and the withdrawal is held once."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main"))
    members.create_member(context, owner, NewMember(id="m0"))
    members.create_member(context, owner, NewMember(id="m1"))
    for member in ("m0", "m1"):
        order = NewOrder(id=f"o-{member}", member=member, amount="100.00", contribution="30.00")
        orders.create_order(context, owner, order)
        orders.pay(context, owner, order.id)
    members.sell(context, owner, "m0", SellRequest(id="s0", points="20"))
    before = wallets.wallet(context, owner, "m0")
    url, secret = context.database.url, SECRET.get_secret_value()
    outcomes = race(PROCESSES, workers.same_request_rounds, (url, secret, tenant))
    assert {outcome for process in outcomes for outcome in process} == {"ok"}
    after = wallets.wallet(context, owner, "m0")
    assert Yuan(before.balance).minor - Yuan(after.balance).minor == ROUNDS * 100  # once each
