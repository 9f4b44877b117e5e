"""The referral network, regional agents and distribution settings, held in memory.

Chains are walked with a loop, never recursion, so a chain 10,000 deep costs 10,000
steps and no stack (and never more: see MAX_CHAIN); a member's team performance is kept
up to date as orders arrive, so nothing is ever summed over a downline.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta

from zengzhi.rules.distribution import MAX_CHAIN, DistributionParams, cycle_error


class MemoryNetwork:
    def __init__(self) -> None:
        self._referrer: dict[str, str] = {}
        self._performance: dict[str, int] = {}
        self._level: dict[str, int] = {}
        self._ordered: set[str] = set()
        self._purchases: dict[str, int] = {}  # completed orders standing, by member
        self._sponsor: dict[str, str] = {}

    def lock_links(self) -> None:
        pass  # one thread: nothing runs beside a binding

    def read_lock(self) -> None:
        pass

    def referrer(self, member: str) -> str | None:
        return self._referrer.get(member)

    def join(self, member: str, referrer: str | None) -> None:
        if referrer is not None:
            self._referrer[member] = referrer

    def bind(self, member: str, referrer: str) -> None:
        self._referrer[member] = referrer

    def has_ordered(self, member: str) -> bool:
        return member in self._ordered

    def ordered(self, member: str) -> None:
        self._ordered.add(member)
        self._purchases[member] = self._purchases.get(member, 0) + 1

    def unordered(self, member: str) -> None:
        self._purchases[member] -= 1

    def has_purchase(self, member: str) -> bool:
        return self._purchases.get(member, 0) > 0

    def sponsor(self, member: str, sponsor: str | None) -> None:
        if sponsor is None:
            self._sponsor.pop(member, None)
        else:
            self._sponsor[member] = sponsor

    def sponsor_of(self, member: str) -> str | None:
        return self._sponsor.get(member)

    def referees(self, member: str) -> list[str]:
        return sorted(one for one, referrer in self._referrer.items() if referrer == member)

    def chain(self, member: str, depth: int | None) -> list[str]:
        uplines: list[str] = []
        referrers = self._referrer
        current = referrers.get(member)
        # a chain longer than the members with a referrer must come back on itself
        bound = min(len(referrers), MAX_CHAIN)
        limit = bound + 1 if depth is None else min(depth, bound + 1)
        while current is not None and len(uplines) < limit:
            uplines.append(current)
            current = referrers.get(current)
        if len(uplines) > bound or (
            depth is not None and len(uplines) > 1 and len(set(uplines)) < len(uplines)
        ):
            raise cycle_error(member, uplines)
        return uplines

    def grow(
        self, uplines: Sequence[str], amount: int, params: DistributionParams | None
    ) -> list[tuple[str, int]]:
        performance, levels = self._performance, self._level
        grown = []
        for upline in uplines:
            total = performance.get(upline, 0) + amount
            performance[upline] = total
            level = params.level_for(total) if params is not None and params.team else 0
            if level:
                levels[upline] = level
            else:
                levels.pop(upline, None)
            grown.append((upline, level))
        return grown

    def performance(self, member: str) -> int:
        return self._performance.get(member, 0)

    def level(self, member: str) -> int:
        return self._level.get(member, 0)

    def uplines(self, member: str, depth: int | None) -> list[tuple[str, int]]:
        levels = self._level
        return [(upline, levels.get(upline, 0)) for upline in self.chain(member, depth)]

    def prefetch(self, members: Iterable[str], depth: int | None) -> None:
        pass  # all in memory already

    def qualifying(self, min_level: int) -> list[tuple[str, int]]:
        return sorted(
            (member, self._performance.get(member, 0))
            for member, level in self._level.items()
            if level >= min_level
        )

    def relevel(self, params: DistributionParams) -> None:
        self._level = {
            member: level
            for member, total in self._performance.items()
            if (level := params.level_for(total) if params.team else 0)
        }

    def members(self) -> Iterator[str]:
        yield from sorted(set(self._referrer) | set(self._performance))


class MemoryAgents:
    def __init__(self) -> None:
        self._agents: dict[tuple[str, str], str] = {}

    def agent(self, region: str, level: str) -> str | None:
        return self._agents.get((region, level))

    def grant(self, region: str, level: str, member: str, fee: int) -> None:
        self._agents[(region, level)] = member


class MemoryDistribution:
    """The distribution settings in force, and completed turnover by day (for dividends)."""

    def __init__(self, params: DistributionParams | None) -> None:
        self.params = params
        self._turnover: dict[date, int] = {}

    def configure(self, settings: Mapping[str, object], params: DistributionParams) -> None:
        self.params = params

    def add_turnover(self, day: date, amount: int) -> None:
        self._turnover[day] = self._turnover.get(day, 0) + amount

    def turnover(self, start: date, end: date) -> int:
        total, day = 0, start
        while day < end:
            total += self._turnover.get(day, 0)
            day += timedelta(days=1)
        return total
