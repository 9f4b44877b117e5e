"""Pools as the API and the console read them: a pool's state, the list, its price
history, and spec 04's solvency report. Reads only: the commands are in `service/pools.py`."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_FLOOR, Decimal
from math import isqrt
from typing import Any

from pydantic import BaseModel
from sqlalchemy import BigInteger, Connection, Row, case, func, literal, or_, select

from zengzhi.core import accounts
from zengzhi.core.amounts import Price, Ratio, format_minor
from zengzhi.core.ledger import CNY
from zengzhi.rules.pool import PoolParams
from zengzhi.service.base import not_found
from zengzhi.service.modes import ModeSolvency, mode_solvency
from zengzhi.store import tables as t
from zengzhi.store.pools import params_from_row
from zengzhi.store.tenanted import of_tenant


class PoolView(BaseModel):
    id: str
    balance: str
    points: str
    price: str  # rounded half up to 4 places; the exact price is balance / points
    params: dict[str, Any]


def pool_view(
    pool_id: str, params: PoolParams, last_price: Price | None, balance: int, points: int
) -> PoolView:
    price = Price(balance, points) if points > 0 else (last_price or params.opening_price)
    return PoolView(
        id=pool_id,
        balance=format_minor(balance, 2),
        points=format_minor(points, 4),
        price=str(price),
        params=params.as_text(),
    )


def load_pool(connection: Connection, tenant: str, pool_id: str) -> PoolView:
    c = t.pools.c
    row = connection.execute(
        select(t.pools).where(of_tenant(c, tenant), c.pool_id == pool_id)
    ).first()
    if row is None:
        raise not_found("pool", pool_id, "pool")
    balance, points = pool_balances(connection, tenant, pool_id)
    return pool_view(pool_id, params_from_row(row.params), _last_price(row), balance, points)


def _last_price(row: Row[Any]) -> Price | None:
    """The price when the pool's points last circulated, as its row keeps it."""
    if row.last_price_fen is None:
        return None
    return Price(int(row.last_price_fen), int(row.last_price_units))


def pool_balances(connection: Connection, tenant: str, pool_id: str) -> tuple[int, int]:
    c = t.balances.c
    rows = dict(
        connection.execute(
            select(c.account, c.amount).where(
                of_tenant(c, tenant),
                c.account.in_([accounts.pool_cash(pool_id), accounts.pool_supply(pool_id)]),
            )
        ).all()
    )
    return (
        int(rows.get(accounts.pool_cash(pool_id), 0)),
        -int(rows.get(accounts.pool_supply(pool_id), 0)),
    )


def pool_list(connection: Connection, tenant: str) -> list[PoolView]:
    ids = (
        connection.execute(
            select(t.pools.c.pool_id).where(of_tenant(t.pools, tenant)).order_by(t.pools.c.pool_id)
        )
        .scalars()
        .all()
    )
    return [load_pool(connection, tenant, pool_id) for pool_id in ids]


class PricePoint(BaseModel):
    seq: int  # the event that left the pool so
    at: datetime
    balance: str
    points: str
    price: str


def price_points(
    connection: Connection, tenant: str, pool_id: str, limit: int, before: int | None
) -> list[PricePoint]:
    """The pool after each event that changed it, newest first."""
    c = t.pool_history.c
    pool = load_pool(connection, tenant, pool_id)
    statement = select(t.pool_history).where(of_tenant(c, tenant), c.pool_id == pool_id)
    if before is not None:
        statement = statement.where(c.seq < before)
    rows = connection.execute(statement.order_by(c.seq.desc()).limit(limit)).all()
    opening = Price.of_yuan(pool.params["opening_price"])
    points: list[PricePoint] = []
    for row in rows:
        if row.points > 0:
            price: Price | None = Price(int(row.balance), int(row.points))
        elif row.price_fen is not None:  # none circulate: the price the pool kept (spec 01)
            price = Price(int(row.price_fen), int(row.price_units))
        else:  # such a row written before migration 0022
            price = None
        points.append(
            PricePoint(
                seq=row.seq,
                at=row.at,
                balance=format_minor(int(row.balance), 2),
                points=format_minor(int(row.points), 4),
                price=str(price or opening),
            )
        )
    return points


