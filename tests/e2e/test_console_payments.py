"""The payments tab (配置 › 收款与打款) as an owner uses it on a phone, in Chinese: a
gateway chosen with its form, its secret shown once, a forged notification listed as
refused with its reason in words, and nothing on the page scrolling sideways; then back
to manual, which the other tests' withdrawals expect."""

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
    finally:
        page.goto(PAGE)
        manual = page.locator("#form-manual")
        if manual.get_attribute("open") is None:
            manual.locator("summary").click()
        manual.get_by_role("button", name="改为手动").click()
        expect(page.locator("#current-adapter")).to_have_attribute("data-adapter", "manual")
        context.close()
