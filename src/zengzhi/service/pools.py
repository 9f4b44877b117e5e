"""Pools: opening and configuring them, pausing issuance, subsidies, their state and
price history, and the solvency report.

Pool parameters change through the engine (`OpenPool`, `Configure`), so they are in the
event log and a replay repeats them; every change is also in the audit log.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from math import isqrt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import BigInteger, Connection, case, func, literal, or_, select

from zengzhi.core import accounts
from zengzhi.core.amounts import Price, Ratio, format_minor
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.events import Configure, OpenPool, Subsidy, event_id
from zengzhi.core.ledger import CNY
from zengzhi.engine.fields import Exact, Id, Note, canonical
from zengzhi.engine.wire import yuan
from zengzhi.rules.pool import (
    Exit,
    PoolParams,
    PoolState,
    balance_and_points,
    canonical_params,
)
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, command, not_found, once, query
from zengzhi.service.modes import ModeSolvency, mode_solvency
from zengzhi.store import tables as t
from zengzhi.store.pools import params_from_row
from zengzhi.store.uow import UnitOfWork


class PoolParamsIn(BaseModel):
    """Any of a pool's parameters, as decimal text (see docs/model.md)."""

    model_config = ConfigDict(extra="forbid")

    mint_ratio: Exact | None = None
    sell_fee: Exact | None = None
    exit_multiple: Exact | None = None
    opening_price: Exact | None = None
    minting_enabled: bool | None = None
    min_sell_points: Exact | None = None
    no_exit: bool = Field(default=False, description="true turns the forced exit off")

    def changes(self) -> dict[str, object]:
        """The parameters given, checked, each in one spelling (as the event keeps them)."""
        given: dict[str, object] = {
            k: v
            for k, v in self.model_dump(
                include=set(PoolParamsIn.model_fields) - {"no_exit"}
            ).items()
            if v is not None
        }
        if self.no_exit:
            given["exit_multiple"] = None
        return canonical_params(given)


class NewPool(PoolParamsIn):
    id: Id


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


def exits_view(exits: Sequence[Exit]) -> list[dict[str, str]]:
    """The forced exits a command brought, as its answer lists them."""
    return [
        {"member": one.member, "price": str(one.price), "payout": format_minor(one.payout, 2)}
        for one in exits
    ]


def state_view(pool: PoolState, uow: UnitOfWork) -> PoolView:
    return pool_view(pool.id, pool.params, pool.last_price, *balance_and_points(pool, uow.ledger))


def _pool(uow: UnitOfWork, pool_id: str) -> PoolState:
    found = uow.pools.get(pool_id)
    if found is None:
        raise not_found("pool", pool_id, "pool")
    return found


def open_pool(context: Context, principal: Principal, request: NewPool) -> PoolView:
    principal.require(Permission.CONFIGURE)
    changes = request.changes()
    PoolParams().with_changes(changes)  # refuse bad parameters before anything else

    def run(uow: UnitOfWork) -> PoolView:
        if uow.pools.get(request.id) is not None:
            raise DomainError(ErrorCode.CONFLICT, f"pool {request.id!r} exists", "id")
        uow.apply(OpenPool(event_id("open_pool", request.id), request.id, changes, uow.now))
        pool = _pool(uow, request.id)
        uow.audit(principal.actor, "pool.open", f"pool:{request.id}", after=pool.params.as_text())
        return state_view(pool, uow)

    return command(context, principal, run)


def configure_pool(
    context: Context,
    principal: Principal,
    pool_id: str,
    request: PoolParamsIn,
    action: str = "pool.configure",
    reason: str | None = None,
) -> PoolView:
    principal.require(Permission.CONFIGURE)
    changes = request.changes()
    if not changes:
        raise DomainError(ErrorCode.INVALID, "names no parameter to change", "body")

    def run(uow: UnitOfWork) -> PoolView:
        pool = _pool(uow, pool_id)
        before = pool.params.as_text()
        uow.apply(Configure(event_id("configure", uuid.uuid4().hex), pool_id, changes, uow.now))
        uow.audit(
            principal.actor,
            action,
            f"pool:{pool_id}",
            before=before,
            after=pool.params.as_text(),
            reason=reason,
        )
        return state_view(pool, uow)

    return command(context, principal, run)


