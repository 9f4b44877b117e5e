"""Writes a unit of work holds back: orders' rows, members' spent totals, positions.

A group of commands (service/sequencer.py) creates, pays and completes hundreds of orders
in one transaction. Written through, each order costs an insert, an update when it is
paid, another when completion records what it minted, an update of its member's total
and one of its position: round trips of rows no other statement of the group reads.
Held here, each new order is one row of one multi-row insert in its final state, the
changes of orders this transaction locked one statement per set of columns, and the
totals and positions one statement each, at commit.

Nothing may read around them: before any statement that names the `orders`, `members` or
`positions` table runs on the transaction's connection, what is held is written (the
connection's `before_cursor_execute` hook), so every read, by any module, sees the
transaction's own writes as if they had gone through at once. A read that no held write
can change marks itself `UNAFFECTED` (an order id not held, whether a member exists, the
position of a member not loaded yet) and does not force the writes out; that is what
lets a group's orders each look themselves up cheaply. Only rows this transaction wrote
or locked are changed here: an update held back takes its row lock late, and for a row
already locked that changes nothing."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, bindparam, event, insert, update

from zengzhi.store import tables as t
from zengzhi.store.tenanted import of_tenant

UNAFFECTED = {"unaffected_by_pending": True}  # execution options of such a read

_TOUCHES = re.compile(r"\b(?:orders|members|positions)\b")

_p = t.positions.c
# a position's row, written held (at commit) or at once (store/pools.SqlPositions)
NEW_POSITION = insert(t.positions)
SET_POSITION = update(t.positions).where(  # the columns to set: the parameters' other keys
    of_tenant(_p, bindparam("b_tenant")),
    _p.pool_id == bindparam("b_pool"),
    _p.member_id == bindparam("b_member"),
)


class Pending:
    def __init__(self, tenant: str) -> None:
        self.tenant = tenant
        self.orders: dict[str, dict[str, Any]] = {}  # a new order's columns, by id
        self.order_changes: dict[str, dict[str, Any]] = {}  # columns set on a locked row
        self.spent: dict[str, int] = {}  # change of members.spent, by member
        # a position's row by (pool, member): inserted (True) or updated, and its columns
        self.positions: dict[tuple[str, str], tuple[bool, dict[str, Any]]] = {}

    def watch(self, connection: Connection) -> None:
        event.listen(connection, "before_cursor_execute", self._before)

    def _before(
        self,
        connection: Connection,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        if (
            (self.orders or self.order_changes or self.spent or self.positions)
            and _TOUCHES.search(statement)
            and not context.execution_options.get("unaffected_by_pending")
        ):
            self.flush(connection)

    def change_order(self, order_id: str, values: dict[str, Any]) -> None:
        """Columns set on an order this transaction wrote or locked (only such a row:
        an update held back takes its row lock late, which must change nothing)."""
        new = self.orders.get(order_id)
        if new is not None:
            new.update(values)  # inserted as it ends
        else:
            self.order_changes.setdefault(order_id, {}).update(values)

    def add_spent(self, member: str, fen: int) -> None:
        self.spent[member] = self.spent.get(member, 0) + fen

    def put_position(self, pool: str, member: str, values: dict[str, Any], new: bool) -> None:
        held = self.positions.get((pool, member))
        if held is None:
            self.positions[(pool, member)] = (new, dict(values))
        else:
            held[1].update(values)  # inserted then changed: inserted as it ends

    def flush(self, connection: Connection) -> None:
        """Write what is held (emptied first: the writes' own statements pass the hook)."""
        orders, changes = self.orders, self.order_changes
        spent, positions = self.spent, self.positions
        self.orders, self.order_changes, self.spent, self.positions = {}, {}, {}, {}
        alike: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in orders.values():  # a multi-row insert needs the same columns in each
            alike.setdefault(tuple(row), []).append(row)
        for rows in alike.values():
            connection.execute(insert(t.orders), rows)
        self._change_orders(connection, changes)
        self._write_positions(connection, positions)
        totals = [
            {"b_tenant": self.tenant, "b_member": member, "b_fen": fen}
            for member, fen in sorted(spent.items())  # one lock order for every process
            if fen
        ]
        if totals:
            m = t.members.c
            connection.execute(
                update(t.members)
                .where(m.tenant_id == bindparam("b_tenant"), m.member_id == bindparam("b_member"))
                .values(spent=m.spent + bindparam("b_fen")),
                totals,
            )

    def _write_positions(
        self, connection: Connection, positions: dict[tuple[str, str], tuple[bool, dict[str, Any]]]
    ) -> None:
        new, changed = [], []
        for (pool, member), (inserted, values) in sorted(positions.items()):
            if inserted:
                new.append(
                    {"tenant_id": self.tenant, "pool_id": pool, "member_id": member, **values}
                )
            else:
                changed.append(
                    {"b_tenant": self.tenant, "b_pool": pool, "b_member": member, **values}
                )
        if new:
            connection.execute(NEW_POSITION, new)
        if changed:
            connection.execute(SET_POSITION, changed)

    def _change_orders(self, connection: Connection, changes: dict[str, dict[str, Any]]) -> None:
        alike: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for order_id, values in sorted(changes.items()):
            row = {"b_tenant": self.tenant, "b_order": order_id, **values}
            alike.setdefault(tuple(sorted(values)), []).append(row)
        o = t.orders.c
        for rows in alike.values():
            connection.execute(
                update(t.orders).where(
                    o.tenant_id == bindparam("b_tenant"), o.order_id == bindparam("b_order")
                ),
                rows,
            )
