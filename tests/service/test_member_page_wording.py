"""The member page in a consumer's words (report F15): a refusal never shows the
member's internal id, and a withdrawal still awaiting approval is not said to be on its
way to the account."""

from __future__ import annotations

import re
from decimal import Decimal

from tests.service.conftest import Api, enter_member_page
from tests.service.test_page_notices import _member_page
from zengzhi.service import member_access
from zengzhi.service.base import Context
from zengzhi.service.member_access import Member
from zengzhi.service.queries.wallets import Movement


def _csrf(text: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', text)
    assert found is not None
    return found.group(1)


def test_selling_more_than_held_is_said_without_the_member_id(api: Api) -> None:
    client = _member_page(api, "mem-7")
    for language, said in (("en", "you hold"), ("zh", "您只持有")):
        client.get(f"/language/{language}")
        refused = client.post(
            "/m/sell/quote",
            data={"csrf": _csrf(client.get("/m").text), "pool": "main", "points": "99999"},
        )
        assert refused.status_code >= 400
        error = re.search(r'id="sell-error-main"[^>]*>([^<]*)<', refused.text)
        assert error is not None, refused.text
        assert "mem-7" not in error.group(1) and said in error.group(1)


def test_a_held_withdrawal_is_not_said_to_be_paying_out(api: Api) -> None:
    client = _member_page(api)
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "10"}))
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "1.00"}))
    client.get("/language/zh")
    page = client.get("/m").text
    assert "正在打款到您的账户" not in page
    assert "等待审批" in page  # the withdrawal's own status below


def test_an_approved_withdrawal_is_not_said_to_be_being_paid(api: Api) -> None:
    """Approved is where a withdrawal waits for finance to pay it by hand (the manual
    adapter), and where it goes back when a payout failed: it read 已通过，正在打款
    ("approved, being paid") while nothing was being paid."""
    client = _member_page(api)
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "10"}))
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "1.00"}))
    assert api.ok(api.post("/v1/withdrawals/w1/approve"))["status"] == "approved"
    for language, waiting, not_said in (
        ("zh", "已通过，等待打款", "正在打款"),
        ("en", "approved, waiting to be paid", "being paid"),
    ):
        client.get(f"/language/{language}")
        page = client.get("/m").text
        assert waiting in page
        assert not_said not in page


def test_a_price_is_grouped_like_every_amount_beside_it(api: Api) -> None:
    """The price at which the member's points are bought back, in thousands like the
    amounts in the same sentence (¥285,714.2857, not ¥285714.2857)."""
    api.pool(exit_multiple="2")
    api.member("big", name="Bo")
    api.completed_order("o-big", "big", amount="100000.00", contribution="1.00")
    client = api.client
    client.cookies.clear()
    issued = api.ok(api.post("/v1/members/big/page-token"))
    assert enter_member_page(client, issued).status_code == 303
    exit_price = api.ok(api.get("/v1/members/big/positions"))[0]["exit_price"]
    whole, _, places = exit_price.partition(".")
    assert int(whole) >= 1000
    page = client.get("/m").text
    assert f"¥{int(whole):,}.{places}" in page, exit_price


def test_a_member_forced_out_is_not_told_points_come_when_an_order_completes(api: Api) -> None:
    """Forced out at the cap, a member holds no points: the page says so, not "No points
    yet, you get points when your order is completed" (what a member who never bought
    reads) after their order was completed and paid them."""
    api.pool(exit_multiple="2")
    api.member("out", name="Ou")
    api.member("new", name="Nu")
    api.completed_order("o-out", "out", amount="100.00", contribution="30.00")
    exits = api.ok(api.post("/v1/pools/main/subsidies", {"id": "s-1", "amount": "5000.00"}))
    assert [e["member"] for e in exits["exits"]] == ["out"]
    client = api.client
    for member, shown, hidden in (
        ("out", "目前没有积分", "还没有积分"),
        ("new", "还没有积分", "目前没有积分"),
    ):
        client.cookies.clear()
        assert (
            enter_member_page(
                client, api.ok(api.post(f"/v1/members/{member}/page-token"))
            ).status_code
            == 303
        )
        client.get("/language/zh")
        page = client.get("/m").text
        assert shown in page and hidden not in page, member


