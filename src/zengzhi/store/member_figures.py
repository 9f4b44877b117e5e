"""The figures kept on each member's row for the console's sorts (migration 0015):
`members.wallet` (the wallet's balance, fen), `members.points` (the points held in
every pool, summed) and `members.team` (how many members the member referred).

Each moves in the same transaction as what it is kept from: the wallet and the points
with the balance rows the ledger writes (`store/ledger.py`), the team with a referrer's
change (`store/network.py`). `zengzhi audit` reports every member whose kept figure is
not its source's (`differences`). `members.spent` is kept the same way by
`store/orders.py`, and written with them when its change was held (store/pending.py);
`members.team_performance` and `team_level` by `store/network.py`, held (`Growth`) and
written with them too.

All of them are written in one statement at the command's commit, a member's row after
another in member order, after the balance rows (`store/ledger.write_balances`; one
member's alone as the last part of the balances' statement, `with_the_balances`): the last
rows a command locks before the tenant's counters (the lock order, docs/service.md).
Written earlier, a member's row was held by one transaction while it waited for a pool,
zone or balance row another held, which at its commit waited for that member's row: a
deadlock, and a second of deadlock_timeout before PostgreSQL broke it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, case, func, literal, select, update
from sqlalchemy.sql import ColumnElement

from zengzhi.core import accounts
from zengzhi.core.ledger import CNY
from zengzhi.rules.distribution import DistributionParams
from zengzhi.store import tables as t
from zengzhi.store.database import LostRace, Rows, bulk, bulk_update, one_of
from zengzhi.store.tenanted import of_tenant

_m = t.members.c
_MOVE = (
    update(t.members)
    .where(of_tenant(_m, bindparam("tenant")), _m.member_id == bindparam("member"))
    .values(
        wallet=_m.wallet + bindparam("wallet_delta"),
        points=_m.points + bindparam("points_delta"),
        spent=_m.spent + bindparam("spent_delta"),
    )
)
_TEAM = (
    update(t.members)
    .where(of_tenant(_m, bindparam("tenant")), _m.member_id == bindparam("member"))
    .values(team=_m.team + bindparam("delta"))
)
_GROWN = select(_m.member_id, _m.team_performance, _m.team_level).where(
    of_tenant(_m, bindparam("tenant")), one_of(_m.member_id, "members")
)


FAR = 2**62  # beyond any team performance: a bound that bounds nothing


@dataclass
class Growth:
    """Team performance a transaction grew and has not written (`SqlNetwork.grow`): what
    the commit adds to each member's row, the performance it read before, and, for each,
    the performance the row may have at commit for every level this transaction used to
    still be the one reached: [low, high)."""

    params: DistributionParams | None = None  # the levels' thresholds now
    base: dict[str, int] = field(default_factory=dict)  # team_performance as read
    added: dict[str, int] = field(default_factory=dict)
    bounds: dict[str, tuple[int, int]] = field(default_factory=dict)
    # the levels a rule used of members read, not grown (a zone's requirement, the green
    # mode's uplines): the row must still have them at commit
    seen: dict[str, set[int]] = field(default_factory=dict)

    def saw(self, member: str, level: int) -> None:
        self.seen.setdefault(member, set()).add(level)

    def performance(self, member: str) -> int:
        return self.base[member] + self.added.get(member, 0)

    def level(self, member: str) -> int:
        """The member's level with what is held (read before: `base`)."""
        params = self.params
        return 0 if params is None else params.level_for(self.performance(member))

    def add(self, member: str, amount: int) -> int:
        """Grow the member by `amount`; the level it reaches, and the bounds it needs."""
        self.added[member] = self.added.get(member, 0) + amount
        level = self.level(member)
        thresholds = [one.performance for one in self.params.team] if self.params else []
        if thresholds:  # level L holds for performance in [T(L), T(L+1))
            low = thresholds[level - 1] if level > 0 else -FAR
            high = thresholds[level] if level < len(thresholds) else FAR
            added = self.added[member]  # so the row's performance before it: minus `added`
            was = self.bounds.get(member, (-FAR, FAR))
            self.bounds[member] = (max(was[0], low - added), min(was[1], high - added))
        return level

    def take(self) -> Growth:
        taken = Growth(self.params, self.base, self.added, self.bounds, self.seen)
        self.base, self.added, self.bounds, self.seen = {}, {}, {}, {}
        return taken

    def level_before(self, member: str, performance: int, level: int) -> int:
        """The level of a row found at commit with `performance` and `level`, before
        this transaction's growth (written in the same statement)."""
        if not self.added.get(member):
            return level  # the statement kept the row's level
        params = self.params
        return 0 if params is None else params.level_for(performance - self.added[member])


