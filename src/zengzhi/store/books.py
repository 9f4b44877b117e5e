"""The books as the service keeps them, read for the audit (service/audit.py): the kept
balances, the balances the journal's postings add up to, the positions' rows, how many
entries and events; and the audit log of who changed what."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from zengzhi.store import tables as t
from zengzhi.store.pages import newest_first
from zengzhi.store.tenanted import Tenanted, of_tenant, record_of

Balances = dict[tuple[str, str], int]  # (account, asset) → minor units


def kept_balances(connection: Connection, tenant: str) -> Balances:
    c = t.balances.c
    statement = select(c.account, c.asset, c.amount).where(of_tenant(c, tenant))
    return {(row.account, row.asset): int(row.amount) for row in connection.execute(statement)}


def posted_balances(connection: Connection, tenant: str) -> Balances:
    """Every balance summed again from the journal's postings."""
    p = t.postings.c
    statement = (
        select(p.account, p.asset, func.sum(p.amount).label("total"))
        .where(of_tenant(p, tenant))
        .group_by(p.account, p.asset)
    )
    return {(row.account, row.asset): int(row.total) for row in connection.execute(statement)}


@dataclass(frozen=True, slots=True)
class PositionRow:
    pool_id: str
    member_id: str
    opened: int  # 0: closed, the history kept
    principal: int
    realized: int
    points: int
    paid: int
    charged: int
    next_lot: int | None  # the `seq` of the position's next lot; None: kept before lots
    # [cause, held, sold value, sold payout] oldest first, from `position_lots`; None:
    # kept before lots (or closed)
    lots: list[list[Any]] | None = None


def position_rows(connection: Connection, tenant: str) -> list[PositionRow]:
    """Every position of every pool, open or closed, with its lots."""
    statement = select(t.positions).where(of_tenant(t.positions, tenant))
    rows = [record_of(PositionRow, row, lots=None) for row in connection.execute(statement)]
    lots = lot_rows(connection, tenant)
    return [
        replace(row, lots=lots.pop((row.pool_id, row.member_id), []))
        if row.next_lot is not None
        else row
        for row in rows
    ]


def positions_with_lots(connection: Connection, tenant: str) -> set[tuple[str, str]]:
    """(pool, member) of every position some lot row names."""
    c = t.position_lots.c
    statement = select(c.pool_id, c.member_id).where(of_tenant(c, tenant)).distinct()
    return {(row.pool_id, row.member_id) for row in connection.execute(statement)}


def lot_rows(connection: Connection, tenant: str) -> dict[tuple[str, str], list[list[Any]]]:
    """Every lot of every position, [cause, held, sold value, sold payout] oldest first,
    by (pool, member)."""
    c = t.position_lots.c
    statement = (
        select(c.pool_id, c.member_id, c.cause, c.held, c.sold_value, c.sold_payout)
        .where(of_tenant(c, tenant))
        .order_by(c.pool_id, c.member_id, c.seq)
    )
    found: dict[tuple[str, str], list[list[Any]]] = {}
    for row in connection.execute(statement):
        found.setdefault((row.pool_id, row.member_id), []).append(
            [row.cause, int(row.held), int(row.sold_value), int(row.sold_payout)]
        )
    return found


def closed_lot_rows(connection: Connection, tenant: str) -> dict[tuple[str, str, str], int]:
    """What the points of every closed stake's lot were paid, by (pool, member, cause)."""
    c = t.closed_lots.c
    statement = select(c.pool_id, c.member_id, c.cause, c.sold_payout).where(of_tenant(c, tenant))
    return {
        (row.pool_id, row.member_id, row.cause): int(row.sold_payout)
        for row in connection.execute(statement)
    }


def counts(connection: Connection, tenant: str) -> tuple[int, int]:
    """How many entries the journal holds, and how many events the log."""

    def count(table: Any) -> int:
        statement = select(func.count()).select_from(table).where(of_tenant(table, tenant))
        return int(connection.execute(statement).scalar_one())

    return count(t.entries), count(t.events)


@dataclass(frozen=True, slots=True)
class AuditRow:
    audit_id: int
    at: datetime
    actor: str
    action: str
    target: str | None
    before: Any
    after: Any
    reason: str | None


class AuditLog(Tenanted):
    table = t.audit_log

    def newest(self, limit: int, before: int | None) -> list[AuditRow]:
        statement = newest_first(self.select(), self.table.c.audit_id, before, limit)
        return [record_of(AuditRow, row) for row in self.connection.execute(statement)]