def test_a_wallet_movement_s_time_is_followed_by_the_language_s_colon(api: Api) -> None:
    """In Chinese a movement reads 2026年12月5日 05:09：卖出积分, as the withdrawals above
    it do: "05:09: " put an ASCII colon after the minutes, read as a time missing its
    seconds."""
    client = _member_page(api)
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "10"}))
    client.get("/language/zh")
    page = client.get("/m").text
    assert re.search(r"日 \d\d:\d\d：卖出积分 <strong\b", page)
    assert not re.search(r"\d\d:\d\d: ", page)
    client.get("/language/en")
    assert re.search(r"\d\d:\d\d: points sold <strong\b", client.get("/m").text)


def test_a_mode_s_one_promise_is_said_once(api: Api) -> None:
    """Refer three, refund one: c1's one refund read 还将给您：¥50.00。 and under it
    还将给您 ¥50.00，每天 ¥100.00。 (the total, then the one claim that makes it)."""
    assert (
        api.put("/v1/zones/club", {"modes": {"refer_three": {"funding": "0.20"}}}).status_code
        == 200
    )
    pack = {"price": "500.00", "platform": "500.00", "zone": "club"}
    assert api.put("/v1/products/pack", pack).status_code == 200
    api.member("c1")
    for n in range(2, 5):
        api.ok(api.post("/v1/members", {"id": f"c{n}", "referrer": "c1"}))
    for n in range(1, 5):
        api.ok(api.post("/v1/orders", {"id": f"club{n}", "member": f"c{n}", "product": "pack"}))
        api.ok(api.post(f"/v1/orders/club{n}/pay"))
    (holding,) = api.ok(api.get("/v1/members/c1/modes"))
    assert len(holding["claims"]) == 1 and holding["claims"][0]["owed"] == holding["owed"]
    page = _in_chinese(api, "c1")
    # the rewards section alone: the referral places after it say each place's refund
    section = page[page.index('id="modes-heading"') : page.index('id="refer-heading"')]
    owed = f"¥{Decimal(holding['owed']):,.2f}"
    assert section.count(owed) == 1 and section.count("还将给您") == 1, section


def test_a_green_points_promise_reads_as_yuan_with_two_places(api: Api) -> None:
    """Green points are paid 1 point = 1 yuan and promised in whole fen: the member page
    said 还将给您 ¥2,928.0000 (the points' four places after a yuan sign)."""
    api.ok(api.put("/v1/zones/g", {"modes": {"green": {"backed": True}}}))
    item = {"price": "1000.00", "platform": "1000.00", "zone": "g"}
    api.ok(api.put("/v1/products/pack", item))
    api.member("gm")
    api.ok(api.post("/v1/orders", {"id": "g1", "member": "gm", "product": "pack"}))
    api.ok(api.post("/v1/orders/g1/pay"))
    page = _in_chinese(api, "gm")
    section = page[page.index('id="mode-g-green"') :]
    assert ".0000" not in section[: section.index("</div>")]
    assert re.search(r"还将给您[^<]*¥[\d,]+\.\d\d[。，]", section), section[:400]


def _in_chinese(api: Api, member: str) -> str:
    """The member's own page, entered by its link and read in Chinese."""
    client = api.client
    client.cookies.clear()
    issued = api.ok(api.post(f"/v1/members/{member}/page-token"))
    assert enter_member_page(client, issued).status_code == 303
    client.get("/language/zh")
    return client.get("/m").text


def test_selling_from_a_pool_emptied_meanwhile_names_no_pool_id(api: Api) -> None:
    """Everything sold in another tab, then a quote asked from this one: the refusal
    read "you hold no points in pool main", the operator's code for the pool."""
    client = _member_page(api, "mem-8")
    form = client.get("/m").text
    api.ok(api.post("/v1/members/mem-8/sell", {"id": "s-all", "points": "all"}))
    for language, said in (
        ("en", "you hold no points in this pool now"),
        ("zh", "您在这个积分池中已没有积分"),
    ):
        client.get(f"/language/{language}")
        refused = client.post(
            "/m/sell/quote", data={"csrf": _csrf(form), "pool": "main", "points": "1"}
        )
        assert refused.status_code == 422, refused.text
        assert said in refused.text
        assert "pool main" not in refused.text and "积分池 main" not in refused.text
        assert "mem-8" not in refused.text.split("<main", 1)[1]