def level_case(
    params: DistributionParams | None, performance: ColumnElement[Any]
) -> ColumnElement[Any]:
    """The star level `performance` reaches under `params`, in SQL (`level_for`'s)."""
    if params is None or not params.team:
        return literal(0)
    whens = [
        (performance >= level.performance, n)
        for n, level in reversed(list(enumerate(params.team, start=1)))
    ]
    return case(*whens, else_=0)


def _grown(params: DistributionParams | None) -> Any:
    """`_MOVE` growing the team performance too, and levelling the rows it grows."""
    grown = _m.team_performance + bindparam("grown")
    return _MOVE.values(
        team_performance=grown,
        team_level=case((bindparam("grown") == 0, _m.team_level), else_=level_case(params, grown)),
    )


Moved = tuple[str, int, int, int, int]  # member, wallet, points, spent, team performance


def moved_members(
    deltas: Mapping[tuple[str, str], int],
    spent: Mapping[str, int] | None = None,
    growth: Growth | None = None,
) -> list[Moved]:
    """What a command moves of each member's kept figures, in member order (the order two
    commands lock members in): the wallets and points by what it posted to members'
    wallets and holdings (`deltas`: (account, asset) → amount), the spent totals by what
    its orders held back (`spent`, store/pending.py), the team performance by what it
    grew (`growth`, store/network.py); a member whose level it read is there unmoved,
    to be locked and checked."""
    grew = growth.added if growth else {}
    bounds = growth.bounds if growth else {}
    seen = growth.seen if growth else {}
    moved: dict[str, list[int]] = {member: [0, 0, fen, 0] for member, fen in (spent or {}).items()}
    for (account, asset), delta in deltas.items():
        if not delta:
            continue
        owner = accounts.wallet_owner(account) if asset == CNY else None
        if owner is not None:
            moved.setdefault(owner, [0, 0, 0, 0])[0] += delta
        owner = accounts.holdings_owner(account, asset)
        if owner is not None:
            moved.setdefault(owner, [0, 0, 0, 0])[1] += delta
    for member, amount in grew.items():
        moved.setdefault(member, [0, 0, 0, 0])[3] += amount
    for member in seen:  # written (locked) in the same statement, checked after it
        moved.setdefault(member, [0, 0, 0, 0])
    return [
        (member, wallet, points, spent, grown)
        for member, (wallet, points, spent, grown) in sorted(moved.items())
        if wallet or points or spent or grown or member in bounds or member in seen
    ]


def with_the_balances(tenant: str, moved: list[Moved], growth: Growth | None) -> Rows | None:
    """One member's row moved by a command that grew no team and used no level (a lone
    order's buyer, a sale's seller), as the last part of the balances' statement
    (store/database.py `write_together`), written after the balances as the lock order
    wants; None when the rows go their own way (`follow_balances`). Several members stay
    one update after another in member order: an update over arrays would lock them in
    the order its join finds them."""
    if len(moved) != 1 or (growth and (growth.added or growth.bounds or growth.seen)):
        return None
    member, wallet, points, spent, _ = moved[0]
    row = {"tenant_id": tenant, "member_id": member, "wallet": wallet, "points": points}
    return Rows(
        t.members,
        [row | {"spent": spent}],
        adding=("wallet", "points", "spent"),
        keys=("member_id",),
        after=True,
    )


