"""The payments tab (配置 › 收款与打款) as an owner uses it on a phone, in Chinese: a
gateway chosen with its form, its secret shown once, a forged notification listed as
refused with its reason in words, an approved withdrawal handed to the gateway from the
withdrawals queue, and nothing on the pages scrolling sideways; then back to manual,
which the other tests' withdrawals expect."""

from __future__ import annotations

import httpx
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import PHONE, TENANT, Server, new_context, sign_in
from tests.e2e.test_console_phone import _sideways

PAGE = "/console/config/payments"


def test_an_owner_chooses_a_gateway_on_a_phone(browser: Browser, server: Server) -> None:
    context = new_context(browser, server, **PHONE)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto(f"/language/zh?next={PAGE}")
        expect(page.locator("#current-adapter")).to_have_text("手动（后台标记）")
        page.locator("#form-webhook summary").click()
        page.get_by_label("打款请求地址").fill("https://pay.example.com/payouts")
        page.get_by_role("button", name="保存通用网关设置").click()
        expect(page.locator("#secret-shown")).to_contain_text("只显示这一次")
        assert page.locator("#secret").input_value().startswith("whsec_")
        expect(page.locator("#current-adapter")).to_have_text("通用支付网关（签名通知）")

        forged = httpx.post(
            f"{server.url}/v1/gateway/{TENANT}/notifications",
            content=b'{"id": "forged-1", "type": "payment.succeeded"}',
            headers={"Content-Type": "application/json"},
        )
        assert forged.status_code == 401, forged.text
        page.goto(PAGE)
        expect(page.locator("#secret")).to_have_count(0)  # the secret was shown once
        refusal = page.locator("#refusals tbody tr").first
        expect(refusal.locator('td[data-label="原因："]')).to_have_text("签名不符")
        for table in ("#notifications", "#refusals"):
            assert _sideways(page, table) == []
        a_withdrawal(server)
        page.goto("/console/withdrawals?status=held&member=pg-payee")
        page.get_by_role("button", name="通过 pg-w1").click()
        expect(page.locator("#notice")).to_have_text("提现 pg-w1 已通过。")
        page.goto("/console/withdrawals?status=approved&member=pg-payee")
        assert _sideways(page, "#withdrawals") == []  # three buttons in the row
        page.get_by_role("button", name="把 pg-w1 交给打款网关").click()
        expect(page.locator("#notice")).to_contain_text(
            "提现 pg-w1 已交给网关，网关尚未给出付款结果"
        )
        page.goto("/console/withdrawals?status=paying&member=pg-payee")
        row = page.locator("#withdrawals tbody tr").first
        expect(row.locator(".badge.paying")).to_have_text("打款中")
        expect(row.get_by_role("button")).to_have_count(0)  # the gateway's answer settles it
        assert _sideways(page, "#withdrawals") == []
        with server.api() as api:
            assert api.get("/v1/withdrawals/pg-w1").json()["status"] == "paying"
    finally:
        page.goto(PAGE)
        manual = page.locator("#form-manual")
        if manual.get_attribute("open") is None:
            manual.locator("summary").click()
        manual.get_by_role("button", name="改为手动").click()
        expect(page.locator("#current-adapter")).to_have_attribute("data-adapter", "manual")
        context.close()


def a_withdrawal(server: Server) -> None:
    """pg-w1 of 10.00, asked for by a member who sold an order's points."""
    with server.api() as api:
        assert api.post("/v1/members", json={"id": "pg-payee", "name": "孙八"}).status_code == 201
        order = {"id": "pg-o", "member": "pg-payee", "amount": "2000.00", "contribution": "600.00"}
        assert api.post("/v1/orders", json=order).status_code == 201
        assert api.post("/v1/orders/pg-o/pay").status_code == 200
        api.post("/v1/orders/pg-o/complete")
        sold = api.post("/v1/members/pg-payee/sell", json={"id": "pg-s", "points": "all"})
        assert sold.status_code < 300, sold.text
        asked = api.post(
            "/v1/members/pg-payee/withdrawals", json={"id": "pg-w1", "amount": "10.00"}
        )
        assert asked.status_code < 300, asked.text
