"""The console's top bar on a 1280 px screen (a common laptop's): one line in English,
whose labels are the longest, as in Chinese; and a settings form with several wrong
values flags each one in the page's language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import Server, new_context, sign_in

ONE_LINE = 60  # px: the bar's links are about 30 px high, two lines twice that


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_top_bar_fits_on_one_line_at_1280_px(
    browser: Browser, server: Server, language: str
) -> None:
    context = new_context(browser, server, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(page)
    page.goto(f"/language/{language}?next=/console")
    expect(page.locator("html")).to_have_attribute("lang", "en" if language == "en" else "zh-CN")
    bar = page.locator("header.top")
    box = bar.bounding_box()
    assert box is not None and box["height"] < ONE_LINE, box
    tops = {round(b["y"]) for b in (bar.locator(s).bounding_box() for s in (".brand", ".who")) if b}
    assert len(tops) == 1, tops  # the brand and the user's part side by side
    context.close()


def test_a_chinese_form_flags_each_wrong_value_in_chinese(browser: Browser, server: Server) -> None:
    context = new_context(browser, server)
    page = context.new_page()
    sign_in(page)
    page.goto("/language/zh?next=/console/config/settings")
    wrong = {
        "withdrawals.minimum": "1e3",
        "withdrawals.fee_rate": "１０００",
        "withdrawals.fee_fixed": "",
        "completion_delay_days": "0.000001",
    }
    for name, value in wrong.items():
        page.locator(f'[name="{name}"]').fill(value)
    page.locator('form[action="/console/config/settings"] button[type=submit]').click()
    flagged = page.locator(".field-error")
    expect(flagged).to_have_count(3)  # an empty fee is its default, 0.00
    for n in range(3):
        assert re.search(r"[\u4e00-\u9fff]", flagged.nth(n).inner_text())
    expect(page.locator("main")).not_to_contain_text("Input should")
    with server.owner() as owner:  # nothing was saved
        assert owner.get("/v1/tenant").json()["settings"]["withdrawals"]["minimum"] == "1.00"
    context.close()
