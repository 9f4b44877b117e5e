"""A second gateway payment of an order a gateway had paid already (the buyer paid twice:
through two gateways, or twice through one; another `payment` id) is owed back to the
buyer (service/payments.py, audit and webhook `order.paid_again`; docs/payments.md,
"Paid twice"): applied, so that the gateway stops, minting nothing more, told to the
shop, shown on the console's order page and found by the orders list, and recorded
returned as a payment after the cancel is. The same payment notified again, an order
the shop marked paid itself, and a payment that names no id after one that named none,
are one payment. SQLite and PostgreSQL; two payments at once from two processes in
tests/security/test_payment_races.py."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from tests.service.conftest import Api, Clock
from tests.service.test_console_owed_back import order_page_in_chinese, text_of
from tests.service.test_owed_back_returned import _entries
from tests.service.test_payments import an_order, gateway, notify
from zengzhi.service.base import Context, query
from zengzhi.store import tables as t


def _paid(
    api: Api, clock: Clock, secret: str, n: int, order: str, amount: str, payment: str = ""
) -> Any:
    """Notification n{n}: a payment of `order`, the gateway's payment tx{n} (or `payment`:
    the same payment notified again)."""
    body = {"id": f"n{n}", "type": "payment.succeeded", "order": order, "amount": amount}
    body["payment"] = payment or f"tx{n}"
    answer = notify(api, secret, clock, body)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _audits(context: Context, tenant: str, action: str) -> list[tuple[Any, ...]]:
    a = t.audit_log.c
    statement = (
        select(a.target, a.actor, a.after)
        .where(a.tenant_id == tenant, a.action == action)
        .order_by(a.audit_id)
    )
    return query(context, lambda connection: [tuple(r) for r in connection.execute(statement)])


def _notices(context: Context, tenant: str, kind: str) -> list[dict[str, Any]]:
    w = t.webhook_events.c
    statement = select(w.body).where(w.tenant_id == tenant, w.type == kind).order_by(w.event_no)
    rows = query(context, lambda connection: [r for (r,) in connection.execute(statement)])
    return [json.loads(str(body))["data"] for body in rows]


def paid_twice(api: Api, clock: Clock, context: Context) -> str:
    """A1 paid at the gateway (n0), then again (n1): 1,000.00 owed back. A2 marked paid by
    the shop, then notified paid (n2): one payment. Returns the gateway's secret."""
    hook = {"url": "https://shop.example/hooks", "event_types": ["order.*"]}
    api.ok(api.post("/v1/webhooks", hook))
    secret = gateway(api)
    an_order(api, "A1")
    api.ok(
        api.post(
            "/v1/orders", {"id": "A2", "member": "m1", "amount": "20.00", "contribution": "5.00"}
        )
    )
    assert _paid(api, clock, secret, 0, "A1", "1000.00")["status"] == "completed"
    api.ok(api.post("/v1/orders/A2/pay"))
    entries = _entries(context, api.tenant)
    assert _paid(api, clock, secret, 1, "A1", "1000.00")["status"] == "completed"
    assert _paid(api, clock, secret, 2, "A2", "20.00")["status"] == "completed"
    assert _entries(context, api.tenant) == entries  # neither minted anything more
    return secret


def test_a_second_payment_is_applied_owed_back_and_told(
    api: Api, clock: Clock, context: Context
) -> None:
    secret = paid_twice(api, clock, context)
    [(target, actor, after)] = _audits(context, api.tenant, "order.paid_again")
    assert (target, actor) == ("order:A1", "gateway:n1")
    assert after == {
        "status": "completed",
        "member": "m1",
        "amount": "1000.00",
        "notification": "n1",
    }
    assert _notices(context, api.tenant, "order.paid_again") == [
        {
            "order": "A1",
            "member": "m1",
            "amount": "1000.00",
            "currency": "CNY",
            "notification": "n1",
            "owed_back": "1000.00",
        }
    ]
    applied = api.ok(api.get("/v1/payments/notifications"))
    assert sorted(n["id"] for n in applied) == ["n0", "n1", "n2"]
    # the same notification again is this adapter's replay: nothing recorded twice
    again = {"id": "n1", "type": "payment.succeeded", "order": "A1", "amount": "1000.00"}
    again["payment"] = "tx1"
    replayed = notify(api, secret, clock, again)
    assert replayed.status_code == 409 and replayed.json()["field"] == "id"
    assert len(_audits(context, api.tenant, "order.paid_again")) == 1
    assert _audits(context, api.tenant, "order.paid_after_cancel") == []


