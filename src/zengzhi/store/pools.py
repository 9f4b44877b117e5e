"""Pools and their positions in SQL.

A command that touches a pool locks its row first (`FOR UPDATE`), so the pool's
positions change one command at a time. In a unit of work, position writes are held
until a statement reads positions (store/pending.py): the exit search is a query on the
`exit_key` index, and it sees this transaction's changes, as every other read does.

A position's lots are rows of `position_lots` (`SqlLots`), read only as a sale or a
reversal needs them and written with the position's other held writes: a mint inserts
one, a sale updates the oldest it sells from, a reversal empties its own order's. None
is read or written for the position's other lots, however many it has. A position that
closes moves its lots to `closed_lots`, for a reversal of one of its orders later.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import (
    Connection,
    bindparam,
    insert,
    literal,
    literal_column,
    null,
    select,
    type_coerce,
    union_all,
    update,
)

from zengzhi.core.amounts import Price, Ratio
from zengzhi.rules.pool import (
    KEY_DIGITS,
    Lot,
    PoolParams,
    PoolState,
    Position,
    exit_key,
    sold_from,
)
from zengzhi.store import tables as t
from zengzhi.store.database import Rows, one_of
from zengzhi.store.ledger import LOCKED_POOL
from zengzhi.store.pending import (
    DROP_LOTS,
    NEW_LOT,
    NEW_POSITION,
    SET_LOT,
    SET_POSITION,
    UNAFFECTED,
    Pending,
)
from zengzhi.store.tenanted import of_tenant
from zengzhi.store.wanted import Wanted

CLOSED = 0  # the `opened` of a closed position's row (stakes are numbered from 1)
_UNKNOWN: Any = object()  # SqlPositions._first before the database was asked

_p = t.positions.c
# built once: each order reads and writes its member's position
_POSITION = select(t.positions).where(
    of_tenant(_p, bindparam("tenant")),
    _p.pool_id == bindparam("pool"),
    _p.member_id == bindparam("member"),
)
_POSITIONS = select(t.positions).where(
    of_tenant(_p, bindparam("tenant")),
    _p.pool_id == bindparam("pool"),
    one_of(_p.member_id, "members"),
)
# The first two to exit, whole rows (the order that asks reads the first next): with the
# second known, the first moving (a buyer who is the first to exit buys again) leaves
# the first known without reading the index again
_FIRST_TO_EXIT = (
    select(t.positions)
    .where(
        of_tenant(_p, bindparam("tenant")),
        _p.pool_id == bindparam("pool"),
        _p.exit_key.is_not(None),
    )
    .order_by(_p.exit_key, _p.opened)
    .limit(2)
)
# The members' rows and, in the same statement, the first two to exit (marked `first`):
# a transaction's first read of positions, when the first is not known yet (every
# order's mint asks for it next: one statement, not two)
_first_row = _FIRST_TO_EXIT.subquery()
_AND_FIRST_PARTS = (
    select(*t.positions.c, literal(False).label("first")).where(
        of_tenant(_p, bindparam("tenant")),
        _p.pool_id == bindparam("pool"),
        one_of(_p.member_id, "members"),
    ),
    select(*_first_row.c, literal(True).label("first")),
)
_AND_FIRST = union_all(*_AND_FIRST_PARTS)


def _nulls(columns: Iterable[Any]) -> list[Any]:
    return [type_coerce(null(), column.type).label(column.name) for column in columns]


# `_AND_FIRST` with the pool's cash and supply locked (the ledger's `LOCKED_POOL`, rows
# whose `account` is set): an order's first read of its pool's balances, its member's
# position next, and the first to exit after its mint, in one statement (all three
# after the pool's row is locked, so each is what it would have been alone)
_pool_rows = LOCKED_POOL.subquery()
_POOL_AND_FIRST = union_all(
    select(*_nulls(t.positions.c), literal(False).label("first"), *_pool_rows.c),
    *(part.add_columns(*_nulls(_pool_rows.c)) for part in _AND_FIRST_PARTS),
)


_l = t.position_lots.c
_OF_POSITION = (
    of_tenant(_l, bindparam("tenant")),
    _l.pool_id == bindparam("pool"),
    _l.member_id == bindparam("member"),
)
_LOT = (_l.seq, _l.cause, _l.held, _l.sold_value, _l.sold_payout)
# the oldest lots still holding points after `after`, on the partial index (`held > 0`
# written out, so that a prepared statement's generic plan can use it too)
_HELD = (
    select(*_LOT)
    .where(*_OF_POSITION, _l.held > literal_column("0"), _l.seq > bindparam("after"))
    .order_by(_l.seq)
    .limit(bindparam("count"))
)
_BY_CAUSE = select(*_LOT).where(*_OF_POSITION, _l.cause == bindparam("cause")).order_by(_l.seq)
_ALL_LOTS = select(*_LOT).where(*_OF_POSITION).order_by(_l.seq)
_c = t.closed_lots.c
_CLOSED_PAYOUT = select(_c.sold_payout).where(
    of_tenant(_c, bindparam("tenant")),
    _c.pool_id == bindparam("pool"),
    _c.member_id == bindparam("member"),
    _c.cause == bindparam("cause"),
)
_CLOSE_LOTS = insert(t.closed_lots)


def keep_closed_lots(
    connection: Connection, tenant: str, pool: str, lots: Iterable[tuple[str, str, int]]
) -> None:
    """A closed stake's lots, each (member, cause, what its points were paid)."""
    rows = [
        {"tenant_id": tenant, "pool_id": pool, "member_id": member}
        | {"cause": cause, "sold_payout": fen}
        for member, cause, fen in lots
    ]
    if rows:
        connection.execute(_CLOSE_LOTS, rows)