# ---------------------------------------------------------------------------- solvency


class PoolSolvency(BaseModel):
    pool: str
    balance: str
    points: str
    price: str
    buyback_cost: str  # paying every position for all its points at the sale rate now
    covered: bool


class Solvency(BaseModel):
    pools: list[PoolSolvency]
    owed_to_members: str  # wallets, plus withdrawals held (cash members may take out)
    # what members owe (reversals of points already sold): a receivable, settled from
    # their future credits, never cash: it is not subtracted from what others are owed
    owed_by_members: str
    owed_to_merchants: str
    platform_cash: str  # received, less paid out, less what sits in pools
    coverage: str | None  # platform cash ÷ what it owes ("—" when it owes nothing)
    modes: list[ModeSolvency]  # each mode's unpaid promises against its reserve


# What the report sums over the tenant's balances (in yuan): each a pattern of accounts
# (the dashboard's risk panel sums the same over its window: console_risk.py).
OWED_TO_MEMBERS = ("member:%:wallet", "member:%:withdrawing")
OWED_BY_MEMBERS = ("member:%:debt",)
OWED_TO_MERCHANTS = ("merchant:%",)
IN_POOLS = ("pool:%",)
RECEIVED = (  # negative: money in
    accounts.CUSTOMERS,
    accounts.FUNDING,
    accounts.BANK,
    accounts.THIRD_PARTIES,  # advertisers paying into mode reserves
    accounts.PAYMENTS_IN,  # members paying outside orders (regional agents' rights)
)


def _sums(connection: Connection, tenant: str) -> tuple[int, int, int, int, int]:
    """What the platform owes members, owes merchants, holds in pools, and has received
    (less what it paid out), and what members owe it: one pass over the tenant's yuan
    balances, summed by the database in integers."""
    c = t.balances.c

    def total(patterns: tuple[str, ...]) -> Any:
        matches = or_(*(c.account.like(pattern) for pattern in patterns))
        return func.coalesce(func.sum(case((matches, c.amount), else_=0)), 0)

    row = connection.execute(
        select(
            total(OWED_TO_MEMBERS),
            total(OWED_TO_MERCHANTS),
            total(IN_POOLS),
            total(RECEIVED),
            total(OWED_BY_MEMBERS),
        ).where(of_tenant(c, tenant), c.asset == CNY)
    ).one()
    members, merchants, pools, received, debts = (int(value) for value in row)
    return members, merchants, pools, -received, -debts


_LIMIT = 2**62  # every term the database computes stays below this: BIGINT holds 2^63 − 1


