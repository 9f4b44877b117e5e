"""The audit log in a browser, in English and Chinese: filtered by what was done and
the object, each change shown as the fields that differ, before → after."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.e2e.accessibility import low_contrast, unlabelled
from tests.e2e.conftest import Server, new_context, sign_in


def test_the_audit_log_is_filtered_and_shows_what_changed(browser: Browser, server: Server) -> None:
    with server.owner() as owner:
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
    expect(rows.first).to_contain_text(action)
    change = rows.first.locator(".diff div", has_text="sell_fee")
    expect(change.locator("ins")).to_have_text(fee)
    expect(change.locator("del")).to_have_text(now)
    assert page.locator("#audit pre").count() == 0
    for n in range(rows.count()):
        expect(rows.nth(n)).to_contain_text(action)
    assert unlabelled(page) == [] and low_contrast(page) == []
    page.get_by_role("link", name="中文").click()
    expect(page.get_by_label("操作", exact=True)).to_have_value(action)  # the filter kept
    expect(page.locator("#audit tbody tr").first.locator("ins").first).to_be_visible()
    context.close()
