"""Members and completed orders in SQL, as the engine reads them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select

from zengzhi.core.events import CompleteOrder, OrderLine
from zengzhi.engine.state import Minted, OrderRecord
from zengzhi.rules.distribution import Paid
from zengzhi.rules.modes.common import Effect
from zengzhi.store import tables as t
from zengzhi.store.database import insert_if_absent, one_of
from zengzhi.store.pending import UNAFFECTED, Pending
from zengzhi.store.tenanted import Tenanted, of_tenant
from zengzhi.store.wanted import Wanted


def lines_to_json(lines: tuple[OrderLine, ...]) -> list[dict[str, Any]]:
    return [line._asdict() for line in lines]


def lines_from_json(data: list[dict[str, Any]]) -> tuple[OrderLine, ...]:
    return tuple(
        OrderLine(**(line | {"modes": tuple(tuple(pair) for pair in line.get("modes", ()))}))
        for line in data
    )


_m = t.members.c
# built once (asked for each order's member); the held totals do not change who exists
_MEMBER = (
    select(_m.member_id)
    .where(of_tenant(_m, bindparam("tenant")), _m.member_id == bindparam("member"))
    .execution_options(**UNAFFECTED)
)
_MEMBERS = (
    select(_m.member_id)
    .where(of_tenant(_m, bindparam("tenant")), one_of(_m.member_id, "members"))
    .execution_options(**UNAFFECTED)
)


class SqlMembers(Tenanted):
    table = t.members

    def __init__(
        self, connection: Connection, tenant: str, now: datetime, wanted: Wanted | None = None
    ) -> None:
        super().__init__(connection, tenant)
        self._now = now
        self._known: set[str] = set()
        self._wanted = wanted
        self._read_ahead: set[str] = set()  # of the wanted, those asked for (found or not)

    def vouch(self, member: str) -> None:
        """The member exists without a read: a row that names them says so (an order is
        created only for a member, and members are never removed)."""
        self._known.add(member)

    def __contains__(self, member: object) -> bool:
        if not isinstance(member, str):
            return False
        if member in self._known:
            return True
        if self._wanted and member in self._wanted.members and member not in self._read_ahead:
            asked = self.unread()
            rows = self.connection.execute(_MEMBERS, {"tenant": self.tenant, "members": asked})
            self.were_read(asked, rows.scalars())
            return member in self._known
        if member in self._read_ahead:
            return False  # read ahead in this transaction, not found
        found = self.connection.execute(_MEMBER, {"tenant": self.tenant, "member": member}).first()
        if found is None:
            return False
        self._known.add(member)
        return True

    def unread(self) -> list[str]:
        """The wanted members not known yet and not read ahead: what a read ahead asks."""
        if not self._wanted:
            return []
        return sorted(self._wanted.members - self._known - self._read_ahead)

    def were_read(self, asked: Iterable[str], found: Iterable[str]) -> None:
        """`asked` were read ahead (by this store, or with the group's orders:
        `orders.Orders`), and of them `found` exist."""
        self._known.update(found)
        self._read_ahead.update(asked)

    def add(self, member: str) -> None:
        if member in self:
            return
        insert_if_absent(
            self.connection,
            t.members,
            tenant_id=self.tenant,
            member_id=member,
            created_at=self._now,
            real_name_verified=False,
        )
        self._known.add(member)


ORDER_EVENT = "order:"  # an order's completion is the event "order:<order id>"


def order_event_id(order_id: str) -> str:
    return ORDER_EVENT + order_id


class SqlOrders(Tenanted):
    """The engine's view of completed orders: their lines and what they minted.

    The engine knows an order by its completion event's id ("order:<order id>").
    """

    table = t.orders

    def __init__(
        self,
        connection: Connection,
        tenant: str,
        held: dict[str, Any] | None = None,
        pending: Pending | None = None,
    ) -> None:
        super().__init__(connection, tenant)
        self.held = held  # store/orders.Orders' rows of this transaction, kept in step
        self.pending = pending  # and the new ones not written yet (store/pending.py)

    def get(self, event_id: str) -> OrderRecord | None:
        c = t.orders.c
        order_id = event_id.removeprefix(ORDER_EVENT)
        row = self.connection.execute(self.select().where(c.order_id == order_id)).first()
        if row is None or row.minted is None:
            return None
        order = CompleteOrder(
            event_id,
            row.member_id,
            lines_from_json(row.lines),
            row.store_id,
            row.completed_at,
            row.region,
            row.recruiter,
            int(row.shopping_points),
        )
        minted = tuple(Minted(*one) for one in row.minted)
        rewards = tuple(Paid(*one) for one in row.rewards or [])
        modes = tuple(Effect(*one) for one in row.modes or [])
        grew = None if row.grew is None else tuple(row.grew)
        return OrderRecord(order, minted, row.reversed_by, rewards, modes, grew)

    def put(self, record: OrderRecord) -> None:
        c = t.orders.c
        order_id = record.order.id.removeprefix(ORDER_EVENT)
        if self.held is not None and order_id in self.held:  # the service's view of the row
            self.held[order_id] = replace(
                self.held[order_id], minted=tuple(record.minted), reversed_by=record.reversed_by
            )
        values = {
            "minted": [list(one) for one in record.minted],
            "reversed_by": record.reversed_by,
            "rewards": [list(one) for one in record.rewards],
            "modes": [list(one) for one in record.modes],
            "grew": None if record.grew is None else list(record.grew),
        }
        if self.pending is not None and self.held is not None and order_id in self.held:
            self.pending.change_order(order_id, values)  # locked or written here: held
            return
        self.connection.execute(self.update().where(c.order_id == order_id).values(**values))
