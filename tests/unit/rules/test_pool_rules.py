"""The pool's behaviour beyond the worked examples: cascade, pause, reversal, import,
several pools, refusals."""

from __future__ import annotations

import pytest

from tests.conftest import Tenant, moved
from zengzhi.core import accounts
from zengzhi.core.amounts import Price, Ratio
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.events import Configure, ImportBalance, ReverseOrder, Sell, Subsidy, Withdraw
from zengzhi.core.ledger import CNY, audit
from zengzhi.rules.pool import PoolParams, balance_and_points, price


def test_the_cascade_exits_lowest_threshold_first_and_each_exit_lifts_the_price() -> None:
    tenant = Tenant(main=PoolParams(exit_multiple=Ratio("2")))
    for n in range(1, 4):
        tenant.order(f"m{n}", "1000.00", "300.00")
    # m1 bought cheapest, so its threshold (2000 / 210 points) is lowest; a subsidy big
    # enough for m3's threshold forces out all three, m1 first.
    entries = tenant.apply(Subsidy("x1", "main", 5_000_000))
    exits = [e for e in entries if e.kind == "exit"]
    assert [e.params["member"] for e in exits] == ["m1", "m2", "m3"]
    prices = [
        Price(
            int(e.params["pool_balance"].replace(".", "")),
            int(e.params["pool_points"].replace(".", "")),
        )
        for e in exits
    ]
    assert prices == sorted(prices) and prices[0] < prices[1] < prices[2]
    assert all(e.params["payout"] == "1600.00" for e in exits)


def test_a_new_exit_multiple_forces_out_who_already_passed_it() -> None:
    tenant = Tenant()
    tenant.order("m1", "1000.00", "300.00")
    tenant.order("m2", "1000.00", "300.00")
    tenant.apply(Subsidy("x1", "main", 60_000))  # price 1200 / 357 = 3.36; m1 holds 706
    assert tenant.kinds(tenant.apply(Configure("c1", "main", {"exit_multiple": "3"}))) == []
    # at 0.5 m1 (706 of value on a cap of 500) goes, and the price it leaves takes m2
    exits = tenant.apply(Configure("c2", "main", {"exit_multiple": "0.5"}))
    assert [(e.params["member"], e.params["payout"]) for e in exits] == [
        ("m1", "400.00"),
        ("m2", "400.00"),
    ]


def test_pause_lets_contributions_in_but_mints_nothing() -> None:
    tenant = Tenant()
    tenant.order("m1", "1000.00", "300.00")
    tenant.apply(Configure("c1", "main", {"minting_enabled": False}))
    before = price(tenant.state.pools["main"], tenant.state.ledger)
    _order, mint = tenant.order("m2", "1000.00", "300.00")
    assert mint.params["mint_ratio"] == "paused"
    assert moved(mint, "member:m2:points:main", "PTS:main") == "0.0000"
    assert tenant.state.pools["main"].positions.get("m2") is None  # no stake, no principal
    assert price(tenant.state.pools["main"], tenant.state.ledger) > before
    tenant.apply(Configure("c2", "main", {"minting_enabled": True}))
    resumed = tenant.order("m2", "1000.00", "300.00")[1]
    assert moved(resumed, "member:m2:points:main", "PTS:main") != "0.0000"


def test_reversal_burns_what_the_member_holds_and_keeps_the_contribution() -> None:
    tenant = Tenant()
    tenant.order("m1", "1000.00", "300.00")
    tenant.order("m2", "1000.00", "300.00", order_id="o2")
    before = price(tenant.state.pools["main"], tenant.state.ledger)
    refund, burn = tenant.apply(ReverseOrder("r1", "o2"))
    assert refund.kind == "order_reversal" and refund.corrects == "o2"
    assert moved(burn, "member:m2:points:main", "PTS:main") == "-147.0000"
    assert moved(burn, "member:m2:debt") == "0.00"
    cash, points = balance_and_points(tenant.state.pools["main"], tenant.state.ledger)
    assert (cash, points) == (60_000, 2_100_000)  # the contribution stayed; the points went
    assert price(tenant.state.pools["main"], tenant.state.ledger) > before
    assert tenant.state.pools["main"].positions.get("m2") is None  # empty: closed
    assert tenant.balance("platform:reversals") == -30_000  # the platform bears it
    assert tenant.balance("external:customers") == -100_000  # one order stands


