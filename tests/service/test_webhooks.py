"""Webhooks: the outbox is written with the change it describes, and every event reaches
a receiver that fails, times out and recovers, in order per member, exactly once after
de-duplication by event id. Runs on SQLite and PostgreSQL.

The receiver here is an httpx MockTransport (no sockets, no waiting: a timeout is raised,
not slept); tests/service/test_webhook_processes.py does the same over real HTTP with a
server process killed between commit and delivery.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.service.conftest import Api, Clock, login, new_tenant
from tests.service.test_console_pages import sign_in
from zengzhi.core.events import Join
from zengzhi.core.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify
from zengzhi.engine.notices import KNOWN_TYPES, SERVICE_TYPES
from zengzhi.service import webhook_delivery
from zengzhi.service.base import Context, query
from zengzhi.service.webhook_delivery import EVENT_ID_HEADER, dispatch
from zengzhi.store import outbox
from zengzhi.store import tables as t
from zengzhi.store.uow import UnitOfWork
from zengzhi.store.webhooks import tenants_with_subscriptions


class Receiver:
    """A shop's webhook endpoint: checks every signature, keeps what arrived in order.

    `behave(request_number, event)` says what to do with one request: "ok", "fail"
    (HTTP 500), "timeout", "down" (connection refused), or "lost" (processed, but the
    answer is a 500, so the event comes again)."""

    def __init__(
        self, secret: str, clock: Clock, behave: Callable[[int, dict[str, Any]], str]
    ) -> None:
        self.secret = secret
        self.clock = clock
        self.behave = behave
        self.arrived: list[dict[str, Any]] = []  # processed, duplicates included
        self.requests = 0
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        verify(
            self.secret,
            request.headers.get(TIMESTAMP_HEADER),
            request.headers.get(SIGNATURE_HEADER),
            body,
            int(self.clock().timestamp()),
            300,
        )
        event = json.loads(body)
        assert request.headers[EVENT_ID_HEADER] == event["id"]
        with self.lock:
            self.requests += 1
            action = self.behave(self.requests, event)
            if action == "down":
                raise httpx.ConnectError("connection refused", request=request)
            if action == "timeout":
                raise httpx.ReadTimeout("no answer", request=request)
            if action == "fail":
                return httpx.Response(500, text="database is down")
            self.arrived.append(event)
        return httpx.Response(500 if action == "lost" else 204)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))

    def unique(self) -> list[dict[str, Any]]:
        seen: set[str] = set()
        first = []
        for event in self.arrived:
            if event["id"] not in seen:
                seen.add(event["id"])
                first.append(event)
        return first


def subscribe(api: Api, types: list[str] | None = None) -> dict[str, Any]:
    body = {"url": "https://shop.example/hooks", "event_types": types or ["*"]}
    return dict(api.ok(api.post("/v1/webhooks", body)))


def pending(context: Context, tenant: str) -> int:
    c = t.webhook_deliveries.c
    with context.database.read() as connection:
        return int(
            connection.execute(
                select(func.count()).where(c.tenant_id == tenant, c.status == outbox.PENDING)
            ).scalar_one()
        )


def outbox_events(context: Context, tenant: str) -> list[dict[str, Any]]:
    c = t.webhook_events.c
    with context.database.read() as connection:
        return [
            json.loads(body)
            for body in connection.execute(
                select(c.body).where(c.tenant_id == tenant).order_by(c.event_no)
            ).scalars()
        ]


def some_business(api: Api, members: int = 4, rounds: int = 3) -> None:
    """Members join, buy, sell, exit, withdraw; the operator subsidizes."""
    api.pool(exit_multiple="1.5")
    api.ok(api.put("/v1/tenant/settings", {"withdrawals": {"auto_approve_limit": "50.00"}}))
    for n in range(members):
        api.member(f"m{n}")
    for r in range(rounds):
        for n in range(members):
            api.completed_order(f"o{r}-{n}", f"m{n}")
        api.ok(api.post("/v1/members/m0/sell", {"id": f"s{r}", "points": "1.0000"}))
    api.ok(api.post("/v1/pools/main/subsidies", {"id": "x1", "amount": "30000.00"}))
    api.ok(api.post("/v1/members/m0/withdrawals", {"id": "w1", "amount": "20.00"}))


def test_subscriptions_are_the_operators(api: Api) -> None:
    created = subscribe(api, ["order.completed", "withdrawal.*"])
    assert created["secret"].startswith("whsec_") and created["active"]
    assert api.ok(api.get("/v1/webhooks"))[0]["secret"] is None  # shown once only
    operator, support = api.as_role("operator"), api.as_role("support")
    body = {"url": "https://shop.example/b", "event_types": ["*"]}
    assert api.post("/v1/webhooks", body, token=support).status_code == 403
    assert api.post("/v1/webhooks", body, token=operator).status_code == 201
    refused = api.post("/v1/webhooks", {"url": "ftp://x", "event_types": ["*"]})
    assert refused.status_code == 422 and refused.json()["field"] == "url"
    refused = api.post("/v1/webhooks", {"url": "https://x.example", "event_types": ["Bad Type"]})
    assert refused.status_code == 422 and refused.json()["field"].startswith("event_types")
    rotated = api.ok(api.patch(f"/v1/webhooks/{created['id']}", {"rotate_secret": True}))
    assert rotated["secret"] not in (None, created["secret"])
    stopped = api.ok(api.delete(f"/v1/webhooks/{created['id']}"))
    assert stopped["active"] is False
    actions = [row["action"] for row in api.ok(api.get("/v1/audit-log"))]
    assert {"webhook.create", "webhook.change"} <= set(actions)


def test_a_type_no_event_is_sent_as_is_refused_naming_the_nearest(api: Api) -> None:
    """`order.complete` (a typo) was saved and received nothing, without a word: a
    subscription's type must be one zengzhi sends, a family of them (`withdrawal.*`),
    an open family (`ledger.…`, `event.…`) or `*`."""
    url = "https://shop.example/hooks"
    for types, field, said in (
        (["order.complete"], "event_types.0", "did you mean order.completed?"),
        (["*", "withdrawl.*"], "event_types.1", "is no event type zengzhi sends"),
        (["orders.completed"], "event_types.0", "did you mean order.completed?"),
    ):
        refused = api.post("/v1/webhooks", {"url": url, "event_types": types})
        assert refused.status_code == 422, refused.text
        assert refused.json()["field"] == field and said in refused.json()["message"]
    in_chinese = api.client.post(
        "/v1/webhooks",
        json={"url": url, "event_types": ["order.complete"]},
        headers={"Authorization": f"Bearer {api.token}", "Accept-Language": "zh-CN"},
    )
    said = in_chinese.json()["message"]
    assert said == "order.complete 不是 zengzhi 会发送的事件类型：是否要填 order.completed？"
    assert api.ok(api.get("/v1/webhooks")) == []  # nothing kept
    every = [*sorted(KNOWN_TYPES), "withdrawal.*", "mode.*", "ledger.green_release", "event.*"]
    for start in range(0, len(every), 50):
        assert api.post("/v1/webhooks", {"url": url, "event_types": every[start : start + 50]})
    kept = api.ok(api.get("/v1/webhooks"))
    assert sum(len(one["event_types"]) for one in kept) == len(every)


def test_the_console_names_a_refused_type_in_chinese_as_chinese_writes_it(api: Api) -> None:
    """The console names a refused entry of the types by its value, between Chinese
    quotation marks, and then said "“order.created”: order.created 不是…" with an ASCII
    colon: it chose the colon by the raw entry ('order.created'), not the one shown."""
    csrf = sign_in(api.client, api.tenant)
    for typed, said in (
        ("order.created", "“order.created”：order.created 不是 zengzhi 会发送的事件类型"),
        ("🔥", "“🔥”：须为英文小写的事件类型"),
    ):
        page = api.client.post(
            "/console/webhooks",
            data={"csrf": csrf, "url": "https://shop.example/h", "event_types": typed},
            headers={"Accept-Language": "zh-CN"},
        )
        assert page.status_code == 422 and said in page.text, typed
    assert api.ok(api.get("/v1/webhooks")) == []


def test_a_long_type_is_refused_without_being_repeated_whole(api: Api) -> None:
    """5,000 characters pasted as a type were repeated whole in the refusal, which the
    console shows under the field: a wall of 5,000 characters. The type is said by its
    first 40 characters, as a refused number is."""
    pasted = "x" * 5000
    refused = api.post("/v1/webhooks", {"url": "https://shop.example/h", "event_types": [pasted]})
    assert refused.status_code == 422 and refused.json()["field"] == "event_types.0"
    said = refused.json()["message"]
    assert said.startswith("x" * 40 + "… is no event type zengzhi sends"), said
    assert len(said) < 200, len(said)


def test_the_service_publishes_only_types_a_subscription_may_name(
    api: Api, context: Context
) -> None:
    """What the service publishes of its own is checked against the list subscriptions
    are (engine/notices.py SERVICE_TYPES): a new kind of notice is named there first."""
    assert set(SERVICE_TYPES) <= KNOWN_TYPES
    uow = UnitOfWork(context.database, api.tenant, context.clock())
    with uow, pytest.raises(ValueError, match="SERVICE_TYPES"):
        uow.publish("withdrawal.approvd", [], {})


def test_an_address_with_a_user_and_password_or_port_0_is_refused(api: Api) -> None:
    """`http://user:pass@…` was kept and listed whole to every role that may read the
    subscriptions, viewers included; port 0 was kept too (an attacker's find)."""
    credentials = (
        "must not hold a user or a password (user:password@): what is sent is signed with"
        " its secret instead"
    )
    for url, message in (
        ("https://user:pass@shop.example/h", credentials),
        ("https://user@shop.example/h", credentials),
        ("https://shop.example:0/h", "must not use port 0"),
    ):
        for path, field, body in (
            ("/v1/webhooks", "url", {"event_types": ["*"]}),
            ("/v1/payments/adapter", "payout_url", {"adapter": "webhook"}),
        ):
            send = api.post if path == "/v1/webhooks" else api.put
            refused = send(path, body | {field: url})
            assert refused.status_code == 422, refused.text
            assert refused.json() == {"code": "invalid", "field": field, "message": message}
    assert api.ok(api.get("/v1/webhooks")) == []


def test_an_address_longer_than_its_column_is_refused_at_its_field(api: Api) -> None:
    """2,000 characters as kept (store/tables.py): longer ones were kept on SQLite and
    answered 500 on PostgreSQL; a bare host typed at 2,000 is kept at 2,001 (its "/")."""
    bare = "https://" + "a" * 1988 + ".com"  # 2,000 typed
    longest = "https://shop.example/" + "p" * (2000 - len("https://shop.example/"))
    for url, field, path, body in (
        (longest + "p", "url", "/v1/webhooks", {"event_types": ["*"]}),
        (bare, "url", "/v1/webhooks", {"event_types": ["*"]}),
        (longest + "p", "payout_url", "/v1/payments/adapter", {"adapter": "webhook"}),
    ):
        send = api.post if path == "/v1/webhooks" else api.put
        refused = send(path, body | {field: url})
        assert refused.status_code == 422, refused.text
        assert refused.json() == {
            "code": "invalid",
            "field": field,
            "message": "must be at most 2000 characters",
        }
    assert api.ok(api.get("/v1/webhooks")) == []  # nothing kept
    assert api.ok(api.get("/v1/payments/adapter"))["adapter"] == "manual"
    kept = api.ok(api.post("/v1/webhooks", {"url": longest, "event_types": ["*"]}))
    assert kept["url"] == longest  # the longest there is room for, kept whole
    changed = api.patch(f"/v1/webhooks/{kept['id']}", {"url": longest + "p"})
    assert changed.status_code == 422 and changed.json()["field"] == "url"


def test_the_outbox_is_written_with_the_change_or_not_at_all(api: Api, context: Context) -> None:
    subscribe(api, ["member.*"])
    with (
        pytest.raises(RuntimeError),
        UnitOfWork(context.database, api.tenant, context.clock()) as uow,
    ):
        uow.apply(Join("join:ghost", "ghost"))
        raise RuntimeError("the command fails after the engine ran")
    assert outbox_events(context, api.tenant) == []
    api.member("m1")
    [event] = outbox_events(context, api.tenant)
    assert (event["type"], event["members"], event["tenant"]) == (
        "member.joined",
        ["m1"],
        api.tenant,
    )
    assert pending(context, api.tenant) == 1


def test_types_members_amounts_and_numbers(api: Api, context: Context, clock: Clock) -> None:
    hook = subscribe(api)
    api.pool(exit_multiple="2")
    api.member("m1")
    api.completed_order("o1", "m1")
    events = outbox_events(context, api.tenant)
    types = [event["type"] for event in events]
    assert types == ["pool.opened", "member.joined", "order.completed", "points.minted"]
    assert [event["sequence"] for event in events] == [1, 2, 3, 4]
    minted = events[-1]
    assert minted["members"] == ["m1"]
    assert minted["data"]["cause"]["id"] == "order:o1"
    postings = {p["account"]: p["amount"] for p in minted["data"]["entry"]["postings"]}
    assert postings["member:m1:points:main"] == "210.0000"  # decimal text, never a number
    assert postings["pool:main"] == "300.00"
    completed = events[2]
    assert completed["members"] == ["m1"] and completed["data"]["entry"]["kind"] == "order"
    receiver = Receiver(hook["secret"], clock, lambda n, e: "ok")
    assert dispatch(context, api.tenant, receiver.client()).delivered == 4
    m1 = [e["id"] for e in receiver.arrived if e["members"] == ["m1"]]
    assert m1 == [e["id"] for e in events[1:]]  # in order for the member
    # the order's reversal concerns its buyer too: its refund posts to no member's
    # account, and `order.reversed` went out with no member, so it could overtake the
    # buyer's own earlier events (an attacker's find, 2026-12-07)
    api.ok(api.post("/v1/orders/o1/reverse"))
    reversed_ = [e for e in outbox_events(context, api.tenant) if e["type"] == "order.reversed"]
    assert [e["members"] for e in reversed_] == [["m1"]]


def test_only_wanted_types_are_kept(api: Api, context: Context) -> None:
    subscribe(api, ["withdrawal.*", "exit"])
    api.pool(exit_multiple="2")
    api.member("m1")
    api.completed_order("o1", "m1")
    assert outbox_events(context, api.tenant) == []
    api.ok(api.post("/v1/pools/main/subsidies", {"id": "x1", "amount": "1700.00"}))
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "100.00"}))
    api.ok(api.post("/v1/withdrawals/w1/approve"))
    api.ok(api.post("/v1/withdrawals/w1/paid"))
    types = [event["type"] for event in outbox_events(context, api.tenant)]
    assert types == [
        "exit",
        "withdrawal.requested",
        "withdrawal.approved",
        "withdrawal.paid",
    ]
    exit_ = outbox_events(context, api.tenant)[0]
    assert exit_["members"] == ["m1"] and exit_["data"]["entry"]["params"]["payout"] == "1600.00"