FIRST_READ = 4  # lots a sale reads at first; each further read four times more


class SqlLots:
    """A position's lots as rows (rules/pool.py `Lots`): nothing is read until a sale or
    a reversal asks, and then only the lots it takes; writes are held with the unit of
    work's (store/pending.py), or made at once without one. `next` is the `seq` the next
    lot takes, kept on the position's row (`positions.next_lot`)."""

    __slots__ = ("_connection", "_key", "_member", "_pending", "_pool", "next")

    def __init__(
        self,
        connection: Connection,
        tenant: str,
        pool: str,
        member: str,
        next_lot: int,
        pending: Pending | None,
    ) -> None:
        self._connection = connection
        self._pending = pending
        self._pool, self._member = pool, member
        self._key = {"tenant": tenant, "pool": pool, "member": member}
        self.next = next_lot

    def append(self, lot: Lot) -> None:
        seq, self.next = self.next, self.next + 1
        self._put(seq, {"cause": lot.cause, **self._amounts(lot)}, new=True)

    def take_oldest(self, units: int, value: int, payout: int) -> None:
        seqs: list[int] = []
        sold = list(sold_from(self._held(seqs), units, value, payout))
        for seq, lot in zip(seqs, sold, strict=True):
            self._put(seq, self._amounts(lot), new=False)

    def take(self, cause: str) -> Lot | None:
        row = self._read(_BY_CAUSE, {"cause": cause}).first()
        if row is None:
            return None
        lot = self._lot(row)
        self._put(int(row.seq), self._amounts(lot._replace(held=0)), new=False)
        return lot

    def __iter__(self) -> Iterator[Lot]:
        """Every lot, oldest first: the checks' read, a closing stake's (its lots move to
        `closed_lots`), and a reversal's of an order whose stake closed before closed
        stakes' lots were kept (what the stake after it was paid)."""
        return iter([self._lot(row) for row in self._read(_ALL_LOTS, {})])

    def _held(self, seqs: list[int]) -> Iterable[Lot]:
        """The lots still holding points, oldest first, read a few at a time as far as
        the caller iterates; each one's `seq` is appended to `seqs` as it is given."""
        after, count = 0, FIRST_READ
        while True:
            rows = self._read(_HELD, {"after": after, "count": count}).all()
            for seq, lot in [(int(row.seq), self._lot(row)) for row in rows]:
                seqs.append(seq)
                yield lot
            if len(rows) < count:
                return
            after, count = int(rows[-1].seq), count * 4

    def _read(self, statement: Any, more: dict[str, Any]) -> Any:
        pending = self._pending
        options = (
            UNAFFECTED
            if pending is not None and not pending.holds_lots(self._pool, self._member)
            else {}
        )
        return self._connection.execute(statement, self._key | more, execution_options=options)

    def _put(self, seq: int, values: dict[str, Any], new: bool) -> None:
        if self._pending is not None:
            self._pending.put_lot(self._pool, self._member, seq, values, new)
        elif new:
            self._connection.execute(
                NEW_LOT,
                {
                    "tenant_id": self._key["tenant"],
                    "pool_id": self._pool,
                    "member_id": self._member,
                    "seq": seq,
                    **values,
                },
            )
        else:
            self._connection.execute(SET_LOT, self._bound(seq) | values)

    def _bound(self, seq: int) -> dict[str, Any]:
        return {
            "b_tenant": self._key["tenant"],
            "b_pool": self._pool,
            "b_member": self._member,
            "b_seq": seq,
        }

    @staticmethod
    def _amounts(lot: Lot) -> dict[str, int]:
        return {"held": lot.held, "sold_value": lot.sold_value, "sold_payout": lot.sold_payout}

    @staticmethod
    def _lot(row: Any) -> Lot:
        return Lot(row.cause, int(row.held), int(row.sold_value), int(row.sold_payout))


