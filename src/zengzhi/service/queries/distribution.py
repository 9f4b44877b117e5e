"""A member's place in the referral network and the rewards they earned, as the API and
the console show them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Connection, func, select

from zengzhi.core import accounts
from zengzhi.core.amounts import format_minor
from zengzhi.service.base import found
from zengzhi.store import tables as t
from zengzhi.store.members import Members
from zengzhi.store.network import SqlNetwork
from zengzhi.store.tenanted import of_tenant


class Referee(BaseModel):
    id: str
    team_performance: str
    level: int
    referees: int  # their own direct referees


class Network(BaseModel):
    member: str
    referrer: str | None
    uplines: list[str]  # nearest first, up to 10 shown
    team_performance: str
    level: int
    referees: list[Referee]  # direct referees, a page of them


def network_page(
    connection: Connection, tenant: str, member: str, limit: int, after: str | None
) -> Network:
    """A member's place in the referral tree: uplines, and direct referees a page at a
    time (the console walks the tree by following them)."""
    row = found(Members(connection, tenant).get(member), "member", member)
    m = t.members.c
    statement = select(m.member_id, m.team_performance, m.team_level).where(
        of_tenant(m, tenant), m.referrer == member
    )
    if after is not None:
        statement = statement.where(m.member_id > after)
    rows = connection.execute(statement.order_by(m.member_id).limit(limit)).all()
    ids = [r.member_id for r in rows]
    counts: dict[str, int] = (
        dict(
            connection.execute(
                select(m.referrer, func.count())
                .where(of_tenant(m, tenant), m.referrer.in_(ids))
                .group_by(m.referrer)
            ).all()
        )
        if ids
        else {}
    )
    return Network(
        member=member,
        referrer=row.referrer,
        uplines=SqlNetwork(connection, tenant).chain(member, 10),
        team_performance=format_minor(row.team_performance, 2),
        level=row.team_level,
        referees=[
            Referee(
                id=r.member_id,
                team_performance=format_minor(int(r.team_performance), 2),
                level=int(r.team_level),
                referees=int(counts.get(r.member_id, 0)),
            )
            for r in rows
        ],
    )


class RewardView(BaseModel):
    entry: int
    at: datetime
    kind: str  # direct, indirect, recruiter, agent, team, peer, dividend
    cause: str  # the order (or dividend run) it came from
    rate: str
    base: str
    amount: str
    paid: str  # what was booked (less than amount when the budget was cut)
    into: str  # cash, or contribution
    note: str | None


def member_rewards(
    connection: Connection, tenant: str, member: str, limit: int, before: int | None
) -> list[RewardView]:
    """What a member earned and why: each reward with its order, kind, rate and base."""
    p, e = t.postings.c, t.entries.c
    owned = [accounts.wallet(member), accounts.contribution(member), accounts.debt(member)]
    found(Members(connection, tenant).get(member), "member", member)
    statement = (
        select(e.entry_id, e.at, e.cause, e.params, func.sum(p.amount).label("paid"))
        .join(t.postings, (p.tenant_id == e.tenant_id) & (p.entry_id == e.entry_id))
        .where(of_tenant(e, tenant), e.kind == "reward", p.account.in_(owned))
        .group_by(e.entry_id, e.at, e.cause, e.params)
    )
    if before is not None:
        statement = statement.where(e.entry_id < before)
    rows = connection.execute(statement.order_by(e.entry_id.desc()).limit(limit)).all()
    return [
        RewardView(
            entry=row.entry_id,
            at=row.at,
            kind=row.params["kind"],
            cause=row.cause,
            rate=row.params["rate"],
            base=row.params["base"],
            amount=row.params["amount"],
            paid=format_minor(int(row.paid), 2),
            into=row.params["into"],
            note=row.params.get("note"),
        )
        for row in rows
    ]
