"""Writes a unit of work holds back: its new orders' rows and its members' spent totals.

A group of commands (service/sequencer.py) creates, pays and completes hundreds of orders
in one transaction. Written through, each order costs an insert, an update when it is
paid, another when completion records what it minted, and an update of its member's
total: four round trips of rows no other statement of the group reads. Held here, each
new order is one row of one multi-row insert in its final state, and the totals one
statement, at commit.

Nothing may read around them: before any statement that names the `orders` or `members`
table runs on the transaction's connection, what is held is written (the connection's
`before_cursor_execute` hook), so every read, by any module, sees the transaction's own
writes as if they had gone through at once. A read that no held write can change marks
itself `UNAFFECTED` (an order id not held, whether a member exists) and does not force
the writes out; that is what lets a group's orders each look themselves up cheaply.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, bindparam, event, insert, update

from zengzhi.store import tables as t

UNAFFECTED = {"unaffected_by_pending": True}  # execution options of such a read

_TOUCHES = re.compile(r"\b(?:orders|members|positions)\b")


class Pending:
    def __init__(self, tenant: str) -> None:
        self.tenant = tenant
        self.orders: dict[str, dict[str, Any]] = {}  # a new order's columns, by id
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
            (self.orders or self.spent or self.positions)
            and _TOUCHES.search(statement)
            and not context.execution_options.get("unaffected_by_pending")
        ):
            self.flush(connection)

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
        orders, spent, positions = self.orders, self.spent, self.positions
        self.orders, self.spent, self.positions = {}, {}, {}
        alike: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in orders.values():  # a multi-row insert needs the same columns in each
            alike.setdefault(tuple(row), []).append(row)
        for rows in alike.values():
            connection.execute(insert(t.orders), rows)
        self._write_positions(connection, positions)
        changes = [
            {"b_tenant": self.tenant, "b_member": member, "b_fen": fen}
            for member, fen in sorted(spent.items())  # one lock order for every process
            if fen
        ]
        if changes:
            m = t.members.c
            connection.execute(
                update(t.members)
                .where(m.tenant_id == bindparam("b_tenant"), m.member_id == bindparam("b_member"))
                .values(spent=m.spent + bindparam("b_fen")),
                changes,
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
            connection.execute(insert(t.positions), new)
        if changed:
            p = t.positions.c
            connection.execute(
                update(t.positions).where(
                    p.tenant_id == bindparam("b_tenant"),
                    p.pool_id == bindparam("b_pool"),
                    p.member_id == bindparam("b_member"),
                ),
                changed,
            )
