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

from collections.abc import Iterable, Mapping
from datetime import datetime
from types import TracebackType
from typing import Any

from sqlalchemy import Row
from sqlalchemy.exc import DBAPIError

from zengzhi.core.days import day_of
from zengzhi.core.errors import DomainError
from zengzhi.core.events import Event, ReverseOrder
from zengzhi.core.ledger import Entry
from zengzhi.engine.engine import Engine, Outcome
from zengzhi.engine.notices import SERVICE_TYPES, Notice, notices
from zengzhi.engine.state import TenantState
from zengzhi.engine.wire import dump_line, to_wire
from zengzhi.rules.pool import balance_and_points
from zengzhi.store import outbox
from zengzhi.store import tables as t
from zengzhi.store.database import Database, LostRace, Rows, Then, write_together
from zengzhi.store.ledger import SqlLedger
from zengzhi.store.members import Members
from zengzhi.store.modes import SqlModes
from zengzhi.store.network import SqlAgents, SqlDistribution, SqlNetwork
from zengzhi.store.orders import OrderRow, Orders
from zengzhi.store.pending import Pending
from zengzhi.store.pools import SqlPools
from zengzhi.store.records import SqlMembers, SqlOrders
from zengzhi.store.tenants import (
    Counters,
    numbered,
    numbering,
    settings_zone,
    store_settings,
    store_webhook_counter,
    tenant_settings,
)
from zengzhi.store.wanted import Wanted
from zengzhi.store.withdrawals import SqlWithdrawals, Withdrawals

KNOWN_SETTINGS = 10_000  # tenants whose settings a process keeps; past that it forgets all


