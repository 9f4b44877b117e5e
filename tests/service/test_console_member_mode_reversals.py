"""What a reversal took back from a member's wallet, in the member's words: a referee's
order reversed takes back the refer-three refund it paid the referrer (and a union
queue payment it funded). The member page said "订单已退款，收回" for each, which a
referrer whose own order stands reads as their own order refunded, twice, with nothing
to tell which money went back. Each line now names what it took back, as the page's
own sections name the modes: 推三返一收回（订单已退款）."""

from __future__ import annotations

import re
from html import unescape

from tests.service.conftest import Api, enter_member_page
from tests.service.test_console_pages import sign_in
from tests.service.test_modes import buy, product, zone


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_a_reversed_referees_refund_is_said_taken_back_by_its_mode(api: Api) -> None:
    zone(api, "gifts", {"refer_three": {"funding": "1"}})
    product(api, "package", "1000.00", "gifts")
    api.member("A", name="李雷")
    for name in ("B", "C"):
        api.member(name, referrer="A")
    for order, member in (("oA", "A"), ("oB", "B"), ("oC", "C")):
        buy(api, order, member, "package")
    api.ok(api.post("/v1/orders/oC/reverse"))
    client = api.client
    client.cookies.clear()
    assert enter_member_page(client, api.ok(api.post("/v1/members/A/page-token"))).status_code
    for language, said, not_said in (
        ("zh", "推三返一收回（订单已退款） −¥200.00", "订单已退款，收回"),
        (
            "en",
            "refer three, refund one taken back (the order was refunded) −¥200.00",
            "taken back: the order",
        ),
    ):
        client.get(f"/language/{language}")
        for path in ("/m", "/m/history"):
            page = _text(client.get(path).text)
            assert said in page, page
            assert not_said not in page


def test_the_consoles_wallet_movements_name_the_mode_a_reversal_took_back(api: Api) -> None:
    """The console's member page listed both as 模式冲正 −¥100.00 (订单 … 冲正): which of
    the member's modes gave the money back was not said."""
    zone(api, "gifts", {"refer_three": {"funding": "1"}})
    product(api, "package", "1000.00", "gifts")
    api.member("A")
    for name in ("B", "C"):
        api.member(name, referrer="A")
    for order, member in (("oA", "A"), ("oB", "B"), ("oC", "C")):
        buy(api, order, member, "package")
    api.ok(api.post("/v1/orders/oC/reverse"))
    sign_in(api.client, api.tenant)
    for language, said in (
        ("zh", "推三返一冲正 −¥200.00"),
        ("en", "refer three, refund one reversal −¥200.00"),
    ):
        api.client.get(f"/language/{language}")
        page = _text(api.client.get("/console/members/A").text)
        assert said in page, page


def test_the_zone_forms_guide_says_what_a_reversal_does_to_refer_three(api: Api) -> None:
    """The zone form's guide to the modes' parameters said nothing of reversals, though
    refer three's rules under them (docs/modes.md) decide what a referrer keeps."""
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    guide = _text(api.client.get("/console/config/zones/new").text)
    assert "被推荐人的购买被冲正，它带来的返还收回，所占名额空出" in guide, guide
    assert "靠这个套餐得到的返还全部作废" in guide
    api.client.get("/language/en")
    guide = _text(api.client.get("/console/config/zones/new").text)
    assert "A referee's purchase reversed has its refund taken back and frees its place" in guide
