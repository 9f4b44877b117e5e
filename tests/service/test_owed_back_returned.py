"""The money a gateway's payment after the order's cancel owes back to the buyer
(docs/payments.md, "Paid after it was cancelled") is recorded returned once the shop
refunded the buyer at the gateway: `POST /v1/orders/{id}/owed-back/returned` and the
order page's form. Recorded once (audited, webhook `order.owed_back_returned`), refused
naming `owed_back` when nothing is owed (never paid after its cancel, or returned
before), nothing in the ledger (the payment is not in it either); the order page then
says returned, when and by whom, and the orders list no longer marks it owed.
SQLite and PostgreSQL, as every service test; two at once on PostgreSQL in
tests/security/test_payment_races.py and tests/service/test_console_http_races.py."""

from __future__ import annotations

import json
import re

from sqlalchemy import func, select

from tests.service.conftest import Api, Clock
from tests.service.test_console_owed_back import cancelled_then_paid, text_of
from tests.service.test_console_pages import sign_in
from tests.service.test_payments import notify
from zengzhi.service.base import Context, query
from zengzhi.store import tables as t

RETURNED = "/v1/orders/A1/owed-back/returned"


def _audits(context: Context, tenant: str) -> list[tuple[str, str, str | None, object]]:
    """(target, actor, reason, after) of each `order.owed_back_returned`, in order."""
    a = t.audit_log.c
    statement = (
        select(a.target, a.actor, a.reason, a.after)
        .where(a.tenant_id == tenant, a.action == "order.owed_back_returned")
        .order_by(a.audit_id)
    )
    return query(context, lambda connection: [tuple(r) for r in connection.execute(statement)])


def _entries(context: Context, tenant: str) -> int:
    e = t.entries.c
    statement = select(func.count()).select_from(t.entries).where(e.tenant_id == tenant)
    return int(query(context, lambda connection: connection.execute(statement).scalar_one()))


def _notices(context: Context, tenant: str) -> list[dict[str, object]]:
    w = t.webhook_events.c
    statement = select(w.body).where(w.tenant_id == tenant, w.type == "order.owed_back_returned")
    rows = query(context, lambda connection: [r for (r,) in connection.execute(statement)])
    return [json.loads(str(body))["data"] for body in rows]


def _subscribed(api: Api) -> None:
    hook = {"url": "https://shop.example/hooks", "event_types": ["order.*"]}
    api.ok(api.post("/v1/webhooks", hook))


def test_the_api_records_it_returned_once_and_books_nothing(
    api: Api, clock: Clock, context: Context
) -> None:
    _subscribed(api)
    cancelled_then_paid(api, clock)
    entries = _entries(context, api.tenant)
    note = "微信退款单号 50300123"
    said = api.ok(api.post(RETURNED, {"note": note}))
    assert (said["order"], said["member"], said["amount"], said["currency"]) == (
        "A1",
        "m1",
        "1000.00",
        "CNY",
    )
    assert said["notifications"] == ["n0"] and said["note"] == note
    assert said["returned_by"] == "user:owner"
    assert api.ok(api.get("/v1/orders/A1"))["status"] == "cancelled"  # it stays so
    assert _entries(context, api.tenant) == entries  # neither side is in the ledger
    [(target, actor, reason, after)] = _audits(context, api.tenant)
    assert (target, actor, reason) == ("order:A1", "user:owner", note)
    assert after == {"owed_back": "0.00", "returned": "1000.00", "notifications": ["n0"]}
    assert _notices(context, api.tenant) == [
        {
            "order": "A1",
            "member": "m1",
            "amount": "1000.00",
            "currency": "CNY",
            "notifications": ["n0"],
            "note": note,
        }
    ]
    # again: refused, saying when and by whom it was recorded; nothing recorded twice
    again = api.post(RETURNED, {"note": "again"})
    assert again.status_code == 409, again.text
    body = again.json()
    assert body["field"] == "owed_back"
    assert "recorded returned at" in body["message"] and "user:owner" in body["message"]
    assert len(_audits(context, api.tenant)) == 1 and len(_notices(context, api.tenant)) == 1
    # in Chinese, naming the field as the pages do
    chinese = api.client.post(
        RETURNED, json={}, headers={**api._headers(None), "Accept-Language": "zh-CN"}
    )
    assert chinese.status_code == 409
    assert "由 user:owner 登记为已退还：本次没有任何改动" in chinese.json()["message"], chinese.text


def test_nothing_owed_is_refused_naming_owed_back(api: Api, clock: Clock, context: Context) -> None:
    """A2 was cancelled and never paid, A3 was paid as usual: nothing is owed back, so
    nothing can be returned; an unknown order is not found; a bad note is refused at
    `note`; a role without `orders` may not record it."""
    cancelled_then_paid(api, clock)
    for order in ("A2", "A3"):
        refused = api.post(f"/v1/orders/{order}/owed-back/returned")
        assert refused.status_code == 409, refused.text
        assert refused.json()["field"] == "owed_back"
        assert "no payment after its cancel and none paid twice" in refused.json()["message"]
    assert api.post("/v1/orders/nosuch/owed-back/returned").status_code == 404
    for bad in ("退款\x00单号", "x" * 501, "退款\u202e单号"):
        refused = api.post(RETURNED, {"note": bad})
        assert refused.status_code == 422, (bad, refused.text)
        assert refused.json()["field"] == "note"
    refused = api.post(RETURNED, {"reason": "not a field"})
    assert refused.status_code == 422 and refused.json()["field"] == "reason"
    for role in ("finance", "viewer", "operator"):
        denied = api.post(RETURNED, token=api.as_role(role))
        assert denied.status_code == 403, (role, denied.text)
    assert _audits(context, api.tenant) == []
    integrator = api.post(RETURNED, token=api.as_role("integrator"))  # the shop's key
    assert integrator.status_code == 200, integrator.text