def test_it_is_returned_as_a_payment_after_the_cancel_is_and_owed_again_after(
    api: Api, clock: Clock, context: Context
) -> None:
    secret = paid_twice(api, clock, context)
    refused = api.post("/v1/orders/A2/owed-back/returned", {})
    assert refused.status_code == 409 and refused.json()["field"] == "owed_back"
    returned = api.ok(api.post("/v1/orders/A1/owed-back/returned", {"note": "退款单 7"}))
    assert (returned["amount"], returned["notifications"]) == ("1000.00", ["n1"])
    assert api.post("/v1/orders/A1/owed-back/returned", {}).status_code == 409
    _paid(api, clock, secret, 3, "A1", "1000.00")  # a third time: owed again, alone
    second = api.ok(api.post("/v1/orders/A1/owed-back/returned", {}))
    assert (second["amount"], second["notifications"]) == ("1000.00", ["n3"])


def test_the_console_says_it_in_words_and_lists_it(
    api: Api, clock: Clock, context: Context
) -> None:
    paid_twice(api, clock, context)
    _, said = order_page_in_chinese(api, "A1")
    assert "收到的付款应退还买家" in said
    assert "订单已由支付网关付款后再次收到付款 ¥1,000.00" in said and "网关通知 n1" in said
    assert "订单保留第一笔付款" in said and "订单仍为已取消" not in said
    assert "登记已退还买家 ¥1,000.00" in said
    other = api.client.get("/console/orders/A2")
    assert other.status_code == 200 and 'id="owed-back"' not in other.text
    owed = api.client.get("/console/orders", params={"status": "owed_back"})
    assert owed.status_code == 200
    assert "共找到 1 笔订单。" in text_of(owed.text)
    assert "应退还买家 ¥1,000.00" in text_of(owed.text) and "/console/orders/A1" in owed.text
    api.client.get("/language/en")
    english = text_of(api.client.get("/console/orders/A1").text)
    assert "Paid ¥1,000.00 again after a gateway had paid the order" in english
    assert "The order keeps its first payment" in english


def test_a_refunded_order_paid_again_is_owed_back(api: Api, clock: Clock, context: Context) -> None:
    """Paid at the gateway, refunded by the shop in its return window (the buyer refunded
    at the gateway), then paid again: the new payment is the buyer's, owed back."""
    api.ok(api.put("/v1/tenant/settings", {"completion_delay_seconds": 7 * 86_400}))
    secret = gateway(api)
    an_order(api, "A1")
    assert _paid(api, clock, secret, 0, "A1", "1000.00")["status"] == "paid"
    api.ok(api.post("/v1/orders/A1/refund"))
    assert _paid(api, clock, secret, 1, "A1", "1000.00")["status"] == "refunded"
    [(target, actor, after)] = _audits(context, api.tenant, "order.paid_again")
    assert (target, actor, after["status"]) == ("order:A1", "gateway:n1", "refunded")
    returned = api.ok(api.post("/v1/orders/A1/owed-back/returned", {}))
    assert returned["notifications"] == ["n1"]


def test_the_same_payment_notified_again_or_one_unnamed_is_not_owed_back(
    api: Api, clock: Clock, context: Context
) -> None:
    """A payment is known by the gateway's id of it (`payment`): notified again under a
    new notification id (as Alipay's TRADE_FINISHED follows its TRADE_SUCCESS), it is the
    same payment; a notification that names no payment cannot be told from the one
    before, and is taken as it. Only another named payment is owed back."""
    secret = gateway(api)
    an_order(api, "A1")
    assert _paid(api, clock, secret, 0, "A1", "1000.00")["status"] == "completed"
    assert _paid(api, clock, secret, 1, "A1", "1000.00", payment="tx0")["status"] == "completed"
    unnamed = {"id": "n2", "type": "payment.succeeded", "order": "A1", "amount": "1000.00"}
    assert notify(api, secret, clock, unnamed).status_code == 200
    assert _audits(context, api.tenant, "order.paid_again") == []
    refused = api.post("/v1/orders/A1/owed-back/returned", {})
    assert refused.status_code == 409 and refused.json()["field"] == "owed_back"
    _paid(api, clock, secret, 3, "A1", "1000.00")  # tx3: another payment
    [(target, actor, _)] = _audits(context, api.tenant, "order.paid_again")
    assert (target, actor) == ("order:A1", "gateway:n3")
