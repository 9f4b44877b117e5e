"""The solvency report summed by the database gives exactly the figures of the report it
replaced, which priced every position in Python and summed each group of balances with
a query of its own (kept here, as it was, as the oracle): on a tenant with several pools
and fees, positions, sales, a subsidy, withdrawals, a store and zones with companion
modes; and on positions and pool figures crafted at the edges of what 64-bit integers
hold, where the database's terms change or the positions are priced one by one. On
SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Connection, delete, func, insert, select, update

from tests.service.conftest import Api, Clock
from tests.service.test_backtest import a_history
from zengzhi.core import accounts
from zengzhi.core.amounts import Price, Ratio, format_minor
from zengzhi.core.ledger import CNY
from zengzhi.service import pools
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.modes import mode_solvency
from zengzhi.service.queries.pools import (
    PoolSolvency,
    Solvency,
    _buyback_terms,
    buyback_cost,
    load_pool,
    pool_balances,
)
from zengzhi.store import tables as t
from zengzhi.store.pools import params_from_row

# ---------------------------------------------------------------------------- the oracle


def _old_sum(connection: Connection, tenant: str, pattern: str) -> int:
    c = t.balances.c
    total = connection.execute(
        select(func.coalesce(func.sum(c.amount), 0)).where(
            c.tenant_id == tenant, c.asset == CNY, c.account.like(pattern)
        )
    ).scalar_one()
    return int(total)


def _old_buyback(connection: Connection, tenant: str, pool_id: str, fee: Ratio) -> int:
    balance, points = pool_balances(connection, tenant, pool_id)
    cost = 0
    if points > 0:
        p = t.positions.c
        for held in connection.execute(
            select(p.points).where(p.tenant_id == tenant, p.pool_id == pool_id)
        ).scalars():
            cost += fee.complement_floor(int(held) * balance // points)
    return cost


def old_solvency(connection: Connection, tenant: str) -> Solvency:
    """The report as it was computed before (service/pools.py, 2026-11-22)."""
    reports = []
    for pool_id in connection.execute(
        select(t.pools.c.pool_id).where(t.pools.c.tenant_id == tenant).order_by(t.pools.c.pool_id)
    ).scalars():
        view = load_pool(connection, tenant, pool_id)
        balance, _ = pool_balances(connection, tenant, pool_id)
        cost = _old_buyback(connection, tenant, pool_id, params_from_row(view.params).sell_fee)
        reports.append(
            PoolSolvency(
                pool=pool_id,
                balance=view.balance,
                points=view.points,
                price=view.price,
                buyback_cost=format_minor(cost, 2),
                covered=cost <= balance,
            )
        )
    owed_members = _old_sum(connection, tenant, "member:%:wallet") + _old_sum(
        connection, tenant, "member:%:withdrawing"
    )  # debts apart since 2026-12-04: one member's debt pays nothing another is owed
    owed_by_members = -_old_sum(connection, tenant, "member:%:debt")
    owed_merchants = _old_sum(connection, tenant, "merchant:%")
    in_pools = _old_sum(connection, tenant, "pool:%")
    received = -(
        _old_sum(connection, tenant, accounts.CUSTOMERS)
        + _old_sum(connection, tenant, accounts.FUNDING)
        + _old_sum(connection, tenant, accounts.BANK)
    )
    cash = received - in_pools
    owed = owed_members + owed_merchants
    coverage = (  # rounded down since the report never shows a short platform covered
        None
        if owed <= 0
        else str((Price(cash, owed).yuan() / 100).quantize(Decimal("0.0001"), ROUND_FLOOR))
    )
    return Solvency(
        pools=reports,
        owed_to_members=format_minor(owed_members, 2),
        owed_by_members=format_minor(owed_by_members, 2),
        owed_to_merchants=format_minor(owed_merchants, 2),
        platform_cash=format_minor(cash, 2),
        coverage=coverage,
        modes=mode_solvency(connection, tenant),
    )


def owner_of(api: Api) -> Principal:
    return Principal(api.tenant, "user:owner", Role.OWNER)


# ---------------------------------------------------------------------------- a platform


def test_the_report_of_a_platform_is_the_old_reports(
    api: Api, clock: Clock, context: Context
) -> None:
    a_history(api, clock)  # pools main and local, a store, zone club with union and ads…
    # (main's subsidy made every position exit: it has no points left)
    api.pool("odd", sell_fee="0.123456789012", exit_multiple="3")  # a fee of 12 decimals
    api.pool("idle")  # no position at all
    api.pool("fresh", sell_fee="0.15")
    for n in range(6):
        api.completed_order(f"odd{n}", f"m{n}", amount=f"{317 + 41 * n}.37", pool="odd")
        more = {"amount": f"{211 + 97 * n}.03", "contribution": f"{63 + 29 * n}.31"}
        api.completed_order(f"fresh{n}", f"m{n}", **more, pool="fresh")
    api.ok(api.post("/v1/members/m4/sell", {"id": "odd-sale", "points": "7.1234", "pool": "odd"}))
    api.ok(api.post("/v1/members/m5/withdrawals", {"id": "w-held", "amount": "20.00"}))
    api.ok(api.post("/v1/pools/local/subsidies", {"id": "x2", "amount": "1234.56"}))

    report = pools.solvency(context, owner_of(api))
    with context.database.read() as connection:
        assert report == old_solvency(connection, api.tenant)
    # the report covers what it should: several pools, each figure, the modes
    assert [p.pool for p in report.pools] == ["fresh", "idle", "local", "main", "odd"]
    assert [p.buyback_cost == "0.00" for p in report.pools] == [False, True, False, True, False]
    assert report.owed_to_merchants != "0.00" and report.owed_to_members != "0.00"
    assert {(m.zone, m.mode) for m in report.modes} == {("club", "union"), ("club", "ads")}
    assert api.ok(api.get("/v1/solvency")) == report.model_dump(mode="json")


# ---------------------------------------------------------------------------- the edges

UNIT = 10_000  # point units in a point


def crafted_pool(api: Api, context: Context, balance: int, held: list[int]) -> int:
    """Pool "edge" with `balance` fen and positions of `held` units; its circulating
    points are their sum (written straight into the tables: the report only reads)."""
    api.pool("edge")
    points = sum(held)
    b = t.balances.c
    cash, supply = accounts.pool_cash("edge"), accounts.pool_supply("edge")
    with context.database.write() as connection:
        connection.execute(
            delete(t.balances).where(b.tenant_id == api.tenant, b.account.in_([cash, supply]))
        )
        connection.execute(
            insert(t.balances),
            [
                {"tenant_id": api.tenant, "account": cash, "asset": CNY, "amount": balance},
                {
                    "tenant_id": api.tenant,
                    "account": supply,
                    "asset": accounts.points_asset("edge"),
                    "amount": -points,
                },
            ],
        )
        connection.execute(
            insert(t.positions),
            [
                {
                    "tenant_id": api.tenant,
                    "pool_id": "edge",
                    "member_id": f"e{n}",
                    "opened": n + 1,
                    "principal": 0,
                    "realized": 0,
                    "points": h,
                    "exit_key": None,
                }
                for n, h in enumerate(held)
            ],
        )
    return points


# (balance in fen, positions in units, sell fee, how the database prices them:
# "whole" c·x // den, "split" c·v + c·w // den, None one by one in Python)
SOME = [3 * UNIT, 7 * UNIT + 1, 11]
EDGES: dict[str, tuple[int, list[int], str, str | None]] = {
    "small": (12_345_67, [1, 2, 3, 10_000, 99_999], "0.2", "whole"),
    "the benchmark's size": (
        45_943_984_597,
        [10_000 * k + 7 for k in range(1, 400)],
        "0.2",
        "whole",
    ),
    "a fee of 12 decimals": (12_345_678, SOME, "0.123456789012", "whole"),
    "a fee of 9 decimals, a rich pool": (10**16 + 7, SOME, "0.123456789", "split"),
    "a fee of 12 decimals, a rich pool": (10**16 + 7, SOME, "0.123456789012", None),
    "near the bound": (2**55 + 12345, [2**40 - 3, 2**40 + 5, 12_345, 2**39 + 1], "0.15", "whole"),
    "beyond the bound": (2**61, [2**50 + 1, 2**49 - 7, 3], "0.2", None),
    "no fee": (98_765_432_101, [5, 7 * UNIT, 13 * UNIT + 3], "0", "whole"),
}


@pytest.mark.parametrize("case", list(EDGES))
def test_the_buy_back_at_the_edges_is_the_one_by_one_price(
    api: Api, context: Context, case: str
) -> None:
    balance, held, fee_text, how = EDGES[case]
    points = crafted_pool(api, context, balance, held)
    fee = Ratio(fee_text)
    expected = sum(fee.complement_floor(h * balance // points) for h in held)
    terms = _buyback_terms(balance, points, fee)
    if how is None:
        assert terms is None
    else:
        assert terms is not None and terms["whole"] == (how == "whole")
    with context.database.read() as connection:
        assert pool_balances(connection, api.tenant, "edge") == (balance, points)
        assert buyback_cost(connection, api.tenant, "edge", fee, balance, points) == expected
        assert _old_buyback(connection, api.tenant, "edge", fee) == expected


def test_a_position_larger_than_the_pool_is_priced_one_by_one(api: Api, context: Context) -> None:
    """It never should be; if it were, no term the database computes may overflow."""
    balance, held = 2**55, [2**40, 2**40 + 1]
    points = crafted_pool(api, context, balance, held)
    with context.database.write() as connection:  # the supply says fewer points circulate
        connection.execute(
            update(t.balances)
            .where(
                t.balances.c.tenant_id == api.tenant,
                t.balances.c.account == accounts.pool_supply("edge"),
            )
            .values(amount=-(points // 3))
        )
    fee = Ratio("0.2")
    fewer = points // 3
    expected = sum(fee.complement_floor(h * balance // fewer) for h in held)
    with context.database.read() as connection:
        assert buyback_cost(connection, api.tenant, "edge", fee, balance, fewer) == expected
    report = pools.solvency(context, owner_of(api))
    with context.database.read() as connection:
        assert report == old_solvency(connection, api.tenant)


# ---------------------------------------------------------------------------- the terms


def _priced(terms: dict[str, Any], h: int) -> tuple[int, int]:
    """A position priced as the database does with these terms, and the largest
    intermediate value it reaches."""
    a, b = h // terms["m"], h % terms["m"]
    steps = [h * terms["q"], a * terms["s"], a * terms["u"], b * terms["r"]]
    steps.append(a * terms["u"] + b * terms["r"])
    x = h * terms["q"] + a * terms["s"] + (a * terms["u"] + b * terms["r"]) // terms["points"]
    c, den = terms["c"], terms["den"]
    if terms["whole"]:
        steps.append(c * x)
        sale = c * x // den
    else:
        steps += [c * (x // den), c * (x % den)]
        sale = c * (x // den) + c * (x % den) // den
    return sale, max([x, *steps])


@given(
    balance=st.integers(0, 2**62),
    points=st.integers(1, 2**44),
    share=st.fractions(0, 1),
    fee=st.sampled_from(["0", "0.2", "0.15", "0.05", "0.123456789", "0.123456789012", "0.999"]),
)
def test_the_databases_terms_price_a_position_exactly_within_64_bits(
    balance: int, points: int, share: Any, fee: str
) -> None:
    ratio = Ratio(fee)
    terms = _buyback_terms(balance, points, ratio)
    if terms is None:
        return  # priced one by one in Python
    for h in {0, 1, points, int(points * share), max(0, points - 1)}:
        sale, largest = _priced(terms, h)
        assert sale == ratio.complement_floor(h * balance // points)
        assert largest < 2**63


def test_the_terms_serve_a_large_platform() -> None:
    """A pool a hundred times the benchmark's (4.6 billion yuan, 263 million points) is
    priced by the database; with a fee of 12 decimals it is priced one by one."""
    assert _buyback_terms(4_594_398_459_700, 2_629_194_213_800, Ratio("0.2")) is not None
    assert _buyback_terms(4_594_398_459_700, 2_629_194_213_800, Ratio("0.15")) is not None
    assert _buyback_terms(4_594_398_459_700, 2_629_194_213_800, Ratio("0.123456789012")) is None


def test_the_report_of_a_platform_short_of_cash_is_answered(api: Api, context: Context) -> None:
    """The platform's cash (what it received less what it put in pools) can be below
    zero: a fuzzed tenant's was -651.32 with 803.50 owed (a member owing a sale back, a
    pool its subsidies). The coverage (cash ÷ what it owes) was built as a Price, which
    refuses negative money: GET /v1/solvency answered 500 exactly when the platform was
    short. Here the customers' money is taken off the books to get there at once."""
    api.pool()
    api.member("m1")
    api.completed_order("o1", "m1", amount="100.00", contribution="30.00")
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "all"}))
    with context.database.write() as connection:
        connection.execute(
            update(t.balances)
            .where(
                t.balances.c.tenant_id == api.tenant,
                t.balances.c.account == accounts.CUSTOMERS,
            )
            .values(amount=0)
        )
    report = api.ok(api.get("/v1/solvency"))
    owed = Decimal(report["owed_to_members"]) + Decimal(report["owed_to_merchants"])
    cash = Decimal(report["platform_cash"])
    assert cash < 0 < owed, report
    ratio = (cash / owed).quantize(Decimal("0.0001"), ROUND_FLOOR)
    assert Decimal(report["coverage"]) == ratio, report
