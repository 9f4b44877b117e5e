"""The console on a phone (390 pixels): a page is as wide as the screen, and a table
wider than that scrolls inside its own box, not the whole page sideways (the dashboard's
risk and solvency tables pushed their last column, 覆盖耗尽日 / 是否覆盖, off the screen)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.e2e.conftest import PHONE, Server, modes_history, new_context, sign_in


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_dashboard_with_a_shortfall_fits_a_phone(
    browser: Browser, server: Server, language: str
) -> None:
    modes_history(server)  # zone club's union queue: a promise its reserve does not cover
    context = new_context(browser, server, **PHONE)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto(f"/language/{language}?next=/console")
        assert page.locator("#risk-table tbody tr").count() > 0  # the risk panel is shown
        width = page.evaluate("document.documentElement.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for table in page.locator("main table").all():  # each table's box within the page
            box = table.evaluate("t => t.parentElement.getBoundingClientRect().right")
            assert box <= width, table.inner_text()[:80]
    finally:
        context.close()
