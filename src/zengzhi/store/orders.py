"""The service's orders table: one tenant's orders as typed records (the engine's own
view of completed orders is `records.SqlOrders`)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    true,
    update,
)

from zengzhi.core.events import OrderLine
from zengzhi.core.lifecycles import OrderStatus
from zengzhi.engine.state import Minted
from zengzhi.store import tables as t
from zengzhi.store.database import one_of
from zengzhi.store.pending import UNAFFECTED, Pending
from zengzhi.store.records import SqlMembers, lines_from_json, lines_to_json
from zengzhi.store.tenanted import Keyed, of_tenant, record_of
from zengzhi.store.tenants import tenants_having
from zengzhi.store.wanted import Wanted


@dataclass(frozen=True, slots=True)
class OrderRow:
    order_id: str
    member_id: str
    store_id: str | None
    status: OrderStatus
    amount: int  # fen
    lines: tuple[OrderLine, ...]
    request_hash: str
    return_window: int  # seconds
    region: str | None
    recruiter: str | None
    minted: tuple[Minted, ...]  # empty until completed
    shopping_points: int  # units
    created_at: datetime
    paid_at: datetime | None
    due_at: datetime | None
    completed_at: datetime | None
    closed_at: datetime | None
    reversed_by: str | None


_o = t.orders.c
# built once: every order of a group is looked up by its id (a held write is for an
# order already in `held`, so this read never needs them written first)
_ONE = (
    select(t.orders)
    .where(of_tenant(_o, bindparam("tenant")), _o.order_id == bindparam("order"))
    .execution_options(**UNAFFECTED)
)
_ONE_LOCKED = _ONE.with_for_update()
_MANY_LOCKED = (  # a group's orders (store/wanted.py), locked in one order by every server
    select(t.orders)
    .where(of_tenant(_o, bindparam("tenant")), one_of(_o.order_id, "orders"))
    .order_by(_o.order_id)
    .with_for_update()
    .execution_options(**UNAFFECTED)
)
_m = t.members.c
_locked = _MANY_LOCKED.subquery("o")
# the same, with which of the group's members exist (`found_members`, an array, on every
# row), on PostgreSQL: one round trip, not two. A row with no order when none is found.
# Only for a few orders: the array comes again with each order's row.
_MEMBERS_WITH_AT_MOST = 8
_MANY_LOCKED_AND_MEMBERS = (
    select(
        select(func.array_agg(_m.member_id))
        .where(
            of_tenant(_m, bindparam("tenant")),
            one_of(_m.member_id, "members"),
        )
        .scalar_subquery()
        .label("found_members"),
        *_locked.c,
    )
    .select_from(
        select(literal_column("1").label("one")).subquery("one").outerjoin(_locked, true())
    )
    .execution_options(**UNAFFECTED)
)


def pools_of(row: OrderRow) -> set[str]:
    """The pools an order's completion or reversal locks: its lines' and its mints'."""
    return {line.pool for line in row.lines if line.pool is not None} | {
        one.pool for one in row.minted
    }


def zones_of(row: OrderRow) -> set[str]:
    """The zones whose modes an order's lines run through (its completion and reversal
    lock them, after its pools)."""
    return {line.zone for line in row.lines if line.zone is not None}


def _may_mint(row: OrderRow) -> bool:
    """Whether a step of the order may lock its pools: its payment when that completes
    it, its completion, its reversal (not a payment into a return window, a refund or a
    cancellation, which a paid or new order may be asked for too: those lock them for
    nothing)."""
    if row.status == OrderStatus.CREATED:
        return row.return_window == 0
    return row.status in (OrderStatus.PAID, OrderStatus.COMPLETED)


def _order(row: Row[Any]) -> OrderRow:
    return record_of(
        OrderRow,
        row,
        status=OrderStatus(row.status),
        lines=lines_from_json(row.lines),
        minted=tuple(Minted(*one) for one in row.minted or ()),
    )


