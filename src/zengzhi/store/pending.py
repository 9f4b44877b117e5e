"""Writes a unit of work holds back: orders' rows, members' spent totals, positions and
their lots.

A group of commands (service/sequencer.py) creates, pays and completes hundreds of orders
in one transaction. Written through, each order costs an insert, an update when it is
paid, another when completion records what it minted, an update of its member's total
and one of its position: round trips of rows no other statement of the group reads.
Held here, each new order is one row of one multi-row insert in its final state, and
the changes of orders this transaction locked, the positions and the lots are parts of
the commit's one statement with its balances (store/database.py write_together); the
deletes of lots go just before it, the spent totals with the members' rows after it.

Nothing may read around them: before any statement that names the `orders` table runs on
the transaction's connection, what is held of orders is written, and before any that
names `positions` or `position_lots`, what is held of those (the connection's
`before_cursor_execute` hook), and before any that names a
`spent` column, the spent totals; so every read, by any module, sees the transaction's own
writes as if they had gone through at once. The totals are otherwise written at commit,
with the members' other kept figures (store/member_figures.py): a `members` row written
earlier was locked before the pools', zones' and balances' rows the group's next commands
lock, against the order every command locks in (docs/service.md); the service reads no
`spent` inside a command, so only a read like the tests' takes that lock early. A read
that no held write can change marks itself `UNAFFECTED` (an order id not held, whether a
member exists, the position of a member not loaded yet, the lots of a position none of
whose lots is held) and does not force the writes out; that is what lets a group's
orders each look themselves up cheaply. Only rows this transaction wrote or locked are
changed here: an update held back takes its row lock late, and for a row already locked
that changes nothing."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, event, insert, update

from zengzhi.store import tables as t
from zengzhi.store.database import Rows, write_together
from zengzhi.store.tenanted import of_tenant

UNAFFECTED = {"unaffected_by_pending": True}  # execution options of such a read

_ORDERS = re.compile(r"\borders\b")
_POSITIONS = re.compile(r"\b(?:positions|position_lots)\b")
_SPENT = re.compile(r"\bspent\b")  # a read of members' spent totals

_p = t.positions.c
# a position's row, written held (at commit) or at once (store/pools.SqlPositions)
NEW_POSITION = insert(t.positions)
SET_POSITION = update(t.positions).where(  # the columns to set: the parameters' other keys
    of_tenant(_p, bindparam("b_tenant")),
    _p.pool_id == bindparam("b_pool"),
    _p.member_id == bindparam("b_member"),
)

_l = t.position_lots.c
_ONE_POSITION = (  # the lots of one position (parameters b_tenant, b_pool, b_member)
    of_tenant(_l, bindparam("b_tenant")),
    _l.pool_id == bindparam("b_pool"),
    _l.member_id == bindparam("b_member"),
)
NEW_LOT = insert(t.position_lots)
SET_LOT = update(t.position_lots).where(*_ONE_POSITION, _l.seq == bindparam("b_seq"))
DROP_LOTS = delete(t.position_lots).where(*_ONE_POSITION)  # a position closed

LotKey = tuple[str, str, int]  # (pool, member, seq)
NEW, SET = "new", "set"


class Pending:
    def __init__(self, tenant: str) -> None:
        self.tenant = tenant
        self.orders: dict[str, dict[str, Any]] = {}  # a new order's columns, by id
        self.order_changes: dict[str, dict[str, Any]] = {}  # columns set on a locked row
        self.spent: dict[str, int] = {}  # change of members.spent, by member
        # a position's row by (pool, member): inserted (True) or updated, and its columns
        self.positions: dict[tuple[str, str], tuple[bool, dict[str, Any]]] = {}
        # a lot's row: inserted (NEW) or its columns set (SET); and the positions whose
        # every lot goes (closed), before any of those
        self.lots: dict[LotKey, tuple[str, dict[str, Any]]] = {}
        self.lots_dropped: set[tuple[str, str]] = set()
        self._lots_of: set[tuple[str, str]] = set()  # the positions of what `lots` holds

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
        if context.execution_options.get("unaffected_by_pending"):
            return
        # only the table read: an order created and paid in one command is then inserted
        # once, as it ends, though its mint read the positions in between
        if (self.orders or self.order_changes) and _ORDERS.search(statement):
            self._flush_orders(connection)
        if (self.positions or self.lots or self.lots_dropped) and _POSITIONS.search(statement):
            self._flush_positions(connection)
        if self.spent and _SPENT.search(statement):
            self._write_spent(connection, self.take_spent())

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

    def take_spent(self) -> dict[str, int]:
        """The spent totals held, for the commit to write with the members' other kept
        figures (store/member_figures.py): one update of a member's row, not two."""
        spent, self.spent = self.spent, {}
        return spent

    def put_position(self, pool: str, member: str, values: dict[str, Any], new: bool) -> None:
        held = self.positions.get((pool, member))
        if held is None:
            self.positions[(pool, member)] = (new, dict(values))
        else:
            held[1].update(values)  # inserted then changed: inserted as it ends

    def put_lot(self, pool: str, member: str, seq: int, values: dict[str, Any], new: bool) -> None:
        """A lot's row inserted (`new`) or its columns set to `values`."""
        self._lots_of.add((pool, member))
        held = self.lots.get((pool, member, seq))
        if held is None:
            self.lots[(pool, member, seq)] = (NEW if new else SET, dict(values))
        else:
            held[1].update(values)  # inserted then changed: inserted as it ends

    def drop_lots(self, pool: str, member: str) -> None:
        """Every lot of the member's position goes (it closed): those held here too."""
        for key in [key for key in self.lots if key[:2] == (pool, member)]:
            del self.lots[key]
        self.lots_dropped.add((pool, member))

    def holds_lots(self, pool: str, member: str) -> bool:
        """Whether a write of the member's lots is held (a read of them must see it)."""
        return (pool, member) in self.lots_dropped or (pool, member) in self._lots_of

    def flush(self, connection: Connection, writes: list[Rows]) -> None:
        """Write what is held but the spent totals (emptied first: the writes' own
        statements pass the hook), which go with the commit's other kept figures: the
        deletes now, the new rows and the changes added to `writes`, for the commit to
        send with its balances' in one statement (store/database.py write_together),
        before anything reads them."""
        self._flush_orders(connection, writes)
        self._flush_positions(connection, writes)

    def _flush_orders(self, connection: Connection, writes: list[Rows] | None = None) -> None:
        """Write what is held of orders: the new rows and the changes added to `writes`,
        or (None) written now, as a statement about to read them needs."""
        orders, changes = self.orders, self.order_changes
        self.orders, self.order_changes = {}, {}
        changed = [
            {"tenant_id": self.tenant, "order_id": order_id, **values}
            for order_id, values in sorted(changes.items())
        ]
        parts = alike(t.orders, changed, ("order_id",)) + alike(t.orders, list(orders.values()))
        _write(connection, parts, writes)

    def _flush_positions(self, connection: Connection, writes: list[Rows] | None = None) -> None:
        positions, lots, lots_dropped = self.positions, self.lots, self.lots_dropped
        self.positions, self.lots, self.lots_dropped, self._lots_of = {}, {}, set(), set()
        parts = self._positions(positions) + self._write_lots(connection, lots, lots_dropped)
        _write(connection, parts, writes)

    def _write_spent(self, connection: Connection, spent: dict[str, int]) -> None:
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

    def _positions(
        self, positions: dict[tuple[str, str], tuple[bool, dict[str, Any]]]
    ) -> list[Rows]:
        """The positions changed, to update, and the new ones, to insert."""
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for (pool, member), (inserted, values) in sorted(positions.items()):
            row = {"tenant_id": self.tenant, "pool_id": pool, "member_id": member, **values}
            (new if inserted else changed).append(row)
        return alike(t.positions, changed, ("pool_id", "member_id")) + alike(t.positions, new)

    def _write_lots(
        self,
        connection: Connection,
        lots: dict[LotKey, tuple[str, dict[str, Any]]],
        dropped: set[tuple[str, str]],
    ) -> list[Rows]:
        """The closed positions' lots deleted first (a lot held after that is a new
        position's); the lots changed, to update, and the new ones, to insert after."""
        if dropped:
            connection.execute(
                DROP_LOTS,
                [
                    {"b_tenant": self.tenant, "b_pool": pool, "b_member": member}
                    for pool, member in sorted(dropped)
                ],
            )
        rows: dict[str, list[dict[str, Any]]] = {NEW: [], SET: []}
        for (pool, member, seq), (kind, values) in sorted(lots.items()):
            key = {"tenant_id": self.tenant, "pool_id": pool, "member_id": member, "seq": seq}
            rows[kind].append(key | values)
        keys = ("pool_id", "member_id", "seq")
        return alike(t.position_lots, rows[SET], keys) + alike(t.position_lots, rows[NEW])


def alike(table: Table, rows: list[dict[str, Any]], keys: tuple[str, ...] = ()) -> list[Rows]:
    """Rows to insert (or, with `keys`, to update by them), a part for each set of
    columns (a part's rows share theirs)."""
    parts: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        parts.setdefault(tuple(row), []).append(row)
    return [Rows(table, same, keys=keys) for same in parts.values()]


def _write(connection: Connection, parts: list[Rows], writes: list[Rows] | None) -> None:
    if writes is None:
        write_together(connection, parts)
    else:
        writes += parts
