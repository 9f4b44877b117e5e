"""Positions of one pool held in memory, in a heap ordered by exit threshold.

A position that changes is pushed again and its old heap item goes stale; stale items
are skipped when they reach the top and dropped when the heap outgrows twice the live
positions. Each change costs O(log n); finding the next exit costs O(log n) amortized.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator

from zengzhi.core.amounts import Ratio
from zengzhi.rules.pool import LotList, Position, exit_key

# (exit key, opening order, push counter, position): the key is exact (see
# zengzhi.rules.pool), the opening order breaks ties, the counter keeps a stale item of
# a position from being compared with its fresh one.
_Item = tuple[int, int, int, Position]


class MemoryPositions:
    def __init__(self, exit_multiple: Ratio | None = None) -> None:
        self._multiple = exit_multiple
        self._positions: dict[str, Position] = {}
        self._current: dict[str, _Item] = {}  # the live heap item of each indexed position
        self._heap: list[_Item] = []
        self._opened = 0
        self._pushes = itertools.count()
        self._history: dict[str, tuple[int, int]] = {}  # (paid, charged) of closed stakes
        # what the points of each closed stake's lot were paid, by member and the lot's
        # cause: a number each, not the lot, as a back-test may close millions
        self._closed: dict[str, dict[str, int]] = {}

    def __len__(self) -> int:
        return len(self._positions)

    def __iter__(self) -> Iterator[Position]:
        return iter(self._positions.values())

    def get(self, member: str) -> Position | None:
        return self._positions.get(member)

    def open(self, member: str) -> Position:
        self._opened += 1
        paid, charged = self._history.pop(member, (0, 0))
        position = Position(member, self._opened, paid=paid, charged=charged, lots=LotList())
        self._positions[member] = position
        return position

    def history(self, member: str) -> tuple[int, int]:
        position = self._positions.get(member)
        if position is not None:
            return position.paid, position.charged
        return self._history.get(member, (0, 0))

    def histories(self) -> Iterator[tuple[str, tuple[int, int]]]:
        """(member, (paid, charged)) of members with no open position but a history."""
        return iter(self._history.items())

    def add_charged(self, member: str, fen: int) -> None:
        paid, charged = self._history.get(member, (0, 0))
        self._history[member] = (paid, charged + fen)

    def closed_payout(self, member: str, cause: str) -> int | None:
        return self._closed.get(member, {}).get(cause)

    def closed_payouts(self) -> Iterator[tuple[str, str, int]]:
        """(member, cause, what its points were paid) of every closed stake's lot."""
        for member, lots in self._closed.items():
            for cause, fen in lots.items():
                yield member, cause, fen

    def update(self, position: Position) -> None:
        key = exit_key(position, self._multiple)
        if key is None:
            self._current.pop(position.member, None)
            return
        item = (key, position.opened, next(self._pushes), position)
        self._current[position.member] = item
        heapq.heappush(self._heap, item)
        if len(self._heap) > 2 * len(self._current) + 64:
            self._heap = list(self._current.values())
            heapq.heapify(self._heap)

    def close(self, position: Position) -> None:
        del self._positions[position.member]
        self._current.pop(position.member, None)
        if position.lots is not None:
            kept = self._closed.setdefault(position.member, {})
            for lot in position.lots:
                kept[lot.cause] = lot.sold_payout
        if position.paid or position.charged:
            self._history[position.member] = (position.paid, position.charged)

    def first_to_exit(self) -> Position | None:
        heap = self._heap
        while heap:
            item = heap[0]
            # the live item is the one with the same push number: an equal tuple, not
            # necessarily the same object (compiled by mypyc, a tuple of fixed length
            # is boxed anew wherever it is stored, and `is` never held)
            live = self._current.get(item[3].member)
            if live is not None and live[2] == item[2]:
                return item[3]
            heapq.heappop(heap)
        return None

    def reindex(self, exit_multiple: Ratio | None) -> None:
        self._multiple = exit_multiple
        self._current.clear()
        self._heap = []
        for position in self._positions.values():
            self.update(position)
