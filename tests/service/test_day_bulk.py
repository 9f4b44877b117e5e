"""A day big enough for the bulk writes (store/database.py, `bulk`): what a part changes in
a hundred or more balances, members' kept wallets, claims and tally rows goes to
PostgreSQL as one statement over arrays. The day in parts and the next day at once post,
through the service, exactly what the engine in memory posts, the tables end as the
memory's ledger and claims, and the audit and the replay find nothing wrong."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from tests.service.conftest import Clock, journal, new_tenant
from tests.service.test_tenant_scoping import Captured, problem
from tests.statements import parts
from zengzhi.core.events import CompleteOrder, ConfigureZone, Event, Join, OrderLine, RunDay
from zengzhi.core.ledger import MemoryLedger
from zengzhi.engine.claims import MemoryModes
from zengzhi.engine.engine import Engine
from zengzhi.engine.state import MemoryPools, TenantState
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, command, tenant_today
from zengzhi.service.modes import run_days
from zengzhi.store import tables as t
from zengzhi.store.database import BULK_AT_LEAST
from zengzhi.store.member_figures import differences
from zengzhi.store.uow import UnitOfWork

MEMBERS = 2 * BULK_AT_LEAST + 30
GREEN = {"green": {"backed": True, "acceleration": ["0.5", "0.3"]}}


def _events() -> list[Event]:
    line = (OrderLine(0, 0, None, zone="g"),)
    events: list[Event] = [ConfigureZone("zone:g", "g", GREEN)]
    for n in range(MEMBERS):
        amount = 1000_00 + 37_00 * (n % 11)
        events.append(Join(f"j{n}", f"m{n}", f"m{(n - 1) // 3}" if n else None))
        events.append(
            CompleteOrder(f"o{n}", f"m{n}", (line[0]._replace(amount=amount, platform=amount),))
        )
    return events


@pytest.fixture
def statements(context: Context) -> Iterator[Captured]:
    """Every statement the test's commands send, as the tenant-scoping test captures them."""
    listener = Captured()
    event.listen(context.database.writer, "before_cursor_execute", listener)
    yield listener
    event.remove(context.database.writer, "before_cursor_execute", listener)


def _entries(context: Context, tenant: str) -> list[Any]:
    with context.database.read() as connection:
        return [
            (cause, kind, params, posted)
            for cause, kind, _, params, posted in journal(connection, tenant)
        ]


def test_a_day_of_bulk_writes_posts_and_keeps_what_the_engine_in_memory_does(
    context: Context, clock: Clock, statements: Captured
) -> None:
    tenant = new_tenant(context)
    owner = Principal(tenant, "test", Role.OWNER)
    events = _events()

    def build(uow: UnitOfWork) -> None:
        for one in events:
            uow.apply(one)

    command(context, owner, build)
    before = len(_entries(context, tenant))
    first = tenant_today(context, tenant)
    assert run_days(context, tenant, BULK_AT_LEAST + 20)  # parts of 120 claims or members
    clock.advance(days=1)
    second = first + timedelta(days=1)
    command(
        context,
        Principal(tenant, "system:jobs", Role.OWNER),
        lambda uow: uow.apply(RunDay(f"day:g:{second}", "g", second, uow.now)),
    )

    book, ledger = MemoryModes(), MemoryLedger()
    engine = Engine(TenantState(ledger, MemoryPools([]), modes=book))
    posted = []
    for one in [*events, RunDay("d1", "g", first), RunDay("d2", "g", second)]:
        posted += engine.apply(one).entries
    kept = _entries(context, tenant)
    assert len(kept) - before > 3 * MEMBERS  # releases and two levels of acceleration
    assert [(kind, params, postings) for _, kind, params, postings in kept] == [
        (one.kind, json.dumps(dict(one.params), sort_keys=True), list(one.postings))
        for one in posted
    ]
    b, c = t.balances.c, t.mode_claims.c
    with context.database.read() as connection:
        balances = {
            (row.account, row.asset): row.amount
            for row in connection.execute(
                select(b.account, b.asset, b.amount).where(b.tenant_id == tenant, b.amount != 0)
            )
        }
        owed = {
            row.seq: row.owed
            for row in connection.execute(select(c.seq, c.owed).where(c.tenant_id == tenant))
        }
        tally = connection.execute(
            select(t.mode_day_tally.c.member_id).where(t.mode_day_tally.c.tenant_id == tenant)
        ).all()
        assert balances == {key: amount for key, amount in ledger.balances.items() if amount}
        assert owed == {
            seq: claim.left
            for (_, _, seq), claim in book._all.items()  # every claim, as kept
        }
        assert tally == []  # the day emptied it
        assert differences(connection, tenant) == []  # the members' kept wallets
        assert check_ledger(connection, tenant) == []
        assert check_replay(connection, tenant) == []
    bulk = [
        (statement, rows) for statement, rows in statements.statements if "unnest(" in statement
    ]
    if not context.database.is_sqlite:  # each names its one tenant (Citus could route it)
        verbs = {one.split()[0] for statement, _ in bulk for _, one in parts(statement)}
        assert verbs == {"UPDATE", "INSERT"}
    assert [problem(statement, rows) for statement, rows in bulk] == [None] * len(bulk)
