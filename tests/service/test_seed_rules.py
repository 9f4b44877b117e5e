"""Issue 19's rules through the API, on SQLite and PostgreSQL: each one's settings,
its payments, their reversal, and the audit of the ledger against a replay."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from tests.service.conftest import Api, Clock, enter_member_page
from tests.service.test_console_pages import checked, sign_in
from tests.service.test_console_sections import user
from tests.service.test_distribution import clean
from tests.service.test_modes import buy, product, zone
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.distribution import Conversion, convert_contributions
from zengzhi.service.jobs import tick
from zengzhi.service.orders import reverse
from zengzhi.service.queries.orders import OrderView
from zengzhi.store import tables as t


def test_promoters_and_contribution_pay_ins_then_a_conversion(api: Api, context: Context) -> None:
    api.ok(
        api.put(
            "/v1/distribution",
            {
                "overflow": "platform",
                "commission": {
                    "rates": ["0.2", "0.1"],
                    "promoter_after_purchase": True,
                    "pay_in": "contribution",
                },
            },
        )
    )
    api.pool()
    api.member("a")
    api.member("b", referrer="a")
    api.member("c", referrer="b")
    api.completed_order("o1", "a", contribution="0.00")
    api.completed_order("o2", "c", amount="100.00", contribution="0.00")
    # b never bought: no direct share; a did: the indirect one, into its contribution
    assert api.ok(api.get("/v1/members/b/rewards")) == []
    [indirect] = api.ok(api.get("/v1/members/a/rewards"))
    assert (indirect["kind"], indirect["paid"], indirect["into"]) == (
        "indirect",
        "10.00",
        "contribution",
    )
    refused = api.post(
        "/v1/contribution/conversions",
        {"id": "v1", "into": "cash", "rate": "0.5", "reason": ""},
    )
    assert refused.status_code == 422 and refused.json()["field"] == "reason"
    body = {"id": "v1", "into": "cash", "rate": "0.5", "reason": "quarter end"}
    support = api.as_role("support")
    assert api.post("/v1/contribution/conversions", body, token=support).status_code == 403
    [done] = api.ok(api.post("/v1/contribution/conversions", body))
    assert (done["member"], done["balance"], done["paid"]) == ("a", "10.00", "5.00")
    assert api.ok(api.post("/v1/contribution/conversions", body)) == [done]  # once
    assert api.ok(api.get("/v1/members/a/wallet"))["balance"] == "5.00"
    entry = api.ok(api.get("/v1/audit-log"))[0]
    assert (entry["action"], entry["reason"]) == ("contribution.convert", "quarter end")
    clean(api, context)
    api.ok(api.post("/v1/orders/o2/reverse"))  # a owes back the 10.00 it converted
    clean(api, context)


def test_a_dividend_weighted_by_shares(api: Api, context: Context, clock: Clock) -> None:
    api.ok(
        api.put(
            "/v1/distribution",
            {
                "overflow": "platform",
                "commission": {"rates": ["0.1"], "pay_in": "contribution"},
                "dividends": [
                    {"name": "holders", "share": "0.1", "min_level": 0, "split": "shares"}
                ],
            },
        )
    )
    api.pool()
    api.member("a")
    api.member("b")
    api.member("x", referrer="a")
    api.member("y", referrer="b")
    api.completed_order("o1", "x", amount="40000.00", contribution="0.00")  # a: 4000
    api.completed_order("o2", "y", amount="20000.00", contribution="0.00")  # b: 2000
    body = {"id": "v1", "into": "shares", "rate": "0.0005", "reason": "原始股"}
    shares = api.ok(api.post("/v1/contribution/conversions", body))
    assert [(one["member"], one["shares"]) for one in shares] == [
        ("a", "2.0000"),
        ("b", "1.0000"),
    ]
    clock.advance(days=1)
    tick(context, [api.tenant])
    # 10% of yesterday's 60000 turnover, 2:1 by shares
    assert api.ok(api.get("/v1/members/a/wallet"))["balance"] == "4000.00"
    assert api.ok(api.get("/v1/members/b/wallet"))["balance"] == "2000.00"
    clean(api, context)


def test_a_report_moves_a_stores_members_to_the_reporter(api: Api, context: Context) -> None:
    api.ok(api.put("/v1/distribution", {"overflow": "platform", "commission": {"rates": ["0.01"]}}))
    api.pool()
    for member, referrer in (("r", None), ("o", None), ("m1", "o"), ("m2", "o")):
        api.member(member, **({"referrer": referrer} if referrer else {}))
    body = {"referrer": "r", "reason": "report 12"}
    assert (
        api.put("/v1/members/o/referees/referrer", body, token=api.as_role("viewer")).status_code
        == 403
    )
    moved = api.ok(api.put("/v1/members/o/referees/referrer", body))
    assert moved == {"member": "o", "referrer": "r", "moved": ["m1", "m2"]}
    assert api.ok(api.get("/v1/members/m2"))["referrer"] == "r"
    entry = api.ok(api.get("/v1/audit-log"))[0]
    assert (entry["action"], entry["after"], entry["reason"]) == (
        "member.reassign_referees",
        {"referrer": "r", "members": ["m1", "m2"]},
        "report 12",
    )
    api.completed_order("o1", "m1", contribution="0.00")
    assert api.ok(api.get("/v1/members/r/wallet"))["balance"] == "10.00"
    clean(api, context)


def test_a_recruited_stores_members_pay_the_recruiter_indirect(api: Api, context: Context) -> None:
    api.ok(
        api.put(
            "/v1/distribution",
            {
                "commission": {"rates": ["0.01", "0.005"]},
                "recruiter": {"rate": "0.01", "indirect_members": True},
            },
        )
    )
    api.pool()
    for member, referrer in (("A", None), ("x", None), ("b", "x")):
        api.member(member, **({"referrer": referrer} if referrer else {}))
    store = {
        "commission_rate": "0.20",
        "distribution_rate": "0.03",
        "owner": "b",
        "recruiter": "A",
    }
    api.ok(api.put("/v1/stores/B", store))
    assert api.member("u", store="B")["referrer"] == "b"
    api.member("v")
    api.ok(api.post("/v1/members/v/bind", {"store": "B"}))
    for n, member in enumerate(("u", "v")):
        body = {"id": f"o{n}", "member": member, "store": "B", "amount": "1000.00"}
        api.ok(api.post("/v1/orders", body))
        api.ok(api.post(f"/v1/orders/o{n}/pay"))
    wallets = {m: api.ok(api.get(f"/v1/members/{m}/wallet"))["balance"] for m in "Abx"}
    # two orders: A 0.5% indirect + 1% recruiter each, b 1% direct each, x nothing
    assert wallets == {"A": "30.00", "b": "20.00", "x": "0.00"}
    clean(api, context)
    api.ok(api.post("/v1/orders/o0/reverse"))
    assert api.ok(api.get("/v1/members/A/wallet"))["balance"] == "15.00"
    clean(api, context)


def test_advertiser_income_into_the_ad_reserve(api: Api, context: Context, clock: Clock) -> None:
    zone(api, "ads", {"ads": {"ratio": "1"}})  # no funding, not backed
    product(api, "phone", "1000.00", "ads")
    api.member("b")
    buy(api, "o1", "b", "phone")
    task = {"zone": "ads", "day": "2026-11-21", "proof": "video:1"}
    assert api.ok(api.post("/v1/members/b/tasks", task))["released"] == "0.00"
    body = {"id": "ad-1", "mode": "ads", "amount": "50.00", "source": "advertiser 7"}
    support = api.as_role("support")
    assert api.post("/v1/zones/ads/income", body, token=support).status_code == 403
    bad = api.post("/v1/zones/ads/income", body | {"id": "ad-0", "mode": "union"})
    assert bad.status_code == 422 and bad.json()["field"] == "mode"
    done = api.ok(api.post("/v1/zones/ads/income", body))
    assert (done["amount"], done["reserve"]) == ("50.00", "50.00")
    assert api.ok(api.post("/v1/zones/ads/income", body)) == done  # once
    clock.advance(days=1)
    task = {"zone": "ads", "day": "2026-11-22", "proof": "video:2"}
    assert api.ok(api.post("/v1/members/b/tasks", task))["released"] == "10.00"
    clean(api, context)


def test_a_repurchase_zone_refuses_an_order_as_it_is_placed(api: Api, context: Context) -> None:
    # a zone required that does not exist is refused at its field: saved, it made the
    # zone one nobody could ever buy in (an attacker's find, 2026-12-07)
    ahead = {"ads": {"ratio": "0.3", "backed": True}, "requires": {"zones": ["package"]}}
    early_zone = api.put("/v1/zones/repurchase", {"modes": ahead})
    assert early_zone.status_code == 404, early_zone.text
    assert early_zone.json()["field"] == "modes.requires.zones.0"
    assert api.get("/v1/zones/repurchase").status_code == 404
    zone(api, "package", {"ads": {"ratio": "1.1", "backed": True}})
    repurchase = {"ads": {"ratio": "0.3", "backed": True}, "requires": {"zones": ["package"]}}
    zone(api, "repurchase", repurchase)
    product(api, "kit", "1000.00", "package")
    product(api, "refill", "100.00", "repurchase")
    api.member("a")
    early = api.post("/v1/orders", {"id": "o1", "member": "a", "product": "refill"})
    assert early.status_code == 409 and early.json()["field"] == "lines"
    buy(api, "o2", "a", "kit")
    buy(api, "o3", "a", "refill")
    [_, refill] = sorted(api.ok(api.get("/v1/members/a/modes")), key=lambda one: one["zone"])
    assert (refill["zone"], refill["owed"]) == ("repurchase", "30.0000")
    clean(api, context)


def test_union_values_set_by_the_product(api: Api, context: Context) -> None:
    zone(api, "u", {"union": {"funding": "0.5", "lock_days": 15}})
    product(api, "plain", "100.00", "u")
    product(api, "plus", "100.00", "u", modes={"union": "1.1", "union_dynamic": "0.3"})
    api.member("A")
    api.member("B", referrer="A")
    buy(api, "o1", "A", "plain")
    buy(api, "o2", "B", "plus")
    assert api.ok(api.get("/v1/members/A/wallet"))["balance"] == "30.00"
    [credit] = api.ok(api.get("/v1/members/B/modes"))
    assert credit["owed"] == "110.00"
    bad = api.put("/v1/products/bad", {"price": "1.00", "platform": "1.00", "modes": {"x": "1"}})
    assert bad.status_code == 422 and bad.json()["field"] == "modes.x"
    clean(api, context)


def test_green_peer_share_is_zone_configuration(api: Api) -> None:
    bad = api.put("/v1/zones/g", {"modes": {"green": {"peer": "0.1"}}})
    assert bad.status_code == 422 and bad.json()["field"] == "modes.green.peer"
    green = {"team": ["0.10", "0.50"], "peer": "0.1", "acceleration": []}
    assert zone(api, "g", {"green": green})["modes"]["green"]["peer"] == "0.1"


def test_agents_earn_on_a_members_ad_release(api: Api, context: Context) -> None:
    ads = {"ratio": "1.1", "backed": True, "agents": {"city": "0.005"}}
    zone(api, "ads", {"ads": ads})
    product(api, "kit", "1000.00", "ads")
    api.member("c")
    api.ok(
        api.post("/v1/agents", {"id": "g", "member": "c", "region": "广东/深圳", "level": "city"})
    )
    api.member("b", region="广东/深圳/南山")
    buy(api, "o1", "b", "kit")
    task = {"zone": "ads", "day": "2026-11-21", "proof": "video:1"}
    done = api.ok(api.post("/v1/members/b/tasks", task))
    # 1% of 1100 points: 11.00; the city agent 0.5% of it, 0.05
    assert (done["released"], done["shares"]) == ("11.00", [{"member": "c", "amount": "0.05"}])
    clean(api, context)


def test_the_console_moves_a_stores_members_after_a_report(api: Api) -> None:
    for member, referrer in (("r", None), ("o", None), ("m1", "o"), ("m2", "o")):
        api.member(member, **({"referrer": referrer} if referrer else {}))
    csrf = sign_in(api.client, api.tenant, user(api, "support"))
    page = api.client.get("/console/members/o").text
    assert 'action="/console/members/o/referees/referrer"' in page
    assert 'id="f-referees-reason"' in page and 'id="f-reason"' in page  # ids apart
    refused = api.client.post(
        "/console/members/o/referees/referrer", data={"csrf": csrf, "referrer": "r", "reason": ""}
    )
    assert refused.status_code == 422 and 'id="e-referees-reason"' in refused.text
    assert api.ok(api.get("/v1/members/m1"))["referrer"] == "o"  # nothing moved
    done = api.client.post(
        "/console/members/o/referees/referrer",
        data={"csrf": csrf, "referrer": "r", "reason": "report 12"},
        follow_redirects=False,
    )
    assert done.headers["location"] == "/console/members/o"
    assert [api.ok(api.get(f"/v1/members/{m}"))["referrer"] for m in ("m1", "m2")] == ["r", "r"]
    assert "/referees/referrer" not in api.client.get("/console/members/o").text  # none left


def test_the_console_sets_a_products_own_union_values(api: Api) -> None:
    zone(api, "u", {"union": {"funding": "0.5"}})
    csrf = sign_in(api.client, api.tenant)
    product = {"csrf": csrf, "id": "plus", "price": "100.00", "platform": "100.00", "zone": "u"}
    bad = {**product, "modes": 'union_speed = "1"'}
    refused = api.client.post("/console/config/products", data={**bad, "action": "check"})
    assert "union_speed" in refused.text and "unknown mode" in refused.text  # the review says
    assert api.get("/v1/products/plus").status_code == 404
    good = {**product, "modes": 'union = "1.1"\nunion_dynamic = "0.3"'}
    saved = api.client.post(
        "/console/config/products", data=checked(api.client, "/console/config/products", good)
    )
    assert saved.status_code in (200, 303), saved.text
    assert api.ok(api.get("/v1/products/plus"))["modes"] == {"union": "1.1", "union_dynamic": "0.3"}
    page = api.client.get("/console/config/products/plus").text
    assert "union_dynamic = &#34;0.3&#34;" in page or 'union_dynamic = "0.3"' in page


def test_the_console_records_income_and_converts_contribution(api: Api) -> None:
    api.ok(
        api.put(
            "/v1/distribution",
            {"overflow": "platform", "commission": {"rates": ["0.1"], "pay_in": "contribution"}},
        )
    )
    zone(api, "ads", {"ads": {"ratio": "1"}})
    api.pool()
    api.member("a")
    api.member("b", referrer="a")
    api.completed_order("o1", "b", amount="1000.00", contribution="0.00")
    csrf = sign_in(api.client, api.tenant, user(api, "finance"))
    page = api.client.get("/console/pools").text
    assert 'action="/console/pools/income"' in page and 'id="f-convert-rate"' in page
    income = {"csrf": csrf, "id": "i1", "zone": "ads", "mode": "union", "amount": "50.00"}
    refused = api.client.post("/console/pools/income", data={**income, "source": "adv 7"})
    assert refused.status_code == 422 and 'id="e-income-mode"' in refused.text
    done = api.client.post(
        "/console/pools/income",
        data={**income, "mode": "ads", "source": "adv 7"},
        follow_redirects=False,
    )
    assert done.headers["location"] == "/console/pools"
    assert "Income of ¥50.00 recorded into zone ads." in api.client.get("/console/pools").text
    body = {"csrf": csrf, "id": "c1", "into": "cash", "rate": "0.5", "members": "a"}
    refused = api.client.post("/console/pools/conversion", data={**body, "reason": ""})
    assert refused.status_code == 422 and 'id="e-convert-reason"' in refused.text
    converted = api.client.post(
        "/console/pools/conversion", data={**body, "reason": "year end"}, follow_redirects=False
    )
    assert converted.headers["location"] == "/console/pools"
    assert "Contribution balances of 1 members converted." in api.client.get("/console/pools").text
    assert api.ok(api.get("/v1/members/a/wallet"))["balance"] == "50.00"


def test_a_conversion_id_used_again_for_another_body_is_a_conflict(api: Api) -> None:
    api.ok(
        api.put(
            "/v1/distribution",
            {"overflow": "platform", "commission": {"rates": ["0.1"], "pay_in": "contribution"}},
        )
    )
    api.pool()
    api.member("a")
    api.member("x", referrer="a")
    api.completed_order("o1", "x", amount="100.00", contribution="0.00")  # a: 10.00
    body = {"id": "v1", "into": "cash", "rate": "0.5", "reason": "quarter end"}
    [done] = api.ok(api.post("/v1/contribution/conversions", body))
    assert done["paid"] == "5.00"
    # the same id at another rate, or into shares: refused, not answered as the first
    for other in ({"rate": "2"}, {"into": "shares", "rate": "0.0005"}):
        refused = api.post("/v1/contribution/conversions", body | other)
        assert refused.status_code == 409, refused.json()
        assert refused.json()["field"] == "id"
    # the same body spelled another way ("0.50" for "0.5") is the same request
    assert api.ok(api.post("/v1/contribution/conversions", body | {"rate": "0.50"})) == [done]
    assert api.ok(api.get("/v1/members/a/wallet"))["balance"] == "5.00"


def test_one_conversion_id_sent_at_once_with_two_bodies_applies_one(
    api: Api, context: Context
) -> None:
    api.ok(
        api.put(
            "/v1/distribution",
            {"overflow": "platform", "commission": {"rates": ["0.1"], "pay_in": "contribution"}},
        )
    )
    api.pool()
    api.member("a")
    api.member("x", referrer="a")
    api.completed_order("o1", "x", amount="100.00", contribution="0.00")  # a: 10.00
    finance = Principal(api.tenant, "user:finance", Role.OWNER)
    rates = ["0.5", "2", "0.5", "2"]
    start = threading.Barrier(len(rates))

    def send(rate: str) -> tuple[str, object]:
        request = Conversion(id="v1", into="cash", rate=rate, reason="at once")
        start.wait(timeout=30)
        try:
            return rate, convert_contributions(context, finance, request)
        except DomainError as error:
            return rate, error.code

    with ThreadPoolExecutor(len(rates)) as pool:
        answers = list(pool.map(send, rates))
    won = {rate for rate, answer in answers if isinstance(answer, list)}
    assert len(won) == 1, answers  # one body applied; the other's senders told it conflicts
    assert {answer for rate, answer in answers if rate not in won} == {ErrorCode.CONFLICT}
    [paid] = {answer[0].paid for _, answer in answers if isinstance(answer, list)}
    assert paid == {"0.5": "5.00", "2": "20.00"}[won.pop()]
    assert api.ok(api.get("/v1/members/a/wallet"))["balance"] == paid
    clean(api, context)


def test_a_re_binding_sent_again_moves_nothing_and_records_nothing(
    api: Api, context: Context
) -> None:
    api.ok(api.put("/v1/distribution", {"overflow": "platform", "commission": {"rates": ["0.01"]}}))
    for member, referrer in (("r", None), ("s", None), ("o", None), ("m1", "o")):
        api.member(member, **({"referrer": referrer} if referrer else {}))
    body = {"referrer": "r", "reason": "report 12"}
    assert api.ok(api.put("/v1/members/o/referees/referrer", body))["moved"] == ["m1"]
    audit = api.ok(api.get("/v1/audit-log"))
    for again in (body, {"referrer": "s", "reason": "report 13"}):
        moved = api.ok(api.put("/v1/members/o/referees/referrer", again))
        assert moved == {"member": "o", "referrer": again["referrer"], "moved": []}
    ghost = api.put("/v1/members/o/referees/referrer", {"referrer": "ghost", "reason": "x"})
    assert (ghost.status_code, ghost.json()["field"]) == (404, "referrer")
    assert api.ok(api.get("/v1/audit-log")) == audit  # no second record of a move
    assert api.ok(api.get("/v1/members/m1"))["referrer"] == "r"
    clean(api, context)


@pytest.mark.parametrize("into", ["cash", "shares", "points"])
def test_a_reversal_after_a_conversion_through_the_api(
    api: Api, context: Context, into: str
) -> None:
    """o1 pays a 10.00 of contribution, o2 20.00; o1 is reversed before the conversion
    (the balance goes back), o2 after it (what it became goes back, or is owed)."""
    api.ok(
        api.put(
            "/v1/distribution",
            {"overflow": "platform", "commission": {"rates": ["0.1"], "pay_in": "contribution"}},
        )
    )
    api.pool()
    api.member("a")
    api.member("x", referrer="a")
    api.completed_order("o1", "x", amount="100.00", contribution="0.00")
    api.completed_order("o2", "x", amount="200.00", contribution="0.00")
    wallet = api.ok(api.get("/v1/members/a/wallet"))
    assert (wallet["contribution"], wallet["contribution_debt"]) == ("30.00", "0.00")
    api.ok(api.post("/v1/orders/o1/reverse"))
    assert api.ok(api.get("/v1/members/a/wallet"))["contribution"] == "20.00"
    rate = {"cash": "0.5", "shares": "0.0005", "points": "1"}[into]
    body = {"id": "v1", "into": into, "rate": rate, "reason": "year end"}
    [done] = api.ok(
        api.post(
            "/v1/contribution/conversions", body | ({"pool": "main"} if into == "points" else {})
        )
    )
    assert done["balance"] == "20.00"
    api.ok(api.post("/v1/orders/o2/reverse"))
    wallet = api.ok(api.get("/v1/members/a/wallet"))
    assert (wallet["balance"], wallet["debt"], wallet["contribution"]) == ("0.00", "0.00", "0.00")
    # cash and shares go back; points stay with the member, their value owed in contribution
    assert wallet["contribution_debt"] == ("20.00" if into == "points" else "0.00")
    clean(api, context)
    if into == "points":  # shown where the member's balances are, in both languages
        sign_in(api.client, api.tenant)
        detail = api.client.get("/console/members/a").text
        assert (
            "Owed in contribution" in detail
            and "20.00" in detail.split("Owed in contribution")[1][:200]
        )
        api.client.cookies.clear()
        token = api.ok(api.post("/v1/members/a/page-token"))
        assert enter_member_page(api.client, token).status_code == 303
        page = api.client.get("/m").text
        assert "You owe ¥20.00 of contribution" in page or "You owe 20.00 of contribution" in page
        api.client.get("/language/zh")
        assert "欠贡献分" in api.client.get("/m").text
    if into == "points":  # the next reward settles it first, nothing held until then
        api.completed_order("o3", "x", amount="150.00", contribution="0.00")
        wallet = api.ok(api.get("/v1/members/a/wallet"))
        assert (wallet["contribution"], wallet["contribution_debt"]) == ("0.00", "5.00")
        clean(api, context)


def _converted(api: Api) -> None:
    """a earns 10.00 of contribution on x's o1, converted into cash at 0.5."""
    api.ok(
        api.put(
            "/v1/distribution",
            {"overflow": "platform", "commission": {"rates": ["0.1"], "pay_in": "contribution"}},
        )
    )
    api.pool()
    api.member("a")
    api.member("x", referrer="a")
    api.completed_order("o1", "x", amount="100.00", contribution="0.00")


