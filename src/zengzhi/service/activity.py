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
from sqlalchemy import Connection, literal, select, union_all

from zengzhi.core import accounts
from zengzhi.core.amounts import Price, format_minor
from zengzhi.core.days import day_of, start_of
from zengzhi.core.ledger import CNY
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, query, tenant_zone
from zengzhi.service.queries.pools import load_pool
from zengzhi.store import tables as t
from zengzhi.store.tenanted import of_tenant

Wanted = Callable[[str], bool]  # which accounts of an entry count
CHUNK = 1000  # entry ids per query


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
    """Entries of one kind since a moment: how many, and what they moved on the accounts
    `wanted` picks. The entries come from their (kind, time) index and their postings by
    primary key, never through the postings' account index: an account such as
    `external:customers` has a posting for every order ever made."""
    e, p = t.entries.c, t.postings.c
    ids = list(
        connection.execute(
            select(e.entry_id).where(of_tenant(e, tenant), e.kind == kind, e.at >= since)
        ).scalars()
    )
    total = 0
    for start in range(0, len(ids), CHUNK):
        for account, amount in connection.execute(
            select(p.account, p.amount).where(
                of_tenant(p, tenant), p.entry_id.in_(ids[start : start + CHUNK]), p.asset == CNY
            )
        ):
            if wanted(account):
                total += int(amount)
    return Tally(count=len(ids), amount=format_minor(sign * total, 2))


def activity(context: Context, principal: Principal, since: datetime | None) -> Activity:
    """Since `since` (default: the start of today in the tenant's time zone)."""
    principal.require(Permission.READ)
    start = since
    if start is None:
        zone = tenant_zone(context, principal.tenant)
        start = start_of(day_of(context.clock(), zone), zone)

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
    h = t.pool_history.c
    wanted = max(2, min(samples, MAX_SAMPLES))

    def run(connection: Connection) -> PriceChart:
        tenant = principal.tenant
        pool = load_pool(connection, tenant, pool_id)  # 404 for an unknown pool
        opening = Price.of_yuan(pool.params["opening_price"])
        this_pool = (of_tenant(h, tenant)) & (h.pool_id == pool_id)
        last = end or context.clock()
        first = start
        if first is None:
            first = connection.execute(
                select(h.at).where(this_pool).order_by(h.at).limit(1)
            ).scalar_one_or_none()
        if first is None or first > last:
            return PriceChart(pool=pool_id, start=first, end=last, samples=[])
        columns = (h.seq, h.at, h.balance, h.points)
        inside = connection.execute(
            select(*columns)
            .where(this_pool, h.at >= first, h.at <= last)
            .order_by(h.at, h.seq)
            .limit(wanted + 1)
        ).all()
        if len(inside) <= wanted:
            rows = list(inside)
            before = connection.execute(  # where the line enters the window
                select(*columns).where(this_pool, h.at < first).order_by(h.at.desc()).limit(1)
            ).first()
            if before is not None:
                rows.insert(0, before)
        else:
            step = (last - first) / (wanted - 1)
            moments = union_all(
                *(
                    select(literal(first + step * n, t.UTCDateTime()).label("moment"))
                    for n in range(wanted)
                )
            ).subquery()
            # the last change at or before each moment: one index probe each, in one query
            latest = (
                select(h.seq)
                .where(this_pool, h.at <= moments.c.moment)
                .order_by(h.at.desc(), h.seq.desc())
                .limit(1)
                .correlate(moments)
                .scalar_subquery()
            )
            rows = list(
                connection.execute(
                    select(*columns)
                    .where(this_pool, h.seq.in_(select(latest).select_from(moments)))
                    .order_by(h.at, h.seq)
                )
            )
        shown: list[Sample] = []
        price = opening
        for row in rows:
            if row.points > 0:
                price = Price(int(row.balance), int(row.points))
            shown.append(
                Sample(
                    at=max(row.at, first),
                    seq=row.seq,
                    price=str(price),
                    balance=format_minor(int(row.balance), 2),
                    points=format_minor(int(row.points), 4),
                )
            )
        return PriceChart(pool=pool_id, start=first, end=last, samples=shown)

    return query(context, run)
