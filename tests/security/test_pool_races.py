"""The appreciation pool raced on PostgreSQL (an independent check, 2026-12-04): one
order's story sent by every process at the same instant applies once, and a change of
the pool's parameters while other processes' orders are applied lands between two of
them, as the event log's replay says."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.security import pool_race_workers
from tests.security.pool_race_workers import ROUNDS, THREADS
from tests.security.races import race
from tests.service.conftest import SECRET, new_tenant
from zengzhi.service import audit, members, orders, pools
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, query
from zengzhi.service.members import NewMember, SellRequest
from zengzhi.service.orders import NewOrder
from zengzhi.service.pools import NewPool
from zengzhi.store import tables as t

PROCESSES = 3
postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def _tenant(context: Context) -> tuple[str, Principal]:
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="2"))
    for n in range(3):
        members.create_member(context, owner, NewMember(id=f"m{n}"))
    order = NewOrder(id="o-m0", member="m0", amount="1000.00", contribution="300.00")
    orders.create_order(context, owner, order)
    orders.pay(context, owner, order.id)
    return tenant, owner


def _kinds(context: Context, tenant: str) -> list[tuple[str, str]]:
    e = t.entries.c
    statement = select(e.cause, e.kind).where(e.tenant_id == tenant).order_by(e.entry_id)
    return query(context, lambda connection: [tuple(row) for row in connection.execute(statement)])


def _sound(context: Context, tenant: str) -> None:
    report = query(context, lambda connection: audit.audit_tenant(connection, tenant, True))
    assert report.differences == []


@postgresql_only
def test_one_orders_whole_story_sent_by_every_process_at_once_applies_once(
    context: Context,
) -> None:
    """Nine senders (three processes of three threads) send order o{n}'s creation, then
    its payment, completion and reversal, then one sale of m0's points, each at the same
    moment, four rounds: every answer is the order as it stands or a repeat (never an
    error of ours), each order mints once and is reversed once, each sale pays once."""
    tenant, owner = _tenant(context)
    url, secret = context.database.url, SECRET.get_secret_value()
    outcomes = race(PROCESSES, pool_race_workers.story_rounds, (url, secret, tenant))
    answers = {outcome for process in outcomes for outcome in process}
    # a step the order cannot take yet (completed before it was paid…) is a conflict
    assert answers <= {"ok", "mixed:ok", "mixed:conflict"}, answers
    kinds = _kinds(context, tenant)
    for n in range(ROUNDS):
        for cause, kind in (
            (f"order:o{n}", "mint"),
            (f"reverse:o{n}", "reversal"),
            (f"sell:s{n}", "sale"),
        ):
            assert kinds.count((cause, kind)) == 1, (cause, kind, kinds)
        assert orders.get_order(context, owner, f"o{n}").status == "reversed"
        # p{n}: paid, completed and reversed at once, in whatever order they landed
        status = orders.get_order(context, owner, f"p{n}").status
        minted, reversed_ = (
            kinds.count((f"order:p{n}", "mint")),
            kinds.count((f"reverse:p{n}", "reversal")),
        )
        assert (minted, reversed_) in ((0, 0), (1, 0), (1, 1)), (n, status, kinds)
        assert (
            status == {(0, 0): "paid", (1, 0): "completed", (1, 1): "reversed"}[minted, reversed_]
        )
    _sound(context, tenant)


@postgresql_only
def test_pool_changes_between_other_processes_orders_replay_as_applied(
    context: Context,
) -> None:
    """Process 0 changes the exit multiple, the mint ratio and the fee, pauses and resumes
    minting, while two processes of three threads create, pay (complete: no return
    window) and reverse orders at the same moments: every command answers, and the
    tables are exactly the replay of the event log in the order it was applied."""
    tenant, owner = _tenant(context)
    members.sell(context, owner, "m0", SellRequest(id="warm", points="1.0000"))
    url, secret = context.database.url, SECRET.get_secret_value()
    outcomes = race(PROCESSES, pool_race_workers.change_rounds, (url, secret, tenant))
    assert outcomes[0] == ["ok"] * ROUNDS
    stories = [answer for process in outcomes[1:] for answer in process]
    assert len(stories) == (PROCESSES - 1) * ROUNDS * THREADS
    assert all(set(answer.split(",")) == {"ok"} for answer in stories), stories
    _sound(context, tenant)
