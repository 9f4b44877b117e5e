"""The member page explains a member's refer-three places (推三返一): for their package,
what it has refunded and still owes, each place filled or waiting with its refund and
what was paid, and a place a refunded purchase emptied, in Chinese and English."""

from __future__ import annotations

import re

from tests.service.conftest import Api, enter_member_page
from tests.service.test_modes import buy, product, zone


def _places(api: Api, language: str) -> tuple[str, list[str]]:
    """The section's text, and each place's line, as a reader reads them."""
    api.client.get(f"/language/{language}")
    page = api.client.get("/m").text
    found = re.search(r'<section[^>]*aria-labelledby="refer-heading">(.*?)</section>', page, re.S)
    assert found is not None, page

    def text(html: str) -> str:
        return " ".join(re.sub(r"<[^>]+>", "", html).split())

    lines = [text(li) for li in re.findall(r"<li[^>]*>(.*?)</li>", found.group(1), re.S)]
    return text(found.group(1)), lines


def _referrer(api: Api, funding: str = "0.30", buyers: str = "ABC") -> None:
    """A buys the 1,000 package; B and C, A's referees, fill places 1 and 2 (10%, 20%)
    (and D place 3, among `buyers`); A's page entered."""
    zone(api, "gifts", {"refer_three": {"funding": funding}})
    product(api, "package", "1000.00", "gifts")
    api.member("A")
    for name in "BCD":
        api.member(name, referrer="A")
    for name in buyers:
        buy(api, f"o{name}", name, "package")
    api.client.cookies.clear()
    enter_member_page(api.client, api.ok(api.post("/v1/members/A/page-token")))


def test_the_member_page_shows_each_place_filled_or_waiting_with_its_refund(api: Api) -> None:
    _referrer(api)
    section, lines = _places(api, "zh")
    assert "我的推荐名额（推三返一）" in section
    assert "您的 ¥1,000.00 套餐：已返还 ¥300.00。" in section
    assert "每轮 3 个名额，全部占满共返还 ¥1,000.00。" in section
    assert lines == [
        "第1位 已满：返还 ¥100.00，已全部付给您。",
        "第2位 已满：返还 ¥200.00，已全部付给您。",
        "第3位 等待：好友购买占满后返还 ¥700.00。",
    ]
    section, lines = _places(api, "en")
    assert "Your ¥1,000.00 package: ¥300.00 refunded so far." in section
    assert lines[0] == "Place 1: filled. Refund ¥100.00, all paid to you."
    assert lines[2] == "Place 3: waiting. Refund ¥700.00 once a referral fills it."


def test_a_place_a_refunded_purchase_emptied_says_so_and_when_it_is_filled_again(
    api: Api,
) -> None:
    """C's order reversed: its 200 is taken back and place 2 waits again, said as emptied
    by a refund; D's purchase takes it, and it reads filled again after a refund."""
    _referrer(api)
    api.ok(api.post("/v1/orders/oC/reverse"))
    section, lines = _places(api, "zh")
    assert "您的 ¥1,000.00 套餐：已返还 ¥100.00。" in section
    assert lines[1] == (
        "第2位 等待：好友购买占满后返还 ¥200.00。"
        "原先占用的购买已退款，它带来的返还已收回，名额留给下一笔购买。"
    )
    assert lines[2] == "第3位 等待：好友购买占满后返还 ¥700.00。"
    _, lines = _places(api, "en")
    assert "was refunded and its refund taken back" in lines[1]
    buy(api, "oD", "D", "package")
    _, lines = _places(api, "zh")
    assert (
        lines[1] == "第2位 已满（曾因退款空出，后由另一笔购买补上）：返还 ¥200.00，已全部付给您。"
    )
    assert lines[0] == "第1位 已满：返还 ¥100.00，已全部付给您。"


def test_a_refund_the_reserve_paid_in_part_and_the_next_round(api: Api) -> None:
    """Funding 10%: D's 700 is paid 100 of it at once (the reserve's all); the round is
    full, so the next round's three places wait; base = "order" says rates."""
    _referrer(api, funding="0.10", buyers="ABCD")
    section, lines = _places(api, "zh")
    assert "您的 ¥1,000.00 套餐：已返还 ¥400.00，还将给您 ¥600.00。" in section
    assert lines[2] == "第3位 已满：返还 ¥700.00，已付 ¥100.00，其余待付。"
    assert lines[3:] == [
        "第4位 等待：好友购买占满后返还 ¥100.00。",
        "第5位 等待：好友购买占满后返还 ¥200.00。",
        "第6位 等待：好友购买占满后返还 ¥700.00。",
    ]
    zone(api, "gifts", {"refer_three": {"funding": "0.10", "base": "order"}})
    _, lines = _places(api, "zh")
    assert lines[3] == "第4位 等待：好友购买占满后返还其订单金额的 10%。"


def test_a_member_without_a_package_has_no_such_section(api: Api) -> None:
    """D bought nothing; B holds a package and reads it, with nothing refunded yet."""
    _referrer(api)
    api.client.cookies.clear()
    enter_member_page(api.client, api.ok(api.post("/v1/members/B/page-token")))
    section, lines = _places(api, "zh")
    assert "您的 ¥1,000.00 套餐：已返还 ¥0.00。" in section
    assert lines[0] == "第1位 等待：好友购买占满后返还 ¥100.00。"
    api.client.cookies.clear()
    enter_member_page(api.client, api.ok(api.post("/v1/members/D/page-token")))
    assert 'aria-labelledby="refer-heading"' not in api.client.get("/m").text


def test_a_purchase_that_waited_takes_an_emptied_place_and_the_rounds_end(api: Api) -> None:
    """One round: B, C, D fill the three places and E's purchase, made when the rounds
    were over, waits; C's reversed, E takes place 2 (said filled again after a refund),
    and no next round's places are shown. E's refund is paid at the next release (the
    next purchase in the zone, or the daily run): not yet, and the page says so."""
    zone(api, "gifts", {"refer_three": {"funding": "1", "rounds": 1}})
    product(api, "package", "1000.00", "gifts")
    api.member("A")
    for name in "BCDE":
        api.member(name, referrer="A")
    for name in "ABCDE":
        buy(api, f"o{name}", name, "package")
    api.client.cookies.clear()
    enter_member_page(api.client, api.ok(api.post("/v1/members/A/page-token")))
    _, lines = _places(api, "zh")
    assert [line.split("：")[0] for line in lines] == ["第1位 已满", "第2位 已满", "第3位 已满"]
    api.ok(api.post("/v1/orders/oC/reverse"))
    section, lines = _places(api, "zh")
    assert "您的 ¥1,000.00 套餐：已返还 ¥800.00，还将给您 ¥200.00。" in section
    assert lines == [
        "第1位 已满：返还 ¥100.00，已全部付给您。",
        "第2位 已满（曾因退款空出，后由另一笔购买补上）：返还 ¥200.00，尚未支付。",
        "第3位 已满：返还 ¥700.00，已全部付给您。",
    ]
