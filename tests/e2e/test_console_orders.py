"""The orders section in a browser, in English and Chinese: find an order by member and
by id, read its split and what it minted, reverse it with a reason (refused without
one, next to the field), and follow the order's link from the audit log."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Browser, Page, expect

from tests.e2e.accessibility import low_contrast, unlabelled
from tests.e2e.conftest import Server, new_context, sign_in


def picked(page: Page) -> None:
    """The member field's picker offers the member by name (static/js/pick.js)."""
    field = page.get_by_label("Member id")
    # typed before the page's script has set up the picker, the typing asks nothing
    expect(field).to_have_attribute("list", "pick-o-member")
    field.fill("王五")
    # the list comes from the server after the typing pauses: a loaded machine takes seconds
    offered = page.locator('#pick-o-member option[value="buyer-o"]')
    expect(offered).to_have_count(1, timeout=20_000)


def accounts_in_words(page: Page, points: str, profit: str, asset: str) -> None:
    """An order's movements name their accounts and the points they count in words
    (i18n/accounts.py, Translator.asset), the stored names kept in data-account and
    data-asset: never `platform:…`, `member:…` or `PTS:…` as text."""
    held = page.locator('#order-movements td[data-account="member:buyer-o:points:main"]')
    expect(held.first).to_have_text(points)
    kept = page.locator('#order-movements td[data-account="platform:profit"]')
    expect(kept.first).to_have_text(profit)
    shown = page.locator("#order-movements td[data-account]").all_inner_texts()
    assert not [text for text in shown if text.startswith(("platform:", "member:", "pool:"))]
    expect(page.locator('#order-movements [data-asset="PTS:main"]').first).to_have_text(asset)
    assert "PTS:" not in page.locator("#order-movements").inner_text()


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
    assert order["points"]["main"] != "0.0000"  # it minted points

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
    accounts_in_words(page, "buyer-o's points in main", "platform profit", "points (main)")
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
    page.get_by_role("link", name="Audit log").click()
    expect(page.locator('#audit td[data-action="order.reversed"]').first).to_have_text(
        "order reversed"
    )  # the action in words
    page.get_by_role("link", name="order rev-1").first.click()  # the object in words
    expect(page).to_have_url(re.compile(r"/console/orders/rev-1$"))

    page.get_by_role("link", name="中文").click()
    expect(page.get_by_role("heading", name="订单 rev-1", level=1)).to_be_visible()
    accounts_in_words(page, "会员 buyer-o 在 main 的积分", "平台利润", "积分（main）")
    expect(page.locator("#order-status")).to_have_text("已冲正")
    page.get_by_role("link", name="返回订单列表").click()
    page.get_by_label("订单号（或其开头）").fill("rev-")
    page.get_by_role("button", name="查找").click()
    expect(page.locator("#orders-total")).to_have_text("共找到 1 笔订单。")
    context.close()


def test_the_store_filter_picks_a_store_and_days_are_typed_year_first(
    browser: Browser, server: Server
) -> None:
    """The orders' store filter offers the stores a typed text finds, by name (中文 or
    English); the day filters read yyyy-mm-dd, shown as 年-月-日 in Chinese whatever the
    browser's locale (a date input would show an English Chromium's mm/dd/yyyy)."""
    rates = {"commission_rate": "0.20", "platform_rate": "0.02", "distribution_rate": "0.02"}
    with server.owner() as owner:
        for store, name in (("noodle-e", "东门拉面馆"), ("tea-e", "West Tea House")):
            assert owner.put(f"/v1/stores/{store}", json={**rates, "name": name}).is_success
    with server.api() as api:
        if api.get("/v1/members/buyer-s").status_code == 404:
            assert api.post("/v1/members", json={"id": "buyer-s"}).status_code == 201
        body = {"id": "store-1", "member": "buyer-s", "amount": "50.00", "store": "noodle-e"}
        if api.get("/v1/orders/store-1").status_code == 404:
            assert api.post("/v1/orders", json=body).status_code == 201
    context = new_context(browser, server)  # an English browser (en-US)
    page = context.new_page()
    sign_in(page)
    page.goto("/console/orders")
    store = page.get_by_label("Store id")
    store.fill("tea")
    expect(page.locator('#pick-o-store option[value="tea-e"]')).to_have_attribute(
        "label", "tea-e · West Tea House"
    )
    store.fill("拉面")
    expect(page.locator('#pick-o-store option[value="noodle-e"]')).to_have_count(1)
    store.fill("noodle-e")
    since = page.get_by_label("Placed from (day)")
    expect(since).to_have_attribute("placeholder", "yyyy-mm-dd")
    assert since.get_attribute("type") == "text"
    today = datetime.now(UTC).date()
    since.fill((today - timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Find").click()
    expect(page.locator("#orders tbody tr", has_text="store-1")).to_have_count(1)
    expect(page.get_by_label("Placed from (day)")).to_have_value(
        (today - timedelta(days=2)).isoformat()
    )
    assert unlabelled(page) == [] and low_contrast(page) == []

    page.get_by_role("link", name="中文").click()
    since = page.get_by_label("下单日期从")
    expect(since).to_have_attribute("placeholder", "年-月-日")
    expect(since).to_have_value((today - timedelta(days=2)).isoformat())  # 年-月-日 order
    for path, label in (
        ("/console/members", "注册日期从"),
        ("/console/withdrawals", "申请日期从"),
        ("/console/audit", "日期从"),
    ):
        page.goto(path)
        field = page.get_by_label(label, exact=True)
        expect(field).to_have_attribute("placeholder", "年-月-日")
        assert field.get_attribute("type") == "text" and field.get_attribute("data-day") == ""
    page.goto("/console/orders")
    store = page.get_by_label("门店编号")
    store.fill("东门")
    expect(page.locator('#pick-o-store option[value="noodle-e"]')).to_have_attribute(
        "label", "noodle-e · 东门拉面馆"
    )
    context.close()
