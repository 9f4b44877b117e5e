"""What happened lately, read for the dashboard (service/queries/activity.py): the entries of a
kind since a moment, and a pool's history between two moments, each through the index
made for it (`ix_entries_kind_at`, `ix_pool_history_at`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, literal, select, union_all

from zengzhi.core.amounts import Price
from zengzhi.core.ledger import CNY
from zengzhi.store import tables as t
from zengzhi.store.tenanted import Tenanted, of_tenant, record_of

CHUNK = 1000  # entry ids per query


def moved(
    connection: Connection, tenant: str, kind: str, since: datetime, wanted: Callable[[str], bool]
) -> tuple[int, int]:
    """Entries of one kind since a moment: how many, and the fen they moved on the
    accounts `wanted` picks. The entries come from their (kind, time) index and their
    postings by primary key, never through the postings' account index: an account such
    as `external:customers` has a posting for every order ever made."""
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
    return len(ids), total


@dataclass(frozen=True, slots=True)
class HistoryRow:
    seq: int  # the event that left the pool so
    at: datetime
    balance: int  # fen
    points: int  # units
    price_fen: int | None  # with no point circulating, the price kept (else NULL)
    price_units: int | None

    def price(self) -> Price | None:
        """The pool's price then, when the row says it: balance / points, else the price
        kept with no point circulating; None for such a row written before 0022."""
        if self.points > 0:
            return Price(self.balance, self.points)
        if self.price_fen is not None and self.price_units is not None:
            return Price(self.price_fen, self.price_units)
        return None


class PoolHistory(Tenanted):
    """One pool's balance and points after each event that changed them."""

    table = t.pool_history

    def __init__(self, connection: Connection, tenant: str, pool: str) -> None:
        super().__init__(connection, tenant)
        self.pool = pool

    def _rows(self, *columns: Any) -> Select[Any]:
        h = self.table.c
        default = (h.seq, h.at, h.balance, h.points, h.price_fen, h.price_units)
        return self.select(*(columns or default)).where(h.pool_id == self.pool)

    def _read(self, statement: Select[Any]) -> list[HistoryRow]:
        return [record_of(HistoryRow, row) for row in self.connection.execute(statement)]

    def first_at(self) -> datetime | None:
        h = self.table.c
        found: datetime | None = self.connection.execute(
            self._rows(h.at).order_by(h.at).limit(1)
        ).scalar_one_or_none()
        return found

    def between(self, first: datetime, last: datetime, limit: int) -> list[HistoryRow]:
        """The first `limit` changes between the moments, oldest first."""
        h = self.table.c
        statement = self._rows().where(h.at >= first, h.at <= last)
        return self._read(statement.order_by(h.at, h.seq).limit(limit))

    def before(self, moment: datetime) -> HistoryRow | None:
        """The last change before the moment."""
        h = self.table.c
        found = self._read(self._rows().where(h.at < moment).order_by(h.at.desc()).limit(1))
        return found[0] if found else None

    def at_moments(self, first: datetime, last: datetime, count: int) -> list[HistoryRow]:
        """The pool as it stood at `count` evenly spaced moments from `first` to `last`:
        the last change at or before each, one index probe each, in one query."""
        h = self.table.c
        step = (last - first) / (count - 1)
        moments = union_all(
            *(
                select(literal(first + step * n, t.UTCDateTime()).label("moment"))
                for n in range(count)
            )
        ).subquery()
        latest = (
            self._rows(h.seq)
            .where(h.at <= moments.c.moment)
            .order_by(h.at.desc(), h.seq.desc())
            .limit(1)
            .correlate(moments)
            .scalar_subquery()
        )
        statement = self._rows().where(h.seq.in_(select(latest).select_from(moments)))
        return self._read(statement.order_by(h.at, h.seq))
