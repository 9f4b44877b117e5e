"""The member page's wallet lines on a phone: an amount out of the wallet broke after its
sign, 提现 − at the end of one line and ¥50.00 on the next, so the line read as a
withdrawal of ¥50.00 into the wallet. An amount is now kept whole on its line."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Browser

from tests.e2e.conftest import Server
from tests.e2e.test_member_page import member_with_an_order, open_on_a_phone


def test_a_withdrawal_line_keeps_its_sign_with_its_amount(browser: Browser, server: Server) -> None:
    with server.api() as api:
        url = member_with_an_order(api, "wrap1")
        token = url.partition("#token=")[2]
    me = httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    with me:
        sale = {"id": "s1", "points": "all"}
        assert me.post("/v1/me/sell", json=sale).status_code == 200, "sold"
        for n in range(3):
            body = {"id": f"w{n}", "amount": "50.00"}
            assert me.post("/v1/me/withdrawals", json=body).status_code == 201
    page = open_on_a_phone(browser, server, "zh", url)
    try:
        amounts = page.locator("li strong").filter(has_text=re.compile(r"^−¥50\.00$"))
        assert amounts.count() == 3
        for n in range(3):
            # one box: the sign and the figure on one line
            assert amounts.nth(n).evaluate("e => e.getClientRects().length") == 1
    finally:
        page.context.close()
