"""The dashboard's risk panel: every promise the money set aside does not cover (how
short, in yuan, worst first), and for each promise still covered, the day a straight
projection of the last 30 days says its cover runs out.

A promise is one of the solvency report's rows: a pool's buy-back of all its points
against its cash, a companion mode's unpaid promises against its reserve, and what the
platform owes members and merchants against the cash it holds. Its *cover* is what is
set aside less what is promised. The projection draws a straight line through the cover
as it stood at the start of the window and as it stands now: falling, it reaches zero on
the day named; flat or rising, no day is named. It is a trend, not a forecast: the
simulator is what says how a configuration behaves (docs/console.md, "Risk first").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import Connection, case, func, or_, select

from zengzhi.core.amounts import format_minor
from zengzhi.core.days import day_of
from zengzhi.core.ledger import CNY, Entry
from zengzhi.rules.modes import zone
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, query
from zengzhi.service.queries.pools import (
    IN_POOLS,
    OWED_TO_MEMBERS,
    OWED_TO_MERCHANTS,
    RECEIVED,
    Solvency,
)
from zengzhi.store import ledger_days
from zengzhi.store import tables as t
from zengzhi.store.ledger import ReadLedger
from zengzhi.store.modes import SqlModes
from zengzhi.store.tenanted import of_tenant
from zengzhi.store.tenants import tenant_time_zone

WINDOW = timedelta(days=30)
HORIZON_DAYS = 3650  # a run-out further off than ten years is not named
_MIN_WINDOW = timedelta(days=1)  # less history than this projects nothing


class Promise(BaseModel):
    kind: Literal["pool", "mode", "platform"]
    pool: str | None = None
    zone: str | None = None
    mode: str | None = None
    promised: str  # yuan
    set_aside: str  # yuan
    shortfall: str  # yuan the money does not cover today ("0.00": covered)
    backed: bool = False  # the platform's own funds pay what a mode's reserve cannot
    runs_out: date | None = None  # covered today, the day the straight line reaches zero


class Risk(BaseModel):
    short: list[Promise]  # not covered today, the largest shortfall first
    falling: list[Promise]  # covered today, a run-out day projected: soonest first
    window_days: int  # the history the projection was drawn through (0: none)


def _fen(yuan: str) -> int:
    return int(Decimal(yuan).scaleb(2))


class _Flows:
    """What was posted from entry `first` on (the window's start): the postings of the
    start's own day from `first` to that day's end, and the days after it from their
    sums (`ledger_days`), so that a month costs a day of postings and 30 rows an account."""

    def __init__(self, connection: Connection, tenant: str, first: int, start: datetime) -> None:
        self._connection = connection
        self._tenant = tenant
        self.first = first
        midnight = datetime.combine(ledger_days.day_of(start), time(0), UTC) + timedelta(days=1)
        self._day = midnight.date()  # the first whole day after the start
        # the first entry of that day: entries with earlier ids are the start's own day
        self._boundary = _first_entry_after(connection, tenant, midnight - timedelta.resolution)

    def total(self, accounts_in: Callable[[Any], Any], asset: str) -> int:
        """The sum of what was posted in `asset` to the accounts `accounts_in` selects (a
        condition on an account column: it is asked of the postings' and of the days')."""
        p, d = t.postings.c, t.ledger_days.c
        ids = [p.entry_id >= self.first]
        if self._boundary is not None:
            ids.append(p.entry_id < self._boundary)
        partial = self._connection.execute(
            select(
                func.coalesce(func.sum(case((accounts_in(p.account), p.amount), else_=0)), 0)
            ).where(of_tenant(p, self._tenant), p.asset == asset, *ids)
        ).scalar_one()
        days = self._connection.execute(
            select(func.coalesce(func.sum(d.amount), 0)).where(
                of_tenant(d, self._tenant),
                d.asset == asset,
                d.day >= self._day,
                accounts_in(d.account),
            )
        ).scalar_one()
        return int(partial) + int(days)


class _Then:
    """Balances as they stood before entry `first` (every posting from it on taken off
    today's balance): the ledger the mode rules read, at the window's start."""

    def __init__(self, connection: Connection, tenant: str, flows: _Flows) -> None:
        self._connection = connection
        self._tenant = tenant
        self._flows = flows
        self._now = ReadLedger(connection, tenant)

    def balance(self, account: str, asset: str) -> int:
        if account.startswith("member:"):  # summed by kind in the days: by its postings
            p = t.postings.c
            since = self._connection.execute(
                select(func.coalesce(func.sum(p.amount), 0)).where(
                    of_tenant(p, self._tenant),
                    p.account == account,
                    p.asset == asset,
                    p.entry_id >= self._flows.first,
                )
            ).scalar_one()
        else:
            since = self._flows.total(lambda column: column == account, asset)
        return self._now.balance(account, asset) - int(since)

    def post(self, entry: Entry) -> None:
        raise TypeError("a report's ledger posts nothing")

    def take_posted(self) -> list[Entry]:
        return []

    def prefetch(self, keys: Iterable[tuple[str, str]]) -> None:
        pass

    def receivables(self, member: str) -> list[tuple[str, int]]:
        return []  # not part of a promise's cover

    def owed_to(self, creditor: str) -> int:
        return 0

    def holders(self, kind: str, asset: str) -> list[tuple[str, int]]:
        return []  # a report runs no dividend


def _entry_ids(connection: Connection, tenant: str) -> tuple[int | None, int | None]:
    """The tenant's first and last entry ids: two queries, each one probe of the key
    (SQLite reads min and max asked together by scanning every entry)."""
    e = t.entries.c

    def one(aggregate: Any) -> int | None:
        found = connection.execute(select(aggregate).where(of_tenant(e, tenant))).scalar()
        return None if found is None else int(found)

    return one(func.min(e.entry_id)), one(func.max(e.entry_id))


def _first_entry_after(connection: Connection, tenant: str, moment: datetime) -> int | None:
    """The first entry made after `moment`, found by bisecting the entry ids (they are
    given in commit order, so their times rise): a few lookups by key where a scan of
    every entry's time would read millions of rows. None when no entry is that recent."""
    e = t.entries.c
    low, high = _entry_ids(connection, tenant)
    if low is None or high is None:
        return None

    def at_or_before(entry: int) -> datetime | None:
        return connection.execute(
            select(e.at)
            .where(of_tenant(e, tenant), e.entry_id <= entry)
            .order_by(e.entry_id.desc())
            .limit(1)
        ).scalar_one_or_none()

    last = at_or_before(int(high))
    if last is None or last <= moment:
        return None
    low, high = int(low), int(high)
    while low < high:  # the smallest id whose time is after `moment`
        middle = (low + high) // 2
        found = at_or_before(middle)
        if found is not None and found > moment:
            high = middle
        else:
            low = middle + 1
    return low


def _platform_then(flows: _Flows) -> int:
    """What the platform's cover (its cash less what it owes members and merchants) was
    made of in the entries from the window's start on: subtracted from today's cover, the
    cover then. The same account patterns as the solvency report's (a member's accounts
    are summed in the days by the kind these patterns name: store/ledger_days.py)."""

    def matching(*patterns: str) -> Callable[[Any], Any]:
        return lambda column: or_(*(column.like(pattern) for pattern in patterns))

    members = flows.total(matching(*OWED_TO_MEMBERS), CNY)
    merchants = flows.total(matching(*OWED_TO_MERCHANTS), CNY)
    pools = flows.total(matching(*IN_POOLS), CNY)
    received = flows.total(lambda column: column.in_(RECEIVED), CNY)
    return (-received - pools) - (members + merchants)


def _pool_then(
    connection: Connection, tenant: str, pool: str, moment: datetime, cost: int, balance: int
) -> int | None:
    """A pool's cover at `moment`: its cash then, less the share of it a buy-back takes
    today (cost ÷ cash; what each position held then is not kept, and at one price for
    every point that share is the pool's sale rate). None before the pool had history."""
    h = t.pool_history.c
    then = connection.execute(
        select(h.balance)
        .where(of_tenant(h, tenant), h.pool_id == pool, h.at <= moment)
        .order_by(h.at.desc(), h.seq.desc())
        .limit(1)
    ).scalar_one_or_none()
    if then is None:
        return None
    then = int(then)
    return then - (then * cost // balance if balance > 0 else 0)


def _runs_out(cover: int, before: int | None, window: timedelta, now: datetime) -> datetime | None:
    """Where the straight line from (now − window, before) through (now, cover) reaches
    zero, if it falls and the cover is still positive; integer seconds, no float."""
    if before is None or cover <= 0 or before <= cover:
        return None
    seconds = cover * int(window.total_seconds()) // (before - cover)
    if seconds > HORIZON_DAYS * 86_400:
        return None
    return now + timedelta(seconds=seconds)


def risk(context: Context, principal: Principal, report: Solvency) -> Risk:
    """The risk panel for `report` (the solvency report the page shows, read just now)."""
    principal.require(Permission.READ)
    now = context.clock()
    tenant = principal.tenant

    def run(connection: Connection) -> Risk:
        zone_info = tenant_time_zone(connection, tenant)
        e = t.entries.c
        first_id, _ = _entry_ids(connection, tenant)  # ids rise with time: the oldest's
        oldest = connection.execute(
            select(e.at).where(of_tenant(e, tenant), e.entry_id == first_id)
        ).scalar_one_or_none()
        window = min(WINDOW, now - oldest) if oldest is not None else timedelta(0)
        start = now - window
        first = _first_entry_after(connection, tenant, start) if window >= _MIN_WINDOW else None
        projects = window >= _MIN_WINDOW

        def promise(
            kind: Literal["pool", "mode", "platform"],
            promised: int,
            set_aside: int,
            before: int | None,
            **names: str | bool | None,
        ) -> Promise:
            cover = set_aside - promised
            out = _runs_out(cover, before if projects else None, window, now)
            return Promise(
                kind=kind,
                promised=format_minor(promised, 2),
                set_aside=format_minor(set_aside, 2),
                shortfall=format_minor(max(0, -cover), 2),
                runs_out=day_of(out, zone_info) if out is not None else None,
                **names,  # type: ignore[arg-type]
            )

        found: list[Promise] = []
        for p in report.pools:
            cost, balance = _fen(p.buyback_cost), _fen(p.balance)
            before = _pool_then(connection, tenant, p.pool, start, cost, balance)
            found.append(promise("pool", cost, balance, before, pool=p.pool))
        flows = _Flows(connection, tenant, first, start) if first is not None else None
        then = _Then(connection, tenant, flows) if flows is not None else None
        zones = SqlModes(connection, tenant).zones()
        earlier = {(x.zone, x.mode): x for x in zone.liabilities(then, zones)} if then else {}
        for m in report.modes:
            owed, reserve = _fen(m.owed), _fen(m.reserve)
            was = earlier.get((m.zone, m.mode))
            # no entry in the window: the cover has not moved
            before = was.reserve - was.owed if was is not None else reserve - owed
            found.append(
                promise("mode", owed, reserve, before, zone=m.zone, mode=m.mode, backed=m.backed)
            )
        owed = _fen(report.owed_to_members) + _fen(report.owed_to_merchants)
        cash = _fen(report.platform_cash)
        moved = _platform_then(flows) if flows is not None else 0
        before = cash - owed - moved
        found.append(promise("platform", owed, cash, before))
        short = sorted(
            (x for x in found if x.shortfall != "0.00"), key=lambda x: -_fen(x.shortfall)
        )
        falling = sorted(
            (x for x in found if x.shortfall == "0.00" and x.runs_out is not None),
            key=lambda x: x.runs_out or date.max,
        )
        return Risk(short=short, falling=falling, window_days=window.days if projects else 0)

    return query(context, run)
