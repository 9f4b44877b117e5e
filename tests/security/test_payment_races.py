"""A gateway's payment notification arriving at the moment the shop cancels the order,
from two processes on one PostgreSQL database (docs/payments.md, "Paid after it was
cancelled").

Whichever comes first, the books are right and the money is on record: either the order
is paid (with no return window, completed and minted once) and the cancel is refused
(409), or it is cancelled, nothing is minted, and the payment is still applied and
recorded as money owed back to the buyer: the notification is listed as applied
(answered as a success, so the gateway stops sending it), the audit log has an
`order.paid_after_cancel`, and the `order.paid_after_cancel` webhook tells the shop to
refund the buyer at the gateway. Never a 500, never a refusal the gateway retries for
a day while the money sits unrecorded, never points for a cancelled order."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.security import payment_race_workers
from tests.security.payment_race_workers import AMOUNT, ROUNDS, notification
from tests.security.races import race
from tests.security.test_money_races import _books
from tests.service.conftest import SECRET, new_tenant
from zengzhi.core.errors import DomainError
from zengzhi.service import members, orders, payments, pools, tenants, webhooks
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, query
from zengzhi.service.members import NewMember
from zengzhi.service.orders import NewOrder
from zengzhi.service.pools import NewPool
from zengzhi.service.queries import payments as payment_reads
from zengzhi.service.tenants import TenantSettings
from zengzhi.store import tables as t

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def _shop(context: Context, window: int) -> tuple[str, Principal, str]:
    """A tenant on the webhook adapter, subscribed to every event, with orders p0… of
    member m0 created: the tenant, its owner, the gateway's secret."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    tenants.update_settings(context, owner, TenantSettings(completion_delay_seconds=window))
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="2"))
    members.create_member(context, owner, NewMember(id="m0"))
    adapter = payments.AdapterIn(adapter="webhook", payout_url="https://pay.example/payouts")
    secret = payments.put_adapter(context, owner, adapter).secret
    assert secret is not None
    webhooks.create_subscription(
        context,
        owner,
        webhooks.SubscriptionIn(url="https://shop.example/hooks", event_types=["*"]),
    )
    for n in range(ROUNDS):
        new = NewOrder(id=f"p{n}", member="m0", amount=AMOUNT, contribution="150.00")
        orders.create_order(context, owner, new)
    return tenant, owner, secret


def _rows(context: Context, statement: object) -> list[tuple[object, ...]]:
    return query(context, lambda connection: [tuple(r) for r in connection.execute(statement)])


def _owed_back(
    context: Context, tenant: str, action: str = "order.paid_after_cancel"
) -> dict[str, list[str]]:
    """What records each order's payment owed back: the audit's `action` targets (a
    payment after its cancel, or `order.paid_again`), the webhook events of that type
    (their order)."""
    a, w = t.audit_log.c, t.webhook_events.c
    audited = select(a.target).where(a.tenant_id == tenant, a.action == action)
    notices = select(w.body).where(w.tenant_id == tenant, w.type == action)
    return {
        "audit": sorted(str(target) for (target,) in _rows(context, audited)),
        "webhook": sorted(
            str(json.loads(str(body))["data"]["order"]) for (body,) in _rows(context, notices)
        ),
    }


def _minted(context: Context, tenant: str, order: str) -> int:
    e = t.entries.c
    statement = select(e.entry_id).where(
        e.tenant_id == tenant, e.cause == f"order:{order}", e.kind == "mint"
    )
    return len(_rows(context, statement))


@postgresql_only
@pytest.mark.parametrize("window", [0, 3600], ids=["completed at once", "return window"])
def test_a_payment_notified_while_the_order_is_cancelled_is_never_lost(
    context: Context, window: int
) -> None:
    tenant, owner, gateway = _shop(context, window)
    url, secret = context.database.url, SECRET.get_secret_value()
    cancels, payments_said = race(
        2, payment_race_workers.pay_or_cancel, (url, secret, tenant, gateway)
    )
    applied = {n.target for n in payment_reads.list_notifications(context, owner, 100)}
    owed: list[str] = []
    for n in range(ROUNDS):
        order = f"p{n}"
        status = orders.get_order(context, owner, order).status
        said = (status, cancels[n], payments_said[n])
        assert order in applied, said  # the money is on record, whoever won
        if status == "cancelled":
            assert cancels[n] == "ok" and payments_said[n] == "ok cancelled", said
            owed.append(f"order:{order}")
        else:
            paid = "completed" if window == 0 else "paid"
            assert status == paid and said[1:] == ("conflict", f"ok {paid}"), said
        assert _minted(context, tenant, order) == (1 if status == "completed" else 0), said
    late = _owed_back(context, tenant)
    assert late["audit"] == owed, (late, owed)
    assert late["webhook"] == sorted(target.split(":")[1] for target in owed), (late, owed)
    _books(context, tenant)


