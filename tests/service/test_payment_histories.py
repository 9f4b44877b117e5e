"""A property of buyers' payments, over random histories of what the gateway notifies
(a new payment, the same payment under a new notification id as Alipay's TRADE_FINISHED
follows its TRADE_SUCCESS, a payment that names no payment id, the same notification
again, a wrong amount) and what the shop
does (marks an order paid itself, cancels, refunds in the return window, reverses, records
what was owed back as returned), on three orders, with or without a return window: each
order's status is what its life cycle says; every payment the gateway notified is on
record, and the money owed back to the buyer (docs/payments.md, "Paid after it was
cancelled" and "Paid twice") is exactly the payments that came after the cancel, or a
payment named other than one a gateway had paid the order with, less those recorded
returned; an order mints once, when it
completes; the console's list finds exactly the orders owing; the books balance. On
SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tests.histories import through_the_service
from tests.service.conftest import Api, Clock, login, new_tenant
from tests.service.test_gateway_adapters import books_balance
from tests.service.test_payments import gateway, notify
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, query
from zengzhi.service.queries import console_orders
from zengzhi.store import tables as t

AMOUNTS = {"A0": ("1000.00", "300.00"), "A1": ("20.00", "5.00"), "A2": ("333.33", "99.99")}
ORDER = st.sampled_from(sorted(AMOUNTS))
# a payment, its notification's id new: a new payment, one of the order's before, or none
PAYMENT = st.sampled_from(["new", "new", "same", "none"])
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("notify"), ORDER, PAYMENT),
        st.tuples(st.just("notify"), ORDER, PAYMENT),
        st.tuples(st.just("repeat"), st.integers(0, 30), st.just("")),  # one sent again
        st.tuples(st.just("wrong"), ORDER, st.just("new")),  # a payment of another amount
        st.tuples(
            st.sampled_from(["pay", "cancel", "refund", "reverse", "return"]), ORDER, st.just("")
        ),
    ),
    min_size=4,
    max_size=24,
)


@dataclass
class Order:
    """What the life cycle and docs/payments.md say an order is."""

    status: str = "created"
    payments: set[str | None] = field(default_factory=set)  # the gateways', as named
    owed: int = 0  # payments owed back to the buyer, not recorded returned


def _notice(shop: Api, secret: str, clock: Clock, body: dict[str, str]) -> tuple[int, object]:
    answer = notify(shop, secret, clock, body)
    return answer.status_code, answer.json()


def _step(
    shop: Api,
    secret: str,
    clock: Clock,
    orders: dict[str, Order],
    sent: list[dict[str, str]],
    window: bool,
    n: int,
    step: tuple[object, ...],
) -> None:
    kind, what, named = step
    if kind == "repeat":
        if not sent:
            return
        status, answer = _notice(shop, secret, clock, sent[int(str(what)) % len(sent)])
        assert status == 409 and answer["field"] == "id", answer  # type: ignore[index]
        return
    order_id = str(what)
    order = orders[order_id]
    amount = AMOUNTS[order_id][0]
    if kind in ("notify", "wrong"):
        paid = amount if kind == "notify" else f"{AMOUNTS[order_id][0][:-3]}.01"
        body = {"id": f"n{n}", "type": "payment.succeeded", "order": order_id, "amount": paid}
        before = sorted(str(one) for one in order.payments if one is not None)
        payment = before[n % len(before)] if named == "same" and before else f"tx{n}"
        if named != "none":
            body["payment"] = payment
        status, answer = _notice(shop, secret, clock, body)
        if kind == "wrong":
            assert status == 409 and answer["field"] == "amount", answer  # type: ignore[index]
            return
        sent.append(body)
        known = body.get("payment")
        if order.status == "created":
            order.status = "paid" if window else "completed"
        elif known is not None and known in order.payments:
            pass  # the same payment, notified again
        elif order.status == "cancelled" or (known is not None and before):
            order.owed += 1
        # else: it cannot be told from the payment before (or the shop's own mark)
        order.payments.add(known)
        assert status == 200 and answer["status"] == order.status, (answer, order)  # type: ignore[index]
        return
    if kind == "return":
        answer = shop.post(f"/v1/orders/{order_id}/owed-back/returned", {})
        if order.owed:
            assert answer.status_code == 200, answer.text
            order.owed = 0
        else:
            assert answer.status_code == 409 and answer.json()["field"] == "owed_back"
        return
    sources, target, taken = {
        "pay": (
            {"created"},
            "paid" if window else "completed",
            {"completed", "reversed", "refunded"},
        ),
        "cancel": ({"created"}, "cancelled", set()),
        "refund": ({"paid"}, "refunded", set()),
        "reverse": ({"completed"}, "reversed", set()),
    }[str(kind)]
    answer = shop.post(f"/v1/orders/{order_id}/{kind}")
    if order.status in sources:
        order.status = target
    elif (
        order.status != target
        and order.status not in taken
        and not (kind == "pay" and order.status == "paid")
    ):
        assert answer.status_code == 409 and answer.json()["field"] == "status", answer.text
        return
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == order.status


def _owed_now(context: Context, owner: Principal, order_id: str) -> str | None:
    return console_orders.order_detail(context, owner, order_id).owed_back_now


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


@through_the_service(max_examples=12)
@given(window=st.booleans(), steps=STEPS)
def test_every_payment_is_on_record_and_what_is_owed_back_is_exact(
    api: Api, clock: Clock, context: Context, window: bool, steps: list[tuple[object, ...]]
) -> None:
    tenant = new_tenant(context)  # one tenant per example
    shop = Api(api.client, tenant, login(api.client, tenant))
    owner = Principal(tenant, "user:owner", Role.OWNER)
    if window:
        shop.ok(shop.put("/v1/tenant/settings", {"completion_delay_seconds": 7 * 86_400}))
    secret = gateway(shop)
    shop.pool(exit_multiple="2")
    shop.member("m1")
    for order_id, (amount, contribution) in AMOUNTS.items():
        body = {"id": order_id, "member": "m1", "amount": amount, "contribution": contribution}
        shop.ok(shop.post("/v1/orders", body))
    orders = {order_id: Order() for order_id in AMOUNTS}
    sent: list[dict[str, str]] = []
    for n, step in enumerate(steps):
        _step(shop, secret, clock, orders, sent, window, n, step)
        for order_id, order in orders.items():
            assert shop.ok(shop.get(f"/v1/orders/{order_id}"))["status"] == order.status
            fen = int(AMOUNTS[order_id][0].replace(".", ""))
            owed = _yuan(fen * order.owed) if order.owed else None
            assert _owed_now(context, owner, order_id) == owed, (step, order_id, order)
    applied = shop.ok(shop.get("/v1/payments/notifications"))
    assert sorted(one["id"] for one in applied) == sorted(body["id"] for body in sent)
    search = console_orders.OrderSearch(status=console_orders.OWED_BACK)
    listed = console_orders.find_orders(context, owner, search)
    assert sorted(row.id for row in listed.rows) == sorted(o for o, v in orders.items() if v.owed)
    e = t.entries.c
    minted = select(e.cause).where(e.tenant_id == tenant, e.kind == "mint")
    causes = query(context, lambda connection: connection.execute(minted).scalars().all())
    completed = {"completed", "reversed"}
    assert sorted(causes) == sorted(
        f"order:{o}" for o, v in orders.items() if v.status in completed
    )
    books_balance(shop, context)