def test_a_rejected_withdrawal_says_the_reason_finance_gave(api: Api) -> None:
    """A member read 已拒绝，已退回零钱 and no why, though finance wrote one and the
    member's own API (GET /v1/me/withdrawals, `note`) answers it."""
    client = _member_page(api)
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "10"}))
    for withdrawal in ("w1", "w2"):
        api.ok(api.post("/v1/members/m1/withdrawals", {"id": withdrawal, "amount": "1.00"}))
    api.ok(api.post("/v1/withdrawals/w1/reject", {"reason": "收款账户与实名<b>不符</b>"}))
    api.ok(api.post("/v1/withdrawals/w2/reject", {"reason": "重复申请"}))
    for language, said in (("zh", "原因："), ("en", "Reason: ")):
        client.get(f"/language/{language}")
        page = client.get("/m").text
        reasons = re.findall(r"<span[^>]*data-reason[^>]*>([^<]*)</span>", page)
        assert sorted(reasons) == sorted(
            [f"{said}收款账户与实名&lt;b&gt;不符&lt;/b&gt;", f"{said}重复申请"]
        ), reasons


def test_too_few_points_to_pay_a_fen_is_said_in_the_pages_words(api: Api) -> None:
    """Selling 0.001 points read 按资金池现价卖出 0.0010 积分得 0.00 元 on a page that says
    今天每积分价值 and writes money as ¥: 资金池 is a word the page never uses. It now
    reads in the page's words, the amount as every amount beside it."""
    client = _member_page(api, "mem-fen")
    client.get("/language/zh")
    refused = client.post(
        "/m/sell/quote",
        data={"csrf": _csrf(client.get("/m").text), "pool": "main", "points": "0.001"},
    )
    assert refused.status_code == 422
    error = re.search(r'id="sell-error-main"[^>]*>([^<]*)<', refused.text)
    assert error is not None, refused.text
    said = error.group(1)
    assert "资金池" not in said and "0.00 元" not in said, said
    assert "按今天的价格" in said and "¥0.00" in said, said


def test_the_exit_says_what_reaches_the_wallet_after_the_selling_fee(api: Api) -> None:
    """The member page said the cap left (¥2,000.00 on 1,000.00 at k = 2) went to the
    wallet "before the selling fee": what reaches it is the cap left less the fee, as the
    exit pays it (¥1,600.00 at 20%). Both languages, and the API's positions beside."""
    api.pool(exit_multiple="2")
    api.member("m1", name="Ann")
    api.completed_order("o1", "m1")
    client = api.client
    client.cookies.clear()
    assert enter_member_page(client, api.ok(api.post("/v1/members/m1/page-token"))).status_code
    (position,) = api.ok(api.get("/v1/members/m1/positions"))
    cap = Decimal(position["cap_left"])
    assert Decimal(position["exit_payout"]) == (cap * Decimal("0.8")).quantize(Decimal("0.01"))
    shown = f"¥{Decimal(position['exit_payout']):,.2f}"
    english = client.get("/m", headers={"Accept-Language": "en"}).text
    assert f"{shown} goes to your wallet (the selling fee taken off)" in english
    chinese = client.get("/m", headers={"Accept-Language": "zh-CN"}).text
    assert f"扣除回流后 {shown} 将进入您的零钱" in chinese
    assert f"¥{cap:,.2f}" not in english.split("of the way to your payout")[1][:200]


def test_a_member_not_verified_is_told_in_the_second_person_what_to_do(api: Api) -> None:
    """With real names required, the member page's refusal said "the member must verify
    their real name first" (会员须先完成实名认证) to the member, and not how: it says
    "your" real name and where to verify it, in both languages."""
    client = _member_page(api)
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "10"}))
    api.ok(api.put("/v1/tenant/settings", {"withdrawals": {"require_real_name": True}}))
    for language, said in (
        ("en", "need your real name verified first"),
        ("zh", "请在您购物的商城"),
    ):
        client.get(f"/language/{language}")
        refused = client.post(
            "/m/withdraw/quote", data={"csrf": _csrf(client.get("/m").text), "amount": "1.00"}
        )
        assert refused.status_code == 403
        error = re.search(r'id="withdraw-error"[^>]*>([^<]*)<', refused.text)
        assert error is not None and said in error.group(1), refused.text[-2000:]
        assert "会员须" not in error.group(1) and "the member" not in error.group(1)