@postgresql_only
def test_a_payment_after_the_cancel_is_applied_as_owed_back_and_its_copy_is_a_copy(
    context: Context,
) -> None:
    """The race's one outcome made to happen: the order cancelled, then paid. The
    payment is applied (the answer says the order is cancelled), nothing is minted, the
    audit and the webhook say it is owed back; the same notification again (the gateway
    retrying) is the webhook adapter's replay (409, field id) and records nothing more."""
    tenant, owner, gateway = _shop(context, 0)
    context = Context(context.database, context.settings)  # the real clock, as signed
    orders.cancel(context, owner, "p0")
    headers, raw = notification("p0", gateway)
    accepted = payments.receive(context, tenant, headers, raw)
    assert (accepted.status, accepted.target, accepted.type) == (
        "cancelled",
        "p0",
        "payment.succeeded",
    )
    assert orders.get_order(context, owner, "p0").status == "cancelled"
    assert _minted(context, tenant, "p0") == 0
    with pytest.raises(DomainError) as again:
        payments.receive(context, tenant, *notification("p0", gateway))
    assert (again.value.code, again.value.field) == ("conflict", "id")
    assert _owed_back(context, tenant) == {"audit": ["order:p0"], "webhook": ["p0"]}
    assert payment_reads.list_refusals(context, owner, 10)[0].reason == "replayed"
    _books(context, tenant)


@postgresql_only
def test_two_returns_of_what_a_payment_after_the_cancel_owes_back_record_one(
    context: Context,
) -> None:
    """Orders p0… cancelled, then paid at the gateway (owed back); each round two
    processes record at one instant that the buyer was refunded: one records it (one
    audit record, one webhook, with its own note), the other is told it was recorded
    before (the order's row decides: the return reads what is owed under its lock)."""
    tenant, owner, gateway = _shop(context, 0)
    real = Context(context.database, context.settings)  # the real clock, as signed
    for n in range(ROUNDS):
        orders.cancel(real, owner, f"p{n}")
        assert payments.receive(real, tenant, *notification(f"p{n}", gateway)).status == (
            "cancelled"
        )
    url, secret = context.database.url, SECRET.get_secret_value()
    said = race(2, payment_race_workers.return_owed_back, (url, secret, tenant))
    a, w = t.audit_log.c, t.webhook_events.c
    audited = _rows(
        context,
        select(a.target, a.reason).where(
            a.tenant_id == tenant, a.action == "order.owed_back_returned"
        ),
    )
    notices = _rows(
        context,
        select(w.body).where(w.tenant_id == tenant, w.type == "order.owed_back_returned"),
    )
    for n in range(ROUNDS):
        answers = sorted([said[0][n], said[1][n]])
        assert answers == ["before", "done"], (n, said)
        winner = [said[0][n], said[1][n]].index("done")
        recorded = [reason for target, reason in audited if target == f"order:p{n}"]
        assert recorded == [f"process {winner}"], (n, audited)
        sent = [json.loads(str(body))["data"] for (body,) in notices]
        assert [d["note"] for d in sent if d["order"] == f"p{n}"] == [f"process {winner}"]
        assert orders.get_order(context, owner, f"p{n}").status == "cancelled"
    assert len(audited) == ROUNDS
    _books(context, tenant)


@postgresql_only
@pytest.mark.parametrize("window", [0, 3600], ids=["completed at once", "return window"])
def test_two_payments_of_one_order_at_once_pay_it_once_and_owe_the_other_back(
    context: Context, window: int
) -> None:
    """The buyer paid twice (two gateways, or one twice) and both notifications arrive at
    the same instant, from two processes: the order is paid once (minted once), both
    notifications are applied (the gateway stops), and exactly one is recorded as owed
    back to the buyer (`order.paid_again`, audit and webhook)."""
    tenant, owner, gateway = _shop(context, window)
    url, secret = context.database.url, SECRET.get_secret_value()
    said = race(2, payment_race_workers.pay_twice, (url, secret, tenant, gateway))
    paid = "completed" if window == 0 else "paid"
    applied = sorted(
        (n.target, n.id) for n in payment_reads.list_notifications(context, owner, 100)
    )
    assert applied == sorted(
        (f"p{n}", f"pay-p{n}-{number}") for n in range(ROUNDS) for number in (0, 1)
    )
    for n in range(ROUNDS):
        order = f"p{n}"
        assert [said[0][n], said[1][n]] == [f"ok {paid}"] * 2, (said[0][n], said[1][n])
        assert orders.get_order(context, owner, order).status == paid
        assert _minted(context, tenant, order) == (1 if window == 0 else 0)
    again = _owed_back(context, tenant, "order.paid_again")
    assert again["audit"] == [f"order:p{n}" for n in range(ROUNDS)], again
    assert again["webhook"] == [f"p{n}" for n in range(ROUNDS)], again
    assert _owed_back(context, tenant)["audit"] == []  # none of them was cancelled
    _books(context, tenant)
