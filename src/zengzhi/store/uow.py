"""The unit of work: one command, one transaction, the engine over SQL state, one commit.

```python
with UnitOfWork(database, tenant, now) as uow:
    uow.apply(event)      # the same engine and rules as replay, over rows loaded on demand
    uow.commit()          # balances, pools, entries, event log, audit: all or nothing
```

The commit ends by locking the tenant row and numbering what the command wrote (event
log, entries, audit, webhook events) from the tenant's counters: commits of one tenant
are numbered in the order they happen, so replaying the event log in `seq` order repeats
history. The webhook events (the outbox) are derived from the events applied and the
entries they posted (`engine/notices.py`), plus what the command `publish`ed, and are
written in the same transaction: committed together, or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, insert, select, update

from zengzhi.core.days import DEFAULT_TIMEZONE, day_of, time_zone
from zengzhi.core.events import Event
from zengzhi.core.ledger import Entry
from zengzhi.engine.engine import Engine
from zengzhi.engine.notices import Notice, notices
from zengzhi.engine.state import TenantState
from zengzhi.engine.wire import to_line
from zengzhi.rules.pool import balance_and_points
from zengzhi.store import outbox
from zengzhi.store import tables as t
from zengzhi.store.database import Database
from zengzhi.store.ledger import SqlLedger
from zengzhi.store.members import Members
from zengzhi.store.modes import SqlModes
from zengzhi.store.network import SqlAgents, SqlDistribution, SqlNetwork
from zengzhi.store.orders import Orders
from zengzhi.store.pools import SqlPools
from zengzhi.store.records import SqlMembers, SqlOrders
from zengzhi.store.withdrawals import SqlWithdrawals, Withdrawals


def tenant_time_zone(connection: Connection, tenant: str) -> ZoneInfo:
    """Where the tenant's days turn (its settings' `timezone`)."""
    settings = connection.execute(
        select(t.tenants.c.settings).where(t.tenants.c.tenant_id == tenant)
    ).scalar()
    return time_zone((settings or {}).get("timezone", DEFAULT_TIMEZONE))


def event_id(kind: str, request_id: str) -> str:
    """Events in a tenant's log are named by kind: an order and a sale may share an id."""
    return f"{kind}:{request_id}"


class UnitOfWork:
    def __init__(self, database: Database, tenant: str, now: datetime) -> None:
        self.database = database
        self.tenant = tenant
        self.now = now
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        self.connection = self.database.writer.connect()
        self._transaction = self.connection.begin()
        self.ledger = SqlLedger(self.connection, self.tenant)
        self.pools = SqlPools(self.connection, self.tenant)
        self.modes = SqlModes(self.connection, self.tenant)
        self.state = TenantState(
            self.ledger,
            self.pools,
            SqlMembers(self.connection, self.tenant, self.now),
            SqlOrders(self.connection, self.tenant),
            SqlWithdrawals(self.connection, self.tenant, self.now),
            SqlNetwork(self.connection, self.tenant),
            SqlAgents(self.connection, self.tenant, self.now),
            SqlDistribution(self.connection, self.tenant),
            self.modes,
        )
        self.zone = tenant_time_zone(self.connection, self.tenant)
        self.today = day_of(self.now, self.zone)
        self.engine = Engine(self.state, self.zone)
        # the service's own tables, for the command's use cases
        self.orders = Orders(self.connection, self.tenant)
        self.members = Members(self.connection, self.tenant)
        self.withdrawals = Withdrawals(self.connection, self.tenant)
        self._events: list[tuple[Event, list[Entry]]] = []
        self._published: list[Notice] = []
        self._audits: list[dict[str, Any]] = []
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            if not self._committed:
                self._transaction.rollback()
        finally:
            self.connection.close()

    def apply(self, event: Event) -> list[Entry]:
        """Run an event through the engine; it reaches the log when the command commits."""
        entries = self.engine.apply(event)
        self._events.append((event, entries))
        return entries

    def publish(self, notice_type: str, members: Iterable[str], data: Mapping[str, Any]) -> None:
        """A webhook event for a change that is not an engine event (a withdrawal
        approved…): written with the command's other rows at commit."""
        self._published.append(Notice(notice_type, tuple(members), data))

    def audit(
        self,
        actor: str,
        action: str,
        target: str | None = None,
        *,
        before: Any = None,
        after: Any = None,
        reason: str | None = None,
    ) -> None:
        self._audits.append(
            {
                "actor": actor,
                "action": action,
                "target": target,
                "before": before,
                "after": after,
                "reason": reason,
            }
        )

    def commit(self) -> None:
        self.ledger.write_balances()
        self.pools.write()
        self.modes.write()
        c = t.tenants.c
        subscriptions = (
            outbox.active_subscriptions(self.connection, self.tenant)
            if self._events or self._published
            else []
        )
        counters = self.connection.execute(
            select(c.event_seq, c.entry_seq, c.audit_seq, c.webhook_seq)
            .where(c.tenant_id == self.tenant)
            .with_for_update()
        ).one()
        seq = int(counters.event_seq)
        entry_id = self.ledger.write_entries(int(counters.entry_seq) + 1, self.now) - 1
        rows = []
        notes: list[Notice] = []
        for event, entries in self._events:
            seq += 1
            line = to_line(event)
            rows.append(
                {
                    "tenant_id": self.tenant,
                    "seq": seq,
                    "event_id": event.id,
                    "body": line,
                    "at": self.now,
                }
            )
            if subscriptions:
                notes += notices(json.loads(line), seq, entries)
        notes += self._published
        webhook_seq = int(counters.webhook_seq)
        if subscriptions and notes:
            webhook_seq = outbox.write(
                self.connection, self.tenant, self.now, notes, webhook_seq, subscriptions
            )
        if rows:
            self.connection.execute(insert(t.events), rows)
        history = []
        for pool in self.pools.touched():
            balance, points = balance_and_points(pool, self.ledger)
            history.append(
                {
                    "tenant_id": self.tenant,
                    "pool_id": pool.id,
                    "seq": seq,
                    "at": self.now,
                    "balance": balance,
                    "points": points,
                }
            )
        if history and rows:
            self.connection.execute(insert(t.pool_history), history)
        audit_id = int(counters.audit_seq)
        for one in self._audits:
            audit_id += 1
            self.connection.execute(
                insert(t.audit_log).values(
                    tenant_id=self.tenant, audit_id=audit_id, at=self.now, **one
                )
            )
        self.connection.execute(
            update(t.tenants)
            .where(c.tenant_id == self.tenant)
            .values(event_seq=seq, entry_seq=entry_id, audit_seq=audit_id, webhook_seq=webhook_seq)
        )
        self._transaction.commit()
        self._committed = True
