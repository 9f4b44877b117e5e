"""The dispatcher: each event runs through the rules that care about it, in order.

This is the one place that says what happens when an order completes, a member sells,
and so on; each step is a rule from `zengzhi.rules`. A new mode adds its steps here and
its state to `TenantState`, and leaves the other rules alone.

Checks that can refuse an event run before anything is posted, so a refused event
changes nothing. The engine applies every event it is given: applying an id once is the
caller's part (the replay's index of ids, the service's unique keys).
"""

from __future__ import annotations

from zengzhi.core import accounts
from zengzhi.core.errors import DomainError, ErrorCode, invalid
from zengzhi.core.events import (
    CompleteOrder,
    Configure,
    Event,
    ImportBalance,
    OpenPool,
    PayWithdrawal,
    RejectWithdrawal,
    ReverseOrder,
    Sell,
    Subsidy,
    Withdraw,
)
from zengzhi.core.ledger import Entry, Ledger
from zengzhi.engine.state import Minted, OrderRecord, TenantState
from zengzhi.rules import orders, pool, withdrawals
from zengzhi.rules.pool import PoolParams, PoolState


class Engine:
    def __init__(self, state: TenantState) -> None:
        self.state = state

    def apply(self, event: Event) -> list[Entry]:
        """Run one event; returns the entries it posted, in order."""
        ledger = self.state.ledger
        match event:
            case CompleteOrder():
                self._complete(ledger, event)
            case Sell():
                self._sell(ledger, event)
            case Subsidy():
                target = self._pool(event.pool)
                pool.subsidize(target, ledger, event.id, event.amount)
                pool.settle_exits(target, ledger, event.id)
            case OpenPool():
                self._open_pool(ledger, event)
            case Configure():
                target = self._pool(event.pool)
                pool.configure(target, target.params.with_changes(event.changes))
                pool.settle_exits(target, ledger, event.id)
            case ReverseOrder():
                self._reverse(ledger, event)
            case ImportBalance():
                self._import(ledger, event)
            case Withdraw():
                if event.member not in self.state.members:
                    raise DomainError(
                        ErrorCode.NOT_FOUND, f"unknown member {event.member!r}", "member"
                    )
                withdrawals.hold(
                    ledger, self.state.withdrawals, event.id, event.member, event.amount, event.fee
                )
            case RejectWithdrawal():
                withdrawals.reject(ledger, self.state.withdrawals, event.id, event.withdrawal)
            case PayWithdrawal():
                withdrawals.pay(ledger, self.state.withdrawals, event.id, event.withdrawal)
        return ledger.take_posted()

    def _pool(self, pool_id: str) -> PoolState:
        found = self.state.pools.get(pool_id)
        if found is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"unknown pool {pool_id!r}", "pool")
        return found

    def _complete(self, ledger: Ledger, order: CompleteOrder) -> None:
        for line in order.lines:
            problem = line.problem()
            if problem is not None:
                raise invalid("lines", problem)
        # pools are loaded (in SQL: locked) in one order, so two orders never wait crosswise
        names = sorted({line.pool for line in order.lines if line.pool is not None})
        touched = {name: self._pool(name) for name in names}
        if not order.lines:
            raise invalid("lines", "an order needs at least one line")
        self.state.members.add(order.member)
        orders.complete(ledger, order)
        minted = []
        for line in order.lines:
            if line.pool is not None:
                points, position = pool.mint(
                    touched[line.pool],
                    ledger,
                    order.id,
                    order.member,
                    line.amount,
                    line.contribution,
                )
                opened = position.opened if position else None
                minted.append(Minted(line.pool, line.amount, points, opened))
        for target in touched.values():
            pool.settle_exits(target, ledger, order.id)
        self.state.orders.put(OrderRecord(order, tuple(minted)))

    def _sell(self, ledger: Ledger, event: Sell) -> None:
        if event.member not in self.state.members:
            raise DomainError(ErrorCode.NOT_FOUND, f"unknown member {event.member!r}", "member")
        target = self._pool(event.pool)
        pool.sell(target, ledger, event.id, event.member, event.points)
        pool.settle_exits(target, ledger, event.id)

    def _open_pool(self, ledger: Ledger, event: OpenPool) -> None:
        params = PoolParams().with_changes(event.params)
        found = self.state.pools.get(event.pool)
        if found is None:
            self.state.pools.open(event.pool, params)
            return
        cash, points = pool.balance_and_points(found, ledger)
        if cash or points or found.last_price is not None:
            raise DomainError(
                ErrorCode.CONFLICT, f"pool {event.pool!r} exists and is in use", "pool"
            )
        pool.configure(found, params)

    def _import(self, ledger: Ledger, event: ImportBalance) -> None:
        target = self._pool(event.pool)
        if event.contribution <= 0:
            raise invalid("contribution", "an import needs a contribution to mint against")
        if not target.params.minting_enabled:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"minting is paused in pool {target.id!r}: import after resuming",
                "pool",
            )
        self.state.members.add(event.member)
        pool.mint(
            target,
            ledger,
            event.id,
            event.member,
            event.principal,
            event.contribution,
            source=accounts.FUNDING,
        )
        pool.settle_exits(target, ledger, event.id)

    def _reverse(self, ledger: Ledger, event: ReverseOrder) -> None:
        record = self.state.orders.get(event.order)
        if record is None:
            raise DomainError(ErrorCode.NOT_FOUND, f"unknown order {event.order!r}", "order")
        if record.reversed_by is not None:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"order {event.order!r} was already reversed by {record.reversed_by!r}",
                "order",
            )
        order = record.order
        orders.reverse(ledger, event.id, order)
        for line in record.minted:
            if line.opened is None:
                continue
            target = self._pool(line.pool)
            pool.reverse_mint(
                target,
                ledger,
                event.id,
                order.id,
                order.member,
                line.amount,
                line.points,
                line.opened,
            )
        for pool_id in dict.fromkeys(line.pool for line in record.minted):
            pool.settle_exits(self._pool(pool_id), ledger, event.id)
        self.state.orders.put(OrderRecord(order, record.minted, reversed_by=event.id))