def test_bad_and_huge_rates_are_refused_naming_the_rate(api: Api, context: Context) -> None:
    _converted(api)
    for rate in ("1e3", "１０００", "-1", "0", "1" + "0" * 40, "999999999999"):
        body = {"id": f"v-{len(rate)}", "into": "cash", "rate": rate, "reason": "r"}
        refused = api.post("/v1/contribution/conversions", body)
        assert refused.status_code == 422, (rate, refused.json())
        assert refused.json()["field"] == "rate", rate
    wallet = api.ok(api.get("/v1/members/a/wallet"))
    assert (wallet["balance"], wallet["contribution"]) == ("0.00", "10.00")
    clean(api, context)


def test_one_order_reversed_twice_at_once_after_a_conversion(api: Api, context: Context) -> None:
    _converted(api)
    body = {"id": "v1", "into": "cash", "rate": "0.5", "reason": "r"}
    api.ok(api.post("/v1/contribution/conversions", body))
    owner = Principal(api.tenant, "user:owner", Role.OWNER)
    start = threading.Barrier(2)

    def send(_: int) -> object:
        start.wait(timeout=30)
        try:
            return reverse(context, owner, "o1")
        except DomainError as error:
            return error.code

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(send, range(2)))
    # a reversal sent again is answered as the first (the order is reversed), applied once
    first, second = answers
    assert isinstance(first, OrderView) and first == second, answers
    assert first.status == "reversed"
    taken = [one for one in _journal_of(context, api.tenant) if one == "reward_reversal"]
    assert len(taken) == 1
    wallet = api.ok(api.get("/v1/members/a/wallet"))  # the 5.00 paid went back, once
    assert (wallet["balance"], wallet["debt"], wallet["contribution_debt"]) == (
        "0.00",
        "0.00",
        "0.00",
    )
    clean(api, context)


def _journal_of(context: Context, tenant: str) -> list[str]:
    """The kinds of the tenant's ledger entries, in order."""
    e = t.entries.c
    with context.database.reader.connect() as connection:
        rows = connection.execute(
            select(e.kind).where(e.tenant_id == tenant).order_by(e.entry_id)
        ).all()
    return [row.kind for row in rows]