class Orders(Keyed[OrderRow]):
    """`held`, in a unit of work: the rows this transaction has locked or written, as
    they stand now (shared with the engine's `SqlOrders`, which writes what an order
    minted). A group of commands (service/sequencer.py) creates, pays and answers many
    orders in one transaction; each row is read once, not again after each of its steps.
    `pending`, in a unit of work: a new order's row and the members' totals are written
    when the transaction next reads those tables, or at its commit (store/pending.py)."""

    table = t.orders

    def __init__(
        self,
        connection: Connection,
        tenant: str,
        held: dict[str, OrderRow] | None = None,
        pending: Pending | None = None,
        wanted: Wanted | None = None,
    ) -> None:
        super().__init__(connection, tenant)
        self.held = held
        self.pending = pending
        self.wanted = wanted
        # ids read ahead and not there then: a row another server inserts since clashes
        # at this transaction's commit, which is then run again (store/pending.py)
        self.absent: set[str] = set()
        # in a unit of work: locks the pools the group wants (`pools.SqlPools.lock_wanted`)
        self.then_pools: Callable[[], None] | None = None
        # and the members the group names, read with its orders (PostgreSQL)
        self.members: SqlMembers | None = None

    def record(self, row: Row[Any]) -> OrderRow:
        return _order(row)

    def get(self, key: str, lock: bool = False) -> OrderRow | None:
        if self.held is not None and key in self.held:
            return self.held[key]  # locked or written by this transaction: as it stands
        if key in self.absent:
            return None
        if lock and self.held is not None and self.wanted and key in self.wanted.orders:
            self._lock_wanted()
            return self.held.get(key)
        found = self.connection.execute(
            _ONE_LOCKED if lock else _ONE, {"tenant": self.tenant, "order": key}
        ).first()
        row = None if found is None else self.record(found)
        if lock and row is not None and self.held is not None:
            self.held[key] = row
        return row

    def _lock_wanted(self) -> None:
        """Lock and hold every order the group will ask for (store/wanted.py)."""
        assert self.held is not None and self.wanted is not None
        keys = sorted(self.wanted.orders - self.held.keys())
        self.wanted.orders.clear()
        asked = self.members.unread() if self.members is not None else []
        params = {"tenant": self.tenant, "orders": keys}
        rows: Sequence[Row[Any]]
        together = (
            len(keys) <= _MEMBERS_WITH_AT_MOST and self.connection.dialect.name == "postgresql"
        )
        if self.members is not None and asked and together:
            read = self.connection.execute(_MANY_LOCKED_AND_MEMBERS, params | {"members": asked})
            rows = read.all()
            self.members.were_read(asked, rows[0].found_members or ())
            rows = [row for row in rows if row.order_id is not None]
        else:
            rows = self.connection.execute(_MANY_LOCKED, params).all()
        for found in rows:
            row = self.held[found.order_id] = self.record(found)
            self.wanted.members.add(found.member_id)  # their positions, read ahead too
            if _may_mint(row):  # and their pools and zones, locked together
                self.wanted.pools |= pools_of(row)
                self.wanted.zones |= zones_of(row)
        self.absent.update(key for key in keys if key not in self.held)
        if self.then_pools is not None:
            self.then_pools()  # the group's pools next, before any zone or balance

    def change(self, key: str, **values: Any) -> None:
        """Set columns of one row; a change of status into or out of completed moves the
        order's amount into or out of its member's kept total (`members.spent`), in the
        same transaction: the total never changes without the order that causes it."""
        status = values.get("status")
        if status is not None:
            c = t.orders.c
            row: Any = self.held.get(key) if self.held is not None else None
            if row is None:
                row = self.first(
                    self.select(c.member_id, c.amount, c.status).where(self.key == key)
                )
            if row is not None:
                was = row.status == OrderStatus.COMPLETED
                now = OrderStatus(status) == OrderStatus.COMPLETED
                if was != now:
                    m = t.members.c
                    delta = int(row.amount) if now else -int(row.amount)
                    if self.pending is not None:
                        self.pending.add_spent(row.member_id, delta)
                    else:
                        self.connection.execute(
                            update(t.members)
                            .where(of_tenant(m, self.tenant), m.member_id == row.member_id)
                            .values(spent=m.spent + delta)
                        )
        if self.pending is not None and self.held is not None and key in self.held:
            self.pending.change_order(key, values)  # written when read, or as it ends
        else:
            super().change(key, **values)
        if self.held is not None and key in self.held:
            if status is not None:
                values["status"] = OrderStatus(status)
            self.held[key] = replace(self.held[key], **values)

    def add(
        self,
        order_id: str,
        *,
        member: str,
        store: str | None,
        amount: int,
        lines: tuple[OrderLine, ...],
        request_hash: str,
        return_window: int,
        region: str | None,
        recruiter: str | None,
        shopping_points: int,
        at: datetime,
    ) -> None:
        row = {
            "tenant_id": self.tenant,
            "order_id": order_id,
            "member_id": member,
            "store_id": store,
            "status": OrderStatus.CREATED,
            "amount": amount,
            "region": region,
            "recruiter": recruiter,
            "lines": lines_to_json(lines),
            "request_hash": request_hash,
            "return_window": return_window,
            "created_at": at,
            "shopping_points": shopping_points,
        }
        if self.wanted is not None and return_window == 0:  # paid later in the group: these
            self.wanted.pools.update(line.pool for line in lines if line.pool is not None)
            self.wanted.zones.update(line.zone for line in lines if line.zone is not None)
        if self.pending is not None:
            self.pending.orders[order_id] = row
        else:
            self.connection.execute(insert(t.orders).values(row))
        if self.held is not None:
            self.held[order_id] = OrderRow(
                order_id, member, store, OrderStatus.CREATED, amount, lines, request_hash,
                return_window, region, recruiter, (), shopping_points, at,
                None, None, None, None, None,
            )  # fmt: skip

    def points_promised(self, member: str, statuses: Collection[OrderStatus]) -> int:
        """The shopping points a member's orders in `statuses` will spend."""
        c = t.orders.c
        statement = self.select(func.coalesce(func.sum(c.shopping_points), 0))
        statement = statement.where(c.member_id == member, c.status.in_(list(statuses)))
        return int(self.connection.execute(statement).scalar_one())

    def placed(
        self, member: str, statuses: Collection[OrderStatus], since: datetime | None = None
    ) -> tuple[int, int]:
        """How many orders in `statuses` a member placed (since a time), and their amount."""
        c = t.orders.c
        statement = self.select(func.count(), func.coalesce(func.sum(c.amount), 0))
        statement = statement.where(c.member_id == member, c.status.in_(list(statuses)))
        if since is not None:
            statement = statement.where(c.created_at >= since)
        count, amount = self.connection.execute(statement).one()
        return int(count), int(amount)

    def due(self, now: datetime, limit: int) -> list[str]:
        """Paid orders whose return window has passed, the longest due first."""
        c = t.orders.c
        statement = (
            self.select(c.order_id).where(*_due(now)).order_by(c.due_at, c.order_id).limit(limit)
        )
        return list(self.connection.execute(statement).scalars())

    def page(
        self, member: str | None, status: str | None, limit: int, after: str | None
    ) -> list[OrderRow]:
        """Orders by id, after the id `after`."""
        c = t.orders.c
        statement = self.select()
        if member is not None:
            statement = statement.where(c.member_id == member)
        if status is not None:
            statement = statement.where(c.status == status)
        return self.records(statement, limit, after)


