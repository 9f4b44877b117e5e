"""The audit log in a browser, in English and Chinese: filtered by what was done and
the object, each change shown as the fields that differ, before → after."""

from __future__ import annotations

from playwright.sync_api import Browser, FloatRect, Page, expect

from tests.e2e.accessibility import low_contrast, unlabelled
from tests.e2e.conftest import Server, new_context, sign_in
from zengzhi.i18n import catalogue


def _boxes(page: Page, selector: str) -> list[FloatRect]:
    found = [cell.bounding_box() for cell in page.locator(selector).all()]
    return [box for box in found if box is not None]


def test_the_audit_log_is_filtered_and_shows_what_changed(browser: Browser, server: Server) -> None:
    with server.api() as api:  # the key's records: a long actor, a sale's four fields
        sold = api.post("/v1/members/m9/sell", json={"id": "audit-sale", "points": "1"})
        asked = api.post("/v1/members/m9/withdrawals", json={"id": "audit-w", "amount": "1.00"})
        assert sold.status_code in (200, 201, 409) and asked.status_code in (201, 409)
        for member in ("audit-a", "audit-b"):  # a reason of one unbroken 304-character word
            api.post("/v1/members", json={"id": member, "name": member})
    with server.owner() as owner:
        moved = {"referrer": "audit-b", "reason": "RMA-" + "0123456789" * 30}
        assert owner.put("/v1/members/audit-a/referrer", json=moved).status_code == 200
        now = owner.get("/v1/pools/main").json()["params"]["sell_fee"]
        fee = "0.15" if now != "0.15" else "0.2"
        assert owner.patch("/v1/pools/main", json={"sell_fee": fee}).status_code == 200
        logged = owner.get("/v1/audit-log").json()
    action = next(a["action"] for a in logged if a["target"] == "pool:main")

    context = new_context(browser, server)
    page = context.new_page()
    sign_in(page)
    page.get_by_role("link", name="Audit log").click()
    page.get_by_label("What").select_option(action)
    page.get_by_label("On (the object, or its start)").fill("pool:main")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#audit tbody tr")
    words = catalogue("en")[f"audit_action.{action}"]  # the action in words, not its name
    expect(rows.first.locator("td[data-action]")).to_have_text(words)
    expect(page.get_by_label("What").locator("option:checked")).to_have_text(words)
    # the field by its label on the pool's form, the stored name in data-field
    change = rows.first.locator('.diff div:has(dt[data-field$="sell_fee"])')
    expect(change.locator("dt")).to_have_text(catalogue("en")["pool_field.sell_fee"])
    expect(change.locator("ins")).to_have_text(fee)
    expect(change.locator("del")).to_have_text(now)
    assert page.locator("#audit pre").count() == 0
    for n in range(rows.count()):
        expect(rows.nth(n).locator("td[data-action]")).to_have_attribute("data-action", action)
    assert rows.first.locator("td[data-action]").inner_text() != action
    assert unlabelled(page) == [] and low_contrast(page) == []
    page.get_by_role("link", name="中文").click()
    expect(page.get_by_label("操作", exact=True)).to_have_value(action)  # the filter kept
    expect(page.locator("#audit tbody tr").first.locator("ins").first).to_be_visible()
    chinese = catalogue("zh")[f"audit_action.{action}"]
    expect(page.locator("#audit tbody tr").first.locator("td[data-action]")).to_have_text(chinese)
    expect(page.get_by_label("操作", exact=True).locator("option:checked")).to_have_text(chinese)
    # the table fits a 1280-pixel screen: nothing cut off at its right edge
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/console/audit")  # every action: API keys' ids, sales, long changes
    table = page.locator("#audit").bounding_box()
    main = page.locator("main").bounding_box()
    assert table is not None and main is not None
    assert table["x"] + table["width"] <= main["x"] + main["width"] + 1
    heights = {round(box["height"]) for box in _boxes(page, "#audit thead th")}
    assert len(heights) == 1, heights  # every heading on one line: none squeezed
    for cell in page.locator("#audit td:nth-child(2)").all():  # each time on one line
        assert cell.evaluate("c => c.scrollWidth <= c.clientWidth"), cell.inner_text()

    context.close()
