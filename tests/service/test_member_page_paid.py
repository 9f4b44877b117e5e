"""The member page says what selling put into the wallet, after the sell fee (回流),
not the points' value before it (report F6)."""

from __future__ import annotations

import re

from tests.service.conftest import Api, enter_member_page
from zengzhi.i18n.format import money


def test_the_member_page_names_what_reached_the_wallet(api: Api) -> None:
    api.pool(sell_fee="0.2")
    api.member("m1", name="Ann")
    api.completed_order("o1", "m1")
    sale = api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "10"}))
    assert sale["value"] != sale["payout"]  # the fee took its part
    client = api.client
    client.cookies.clear()
    assert (
        enter_member_page(client, api.ok(api.post("/v1/members/m1/page-token"))).status_code == 303
    )
    for language, said in (("en", "paid {paid} into your wallet"), ("zh", "已付入您零钱 {paid}")):
        client.get(f"/language/{language}")
        page = client.get("/m").text
        spent = re.search(r'id="spent-main">([^<]*)<', page)
        assert spent is not None, page
        assert said.format(paid=money(sale["payout"])) in spent.group(1)
        assert money(sale["value"]) not in spent.group(1)
