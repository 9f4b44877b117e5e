"""The audit log on a phone (390 pixels): its columns are set for 1280 (52rem without the
change), so on a phone the change column got no width at all and each change was written
a character a line: a subscription's record was 4,000 pixels tall and the page scrolled
sideways as a whole; then it kept room for the change and scrolled in its box (1,056
pixels in 356). Each record is now a block and each cell a line named by its column
(`table.stacked`), the change as wide as the screen."""

from __future__ import annotations

from playwright.sync_api import Browser

from tests.e2e.conftest import PHONE, Server, new_context, sign_in
from tests.e2e.test_console_phone import _sideways


def test_the_audit_log_on_a_phone_is_stacked_with_room_for_the_change(
    browser: Browser, server: Server
) -> None:
    with server.owner() as owner:  # a record with a change of several fields
        hooks = owner.get("/v1/webhooks").json()
        if not any(h["url"] == "https://shop.example/audit-phone" for h in hooks):
            body = {"url": "https://shop.example/audit-phone", "event_types": ["order.*"]}
            assert owner.post("/v1/webhooks", json=body).status_code == 201
            made = owner.get("/v1/webhooks").json()
            extra = next(h for h in made if h["url"] == "https://shop.example/audit-phone")
            assert owner.delete(f"/v1/webhooks/{extra['id']}").status_code == 200
    context = new_context(browser, server, **PHONE)
    try:
        page = context.new_page()
        sign_in(page)
        page.goto("/console/audit")
        width = page.viewport_size["width"] if page.viewport_size else 390
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert _sideways(page, "#audit") == []  # nor in its box
        change = page.locator("#audit tbody tr").first.locator("td").nth(5)
        box = change.bounding_box()
        assert box is not None and box["width"] >= 300, box  # a change has the screen's width
        # this test's records (other tests' share the server: a zone saved whole with all
        # its modes is a long change, and may come first)
        rows = page.locator("#audit tbody tr", has_text="shop.example/audit-phone").all()
        assert rows
        for row in rows:
            height = row.bounding_box()["height"]
            assert height < 900, (height, row.inner_text()[:80])
    finally:
        context.close()