def _buyback_terms(balance: int, points: int, fee: Ratio) -> dict[str, int] | None:
    """The integers with which the database prices a position of h points (0 ≤ h ≤ the
    pool's circulating `points`) exactly as `fee.complement_floor(h * balance // points)`
    does, without a product that 64-bit integers cannot hold: None when some term could
    reach 2^62 (a pool of more than about 3·10^12 units, 300 million points, or a fee
    of more than 9 decimals on a pool of more than a few hundred thousand yuan), and the
    positions are then priced one by one in Python.

    With balance = q·points + r and h = a·m + b (m = ⌊√points⌋, m·r = s·points + u):
    x = h·balance // points = h·q + a·s + (a·u + b·r) // points, where a·u and b·r are
    below about points^1.5; then (den − num)·x // den, which is c·x // den (c = den − num)
    when c·balance is small enough (any fee of a few decimals), else, with x = v·den + w,
    c·v + c·w // den."""
    if points <= 0 or balance < 0 or fee.num > fee.den:
        return None
    q, r = divmod(balance, points)
    m = max(1, isqrt(points))
    s, u = divmod(m * r, points)
    a = points // m
    c, den = fee.den - fee.num, fee.den
    whole = c * balance < _LIMIT  # c·x at once
    fee_terms = (c * balance,) if whole else (c * (balance // den), c * (den - 1))
    if max(points * q, a * s, a * u, (m - 1) * r, balance, *fee_terms) >= _LIMIT:
        return None
    n = {"q": q, "r": r, "m": m, "s": s, "u": u, "points": points, "c": c, "den": den}
    return {**n, "whole": int(whole)}


def buyback_cost(
    connection: Connection, tenant: str, pool_id: str, fee: Ratio, balance: int, points: int
) -> int:
    """What selling every position of the pool for all its points would pay now, each
    sale floored as the sale rule floors it: Σ fee.complement_floor(h × balance ÷ points).
    Summed by the database in exact integers, in one pass (see `_buyback_terms`); the
    positions are priced one by one in Python only when the figures are too large for
    that, or a position holds more than the pool's circulating points (it never should)."""
    if points <= 0:
        return 0
    p = t.positions.c
    where = (of_tenant(p, tenant)) & (p.pool_id == pool_id)
    terms = _buyback_terms(balance, points, fee)
    if terms is not None:
        n = {name: literal(value, BigInteger) for name, value in terms.items()}
        a, b = p.points // n["m"], p.points % n["m"]
        x = p.points * n["q"] + a * n["s"] + (a * n["u"] + b * n["r"]) // n["points"]
        if terms["whole"]:
            sale = n["c"] * x // n["den"]
        else:
            sale = n["c"] * (x // n["den"]) + n["c"] * (x % n["den"]) // n["den"]
        held = p.points.between(literal(0, BigInteger), n["points"])  # so no term overflows
        total, outside = connection.execute(
            select(
                func.coalesce(func.sum(case((held, sale), else_=None)), 0),
                func.coalesce(func.sum(case((held, 0), else_=1)), 0),
            ).where(where)
        ).one()
        if not outside:
            return int(total)
    return sum(
        fee.complement_floor(int(h) * balance // points)
        for h in connection.execute(select(p.points).where(where)).scalars()
    )


def solvency_report(connection: Connection, tenant: str) -> Solvency:
    """Spec 04's report: each pool against a buy-back of all its points, each mode's
    unpaid promises against its reserve, and what the platform owes members and
    merchants against the cash it holds. Every figure is summed by the database."""
    reports = []
    for row in connection.execute(
        select(t.pools).where(of_tenant(t.pools, tenant)).order_by(t.pools.c.pool_id)
    ):
        params = params_from_row(row.params)
        balance, points = pool_balances(connection, tenant, row.pool_id)
        view = pool_view(row.pool_id, params, _last_price(row), balance, points)
        cost = buyback_cost(connection, tenant, row.pool_id, params.sell_fee, balance, points)
        reports.append(
            PoolSolvency(
                pool=row.pool_id,
                balance=view.balance,
                points=view.points,
                price=view.price,
                buyback_cost=format_minor(cost, 2),
                covered=cost <= balance,
            )
        )
    owed_members, owed_merchants, pools, received, debts = _sums(connection, tenant)
    cash = received - pools
    owed = owed_members + owed_merchants
    # cash ÷ owed, below zero when the platform is short (a Price refuses negative money:
    # the report answered 500 exactly then); rounded down, as a mode's coverage is, so that
    # a platform short of a fen never reads 1.0000
    coverage = None
    if owed > 0:
        coverage = str((Decimal(cash) / owed).quantize(Decimal("0.0001"), rounding=ROUND_FLOOR))
    return Solvency(
        pools=reports,
        owed_to_members=format_minor(owed_members, 2),
        owed_by_members=format_minor(debts, 2),
        owed_to_merchants=format_minor(owed_merchants, 2),
        platform_cash=format_minor(cash, 2),
        coverage=coverage,
        modes=mode_solvency(connection, tenant),
    )
