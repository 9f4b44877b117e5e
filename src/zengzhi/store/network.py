"""The referral network, regional agents and distribution settings in SQL.

A chain is read in ONE statement: a recursive query walks `members.referrer` from the
buyer to the root inside the database, one primary-key lookup a level, and never more
than MAX_CHAIN levels (a cycle, which bindings refuse but a damaged database may hold,
ends in an error instead of a query that never returns). Every upline's team
performance is grown at the command's commit, with the members' other kept figures
(store/member_figures.py): a `members` row is locked last, after the pools', zones' and
balances' rows (the lock order, docs/service.md); grown here, mid-command, an upline's row
was held while the command (or the next of its group) waited for a pool another command
held, which at its commit waited for that row: a deadlock. Meanwhile the levels an order's
amount reaches are computed here from the uplines' performance as read (unlocked) plus
what this transaction grew them by, and every read of a level sees that growth. Another
server's order under the same upline may commit in between: the commit then checks that
each level this transaction used is still the one its amount reaches on top of the
performance found (`Growth.bounds`), and if one is not, the command is run again, whole
(`LostRace`), as the event log's order would have it. A level read and not grown (`level`,
`uplines`: a zone's requirement, the green mode's acceleration) is checked the same way
(`Growth.seen`): a reversal committed meanwhile may have dropped it. A binding takes the
tenant's network lock first (`lock_links`), so that its cycle check and its write are one
step; every other command that reads a link takes the same lock shared (`read_lock`), so
that no binding commits between its reading of a chain and its own commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    func,
    insert,
    literal,
    select,
    update,
)

from zengzhi.core.days import start_of
from zengzhi.engine.config import DistributionConfig
from zengzhi.rules.distribution import MAX_CHAIN, DistributionParams, cycle_error
from zengzhi.store import tables as t
from zengzhi.store.database import hold_advisory, one_of
from zengzhi.store.member_figures import Growth, follow_referrer, level_case
from zengzhi.store.saved import parsed_as_saved
from zengzhi.store.tenanted import Tenanted, of_tenant, record_of
from zengzhi.store.tenants import settings_zone


def _uplines_of() -> Any:
    """A recursive selectable of a member's uplines (member_id, team_level, depth), nearest
    first; the tenant and member are bound when it runs (built once: chains are walked
    often). Each row is the upline's own members row, reached by its primary key from the
    row before, so the database reads the chain and nothing else, however many members
    the tenant has (once it has statistics: see benchmarks/autoanalyze.py)."""
    m = t.members
    tenant: Any = bindparam("tenant")
    buyer = m.alias("buyer")
    referrer = (
        select(buyer.c.referrer)
        .where(of_tenant(buyer, tenant), buyer.c.member_id == bindparam("member"))
        .scalar_subquery()
    )
    start = (
        select(m.c.member_id, m.c.team_level, m.c.referrer, literal(1).label("depth"))
        .where(of_tenant(m, tenant), m.c.member_id == referrer)
        .cte("up", recursive=True)
    )
    parent = m.alias("parent")
    return start.union_all(
        select(parent.c.member_id, parent.c.team_level, parent.c.referrer, start.c.depth + 1).where(
            of_tenant(parent, tenant),
            parent.c.member_id == start.c.referrer,
            start.c.depth < bindparam("limit"),  # the walk's bound, inside the recursion
        )
    )


_UP = _uplines_of()
_UPDATE_BATCH = 1000
_PERFORMANCE = select(t.members.c.member_id, t.members.c.team_performance).where(
    of_tenant(t.members.c, bindparam("tenant")),
    one_of(t.members.c.member_id, "ids"),
)
_WITHIN = _UP.c.depth <= bindparam("limit")  # the first level too (a walk of depth 0)
_CHAIN = select(_UP.c.member_id).where(_WITHIN).order_by(_UP.c.depth)
_LEVELLED = select(_UP.c.member_id, _UP.c.team_level).where(_WITHIN).order_by(_UP.c.depth)


def _bounded(member: str, depth: int | None) -> dict[str, Any]:
    """The walk's bound: `depth` levels, or one past MAX_CHAIN (to see it run over)."""
    return {
        "member": member,
        "limit": MAX_CHAIN + 1 if depth is None else min(depth, MAX_CHAIN + 1),
    }


def _checked(member: str, uplines: list[str]) -> list[str]:
    if len(uplines) > MAX_CHAIN or len(set(uplines)) < len(uplines):
        raise cycle_error(member, uplines)
    return uplines


def network_lock(tenant: str) -> str:
    """The name of the tenant's network lock (an advisory lock: store/database.py)."""
    return f"zengzhi:network:{tenant}"


