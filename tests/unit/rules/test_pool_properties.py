"""Invariants of the pool over arbitrary event sequences and parameters (hypothesis)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Tenant
from zengzhi.core.amounts import Price, Ratio
from zengzhi.core.errors import DomainError
from zengzhi.core.events import (
    CompleteOrder,
    Configure,
    ImportBalance,
    OrderLine,
    ReverseOrder,
    Sell,
    Subsidy,
)
from zengzhi.core.ledger import audit
from zengzhi.engine.snapshot import buyback_cost, check, positions_of
from zengzhi.rules.pool import (
    PoolParams,
    PoolState,
    Position,
    balance_and_points,
    price,
    reached_cap,
    threshold,
)

MEMBERS = [f"m{n}" for n in range(6)]
POOLS = ["main", "side"]

ratios = st.decimals(min_value=0, max_value="0.99", places=2).map(Ratio)
multiples = st.none() | st.decimals(min_value="0.5", max_value=4, places=1).map(Ratio)
params = st.builds(
    PoolParams,
    mint_ratio=ratios,
    sell_fee=ratios,
    exit_multiple=multiples,
    opening_price=st.decimals(min_value="0.01", max_value=10, places=2).map(Price.of_yuan),
)
fen = st.integers(min_value=1, max_value=5_000_000)


@dataclass(frozen=True)
class Op:
    kind: str
    member: str
    pool: str
    amount: int
    share: int  # percent: contribution share of an order, or share of holdings sold
    pick: int  # which earlier order to reverse / which parameter to change
    flag: bool


ops = st.builds(
    Op,
    kind=st.sampled_from(
        ["order", "order", "order", "sell", "sell", "subsidy", "configure", "reverse", "import"]
    ),
    member=st.sampled_from(MEMBERS),
    pool=st.sampled_from(POOLS),
    amount=fen,
    share=st.integers(min_value=0, max_value=100),
    pick=st.integers(min_value=0, max_value=1000),
    flag=st.booleans(),
)


def event_for(op: Op, n: int, tenant: Tenant, orders: list[str]) -> object:
    event_id = f"e{n}"
    if op.kind == "order":
        contribution = op.amount * op.share // 100
        line = OrderLine(
            amount=op.amount,
            contribution=contribution,
            platform=op.amount - contribution,
            pool=op.pool if contribution else None,
        )
        orders.append(event_id)
        return CompleteOrder(event_id, op.member, (line,))
    if op.kind == "sell":
        position = tenant.state.pools[op.pool].positions.get(op.member)
        held = position.points if position else 0
        units = None if op.flag else max(1, held * op.share // 100)
        return Sell(event_id, op.member, op.pool, units)
    if op.kind == "subsidy":
        return Subsidy(event_id, op.pool, op.amount)
    if op.kind == "reverse":
        return ReverseOrder(event_id, orders[op.pick % len(orders)] if orders else "none")
    if op.kind == "import":
        return ImportBalance(event_id, op.member, op.pool, op.amount, op.amount * op.share // 100)
    change: dict[str, object] = [
        {"exit_multiple": None if op.flag else str(1 + Decimal(op.share) / 25)},
        {"mint_ratio": f"0.{op.share % 100:02d}"},
        {"sell_fee": f"0.{op.share % 100:02d}"},
        {"minting_enabled": op.flag},
    ][op.pick % 4]
    return Configure(event_id, op.pool, change)


def brute_force_first(pool: PoolState) -> Position | None:
    """The position a scan of every position says should exit first."""
    multiple = pool.params.exit_multiple
    if multiple is None:
        return None
    candidates = []
    for position in positions_of(pool):
        at = threshold(position, multiple)
        if at is None and reached_cap(position, multiple, 0, 1):
            candidates.append((0, Price(0, 1), position.opened, position))  # past its cap
        elif at is not None:
            candidates.append((1, at, position.opened, position))
    if not candidates:
        return None
    return min(candidates, key=lambda c: (c[0], c[1].fraction, c[2]))[3]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(main=params, side=params, script=st.lists(ops, min_size=1, max_size=60))
def test_pool_invariants_hold_for_any_sequence(
    main: PoolParams, side: PoolParams, script: list[Op]
) -> None:
    tenant = Tenant(main=main, side=side)
    orders: list[str] = []
    for n, op in enumerate(script):
        event = event_for(op, n, tenant, orders)
        before = {
            name: price(pool, tenant.state.ledger) for name, pool in tenant.state.pools.items()
        }
        balances = dict(tenant.state.ledger.balances)  # type: ignore[attr-defined]
        try:
            tenant.apply(event)
        except DomainError:
            # a refused event changes nothing
            assert tenant.state.ledger.balances == balances  # type: ignore[attr-defined]
            continue
        for name, pool in tenant.state.pools.items():
            ledger = tenant.state.ledger
            cash, points = balance_and_points(pool, ledger)
            assert price(pool, ledger) >= before[name], "the price fell"
            assert cash >= 0, "the pool went negative"
            assert buyback_cost(pool, ledger) <= cash, "the pool cannot buy back its points"  # type: ignore[arg-type]
            # the index and a scan agree, and the cascade left nobody at their cap
            assert pool.positions.first_to_exit() is brute_force_first(pool)
            multiple = pool.params.exit_multiple
            if multiple is not None and points > 0:
                assert not any(reached_cap(p, multiple, cash, points) for p in positions_of(pool))
        assert check(tenant.state) == []  # every asset sums to zero; positions = holdings
    assert audit(tenant.state.ledger.balances, tenant.journal) == []  # type: ignore[attr-defined]
