"""The seeds' distribution examples (spec 02), with the rewards written out."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from tests.conftest import Tenant
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.events import (
    Bind,
    CompleteOrder,
    ConfigureDistribution,
    GrantAgent,
    Join,
    OrderLine,
    PayDividend,
    Reassign,
    ReverseOrder,
)
from zengzhi.core.ledger import CNY, Entry
from zengzhi.engine.config import DistributionConfig

SEED_004_LEVELS = [  # 团队收益: team performance and rate
    ("50000.00", "0.10"),
    ("200000.00", "0.20"),
    ("600000.00", "0.26"),
    ("2000000.00", "0.32"),
    ("6000000.00", "0.38"),
    ("15000000.00", "0.44"),
    ("30000000.00", "0.50"),
]


def network(settings: dict[str, Any], *links: tuple[str, str | None]) -> Tenant:
    """A tenant with distribution settings and members joined in order (member, referrer)."""
    tenant = Tenant()
    tenant.state.distribution.params = DistributionConfig.model_validate(settings).params()
    for n, (member, referrer) in enumerate(links):
        tenant.apply(Join(f"j{n}", member, referrer))
    return tenant


def order(
    tenant: Tenant, order_id: str, member: str, amount: int, distribution: int, **more: Any
) -> list[Entry]:
    line = OrderLine(
        amount=amount,
        contribution=0,
        pool=None,
        distribution=distribution,
        platform=amount - distribution,
    )
    return tenant.apply(CompleteOrder(order_id, member, (line,), **more))


def rewards(entries: list[Entry]) -> list[tuple[str, str, str]]:
    """(kind, member, amount) of each reward, in the order they were booked."""
    return [
        (e.params["kind"], e.params["member"], e.params["amount"])
        for e in entries
        if e.kind == "reward"
    ]


def test_cross_store_commission_three_and_two_per_mille() -> None:
    # seed 000: whatever store a member buys at, the referrer gets 0.3%, theirs 0.2%
    tenant = network(
        {"commission": {"rates": ["0.003", "0.002"]}}, ("a", None), ("b", "a"), ("c", "b")
    )
    entries = order(tenant, "o1", "c", 100_000, 2_000, store="any-store")
    assert rewards(entries) == [("direct", "b", "3.00"), ("indirect", "a", "2.00")]
    direct = next(e for e in entries if e.kind == "reward")
    assert direct.params["rate"] == "0.003" and direct.params["base"] == "1000.00"
    assert direct.postings == (("platform:distribution", CNY, -300), ("member:b:wallet", CNY, 300))
    assert tenant.balance("member:a:wallet") == 200


def test_the_recruiter_earns_half_a_percent_of_the_store_turnover() -> None:
    tenant = network({"recruiter": {"rate": "0.005"}}, ("r", None), ("buyer", None))
    entries = order(tenant, "o1", "buyer", 100_000, 2_000, store="s1", recruiter="r")
    assert rewards(entries) == [("recruiter", "r", "5.00")]


AGENTS = {
    "agents": {
        "mode": "differential",
        "rates": {"district": "0.001", "city": "0.002", "province": "0.003"},
    }
}


def agents(tenant: Tenant, district: bool) -> None:
    held = [("p", "广东", "province"), ("c", "广东/深圳", "city")]
    if district:
        held.append(("d", "广东/深圳/南山", "district"))
    for n, (member, region, level) in enumerate(held):
        tenant.apply(GrantAgent(f"g{n}", member, region, level, 5_000_000))


def test_agents_differential_with_all_three_levels() -> None:
    # seed 000: district 0.1%, city 0.2%, province 0.3%: 0.1% each when all are there
    tenant = network(AGENTS, ("p", None), ("c", None), ("d", None), ("buyer", None))
    agents(tenant, district=True)
    entries = order(tenant, "o1", "buyer", 100_000, 2_000, region="广东/深圳/南山")
    assert rewards(entries) == [
        ("agent", "d", "1.00"),
        ("agent", "c", "1.00"),
        ("agent", "p", "1.00"),
    ]


def test_agents_differential_without_a_district_agent() -> None:
    tenant = network(AGENTS, ("p", None), ("c", None), ("buyer", None))
    agents(tenant, district=False)
    entries = order(tenant, "o1", "buyer", 100_000, 2_000, region="广东/深圳/南山")
    assert rewards(entries) == [("agent", "c", "2.00"), ("agent", "p", "1.00")]


def test_agents_flat_per_level() -> None:
    # seed 002: big area 0.1%, province 0.2%, city 0.5%, district 0.8%, each in full
    tenant = network(
        {
            "agents": {
                "mode": "flat",
                "rates": {
                    "area": "0.001",
                    "province": "0.002",
                    "city": "0.005",
                    "district": "0.008",
                },
                "areas": {"华南": ["广东", "广西"]},
            }
        },
        ("x", None),
        ("p", None),
        ("c", None),
        ("d", None),
        ("buyer", None),
    )
    for n, (member, region, level) in enumerate(
        [
            ("x", "华南", "area"),
            ("p", "广东", "province"),
            ("c", "广东/深圳", "city"),
            ("d", "广东/深圳/南山", "district"),
        ]
    ):
        tenant.apply(GrantAgent(f"g{n}", member, region, level, 0))
    entries = order(tenant, "o1", "buyer", 100_000, 2_000, region="广东/深圳/南山")
    assert rewards(entries) == [
        ("agent", "d", "8.00"),
        ("agent", "c", "5.00"),
        ("agent", "p", "2.00"),
        ("agent", "x", "1.00"),
    ]


def test_agent_rights_are_a_recorded_payment_one_agent_a_region_and_level() -> None:
    tenant = network({}, ("c", None), ("c2", None))
    [payment] = tenant.apply(GrantAgent("g1", "c", "广东/深圳", "city", 5_000_000))
    assert payment.kind == "agent_rights"
    assert tenant.balance("platform:agent_rights") == 5_000_000
    with pytest.raises(DomainError) as taken:
        tenant.apply(GrantAgent("g2", "c2", "广东/深圳", "city", 5_000_000))
    assert (taken.value.code, taken.value.field) == (ErrorCode.CONFLICT, "region")


def test_seed_004_team_example_c_b_a() -> None:
    # C (1 star, 10%), B (6 stars, 44%), A (7 stars, 50%) above a base of 10,000:
    # C gets 1,000, B 4,400 − 1,000 = 3,400, A 5,000 − 4,400 = 600
    levels = [{"performance": p, "rate": r} for p, r in SEED_004_LEVELS]
    tenant = network(
        {"team": {"levels": levels}, "overflow": "platform"},
        ("a", None),
        ("b", "a"),
        ("c", "b"),
        ("buyer", "c"),
        ("fill_c", "c"),
        ("fill_b", "b"),
        ("fill_a", "a"),
    )
    # earlier orders below them: with the buyer's 10,000, C reaches 50,000 (1 star), B 15
    # million (6 stars), A 30 million (7 stars)
    order(tenant, "f1", "fill_c", 4_000_000, 0)
    order(tenant, "f2", "fill_b", 1_500_000_000 - 5_000_000, 0)
    order(tenant, "f3", "fill_a", 1_500_000_000, 0)
    entries = order(tenant, "o1", "buyer", 1_000_000, 0)
    assert rewards(entries) == [
        ("team", "c", "1000.00"),
        ("team", "b", "3400.00"),
        ("team", "a", "600.00"),
    ]
    team = [e for e in entries if e.kind == "reward"]
    assert [e.params["rate"] for e in team] == ["0.1-0", "0.44-0.1", "0.5-0.44"]
    assert all(e.params["base"] == "10000.00" for e in team)


def test_the_peer_reward_goes_to_the_first_same_level_upline_only() -> None:
    levels = [{"performance": "100.00", "rate": "0.10"}, {"performance": "1000.00", "rate": "0.20"}]
    tenant = network(
        {"team": {"levels": levels, "peer_share": "0.1"}, "overflow": "platform"},
        ("top", None),
        ("a", "top"),
        ("b", "a"),
        ("buyer", "b"),
    )
    entries = order(tenant, "o1", "buyer", 100_000, 0)  # everyone above has 1000: level 2
    assert rewards(entries) == [("team", "b", "200.00"), ("peer", "a", "20.00")]


def test_an_orders_rewards_stop_at_its_budget_unless_the_platform_pays_over() -> None:
    settings: dict[str, Any] = {"commission": {"rates": ["0.3", "0.2"]}}
    tenant = network(settings, ("a", None), ("b", "a"), ("c", "b"))
    entries = order(tenant, "o1", "c", 1_000, 400)  # 300 + 200 wanted, 400 budget
    assert rewards(entries) == [("direct", "b", "3.00"), ("indirect", "a", "2.00")]
    indirect = [e for e in entries if e.kind == "reward"][1]
    assert indirect.params["cut"] == "1.00" and tenant.balance("member:a:wallet") == 100
    tenant.apply(ConfigureDistribution("cfg", {**settings, "overflow": "platform"}))
    order(tenant, "o2", "c", 1_000, 400)
    assert tenant.balance("member:a:wallet") == 300
    assert tenant.balance("platform:funding") == -100


def test_rewards_in_the_contribution_balance() -> None:
    tenant = network(
        {"commission": {"rates": ["0.01"], "pay_in": "contribution"}}, ("a", None), ("b", "a")
    )
    order(tenant, "o1", "b", 100_000, 5_000)
    assert tenant.balance("member:a:wallet") == 0
    assert tenant.balance("member:a:contribution", "CONTRIB") == 1_000
    assert tenant.balance("platform:contribution_reserve") == 1_000  # backed by cash


def test_a_reversal_takes_rewards_back_down_to_a_debt() -> None:
    tenant = network(
        {"commission": {"rates": ["0.003", "0.002"]}}, ("a", None), ("b", "a"), ("c", "b")
    )
    order(tenant, "o1", "c", 100_000, 2_000)
    tenant.state.ledger.balances[("member:b:wallet", CNY)] -= 100  # type: ignore[attr-defined]
    tenant.state.ledger.balances[("external:bank", CNY)] = 100  # type: ignore[attr-defined]
    entries = tenant.apply(ReverseOrder("r1", "o1"))
    back = [e for e in entries if e.kind == "reward_reversal"]
    assert [(e.params["member"], e.params["debt"]) for e in back] == [("b", "1.00"), ("a", "0.00")]
    assert tenant.balance("member:b:wallet") == 0
    assert tenant.balance("member:b:debt") == -100
    assert tenant.balance("member:a:wallet") == 0


def test_binding_policies_self_referral_and_cycles() -> None:
    tenant = network({"binding": "registration"}, ("a", None), ("b", "a"), ("c", None))
    with pytest.raises(DomainError, match="at registration only"):
        tenant.apply(Bind("x1", "c", "a"))
    with pytest.raises(DomainError, match="refer themselves"):
        tenant.apply(Join("x2", "d", "d"))
    with pytest.raises(DomainError, match="cycle"):
        tenant.apply(Reassign("x3", "a", "b", "asked by support"))
    first = network({"binding": "first_order"}, ("a", None), ("c", None), ("e", None))
    first.apply(Bind("x4", "c", "a"))
    with pytest.raises(DomainError, match="bound already"):
        first.apply(Bind("x5", "c", "e"))  # never rebind
    order(first, "o1", "e", 1_000, 0)
    with pytest.raises(DomainError, match="ordered already"):
        first.apply(Bind("x6", "e", "a"))
    anytime = network({"binding": "any_time"}, ("a", None), ("e", None))
    order(anytime, "o1", "e", 1_000, 0)
    anytime.apply(Bind("x7", "e", "a"))
    assert anytime.state.network.referrer("e") == "a"


def test_reassignment_affects_future_orders_only() -> None:
    tenant = network(
        {"commission": {"rates": ["0.01"]}}, ("owner", None), ("reporter", None), ("m", "owner")
    )
    order(tenant, "o1", "m", 100_000, 5_000)
    tenant.apply(Reassign("r1", "m", "reporter", "store owner used a second account"))
    order(tenant, "o2", "m", 100_000, 5_000)
    assert tenant.balance("member:owner:wallet") == 1_000  # kept: it was earned
    assert tenant.balance("member:reporter:wallet") == 1_000
    with pytest.raises(DomainError, match="needs a reason"):
        tenant.apply(Reassign("r2", "m", "owner", "  "))


def test_dividends_split_a_share_of_the_turnover_and_keep_the_remainder() -> None:
    levels = [{"performance": "100.00", "rate": "0"}]
    settings = {
        "team": {"levels": levels},
        "dividends": [
            {"name": "equal", "share": "0.05", "min_level": 1},
            {"name": "weighted", "share": "0.05", "min_level": 1, "split": "performance"},
        ],
    }
    tenant = network(
        settings, ("a", None), ("b", None), ("c", None), ("x", "a"), ("y", "b"), ("z", "c")
    )
    day = datetime(2026, 11, 20, 12, tzinfo=UTC)
    order(tenant, "o1", "x", 10_001, 0, at=day)
    order(tenant, "o2", "y", 20_000, 0, at=day)
    order(tenant, "o3", "z", 30_000, 0, at=day)
    paid = tenant.apply(PayDividend("d1", "equal", date(2026, 11, 20), date(2026, 11, 21)))
    # 5% of 600.01 = 30.00 (rounded down), 10.00 each
    assert [(e.params["member"], e.params["amount"]) for e in paid] == [
        ("a", "10.00"),
        ("b", "10.00"),
        ("c", "10.00"),
    ]
    weighted = tenant.apply(PayDividend("d2", "weighted", date(2026, 11, 20), date(2026, 11, 21)))
    assert [e.params["amount"] for e in weighted] == ["5.00", "9.99", "14.99"]
    assert sum(int(e.params["amount"].replace(".", "")) for e in weighted) <= 3_000


def test_an_order_after_midnight_in_shanghai_is_the_next_days_turnover() -> None:
    levels = [{"performance": "100.00", "rate": "0"}]
    settings = {
        "team": {"levels": levels},
        "dividends": [{"name": "equal", "share": "0.10", "min_level": 1}],
    }
    tenant = network(settings, ("a", None), ("x", "a"))
    order(tenant, "o1", "x", 100_000, 0, at=datetime(2026, 11, 20, 16, 30, tzinfo=UTC))
    the_20th = tenant.apply(PayDividend("d1", "equal", date(2026, 11, 20), date(2026, 11, 21)))
    the_21st = tenant.apply(PayDividend("d2", "equal", date(2026, 11, 21), date(2026, 11, 22)))
    assert [e.params["amount"] for e in the_20th if e.kind == "dividend"] == []
    assert [(e.params["member"], e.params["amount"]) for e in the_21st] == [("a", "100.00")]
