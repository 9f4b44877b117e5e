"""The figures kept on each member's row for the console's sorts (migration 0015):
`members.wallet` (the wallet's balance, fen), `members.points` (the points held in
every pool, summed) and `members.team` (how many members the member referred).

Each moves in the same transaction as what it is kept from: the wallet and the points
with the balance rows the ledger writes (`store/ledger.py`), the team with a referrer's
change (`store/network.py`). `zengzhi audit` reports every member whose kept figure is
not its source's (`differences`). `members.spent` is kept the same way by
`store/orders.py`, and written with them when its change was held (store/pending.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, func, literal, select, update

from zengzhi.core import accounts
from zengzhi.core.ledger import CNY
from zengzhi.store import tables as t
from zengzhi.store.database import bulk, bulk_update
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


def follow_balances(
    connection: Connection,
    tenant: str,
    deltas: Mapping[tuple[str, str], int],
    spent: Mapping[str, int] | None = None,
) -> None:
    """Move the kept wallets and points by what a command posted to members' wallets and
    holdings (`deltas`: (account, asset) → amount), and the spent totals by what its
    orders held back (`spent`, store/pending.py): one update a member, in member order
    (the order two commands lock members in)."""
    moved: dict[str, list[int]] = {member: [0, 0, fen] for member, fen in (spent or {}).items()}
    for (account, asset), delta in deltas.items():
        if not delta:
            continue
        owner = accounts.wallet_owner(account) if asset == CNY else None
        if owner is not None:
            moved.setdefault(owner, [0, 0, 0])[0] += delta
        owner = accounts.holdings_owner(account, asset)
        if owner is not None:
            moved.setdefault(owner, [0, 0, 0])[1] += delta
    rows = [(member, *changes) for member, changes in sorted(moved.items()) if any(changes)]
    if rows and bulk(connection, len(rows)):  # a daily run's: one statement
        bulk_update(
            connection,
            t.members,
            {"tenant_id": tenant},
            (("member_id", "text"),),
            (("wallet", "bigint"), ("points", "bigint"), ("spent", "bigint")),
            rows,
            added=("wallet", "points", "spent"),
        )
    elif rows:
        connection.execute(
            _MOVE,
            [
                {
                    "tenant": tenant,
                    "member": m,
                    "wallet_delta": w,
                    "points_delta": p,
                    "spent_delta": f,
                }
                for m, w, p, f in rows
            ],
        )


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
