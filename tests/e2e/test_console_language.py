"""What the service says, in the reader's language: a refused withdrawal on the member
page and the configuration lint's findings on the console, in Chinese (from the one
catalogue, i18n/zh.toml) and in English."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import PHONE, Server, new_context, sign_in

ZH = {"locale": "zh-CN", "extra_http_headers": {"Accept-Language": "zh-CN,zh;q=0.9"}}


def test_a_refused_withdrawal_is_explained_in_chinese_next_to_the_field(
    browser: Browser, server: Server
) -> None:
    with server.api() as api:
        if api.get("/v1/members/lang1").status_code == 404:
            assert api.post("/v1/members", json={"id": "lang1", "name": "李四"}).status_code == 201
            body = {
                "id": "lang-1",
                "member": "lang1",
                "amount": "1000.00",
                "contribution": "300.00",
            }
            assert api.post("/v1/orders", json=body).status_code == 201
            assert api.post("/v1/orders/lang-1/pay").status_code == 200
            sale = {"id": "lang-sale", "points": "all"}
            assert api.post("/v1/members/lang1/sell", json=sale).status_code < 300
        balance = api.get("/v1/members/lang1/wallet").json()["balance"]
        issued = api.post("/v1/members/lang1/page-token").json()
    too_much = "99999.00"
    for options, said in (
        (ZH, f"零钱余额只有 ¥{balance}"),
        ({}, f"the wallet holds {balance}"),
    ):
        context = new_context(browser, server, **PHONE, **options)
        page = context.new_page()
        page.goto(issued["url"])
        page.locator("#withdraw-amount").fill(too_much)
        page.locator("#withdraw-amount").press("Enter")
        error = page.locator("#withdraw-error")
        expect(error).to_contain_text(said)
        expect(page.locator("#withdraw-amount")).to_have_attribute("aria-invalid", "true")
        if options:
            expect(error).not_to_contain_text("wallet")
        context.close()
        with server.api() as api:  # a fresh token: the first was taken into a cookie
            issued = api.post("/v1/members/lang1/page-token").json()


def test_the_lint_speaks_chinese_in_the_chinese_console(browser: Browser, server: Server) -> None:
    context = new_context(browser, server)
    page = context.new_page()
    sign_in(page)
    page.get_by_role("link", name="中文").click()
    page.goto("/console/config/pools/main")
    page.locator("[name=mint_ratio]").fill("2")  # refused: the reason next to the field
    page.locator("button[value=check]").click()
    expect(page.locator("#e-mint_ratio")).to_contain_text(
        "必须小于 1（当前值：2）：达到 1 或以上时"
    )
    page.locator("[name=mint_ratio]").fill("0")
    page.locator("button[value=check]").click()
    findings = page.locator("#review li")
    expect(findings.filter(has_text="铸造比例为 0：买家得不到积分，积分池只增不减")).to_have_count(
        1
    )
    expect(findings.filter(has_text=re.compile("buyers get no points"))).to_have_count(0)
    page.get_by_role("link", name="English").click()
    page.goto("/console/config/pools/main")
    page.locator("[name=mint_ratio]").fill("0")
    page.locator("button[value=check]").click()
    expect(
        page.locator("#review li").filter(has_text="mint ratio 0: buyers get no points")
    ).to_have_count(1)
    context.close()


def test_the_chart_reads_in_the_tenants_zone_and_the_readers_date_format(
    browser: Browser, server: Server
) -> None:
    """The tenant counts its days in Asia/Shanghai (the default): the chart's axis, its
    summary and the legend write times there, with its offset, as each language writes
    a date; ratios read as percentages."""
    with server.api() as api:
        pool = api.get("/v1/pools/main").json()
    for language, date, mint in (
        ("中文", re.compile(r"20\d\d年\d{1,2}月\d{1,2}日 \d\d:\d\d UTC\+8"), "赠送比例 70%"),
        ("English", re.compile(r"20\d\d-\d\d-\d\d \d\d:\d\d UTC\+8"), "Mint ratio 70%"),
    ):
        context = new_context(browser, server)
        page = context.new_page()
        sign_in(page)
        if language == "中文":
            page.get_by_role("link", name=language).click()
        summary = page.locator("#chart-summary")
        expect(summary).to_contain_text(date)
        assert pool["params"]["mint_ratio"] == "0.7"
        expect(page.locator("#pool-heading + dl + p")).to_contain_text(mint)
        day = r"\d+月\d+日" if language == "中文" else r"\d\d-\d\d"
        ticks = re.compile(rf"^{day}( \| {day})+$")  # the canvas's labels, as text
        expect(page.locator("#chart")).to_have_attribute("data-axis", ticks)
        context.close()
