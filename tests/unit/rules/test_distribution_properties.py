"""Distribution over arbitrary networks and settings: budgets hold, money is conserved,
and chains of any depth are walked step by step, never by recursion or a full scan."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Tenant
from tests.unit.rules.test_distribution_examples import network, order
from zengzhi.core.events import GrantAgent
from zengzhi.core.ledger import audit
from zengzhi.engine.config import DistributionConfig
from zengzhi.engine.network import MemoryNetwork
from zengzhi.engine.snapshot import check
from zengzhi.rules.distribution import DistributionParams

rate = st.integers(min_value=0, max_value=400).map(lambda n: f"0.{n:03d}")
configs = st.fixed_dictionaries(
    {
        "commission": st.fixed_dictionaries({"rates": st.lists(rate, max_size=3)}),
        "recruiter": st.fixed_dictionaries({"rate": rate}),
        "agents": st.fixed_dictionaries(
            {
                "mode": st.sampled_from(["differential", "flat"]),
                "rates": st.fixed_dictionaries({"district": rate, "city": rate, "province": rate}),
            }
        ),
        "team": st.fixed_dictionaries(
            {
                "levels": st.just(
                    [
                        {"performance": "10.00", "rate": "0.05"},
                        {"performance": "100.00", "rate": "0.15"},
                        {"performance": "1000.00", "rate": "0.30"},
                    ]
                ),
                "peer_share": st.sampled_from(["0", "0.1", "0.5"]),
            }
        ),
        "overflow": st.sampled_from(["cut", "platform"]),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    config=configs,
    referrers=st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=40),
    purchases=st.lists(
        st.tuples(st.integers(0, 40), st.integers(1, 10**7), st.integers(0, 100)),
        min_size=1,
        max_size=30,
    ),
)
def test_rewards_stay_within_budget_and_money_is_conserved(
    config: dict[str, Any], referrers: list[int], purchases: list[tuple[int, int, int]]
) -> None:
    links: list[tuple[str, str | None]] = [("m0", None)]
    for n, pick in enumerate(referrers, start=1):
        links.append((f"m{n}", f"m{pick % n}"))
    tenant = network(config, *links)
    agents = [("m0", "广东", "province"), ("m1", "广东/深圳", "city")]
    for n, (member, region, level) in enumerate(agents):
        if member in tenant.state.members:
            tenant.apply(GrantAgent(f"g{n}", member, region, level, 0))
    for n, (who, amount, share) in enumerate(purchases):
        buyer = f"m{who % len(links)}"
        budget = amount * share // 100
        entries = order(
            tenant, f"o{n}", buyer, amount, budget, region="广东/深圳/南山", recruiter="m0"
        )
        from_budget = sum(
            amount
            for e in entries
            if e.kind == "reward"
            for account, _, amount in e.postings
            if account == "platform:distribution"
        )
        from_platform = sum(
            amount
            for e in entries
            if e.kind == "reward"
            for account, _, amount in e.postings
            if account == "platform:funding"
        )
        assert -from_budget <= budget  # never more than the order's budget from it
        if config["overflow"] == "cut":
            assert from_platform == 0
    assert check(tenant.state) == []
    assert audit(tenant.state.ledger.balances, tenant.journal) == []  # type: ignore[attr-defined]


class CountingNetwork(MemoryNetwork):
    """A network that counts the members it steps through."""

    def __init__(self) -> None:
        super().__init__()
        self.steps = 0

    def chain(self, member: str, depth: int | None) -> list[str]:
        uplines = super().chain(member, depth)
        self.steps += len(uplines)
        return uplines


def deep(depth: int, bystanders: int) -> tuple[Tenant, CountingNetwork]:
    tenant = Tenant()
    counting = CountingNetwork()
    tenant.state.network = counting
    tenant.state.distribution.params = DistributionParams()
    for n in range(depth):
        tenant.state.members.add(f"d{n}")
        counting.join(f"d{n}", f"d{n - 1}" if n else None)
    for n in range(bystanders):  # members nowhere near the chain
        tenant.state.members.add(f"x{n}")
        counting.join(f"x{n}", f"x{n - 1}" if n % 50 else None)
    return tenant, counting


def test_a_chain_ten_thousand_deep_is_walked_without_recursion() -> None:
    tenant, counting = deep(10_000, 0)
    tenant.state.distribution.params = DistributionConfig.model_validate(
        {
            "commission": {"rates": ["0.01", "0.005"]},
            "team": {"levels": [{"performance": "1.00", "rate": "0.01"}]},
        }
    ).params()
    order(tenant, "o1", "d9999", 100_000, 10_000)
    assert counting.steps == 9_999  # every upline once, to the root
    assert tenant.state.network.performance("d0") == 100_000  # type: ignore[attr-defined]
    assert tenant.balance("member:d9998:wallet") == 1_000 + 1_000  # direct + team


def test_the_work_of_an_order_does_not_grow_with_the_number_of_members() -> None:
    steps = []
    for bystanders in (0, 20_000):
        tenant, counting = deep(100, bystanders)
        order(tenant, "o1", "d99", 1_000, 100)
        steps.append(counting.steps)
    assert steps[0] == steps[1] == 99