def deliver_until_done(
    context: Context, tenant: str, clock: Clock, client: httpx.Client, step: timedelta
) -> int:
    """Dispatch, let the clock run, until nothing is pending; returns the passes."""
    for passes in range(1, 2000):
        dispatch(context, tenant, client)
        if pending(context, tenant) == 0:
            return passes
        clock.now += step
    raise AssertionError("deliveries never finished")


def test_a_receiver_that_fails_times_out_and_recovers_gets_everything_in_order(
    api: Api, context: Context, clock: Clock
) -> None:
    hook = subscribe(api)
    some_business(api)
    events = outbox_events(context, api.tenant)
    assert len(events) > 35
    start = clock.now
    rng = random.Random(7)

    def behave(_: int, event: dict[str, Any]) -> str:
        if clock.now < start + timedelta(hours=1):
            return "down"  # the shop's server is down for an hour
        return rng.choices(["ok", "fail", "timeout", "lost"], [5, 2, 2, 2])[0]

    receiver = Receiver(hook["secret"], clock, behave)
    with receiver.client() as client:
        deliver_until_done(context, api.tenant, clock, client, timedelta(minutes=3))

    # everything arrived, once after de-duplication by id, nothing else
    unique = receiver.unique()
    assert sorted(e["id"] for e in unique) == sorted(e["id"] for e in events)
    assert len(receiver.arrived) > len(unique)  # the "lost" answers brought duplicates
    # in order per member: each member's events arrive by rising sequence, duplicates
    # only ever repeating the latest one
    by_member: dict[str, list[int]] = defaultdict(list)
    for event in receiver.arrived:
        by_member[event["members"][0] if event["members"] else ""].append(event["sequence"])
    assert len(by_member) >= 5
    for sequences in by_member.values():
        assert sequences == sorted(sequences)
    # every attempt is on record, with its outcome
    deliveries = api.ok(api.get(f"/v1/webhooks/{hook['id']}/deliveries", limit=500))
    assert {d["status"] for d in deliveries} == {"delivered"}
    first = events[0]["id"]
    detail = api.ok(api.get(f"/v1/webhooks/{hook['id']}/deliveries/{first}"))
    outcomes = [a["outcome"] for a in detail["attempt_log"]]
    assert outcomes[0] == "error" and outcomes[-1] == "delivered"
    assert all(a["latency_ms"] >= 0 for a in detail["attempt_log"])
    listed = next(d for d in deliveries if d["event_id"] == first)  # the list has the last
    assert listed["last_latency_ms"] == detail["attempt_log"][-1]["latency_ms"]
    assert sum(a["outcome"] == "error" for a in detail["attempt_log"]) >= 5  # down an hour
    a = t.webhook_attempts.c
    with context.database.read() as connection:
        outcomes = set(
            connection.execute(select(a.outcome).where(a.tenant_id == api.tenant)).scalars()
        )
    assert outcomes == {"error", "refused", "timeout", "delivered"}


