"""The companion modes' state in memory: zone settings, counters and open claims.

Claims of a zone's mode are kept by `seq` in the order they were made; closed ones are
dropped from the open set, and the queue walks the order list from the first open one,
so a run may pay (close) claims and add new ones while it walks the queue.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from zengzhi.rules.modes.common import Claim, Tally
from zengzhi.rules.modes.zone import ZoneModes


@dataclass
class _Queue:
    open: dict[int, Claim] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)
    head: int = 0  # order[:head] are closed
    by_member: dict[str, list[int]] = field(default_factory=dict)
    next_seq: int = 1


class MemoryModes:
    def __init__(self, zones: Mapping[str, ZoneModes] | None = None) -> None:
        self._zones: dict[str, ZoneModes] = dict(zones or {})
        self.settings: dict[str, Mapping[str, object]] = {}
        self._counters: dict[tuple[str, str, str], int] = {}
        self._queues: dict[tuple[str, str], _Queue] = {}
        self._all: dict[tuple[str, str, int], Claim] = {}  # open and closed, for reversals
        self._payouts: dict[tuple[str, str, int], dict[str, int]] = {}
        self._members: dict[tuple[str, str, str], list[int]] = {}  # every claim, by holder
        self._tally: dict[tuple[str, str], dict[str, Tally]] = {}  # the day under way

    def zone(self, zone: str) -> ZoneModes | None:
        return self._zones.get(zone)

    def configured(self, zone: str) -> tuple[str, ...] | None:
        found = self._zones.get(zone)
        return None if found is None else tuple(found.configured())

    def zones(self) -> dict[str, ZoneModes]:
        return dict(self._zones)

    def configure(self, zone: str, settings: Mapping[str, object], modes: ZoneModes) -> None:
        self._zones[zone] = modes
        self.settings[zone] = settings

    def counter(self, zone: str, mode: str, key: str) -> int:
        if key == "seq":  # the last claim made, as SQL counts it
            found = self._queues.get((zone, mode))
            return found.next_seq - 1 if found is not None else 0
        return self._counters.get((zone, mode, key), 0)

    def set_counter(self, zone: str, mode: str, key: str, value: int) -> None:
        self._counters[(zone, mode, key)] = value

    def _queue(self, zone: str, mode: str) -> _Queue:
        found = self._queues.get((zone, mode))
        if found is None:
            found = self._queues[(zone, mode)] = _Queue()
        return found

    def add(
        self,
        zone: str,
        mode: str,
        member: str,
        amount: int,
        cause: str,
        daily: int = 0,
        payable: int = 0,
        ref: str = "",
        days: int = 0,
    ) -> Claim:
        queue = self._queue(zone, mode)
        claim = Claim(queue.next_seq, member, amount, amount, cause, daily, payable, ref, days=days)
        queue.next_seq += 1
        queue.open[claim.seq] = claim
        queue.order.append(claim.seq)
        queue.by_member.setdefault(member, []).append(claim.seq)
        self._all[(zone, mode, claim.seq)] = claim
        self._members.setdefault((zone, mode, member), []).append(claim.seq)
        return claim

    def save(self, zone: str, mode: str, claim: Claim) -> None:
        queue = self._queue(zone, mode)
        self._all[(zone, mode, claim.seq)] = claim
        if claim.left > 0:
            if claim.seq not in queue.open:  # owed again (a reversal gave it back)
                _insert(queue, claim)
            queue.open[claim.seq] = claim
            return
        if queue.open.pop(claim.seq, None) is not None:
            seqs = queue.by_member[claim.member]
            seqs.remove(claim.seq)
            if not seqs:
                del queue.by_member[claim.member]

    def claim(self, zone: str, mode: str, seq: int) -> Claim | None:
        return self._all.get((zone, mode, seq))

    def claims(self, zone: str, mode: str, member: str) -> list[Claim]:
        queue = self._queue(zone, mode)
        return [queue.open[seq] for seq in queue.by_member.get(member, ())]

    def history(self, zone: str, mode: str, member: str) -> list[Claim]:
        seqs = self._members.get((zone, mode, member), ())
        return [self._all[(zone, mode, seq)] for seq in seqs]

    def paid_before(self, zone: str, mode: str, seq: int | None) -> Claim | None:
        queue = self._queue(zone, mode)
        index = len(queue.order) if seq is None else bisect_left(queue.order, seq)
        while index > 0:
            index -= 1
            claim = self._all[(zone, mode, queue.order[index])]
            if claim.left == 0 and not claim.void:
                return claim
        return None

    def add_payout(self, zone: str, mode: str, seq: int, member: str, fen: int) -> None:
        paid = self._payouts.setdefault((zone, mode, seq), {})
        paid[member] = paid.get(member, 0) + fen

    def payouts(self, zone: str, mode: str, seq: int) -> dict[str, int]:
        return dict(self._payouts.get((zone, mode, seq), {}))

    def clear_payouts(self, zone: str, mode: str, seq: int) -> None:
        self._payouts.pop((zone, mode, seq), None)

    def prefetch(self, zone: str, mode: str, members: Iterable[str]) -> None:
        pass  # all in memory already

    def tally(self, zone: str, mode: str, member: str, seq: int, fen: int, units: int) -> None:
        day = self._tally.setdefault((zone, mode), {})
        found = day.get(member)
        if found is None:
            day[member] = Tally(seq, member, fen, units)
        else:
            day[member] = found._replace(fen=found.fen + fen, units=found.units + units)

    def tallied(self, zone: str, mode: str, after: int, size: int | None) -> list[Tally]:
        found = sorted(one for one in self._tally.get((zone, mode), {}).values() if one.seq > after)
        return found if size is None else found[:size]

    def clear_tally(self, zone: str, mode: str, upto: int) -> None:
        day = self._tally.get((zone, mode), {})
        for member in [member for member, one in day.items() if one.seq <= upto]:
            del day[member]

    def queue(
        self, zone: str, mode: str, after: int = 0, first: int | None = None
    ) -> Iterator[Claim]:
        queue = self._queue(zone, mode)
        order, open_claims = queue.order, queue.open
        while queue.head < len(order) and order[queue.head] not in open_claims:
            queue.head += 1
        index = queue.head
        if after:
            index = max(index, bisect_left(order, after + 1))
        while index < len(order):
            claim = open_claims.get(order[index])
            index += 1
            if claim is not None:
                yield claim


def _insert(queue: _Queue, claim: Claim) -> None:
    """A claim owed again goes back to its place by seq (it was made then)."""
    queue.head = min(queue.head, bisect_left(queue.order, claim.seq))
    insort(queue.by_member.setdefault(claim.member, []), claim.seq)