class UnitOfWork:
    def __init__(
        self, database: Database, tenant: str, now: datetime, grouped: bool = False
    ) -> None:
        self.database = database
        # a group of commands (service/sequencer.py): on the grouped commands' engine,
        # whose sessions plan each prepared statement once (store/database.py)
        self.grouped = grouped
        self.tenant = tenant
        self.now = now
        self._committed = False
        # the keys and sessions (with the role each was checked for) read again, locked,
        # in this transaction (service/base.py `_proven`): a group's commands sent with
        # one key read it once
        self.proven: set[tuple[str, str]] = set()

    def __enter__(self) -> UnitOfWork:
        database = self.database
        self.connection = (database.grouped if self.grouped else database.writer).connect()
        self._transaction = self.connection.begin()
        # the tenant's settings as the command began (None: no such tenant): as this
        # process last saw them kept, or read; checked again before anything the command
        # did is kept or answered (`_check_settings`)
        self.settings = self.database.known_settings.get(self.tenant)
        self._known = self.settings is not None
        if self.settings is None:
            self.settings = tenant_settings(self.connection, self.tenant)
        self._settings_written = False
        self._distribution = SqlDistribution(
            self.connection, self.tenant, self.settings, self._check_settings
        )
        self.ledger = SqlLedger(self.connection, self.tenant)
        held: dict[str, OrderRow] = {}  # the orders this transaction locked or wrote
        self.pending = Pending(self.tenant)  # and the writes it holds back
        self.pending.watch(self.connection)
        self.wanted = Wanted()  # what a group's commands will look up (store/wanted.py)
        self.pools = SqlPools(self.connection, self.tenant, self.wanted, self.pending)
        self.ledger.positions_of = self.pools.positions_of
        self.modes = SqlModes(self.connection, self.tenant, self.wanted)
        self.member_book = SqlMembers(self.connection, self.tenant, self.now, self.wanted)
        self.network = network = SqlNetwork(self.connection, self.tenant)
        self.state = TenantState(
            self.ledger,
            self.pools,
            self.member_book,
            SqlOrders(self.connection, self.tenant, held, self.pending),
            SqlWithdrawals(self.connection, self.tenant, self.now),
            network,
            SqlAgents(self.connection, self.tenant, self.now, network),
            self._distribution,
            self.modes,
        )
        self.zone = settings_zone(self.settings)
        self.today = day_of(self.now, self.zone)
        self.engine = Engine(self.state, self.zone)
        # the service's own tables, for the command's use cases
        self.orders = Orders(self.connection, self.tenant, held, self.pending, self.wanted)
        self.orders.then_pools = self._lock_wanted  # orders, then pools and zones
        self.orders.members = self.member_book  # the group's members read with its orders
        self.members = Members(self.connection, self.tenant)
        self.withdrawals = Withdrawals(self.connection, self.tenant)
        self._events: list[tuple[Event, tuple[Entry, ...]]] = []
        self._published: list[Notice] = []
        self._directed: list[tuple[str, str, Notice]] = []  # a ping: subscription, event id
        self._audits: list[dict[str, Any]] = []
        # a subscription changed: the tenant's active ones counted again at the commit
        # (service/webhooks.py `changing_subscriptions`)
        self.webhooks_changed = False
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            if isinstance(error, DomainError) and self._known:
                # a refusal decided on settings this process knew: only if they are
                # still kept so (another server may have saved new ones)
                self._check_settings(None)
            if not self._committed:
                self._transaction.rollback()
        finally:
            self.connection.close()

    def _check_settings(self, kept: dict[str, Any] | None) -> None:
        """Run the command again, whole (`LostRace`), if the tenant's settings it began
        with are not the ones kept (`kept`, or read now when None): saved meanwhile by
        another command, or by another process after this one last saw them. Called
        before its first change of them (`kept` read locked: nothing else changes them
        after), at a commit that numbers nothing, and on a refusal; a commit that
        numbers compares them under the tenant's lock (`commit`). What it finds is
        what this process's next command begins with."""
        if self._settings_written or self._distribution.written:
            return  # checked before the first change, and held locked since
        if kept is None:
            try:
                kept = tenant_settings(self.connection, self.tenant)
            except DBAPIError:  # the transaction failed: the next command reads them
                self.database.known_settings.pop(self.tenant, None)
                return
        self._know(kept)
        if kept != self.settings:
            raise LostRace("the tenant's settings")

    def _know(self, settings: dict[str, Any] | None) -> None:
        known = self.database.known_settings
        if settings is None:
            known.pop(self.tenant, None)
            return
        if len(known) >= KNOWN_SETTINGS and self.tenant not in known:
            known.clear()
        known[self.tenant] = settings

    def _lock_wanted(self) -> None:
        """The pools, then the zones, a group wants, locked right after its orders: before
        any command of the group locks a balance (docs/service.md, "Lock order")."""
        self.pools.lock_wanted()
        self.modes.lock_wanted()

    def store_settings(self, settings: dict[str, Any]) -> None:
        """Save the tenant's settings: a command that changes them, having read them with
        the tenant's row locked (`service/tenants.load_settings(lock=True)`)."""
        self._check_settings(tenant_settings(self.connection, self.tenant))
        store_settings(self.connection, self.tenant, settings)
        self._settings_written = True

    def apply(self, event: Event) -> Outcome:
        """Run an event through the engine; it reaches the log when the command commits.
        Returns what the rules computed: its entries, sales, exits and mints."""
        outcome = self.engine.apply(event)
        self._events.append((event, outcome.entries))
        return outcome

    def publish(self, notice_type: str, members: Iterable[str], data: Mapping[str, Any]) -> None:
        """A webhook event for a change that is not an engine event (a withdrawal
        approved…): written with the command's other rows at commit. Its type is one of
        `SERVICE_TYPES`, the list a subscription's types are checked against."""
        if notice_type not in SERVICE_TYPES:
            raise ValueError(f"{notice_type!r} is not in engine/notices.py SERVICE_TYPES")
        self._published.append(Notice(notice_type, tuple(members), data))

    def publish_to(
        self, subscription: str, event_id: str, notice_type: str, data: Mapping[str, Any]
    ) -> None:
        """A webhook event, of this id, for one subscription only, whatever types it
        takes (a test delivery, `ping`): numbered, written, signed and sent as every
        other event, if that subscription is active when the command commits."""
        self._directed.append((subscription, event_id, Notice(notice_type, (), data)))

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
        spent = self.pending.take_spent()
        writes: list[Rows] = []
        self.pending.flush(self.connection, writes)
        notifying = bool(self._events or self._published or self._directed)
        by = Counters(len(self._events), len(self.ledger.pending), len(self._audits), 0)
        if not (notifying or self._audits or self.ledger.pending or self.webhooks_changed):
            # nothing to number (an order created, a setting read…): the tenant's counters
            # are neither locked nor written, so such commands never queue for them
            self._write_state(spent, writes, None)
            if self._known:
                self._check_settings(None)
            self._transaction.commit()
            self._committed = True
            return
        to_number = self.ledger.entry_rows(self.now)
        events = self._log_rows()
        to_number.append(Rows(t.events, events))
        if events:
            to_number.append(Rows(t.pool_history, self._pool_history(by.event)))
        to_number.append(Rows(t.audit_log, self._audit_rows()))
        counters = self._write_state(
            spent, writes, numbering(self.tenant, by, self.webhooks_changed, to_number)
        )
        assert counters is not None  # `write_together` returns what `then` returned
        last, settings, subscribed = numbered(counters, by)
        # Saved by another command after this one read them, and committed before it:
        # numbered after that change, it must have been decided by it (a withdrawal's
        # auto-approval and fee, an order's commissions, which the log's replay applies
        # by the change). Run again, whole, it reads them as they are now.
        self._check_settings(settings)
        # read under the tenant's lock, a statement after it (so as it stands now): a
        # subscription added or stopped by a command that committed before is seen so
        # (the counters' row said whether there is one, as that command left it); what
        # is written for one a command still running stops, the dispatcher cancels
        # (store/outbox.claim). Most tenants have none: the counters said so.
        subscriptions = (
            outbox.active_subscriptions(self.connection, self.tenant)
            if notifying and subscribed
            else []
        )
        notes = self._notes(last.event) if subscriptions else []
        webhook = self._write_notices(notes + self._published, last.webhook, subscriptions)
        for target, event_id, notice in self._directed:
            taker = [
                outbox.Subscription(one.id, [notice.type])
                for one in subscriptions
                if one.id == target
            ]
            webhook = self._write_notices([notice], webhook, taker, (event_id,))
        if webhook != last.webhook:
            store_webhook_counter(self.connection, self.tenant, webhook)
        self._transaction.commit()
        self._committed = True
        if self._settings_written or self._distribution.written:
            self._know(settings)  # this command's own, kept now

    def _write_state(
        self, spent: Mapping[str, int], writes: list[Rows], then: Then | None
    ) -> Row[Any] | None:
        """What the engine changed in the rows it loaded: balances (with the members'
        kept figures, `spent` and the team performance grown among them), pools, modes;
        then `then`, the tenant's counters (what it returns). The members' rows are the
        last a command locks before the counters: the lock order of docs/service.md,
        which the pools', zones' and balances' rows read (and locked) by the rules
        meanwhile come before. With no zone's claim or tally to store, the counters go in
        the balances' statement, after its other parts (store/database.py)."""
        writes += self.pools.changes()
        growth = self.network.growth.take()
        if not self.modes.writing():
            return self.ledger.write_balances(spent, growth, writes, then)
        self.ledger.write_balances(spent, growth, writes)
        self.modes.write()
        return write_together(self.connection, [], then)

    def _log_rows(self) -> list[dict[str, Any]]:
        """The event log's rows, numbered from 1 (on from the tenant's counter as they
        are written: store/tenants.py `numbering`)."""
        return [
            {
                "tenant_id": self.tenant,
                "seq": seq,
                "event_id": event.id,
                "body": dump_line(to_wire(event)),
                "at": self.now,
            }
            for seq, (event, _) in enumerate(self._events, start=1)
        ]

    def _notes(self, last: int) -> list[Notice]:
        """The notices of what each event posted, for the subscriptions that may want
        them: the events numbered on from `last`."""
        return [
            note
            for seq, (event, entries) in enumerate(self._events, start=last + 1)
            for note in notices(to_wire(event), seq, entries, self._buyer(event))
        ]

    def _buyer(self, event: object) -> str | None:
        """The member a reversal's notices concern when its entries name none (the order's
        own refund posts to no member's account): its order's buyer, so that the buyer's
        `order.reversed` is delivered in its place among the buyer's events."""
        if not isinstance(event, ReverseOrder):
            return None
        record = self.state.orders.get(event.order)
        return None if record is None else record.order.member

    def _write_notices(
        self,
        notes: list[Notice],
        last: int,
        subscriptions: list[outbox.Subscription],
        event_ids: tuple[str, ...] = (),
    ) -> int:
        """The outbox's rows; returns the last webhook number given out."""
        if not (subscriptions and notes):
            return last
        return outbox.write(
            self.connection, self.tenant, self.now, notes, last, subscriptions, event_ids
        )

    def _pool_history(self, seq: int) -> list[dict[str, Any]]:
        """Each touched pool's balance and points as of the command's last event (`seq`,
        its number among the command's events)."""
        history = []
        for pool in self.pools.touched():
            balance, points = balance_and_points(pool, self.ledger)
            kept = pool.last_price if points == 0 else None  # what the pool's price is then
            history.append(
                {
                    "tenant_id": self.tenant,
                    "pool_id": pool.id,
                    "seq": seq,
                    "at": self.now,
                    "balance": balance,
                    "points": points,
                    "price_fen": None if kept is None else kept.fen,
                    "price_units": None if kept is None else kept.units,
                }
            )
        return history

    def _audit_rows(self) -> list[dict[str, Any]]:
        """The audit log's rows, numbered from 1 (as `_log_rows`)."""
        return [
            {"tenant_id": self.tenant, "audit_id": audit_id, "at": self.now, **one}
            for audit_id, one in enumerate(self._audits, start=1)
        ]
