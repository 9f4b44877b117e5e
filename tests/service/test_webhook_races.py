"""Webhook subscriptions changed while commands write their events (an independent
check, 2026-12-04, notes/attack-races). A command reads the tenant's active
subscriptions under the tenant's lock as it commits (store/uow.py); a change of a
subscription cancels its pending deliveries and then waits for that lock to commit. A
command holding the lock as the subscription is stopped writes its delivery after the
cancel: the dispatcher must not send it. The interleaving is made by hand, on
PostgreSQL (SQLite runs one writer at a time: it cannot interleave)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update

from tests.service.conftest import new_tenant, until_a_statement_waits
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.service import members, orders, payments, pools, wallets, webhooks
from zengzhi.service.audit import check_ledger
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.members import NewMember
from zengzhi.service.queries import webhooks as webhook_reads
from zengzhi.service.webhook_delivery import dispatch
from zengzhi.service.webhooks import GATEWAY, SubscriptionIn
from zengzhi.store import outbox
from zengzhi.store import tables as t
from zengzhi.store import uow as uow_module
from zengzhi.store.webhooks import Subscriptions

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def _stopped_while_written(
    context: Context,
    monkeypatch: pytest.MonkeyPatch,
    command: Callable[[], object],
    stop: Callable[[], object],
) -> None:
    """Run `command` until it has read the subscriptions (holding the tenant's lock),
    then `stop` until it waits for that lock (its cancel done), then both to the end."""
    read, go = threading.Event(), threading.Event()
    reading = outbox.active_subscriptions

    def slow(connection: Any, tenant_: str) -> list[outbox.Subscription]:
        found = reading(connection, tenant_)
        if threading.current_thread().name == "first":
            read.set()
            assert go.wait(30)
        return found

    monkeypatch.setattr(outbox, "active_subscriptions", slow)
    _while_held(context, command, read, go, stop)


def _while_held(
    context: Context,
    first: Callable[[], object],
    held: threading.Event,
    go: threading.Event,
    second: Callable[[], object],
) -> None:
    """Run `first` (in a thread named so) until it sets `held`, pausing there for `go`
    with the tenant's lock, then `second` until it waits for that lock, then both to
    the end: neither may fail."""
    errors: list[BaseException] = []

    def run(work: Callable[[], object]) -> None:
        try:
            work()
        except BaseException as error:  # kept, asserted below
            errors.append(error)

    one = threading.Thread(target=run, args=(first,), name="first")
    one.start()
    assert held.wait(30)
    two = threading.Thread(target=run, args=(second,), name="second")
    two.start()
    try:
        until_a_statement_waits(context.database, "UPDATE tenants SET event_seq", anywhere=True)
    finally:
        go.set()
        one.join(30)
        two.join(30)
    assert errors == [] and not one.is_alive() and not two.is_alive()


def _pending_for(context: Context, tenant: str, subscription: str) -> int:
    d = t.webhook_deliveries.c
    with context.database.read() as connection:
        return len(
            connection.execute(
                select(d.event_no).where(
                    d.tenant_id == tenant,
                    d.subscription_id == subscription,
                    d.status == outbox.PENDING,
                )
            ).all()
        )


@postgresql_only
def test_a_subscription_stopped_while_a_command_commits_gets_none_of_its_events(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A member joins (an event for a `*` subscription) while the operator stops the
    subscription: the command read the subscription as active, the stop cancelled what
    was pending and waited to commit, then the command wrote its delivery, pending, to
    the subscription stopped as it committed; the dispatcher must not send it."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    hook = webhooks.create_subscription(
        context, owner, SubscriptionIn(url="https://hooks.example/in", event_types=["*"])
    )
    _stopped_while_written(
        context,
        monkeypatch,
        lambda: members.create_member(context, owner, NewMember(id="m1")),
        lambda: webhooks.delete_subscription(context, owner, hook.id),
    )
    assert _pending_for(context, tenant, hook.id) == 1  # the race was run
    sent: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    report = dispatch(context, tenant, httpx.Client(transport=httpx.MockTransport(receiver)))
    assert [str(request.url) for request in sent] == [], report
    assert report.delivered == 0
    assert _pending_for(context, tenant, hook.id) == 0


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
    _stopped_while_written(
        context,
        monkeypatch,
        lambda: payments.request_payout(context, owner, "w1"),
        lambda: payments.put_adapter(context, owner, payments.AdapterIn(adapter="manual")),
    )
    assert _pending_for(context, tenant, GATEWAY) == 1  # the race was run
    sent: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    dispatch(context, tenant, httpx.Client(transport=httpx.MockTransport(receiver)))
    assert [str(request.url) for request in sent] == []
    assert _pending_for(context, tenant, GATEWAY) == 0


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


def _active_counted(context: Context, tenant: str) -> tuple[int, int]:
    """The tenant's count of active subscriptions as kept, and as the table has them."""
    s, c = t.webhook_subscriptions.c, t.tenants.c
    with context.database.read() as connection:
        kept = connection.execute(select(c.active_webhooks).where(c.tenant_id == tenant))
        rows = connection.execute(select(s.subscription_id).where(s.tenant_id == tenant, s.active))
        return kept.scalar_one(), len(rows.all())


@postgresql_only
def test_a_subscription_added_while_a_command_waits_to_commit_gets_its_events(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other way round: the operator adds the tenant's first subscription, and a
    member joins while that command holds the tenant's lock to commit. The join is
    numbered after the subscription, so its event is the subscription's. Whether a
    tenant has one was asked in the join's own numbering statement, which saw the
    subscriptions as it began (none): the event was written for nobody."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    counted, go = threading.Event(), threading.Event()
    reading = uow_module.numbered  # what the counters' statement returned

    def slow(*args: Any) -> Any:
        found = reading(*args)
        if threading.current_thread().name == "first":
            counted.set()
            assert go.wait(30)
        return found

    monkeypatch.setattr(uow_module, "numbered", slow)
    hook = SubscriptionIn(url="https://hooks.example/in", event_types=["member.*"])
    added: list[str] = []
    _while_held(
        context,
        lambda: added.append(webhooks.create_subscription(context, owner, hook).id),
        counted,
        go,
        lambda: members.create_member(context, owner, NewMember(id="m1")),
    )
    assert len(added) == 1
    assert _pending_for(context, tenant, added[0]) == 1
    sent: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    report = dispatch(context, tenant, httpx.Client(transport=httpx.MockTransport(receiver)))
    assert report.delivered == 1 and [str(request.url) for request in sent] == [
        "https://hooks.example/in"
    ]


def test_the_count_of_active_subscriptions_follows_every_change(context: Context) -> None:
    """Added, stopped, started again, past the cap and refused, the payout gateway's
    switched on and off: the tenant's kept count is the table's after each."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    hook = SubscriptionIn(url="https://hooks.example/in", event_types=["*"])
    assert _active_counted(context, tenant) == (0, 0)
    ids = [webhooks.create_subscription(context, owner, hook).id for _ in range(3)]
    assert _active_counted(context, tenant) == (3, 3)
    webhooks.delete_subscription(context, owner, ids[0])
    webhooks.delete_subscription(context, owner, ids[0])  # stopped twice counts once
    assert _active_counted(context, tenant) == (2, 2)
    again = webhooks.SubscriptionChange(active=True)
    webhooks.change_subscription(context, owner, ids[0], again)
    webhooks.change_subscription(context, owner, ids[0], again)
    assert _active_counted(context, tenant) == (3, 3)
    gateway = payments.AdapterIn(adapter="webhook", payout_url="https://pay.example/payouts")
    payments.put_adapter(context, owner, gateway)
    assert _active_counted(context, tenant) == (4, 4)
    payments.put_adapter(context, owner, payments.AdapterIn(adapter="manual"))
    assert _active_counted(context, tenant) == (3, 3)
    for _ in range(webhooks.MAX_SUBSCRIPTIONS - 3):
        webhooks.create_subscription(context, owner, hook)
    with pytest.raises(DomainError):
        webhooks.create_subscription(context, owner, hook)
    assert _active_counted(context, tenant) == (20, 20)
    for one in ids:
        webhooks.delete_subscription(context, owner, one)
    assert _active_counted(context, tenant) == (17, 17)
    with context.database.write() as connection:
        assert check_ledger(connection, tenant) == []
        c = t.tenants.c  # a count gone astray (by hand) is what `zengzhi audit` reports
        connection.execute(update(t.tenants).where(c.tenant_id == tenant).values(active_webhooks=0))
        assert [(one.what, one.kept, one.expected) for one in check_ledger(connection, tenant)] == [
            ("active webhook subscriptions (kept for the commands)", "0", "17")
        ]
