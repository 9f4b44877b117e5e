"""Issue 19's mode rules (items 6-11): the seeds' numbers where they give them, edges
of our own, reversals, and the books sound after each."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.rules.test_modes_examples import START, Modes, at, paid
from zengzhi.core.amounts import Ratio
from zengzhi.core.errors import DomainError
from zengzhi.core.events import (
    CompleteOrder,
    CompleteTask,
    ConfigureDistribution,
    GrantAgent,
    Join,
    ModeIncome,
    OrderLine,
    ReverseOrder,
)
from zengzhi.core.ledger import Entry
from zengzhi.engine.config import DistributionConfig, TenantConfig, load_config
from zengzhi.engine.wire import read_event, to_line
from zengzhi.engine.zones import parse_zone
from zengzhi.rules.pool import PoolParams, boosted_base


def _campaign(boost: str, points: bool = True) -> dict[str, Any]:
    return {
        "campaign": {
            "starts": at(5).isoformat(),
            "ends": at(10).isoformat(),
            "boost": boost,
            "points": points,
        }
    }


def _pool_order(tenant: Modes, order: str, amount: int, contribution: int, day: int) -> Entry:
    line = OrderLine(
        amount=amount,
        contribution=contribution,
        pool="main",
        platform=amount - contribution,
        zone="closing",
    )
    entries = tenant.apply(CompleteOrder(order, "a", (line,), at=at(day)))
    return next(one for one in entries if one.kind == "mint")


# ------------------------------------------------ item 9: the campaign boosts appreciation


def test_a_closing_campaign_boosts_the_points_an_order_mints() -> None:
    # spec 01's first order (1000, contribution 300, m = 0.7, price 1): 210 points; in a
    # campaign of 1.2 the same order mints on 360, 252 points (seed 002 四.4: "同样消费金额
    # 赠送更多的积分"); before and after the campaign, 210 again
    tenant = Modes({"closing": _campaign("1.2")}, ("a", None))
    before = _pool_order(tenant, "o1", 100_000, 30_000, day=1)
    assert before.params.get("mintable") is None
    tenant2 = Modes({"closing": _campaign("1.2")}, ("a", None))
    during = _pool_order(tenant2, "o1", 100_000, 30_000, day=6)
    assert during.params["mintable"] == "360.00"
    assert tenant2.balance("member:a:points:main", "PTS:main") == 252_0000
    tenant2.apply(ReverseOrder("x1", "o1"))
    assert tenant2.balance("member:a:points:main", "PTS:main") == 0
    tenant2.sound()


def test_a_boost_past_one_over_m_is_kept_below_it() -> None:
    # m = 0.7 and a boost of 1.5 would mint 315 yuan of points on 300 yuan landing, and
    # the price would fall: the base is kept at 428.57 (0.7 × 428.57 = 299.999 < 300)
    tenant = Modes({"closing": _campaign("1.5")}, ("a", None))
    mint = _pool_order(tenant, "o1", 100_000, 30_000, day=6)
    assert mint.params["mintable"] == "428.57"
    assert tenant.balance("member:a:points:main", "PTS:main") == 299_9990
    tenant.sound()


def test_a_campaign_without_points_leaves_minting_alone() -> None:
    tenant = Modes({"closing": _campaign("1.5", points=False)}, ("a", None))
    _pool_order(tenant, "o1", 100_000, 30_000, day=6)
    assert tenant.balance("member:a:points:main", "PTS:main") == 210_0000


def test_a_campaign_that_gives_less_is_refused() -> None:
    with pytest.raises(DomainError) as refused:
        parse_zone(_campaign("0.9"))
    assert refused.value.field == "settings.campaign.boost"


@given(
    contribution=st.integers(1, 10**9),
    boost=st.sampled_from(["1", "1.01", "1.2", "1.5", "3"]),
    m=st.sampled_from(["0.1", "0.7", "0.9", "0.99"]),
)
def test_a_boosted_base_never_lets_the_points_outweigh_the_money(
    contribution: int, boost: str, m: str
) -> None:
    base = boosted_base(PoolParams(mint_ratio=Ratio(m)), contribution, Ratio(boost))
    assert contribution <= base <= Ratio(boost).num * contribution // Ratio(boost).den or (
        base == contribution
    )
    assert Ratio(m).fraction * base < contribution


@settings(max_examples=30, deadline=None)
@given(
    days=st.lists(st.integers(0, 12), min_size=1, max_size=6), boost=st.sampled_from(["1.2", "2"])
)
def test_boosted_orders_and_their_reversals_keep_the_books(days: list[int], boost: str) -> None:
    tenant = Modes({"closing": _campaign(boost)}, ("a", None))
    prices = []
    for n, day in enumerate(days):
        _pool_order(tenant, f"o{n}", 100_000, 30_000, day)
        cash = tenant.balance("pool:main")
        points = -tenant.balance("pool:main:supply", "PTS:main")
        prices.append(Fraction(cash * 10_000, points))
    assert prices == sorted(prices)  # each order lifts the price, boosted or not
    tenant.apply(ReverseOrder("x0", "o0"))
    tenant.sound()


# ------------------------------------------------ item 7: third-party ad income


SEED_004_TIERS = [
    {"up_to": "200", "release": "2"},
    {"up_to": "1000", "release": "10"},
    {"up_to": "2000", "release": "20"},
    {"up_to": "4000", "release": "40"},
    {"release": "50"},
]


def test_an_advertisers_payment_funds_the_ad_releases() -> None:
    # seed 004 五: "观看第三方广告，第三方也会给平台相应的补贴" — the mode has no funding
    # of its own and is not backed: a task releases nothing until an advertiser pays
    zones = {"ads": {"ads": {"ratio": "1", "rule": "tiers", "tiers": SEED_004_TIERS}}}
    tenant = Modes(zones, ("A", None), ("B", "A"))
    tenant.buy("B", "1000.00", "ads")
    assert paid(tenant.task("B", "ads", 1), "release") == []
    [income] = tenant.apply(ModeIncome("ad-1", "ads", "ads", 2_000, "advertiser 7, Nov"))
    assert income.postings == (
        ("external:third_parties", "CNY", -2_000),
        ("mode:ads:ads:reserve", "CNY", 2_000),
    )
    entries = tenant.task("B", "ads", 2)  # 1000 held: 10.00, and A's 20% share
    assert paid(entries, "release") == [("B", "10.00")]
    assert paid(entries, "release_share") == [("A", "2.00")]
    assert tenant.balance("mode:ads:ads:reserve") == 800
    tenant.apply(ReverseOrder("x1", "o1"))  # the income stays: it backs other promises
    assert tenant.balance("mode:ads:ads:reserve") >= 800
    tenant.sound()


@pytest.mark.parametrize(
    ("zone", "mode", "amount", "source", "field"),
    [
        ("ads", "union", 100, "x", "mode"),
        ("ads", "ads", 0, "x", "amount"),
        ("ads", "ads", 100, " ", "source"),
        ("nowhere", "ads", 100, "x", "zone"),
    ],
)
def test_bad_income_changes_nothing(
    zone: str, mode: str, amount: int, source: str, field: str
) -> None:
    tenant = Modes({"ads": {"ads": {"ratio": "1"}}})
    with pytest.raises(DomainError) as refused:
        tenant.apply(ModeIncome("ad-1", zone, mode, amount, source))
    assert refused.value.field == field
    assert tenant.balance("mode:ads:ads:reserve") == 0


def test_income_reads_back_from_its_log_line() -> None:
    event = ModeIncome("ad-1", "ads", "ads", 2_000, "advertiser 7")
    assert read_event(to_line(event), TenantConfig()) == event


# ------------------------------------------------ item 6: zone eligibility

REPURCHASE = {
    "package": {"ads": {"ratio": "1.1", "backed": True}},
    "repurchase": {"ads": {"ratio": "0.3", "backed": True}, "requires": {"zones": ["package"]}},
}


def test_a_repurchase_zone_is_open_only_to_buyers_of_a_package() -> None:
    # seed 002 二.4: "需要购买报单区产品后才有资格购买" the repurchase zone's products
    tenant = Modes(REPURCHASE, ("a", None))
    with pytest.raises(DomainError) as refused:
        tenant.buy("a", "100.00", "repurchase")
    assert refused.value.field == "lines" and "'package'" in refused.value.message
    assert tenant.balance("member:a:wallet") == 0 and tenant.journal == []
    tenant.buy("a", "1000.00", "package")  # o2
    tenant.buy("a", "100.00", "repurchase")  # o3
    assert tenant.held("a", "repurchase", "ads", "AD") == "30.0000"
    tenant.apply(ReverseOrder("x2", "o2"))  # the package refunded: no longer eligible
    with pytest.raises(DomainError):
        tenant.buy("a", "100.00", "repurchase")
    tenant.sound()


def test_a_level_opens_the_zone_too() -> None:
    zones = {"vip": {"ads": {"ratio": "1", "backed": True}, "requires": {"level": 1}}}
    tenant = Modes(zones, ("a", None), ("b", "a"))
    tenant.state.distribution.params = DistributionConfig.model_validate(
        {"team": {"levels": [{"performance": "500.00", "rate": "0.01"}]}}
    ).params()
    with pytest.raises(DomainError):
        tenant.buy("a", "100.00", "vip")
    line = OrderLine(amount=50_000, contribution=0, pool=None, platform=50_000)
    tenant.apply(CompleteOrder("b1", "b", (line,)))  # a's team reaches level 1
    tenant.buy("a", "100.00", "vip")
    assert tenant.held("a", "vip", "ads", "AD") == "100.0000"


def test_requirements_read_from_the_configuration() -> None:
    modes = parse_zone({"requires": {"zones": ["package"], "level": 2}})
    assert (modes.requires.zones, modes.requires.level) == (("package",), 2)
    with pytest.raises(DomainError) as refused:
        parse_zone({"requires": {"level": 0}})
    assert refused.value.field == "settings.requires.level"


# ------------------------------------------------ item 10: union values per product


def test_union_credit_pool_share_and_acceleration_set_by_the_product() -> None:
    # seed 004 四: "产品100元设定赠送110工会积分（零撸+收益）", the pool share and the
    # acceleration "根据产品设定": the zone gives 100 for 100, 50% into the pool and 20%
    # acceleration; product "plus" gives 110, puts 60% in and accelerates 30%
    zones = {"u": {"union": {"funding": "0.5", "lock_days": 15, "dynamic": "0.2"}}}
    tenant = Modes(zones, ("A", None), ("B", "A"))
    plus = (("union", "1.1"), ("union_dynamic", "0.3"), ("union_funding", "0.6"))
    tenant.buy("A", "100.00", "u")  # the zone's values: a credit of 100, 50 into the pool
    assert tenant.held("A", "u", "union", "UNION") == "100.00"
    entries = tenant.buy("B", "100.00", "u", modes=plus)
    assert paid(entries, "queue_payment") == [("A", "30.00")]  # 30% of B's 100
    assert tenant.held("B", "u", "union", "UNION") == "110.00"
    funding = [one for one in entries if one.kind == "mode_funding"]
    assert [one.params["share"] for one in funding] == ["0.6"]
    assert tenant.balance("mode:u:union:reserve") == 5_000 + 6_000 - 3_000
    tenant.apply(ReverseOrder("x2", "o2"))  # B's order: its credit void, A's 30 owed back
    assert tenant.held("A", "u", "union", "UNION") == "100.00"
    tenant.sound()


def test_a_product_with_a_bad_union_value_is_refused() -> None:
    tenant = Modes({"u": {"union": {"funding": "0.5"}}})
    with pytest.raises(DomainError) as refused:
        tenant.buy("A", "100.00", "u", modes=(("union_funding", "1.5"),))
    assert refused.value.field == "lines.modes.union_funding"
    with pytest.raises(DomainError) as unknown:
        load_config(
            {"products": {"p": {"price": "1", "platform": "1", "modes": {"union_speed": "1"}}}}
        )
    assert unknown.value.field == "products.p.modes.union_speed"


# ------------------------------------------------ item 11: 平级 in green team acceleration

SEED_004_RATES = ["0.10", "0.20", "0.26", "0.32", "0.38", "0.44", "0.50"]


def _green_team(rates: list[str], thresholds: list[str], **green: Any) -> Modes:
    settings_ = {"acceleration": [], "team": rates, "backed": True, **green}
    tenant = Modes({"g": {"green": settings_}}, ("A", None), ("B", "A"), ("C", "B"), ("D", "C"))
    levels = [{"performance": one, "rate": "0"} for one in thresholds]
    tenant.apply(ConfigureDistribution("d", {"team": {"levels": levels}}))
    return tenant


def _plain(tenant: Modes, order: str, member: str, fen: int) -> None:
    line = OrderLine(amount=fen, contribution=0, pool=None, platform=fen)
    tenant.apply(CompleteOrder(order, member, (line,)))


def _from(entries: list[Entry], source: str) -> list[tuple[str, str, str]]:
    return [
        (one.params["member"], one.params["amount"], one.params["as"])
        for one in entries
        if one.kind == "acceleration" and one.params["from"] == source
    ]


def test_seed_004_team_differential_in_green_points() -> None:
    # seed 004 三: C (10%), B (44%), A (50%) above a release: C gets 10%, B 44 - 10 = 34%,
    # A 50 - 44 = 6%. D's 1000 package releases 12.00 a day: 1.20, 4.08, 0.72
    tenant = _green_team(SEED_004_RATES, [f"{n}000" for n in range(1, 8)])
    for member in "DCBA":
        tenant.buy(member, "1000.00", "g")
    _plain(tenant, "c-more", "C", 400_000)  # B's team: 6000 (6 stars), A's 7000 (7)
    got = _from(tenant.day("g", 1), "D")
    assert got == [("C", "1.20", "star 1"), ("B", "4.08", "star 6"), ("A", "0.72", "star 7")]
    tenant.sound()


def test_the_first_same_level_upline_gets_the_peer_share_once() -> None:
    tenant = _green_team(["0.10", "0.50"], ["1000", "4000"], peer="0.1")
    for member in "DCBA":
        tenant.buy(member, "1000.00", "g")
    _plain(tenant, "b-more", "B", 100_000)  # A's team: 4000 (2 stars); B, C: 1 star
    got = _from(tenant.day("g", 1), "D")
    # C 10% = 1.20; B, the same level, 10% of C's 1.20; A 50 - 10 = 40% = 4.80
    assert got == [("C", "1.20", "star 1"), ("B", "0.12", "peer 1"), ("A", "4.80", "star 2")]
    tenant.sound()


def test_a_peer_share_needs_team_levels() -> None:
    with pytest.raises(DomainError) as refused:
        parse_zone({"green": {"peer": "0.1"}})
    assert refused.value.field == "settings.green.peer"


# ------------------------------------------------ item 8: agents on the ad-release base

SEED_002_AGENTS = {"area": "0.001", "province": "0.002", "city": "0.005", "district": "0.008"}


def test_agents_are_paid_on_what_the_ads_release() -> None:
    # seed 002 三.3 (大区 0.1%, 省 0.2%, 市 0.5%, 区县镇 0.8%, each in full), on the release
    # rather than the order ("按看广告释放金额计算"): 100,000 buys 110,000 ad points, the
    # day's 1% releases 1,100.00: the district agent 8.80, city 5.50, province 2.20, area 1.10
    zones = {"ads": {"ads": {"ratio": "1.1", "backed": True, "agents": SEED_002_AGENTS}}}
    tenant = Modes(zones, ("A", None), ("B", "A"), ("d", None), ("c", None), ("p", None))
    tenant.apply(Join("j-r", "r", None))
    tenant.state.distribution.params = DistributionConfig.model_validate(
        {"agents": {"areas": {"华南": ["广东"]}}}
    ).params()
    for member, region, level in (
        ("d", "广东/深圳/南山", "district"),
        ("c", "广东/深圳", "city"),
        ("p", "广东", "province"),
        ("r", "华南", "area"),
    ):
        tenant.apply(GrantAgent(f"g-{member}", member, region, level, 0))
    tenant.buy("B", "100000.00", "ads")
    entries = tenant.apply(
        CompleteTask("t1", "B", "ads", START + timedelta(days=1), "", None, "广东/深圳/南山")
    )
    assert paid(entries, "release") == [("B", "1100.00")]
    assert paid(entries, "release_share") == [
        ("A", "220.00"),
        ("d", "8.80"),
        ("c", "5.50"),
        ("p", "2.20"),
        ("r", "1.10"),
    ]
    tenant.apply(ReverseOrder("x1", "o1"))  # the gift is void: every share taken back
    assert [tenant.wallet(m) for m in "dcpr"] == ["0.00"] * 4
    tenant.sound()


def test_without_a_region_no_agent_is_paid() -> None:
    zones = {"ads": {"ads": {"ratio": "1", "backed": True, "agents": {"city": "0.5"}}}}
    tenant = Modes(zones, ("c", None))
    tenant.apply(GrantAgent("g", "c", "广东/深圳", "city", 0))
    tenant.buy("B", "1000.00", "ads")
    entries = tenant.task("B", "ads", 1)
    assert paid(entries, "release_share") == []
    with pytest.raises(DomainError) as refused:
        parse_zone({"ads": {"agents": {"galaxy": "0.1"}}})
    assert refused.value.field == "settings.ads.agents.galaxy"
