"""Attacks on distribution (spec 02): reversals against re-assignments and settings
changes, the worked examples to the cent, hostile values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from tests.unit.rules.test_distribution_examples import network, order, rewards
from zengzhi.core.errors import DomainError
from zengzhi.core.events import (
    Bind,
    ConfigureDistribution,
    Join,
    PayDividend,
    Reassign,
    ReverseOrder,
)
from zengzhi.engine.config import DistributionConfig

LEVELS = [{"performance": "1000.00", "rate": "0.10"}, {"performance": "5000.00", "rate": "0.20"}]


def test_a_reversal_after_a_reassignment_takes_performance_from_the_old_uplines() -> None:
    # o1 grew old's team performance to 1,000 (level 1); after m moves to new, the
    # reversal of o1 must take it back from old (who got it), not from new
    settings: dict[str, Any] = {"team": {"levels": LEVELS}, "overflow": "platform"}
    tenant = network(settings, ("old", None), ("new", None), ("m", "old"))
    order(tenant, "o1", "m", 100_000, 0)
    assert tenant.state.network.level("old") == 1
    tenant.apply(Reassign("r1", "m", "new", "reported: second account"))
    tenant.apply(ReverseOrder("x1", "o1"))
    assert tenant.state.network.performance("old") == 0  # type: ignore[attr-defined]
    assert tenant.state.network.performance("new") == 0  # type: ignore[attr-defined]
    assert tenant.state.network.level("old") == 0
    # a later order under old pays old as the level 0 it is again: nothing
    tenant.apply(Reassign("r2", "m", "old", "back"))
    assert rewards(order(tenant, "o2", "m", 10_000, 0)) == []


def test_a_reversal_of_an_order_made_before_distribution_was_on_grows_nobody() -> None:
    # o1 completed with distribution off: it grew no performance, so reversing it after
    # distribution was switched on must not take performance the uplines never had
    tenant = network({}, ("top", None), ("m", "top"))
    tenant.state.distribution.params = None
    order(tenant, "o1", "m", 100_000, 0)
    tenant.apply(ConfigureDistribution("cfg", {"team": {"levels": LEVELS}}))
    tenant.apply(ReverseOrder("x1", "o1"))
    assert tenant.state.network.performance("top") == 0  # type: ignore[attr-defined]
    order(tenant, "o2", "m", 100_000, 0)
    assert tenant.state.network.level("top") == 1


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"recruiter": {"rate": "1"}}, "distribution.recruiter.rate"),
        ({"recruiter": {"rate": "5"}}, "distribution.recruiter.rate"),
        ({"agents": {"rates": {"city": "1.5"}}}, "distribution.agents.rates.city"),
        (
            {"team": {"levels": [{"performance": "1", "rate": "2"}]}},
            "distribution.team.levels.0.rate",
        ),
        ({"team": {"peer_share": "1.01"}}, "distribution.team.peer_share"),
        ({"dividends": [{"name": "d", "share": "3"}]}, "distribution.dividends.0.share"),
    ],
)
def test_a_rate_or_share_above_the_whole_is_refused(settings: dict[str, Any], field: str) -> None:
    # a dividend of 3× the turnover, a team rate of 200% of the base, a recruiter paid
    # 5× the order: each paid more than the whole it is a share of (overflow: platform)
    with pytest.raises(DomainError) as refused:
        DistributionConfig.model_validate(settings).params()
    assert refused.value.field == field


@pytest.mark.parametrize("rate", ["1e3", "１０００", "-0.1", "1" * 40, "NaN", "Infinity", 0.1])
def test_a_hostile_commission_rate_is_refused_naming_it(rate: Any) -> None:
    with pytest.raises((DomainError, ValidationError)) as refused:
        DistributionConfig.model_validate({"commission": {"rates": [rate]}}).params()
    assert "commission" in str(refused.value)


def test_a_dividend_never_pays_more_than_its_pot() -> None:
    levels = [{"performance": "0.01", "rate": "0"}]
    settings = {
        "team": {"levels": levels},
        "dividends": [
            {"name": "eq", "share": "0.1", "min_level": 1},
            {"name": "w", "share": "0.1", "min_level": 1, "split": "performance"},
        ],
    }
    tenant = network(settings, ("a", None), ("b", None), ("c", None))
    for n, (m, top) in enumerate([("x", "a"), ("y", "b"), ("z", "c")]):
        tenant.apply(Join(f"jj{n}", m, top))
    day = datetime(2026, 11, 20, 12, tzinfo=UTC)
    order(tenant, "o1", "x", 1, 0, at=day)
    order(tenant, "o2", "y", 1, 0, at=day)
    order(tenant, "o3", "z", 99_998, 0, at=day)  # turnover 1,000.00: pot 100.00
    paid = tenant.apply(PayDividend("d1", "eq", date(2026, 11, 20), date(2026, 11, 21)))
    assert [e.params["amount"] for e in paid] == ["33.33", "33.33", "33.33"]
    weighted = tenant.apply(PayDividend("d2", "w", date(2026, 11, 20), date(2026, 11, 21)))
    # 0.01, 0.01 and 999.98 of 1,000.00: 0.001 and 0.001 round down to nothing
    assert [(e.params["member"], e.params["amount"]) for e in weighted] == [("c", "99.99")]


THREE_LEVELS = {
    "commission": {"rates": ["0.01", "0.005", "0.002"]},
    "recruiter": {"rate": "0.01", "indirect_members": True},
    "binding": "any_time",
}


def test_a_buyer_above_its_stores_recruiter_earns_no_commission_on_its_own_order() -> None:
    # u came in through store B's code (owner b, recruiter A); A was bound under u later.
    # u's levels are b, then A (the recruiter's indirect member), then A's referrer: u
    # itself, which would be paid level 3 on its own order (a self-referral reward)
    tenant = network(THREE_LEVELS, ("A", None), ("b", None))
    tenant.apply(Join("j-u", "u", "b", None, "A"))
    tenant.apply(Bind("bind-A", "A", "u"))
    paid = rewards(order(tenant, "o1", "u", 100_000, 5_000))
    assert [member for _, member, _ in paid] == ["b", "A"]


def test_a_store_owner_above_its_recruiter_is_paid_one_level_only() -> None:
    tenant = network(THREE_LEVELS, ("A", None), ("b", None))
    tenant.apply(Join("j-u", "u", "b", None, "A"))
    tenant.apply(Bind("bind-A", "A", "b"))
    paid = rewards(order(tenant, "o1", "u", 100_000, 5_000))
    assert paid == [("direct", "b", "10.00"), ("indirect", "A", "5.00")]


def test_a_reversal_lowers_the_level_so_later_orders_pay_the_lower_differential() -> None:
    settings: dict[str, Any] = {"team": {"levels": LEVELS}, "overflow": "platform"}
    tenant = network(settings, ("top", None), ("mid", "top"), ("m", "mid"))
    order(tenant, "o1", "m", 400_000, 0)  # top and mid: 4,000 (level 1)
    assert rewards(order(tenant, "o2", "m", 100_000, 0)) == [("team", "mid", "200.00")]
    # mid and top at 5,000 now: level 2 (20%); o2 paid mid 20% of 1,000 and top nothing
    tenant.apply(ReverseOrder("x1", "o1"))
    assert tenant.balance("member:mid:wallet") == 20_000  # o1 paid 10% of 4,000, taken back
    assert tenant.state.network.level("mid") == 1  # 1,000 left: level 1
    assert rewards(order(tenant, "o3", "m", 10_000, 0)) == [("team", "mid", "10.00")]
    tenant.apply(ReverseOrder("x2", "o2"))
    tenant.apply(ReverseOrder("x3", "o3"))
    assert tenant.balance("member:mid:wallet") == 0
    assert tenant.state.network.level("mid") == 0
    assert tenant.state.network.performance("mid") == 0  # type: ignore[attr-defined]
    assert rewards(order(tenant, "o4", "m", 10_000, 0)) == []


def test_a_reversal_after_a_rate_change_takes_back_what_was_paid() -> None:
    settings: dict[str, Any] = {"commission": {"rates": ["0.01", "0.005"]}}
    tenant = network(settings, ("a", None), ("b", "a"), ("c", "b"))
    order(tenant, "o1", "c", 100_000, 5_000)
    tenant.apply(ConfigureDistribution("cfg", {"commission": {"rates": ["0.03"]}}))
    tenant.apply(ReverseOrder("x1", "o1"))
    assert tenant.balance("member:b:wallet") == 0
    assert tenant.balance("member:a:wallet") == 0
    assert tenant.balance("platform:distribution") == 0


def test_a_province_in_two_areas_is_refused() -> None:
    # each province pays one area agent: listed in two areas, the second silently won and
    # the first area's agent was never paid for it
    settings = {
        "agents": {"rates": {"area": "0.001"}, "areas": {"华南": ["广东"], "南方": ["广东"]}}
    }
    with pytest.raises(DomainError) as refused:
        DistributionConfig.model_validate(settings).params()
    assert refused.value.field == "distribution.agents.areas"