def _due(now: datetime) -> tuple[ColumnElement[bool], ...]:
    c = t.orders.c
    return c.status == OrderStatus.PAID, c.due_at <= now


def tenants_with_due_orders(
    connection: Connection, now: datetime, among: Collection[str] | None = None
) -> list[str]:
    """The tenants (of `among`, or all) with a paid order whose return window has passed."""
    c = t.orders.c
    return tenants_having(
        connection,
        lambda tenant: select(c.order_id).where(of_tenant(c, tenant), *_due(now)),
        among=among,
    )


def spent_differences(connection: Connection, tenant: str) -> list[tuple[str, int, int]]:
    """Members whose kept total of completed orders is not the sum of those orders:
    (member, kept, summed)."""
    m, o = t.members.c, t.orders.c
    summed = (
        select(o.member_id, func.sum(o.amount).label("total"))
        .where(of_tenant(o, tenant), o.status == OrderStatus.COMPLETED)
        .group_by(o.member_id)
        .subquery()
    )
    total = func.coalesce(summed.c.total, 0)
    rows = connection.execute(
        select(m.member_id, m.spent, total)
        .select_from(t.members)
        .outerjoin(summed, summed.c.member_id == m.member_id)
        .where(of_tenant(m, tenant), m.spent != total)
        .order_by(m.member_id)
    )
    return [(str(r[0]), int(r[1]), int(r[2])) for r in rows]
