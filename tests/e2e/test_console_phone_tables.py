"""The members list, an order's page and a member's rewards and queue claims on a phone
(390 pixels): their tables (nine, seven, eight and nine columns) scrolled sideways in
their boxes (the members list 555 px in 356, an order's lines 482 px in 324). Each row
is now a block and each cell a line named by its column (`table.stacked`), as the orders
list and the withdrawals queue are; the members list keeps its sort links, in a line
above the rows. (The audit log: test_console_phone_audit.py.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Locator

from tests.e2e.conftest import (
    PHONE,
    Server,
    modes_history,
    new_context,
    shop_subscription,
    sign_in,
)
from tests.e2e.test_console_phone import _sideways


def _label(cell: Locator) -> str:
    """What a stacked cell is named by on its line (its ::before)."""
    return str(cell.evaluate("td => getComputedStyle(td, '::before').content"))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_members_list_an_order_and_a_members_rewards_fit_a_phone(
    browser: Browser, server: Server, language: str
) -> None:
    modes_history(server)  # u1 referred u2 (a commission), u1's union claim in the queue
    context = new_context(browser, server, **PHONE)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto(f"/language/{language}?next=/console/members")
        assert page.locator("#members tbody tr").count() > 0
        assert _sideways(page, "#members") == []
        wallet = page.locator("#members tbody tr").first.locator("td").nth(5)
        assert _label(wallet) == ('"零钱："' if language == "zh" else '"Wallet: "')
        # the sort links stay on a phone, each within the screen
        sort = page.locator('#members thead a[data-sort="spent"]')
        assert sort.is_visible()
        width = page.evaluate("document.documentElement.clientWidth")
        assert (sort.bounding_box() or {"x": width})["x"] < width
        sort.click()
        page.wait_for_url("**sort=spent**")

        page.goto("/console/orders/c2")
        for table in ("#order-lines", "#order-movements"):
            assert page.locator(f"{table} tbody tr").count() > 0, table
            assert _sideways(page, table) == [], table
        platform = page.locator("#order-lines tbody tr").first.locator("td").nth(3)
        assert _label(platform) == ('"平台："' if language == "zh" else '"Platform: "')

        page.goto("/console/members/u1")
        for table in ("#member-rewards", "#member-claims"):
            assert page.locator(f"{table} tbody tr").count() > 0, table
            assert _sideways(page, table) == [], table
    finally:
        context.close()
    desktop = new_context(browser, server)
    page = desktop.new_page()
    try:  # tables as ever on a desktop: headings shown, one row a line
        sign_in(page)
        page.goto("/console/members")
        assert page.locator("#members thead th").first.is_visible()
        row = page.locator("#members tbody tr").first
        assert (row.bounding_box() or {"height": 999})["height"] < 60
        page.goto("/console/audit")
        assert page.locator("#audit thead th").first.is_visible()
    finally:
        desktop.close()


def test_a_subscriptions_deliveries_and_a_delivery_fit_a_phone(
    browser: Browser, server: Server
) -> None:
    """A subscription's deliveries (eight columns: the event, its state with the next try
    and the last error, the HTTP status, the latency…) scrolled sideways in their box
    (609 px in 356), and a delivery's page was wider than the screen (its event id, 32
    characters without a break). The deliveries and the attempts are stacked, the id
    breaks where it must."""
    with server.api() as api:
        hook = shop_subscription(api)  # its receiver answered 503: attempts with errors
    context = new_context(browser, server, **PHONE)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto(f"/language/zh?next=/console/webhooks/{hook['id']}")
        assert page.locator("#deliveries tbody tr").count() > 0
        assert _sideways(page, "#deliveries") == []
        state = page.locator("#deliveries tbody tr").first.locator("td").nth(1)
        assert _label(state) == '"状态："'
        page.locator("#deliveries tbody tr th a").first.click()
        assert page.locator("#attempts tbody tr").count() > 0
        assert _sideways(page, "#attempts") == []
    finally:
        context.close()
