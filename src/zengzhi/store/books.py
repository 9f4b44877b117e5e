"""The books as the service keeps them, read for the audit (service/audit.py): the kept
balances, the balances the journal's postings add up to, the positions' rows, how many
entries and events; and the audit log of who changed what."""

from __future__ import annotations

from dataclasses import dataclass
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
    lots: list[list[Any]] | None  # [cause, units] oldest first; None: kept before lots


def position_rows(connection: Connection, tenant: str) -> list[PositionRow]:
    """Every position of every pool, open or closed."""
    statement = select(t.positions).where(of_tenant(t.positions, tenant))
    return [record_of(PositionRow, row) for row in connection.execute(statement)]


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
