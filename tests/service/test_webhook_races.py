"""Webhook subscriptions changed while commands write their events (an independent
check, 2026-12-04, notes/attack-races). A command reads the tenant's active
subscriptions as it commits; a subscription stopped in between (its pending deliveries
cancelled) must not receive the command's event afterwards. The interleaving is made
by hand, on PostgreSQL (SQLite runs one writer at a time: it cannot interleave)."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from tests.service.conftest import new_tenant
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.service import members, orders, payments, pools, wallets, webhooks
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.members import NewMember
from zengzhi.service.queries import webhooks as webhook_reads
from zengzhi.service.webhook_delivery import dispatch
from zengzhi.service.webhooks import SubscriptionIn
from zengzhi.store import outbox
from zengzhi.store.webhooks import Subscriptions

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@postgresql_only
def test_a_subscription_stopped_while_a_command_commits_gets_none_of_its_events(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A member joins (an event for a `*` subscription) while the operator stops the
    subscription: the command read the subscription as active, the stop cancelled what
    was pending and committed, then the command wrote its delivery, pending, to the
    stopped subscription, and the dispatcher sent it there."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    hook = webhooks.create_subscription(
        context, owner, SubscriptionIn(url="https://hooks.example/in", event_types=["*"])
    )
    read, stopped = threading.Event(), threading.Event()
    reading = outbox.active_subscriptions

    def slow(connection: Any, tenant_: str) -> list[outbox.Subscription]:
        found = reading(connection, tenant_)
        if threading.current_thread().name == "joining":
            read.set()
            assert stopped.wait(30)
        return found

    monkeypatch.setattr(outbox, "active_subscriptions", slow)
    errors: list[BaseException] = []

    def join() -> None:
        try:
            members.create_member(context, owner, NewMember(id="m1"))
        except BaseException as error:  # kept, asserted below
            errors.append(error)

    joining = threading.Thread(target=join, name="joining")
    joining.start()
    assert read.wait(30)
    webhooks.delete_subscription(context, owner, hook.id)
    stopped.set()
    joining.join(30)
    assert errors == [] and not joining.is_alive()
    sent: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    report = dispatch(context, tenant, httpx.Client(transport=httpx.MockTransport(receiver)))
    assert [str(request.url) for request in sent] == [], report
    assert report.delivered == 0


@postgresql_only
def test_a_payout_request_written_as_the_gateway_is_switched_off_is_never_sent(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same with money: finance sends a withdrawal to the webhook gateway while the
    owner switches to the manual adapter. The payout request reached the old gateway
    after the switch: paid there, while the tenant, on the manual adapter, refuses the
    gateway's notification, so the withdrawal stays `paying` for finance to pay by
    hand."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    gateway = payments.AdapterIn(adapter="webhook", payout_url="https://pay.example/payouts")
    payments.put_adapter(context, owner, gateway)
    pools.open_pool(context, owner, pools.NewPool(id="main", exit_multiple="2"))
    members.create_member(context, owner, NewMember(id="m1"))
    order = orders.NewOrder(id="o1", member="m1", amount="1000.00", contribution="300.00")
    orders.create_order(context, owner, order)
    orders.pay(context, owner, order.id)
    members.sell(context, owner, "m1", members.SellRequest(id="s1", points="all"))
    wallets.request_withdrawal(
        context, owner, "m1", wallets.WithdrawalRequest(id="w1", amount="10.00")
    )
    wallets.approve(context, owner, "w1")
    read, stopped = threading.Event(), threading.Event()
    reading = outbox.active_subscriptions

    def slow(connection: Any, tenant_: str) -> list[outbox.Subscription]:
        found = reading(connection, tenant_)
        if threading.current_thread().name == "sending":
            read.set()
            assert stopped.wait(30)
        return found

    monkeypatch.setattr(outbox, "active_subscriptions", slow)
    errors: list[BaseException] = []

    def send() -> None:
        try:
            payments.request_payout(context, owner, "w1")
        except BaseException as error:  # kept, asserted below
            errors.append(error)

    sending = threading.Thread(target=send, name="sending")
    sending.start()
    assert read.wait(30)
    payments.put_adapter(context, owner, payments.AdapterIn(adapter="manual"))
    stopped.set()
    sending.join(30)
    assert errors == [] and not sending.is_alive()
    sent: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    dispatch(context, tenant, httpx.Client(transport=httpx.MockTransport(receiver)))
    assert [str(request.url) for request in sent] == []


@postgresql_only
def test_two_subscriptions_added_at_once_for_the_last_place_add_one(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap (20 active subscriptions a tenant) is counted under the tenant's
    subscriptions lock: two creations at once, with one place left, each counting 19
    before the other wrote, would both pass it and leave 21. The first holds its count
    until the second has counted too (or two seconds, as it cannot while locked out)."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    hook = SubscriptionIn(url="https://hooks.example/in", event_types=["*"])
    for _ in range(webhooks.MAX_SUBSCRIPTIONS - 1):
        webhooks.create_subscription(context, owner, hook)
    first_counted, second_counted = threading.Event(), threading.Event()
    counting = Subscriptions.active_count

    def slow(self: Subscriptions, besides: str) -> int:
        found = counting(self, besides)
        if threading.current_thread().name == "first":
            first_counted.set()
            second_counted.wait(2)
        else:
            second_counted.set()
        return found

    monkeypatch.setattr(Subscriptions, "active_count", slow)
    outcomes: dict[str, object] = {}

    def add(name: str) -> None:
        try:
            outcomes[name] = webhooks.create_subscription(context, owner, hook).id
        except DomainError as refused:
            outcomes[name] = (refused.code, refused.field)

    first = threading.Thread(target=add, args=("first",), name="first")
    second = threading.Thread(target=add, args=("second",), name="second")
    first.start()
    assert first_counted.wait(30)
    second.start()
    first.join(30)
    second.join(30)
    assert not first.is_alive() and not second.is_alive()
    assert isinstance(outcomes["first"], str), outcomes
    assert outcomes["second"] == (ErrorCode.CONFLICT, "subscription"), outcomes
    active = [one for one in webhook_reads.list_subscriptions(context, owner) if one.active]
    assert len(active) == webhooks.MAX_SUBSCRIPTIONS