def referral_cycles(connection: Connection, tenant: str) -> list[list[str]]:
    """Every cycle in the tenant's referral links (each once, from its smallest id):
    none, unless the database was damaged (bindings refuse them). For the audit."""
    m = t.members.c
    referrer = dict(
        connection.execute(
            select(m.member_id, m.referrer).where(of_tenant(m, tenant), m.referrer.is_not(None))
        ).all()
    )
    done: set[str] = set()
    cycles = []
    for start in sorted(referrer):
        path: dict[str, int] = {}
        current: str | None = start
        while current is not None and current not in done and current not in path:
            path[current] = len(path)
            current = referrer.get(current)
        if current is not None and current in path:  # came back into this very walk
            ring = list(path)[path[current] :]
            first = ring.index(min(ring))
            cycles.append(ring[first:] + ring[:first])
        done.update(path)
    return cycles


class SqlNetwork:
    def __init__(self, connection: Connection, tenant: str) -> None:
        self._connection = connection
        self._tenant = tenant
        # member → (referrer, star level), read in bulk by `prefetch` for a daily run;
        # forgotten whenever this command changes a referrer or a level
        self._links: dict[str, tuple[str | None, int]] = {}
        self._reading = False  # the network lock held shared (`read_lock`)
        self.growth = Growth()  # team performance grown here, written at commit

    def read_lock(self) -> None:
        """The tenant's network lock, shared, before the first link this transaction reads
        (PostgreSQL): a binding takes it alone (`lock_links`), so it waits for the commands
        that read the links it changes and they for it, and a command's chain is the one
        its place in the event log gives it. Unlocked, an order read its buyer's uplines, a
        re-assignment committed, then the order: replayed in the log's order, the order
        paid its commission under the new chain (tests/service/test_mixed_races.py)."""
        if not self._reading:
            hold_advisory(self._connection, network_lock(self._tenant), shared=True)
        self._reading = True

    def _where(self, member: str) -> Any:
        return and_(of_tenant(t.members, self._tenant), t.members.c.member_id == member)

    def lock_links(self) -> None:
        """The tenant's network lock, held to the end of the transaction (PostgreSQL; on
        SQLite a write transaction has the whole database already)."""
        hold_advisory(self._connection, network_lock(self._tenant))

    def referrer(self, member: str) -> str | None:
        self.read_lock()
        row = self._connection.execute(
            select(t.members.c.referrer).where(self._where(member))
        ).first()
        return None if row is None else row.referrer

    def join(self, member: str, referrer: str | None) -> None:
        if referrer is not None:
            self.bind(member, referrer)

    def bind(self, member: str, referrer: str) -> None:
        self._links.clear()
        was = self._connection.execute(
            select(t.members.c.referrer).where(self._where(member)).with_for_update()
        ).scalar_one_or_none()
        self._connection.execute(
            update(t.members).where(self._where(member)).values(referrer=referrer)
        )
        follow_referrer(self._connection, self._tenant, was, referrer)

    def sponsor(self, member: str, sponsor: str | None) -> None:
        self._connection.execute(
            update(t.members).where(self._where(member)).values(sponsor=sponsor)
        )

    def sponsor_of(self, member: str) -> str | None:
        self.read_lock()
        row = self._connection.execute(
            select(t.members.c.sponsor).where(self._where(member))
        ).first()
        return None if row is None else row.sponsor

    def referees(self, member: str) -> list[str]:
        self.read_lock()
        m = t.members.c
        return list(
            self._connection.execute(
                select(m.member_id)
                .where(of_tenant(m, self._tenant), m.referrer == member)
                .order_by(m.member_id)
            ).scalars()
        )

    def has_ordered(self, member: str) -> bool:
        o = t.orders.c
        return (
            self._connection.execute(
                select(o.order_id)
                .where(
                    of_tenant(o, self._tenant), o.member_id == member, o.completed_at.is_not(None)
                )
                .limit(1)
            ).first()
            is not None
        )

    def ordered(self, member: str) -> None:
        pass  # the orders table says so (`has_ordered`)

    def unordered(self, member: str) -> None:
        pass  # the orders table says so (`has_purchase`)

    def has_purchase(self, member: str) -> bool:
        o = t.orders.c
        return (
            self._connection.execute(
                select(o.order_id)
                .where(
                    of_tenant(o, self._tenant),
                    o.member_id == member,
                    o.completed_at.is_not(None),
                    o.reversed_by.is_(None),
                )
                .limit(1)
            ).first()
            is not None
        )

    def chain(self, member: str, depth: int | None) -> list[str]:
        self.read_lock()
        bound = {"tenant": self._tenant, **_bounded(member, depth)}
        return _checked(member, list(self._connection.execute(_CHAIN, bound).scalars()))

    def grow(
        self, uplines: Sequence[str], amount: int, params: DistributionParams | None
    ) -> list[tuple[str, int]]:
        """Grow each upline's team performance by `amount`, held to the commit (module
        doc): no `members` row is locked here. Returns each upline's level after it."""
        self._links.clear()
        growth = self.growth
        growth.params = params
        unread = sorted(set(uplines) - growth.base.keys())
        for first in range(0, len(unread), _UPDATE_BATCH):
            ids = unread[first : first + _UPDATE_BATCH]
            for row in self._connection.execute(_PERFORMANCE, {"tenant": self._tenant, "ids": ids}):
                growth.base[row.member_id] = int(row.team_performance)
        for member in unread:  # no row (members are never removed): nothing to grow
            growth.base.setdefault(member, 0)
        return [(upline, growth.add(upline, amount)) for upline in uplines]

    def uplines(self, member: str, depth: int | None) -> list[tuple[str, int]]:
        self.read_lock()
        known = self._known_uplines(member, depth)
        if known is not None:
            return self._used(known)
        bound = {"tenant": self._tenant, **_bounded(member, depth)}
        found = [
            (row.member_id, self._level(row.member_id, int(row.team_level)))
            for row in self._connection.execute(_LEVELLED, bound)
        ]
        _checked(member, [upline for upline, _ in found])
        return self._used(found)

    def _used(self, levels: list[tuple[str, int]]) -> list[tuple[str, int]]:
        """Levels handed to a rule: those read from a row (not grown here) are checked at
        commit too (`Growth.seen`), as the grown ones are."""
        for member, level in levels:
            if member not in self.growth.added:
                self.growth.saw(member, level)
        return levels

    def _level(self, member: str, stored: int) -> int:
        """A level read from the member's row, or the one it has with the growth held."""
        return self.growth.level(member) if member in self.growth.added else stored

    def prefetch(self, members: Iterable[str], depth: int | None) -> None:
        """Read the links of `members` and of their uplines to `depth`, a level at a time,
        a thousand members a statement."""
        self.read_lock()
        m = t.members.c
        wanted = set(members) - self._links.keys()
        levels = None if depth is None else depth + 1  # the members' rows, then each upline's
        while wanted and (levels is None or levels > 0):
            ordered = sorted(wanted)
            for first in range(0, len(ordered), _UPDATE_BATCH):
                for row in self._connection.execute(
                    select(m.member_id, m.referrer, m.team_level).where(
                        of_tenant(m, self._tenant),
                        m.member_id.in_(ordered[first : first + _UPDATE_BATCH]),
                    )
                ):
                    level = self._level(row.member_id, int(row.team_level))
                    self._links[row.member_id] = (row.referrer, level)
            wanted = {
                link[0]
                for member in wanted
                if (link := self._links.get(member)) is not None and link[0] is not None
            } - self._links.keys()
            if levels is not None:
                levels -= 1

    def _known_uplines(self, member: str, depth: int | None) -> list[tuple[str, int]] | None:
        """The uplines from the prefetched links, or None where a link was not read."""
        if member not in self._links:
            return None
        found: list[tuple[str, int]] = []
        upline = self._links[member][0]
        limit = MAX_CHAIN + 1 if depth is None else min(depth, MAX_CHAIN + 1)
        while upline is not None and len(found) < limit:
            if upline not in self._links:
                return None
            referrer, level = self._links[upline]
            found.append((upline, level))
            upline = referrer
        _checked(member, [one for one, _ in found])
        return found

    def level(self, member: str) -> int:
        self.read_lock()
        m = t.members.c
        if member in self.growth.added:
            return self.growth.level(member)
        found = self._connection.execute(
            select(m.team_level).where(self._where(member))
        ).scalar_one_or_none()
        return self._used([(member, int(found or 0))])[0][1]

    def qualifying(self, min_level: int) -> list[tuple[str, int]]:
        m = t.members.c
        grown = self.growth.added
        found = [
            (row.member_id, int(row.team_performance))
            for row in self._connection.execute(
                select(m.member_id, m.team_performance)
                .where(of_tenant(m, self._tenant), m.team_level >= min_level, m.team_level > 0)
                .order_by(m.member_id)
            )
            if row.member_id not in grown
        ]
        found += [  # the members grown here, at the levels their growth gives them
            (member, self.growth.performance(member))
            for member in grown
            if (level := self.growth.level(member)) >= min_level and level > 0
        ]
        return sorted(found)

    def relevel(self, params: DistributionParams) -> None:
        self._links.clear()
        self.growth.params = params  # the growth held is levelled by these at commit too
        m = t.members.c
        self._connection.execute(
            update(t.members)
            .where(of_tenant(m, self._tenant))
            .values(team_level=level_case(params, m.team_performance))
        )


