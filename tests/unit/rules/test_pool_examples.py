"""Every worked example of spec 01, with the expected ledger written out."""

from __future__ import annotations

import pytest

from tests.conftest import Tenant, moved
from zengzhi.core.amounts import Ratio, format_minor
from zengzhi.core.events import CompleteOrder, OrderLine, Sell, Subsidy
from zengzhi.core.ledger import CNY
from zengzhi.engine.config import StoreConfig
from zengzhi.rules.pool import PoolParams, balance_and_points, price


def pool_state(tenant: Tenant, pool: str = "main") -> tuple[str, str, str]:
    cash, points = balance_and_points(tenant.state.pools[pool], tenant.state.ledger)
    return (
        format_minor(cash, 2),
        format_minor(points, 4),
        str(price(tenant.state.pools[pool], tenant.state.ledger)),
    )


def test_product_split_three_orders(tenant: Tenant) -> None:
    # 1000 = 300 cost + 300 distribution + 100 platform + 300 contribution, m = 0.7
    expected = [
        ("210.0000", ("300.00", "210.0000", "1.4286")),
        ("147.0000", ("600.00", "357.0000", "1.6807")),
        ("124.9500", ("900.00", "481.9500", "1.8674")),
    ]
    for n, (minted, state) in enumerate(expected, start=1):
        entries = tenant.order(f"m{n}", "1000.00", "300.00")
        mint = entries[1]
        assert moved(mint, f"member:m{n}:points:main", "PTS:main") == minted
        assert pool_state(tenant) == state


def test_the_first_order_books_its_whole_split() -> None:
    tenant = Tenant()
    line = OrderLine(
        amount=100_000,
        cost=30_000,
        distribution=30_000,
        platform=10_000,
        contribution=30_000,
        pool="main",
    )
    order, mint = tenant.apply(CompleteOrder("o1", "m1", (line,)))
    assert order.postings == (
        ("external:customers", CNY, -100_000),
        ("platform:cost", CNY, 30_000),
        ("platform:distribution", CNY, 30_000),
        ("platform:profit", CNY, 10_000),
        ("platform:contributions", CNY, 30_000),
    )
    assert mint.postings == (
        ("platform:contributions", CNY, -30_000),
        ("pool:main", CNY, 30_000),
        ("pool:main:supply", "PTS:main", -2_100_000),
        ("member:m1:points:main", "PTS:main", 2_100_000),
    )


def test_local_life_commission_split() -> None:
    # order 1000 → commission 200 → 20 platform, 20 distribution, 160 contribution
    store = StoreConfig(commission_rate="0.20", platform_rate="0.02", distribution_rate="0.02")
    line = store.line("noodles", 100_000, "main")
    assert (line.cost, line.platform, line.distribution, line.contribution) == (
        80_000,
        2_000,
        2_000,
        16_000,
    )
    tenant = Tenant()
    expected = [
        ("112.0000", "160.00", "1.4286"),
        ("78.4000", "320.00", "1.6807"),
        ("66.6400", "480.00", "1.8674"),
    ]
    for n, (minted, cash, shown) in enumerate(expected, start=1):
        order, mint = tenant.apply(CompleteOrder(f"o{n}", f"m{n}", (line,), store="noodles"))
        assert ("merchant:noodles", CNY, 80_000) in order.postings
        assert moved(mint, f"member:m{n}:points:main", "PTS:main") == minted
        assert pool_state(tenant)[0] == cash and pool_state(tenant)[2] == shown


def test_the_corrected_sale_example(tenant: Tenant) -> None:
    # seed 002 says 240 / 360 / 1.71; the exact figures are these
    tenant.order("m1", "1000.00", "300.00")
    tenant.order("m2", "1000.00", "300.00")
    [sale] = tenant.apply(Sell("s1", "m2", "main", None))
    assert sale.params["value"] == "247.05"
    assert sale.params["payout"] == "197.64"
    assert sale.postings == (
        ("member:m2:points:main", "PTS:main", -1_470_000),
        ("pool:main:supply", "PTS:main", 1_470_000),
        ("pool:main", CNY, -19_764),
        ("member:m2:wallet", CNY, 19_764),
    )
    assert pool_state(tenant) == ("402.36", "210.0000", "1.9160")
    position = tenant.state.pools["main"].positions.get("m2")
    assert position is not None and position.realized == 24_705 and position.points == 0


@pytest.mark.parametrize(
    ("multiple", "threshold_subsidy", "payout", "left_in_pool"),
    [
        ("3", "2700.00", "2400.00", "600.00"),  # seeds 001/004: exits at 14.2857, paid 2400
        ("2", "1700.00", "1600.00", "400.00"),  # seed 003: at 9.5238, paid 1600, 400 stays
    ],
)
def test_forced_exit_pays_the_cap(
    multiple: str, threshold_subsidy: str, payout: str, left_in_pool: str
) -> None:
    tenant = Tenant(main=PoolParams(exit_multiple=Ratio(multiple)))
    tenant.order("m1", "1000.00", "300.00")  # 210 points; B = 300
    below = Subsidy("x1", "main", int(threshold_subsidy.replace(".", "")) - 1)
    assert tenant.kinds(tenant.apply(below)) == ["subsidy"]  # one fen short: no exit
    _subsidy, exit_ = tenant.apply(Subsidy("x2", "main", 1))
    assert exit_.kind == "exit"
    assert exit_.params["price"] == {"3": "14.2857", "2": "9.5238"}[multiple]
    assert exit_.params["payout"] == payout
    assert pool_state(tenant)[0] == left_in_pool
    assert tenant.state.pools["main"].positions.get("m1") is None


def test_local_life_exit_at_one_point_two() -> None:
    # seed 000: 112 points exit at 10.7143, paid 960 (1200 less the 20% fee)
    tenant = Tenant(main=PoolParams(exit_multiple=Ratio("1.2")))
    store = StoreConfig(commission_rate="0.20", platform_rate="0.02", distribution_rate="0.02")
    tenant.apply(CompleteOrder("o1", "m1", (store.line("s", 100_000, "main"),), store="s"))
    assert tenant.kinds(tenant.apply(Subsidy("x1", "main", 120_000 - 16_000 - 1))) == ["subsidy"]
    _, exit_ = tenant.apply(Subsidy("x2", "main", 1))
    assert (exit_.params["price"], exit_.params["payout"]) == ("10.7143", "960.00")
    assert tenant.balance("member:m1:wallet") == 96_000


@pytest.mark.parametrize(
    ("multiple", "orders"),
    [("2", [768, 2493, 4271, 6054]), ("1.2", [140, 443, 753, 1061])],
)
def test_identical_orders_exit_when_the_spec_measured(multiple: str, orders: list[int]) -> None:
    tenant = Tenant(main=PoolParams(exit_multiple=Ratio(multiple)))
    exits: list[tuple[int, str]] = []
    n = 0
    while len(exits) < 4:
        n += 1
        exits += [
            (n, e.params["member"])
            for e in tenant.order(f"m{n}", "1000.00", "300.00")
            if e.kind == "exit"
        ]
    assert exits == [(orders[0], "m1"), (orders[1], "m2"), (orders[2], "m3"), (orders[3], "m4")]
