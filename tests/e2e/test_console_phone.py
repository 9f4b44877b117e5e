"""The dashboard as a new user first sees it: on a phone (390 pixels) a page is as wide
as the screen, and a table wider than that scrolls inside its own box, not the whole
page sideways (the risk and solvency tables pushed their last column, 覆盖耗尽日 /
是否覆盖, off the screen); a chart of a few minutes' history labels its time axis
without repeating one label on every tick."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

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
        # a row a block on a phone, each cell a line named by its column: the day the cover
        # runs out on one line, not 覆/盖/耗/尽/日
        runs_out = page.locator("#risk-table tbody tr").first.locator("td").last
        said = runs_out.evaluate("td => getComputedStyle(td, '::before').content")
        assert said == ('"覆盖耗尽日："' if language == "zh" else '"Cover runs out: "'), said
        heading = runs_out.bounding_box()
        assert heading is not None and heading["height"] < 48
        for table in page.locator("main table").all():  # each table's box within the page
            box = table.evaluate("t => t.parentElement.getBoundingClientRect().right")
            assert box <= width, table.inner_text()[:80]
    finally:
        context.close()


def test_the_chart_of_a_pool_opened_minutes_ago_does_not_repeat_its_time_labels(
    page: Page, server: Server
) -> None:
    """A new pool's few orders all fall within a minute: the time axis labelled every
    tick with the same 05:06 (the demo's dashboard, as a new user first sees it)."""
    with server.owner() as owner:  # after "main" by its id: other tests see main first
        if owner.get("/v1/pools/spark").status_code == 404:
            assert owner.post("/v1/pools", json={"id": "spark"}).status_code == 201
    with server.api() as api:
        # a member of its own: one of the demo's (m3) holding points in a second pool gave
        # the member page two "Sell all" buttons, for tests/e2e/test_console.py after this
        made = api.post("/v1/members", json={"id": "spark-buyer"})
        assert made.status_code in (200, 201, 409), made.text
        for n in range(4):
            body = {"id": f"spark-{n}", "member": "spark-buyer", "amount": "100.00"}
            body["pool"] = "spark"
            assert api.post("/v1/orders", json={**body, "contribution": "30.00"}).status_code in (
                200,
                201,
            )
            api.post(f"/v1/orders/spark-{n}/pay")
    sign_in(page)
    page.goto("/console?pool=spark&refresh=60")
    chart = page.locator("#chart")
    expect(chart).to_have_attribute("data-axis", re.compile(r"\d"))
    labels = [label for label in (chart.get_attribute("data-axis") or "").split(" | ") if label]
    assert labels and len(set(labels)) == len(labels), labels


def test_the_configurations_lists_are_stacked_on_a_phone(browser: Browser, server: Server) -> None:
    """A store's row of six columns on a phone broke its name and the headings a character a
    line (兰/州/拉/面/馆, 名/称): each item is now a block and each field a line named by
    its column, as the users page does."""
    store = {"commission_rate": "0.20", "platform_rate": "0.02", "distribution_rate": "0.02"}
    with server.owner() as owner:
        made = owner.put("/v1/stores/lanzhou", json={**store, "name": "兰州拉面馆"})
        assert made.status_code in (200, 201)
    context = new_context(browser, server, **PHONE)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto("/language/zh?next=/console/config/stores")
        name = page.locator("tr", has_text="lanzhou").locator("td", has_text="兰州拉面馆")
        box = name.bounding_box()
        assert box is not None and box["height"] < 40, box  # one line, labelled 名称：
        assert name.evaluate("td => getComputedStyle(td, '::before').content") == '"名称："'
        width = page.evaluate("document.documentElement.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.goto("/console/config")
        fee = page.locator("tr", has_text="main").locator('td[data-label="回流比例："]')
        assert (fee.bounding_box() or {"height": 99})["height"] < 40
    finally:
        context.close()


def _held_withdrawals(server: Server) -> None:
    """Member ph-wd (a payee's long name, no payee record) with two withdrawals held."""
    with server.api() as api:
        if api.get("/v1/members/ph-wd").status_code == 200:
            return
        made = api.post("/v1/members", json={"id": "ph-wd", "name": "欧阳娜娜"})
        assert made.status_code == 201, made.text
        order = {"id": "ph-wd-o", "member": "ph-wd", "amount": "800.00", "contribution": "240.00"}
        assert api.post("/v1/orders", json=order).status_code == 201
        assert api.post("/v1/orders/ph-wd-o/pay").status_code == 200
        api.post("/v1/orders/ph-wd-o/complete")
        sale = {"id": "ph-wd-s", "points": "all"}
        assert api.post("/v1/members/ph-wd/sell", json=sale).status_code < 300
        for n in (1, 2):
            body = {"id": f"ph-wd-{n}", "amount": "10.00"}
            assert api.post("/v1/members/ph-wd/withdrawals", json=body).status_code < 300


def _sideways(page: Page, table: str) -> list[str]:
    """What scrolls sideways on the page: the document, or the table in its own box."""
    width = page.evaluate("document.documentElement.clientWidth")
    found = []
    if page.evaluate("document.documentElement.scrollWidth") > width:
        found.append(f"the page: {page.evaluate('document.documentElement.scrollWidth')} > {width}")
    box = page.locator(table).locator("xpath=..")
    inner, shown = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    if inner > shown:
        found.append(f"{table} in its box: {inner} > {shown}")
    return found


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_withdrawals_queue_and_the_risk_panel_fit_a_phone(
    browser: Browser, server: Server, language: str
) -> None:
    """The withdrawals queue (nine columns: the tick, the payee, three amounts, the status,
    the time, the buttons) and the risk panel (five) scrolled sideways on a phone, in their
    boxes: each row is now a block and each cell a line named by its column, as the users
    page and the configuration's lists do on a phone."""
    modes_history(server)  # zone club's union queue: a promise its reserve does not cover
    _held_withdrawals(server)
    context = new_context(browser, server, **PHONE)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto(f"/language/{language}?next=/console")
        assert page.locator("#risk-table tbody tr").count() > 0  # the risk panel is shown
        assert _sideways(page, "#risk-table") == []
        # the day's figures and the solvency table (pools and the modes' promises) too:
        # they scrolled sideways in their boxes (481 px in a 324 px box)
        for table in ("#today-table", "#solvency-table"):
            assert page.locator(f"{table} tbody tr").count() > 0, table
            assert _sideways(page, table) == [], table
        page.goto("/console/withdrawals?member=ph-wd&status=held")
        rows = page.locator("#withdrawals tbody tr")
        expect(rows).to_have_count(2)
        assert _sideways(page, "#withdrawals") == []
        payout = rows.first.locator("td.num").last
        label = payout.evaluate("td => getComputedStyle(td, '::before').content")
        assert label == ('"实付："' if language == "zh" else '"Payout: "'), label
        button = rows.first.get_by_role("button").first
        assert (button.bounding_box() or {"x": -1})["x"] >= 0  # the approve button on screen
    finally:
        context.close()