class SqlAgents:
    """The regional agents, under the tenant's network lock (`SqlNetwork`): an order
    reads a region's agent with it held shared, and a sale of rights takes it alone
    before it looks for the region's holder (engine `_grant_agent`), so that no sale
    commits between an order's reading of its agents and its own commit. Unlocked, an
    order found no agent, the sale committed, then the order: replayed in the log's
    order, the order paid the new agent (tests/security/test_conflict_races.py)."""

    def __init__(
        self, connection: Connection, tenant: str, now: datetime, network: SqlNetwork
    ) -> None:
        self._connection = connection
        self._tenant = tenant
        self._now = now
        self._network = network

    def agent(self, region: str, level: str) -> str | None:
        self._network.read_lock()
        a = t.agents.c
        row = self._connection.execute(
            select(a.member_id).where(
                of_tenant(a, self._tenant), a.region == region, a.level == level
            )
        ).first()
        return None if row is None else row.member_id

    def grant(self, region: str, level: str, member: str, fee: int) -> None:
        self._connection.execute(
            insert(t.agents).values(
                tenant_id=self._tenant,
                region=region,
                level=level,
                member_id=member,
                fee=fee,
                granted_at=self._now,
            )
        )


@dataclass(frozen=True, slots=True)
class AgentRow:
    region: str
    level: str
    member_id: str
    fee: int  # fen the rights were sold for
    granted_at: datetime