def key_text(key: int | None) -> str | None:
    return None if key is None else str(key).rjust(KEY_DIGITS, "0")


def params_from_row(data: Mapping[str, Any]) -> PoolParams:
    """The row's parameters (JSON text, booleans, nulls) parsed, once for each form: every
    order reads its pool's row, and parsing its ratios and price was 3 % of an order's CPU."""
    return _parsed_params(tuple(sorted(data.items())))


@functools.lru_cache(maxsize=1024)
def _parsed_params(items: tuple[tuple[str, Any], ...]) -> PoolParams:
    return PoolParams().with_changes(dict(items))  # frozen: one copy serves every reader


class SqlPositions:
    def __init__(
        self,
        connection: Connection,
        tenant: str,
        pool: str,
        exit_multiple: Ratio | None,
        next_opened: int,
        wanted: Wanted | None = None,
        pending: Pending | None = None,
    ) -> None:
        self._connection = connection
        self._pending = pending
        self._wanted = wanted  # the group's members (store/wanted.py), read at the first
        self._read_ahead: set[str] = set()
        self._tenant = tenant
        self._pool = pool
        self._multiple = exit_multiple
        self.next_opened = next_opened
        self._loaded: dict[str, Position | None] = {}
        self._new: set[str] = set()  # opened in this command: no open row yet
        # Members whose row is closed (`opened` 0): it keeps their history (paid, charged)
        # for the next position, and for a reversal's bound.
        self._closed: dict[str, tuple[int, int]] = {}
        # The first and second to exit (each its key, its `opened`, its member; None:
        # there is none) as this transaction's writes leave them: every order asks after
        # its mint, and they rarely change, so the index is read again only when the
        # first moved and the second is not known.
        self._first: tuple[str, int, str] | None = _UNKNOWN
        self._second: tuple[str, int, str] | None = _UNKNOWN
        # a read of a member not loaded yet: no write held back (store/pending.py) is its
        self._unaffected = UNAFFECTED if pending is not None else {}

    def _where(self) -> Any:
        c = t.positions.c
        return (of_tenant(c, self._tenant)) & (c.pool_id == self._pool)

    def _position(self, row: Any) -> Position:
        return Position(
            row.member_id,
            int(row.opened),
            int(row.principal),
            int(row.realized),
            int(row.points),
            int(row.paid),
            int(row.charged),
            None if row.next_lot is None else self._lots(row.member_id, int(row.next_lot)),
        )

    def _lots(self, member: str, next_lot: int) -> SqlLots:
        return SqlLots(self._connection, self._tenant, self._pool, member, next_lot, self._pending)

    def get(self, member: str) -> Position | None:
        if member not in self._loaded:
            if self._wanted and member in self._wanted.members and member not in self._read_ahead:
                self._read_wanted()
            elif self._first is _UNKNOWN:
                self._read([member])
            else:
                self._keep(
                    member,
                    self._connection.execute(
                        _POSITION,
                        {"tenant": self._tenant, "pool": self._pool, "member": member},
                        execution_options=self._unaffected,
                    ).first(),
                )
        return self._loaded[member]

    def _read_wanted(self) -> None:
        """The group's members' rows in one read (this pool's row is locked by now)."""
        self._read(self._unread_wanted())

    def _unread_wanted(self) -> list[str]:
        """The group's members not loaded or asked for yet, marked as asked for now."""
        assert self._wanted is not None
        asked = sorted(self._wanted.members - self._loaded.keys() - self._read_ahead)
        self._read_ahead.update(asked)
        return asked

    def _read(self, members: list[str]) -> None:
        """`members`' rows; with them the first to exit while it is not known (a read
        of the index, which the writes held back are written for first: a write after
        this keeps `_first` true, `_moved`)."""
        params = {"tenant": self._tenant, "pool": self._pool, "members": members}
        if self._first is not _UNKNOWN:
            rows = self._connection.execute(
                _POSITIONS, params, execution_options=self._unaffected
            ).all()
        else:
            rows = self._connection.execute(_AND_FIRST, params).all()
        self._take(members, rows)

    def _take(self, members: list[str], rows: Sequence[Any]) -> None:
        if self._first is _UNKNOWN:
            self._ahead([row for row in rows if row.first])
        found = {row.member_id: row for row in rows if not getattr(row, "first", False)}
        for member in members:
            self._keep(member, found.get(member))

    def with_pool(self, params: dict[str, str]) -> Sequence[Any] | None:
        """The pool's cash and supply, locked (the ledger's `LOCKED_POOL` and its
        `params`), read with the group's members' positions and the first to exit, or
        None (and nothing read) when those are not both still to read."""
        if self._first is not _UNKNOWN or not self._wanted:
            return None
        asked = self._unread_wanted()
        if not asked:
            return None
        rows = self._connection.execute(
            _POOL_AND_FIRST, params | {"pool": self._pool, "members": asked}
        ).all()
        self._take(asked, [row for row in rows if row.account is None])
        return [row for row in rows if row.account is not None]

    def _keep(self, member: str, row: Any) -> None:
        if row is not None and row.opened == CLOSED:
            self._closed[member] = (int(row.paid), int(row.charged))
            row = None
        self._loaded[member] = self._position(row) if row else None

    def open(self, member: str) -> Position:
        self.get(member)  # a closed row's history carries on
        self.next_opened += 1
        paid, charged = self._closed.get(member, (0, 0))
        lots = self._lots(member, 1)
        position = Position(member, self.next_opened, paid=paid, charged=charged, lots=lots)
        self._loaded[member] = position
        self._new.add(member)
        return position

    def history(self, member: str) -> tuple[int, int]:
        position = self.get(member)
        if position is not None:
            return position.paid, position.charged
        return self._closed.get(member, (0, 0))

    def add_charged(self, member: str, fen: int) -> None:
        paid, charged = self.history(member)
        self._keep_closed(member, paid, charged + fen)

    def _ahead(self, rows: Sequence[Any]) -> None:
        """The first two to exit as the index gave them (`_FIRST_TO_EXIT`), kept."""
        ahead = sorted((row.exit_key, int(row.opened), row.member_id) for row in rows)
        self._first, self._second = (*ahead, None, None)[:2]
        for row in rows:
            if row.member_id not in self._loaded:
                self._keep(row.member_id, row)  # held writes were flushed before the read

    def _moved(self, member: str, key: str | None, opened: int) -> None:
        """Keep `_first` and `_second` true after a write of `member`'s exit key (None:
        it has none now). Only the positions ahead of the others are known: when the
        first falls behind the second, or the second falls back, the one after is the
        index's to say."""
        first, second = self._first, self._second
        if first is _UNKNOWN:
            return
        moved = None if key is None else (key, opened, member)
        if first is not None and first[2] == member:
            if second is _UNKNOWN:
                self._first = _UNKNOWN
            elif moved is not None and (second is None or moved < second):
                self._first = moved  # still the first; the second stays
            elif second is None:
                self._first = None  # it was the only one, and has no key now
            else:  # the second is the first now; the next is not known
                self._first, self._second = second, _UNKNOWN
        elif first is not None and second not in (None, _UNKNOWN) and second[2] == member:
            if moved is not None and moved < first:
                self._first, self._second = moved, first
            elif moved is not None and moved < second:
                self._second = moved  # still the second
            else:
                self._second = _UNKNOWN
        elif moved is not None:
            if first is None:  # no position had a key: it is the only one
                self._first, self._second = moved, None
            elif moved < first:
                self._first, self._second = moved, first
            elif second is not _UNKNOWN and (second is None or moved < second):
                self._second = moved

    def _keep_closed(self, member: str, paid: int, charged: int) -> None:
        """Write a closed row holding the member's history (or nothing, if it is empty)."""
        self._moved(member, None, CLOSED)
        had_row = member in self._closed
        self._closed[member] = (paid, charged)
        values = {
            "opened": CLOSED,
            "principal": 0,
            "realized": 0,
            "points": 0,
            "exit_key": None,
            "paid": paid,
            "charged": charged,
            "next_lot": None,
        }
        if had_row:
            self._write(member, values, new=False)
        elif paid or charged:
            self._write(member, values, new=True)
            self._closed[member] = (paid, charged)

    def _write(self, member: str, values: dict[str, Any], new: bool) -> None:
        """The member's row inserted (`new`) or set to `values`: held until a statement
        reads positions or the transaction commits, in a unit of work (store/pending.py)."""
        if self._pending is not None:
            self._pending.put_position(self._pool, member, values, new)
        elif new:
            self._connection.execute(
                NEW_POSITION,
                {"tenant_id": self._tenant, "pool_id": self._pool, "member_id": member, **values},
            )
        else:
            self._connection.execute(
                SET_POSITION,
                {"b_tenant": self._tenant, "b_pool": self._pool, "b_member": member, **values},
            )

    def _values(self, position: Position) -> dict[str, Any]:
        return {
            "opened": position.opened,
            "principal": position.principal,
            "realized": position.realized,
            "points": position.points,
            "exit_key": key_text(exit_key(position, self._multiple)),
            "paid": position.paid,
            "charged": position.charged,
            "next_lot": None if position.lots is None else cast(SqlLots, position.lots).next,
        }

    def update(self, position: Position) -> None:
        values = self._values(position)
        self._moved(position.member, values["exit_key"], position.opened)
        if position.member in self._new and position.member in self._closed:
            self._new.discard(position.member)  # reopened: the closed row becomes it
            del self._closed[position.member]
        new = position.member in self._new
        self._new.discard(position.member)
        self._write(position.member, values, new)

    def closed_payout(self, member: str, cause: str) -> int | None:
        found = self._connection.execute(
            _CLOSED_PAYOUT,
            {"tenant": self._tenant, "pool": self._pool, "member": member, "cause": cause},
        ).scalar()
        return None if found is None else int(found)

    def close(self, position: Position) -> None:
        """The stake ends; its row stays, closed, with the member's history in the pool;
        its lots move to `closed_lots` (a later stake's start anew)."""
        member = position.member
        self._loaded[member] = None
        if position.lots is not None:
            closed = [(member, lot.cause, lot.sold_payout) for lot in position.lots]
            keep_closed_lots(self._connection, self._tenant, self._pool, closed)
            if self._pending is not None:
                self._pending.drop_lots(self._pool, member)
            else:
                self._connection.execute(
                    DROP_LOTS, {"b_tenant": self._tenant, "b_pool": self._pool, "b_member": member}
                )
        if member in self._new:
            self._new.discard(member)  # never written open: a closed row, if any, stays
        else:
            self._closed[member] = (position.paid, position.charged)  # the open row
        self._keep_closed(member, position.paid, position.charged)

    def first_to_exit(self) -> Position | None:
        if self._first is _UNKNOWN:
            self._ahead(
                self._connection.execute(
                    _FIRST_TO_EXIT, {"tenant": self._tenant, "pool": self._pool}
                ).all()
            )
        return None if self._first is None else self.get(self._first[2])

    def reindex(self, exit_multiple: Ratio | None) -> None:
        """A new exit multiple moves every threshold: recompute every key (O(n), rare)."""
        self._multiple = exit_multiple
        self._first = self._second = _UNKNOWN
        c = t.positions.c
        rows = self._connection.execute(
            select(t.positions).where(self._where(), c.opened != CLOSED)
        ).all()
        for row in rows:
            position = self._loaded.get(row.member_id) or self._position(row)
            self._connection.execute(
                update(t.positions)
                .where(self._where(), c.member_id == position.member)
                .values(exit_key=key_text(exit_key(position, exit_multiple)))
            )

    def all(self) -> Iterator[Position]:
        open_rows = select(t.positions).where(self._where(), t.positions.c.opened != CLOSED)
        for row in self._connection.execute(open_rows):
            yield self._loaded.get(row.member_id) or self._position(row)


