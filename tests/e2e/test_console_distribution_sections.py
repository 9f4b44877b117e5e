"""The distribution page in a browser: "Add a section" puts a part of the settings into
the text, every parameter at its default with what it means (js/modes.js, the zone
form's buttons), and the settings saved as they are have that part at its defaults;
the general keys (binding, overflow) go before the tables. On a phone in Chinese the
page is never wider than the screen, the parameters' reference open. Without scripts
the buttons stay hidden and the reference still shows each template to copy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.accessibility import low_contrast, unlabelled
from tests.e2e.conftest import PHONE, Server, new_context, sign_in

PAGE = "/console/config/distribution"


@pytest.fixture
def before(server: Server) -> Iterator[Any]:
    """The settings in force, put back after the test: the server is shared."""
    with server.owner() as api:
        settings = api.get("/v1/distribution").json()
    yield settings
    with server.owner() as api:
        assert api.put("/v1/distribution", json=settings or {}).status_code == 200


def saved(server: Server) -> Any:
    with server.owner() as api:
        return api.get("/v1/distribution").json()


def add(page: Page, button: str) -> None:
    add = page.get_by_role("button", name=button)
    expect(add).to_be_visible()
    add.click()
    expect(add).to_be_hidden()  # the section is in the text now: no button for it
    expect(page.locator("#f-distribution")).to_be_focused()


def test_a_section_added_with_its_button_is_saved_at_its_defaults(
    page: Page, server: Server, before: Any
) -> None:
    sign_in(page)
    page.goto(PAGE)
    text = page.locator("#f-distribution")
    text.fill("")
    add(page, "Add commission")
    assert text.input_value().startswith("[commission]  # commission\nrates = []  # The shares")
    add(page, "Add general settings")  # top-level keys: before the first table
    value = text.input_value()
    assert value.startswith('binding = "first_order"  # ')
    assert value.index("overflow = ") < value.index("[commission]")
    # typed by hand: its button goes too; taken out again: back
    text.fill(value + '\n[[dividends]]\nname = "stars"\nshare = "0.01"\n')
    expect(page.get_by_role("button", name="Add a dividend plan")).to_be_hidden()
    text.fill(value)
    expect(page.get_by_role("button", name="Add a dividend plan")).to_be_visible()
    add(page, "Add team reward")
    assert unlabelled(page) == [] and low_contrast(page) == []
    page.get_by_role("button", name="Check the change").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Distribution settings saved.")
    now = saved(server)
    assert (now["binding"], now["overflow"]) == ("first_order", "cut")
    assert now["commission"] == {
        "rates": [],
        "allow_deep": False,
        "pay_in": "cash",
        "promoter_after_purchase": False,
    }
    assert now["team"] == {"levels": [], "peer_share": None, "pay_in": "cash"}
    assert (now["recruiter"], now["agents"], now["dividends"]) == (None, None, [])
    # the page written back: a button for each section it has not, none for those it has
    page.goto(PAGE)
    expect(page.get_by_role("button", name="Add commission")).to_be_hidden()
    expect(page.get_by_role("button", name="Add general settings")).to_be_hidden()
    expect(page.get_by_role("button", name="Add regional agents")).to_be_visible()


def test_on_a_phone_in_chinese_the_page_fits_the_screen(
    browser: Browser, server: Server, before: Any
) -> None:
    context = new_context(browser, server, **PHONE)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto(f"/language/zh?next={PAGE}")
        page.get_by_text("参数说明", exact=True).click()  # the reference, open
        expect(page.locator("#template-dividends")).to_be_visible()
        expect(page.locator('[data-param="team_levels.performance"]')).to_contain_text("必填")
        width = page.evaluate("document.documentElement.clientWidth")
        assert width <= 390
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        for box in page.locator("#mode-guide table, #mode-guide pre, #mode-add").all():
            assert box.evaluate("b => b.getBoundingClientRect().right") <= width
        page.locator("#f-distribution").fill("")
        add(page, "添加分红方案")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.get_by_role("button", name="检查此项修改").click()
        page.get_by_role("button", name="保存", exact=True).click()
        expect(page.get_by_role("status").first).to_contain_text("分销设置已保存")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        [plan] = saved(server)["dividends"]
        assert plan == {
            "name": "dividend",
            "share": "0",
            "schedule": "daily",
            "min_level": 1,
            "split": "equal",
            "funding": "profit",
        }
    finally:
        context.close()


def test_without_scripts_the_reference_shows_the_templates(
    browser: Browser, server: Server
) -> None:
    context = new_context(browser, server, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto(PAGE)
        expect(page.locator("#mode-add")).to_be_hidden()
        page.get_by_text("Parameters", exact=True).click()
        expect(page.locator("#template-limits")).to_contain_text(
            "one_account_per_phone = false  # "
        )
    finally:
        context.close()