def test_back_off_doubles_up_to_the_cap_then_gives_up(
    api: Api, context: Context, clock: Clock
) -> None:
    hook = subscribe(api)
    api.member("m1")
    receiver = Receiver(hook["secret"], clock, lambda n, e: "fail")
    start = clock.now
    waits = []
    with receiver.client() as client:
        for _ in range(context.settings.webhook_max_attempts):
            dispatch(context, api.tenant, client)
            [delivery] = api.ok(api.get(f"/v1/webhooks/{hook['id']}/deliveries"))
            if delivery["status"] == "failed":
                break
            due = delivery["next_attempt_at"]
            wait = (clock.now.fromisoformat(due) - clock.now).total_seconds()
            waits.append(int(wait))
            clock.now += timedelta(seconds=wait)
    assert waits[:9] == [10, 20, 40, 80, 160, 320, 640, 1280, 2560]
    assert set(waits[9:]) == {3600}
    assert delivery["status"] == "failed" and delivery["last_status_code"] == 500
    assert len(waits) == context.settings.webhook_max_attempts - 1
    assert clock.now - start < timedelta(days=1, hours=1)
    # a replay sends it again, with the same id
    event = delivery["event_id"]
    replayed = api.ok(api.post(f"/v1/webhooks/{hook['id']}/deliveries/{event}/replay"))
    assert replayed["status"] == "pending" and replayed["attempts"] == 0
    assert replayed["last_latency_ms"] == replayed["attempt_log"][-1]["latency_ms"]
    receiver.behave = lambda n, e: "ok"
    with receiver.client() as client:
        assert dispatch(context, api.tenant, client).delivered == 1
    assert [e["id"] for e in receiver.arrived] == [event]
    detail = api.ok(api.get(f"/v1/webhooks/{hook['id']}/deliveries/{event}"))
    assert detail["status"] == "delivered"
    assert len(detail["attempt_log"]) == context.settings.webhook_max_attempts + 1


