"""Read-only views of a pool for people: how close each position is to its exit, and
who a new exit multiple would force out."""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from zengzhi.core import accounts
from zengzhi.core.amounts import format_minor, percent
from zengzhi.core.ledger import CNY, Ledger, MemoryLedger
from zengzhi.engine.positions import MemoryPositions
from zengzhi.engine.snapshot import positions_of
from zengzhi.rules.pool import (
    Exit,
    PoolParams,
    PoolState,
    Position,
    balance_and_points,
    progress,
    settle_exits,
    threshold,
)
from zengzhi.rules.pool import price as pool_price


@dataclass(frozen=True, slots=True)
class ExitProgress:
    member: str
    points: str
    principal: str
    realized: str
    value: str  # points at today's price
    progress: str  # return ÷ cap, as a percentage ("—" with no exit multiple)
    exit_price: str  # the price that forces the exit ("—": none)


def nearest_exits(pool: PoolState, ledger: Ledger, top: int) -> list[ExitProgress]:
    """The `top` positions with the lowest exit price (or the largest, with no exit)."""
    now = pool_price(pool, ledger)
    multiple = pool.params.exit_multiple
    positions = list(positions_of(pool))

    def order(position: Position) -> tuple[int, Fraction, int]:
        if multiple is None:
            return (0, -Fraction(position.points), position.opened)
        at = threshold(position, multiple)
        return (0 if at else 1, at.fraction if at else Fraction(0), position.opened)

    rows = []
    for position in heapq.nsmallest(top, positions, key=order):
        value = now.value_floor(position.points)
        at = threshold(position, multiple) if multiple else None
        share = progress(position, multiple, now) if multiple else None
        shown = "—" if share is None else percent(share)
        rows.append(
            ExitProgress(
                member=position.member,
                points=format_minor(position.points, 4),
                principal=format_minor(position.principal, 2),
                realized=format_minor(position.realized, 2),
                value=format_minor(value, 2),
                progress=shown,
                exit_price=str(at) if at else "—",
            )
        )
    return rows


def exits_under(
    pool: PoolState, ledger: Ledger, params: PoolParams, positions: Iterable[Position]
) -> list[Exit]:
    """Who `params` (a new exit multiple, above all a lower one) would force out now, in
    the cascade's order, and what each would be paid — changing nothing: the pool's rule
    runs on copies of its cash, its points and its positions."""
    if params.exit_multiple is None:
        return []
    cash, points = balance_and_points(pool, ledger)
    scratch = MemoryLedger()
    scratch.balances[(pool.cash, CNY)] = cash
    scratch.balances[(pool.supply, pool.asset)] = -points
    book = MemoryPositions(params.exit_multiple)
    for position in sorted(positions, key=lambda one: one.opened):  # ties go by opening
        copy = book.open(position.member)
        copy.principal, copy.realized, copy.points = (
            position.principal,
            position.realized,
            position.points,
        )
        book.update(copy)
        held = accounts.holdings(position.member, pool.id)
        scratch.balances[(held, pool.asset)] = position.points
    trial = PoolState(pool.id, params, book, pool.last_price)
    return settle_exits(trial, scratch, "preview", operator=True)
