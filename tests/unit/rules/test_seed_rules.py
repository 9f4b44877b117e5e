"""Issue 19: the seed articles' rules that no configuration expressed before, each with
the seed's own numbers where it gives them, an edge of our own and its reversal."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import Tenant
from tests.unit.rules.test_distribution_examples import network, order, rewards
from zengzhi.core.amounts import Ratio
from zengzhi.core.errors import DomainError
from zengzhi.core.events import (
    Bind,
    ConvertContribution,
    GrantAgent,
    Join,
    PayDividend,
    Reassign,
    ReassignReferees,
    ReverseOrder,
)
from zengzhi.core.ledger import CNY, rebuild_balances, totals_by_asset
from zengzhi.engine.config import DistributionConfig, TenantConfig, load_config
from zengzhi.engine.wire import read_event, to_line

CONTRIB = "CONTRIB"


def _zero_sum(tenant: Tenant) -> None:
    """Every entry balances per asset (the ledger refuses otherwise: read back to be sure)."""
    for one in tenant.journal:
        totals: dict[str, int] = {}
        for _, asset, amount in one.postings:
            totals[asset] = totals.get(asset, 0) + amount
        assert all(total == 0 for total in totals.values()), one


# ------------------------------------------------ item 3: agents and recruiter pay_in


def test_recruiter_and_agents_paid_into_the_contribution_balance() -> None:
    # seed 002 三.3 备注: agents "跟团队长一样发放大财务宝"; the recruiter likewise
    settings_: dict[str, Any] = {
        "recruiter": {"rate": "0.005", "pay_in": "contribution"},
        "agents": {"mode": "flat", "rates": {"city": "0.005"}, "pay_in": "contribution"},
    }
    tenant = network(settings_, ("r", None), ("g", None), ("u", None))
    tenant.apply(GrantAgent("g1", "g", "广东/深圳", "city", 0))
    entries = order(tenant, "o1", "u", 100_000, 2_000, recruiter="r", region="广东/深圳/南山")
    assert rewards(entries) == [("recruiter", "r", "5.00"), ("agent", "g", "5.00")]
    assert tenant.balance("member:r:contribution", CONTRIB) == 500
    assert tenant.balance("member:g:contribution", CONTRIB) == 500
    assert tenant.balance("member:r:wallet") == 0 and tenant.balance("member:g:wallet") == 0
    assert tenant.balance("platform:contribution_reserve") == 1_000
    tenant.apply(ReverseOrder("x1", "o1"))
    assert tenant.balance("member:r:contribution", CONTRIB) == 0
    assert tenant.balance("member:g:contribution", CONTRIB) == 0
    assert tenant.balance("platform:contribution_reserve") == 0
    _zero_sum(tenant)


def test_pay_in_refuses_an_unknown_balance() -> None:
    with pytest.raises(DomainError) as refused:
        load_config({"distribution": {"agents": {"pay_in": "points"}}})
    assert refused.value.field == "distribution.agents.pay_in"


# ------------------------------------------------ item 4: promoter after a purchase


def test_a_referrer_who_never_bought_is_no_promoter() -> None:
    # seed 002 三.1: "二级分销用户消费后成为推广员": b never bought, so b's direct share is
    # not paid (nor passed up to a); a bought once and gets the indirect share
    settings_ = {"commission": {"rates": ["0.2", "0.1"], "promoter_after_purchase": True}}
    tenant = network(settings_, ("a", None), ("b", "a"), ("c", "b"))
    order(tenant, "o0", "a", 10_000, 0)
    entries = order(tenant, "o1", "c", 1_000, 300)
    assert rewards(entries) == [("indirect", "a", "1.00")]
    order(tenant, "o2", "b", 1_000, 300)  # b buys, and is a promoter from now on
    entries = order(tenant, "o3", "c", 1_000, 300)
    assert rewards(entries) == [("direct", "b", "2.00"), ("indirect", "a", "1.00")]
    tenant.apply(ReverseOrder("x3", "o3"))
    assert tenant.balance("member:b:wallet") == 0
    # o1's indirect share and o2's direct one stay; o3's are taken back
    assert tenant.balance("member:a:wallet") == 100 + 200
    _zero_sum(tenant)


def test_without_the_switch_every_referrer_earns() -> None:
    tenant = network({"commission": {"rates": ["0.2", "0.1"]}}, ("a", None), ("b", "a"), ("c", "b"))
    assert rewards(order(tenant, "o1", "c", 1_000, 300)) == [
        ("direct", "b", "2.00"),
        ("indirect", "a", "1.00"),
    ]


@settings(max_examples=40, deadline=None)
@given(
    buys=st.lists(st.tuples(st.sampled_from("abcd"), st.integers(1, 50_000)), max_size=12),
    reverse=st.sets(st.integers(0, 11)),
)
def test_promoters_and_contribution_pay_ins_create_no_money(
    buys: list[tuple[str, int]], reverse: set[int]
) -> None:
    settings_ = {
        "commission": {
            "rates": ["0.2", "0.1"],
            "promoter_after_purchase": True,
            "pay_in": "contribution",
        },
        "recruiter": {"rate": "0.01", "pay_in": "contribution"},
    }
    tenant = network(settings_, ("a", None), ("b", "a"), ("c", "b"), ("d", "c"))
    for n, (member, amount) in enumerate(buys):
        order(tenant, f"o{n}", member, amount, amount * 3 // 10, recruiter="a")
    for n in sorted(reverse):
        if n < len(buys):
            tenant.apply(ReverseOrder(f"x{n}", f"o{n}"))
    _zero_sum(tenant)
    assert set(totals_by_asset(rebuild_balances(tenant.journal)).values()) <= {0}
    # what the contribution balances hold is backed by the reserve, fen for fen
    held = sum(tenant.balance(f"member:{m}:contribution", CONTRIB) for m in "abcd")
    owed = sum(-tenant.balance(f"member:{m}:debt", CONTRIB) for m in "abcd")
    assert tenant.balance("platform:contribution_reserve", CNY) == held - owed


# ------------------------------------------------ item 3: converting contribution balances


def _with_contribution(*held: tuple[str, int]) -> Tenant:
    """Members holding contribution balances of `fen`, earned as 10% direct commission."""
    links: list[tuple[str, str | None]] = [("buyer", None)]
    links += [(member, None) for member, _ in held]
    tenant = network({"commission": {"rates": ["0.1"], "pay_in": "contribution"}}, *links)
    for n, (member, fen) in enumerate(held):
        if n == 0:
            tenant.apply(Bind(f"b{n}", "buyer", member))
        else:
            tenant.apply(Reassign(f"r{n}", "buyer", member, "next earner"))
        order(tenant, f"c{n}", "buyer", fen * 10, fen)
    return tenant


def test_conversion_into_cash_at_a_rate() -> None:
    tenant = _with_contribution(("a", 10_000), ("b", 3_333))
    entries = tenant.apply(ConvertContribution("v1", "cash", "0.8", "year-end conversion"))
    assert [(e.params["member"], e.params["paid"]) for e in entries] == [
        ("a", "80.00"),
        ("b", "26.66"),  # 33.33 × 0.8 = 26.664, rounded down
    ]
    assert tenant.balance("member:a:contribution", CONTRIB) == 0
    assert tenant.balance("member:a:wallet") == 8_000
    assert tenant.balance("platform:contribution_reserve") == 0
    assert tenant.balance("platform:profit") >= 2_000 + 667  # what the rate kept
    _zero_sum(tenant)


def test_conversion_into_shares_then_a_share_weighted_dividend() -> None:
    # seed 004 三 (股权): 2000 yuan buys 1 share, so the rate is 0.0005 shares a yuan
    tenant = _with_contribution(("a", 400_000), ("b", 200_000), ("c", 10_000))
    tenant.apply(ConvertContribution("v1", "shares", "0.0005", "原始股", ("a", "b")))
    assert tenant.balance("member:a:shares", "SHARES") == 2_0000  # 4000 yuan: 2 shares
    assert tenant.balance("member:b:shares", "SHARES") == 1_0000
    assert tenant.balance("member:c:contribution", CONTRIB) == 10_000  # not named: kept
    tenant.state.distribution.params = DistributionConfig.model_validate(
        {
            "dividends": [
                {"name": "holders", "share": "0.1", "min_level": 0, "split": "shares"},
                {"name": "honour", "share": "0.1", "min_level": 0, "split": "contribution"},
            ]
        }
    ).params()
    tenant.state.distribution.add_turnover(date(2026, 1, 1), 100_000)
    entries = tenant.apply(PayDividend("d1", "holders", date(2026, 1, 1), date(2026, 1, 2)))
    # 10% of 1000 = 100, split 2:1 by shares; the fen rounding leaves stays
    assert rewards(entries) == [("dividend", "a", "66.66"), ("dividend", "b", "33.33")]
    entries = tenant.apply(PayDividend("d2", "honour", date(2026, 1, 1), date(2026, 1, 2)))
    assert rewards(entries) == [("dividend", "c", "100.00")]  # the only contribution held
    _zero_sum(tenant)


def test_conversion_into_points_mints_at_the_pool_price() -> None:
    tenant = _with_contribution(("a", 10_000))
    entries = tenant.apply(ConvertContribution("v1", "points", "0.5", "into points", (), "main"))
    conversion = next(e for e in entries if e.kind == "conversion")
    assert conversion.params["contribution"] == "50.00"
    # an empty pool mints m × C at the opening price 1: 0.7 × 50 = 35 points
    assert conversion.params["points"] == "35.0000"
    assert tenant.balance("member:a:points:main", "PTS:main") == 35_0000
    assert tenant.balance("pool:main") == 5_000
    assert tenant.state.pools.get("main").positions.get("a").principal == 10_000  # type: ignore[union-attr]
    _zero_sum(tenant)


@pytest.mark.parametrize(
    ("into", "rate", "pool", "field"),
    [
        ("cash", "0", None, "rate"),
        ("gold", "1", None, "into"),
        ("points", "1.5", "main", "rate"),
        ("points", "1", None, "pool"),
        ("cash", "1", "main", "pool"),
        ("points", "1", "nowhere", "pool"),
    ],
)
def test_a_bad_conversion_changes_nothing(
    into: str, rate: str, pool: str | None, field: str
) -> None:
    tenant = _with_contribution(("a", 10_000))
    with pytest.raises(DomainError) as refused:
        tenant.apply(ConvertContribution("v1", into, rate, "why", (), pool))
    assert refused.value.field == field
    assert tenant.balance("member:a:contribution", CONTRIB) == 10_000


def test_a_reversal_after_conversion_takes_back_what_it_became() -> None:
    tenant = _with_contribution(("a", 10_000))
    tenant.apply(ConvertContribution("v1", "cash", "1", "paid out"))
    tenant.apply(ReverseOrder("x0", "c0"))
    # the balance became cash: the cash goes back (tests/unit/rules/test_conversion_reversal.py)
    assert tenant.balance("member:a:debt", CONTRIB) == 0
    assert tenant.balance("member:a:wallet") == 0
    _zero_sum(tenant)


@settings(max_examples=30, deadline=None)
@given(
    held=st.lists(st.integers(1, 10**7), min_size=1, max_size=4),
    into=st.sampled_from(["cash", "shares", "points"]),
    rate=st.sampled_from(["0.0005", "0.3", "1", "1.25"]),
)
def test_conversion_creates_no_money(held: list[int], into: str, rate: str) -> None:
    if into == "points" and rate == "1.25":
        rate = "1"
    tenant = _with_contribution(*((f"m{n}", fen) for n, fen in enumerate(held)))
    tenant.apply(
        ConvertContribution("v1", into, rate, "test", (), "main" if into == "points" else None)
    )
    _zero_sum(tenant)
    assert tenant.balance("platform:contribution_reserve") == 0
    assert tenant.balance("platform:contribution_issued", CONTRIB) == 0
    assert tenant.balance("platform:contributions") == 0
    if into == "cash":
        paid = sum(tenant.balance(f"member:m{n}:wallet") for n in range(len(held)))
        assert paid <= sum(held) * Ratio(rate).fraction


def test_a_conversion_reads_back_from_its_log_line() -> None:
    event = ConvertContribution("v1", "points", "0.5", "into points", ("a", "b"), "main")
    assert read_event(to_line(event), TenantConfig()) == event
    with pytest.raises(DomainError) as refused:
        read_event(
            '{"type": "convert", "id": "v", "into": "gold", "rate": "1", "reason": "r"}',
            TenantConfig(),
        )
    assert refused.value.field == "into"


# ------------------------------------------------ item 5: batch re-binding after a report


def test_a_report_moves_every_direct_member_of_the_store_to_the_reporter() -> None:
    # seed 000 举报 1: the owner o bound its store's members under a second account
    # o2, so the recruiter r never saw 间推; support moves o2's direct members to r
    settings_ = {"commission": {"rates": ["0.01", "0.005"]}}
    links = [("r", None), ("o", "r"), ("o2", "o"), ("m1", "o2"), ("m2", "o2"), ("k", "m1")]
    tenant = network(settings_, *links)
    assert rewards(order(tenant, "o1", "m1", 100_000, 2_000)) == [
        ("direct", "o2", "10.00"),
        ("indirect", "o", "5.00"),
    ]
    tenant.apply(ReassignReferees("rb", "o2", "r", "report 12: o2 is o's second account"))
    assert tenant.state.network.referees("o2") == []
    assert tenant.state.network.referees("r") == ["m1", "m2", "o"]
    assert tenant.state.network.referrer("k") == "m1"  # the deeper levels move with them
    # future orders only: o1's rewards stay where they were paid
    assert tenant.balance("member:o2:wallet") == 1_000
    assert rewards(order(tenant, "o2", "m1", 100_000, 2_000)) == [("direct", "r", "10.00")]
    tenant.apply(ReverseOrder("x1", "o1"))  # an earlier order's reversal takes from o2
    assert tenant.balance("member:o2:wallet") == 0
    assert tenant.balance("member:r:wallet") == 1_000


@pytest.mark.parametrize(
    ("member", "referrer", "reason", "field"),
    [
        ("o", "k", "report", "referrer"),  # k is below m1: m1 under k is a cycle
        ("o", "o", "report", "referrer"),
        ("o", "r", " ", "reason"),
        ("o", "nobody", "report", "referrer"),
    ],
)
def test_a_bad_batch_move_changes_nothing(
    member: str, referrer: str, reason: str, field: str
) -> None:
    tenant = network({}, ("r", None), ("o", None), ("m1", "o"), ("m2", "o"), ("k", "m1"))
    with pytest.raises(DomainError) as refused:
        tenant.apply(ReassignReferees("rb", member, referrer, reason))
    assert refused.value.field == field
    assert tenant.state.network.referees("o") == ["m1", "m2"]


def test_a_batch_move_reads_back_from_its_log_line() -> None:
    event = ReassignReferees("rb", "o", "r", "report 12")
    assert read_event(to_line(event), TenantConfig()) == event


# ------------------------------------------------ item 1: the recruiter's indirect members

SEED_000_THREE = {  # 三: 直推 1%, 间推 0.5%, 招商 1% of the recruited store's turnover
    "commission": {"rates": ["0.01", "0.005"]},
    "recruiter": {"rate": "0.01", "indirect_members": True},
}


def test_a_recruited_stores_members_are_the_recruiters_indirect_members() -> None:
    # A recruited store B (owner b, who came in through x, not A); a member bound through
    # B's code buys 1000 anywhere: b gets 1% direct, A 0.5% indirect (not x); at B, A also
    # gets its 1% recruiter reward on B's turnover
    tenant = network(SEED_000_THREE, ("A", None), ("x", None), ("b", "x"))
    tenant.apply(Join("j-u", "u", "b", None, "A"))  # through store B's code
    assert rewards(order(tenant, "o1", "u", 100_000, 2_500, store="elsewhere")) == [
        ("direct", "b", "10.00"),
        ("indirect", "A", "5.00"),
    ]
    assert rewards(order(tenant, "o2", "u", 100_000, 2_500, store="B", recruiter="A")) == [
        ("direct", "b", "10.00"),
        ("indirect", "A", "5.00"),
        ("recruiter", "A", "10.00"),
    ]
    tenant.apply(ReverseOrder("x2", "o2"))
    assert tenant.balance("member:A:wallet") == 500
    assert tenant.balance("member:x:wallet") == 0


def test_seed_000_twenty_stores_a_month_scaled_down() -> None:
    # seed 000 三 2: A recruits 20 stores with 5000 a day each (3,000,000 a month: 1% is
    # 30,000), and their bound members are A's 间推 at 0.5%. Scaled to one member a store
    # buying 5000 × 30 at their store: 20 × 150,000 × (1% + 0.5%) = 45,000.00
    tenant = network(SEED_000_THREE, ("A", None))
    for n in range(20):
        tenant.apply(Join(f"jo{n}", f"owner{n}", None))
        tenant.apply(Join(f"jm{n}", f"m{n}", f"owner{n}", None, "A"))
        order(tenant, f"o{n}", f"m{n}", 15_000_000, 375_000, recruiter="A")
    assert tenant.balance("member:A:wallet") == 4_500_000
    assert tenant.balance("member:owner0:wallet") == 150_000  # 1% direct


def test_without_indirect_members_the_owners_referrer_stays_second() -> None:
    settings_ = {"commission": {"rates": ["0.01", "0.005"]}, "recruiter": {"rate": "0.01"}}
    tenant = network(settings_, ("A", None), ("x", None), ("b", "x"))
    tenant.apply(Join("j-u", "u", "b", None, "A"))
    assert rewards(order(tenant, "o1", "u", 100_000, 2_500)) == [
        ("direct", "b", "10.00"),
        ("indirect", "x", "5.00"),
    ]


def test_a_reassigned_member_is_no_longer_the_stores() -> None:
    tenant = network(SEED_000_THREE, ("A", None), ("b", None), ("c", None))
    tenant.apply(Join("j-u", "u", "b", None, "A"))
    tenant.apply(Reassign("r1", "u", "c", "moved"))
    assert tenant.state.network.sponsor_of("u") is None
    assert rewards(order(tenant, "o1", "u", 100_000, 2_500)) == [("direct", "c", "10.00")]


def test_a_deeper_level_continues_above_the_recruiter() -> None:
    settings_ = {
        "commission": {"rates": ["0.01", "0.005", "0.002"]},
        "recruiter": {"rate": "0.01", "indirect_members": True},
    }
    tenant = network(settings_, ("R0", None), ("A", "R0"), ("b", None))
    tenant.apply(Join("j-u", "u", "b", None, "A"))
    assert rewards(order(tenant, "o1", "u", 100_000, 2_500)) == [
        ("direct", "b", "10.00"),
        ("indirect", "A", "5.00"),
        ("level_3", "R0", "2.00"),
    ]


def test_a_join_through_a_store_reads_its_recruiter() -> None:
    config = load_config(
        {"stores": {"B": {"commission_rate": "0.2", "owner": "b", "recruiter": "A"}}}
    )
    event = read_event('{"type": "join", "id": "j", "member": "u", "store": "B"}', config)
    assert (event.referrer, event.sponsor) == ("b", "A")  # type: ignore[union-attr]
    assert read_event(to_line(event), config) == event