_P = t.pools.c
# a group's (or a lone order's) pools, locked in pool order: built once (store/tenants.py)
_LOCK_POOLS = (
    select(t.pools)
    .where(of_tenant(_P, bindparam("tenant")), one_of(_P.pool_id, "ids"))
    .order_by(_P.pool_id)
    .with_for_update()
)


class SqlPools:
    """The tenant's pools, each loaded (and locked) when a command first asks for it."""

    def __init__(
        self,
        connection: Connection,
        tenant: str,
        wanted: Wanted | None = None,
        pending: Pending | None = None,
    ) -> None:
        self._connection = connection
        self._tenant = tenant
        self._wanted = wanted
        self._pending = pending
        self._loaded: dict[str, PoolState | None] = {}
        self._original: dict[str, tuple[Any, ...]] = {}

    def get(self, pool_id: str, default: None = None) -> PoolState | None:
        if pool_id not in self._loaded:
            self.lock_wanted({pool_id})
        return self._loaded[pool_id]

    def positions_of(self, pool_id: str) -> SqlPositions | None:
        """A pool's positions if it is loaded (and so locked), else None."""
        pool = self._loaded.get(pool_id)
        return cast(SqlPositions, pool.positions) if pool is not None else None

    def lock_wanted(self, also: Collection[str] = ()) -> None:
        """Load and lock the pools a group wants (store/wanted.py) and `also`, those not
        loaded yet, in pool order, in one statement: at the group's first order lookup
        (`store/orders.Orders`), before any command of it locks a zone or a balance, so
        that every transaction locks pools in one order and before those (docs/service.md,
        "Lock order"); a pool named later (a new order's default one) at its first use."""
        pools = set(also)
        if self._wanted:
            pools |= self._wanted.pools
            self._wanted.pools.clear()
        ids = sorted(pools - self._loaded.keys())
        if not ids:
            return
        found = {
            row.pool_id: row
            for row in self._connection.execute(_LOCK_POOLS, {"tenant": self._tenant, "ids": ids})
        }
        for pool_id in ids:
            row = found.get(pool_id)
            if row is None:
                self._loaded[pool_id] = None
            else:
                params = params_from_row(row.params)
                last = (
                    Price(int(row.last_price_fen), int(row.last_price_units))
                    if row.last_price_fen is not None
                    else None
                )
                positions = SqlPositions(
                    self._connection,
                    self._tenant,
                    pool_id,
                    params.exit_multiple,
                    int(row.next_opened),
                    self._wanted,
                    self._pending,
                )
                self._loaded[pool_id] = PoolState(pool_id, params, positions, last)
                self._original[pool_id] = self._state_of(self._loaded[pool_id])

    def __getitem__(self, pool_id: str) -> PoolState:
        found = self.get(pool_id)
        if found is None:
            raise KeyError(pool_id)
        return found

    def __contains__(self, pool_id: object) -> bool:
        return isinstance(pool_id, str) and self.get(pool_id) is not None

    def open(self, pool_id: str, params: PoolParams) -> PoolState:
        self._connection.execute(
            insert(t.pools).values(
                tenant_id=self._tenant, pool_id=pool_id, params=params.as_text(), next_opened=0
            )
        )
        self._loaded.pop(pool_id, None)
        found = self.get(pool_id)
        assert found is not None
        return found

    def touched(self) -> list[PoolState]:
        return [pool for pool in self._loaded.values() if pool is not None]

    @staticmethod
    def _state_of(pool: PoolState | None) -> tuple[Any, ...]:
        assert pool is not None and isinstance(pool.positions, SqlPositions)
        last = pool.last_price
        return (
            pool.params,
            last.fen if last else None,
            last.units if last else None,
            pool.positions.next_opened,
        )

    def changes(self) -> list[Rows]:
        """What commands changed on the pool rows (parameters, last price, counter), to
        update (the rows are locked: `lock_wanted`)."""
        rows = []
        for pool in self.touched():
            now = self._state_of(pool)
            if now == self._original[pool.id]:
                continue
            params, fen, units, opened = now
            rows.append(
                {
                    "tenant_id": self._tenant,
                    "pool_id": pool.id,
                    "params": params.as_text(),
                    "last_price_fen": fen,
                    "last_price_units": units,
                    "next_opened": opened,
                }
            )
            self._original[pool.id] = now
        return [Rows(t.pools, rows, keys=("pool_id",))]


def read_pool(connection: Connection, tenant: str, pool_id: str) -> PoolState:
    """A pool as it stands, for a report or a preview: no lock, nothing to write."""
    c = t.pools.c
    row = connection.execute(
        select(t.pools).where(of_tenant(c, tenant), c.pool_id == pool_id)
    ).one()
    params = params_from_row(row.params)
    last = (
        Price(int(row.last_price_fen), int(row.last_price_units))
        if row.last_price_fen is not None
        else None
    )
    positions = SqlPositions(connection, tenant, pool_id, params.exit_multiple, 0)
    return PoolState(pool_id, params, positions, last)


def all_params(connection: Connection, tenant: str) -> dict[str, PoolParams]:
    """Every pool's parameters, by pool id in order."""
    c = t.pools.c
    statement = select(c.pool_id, c.params).where(of_tenant(c, tenant)).order_by(c.pool_id)
    return {row.pool_id: params_from_row(row.params) for row in connection.execute(statement)}
