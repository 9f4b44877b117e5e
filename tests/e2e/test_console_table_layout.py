"""The withdrawals table at a desktop's width, in Chinese, with a withdrawal id as long as
the member page makes them (me-<32 hex>): the row's approve cell was `display: flex` (the
class `actions`), so it left the table's grid (its border stood apart from the row's) and
the two-character button and the status badge broke into one character a line (通/过,
待审/批)."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import Server, new_context, sign_in

LONG_ID = "me-" + "0123456789abcdef" * 2


def test_a_long_withdrawal_id_leaves_its_row_in_one_grid_and_its_words_whole(
    browser: Browser, server: Server
) -> None:
    with server.api() as api:
        if api.get("/v1/members/layout-m").status_code == 404:
            assert (
                api.post("/v1/members", json={"id": "layout-m", "name": "周九"}).status_code == 201
            )
            order = {"id": "layout-o", "member": "layout-m", "amount": "500.00"}
            assert (
                api.post("/v1/orders", json={**order, "contribution": "150.00"}).status_code == 201
            )
            assert api.post("/v1/orders/layout-o/pay").status_code == 200
            sale = {"id": "layout-s", "points": "all"}
            assert api.post("/v1/members/layout-m/sell", json=sale).status_code < 300
            body = {"id": LONG_ID, "amount": "10.00"}
            assert api.post("/v1/members/layout-m/withdrawals", json=body).status_code < 300
            approved = {"id": LONG_ID[:-1] + "x", "amount": "10.00"}  # its button is wider
            assert api.post("/v1/members/layout-m/withdrawals", json=approved).status_code < 300
            with server.owner() as owner:
                approve = f"/v1/withdrawals/{approved['id']}/approve"
                assert owner.post(approve).status_code == 200
    context = new_context(browser, server, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        sign_in(page)
        page.goto("/language/zh?next=/console/withdrawals%3Fmember%3Dlayout-m%26status%3Dall")
        row = page.locator("#withdrawals tbody tr").filter(has_text=LONG_ID)
        expect(row).to_have_count(1)
        cells = row.locator("> td, > th")
        tops = {round(cells.nth(n).bounding_box()["y"]) for n in range(cells.count())}
        bottoms = {
            round(box["y"] + box["height"])
            for box in (cells.nth(n).bounding_box() for n in range(cells.count()))
        }
        assert len(tops) == 1 and len(bottoms) == 1, (tops, bottoms)  # one grid row
        for word in (row.get_by_role("button", name=f"通过 {LONG_ID}"), row.locator(".badge")):
            for n in range(word.count()):
                box = word.nth(n).bounding_box()
                size = word.nth(n).evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
                assert box["height"] < 2.2 * size, (word.nth(n).inner_text(), box)  # one line
        # the table fits the desktop's width: the ids break, the last column's buttons
        # (标记已打款 too) are not pushed out of the box to be scrolled to
        wrap = page.locator("#withdrawals").locator("xpath=..")
        assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth"), wrap.evaluate(
            "e => [e.scrollWidth, e.clientWidth]"
        )
        paid = page.get_by_role("button", name=f"标记已打款：{LONG_ID[:-1]}x")
        expect(paid).to_be_visible()
        right = paid.bounding_box()
        assert right is not None and right["x"] + right["width"] <= 1280
    finally:
        context.close()