def test_a_withdrawal_whose_fee_rose_after_its_quote_is_refused_with_nothing_held(
    api: Api,
) -> None:
    """The member is quoted a fee of 0.00 and confirms; meanwhile the operator sets a
    fee of half: the withdrawal was held with a fee of 5.00 on 10.00 the member had not
    been shown, and a member cannot take back a held withdrawal (an attacker's doubt).
    The confirmation carries the quoted fee (`max_fee`) and is refused, in the member's
    words, with nothing held; quoted again, it goes through."""
    client = _member_page(api)
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "100"}))
    client.get("/language/zh")
    quoted = client.post(
        "/m/withdraw/quote", data={"csrf": _csrf(client.get("/m").text), "amount": "10"}
    )
    assert quoted.status_code == 200 and "确认提现" in quoted.text, quoted.text[-1500:]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', quoted.text))
    assert (fields["amount"], fields["max_fee"]) == ("10.00", "0.00")
    before = api.ok(api.get("/v1/members/m1/wallet"))
    api.ok(api.put("/v1/tenant/settings", {"withdrawals": {"fee_rate": "0.5"}}))
    refused = client.post("/m/withdraw", data=fields)
    assert refused.status_code == 409, refused.text[-1500:]
    assert "现在手续费为 ¥5.00，高于报价时的 ¥0.00" in refused.text
    assert api.ok(api.get("/v1/members/m1/wallet")) == before
    assert api.ok(api.get("/v1/withdrawals", member="m1")) == []
    again = client.post("/m/withdraw/quote", data={"csrf": fields["csrf"], "amount": "10"})
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', again.text))
    assert fields["max_fee"] == "5.00"
    assert client.post("/m/withdraw", data=fields, follow_redirects=False).status_code == 303
    [held] = api.ok(api.get("/v1/withdrawals", member="m1"))
    assert (held["amount"], held["fee"]) == ("10.00", "5.00")


def test_the_debt_s_lines_add_up_to_what_the_member_owes(api: Api, context: Context) -> None:
    """Three orders refunded after their points were sold and the money withdrawn, then
    three small sales each settling part of the debt: the member page listed the five
    newest lines, leaving out the oldest debt, so the lines did not add up to the 您欠平台
    beside them (an attacker). It lists the lines back to when the debt was nothing."""
    api.pool()
    api.member("m1")
    for n in (1, 2, 3):
        api.completed_order(f"o{n}", "m1")
        sold = api.ok(api.post("/v1/members/m1/sell", {"id": f"s{n}", "points": "all"}))
        api.ok(api.post("/v1/members/m1/withdrawals", {"id": f"w{n}", "amount": sold["payout"]}))
        api.ok(api.post(f"/v1/withdrawals/w{n}/approve"))
        api.ok(api.post(f"/v1/withdrawals/w{n}/paid"))
    for n in (1, 2, 3):
        api.ok(api.post(f"/v1/orders/o{n}/reverse"))
    api.completed_order("o4", "m1")
    for n in (4, 5, 6):
        api.ok(api.post("/v1/members/m1/sell", {"id": f"s{n}", "points": "1"}))
    owed = api.ok(api.get("/v1/members/m1/wallet"))["debt"]
    history = api.ok(api.get("/v1/members/m1/wallet/debt-history"))
    assert len(history) == 6 and owed != "0.00"
    lines = member_access.debt_explained(context, Member(api.tenant, "m1"), owed)
    assert lines == [Movement.model_validate(one) for one in history]
    assert sum(Decimal(one.amount) for one in lines) == -Decimal(owed)
    api.client.cookies.clear()
    enter_member_page(api.client, api.ok(api.post("/v1/members/m1/page-token")))
    page = api.client.get("/m", headers={"Accept-Language": "zh-CN"}).text
    listed = page.split('class="plain debts"')[1].split("</ul>")[0]
    assert listed.count("<li>") == 6 and listed.count("新增欠款") == 3, listed
