"""A gateway's payment that came after the order was cancelled (service/payments.py,
audit `order.paid_after_cancel`) is owed back to the buyer: the console's order page says
so in words, with the amount, and the orders list finds such orders (a filter of the
status select) and marks them. The refund is made at the gateway; the order page's form
records it returned (audit `order.owed_back_returned`), once, after which the page says
returned and the list no longer marks it owed."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event

from tests.service.conftest import Api, Clock
from tests.service.test_console_pages import sign_in
from tests.service.test_payments import an_order, gateway, notify
from zengzhi.service.base import Context


def cancelled_then_paid(api: Api, clock: Clock) -> None:
    """A1 cancelled, then paid at the gateway (1,000.00 owed back); A2 cancelled and never
    paid; A3 paid as usual."""
    secret = gateway(api)
    an_order(api, "A1")
    for order in ("A2", "A3"):
        body = {"id": order, "member": "m1", "amount": "20.00", "contribution": "5.00"}
        api.ok(api.post("/v1/orders", body))
    for order in ("A1", "A2"):
        api.ok(api.post(f"/v1/orders/{order}/cancel"))
    for n, (order, amount) in enumerate((("A1", "1000.00"), ("A3", "20.00"))):
        paid = {"id": f"n{n}", "type": "payment.succeeded", "order": order, "amount": amount}
        answer = notify(api, secret, clock, paid)
        assert answer.status_code == 200, answer.text
    assert api.ok(api.get("/v1/orders/A1"))["status"] == "cancelled"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def order_page_in_chinese(api: Api, order: str) -> tuple[str, str]:
    """The console's page of `order`, signed in as the owner, in Chinese: its HTML and
    its words."""
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    page = api.client.get(f"/console/orders/{order}")
    assert page.status_code == 200
    return page.text, text_of(page.text)


def test_the_order_page_says_the_payment_after_the_cancel_is_owed_back(
    api: Api, clock: Clock
) -> None:
    cancelled_then_paid(api, clock)
    html, said = order_page_in_chinese(api, "A1")
    assert "收到的付款应退还买家" in said
    assert "订单取消后收到付款 ¥1,000.00" in said and "应退还买家" in said
    assert "网关通知 n0" in said
    assert "请在支付网关" in said  # what to do: refund at the gateway
    # the one form of the section records the return, with an optional note
    section = html.split('id="owed-back"')[1].split("</section>")[0]
    assert re.findall(r'<form [^>]*action="([^"]+)"', section) == [
        "/console/orders/A1/owed-back/returned"
    ]
    assert 'name="note"' in section and "登记已退还买家 ¥1,000.00" in section
    # an order cancelled and never paid, and one paid as usual: nothing owed back
    for order in ("A2", "A3"):
        other = api.client.get(f"/console/orders/{order}")
        assert other.status_code == 200 and 'id="owed-back"' not in other.text
        assert "应退还买家" not in text_of(other.text)
    api.client.get("/language/en")
    english = text_of(api.client.get("/console/orders/A1").text)
    assert "Paid $1,000.00" not in english  # yuan, not dollars
    assert "owed back to the buyer" in english and "¥1,000.00" in english


def test_the_orders_list_finds_and_marks_the_orders_owed_back(api: Api, clock: Clock) -> None:
    cancelled_then_paid(api, clock)
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    listed = api.client.get("/console/orders")
    assert listed.status_code == 200
    assert (
        'value="owed_back"' in listed.text
        and "取消后收到付款或重复付款（应退还买家）" in listed.text
    )
    rows = {
        row.group(1): text_of(row.group(0))
        for row in re.finditer(
            r'<tr role="row"><th[^>]*><a href="/console/orders/(\w+)".*?</tr>', listed.text, re.S
        )
    }
    assert set(rows) == {"A1", "A2", "A3"}
    assert "应退还买家 ¥1,000.00" in rows["A1"]
    assert "应退还买家" not in rows["A2"] and "应退还买家" not in rows["A3"]
    owed = api.client.get("/console/orders", params={"status": "owed_back"})
    assert owed.status_code == 200
    found = re.findall(r'<a href="/console/orders/(\w+)"', owed.text)
    assert found == ["A1"]
    assert "共找到 1 笔订单。" in text_of(owed.text)
    assert 'value="owed_back" selected' in owed.text


def test_the_audit_log_names_the_gateway_and_its_notification_in_words(
    api: Api, clock: Clock
) -> None:
    """The audit record of the payment read gateway:n0 as who did it and `notification`
    as a changed field, the only English words of the row."""
    cancelled_then_paid(api, clock)
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    log = api.client.get("/console/audit", params={"action": "order.paid_after_cancel"})
    assert log.status_code == 200
    said = text_of(log.text)
    assert "支付网关（通知 n0）" in said and "gateway:n0 " not in said
    assert "网关通知" in said and " notification " not in said
    assert 'data-actor="gateway:n0"' in log.text  # the stored name, for the filter
    api.client.get("/language/en")
    english = text_of(api.client.get("/console/audit").text)
    assert "the payment gateway (notification n0)" in english


def _plans(context: Context, statements: list[tuple[str, Any]]) -> list[str]:
    """Each statement's plan, as the database would run it on a large log (PostgreSQL
    told not to prefer a scan, as it would on a handful of rows)."""
    plans = []
    with context.database.read() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        cursor = raw.cursor()
        for sql, parameters in statements:
            if context.database.is_sqlite:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}", parameters)
            else:
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute(f"EXPLAIN {sql}", parameters)
            plans.append(" ".join(str(part) for row in cursor.fetchall() for part in row))
    return plans


def test_the_orders_pages_read_the_audit_log_by_its_index(
    api: Api, clock: Clock, context: Context
) -> None:
    """The pages read the log's payments after a cancel by ix_audit_log_action_target
    (migration 0028), not by a scan of the tenant's whole log on each list page."""
    cancelled_then_paid(api, clock)
    sign_in(api.client, api.tenant)
    seen: list[tuple[str, Any]] = []

    def heard(*args: Any) -> None:
        statement, parameters = args[2], args[3]
        if "audit_log" in statement:
            seen.append((statement, parameters))

    engines = context.database.engines
    for engine in engines:
        event.listen(engine, "before_cursor_execute", heard)
    try:
        for path in ("/console/orders", "/console/orders/A1", "/console/orders?status=owed_back"):
            assert api.client.get(path).status_code == 200
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", heard)
    reads = [(sql, p) for sql, p in seen if sql.lstrip().upper().startswith("SELECT")]
    assert len(reads) >= 3, seen  # the list's rows, the order's page, the filter
    for plan in _plans(context, reads):
        assert "ix_audit_log_action_target" in plan, plan