def test_a_dispatcher_that_dies_mid_delivery_is_taken_over_after_its_lease(
    api: Api, context: Context, clock: Clock
) -> None:
    hook = subscribe(api)
    api.member("m1")
    with context.database.write() as connection:  # a dispatcher claims, then dies
        [claimed] = outbox.claim(
            connection, api.tenant, clock.now, timedelta(seconds=120), "dead", 10
        )
    receiver = Receiver(hook["secret"], clock, lambda n, e: "ok")
    with receiver.client() as client:
        assert dispatch(context, api.tenant, client).delivered == 0  # still leased
        clock.advance(seconds=121)
        assert dispatch(context, api.tenant, client).delivered == 1
    assert [e["id"] for e in receiver.arrived] == [claimed.event_id]


def test_the_outbox_survives_a_restart(api: Api, context: Context, clock: Clock) -> None:
    """Committed, never sent (the process died); a fresh process delivers it all."""
    hook = subscribe(api)
    some_business(api, members=2, rounds=1)
    committed = outbox_events(context, api.tenant)
    context.database.dispose()  # every connection of the old process is gone
    restarted = Context(type(context.database)(context.database.url), context.settings, clock)
    receiver = Receiver(hook["secret"], clock, lambda n, e: "ok")
    with receiver.client() as client:
        dispatch(restarted, api.tenant, client)
    restarted.database.dispose()
    assert sorted(e["id"] for e in receiver.arrived) == sorted(e["id"] for e in committed)


