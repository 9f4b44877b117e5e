"""Issue 19: the seed articles' rules that no configuration expressed before, each with
the seed's own numbers where it gives them, an edge of our own and its reversal."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import Tenant
from tests.unit.rules.test_distribution_examples import network, order, rewards
from zengzhi.core.errors import DomainError
from zengzhi.core.events import GrantAgent, ReverseOrder
from zengzhi.core.ledger import CNY, rebuild_balances, totals_by_asset
from zengzhi.engine.config import load_config

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