def test_a_payment_after_the_return_is_owed_again(api: Api, clock: Clock, context: Context) -> None:
    """The buyer paid the cancelled order twice: the second payment, after the first was
    recorded returned, is owed on its own, and its return covers it alone."""
    cancelled_then_paid(api, clock)
    api.ok(api.post(RETURNED))
    rotated = {"adapter": "webhook", "payout_url": "https://pay.example/payouts"}
    secret = api.ok(api.put("/v1/payments/adapter", rotated | {"rotate_secret": True}))["secret"]
    paid = {"id": "n9", "type": "payment.succeeded", "order": "A1", "amount": "1000.00"}
    assert notify(api, secret, clock, paid).status_code == 200
    owed = api.ok(api.get("/v1/orders", status="cancelled"))
    assert {o["id"] for o in owed} == {"A1", "A2"}
    sign_in(api.client, api.tenant)
    listed = api.client.get("/console/orders", params={"status": "owed_back"})
    assert re.findall(r'<a href="/console/orders/(\w+)"', listed.text) == ["A1"]
    said = api.ok(api.post(RETURNED))
    assert (said["amount"], said["notifications"]) == ("1000.00", ["n9"])
    assert [after for _, _, _, after in _audits(context, api.tenant)] == [
        {"owed_back": "0.00", "returned": "1000.00", "notifications": ["n0"]},
        {"owed_back": "0.00", "returned": "1000.00", "notifications": ["n9"]},
    ]


def test_the_order_page_records_it_returned_and_says_so(
    api: Api, clock: Clock, context: Context
) -> None:
    cancelled_then_paid(api, clock)
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    path = "/console/orders/A1/owed-back/returned"
    # a control character in the note: refused at its field, what was typed kept
    refused = api.client.post(path, data={"csrf": csrf, "note": "退款\x0b单号"})
    assert refused.status_code == 422, refused.text
    assert re.search(r'id="e-note"[^>]*role="alert">不能包含控制字符', refused.text)
    assert 'value="退款\ufffd单号"' in refused.text
    assert _audits(context, api.tenant) == []
    done = api.client.post(path, data={"csrf": csrf, "note": "支付宝退款 2026120500"})
    assert done.history and done.history[0].status_code == 303, done.status_code
    assert str(done.url).endswith("/console/orders/A1")
    said = text_of(done.text)
    assert "订单 A1：应退还买家的款项已登记为已退还。" in said
    assert "应退还买家的款项已退还" in said
    assert "已退还买家 ¥1,000.00" in said and "由 owner 登记" in said
    assert "备注：“支付宝退款 2026120500”。" in said
    assert "应退还买家。" not in said and path not in done.text  # no longer owed, no form
    [(_, actor, reason, _)] = _audits(context, api.tenant)
    assert (actor, reason) == ("user:owner", "支付宝退款 2026120500")
    # a tab opened before: told it was recorded before, this note not kept
    again = api.client.post(path, data={"csrf": csrf, "note": "第二次"})
    assert again.history and again.status_code == 200
    assert "此前已登记为已退还：本次没有任何改动，填写的备注没有记录。" in text_of(again.text)
    assert len(_audits(context, api.tenant)) == 1
    # the list no longer marks it owed, and its filter finds nothing
    listed = api.client.get("/console/orders")
    assert "应退还买家 ¥" not in text_of(listed.text)
    owed = api.client.get("/console/orders", params={"status": "owed_back"})
    assert re.findall(r'<a href="/console/orders/(\w+)"', owed.text) == []
    # the audit page names the action and its fields in words
    log = text_of(api.client.get("/console/audit").text)
    assert "记录退还买家的款项" in log
    api.client.get("/language/en")
    english = text_of(api.client.get("/console/orders/A1").text)
    assert "returned to the buyer (" in english and "recorded by owner" in english


def test_an_order_with_nothing_owed_has_no_form_and_a_forged_post_is_refused(
    api: Api, clock: Clock
) -> None:
    cancelled_then_paid(api, clock)
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    page = api.client.get("/console/orders/A2")
    assert "/owed-back/returned" not in page.text
    refused = api.client.post("/console/orders/A2/owed-back/returned", data={"csrf": csrf})
    assert refused.status_code == 409
    said = text_of(refused.text)
    assert "订单 “A2” 没有取消后收到的付款，也没有重复付款：没有应退还买家的款项" in said, said
    assert '<form method="post" action="/console/orders/A2/owed-back' not in refused.text