def test_two_dispatchers_at_once_send_each_event_once(
    api: Api, context: Context, clock: Clock
) -> None:
    subscribe(api)
    for n in range(12):
        api.member(f"m{n}")
    sent: dict[str, int] = defaultdict(int)
    lock = threading.Lock()

    def slow(request: httpx.Request) -> httpx.Response:
        time.sleep(0.02)  # keeps the two passes overlapping; not an assertion
        with lock:
            sent[json.loads(request.read())["id"]] += 1
        return httpx.Response(200)

    client = httpx.Client(transport=httpx.MockTransport(slow))
    reports: list[webhook_delivery.DispatchReport] = []
    threads = [
        threading.Thread(
            target=lambda: reports.append(dispatch(context, api.tenant, client, batch=3))
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sent.values()) == [1] * 12
    assert sum(report.delivered for report in reports) == 12


def test_a_stopped_subscription_cancels_what_it_had_pending(
    api: Api, context: Context, clock: Clock
) -> None:
    hook = subscribe(api)
    api.member("m1")
    api.ok(api.delete(f"/v1/webhooks/{hook['id']}"))
    [delivery] = api.ok(api.get(f"/v1/webhooks/{hook['id']}/deliveries"))
    assert delivery["status"] == "cancelled"
    api.member("m2")  # no subscription wants it: no outbox row
    assert len(outbox_events(context, api.tenant)) == 1
    replay = api.post(f"/v1/webhooks/{hook['id']}/deliveries/{delivery['event_id']}/replay")
    assert replay.status_code == 409


def test_a_forged_webhook_does_not_verify(api: Api, context: Context, clock: Clock) -> None:
    hook = subscribe(api)
    api.member("m1")
    captured: list[httpx.Request] = []
    client = httpx.Client(
        transport=httpx.MockTransport(lambda r: captured.append(r) or httpx.Response(200))
    )
    dispatch(context, api.tenant, client)
    request = captured[0]
    body, now = request.read(), int(clock.now.timestamp())
    stamp, sign = request.headers[TIMESTAMP_HEADER], request.headers[SIGNATURE_HEADER]
    assert verify(hook["secret"], stamp, sign, body, now, 300) == now
    with pytest.raises(SignatureError):
        verify(hook["secret"], stamp, sign, body.replace(b"m1", b"m2"), now, 300)
    with pytest.raises(SignatureError):
        verify("whsec_another", stamp, sign, body, now, 300)
    with pytest.raises(SignatureError, match="away from now"):
        verify(hook["secret"], stamp, sign, body, now + 301, 300)


def test_the_dispatcher_finds_the_tenants_with_an_active_subscription(
    context: Context, api: Api, other: Api
) -> None:
    """Asked tenant by tenant (tests/service/test_tenant_scoping.py): one with an active
    subscription is found, one whose only subscription was turned off is not."""
    subscribe(api)
    hook = subscribe(other)
    assert other.patch(f"/v1/webhooks/{hook['id']}", {"active": False}).status_code == 200
    found = query(context, tenants_with_subscriptions)
    assert api.tenant in found
    assert other.tenant not in found
    assert found == sorted(found)


def test_a_tenant_has_at_most_twenty_active_subscriptions(api: Api) -> None:
    """Every event is written once a matching subscription and sent to each: a tenant
    could add subscriptions without end (each one more delivery of every event for the
    dispatcher). At most 20 active ones (409, naming `subscription`, in Chinese too); a
    deleted one leaves room, and counts again when made active; the payout gateway's
    (the payment adapter's) is not one of them."""
    adapter = {"adapter": "webhook", "payout_url": "https://pay.example/p"}
    api.ok(api.put("/v1/payments/adapter", adapter))
    hooks = [subscribe(api) for _ in range(20)]
    refused = api.post("/v1/webhooks", {"url": "https://shop.example/21", "event_types": ["*"]})
    assert refused.status_code == 409, refused.text
    assert refused.json() == {
        "code": "conflict",
        "message": "a tenant may have at most 20 active webhook subscriptions: delete one it"
        " no longer needs first (one subscription takes several event types)",
        "field": "subscription",
    }
    in_chinese = api.client.post(
        "/v1/webhooks",
        json={"url": "https://shop.example/21", "event_types": ["*"]},
        headers={"Authorization": f"Bearer {api.token}", "Accept-Language": "zh"},
    )
    assert in_chinese.json()["message"] == (
        "每个租户最多有 20 个启用的 Webhook 订阅：请先删除一个不再需要的订阅"
        "（一个订阅可以接收多种事件类型）"
    )
    assert len(api.ok(api.get("/v1/webhooks"))) == 21  # the 20 and the gateway's
    csrf = sign_in(api.client, api.tenant)  # the console's form says it in Chinese
    api.client.get("/language/zh")
    form = {"csrf": csrf, "url": "https://shop.example/21", "event_types": "*"}
    pressed = api.client.post("/console/webhooks", data=form)
    assert pressed.status_code == 409
    assert "每个租户最多有 20 个启用的 Webhook 订阅" in pressed.text
    assert len(api.ok(api.get("/v1/webhooks"))) == 21
    api.ok(api.delete(f"/v1/webhooks/{hooks[0]['id']}"))
    last = subscribe(api)  # the deleted one's place
    again = api.patch(f"/v1/webhooks/{hooks[0]['id']}", {"active": True})
    assert (again.status_code, again.json()["field"]) == (409, "subscription"), again.text
    api.ok(api.delete(f"/v1/webhooks/{last['id']}"))
    assert api.ok(api.patch(f"/v1/webhooks/{hooks[0]['id']}", {"active": True}))["active"]
    listed = api.ok(api.get("/v1/webhooks"))
    assert sum(1 for one in listed if one["active"] and one["id"] != "gateway") == 20


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_tenants_whose_receivers_never_answer_do_not_hold_the_others_back(
    api: Api, other: Api, context: Context
) -> None:
    """The server's dispatcher sent the tenants one after the other, each until none of
    its deliveries was due: a tenant whose receiver never answers held every other
    tenant's events back by its timeouts (an attacker's measurement: 40 s). It now sends
    a pass of each at a time, several tenants at once (`WebhookRunner`); the first
    version took four at once, and four silent receivers held the rest back again
    (60-75 s). Here five silent tenants come first in the tenants' order, and their
    receiver takes 1.5 s to time out each event: the other tenant's events are all
    delivered while none of the silent receiver's requests has ended."""
    client = api.client
    silent = [other] + [
        Api(client, tenant, login(client, tenant))
        for tenant in (new_tenant(context, "silent") for _ in range(4))
    ]
    fast = api
    assert max(shop.tenant for shop in silent) < fast.tenant  # the order they are looked at in
    for shop, host in [*((shop, "silent") for shop in silent), (fast, "fast")]:
        body = {"url": f"https://{host}.example/hooks", "event_types": ["*"]}
        shop.ok(shop.post("/v1/webhooks", body))
        shop.pool()
    for shop in silent:
        for n in range(3):
            shop.member(f"m{n}")
    fast.member("m0")
    fast.completed_order("o1", "m0")
    ended = {"silent": 0}
    guard = threading.Lock()

    def receiver(request: httpx.Request) -> httpx.Response:
        if request.url.host == "silent.example":
            time.sleep(1.5)
            with guard:
                ended["silent"] += 1
            raise httpx.ReadTimeout("no answer", request=request)
        return httpx.Response(204 if request.url.host == "fast.example" else 410)

    runner = webhook_delivery.WebhookRunner(
        context, 0.05, httpx.Client(transport=httpx.MockTransport(receiver))
    )
    runner.start()
    try:
        for _ in range(400):
            if pending(context, fast.tenant) == 0:
                break
            time.sleep(0.05)
        with guard:
            silent_ended = ended["silent"]
        assert pending(context, fast.tenant) == 0
        assert silent_ended == 0
    finally:
        runner.stop()
        runner.join()
    assert ended["silent"] == 5 * 4  # each pool's line and each member's first event
