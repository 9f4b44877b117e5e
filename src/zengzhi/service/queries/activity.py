"""What happened lately, for the dashboard: the day's figures and a pool's price over time.

Both read indexes made for them (`ix_entries_kind_at`, `ix_pool_history_at`), so they
cost the same with a thousand orders or ten million: the day's figures read only that
day's entries, and the chart looks up the pool at a few hundred moments (one index probe
each) instead of reading its whole history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Connection

from zengzhi.core import accounts
from zengzhi.core.amounts import Price, format_minor
from zengzhi.core.days import day_of, start_of
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, query, tenant_zone
from zengzhi.service.queries.pools import load_pool
from zengzhi.store.activity import PoolHistory, moved

Wanted = Callable[[str], bool]  # which accounts of an entry count


class Tally(BaseModel):
    count: int
    amount: str  # yuan


class Activity(BaseModel):
    since: datetime
    orders: Tally  # orders completed: what customers paid
    sales: Tally  # points sold: what went to wallets
    exits: Tally  # forced exits: what went to wallets
    withdrawals_paid: Tally  # what left the books to members' accounts
    subsidies: Tally  # operator money put into pools


def _tally(
    connection: Connection, tenant: str, kind: str, since: datetime, wanted: Wanted, sign: int
) -> Tally:
    count, total = moved(connection, tenant, kind, since, wanted)
    return Tally(count=count, amount=format_minor(sign * total, 2))


def _start(context: Context, principal: Principal, since: datetime | None) -> datetime:
    """`since`, or the start of today in the tenant's time zone."""
    if since is not None:
        return since
    zone = tenant_zone(context, principal.tenant)
    return start_of(day_of(context.clock(), zone), zone)


def refunds(context: Context, principal: Principal, since: datetime | None) -> Tally:
    """Orders reversed after completion since `since` (default: today): how many, and what
    went back to their customers. The dashboard shows it under the day's orders, which
    count an order completed and refunded the same day as paid."""
    principal.require(Permission.READ)
    start = _start(context, principal, since)

    def run(connection: Connection) -> Tally:
        def back(account: str) -> bool:
            return account == accounts.CUSTOMERS

        return _tally(connection, principal.tenant, "order_reversal", start, back, 1)

    return query(context, run)


def activity(context: Context, principal: Principal, since: datetime | None) -> Activity:
    """Since `since` (default: the start of today in the tenant's time zone)."""
    principal.require(Permission.READ)
    start = _start(context, principal, since)

    def pool_cash(account: str) -> bool:  # a pool's cash (its points accounts are not CNY)
        return account.startswith("pool:")

    def run(connection: Connection) -> Activity:
        tenant = principal.tenant

        def tally(kind: str, wanted: Wanted, sign: int) -> Tally:
            return _tally(connection, tenant, kind, start, wanted, sign)

        return Activity(
            since=start,
            orders=tally("order", lambda account: account == accounts.CUSTOMERS, -1),
            sales=tally("sale", pool_cash, -1),
            exits=tally("exit", pool_cash, -1),
            withdrawals_paid=tally(
                "withdrawal_payout", lambda account: account == accounts.BANK, 1
            ),
            subsidies=tally("subsidy", pool_cash, 1),
        )

    return query(context, run)


# ---------------------------------------------------------------------------- the chart


class Sample(BaseModel):
    at: datetime
    seq: int  # the event that left the pool so
    price: str
    balance: str
    points: str


class PriceChart(BaseModel):
    pool: str
    start: datetime | None  # None: the pool has no history yet
    end: datetime
    samples: list[Sample]  # oldest first; every change when there are few, else a sample


MAX_SAMPLES = 500


def price_chart(
    context: Context,
    principal: Principal,
    pool_id: str,
    start: datetime | None,
    end: datetime | None,
    samples: int,
) -> PriceChart:
    """The pool between two moments: each change when there are at most `samples` of
    them, else the pool as it stood at `samples` evenly spaced moments (the price never
    falls, so the line drawn through them is the price's true envelope)."""
    principal.require(Permission.READ)
    wanted = max(2, min(samples, MAX_SAMPLES))

    def run(connection: Connection) -> PriceChart:
        tenant = principal.tenant
        pool = load_pool(connection, tenant, pool_id)  # 404 for an unknown pool
        opening = Price.of_yuan(pool.params["opening_price"])
        history = PoolHistory(connection, tenant, pool_id)
        last = end or context.clock()
        first = start if start is not None else history.first_at()
        if first is None or first > last:
            return PriceChart(pool=pool_id, start=first, end=last, samples=[])
        rows = history.between(first, last, wanted + 1)
        if len(rows) <= wanted:
            before = history.before(first)  # where the line enters the window
            if before is not None:
                rows.insert(0, before)
        else:
            rows = history.at_moments(first, last, wanted)
        shown: list[Sample] = []
        price = opening
        for row in rows:
            # with no point circulating the price the pool kept; rows from before that was
            # written carry the last price drawn
            price = row.price() or price
            shown.append(
                Sample(
                    at=max(row.at, first),
                    seq=row.seq,
                    price=str(price),
                    balance=format_minor(row.balance, 2),
                    points=format_minor(row.points, 4),
                )
            )
        return PriceChart(pool=pool_id, start=first, end=last, samples=shown)

    return query(context, run)