def load_pool(connection: Connection, tenant: str, pool_id: str) -> PoolView:
    c = t.pools.c
    row = connection.execute(
        select(t.pools).where(c.tenant_id == tenant, c.pool_id == pool_id)
    ).first()
    if row is None:
        raise not_found("pool", pool_id, "pool")
    balance, points = pool_balances(connection, tenant, pool_id)
    last = (
        Price(int(row.last_price_fen), int(row.last_price_units))
        if row.last_price_fen is not None
        else None
    )
    return pool_view(pool_id, params_from_row(row.params), last, balance, points)


def pool_balances(connection: Connection, tenant: str, pool_id: str) -> tuple[int, int]:
    c = t.balances.c
    rows = dict(
        connection.execute(
            select(c.account, c.amount).where(
                c.tenant_id == tenant,
                c.account.in_([accounts.pool_cash(pool_id), accounts.pool_supply(pool_id)]),
            )
        ).all()
    )
    return (
        int(rows.get(accounts.pool_cash(pool_id), 0)),
        -int(rows.get(accounts.pool_supply(pool_id), 0)),
    )


def list_pools(context: Context, principal: Principal) -> list[PoolView]:
    principal.require(Permission.READ)

    def run(connection: Connection) -> list[PoolView]:
        ids = (
            connection.execute(
                select(t.pools.c.pool_id)
                .where(t.pools.c.tenant_id == principal.tenant)
                .order_by(t.pools.c.pool_id)
            )
            .scalars()
            .all()
        )
        return [load_pool(connection, principal.tenant, pool_id) for pool_id in ids]

    return query(context, run)


def get_pool(context: Context, principal: Principal, pool_id: str) -> PoolView:
    principal.require(Permission.READ)
    return query(context, lambda connection: load_pool(connection, principal.tenant, pool_id))


def pause(
    context: Context, principal: Principal, pool_id: str, paused: bool, reason: str | None
) -> PoolView:
    """Stop (or restart) minting: contributions keep flowing into the pool (spec 03 H)."""
    return configure_pool(
        context,
        principal,
        pool_id,
        PoolParamsIn(minting_enabled=not paused),
        "pool.pause" if paused else "pool.resume",
        reason,
    )


class SubsidyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id = Field(description="the request's own id: a repeat applies once")
    amount: Exact
    reason: Note | None = None


def subsidize(
    context: Context, principal: Principal, pool_id: str, request: SubsidyRequest
) -> dict[str, Any]:
    """Operator money into a pool: the price rises, and exits may follow."""
    principal.require(Permission.SUBSIDIZE)
    amount = yuan(request.amount, "amount", positive=True)

    def run(uow: UnitOfWork) -> dict[str, Any]:
        def produce() -> dict[str, Any]:
            pool = _pool(uow, pool_id)
            outcome = uow.apply(Subsidy(event_id("subsidy", request.id), pool_id, amount, uow.now))
            uow.audit(
                principal.actor,
                "pool.subsidy",
                f"pool:{pool_id}",
                after={"amount": format_minor(amount, 2)},
                reason=request.reason,
            )
            return {
                "id": request.id,
                "pool": state_view(pool, uow).model_dump(),
                "amount": format_minor(amount, 2),
                "exits": exits_view(outcome.exits),
            }

        return once(uow, request.id, "subsidy", {"pool": pool_id, **canonical(request)}, produce)

    return command(context, principal, run)


class PricePoint(BaseModel):
    seq: int  # the event that left the pool so
    at: datetime
    balance: str
    points: str
    price: str


