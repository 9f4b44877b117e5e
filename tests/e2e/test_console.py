"""The console and the member page in a browser: sign in, create a product, a store
edited after its check (Save refused, checked again, then saved), place orders through
the API and watch the dashboard's price move, sell points on the member page,
approve and pay the withdrawal; labels, keyboard and contrast on every main page."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.e2e.accessibility import low_contrast, tab_through, unlabelled
from tests.e2e.conftest import PASSWORD, PHONE, TENANT, Server, new_context, sign_in
from zengzhi.i18n.format import money


def test_sign_in_refuses_a_wrong_password_and_works_from_the_keyboard(page: Page) -> None:
    page.goto("/console/withdrawals")
    expect(page).to_have_url(re.compile(r"/console/login\?next=/console/withdrawals"))
    assert unlabelled(page) == []
    page.get_by_label("Platform (tenant id)").fill(TENANT)
    page.get_by_label("User name").fill("owner")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("unknown tenant, user or password")
    expect(page.get_by_label("User name")).to_have_value("owner")  # kept; the password not
    expect(page.get_by_label("Password")).to_have_value("")
    # now with the keyboard only: the skip link first, then the fields in order
    reached = tab_through(page, 1)
    assert reached[0]["text"] == "Skip to the content"
    page.get_by_label("Password").focus()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/console/withdrawals$"))
    expect(page.get_by_role("heading", name="Withdrawals", level=1)).to_be_visible()


def test_a_product_is_refused_with_the_reason_next_to_the_field_then_created(
    page: Page, server: Server
) -> None:
    sign_in(page)
    page.get_by_role("link", name="Configuration").click()
    page.get_by_role("link", name="Products").click()
    page.get_by_role("link", name="New product").click()
    page.get_by_label("Id").fill("gift")
    page.get_by_label("Name").fill("Health gift box")
    page.get_by_label("Price (yuan)").fill("1000.00")
    page.get_by_label("Cost (yuan or share, e.g. 30%)").fill("300.00")
    page.get_by_label("Contribution to the pool (yuan or share)").fill("800.00")
    page.get_by_label("Pool", exact=True).fill("main")
    expect(page.get_by_role("button", name="Save")).to_have_count(0)  # check first
    page.get_by_role("button", name="Check the change").click()  # refused as Save would be
    price = page.get_by_label("Price (yuan)")
    expect(price).to_have_attribute("aria-invalid", "true")
    message = page.locator("#e-price")
    expect(message).to_contain_text("not the price 1000.00")
    expect(page.get_by_role("button", name="Save")).to_have_count(0)  # nothing to save
    expect(price).to_have_attribute("aria-describedby", "e-price")
    expect(page.get_by_label("Contribution to the pool (yuan or share)")).to_have_value("800.00")
    with server.api() as api:  # nothing was saved
        assert api.get("/v1/products/gift").status_code == 404
    page.get_by_label("Contribution to the pool (yuan or share)").fill("700.00")
    page.get_by_role("button", name="Check the change").click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved gift")
    expect(page.get_by_role("link", name="gift")).to_be_visible()
    with server.api() as api:
        saved = api.get("/v1/products/gift").json()
    assert (saved["price"], saved["contribution"], saved["pool"]) == ("1000.00", "700.00", "main")


def test_a_change_edited_after_its_check_is_not_saved_until_checked_again(
    page: Page, server: Server
) -> None:
    sign_in(page)
    page.goto("/console/config/stores/new")
    page.get_by_label("Id", exact=True).fill("noodles")
    rate = page.get_by_label("Commission rate")
    rate.fill("0.20")
    page.get_by_role("button", name="Check the change").click()
    expect(page.get_by_role("heading", name="What the configuration lint finds")).to_be_visible()
    page.get_by_label("Commission rate").fill("0.25")  # edited after the check
    page.get_by_role("button", name="Save").click()
    notice = page.locator("#unchecked")
    expect(notice).to_contain_text("The change was edited after it was checked")
    expect(notice).to_have_attribute("role", "alert")
    expect(page.get_by_label("Commission rate")).to_have_value("0.25")
    expect(page.get_by_role("heading", name="What the configuration lint finds")).to_be_visible()
    with server.api() as api:  # nothing was saved
        assert api.get("/v1/stores/noodles").status_code == 404
    assert unlabelled(page) == [] and low_contrast(page) == []
    page.get_by_role("button", name="Save").click()  # the review of 0.25 offers its Save
    expect(page.get_by_role("status")).to_contain_text("Saved noodles")
    with server.api() as api:
        assert api.get("/v1/stores/noodles").json()["commission_rate"] == "0.25"


def test_orders_placed_through_the_api_move_the_price_on_the_dashboard(
    page: Page, server: Server
) -> None:
    sign_in(page)
    page.goto("/console?refresh=1")
    price = page.locator("#fig-price")
    with server.api() as api:
        before = api.get("/v1/pools/main").json()["price"]
        expect(price).to_have_text(money(before))  # ¥ a point, grouped as every amount
        if api.get("/v1/products/gift").status_code == 404:  # this test may run alone
            with server.owner() as owner:  # the shop's key may not change the catalogue
                created = owner.put(
                    "/v1/products/gift",
                    json={
                        "price": "1000.00",
                        "contribution": "700.00",
                        "cost": "300.00",
                        "pool": "main",
                    },
                )
                assert created.status_code == 200, created.text
        for n in range(3):
            body = {"id": f"dash-{n}", "member": "m2", "product": "gift"}
            assert api.post("/v1/orders", json=body).status_code == 201
            assert api.post(f"/v1/orders/dash-{n}/pay").json()["status"] == "completed"
        after = api.get("/v1/pools/main").json()
    assert after["price"] != before
    expect(price).to_have_text(money(after["price"]), timeout=15_000)  # refreshed, no reload
    expect(page.locator("#fig-balance")).to_have_text(
        f"¥{after['balance']}".replace(
            after["balance"].split(".")[0], f"{int(after['balance'].split('.')[0]):,}"
        )
    )
    expect(page.locator("[data-figure='activity.orders.count']")).not_to_have_text("0")
    # the chart: hover shows the figures at a moment; the range buttons work by keyboard.
    # Each refresh draws the chart anew, and at one a second a redraw between finding the
    # chart and moving over it failed the test now and then: read it from a page that
    # refreshes once a minute
    page.goto("/console?refresh=60")
    chart = page.locator("#chart .u-over")
    # in view first: the mouse moves within the window (a dashboard with zones' promises,
    # which another test may have made, puts the chart below it)
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2)
    legend = page.locator("#chart .u-legend .u-series").nth(1)
    expect(legend).to_contain_text(re.compile(r"\d+\.\d{4} \(Pool cash ¥[\d,]+\.\d\d, Points"))
    week = page.get_by_role("button", name="7 days")
    week.focus()
    page.keyboard.press("Enter")
    expect(week).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#chart-summary")).to_contain_text(after["price"])


def test_a_member_sells_points_on_the_member_page_and_asks_for_a_withdrawal(
    browser: Browser, server: Server
) -> None:
    with server.api() as api:
        api.post(
            "/v1/orders",
            json={"id": "mp-1", "member": "m3", "amount": "1000.00", "contribution": "300.00"},
        )
        api.post("/v1/orders/mp-1/pay")
        issued = api.post("/v1/members/m3/page-token").json()
        quote = api.post(
            "/v1/me/sell/quote",
            json={"points": "all"},
            headers={"Authorization": f"Bearer {issued['token']}"},
        ).json()
    context = new_context(browser, server, **PHONE)
    page = context.new_page()
    page.goto(issued["url"])
    expect(page).to_have_url(re.compile(r"/m$"))  # the token left the address bar
    expect(page.get_by_role("heading", name="Hello, 李娜")).to_be_visible()  # m3
    assert unlabelled(page) == []
    page.get_by_role("button", name="Sell all of them").click()
    expect(page.get_by_role("heading", name="Confirm your sale")).to_be_visible()
    expect(page.locator("#payout")).to_have_text(f"¥{quote['payout']}")
    page.get_by_role("button", name=re.compile("Sell and receive")).click()
    expect(page.get_by_role("status")).to_contain_text(f"Sold: ¥{quote['payout']}")
    expect(page.locator("#wallet-heading + .big")).to_have_text(f"¥{quote['payout']}")
    page.get_by_label("Amount to withdraw (yuan)").fill("50.00")
    page.get_by_role("button", name="See the fee").click()
    expect(page.get_by_role("heading", name="Confirm your withdrawal")).to_be_visible()
    page.get_by_role("button", name="Withdraw ¥50.00").click()
    expect(page.get_by_role("status")).to_contain_text("Withdrawal of ¥50.00 requested")
    expect(page.get_by_text("waiting for approval")).to_be_visible()
    expect(page.get_by_role("button", name="Sell all of them")).to_have_count(0)  # none left
    context.close()
    with server.api() as api:
        wallet = api.get("/v1/members/m3/wallet").json()
        held = api.get("/v1/withdrawals", params={"member": "m3"}).json()
    assert wallet["withdrawing"] == "50.00"
    assert [w["status"] for w in held] == ["held"]


def test_finance_approves_and_pays_the_withdrawal_a_viewer_cannot(
    browser: Browser, server: Server
) -> None:
    with server.api() as api:
        if not api.get("/v1/withdrawals", params={"member": "m3"}).json():
            api.post(
                "/v1/orders",
                json={"id": "fin-1", "member": "m3", "amount": "1000.00", "contribution": "300.00"},
            )
            api.post("/v1/orders/fin-1/pay")
            api.post("/v1/members/m3/sell", json={"id": "fin-s", "points": "all"})
            api.post("/v1/members/m3/withdrawals", json={"id": "fin-w", "amount": "50.00"})
        [withdrawal] = api.get("/v1/withdrawals", params={"member": "m3"}).json()
    viewer = new_context(browser, server).new_page()
    sign_in(viewer, "victor")
    viewer.goto("/console/withdrawals")
    expect(viewer.get_by_role("row", name=re.compile(withdrawal["id"]))).to_be_visible()
    expect(viewer.get_by_role("button", name="Approve")).to_have_count(0)
    viewer.context.close()

    page = new_context(browser, server).new_page()
    sign_in(page, "fiona")
    page.get_by_role("link", name="Withdrawals").click()
    row = page.get_by_role("row", name=re.compile(withdrawal["id"]))
    row.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text(f"Withdrawal {withdrawal['id']} approved")
    page.get_by_role("link", name="approved").click()
    page.get_by_role("row", name=re.compile(withdrawal["id"])).get_by_role(
        "button", name="Mark paid"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("marked paid")
    page.context.close()
    with server.api() as api:
        done = api.get(f"/v1/withdrawals/{withdrawal['id']}").json()
        wallet = api.get("/v1/members/m3/wallet").json()
    assert done["status"] == "paid" and done["decided_by"] == "user:fiona"
    assert wallet["withdrawing"] == "0.00"


MAIN_PAGES = [
    "/console",
    "/console/config",
    "/console/config/products/new",
    "/console/config/settings",
    "/console/config/distribution",
    "/console/config/payments",
    "/console/config/zones/new",
    "/console/members",
    "/console/members/m1",
    "/console/withdrawals?status=all",
    "/console/pools",
    "/console/webhooks",
    "/console/audit",
    "/console/simulations",
]


def test_every_main_page_is_labelled_readable_and_keyboard_reachable(page: Page) -> None:
    sign_in(page)
    for path in MAIN_PAGES:
        page.goto(path)
        assert unlabelled(page) == [], path
        assert low_contrast(page) == [], path
    page.goto("/console/members")
    reached = tab_through(page, 16)
    hrefs = [one["href"] for one in reached]
    sections = ("/console", "/console/config", "/console/withdrawals", "/console/webhooks")
    for section in (*sections, "/console/audit"):
        assert section in hrefs, (section, hrefs)
    assert all(one["outline"] != "none" and one["outlineWidth"] >= 2 for one in reached)
    search = page.get_by_label("Search id, name or phone")
    search.focus()
    page.keyboard.type("m1")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="m1", exact=True)).to_be_visible()


def test_the_language_follows_the_browser_and_the_switch(browser: Browser, server: Server) -> None:
    context = browser.new_context(
        base_url=server.url,
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
    )
    page = context.new_page()
    page.goto("/console/login")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_role("link", name="中文").click()
    expect(page.get_by_label("用户名")).to_be_visible()
    context.close()


SMALL = """name = "A small month"
[simulation]
days = 30
[tenant.pool]
exit_multiple = "1.2"
[flow]
orders_per_day = 20
"""


def test_a_scenario_is_checked_run_and_its_report_shown(page: Page) -> None:
    sign_in(page)
    page.get_by_role("link", name="Simulations").click()
    expect(page.get_by_label("A shipped scenario")).to_contain_text("seeds-product-split.toml")
    upload = page.get_by_label("Or upload a scenario (TOML)")
    bad = SMALL.replace("days = 30", "days = 0")
    upload.set_input_files({"name": "bad.toml", "mimeType": "text/plain", "buffer": bad.encode()})
    page.get_by_role("button", name="Run it").click()
    expect(page.locator("#e-upload")).to_contain_text("simulation.days")
    upload = page.get_by_label("Or upload a scenario (TOML)")
    upload.set_input_files(
        {"name": "small.toml", "mimeType": "text/plain", "buffer": SMALL.encode()}
    )
    page.get_by_role("button", name="Run it").click()
    expect(page.get_by_role("heading", name="A small month")).to_be_visible()
    expect(page.get_by_role("link", name="Open the full report")).to_be_visible(timeout=60_000)
    # each chart named in words, not by its file ("cohorts", "coverage" on a Chinese page)
    expect(page.get_by_role("img", name="Chart: point price")).to_be_visible()
    expect(page.locator("figcaption", has_text="pool and exit promises")).to_be_visible()
    expect(page.locator("figcaption", has_text=re.compile("^coverage$"))).to_have_count(0)
    page.get_by_role("link", name="Open the full report").click()
    expect(page.get_by_role("heading", name="What the results say")).to_be_visible()
