"""The orders list and the webhook subscriptions on a phone (390 pixels): their tables
(seven and five columns: an order's two times, a subscription's address and event
types) scrolled sideways in their boxes, the order's completion time and a
subscription's state off the screen. Each row is now a block and each cell a line named
by its column, as the withdrawals queue, the users page and the configuration's lists
are on a phone; on a desktop they stay tables."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import PHONE, Server, new_context, sign_in
from tests.e2e.test_console_phone import _sideways


def _orders_and_a_subscription(server: Server) -> None:
    with server.api() as api:
        if api.get("/v1/orders/ph-list-o").status_code == 200:
            return
        made = api.post("/v1/members", json={"id": "ph-list", "name": "欧阳娜娜"})
        assert made.status_code in (201, 409), made.text
        order = {
            "id": "ph-list-o",
            "member": "ph-list",
            "amount": "800.00",
            "contribution": "240.00",
        }
        assert api.post("/v1/orders", json=order).status_code == 201
        assert api.post("/v1/orders/ph-list-o/pay").status_code == 200
        api.post("/v1/orders/ph-list-o/complete")
    with server.owner() as owner:
        hooks = owner.get("/v1/webhooks").json()
        if not any(h["url"].endswith("/ph-list") for h in hooks):
            body = {
                "url": "https://shop.example/zengzhi/ph-list",
                "event_types": ["order.completed", "withdrawal.*", "member.joined"],
            }
            assert owner.post("/v1/webhooks", json=body).status_code == 201


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_orders_list_and_the_subscriptions_fit_a_phone(
    browser: Browser, server: Server, language: str
) -> None:
    _orders_and_a_subscription(server)
    context = new_context(browser, server, **PHONE)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto(f"/language/{language}?next=/console/orders?member=ph-list")
        rows = page.locator("#orders tbody tr")
        expect(rows).to_have_count(1)
        assert _sideways(page, "#orders") == []
        completed = rows.first.locator("td").last
        said = completed.evaluate("td => getComputedStyle(td, '::before').content")
        assert said == ('"完成时间："' if language == "zh" else '"Completed: "'), said
        page.goto("/console/webhooks")
        assert page.locator("#subscriptions tbody tr").count() > 0
        assert _sideways(page, "#subscriptions") == []
        state = page.locator("#subscriptions tbody tr").first.locator("td").nth(2)
        said = state.evaluate("td => getComputedStyle(td, '::before').content")
        assert said == ('"状态："' if language == "zh" else '"State: "'), said
    finally:
        context.close()
    desktop = new_context(browser, server)
    page = desktop.new_page()
    try:  # a table as ever on a desktop: one row a line, its headings shown
        sign_in(page)
        page.goto("/console/orders?member=ph-list")
        assert page.locator("#orders thead").is_visible()
        row = page.locator("#orders tbody tr").first
        assert (row.bounding_box() or {"height": 999})["height"] < 60
    finally:
        desktop.close()


def test_a_members_positions_wallet_and_withdrawals_fit_a_phone(
    browser: Browser, server: Server
) -> None:
    """A member's page on a phone: the positions (eight columns), the wallet's history
    (four) and the withdrawals (a request id from the member page is 35 characters:
    me-<digest>, in the withdrawals and as the cause of the wallet's movements) scrolled
    sideways in their boxes. The first two are stacked as the lists are, a request id
    breaks where it must."""
    _orders_and_a_subscription(server)
    with server.api() as api:  # the same ids again apply once
        sale = {"id": "ph-list-s", "points": "10"}
        assert api.post("/v1/members/ph-list/sell", json=sale).status_code < 300
        # an id of its own: test_console_table_layout's long id is the same server's
        body = {"id": "me-" + "fedcba9876543210" * 2, "amount": "1.00"}
        assert api.post("/v1/members/ph-list/withdrawals", json=body).status_code < 300
    context = new_context(browser, server, **PHONE)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto("/language/zh?next=/console/members/ph-list")
        for table in ("#positions", "#wallet-history", "#member-withdrawals"):
            assert page.locator(f"{table} tbody tr").count() > 0, table
            assert _sideways(page, table) == [], table
        paid = page.locator("#positions tbody tr").first.locator("td").nth(4)
        said = paid.evaluate("td => getComputedStyle(td, '::before').content")
        assert said == '"已付入零钱（扣回流后）："', said
    finally:
        context.close()