def price_history(
    context: Context, principal: Principal, pool_id: str, limit: int, before: int | None
) -> list[PricePoint]:
    """The pool after each event that changed it, newest first."""
    principal.require(Permission.READ)
    c = t.pool_history.c

    def run(connection: Connection) -> list[PricePoint]:
        pool = load_pool(connection, principal.tenant, pool_id)
        statement = select(t.pool_history).where(
            c.tenant_id == principal.tenant, c.pool_id == pool_id
        )
        if before is not None:
            statement = statement.where(c.seq < before)
        rows = connection.execute(statement.order_by(c.seq.desc()).limit(limit)).all()
        opening = Price.of_yuan(pool.params["opening_price"])
        points: list[PricePoint] = []
        for row in rows:
            price = Price(int(row.balance), int(row.points)) if row.points > 0 else None
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

    return query(context, run)


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
    owed_to_members: str  # wallets, plus withdrawals held, less debts
    owed_to_merchants: str
    platform_cash: str  # received, less paid out, less what sits in pools
    coverage: str | None  # platform cash ÷ what it owes ("—" when it owes nothing)
    modes: list[ModeSolvency]  # each mode's unpaid promises against its reserve


# What the report sums over the tenant's balances (in yuan): each a pattern of accounts.
_OWED_TO_MEMBERS = ("member:%:wallet", "member:%:withdrawing", "member:%:debt")
_OWED_TO_MERCHANTS = ("merchant:%",)
_IN_POOLS = ("pool:%",)
_RECEIVED = (  # negative: money in
    accounts.CUSTOMERS,
    accounts.FUNDING,
    accounts.BANK,
    accounts.THIRD_PARTIES,  # advertisers paying into mode reserves
)


def _sums(connection: Connection, tenant: str) -> tuple[int, int, int, int]:
    """What the platform owes members, owes merchants, holds in pools, and has received
    (less what it paid out): one pass over the tenant's yuan balances, summed by the
    database in integers."""
    c = t.balances.c

    def total(patterns: tuple[str, ...]) -> Any:
        matches = or_(*(c.account.like(pattern) for pattern in patterns))
        return func.coalesce(func.sum(case((matches, c.amount), else_=0)), 0)

    row = connection.execute(
        select(
            total(_OWED_TO_MEMBERS),
            total(_OWED_TO_MERCHANTS),
            total(_IN_POOLS),
            total(_RECEIVED),
        ).where(c.tenant_id == tenant, c.asset == CNY)
    ).one()
    members, merchants, pools, received = (int(value) for value in row)
    return members, merchants, pools, -received


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
    where = (p.tenant_id == tenant) & (p.pool_id == pool_id)
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


def solvency(context: Context, principal: Principal) -> Solvency:
    """Spec 04's report: each pool against a buy-back of all its points, each mode's
    unpaid promises against its reserve, and what the platform owes members and
    merchants against the cash it holds. Every figure is summed by the database."""
    principal.require(Permission.READ)

    def run(connection: Connection) -> Solvency:
        reports = []
        tenant = principal.tenant
        for row in connection.execute(
            select(t.pools).where(t.pools.c.tenant_id == tenant).order_by(t.pools.c.pool_id)
        ):
            params = params_from_row(row.params)
            balance, points = pool_balances(connection, tenant, row.pool_id)
            last = (
                Price(int(row.last_price_fen), int(row.last_price_units))
                if row.last_price_fen is not None
                else None
            )
            view = pool_view(row.pool_id, params, last, balance, points)
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
        owed_members, owed_merchants, pools, received = _sums(connection, tenant)
        cash = received - pools
        owed = owed_members + owed_merchants
        coverage = (
            None if owed <= 0 else str((Price(cash, owed).yuan() / 100).quantize(Decimal("0.0001")))
        )
        return Solvency(
            pools=reports,
            owed_to_members=format_minor(owed_members, 2),
            owed_to_merchants=format_minor(owed_merchants, 2),
            platform_cash=format_minor(cash, 2),
            coverage=coverage,
            modes=mode_solvency(connection, tenant),
        )

    return query(context, run)
