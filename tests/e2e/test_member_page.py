"""The member page on a phone, in Chinese and English: the pool by the name the platform
gave it, no exit sentence for a pool the member holds nothing in, times without "UTC+8",
a refused amount's reason beside its field and on screen, the platform's name on every
page, ¥ on amounts and the fee as a percentage, and a background to the bottom."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PHONE, Server, new_context
from zengzhi.i18n.format import percent

POOL_NAME = {"en": "Shopping points", "zh": "购物积分"}
TEXT = {
    "en": {
        "heading": "Your points in {pool}",
        "none_held": "You hold no points here now",
        "exit": "When the price reaches",
        "amount": "Amount to withdraw (yuan)",
        "see_fee": "See the fee",
        "sell_all": "Sell all of them",
        "confirm": "Confirm your sale",
        "all_history": "See everything",
    },
    "zh": {
        "heading": "您在{pool}的积分",  # no spaces around a Chinese name
        "none_held": "您目前在这里没有积分",
        "exit": "当价格达到",
        "amount": "提现金额（元）",
        "see_fee": "查看手续费",
        "sell_all": "全部卖出",
        "confirm": "确认卖出",
        "all_history": "查看全部",
    },
}


def name_the_pool(server: Server, language: str) -> None:
    with server.owner() as owner:
        settings = owner.get("/v1/tenant").json()["settings"]
        settings["member_page"]["pool_names"] = {"main": POOL_NAME[language]}
        assert owner.put("/v1/tenant/settings", json=settings).status_code == 200


def member_with_an_order(api: httpx.Client, member: str) -> str:
    """A new member with a paid order of ¥1,000: points in pool main. Their page's URL."""
    assert api.post("/v1/members", json={"id": member, "name": member}).status_code == 201
    order = {"id": f"{member}-o", "member": member, "amount": "1000.00", "contribution": "300.00"}
    assert api.post("/v1/orders", json=order).status_code == 201
    assert api.post(f"/v1/orders/{order['id']}/pay").status_code == 200
    url: str = api.post(f"/v1/members/{member}/page-token").json()["url"]
    return url


def open_on_a_phone(browser: Browser, server: Server, language: str, url: str) -> Page:
    context = new_context(browser, server, **PHONE)
    context.add_cookies([{"name": "zz_lang", "value": language, "url": server.url}])
    page = context.new_page()
    page.goto(url)
    expect(page).to_have_url(re.compile(r"/m$"))
    return page


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_member_who_sold_everything_reads_names_local_times_and_errors_in_view(
    browser: Browser, server: Server, language: str
) -> None:
    text = TEXT[language]
    name_the_pool(server, language)
    member = f"mp-sold-{language}"
    with server.api() as api:
        url = member_with_an_order(api, member)
        sold = api.post(f"/v1/members/{member}/sell", json={"id": f"{member}-s", "points": "all"})
        assert sold.status_code == 200, sold.text
        wallet = api.get(f"/v1/members/{member}/wallet").json()["balance"]
    page = open_on_a_phone(browser, server, language, url)

    heading = text["heading"].format(pool=POOL_NAME[language])
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("main ")  # the pool's id is not shown
    expect(page.get_by_text(text["none_held"])).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(text["exit"])
    expect(page.locator("header.member-top")).to_contain_text("Acme Mall")
    expect(page.locator("#wallet-heading + .big")).to_have_text(f"¥{wallet}")
    # the sale's time is the tenant's local time, written without its offset
    history = page.locator("#history-heading ~ ul").first
    written = {"zh": r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", "en": r"\d{4}-\d\d-\d\d \d\d:\d\d"}
    expect(history).to_contain_text(re.compile(written[language]))  # as the reader writes a date
    assert "UTC" not in page.locator("main").inner_text()

    # more than the wallet holds: the reason is beside the field, on the phone's screen
    page.get_by_label(text["amount"]).fill("999999.00")
    page.get_by_role("button", name=text["see_fee"]).click()
    error = page.locator("#withdraw-error")
    expect(error).to_be_visible()
    expect(error).to_be_in_viewport()
    expect(page.get_by_label(text["amount"])).to_have_attribute("aria-invalid", "true")

    # every page names the platform; a short page's background still reaches the bottom
    page.get_by_role("link", name=text["all_history"]).click()
    expect(page.locator("header.member-top")).to_contain_text("Acme Mall")
    assert "UTC" not in page.locator("main").inner_text()
    height = page.evaluate("document.body.getBoundingClientRect().height")
    assert height >= 844
    colours = page.evaluate(
        "[getComputedStyle(document.documentElement).backgroundColor,"
        " getComputedStyle(document.body).backgroundColor]"
    )
    assert colours[0] == colours[1]
    page.context.close()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_member_holding_points_sees_the_exit_the_fee_in_percent_and_the_name_on_the_quote(
    browser: Browser, server: Server, language: str
) -> None:
    text = TEXT[language]
    name_the_pool(server, language)
    member = f"mp-held-{language}"
    with server.api() as api:
        url = member_with_an_order(api, member)
        fee = api.get("/v1/pools/main").json()["params"]["sell_fee"]
    page = open_on_a_phone(browser, server, language, url)
    section = page.locator(
        "section",
        has=page.get_by_role("heading", name=text["heading"].format(pool=POOL_NAME[language])),
    )
    expect(section).to_contain_text(text["exit"])
    expect(section).to_contain_text(
        f"（{percent(fee)}）" if language == "zh" else f"({percent(fee)})"
    )
    expect(section).not_to_contain_text(text["none_held"])
    page.get_by_role("button", name=text["sell_all"]).click()
    expect(page.get_by_role("heading", name=text["confirm"])).to_be_visible()
    expect(page.locator("header.member-top")).to_contain_text("Acme Mall")
    expect(page.locator("#payout")).to_have_text(re.compile(r"^¥[\d,]+\.\d\d$"))
    page.context.close()
