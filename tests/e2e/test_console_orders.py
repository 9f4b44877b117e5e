"""The orders section in a browser, in English and Chinese: find an order by member and
by id, read its split and what it minted, reverse it with a reason (refused without
one, next to the field), and follow the order's link from the audit log."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.e2e.accessibility import low_contrast, unlabelled
from tests.e2e.conftest import Server, new_context, sign_in


def picked(page: Page) -> None:
    """The member field's picker offers the member by name (static/js/pick.js)."""
    page.get_by_label("Member id").fill("王五")
    expect(page.locator('#pick-o-member option[value="buyer-o"]')).to_have_count(1)


def test_an_order_is_found_read_and_reversed_with_a_reason(
    browser: Browser, server: Server
) -> None:
    with server.api() as api:
        if api.get("/v1/members/buyer-o").status_code == 404:
            assert (
                api.post("/v1/members", json={"id": "buyer-o", "name": "王五"}).status_code == 201
            )
        body = {"id": "rev-1", "member": "buyer-o", "amount": "880.00", "contribution": "264.00"}
        assert api.post("/v1/orders", json=body).status_code == 201
        assert api.post("/v1/orders/rev-1/pay").status_code == 200
        api.post("/v1/orders/rev-1/complete")
        order = api.get("/v1/orders/rev-1").json()
    assert order["status"] == "completed"
    minted = order["points"]["main"]

    context = new_context(browser, server)
    page = context.new_page()
    sign_in(page)
    page.get_by_role("link", name="Orders").click()
    picked(page)
    page.get_by_label("Member id").fill("buyer-o")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#orders-total")).to_have_text("1 orders found.")
    row = page.locator("#orders tbody tr")
    expect(row).to_contain_text("¥880.00")
    assert unlabelled(page) == [] and low_contrast(page) == []
    row.get_by_role("link", name="rev-1").click()
    expect(page.get_by_role("heading", name="Order rev-1", level=1)).to_be_visible()
    expect(page.locator("#order-lines")).to_contain_text("¥264.00")
    points = page.locator("#order-movements tr", has_text="member:buyer-o").filter(
        has_text=re.compile(r"PTS|points", re.I)
    )
    expect(points.first).to_be_visible()
    page.get_by_role("button", name="Reverse the order").click()
    expect(page.locator("#e-reason")).to_have_text("a reversal needs a reason")
    expect(page.get_by_label("Reason (kept in the audit log)")).to_have_attribute(
        "aria-invalid", "true"
    )
    page.get_by_label("Reason (kept in the audit log)").fill("退货：包装破损")
    page.get_by_role("button", name="Reverse the order").click()
    expect(page.get_by_role("status")).to_have_text("Order rev-1 was reversed.")
    expect(page.locator("#order-status")).to_have_text("reversed")
    expect(page.locator('#order-movements tr[data-cause="reverse"]').first).to_be_visible()
    with server.api() as api:
        assert api.get("/v1/orders/rev-1").json()["status"] == "reversed"
        logged = [a for a in api.get("/v1/audit-log").json() if a["action"] == "order.reversed"]
    assert [a["reason"] for a in logged if a["target"] == "order:rev-1"] == ["退货：包装破损"]
    assert minted != "0.0000"
    page.get_by_role("link", name="Audit log").click()
    page.get_by_role("link", name="order:rev-1").first.click()
    expect(page).to_have_url(re.compile(r"/console/orders/rev-1$"))

    page.get_by_role("link", name="中文").click()
    expect(page.get_by_role("heading", name="订单 rev-1", level=1)).to_be_visible()
    expect(page.locator("#order-status")).to_have_text("已冲正")
    page.get_by_role("link", name="返回订单列表").click()
    page.get_by_label("订单号（或其开头）").fill("rev-")
    page.get_by_role("button", name="查找").click()
    expect(page.locator("#orders-total")).to_have_text("共找到 1 笔订单。")
    context.close()
