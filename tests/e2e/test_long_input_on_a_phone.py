"""A long text pasted into a field (5,000 characters with no space) on a phone: the
refusal beside the field quotes what was typed, and the quote ran off the screen, the
page scrolling sideways (459 px in 390 for a subsidy's amount or the member page's
sale, 45,184 px for a webhook's event types, whose message repeats the whole
value). A refusal now breaks a word too long for its line."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PHONE, Server, new_context, sign_in
from tests.e2e.test_member_page import member_with_an_order, open_on_a_phone

PASTED = "x" * 5000


def _page_width(page: Page) -> tuple[int, int]:
    return page.evaluate(
        "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )


def test_a_long_refused_value_does_not_widen_a_phones_page(
    browser: Browser, server: Server
) -> None:
    context = new_context(browser, server, **PHONE)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto("/language/zh?next=/console/pools")
        form = page.locator('form[action="/console/pools/main/subsidy"]')
        form.locator('input[name="amount"]').fill(PASTED)
        form.get_by_role("button").click()
        expect(page.locator('[aria-invalid="true"][name="amount"]')).to_have_count(1)
        wide, shown = _page_width(page)
        assert wide <= shown, (wide, shown)

        page.goto("/console/webhooks")
        page.locator('input[name="url"]').fill("https://shop.example/long")
        page.locator('[name="event_types"]').fill(PASTED)
        page.locator('[name="event_types"]').press("Enter")
        expect(page.locator('[aria-invalid="true"][name="event_types"]')).to_have_count(1)
        wide, shown = _page_width(page)
        assert wide <= shown, (wide, shown)
    finally:
        context.close()

    with server.api() as api:
        url = member_with_an_order(api, "mp-long")
    page = open_on_a_phone(browser, server, "zh", url)
    try:
        page.get_by_label("卖出多少积分").fill(PASTED)
        page.get_by_role("button", name="看看能得多少").click()
        expect(page.get_by_label("卖出多少积分")).to_have_attribute("aria-invalid", "true")
        wide, shown = _page_width(page)
        assert wide <= shown, (wide, shown)
    finally:
        page.context.close()
