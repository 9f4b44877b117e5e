"""The member page's referral places (推三返一) in a browser, in Chinese, on a phone
(390 px) and a desktop (1280 px): the places as lines that fit the screen, the amounts
with ¥ and thousands separators, and a place a refunded purchase emptied said so.
Screenshots go to ZENGZHI_SCREENSHOTS when it is set (as tests/e2e/test_screenshots.py's)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import PHONE, Server, new_context

WIDE = {"viewport": {"width": 1280, "height": 900}}


def referrer_page(server: Server) -> str:
    """r3-a buys the 12,000 package of zone r3; r3-b and r3-c, r3-a's referees, take
    places 1 and 2; r3-c's order is reversed. r3-a's page URL."""
    with server.owner() as owner:
        modes = {"modes": {"refer_three": {"funding": "0.30"}}}
        assert owner.put("/v1/zones/r3", json=modes).status_code == 200
        product = {"price": "12000.00", "platform": "12000.00", "zone": "r3"}
        assert owner.put("/v1/products/r3-package", json=product).status_code == 200
    with server.api() as api:
        for member, referrer in (("r3-a", None), ("r3-b", "r3-a"), ("r3-c", "r3-a")):
            body = {"id": member, "name": member} | ({"referrer": referrer} if referrer else {})
            assert api.post("/v1/members", json=body).status_code == 201
            order = {"id": f"{member}-o", "member": member, "product": "r3-package"}
            assert api.post("/v1/orders", json=order).status_code == 201
            assert api.post(f"/v1/orders/{member}-o/pay").status_code == 200
        assert api.post("/v1/orders/r3-c-o/reverse").status_code == 200
        url: str = api.post("/v1/members/r3-a/page-token").json()["url"]
    return url


def test_the_referral_places_read_on_a_phone_and_a_desktop_in_chinese(
    browser: Browser, server: Server, tmp_path: Path
) -> None:
    folder = Path(os.environ.get("ZENGZHI_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    url = referrer_page(server)
    for name, size in (("phone", PHONE), ("desktop", WIDE)):
        context = new_context(browser, server, **size)
        context.add_cookies([{"name": "zz_lang", "value": "zh", "url": server.url}])
        page = context.new_page()
        page.goto(url)
        expect(page).to_have_url(re.compile(r"/m$"))
        section = page.locator("section", has=page.get_by_role("heading", name="我的推荐名额"))
        expect(section).to_be_visible()
        expect(section).to_contain_text("您的 ¥12,000.00 套餐：已返还 ¥1,200.00。")
        places = section.locator("li")
        expect(places).to_have_count(3)
        expect(places.nth(0)).to_have_text(re.compile(r"^\s*第1位\s*已满：返还 ¥1,200\.00，"))
        expect(places.nth(1)).to_contain_text("等待：好友购买占满后返还 ¥2,400.00。")
        expect(places.nth(1)).to_contain_text("原先占用的购买已退款")
        expect(places.nth(2)).to_contain_text("第3位")
        # nothing wider than the screen; each place's name on one line with its state
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["viewport"]["width"], width  # type: ignore[index]
        for n in range(3):
            box = places.nth(n).locator(".place-name").bounding_box()
            state = places.nth(n).locator("strong").bounding_box()
            assert box is not None and state is not None
            assert abs(box["y"] - state["y"]) < box["height"], (n, box, state)
        section.scroll_into_view_if_needed()
        section.screenshot(path=folder / f"member-refer-three-{name}-zh.png")
        context.close()
