"""Read-only views of a pool for people: how close each position is to its exit."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from fractions import Fraction

from zengzhi.core.amounts import format_minor, percent
from zengzhi.core.ledger import Ledger
from zengzhi.engine.snapshot import positions_of
from zengzhi.rules.pool import PoolState, Position, progress, threshold
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