def test_reversal_after_a_sale_records_a_debt_settled_from_later_credits() -> None:
    tenant = Tenant()
    tenant.order("m1", "1000.00", "300.00", order_id="o1")
    tenant.order("m2", "1000.00", "300.00")
    tenant.apply(Sell("s1", "m1", "main", None))  # m1 sold all 210 points: wallet 336.00
    paid = tenant.balance("member:m1:wallet")
    tenant.apply(Withdraw("w1", "m1", paid, 0))  # and asked to withdraw all of it
    _, debt = tenant.apply(ReverseOrder("r1", "o1"))
    assert moved(debt, "member:m1:points:main", "PTS:main") == "0.0000"
    owed = -tenant.balance("member:m1:debt")
    # 210 points sold, valued at the reversal's price (the pool's state before it), but
    # never more than the pool paid m1 since the order completed: the sale's payout
    cash, points = (int(debt.params[k].replace(".", "")) for k in ("pool_balance", "pool_points"))
    assert 2_100_000 * cash // points > paid
    assert owed == paid
    assert tenant.balance("member:m1:wallet") == 0  # the wallet never goes negative
    tenant.order("m1", "1000.00", "300.00")
    [sale] = tenant.apply(Sell("s2", "m1", "main", None))
    payout = int(sale.params["payout"].replace(".", ""))
    settled = min(owed, payout)
    assert tenant.balance("member:m1:debt") == -(owed - settled)
    assert tenant.balance("member:m1:wallet") == payout - settled


def test_reversing_twice_or_an_unknown_order_is_refused() -> None:
    tenant = Tenant()
    tenant.order("m1", "1000.00", "300.00", order_id="o1")
    tenant.apply(ReverseOrder("r1", "o1"))
    with pytest.raises(DomainError) as twice:
        tenant.apply(ReverseOrder("r2", "o1"))
    assert (twice.value.code, twice.value.field) == (ErrorCode.CONFLICT, "order")
    with pytest.raises(DomainError) as unknown:
        tenant.apply(ReverseOrder("r3", "nope"))
    assert unknown.value.code == ErrorCode.NOT_FOUND


def test_legacy_import_is_funded_by_the_operator() -> None:
    tenant = Tenant()
    tenant.order("m1", "1000.00", "300.00")
    [mint] = tenant.apply(ImportBalance("i1", "old", "main", 500_000, 100_000))
    assert moved(mint, "pool:main") == "1000.00"
    assert tenant.balance("platform:funding") == -100_000
    position = tenant.state.pools["main"].positions.get("old")
    assert position is not None and position.principal == 500_000
    assert position.points == 7 * 100_000 * 2_100_000 // (10 * 30_000)  # m × C × S / B


def test_pools_side_by_side_do_not_touch_each_other() -> None:
    tenant = Tenant(main=PoolParams(), local=PoolParams(exit_multiple=Ratio("1.2")))
    tenant.order("m1", "1000.00", "300.00", pool="main")
    tenant.order("m1", "1000.00", "160.00", pool="local")
    tenant.apply(Subsidy("x1", "local", 104_000))
    assert tenant.state.pools["local"].positions.get("m1") is None  # exited local only
    assert tenant.state.pools["main"].positions.get("m1") is not None
    assert balance_and_points(tenant.state.pools["main"], tenant.state.ledger) == (
        30_000,
        2_100_000,
    )


@pytest.mark.parametrize(
    ("event", "field", "code"),
    [
        (Sell("s", "m1", "main", 2_100_001), "points", ErrorCode.INSUFFICIENT),
        (Sell("s", "m1", "main", 0), "points", ErrorCode.INVALID),
        (Sell("s", "nobody", "main", 1), "member", ErrorCode.NOT_FOUND),
        (Sell("s", "m1", "other", 1), "pool", ErrorCode.NOT_FOUND),
        (Subsidy("x", "main", 0), "amount", ErrorCode.INVALID),
        (Configure("c", "main", {"mint_ratio": "1"}), "mint_ratio", ErrorCode.INVALID),
        (Configure("c", "main", {"colour": "red"}), "colour", ErrorCode.INVALID),
    ],
)
def test_refusals_name_the_field_and_change_nothing(
    event: object, field: str, code: ErrorCode
) -> None:
    tenant = Tenant()
    tenant.order("m1", "1000.00", "300.00")
    balances = dict(tenant.state.ledger.balances)  # type: ignore[attr-defined]
    with pytest.raises(DomainError) as error:
        tenant.apply(event)
    assert (error.value.field, error.value.code) == (field, code)
    assert tenant.state.ledger.balances == balances  # type: ignore[attr-defined]
    assert audit(balances, tenant.journal) == []