class Agents(Tenanted):
    """The regional agents as the service shows them."""

    table = t.agents

    def get(self, region: str, level: str) -> AgentRow | None:
        c = self.table.c
        row = self.first(self.select().where(c.region == region, c.level == level))
        return None if row is None else record_of(AgentRow, row)

    def listed(self, limit: int) -> list[AgentRow]:
        """The first `limit` agents by region and level."""
        c = self.table.c
        statement = self.select().order_by(c.region, c.level).limit(limit)
        return [record_of(AgentRow, row) for row in self.connection.execute(statement)]


class SqlDistribution:
    """Settings in the tenant's settings (`distribution`), turnover from the orders.
    `settings` are the tenant's as the unit of work read them when the command began."""

    def __init__(
        self,
        connection: Connection,
        tenant: str,
        settings: Mapping[str, Any] | None,
        check: Callable[[dict[str, Any]], None],
    ) -> None:
        self._connection = connection
        self._tenant = tenant
        self._settings = settings
        self._check = check  # the settings kept, read locked, before they are changed
        self._params: DistributionParams | None = None
        self._loaded = False
        self.written = False  # this command saved new settings (`configure`)

    @property
    def params(self) -> DistributionParams | None:
        if not self._loaded:
            settings = (self._settings or {}).get("distribution")
            self._params = (
                parsed_as_saved(None, lambda: DistributionConfig.kept(settings).params())
                if settings
                else None
            )
            self._loaded = True
        return self._params

    def configure(self, settings: Mapping[str, object], params: DistributionParams) -> None:
        c = t.tenants.c
        row = self._connection.execute(
            select(c.settings).where(of_tenant(c, self._tenant)).with_for_update()
        ).one()
        self._check(dict(row.settings or {}))
        self._connection.execute(
            update(t.tenants)
            .where(of_tenant(c, self._tenant))
            .values(settings={**(row.settings or {}), "distribution": dict(settings)})
        )
        self._params, self._loaded = params, True
        self.written = True

    def add_turnover(self, day: date, amount: int) -> None:
        return None  # read back from the orders when a dividend needs it

    def turnover(self, start: date, end: date) -> int:
        """Completed orders of [start, end) less the ones reversed in it: the tenant's
        days, from midnight to midnight in its time zone, as the engine counts them
        (`day_of`; UTC midnights paid a Shanghai day's dividend on 16:00 to 16:00)."""
        o = t.orders.c
        zone = settings_zone(self._settings)
        begin, finish = start_of(start, zone), start_of(end, zone)
        completed = self._connection.execute(
            select(func.coalesce(func.sum(o.amount), 0)).where(
                of_tenant(o, self._tenant), o.completed_at >= begin, o.completed_at < finish
            )
        ).scalar_one()
        reversed_ = self._connection.execute(
            select(func.coalesce(func.sum(o.amount), 0)).where(
                of_tenant(o, self._tenant),
                o.status == "reversed",
                o.closed_at >= begin,
                o.closed_at < finish,
            )
        ).scalar_one()
        return int(completed) - int(reversed_)