def follow_balances(
    connection: Connection, tenant: str, moved: list[Moved], growth: Growth | None = None
) -> None:
    """Write `moved` (`moved_members`): one update a member, in member order, in one
    statement, after the balance rows. Then, if the command used star levels, each grown
    member's performance before it must be within its `Growth.bounds`, or the command is
    run again (`LostRace`)."""
    grew = growth.added if growth else {}
    if moved and not grew and bulk(connection, len(moved)):  # a daily run's: one statement
        bulk_update(
            connection,
            t.members,
            {"tenant_id": tenant},
            (("member_id", "text"),),
            (("wallet", "bigint"), ("points", "bigint"), ("spent", "bigint")),
            [row[:4] for row in moved],
            added=("wallet", "points", "spent"),
        )
    elif moved:
        connection.execute(
            _grown(growth.params if growth else None) if grew else _MOVE,
            [
                {
                    "tenant": tenant,
                    "member": m,
                    "wallet_delta": w,
                    "points_delta": p,
                    "spent_delta": f,
                }
                | ({"grown": g} if grew else {})
                for m, w, p, f, g in moved
            ],
        )
    if growth and (growth.bounds or growth.seen):
        _check_levels(connection, tenant, growth)


def _check_levels(connection: Connection, tenant: str, growth: Growth) -> None:
    """Every level the command used is the one its growth reaches on the performance the
    rows had (another server's order under the same upline may have committed since the
    command read it), and every level it read and did not grow is the row's still (a
    reversal may have dropped it): if not, the event log's order would have paid other
    levels, or refused a zone's order. The rows are locked: the update before wrote them."""
    grew, bounds, seen = growth.added, growth.bounds, growth.seen
    wanted = sorted(bounds.keys() | seen.keys())
    for member, performance, level in connection.execute(
        _GROWN, {"tenant": tenant, "members": wanted}
    ):
        before = int(performance) - grew.get(member, 0)
        low, high = bounds.get(member, (-FAR, FAR))
        if not low <= before < high:
            raise LostRace(f"the star level of {member!r}")
        if seen.get(member, set()) - {growth.level_before(member, int(performance), int(level))}:
            raise LostRace(f"the star level of {member!r}")


def follow_referrer(connection: Connection, tenant: str, was: str | None, now: str | None) -> None:
    """A member's referrer changed from `was` to `now`: one referee less, one more."""
    rows = [
        {"tenant": tenant, "member": member, "delta": delta}
        for member, delta in sorted([(was, -1), (now, 1)], key=lambda one: one[0] or "")
        if member is not None and was != now
    ]
    if rows:
        connection.execute(_TEAM, rows)


def _sources(tenant: str) -> dict[str, Any]:
    """Each kept figure's source, a select of (member_id, value)."""
    b, p, m = t.balances.c, t.positions.c, t.members.alias("referee").c
    return {
        "wallet": select(t.members.c.member_id, b.amount)
        .select_from(t.members)
        .join(
            t.balances,
            (b.tenant_id == t.members.c.tenant_id)
            & (b.account == literal("member:") + t.members.c.member_id + literal(":wallet"))
            & (b.asset == CNY),
        )
        .where(of_tenant(t.members.c, tenant)),
        "points": select(p.member_id, func.sum(p.points))
        .where(of_tenant(p, tenant))
        .group_by(p.member_id),
        "team": select(m.referrer, func.count())
        .where(of_tenant(m, tenant), m.referrer.is_not(None))
        .group_by(m.referrer),
    }


def differences(connection: Connection, tenant: str) -> list[tuple[str, str, int, int]]:
    """Members whose kept wallet, points or team is not its source's: (member, figure,
    kept, expected), by member."""
    kept = {
        row.member_id: row
        for row in connection.execute(
            select(_m.member_id, _m.wallet, _m.points, _m.team).where(of_tenant(_m, tenant))
        )
    }
    found = []
    for figure, source in _sources(tenant).items():
        expected = {str(r[0]): int(r[1] or 0) for r in connection.execute(source)}
        found += [
            (member, figure, int(getattr(row, figure)), expected.get(member, 0))
            for member, row in kept.items()
            if int(getattr(row, figure)) != expected.get(member, 0)
        ]
    return sorted(found)