def test_the_smallest_sale_applies_unless_selling_everything() -> None:
    tenant = Tenant(main=PoolParams(min_sell_points=100_000))
    tenant.order("m1", "1000.00", "300.00")
    with pytest.raises(DomainError, match="smallest sale"):
        tenant.apply(Sell("s1", "m1", "main", 99_999))
    tenant.apply(Sell("s2", "m1", "main", 2_050_000))
    tenant.apply(Sell("s3", "m1", "main", None))  # the last 5 points: all of them
    assert tenant.balance("member:m1:points:main", "PTS:main") == 0


def test_a_sale_that_would_pay_nothing_is_refused_unless_it_sells_everything() -> None:
    """At 30,000 fen over 210 points, 0.0139 point is worth 1 fen, and the 20% fee leaves
    0.8 fen: it would burn the points and pay 0.00. Refused, naming the points, with
    nothing changed; the last dust of a position still sells (all of it), for what it
    pays."""
    tenant = Tenant()
    tenant.order("m1", "1000.00", "300.00")
    balances = dict(tenant.state.ledger.balances)  # type: ignore[attr-defined]
    with pytest.raises(DomainError, match=r"would pay 0\.00") as error:
        tenant.apply(Sell("s1", "m1", "main", 139))
    assert error.value.field == "points"
    assert tenant.state.ledger.balances == balances  # type: ignore[attr-defined]
    tenant.apply(Sell("s2", "m1", "main", 140))  # 2 fen's worth, 1 paid
    assert tenant.balance(accounts.wallet("m1")) == 1
    tenant.apply(Sell("s3", "m1", "main", 2_100_000 - 140 - 1))
    tenant.apply(Sell("s4", "m1", "main", None))  # the last 0.0001 point: all of them
    assert tenant.balance("member:m1:points:main", "PTS:main") == 0
    assert audit(dict(tenant.state.ledger.balances), tenant.journal) == []  # type: ignore[attr-defined]


def test_when_every_point_is_sold_the_price_holds_until_the_next_mint() -> None:
    tenant = Tenant()
    tenant.order("m1", "1000.00", "300.00")
    last = price(tenant.state.pools["main"], tenant.state.ledger)
    tenant.apply(Sell("s1", "m1", "main", None))
    assert balance_and_points(tenant.state.pools["main"], tenant.state.ledger) == (6_000, 0)
    assert price(tenant.state.pools["main"], tenant.state.ledger) == last
    tenant.order("m2", "1000.00", "300.00")
    # minted at the held price: 210 / (300/210) = 147 points
    assert tenant.balance("member:m2:points:main", "PTS:main") == 1_470_000
    assert price(tenant.state.pools["main"], tenant.state.ledger) > last


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"mint_ratio": "1"}, "mint_ratio"),
        ({"mint_ratio": "1.5"}, "mint_ratio"),
        ({"sell_fee": "-0.1"}, "sell_fee"),
        ({"sell_fee": "1"}, "sell_fee"),
        ({"opening_price": "0"}, "opening_price"),
        ({"exit_multiple": "0"}, "exit_multiple"),
        ({"exit_multiple": "-2"}, "exit_multiple"),
        ({"minting_enabled": "yes"}, "minting_enabled"),
        ({"mint_ratio": 0.7}, "mint_ratio"),
    ],
)
def test_bad_parameters_are_refused_with_a_clear_message(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(DomainError) as error:
        PoolParams().with_changes(changes)
    assert error.value.field == field
    assert error.value.code == ErrorCode.INVALID
    assert str(error.value).startswith(f"{field}: ")


def test_mint_ratio_at_one_explains_why() -> None:
    with pytest.raises(DomainError, match="price no longer rises"):
        PoolParams(mint_ratio=Ratio("1"))
    assert CNY == "CNY"
