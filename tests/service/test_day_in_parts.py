"""A zone's day in parts through the service (docs/modes.md, "A day in parts").

Two tenants hold the same green zone, referral tree and orders. In one the day runs at
once (one RunDay, one transaction). In the other a worker process runs it in parts of a
few claims or members, each its own transaction, and is killed (SIGKILL) part-way, while
orders in the zone are placed and accepted; `run_days` then finishes the day from where
it stopped. The same orders are placed in the first tenant after its day (orders placed
during a day count for the next one). Both end with the same balances and the same
entries by content; the day's entries are each posted once; the event log of the tenant
that ran in parts replays to its tables.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, func, select

from tests.service.conftest import Api, Clock, journal, new_tenant
from tests.service.test_reversal_histories import assert_the_books_hold
from zengzhi.core.days import day_of
from zengzhi.core.events import CompleteOrder, ConfigureZone, Event, Join, OrderLine, RunDay
from zengzhi.rules.modes import zone
from zengzhi.service import modes
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, command
from zengzhi.service.modes import run_days
from zengzhi.store import tables as t
from zengzhi.store.modes import SqlModes
from zengzhi.store.tenants import tenant_time_zone
from zengzhi.store.uow import UnitOfWork

MEMBERS = 40
GREEN = {"green": {"backed": True, "acceleration": ["0.5", "0.3"]}}
ROOT = Path(__file__).resolve().parents[2]


def _line(yuan: int) -> tuple[OrderLine, ...]:
    return (OrderLine(yuan * 100, 0, None, platform=yuan * 100, zone="g"),)


def _apply(context: Context, tenant: str, events: list[Event]) -> None:
    def run(uow: UnitOfWork) -> None:
        for event in events:
            uow.apply(event)

    command(context, Principal(tenant, "test", Role.OWNER), run)


def _before(context: Context, tenant: str) -> None:
    events: list[Event] = [ConfigureZone("zone:g", "g", GREEN)]
    for n in range(MEMBERS):
        events.append(Join(f"j{n}", f"m{n}", f"m{(n - 1) // 2}" if n else None))
        events.append(CompleteOrder(f"o{n}", f"m{n}", _line(1000 + 100 * n)))
    _apply(context, tenant, events)


def _during(n: int) -> list[Event]:
    """An order placed while the day runs: a new member's, or an old member's again."""
    if n % 2:
        return [CompleteOrder(f"again{n}", f"m{n}", _line(3000))]
    return [Join(f"jx{n}", f"x{n}", f"m{n}"), CompleteOrder(f"ox{n}", f"x{n}", _line(2000))]


def _parts(connection: Connection, tenant: str) -> int:
    e = t.events.c
    return int(
        connection.execute(
            select(func.count()).where(e.tenant_id == tenant, e.event_id.like("day:%@%"))
        ).scalar_one()
    )


def _books(connection: Connection, tenant: str) -> tuple[list[Any], list[Any]]:
    b = t.balances.c
    balances = sorted(
        (row.account, row.asset, row.amount)
        for row in connection.execute(
            select(b.account, b.asset, b.amount).where(b.tenant_id == tenant, b.amount != 0)
        )
    )
    entries = sorted(journal(connection, tenant))
    return balances, entries


def test_a_day_killed_part_way_and_resumed_equals_the_day_at_once(context: Context) -> None:
    whole, parted = new_tenant(context, "whole"), new_tenant(context, "parts")
    for tenant in (whole, parted):
        _before(context, tenant)
    now = context.clock()
    with context.database.read() as connection:
        today: date = day_of(now, tenant_time_zone(connection, whole))
    key = f"day:g:{today.isoformat()}"
    _apply(context, whole, [RunDay(key, "g", today, now)])  # at once, one transaction

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.service.day_worker",
            context.database.url,
            parted,
            now.isoformat(),
            "3",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    placed: list[Event] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with context.database.read() as connection:
                done = _parts(connection, parted)
            if done >= 6 and placed:
                break
            if done >= 1 and len(placed) < 8:  # the day has begun: orders come in
                during = _during(len(placed) // 2 * 2 + len(placed) % 2)
                _apply(context, parted, during)  # accepted while the day runs
                placed += during
            time.sleep(0.01)
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=30)
    with context.database.read() as connection:
        stopped = _parts(connection, parted)
        assert zone.under_way(SqlModes(connection, parted), "g"), "the day ended before the kill"
    assert stopped >= 6

    run_days(context, parted, 4)  # finishes the day from where it stopped
    with context.database.read() as connection:
        assert not zone.under_way(SqlModes(connection, parted), "g")
        assert _parts(connection, parted) > stopped
    _apply(context, whole, placed)  # the same orders, after the day: they count for the next

    with context.database.read() as connection:
        assert _books(connection, parted) == _books(connection, whole)
        for tenant in (whole, parted):
            assert check_ledger(connection, tenant) == []
            assert check_replay(connection, tenant) == []
        released = connection.execute(
            select(func.count()).where(
                t.entries.c.tenant_id == parted, t.entries.c.kind == "release"
            )
        ).scalar_one()
    assert released == MEMBERS  # each member's release once, none of the orders' during the day


def test_orders_reversed_between_a_days_parts_keep_every_yuan(
    api: Api, context: Context, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a refund lands between two parts of a day: before its order's release was paid,
    # after it, between the releases and the accelerations; its claims must pay nothing
    # more, and the books hold and replay as they do for a day run at once
    api.ok(api.put("/v1/zones/g", {"modes": GREEN}))
    body = {"price": "1000.00", "platform": "1000.00", "zone": "g"}
    api.ok(api.put("/v1/products/pack", body))
    for n in range(12):
        api.member(f"m{n}", **({"referrer": f"m{(n - 1) // 2}"} if n else {}))
        api.ok(api.post("/v1/orders", {"id": f"o{n}", "member": f"m{n}", "product": "pack"}))
        api.ok(api.post(f"/v1/orders/o{n}/pay"))
    refunds = iter(["o0", "o3", "o7", "o11", "o5", "o1", "o8"])
    parts = modes.command

    def a_part_then_a_refund(*args: Any, **kwargs: Any) -> Any:
        done = parts(*args, **kwargs)
        order = next(refunds, None)
        if order is not None:
            api.ok(api.post(f"/v1/orders/{order}/reverse"))
        return done

    monkeypatch.setattr(modes, "command", a_part_then_a_refund)
    for _ in range(2):  # the day the refunds land in, and the next
        clock.advance(days=1)
        run_days(context, api.tenant, 2)
    assert next(refunds, None) is None, "the days had fewer parts than refunds"
    with context.database.read() as connection:
        assert_the_books_hold(connection, api.tenant)
        e = t.entries.c
        after = connection.execute(
            select(func.count()).where(
                e.tenant_id == api.tenant,
                e.kind == "release",
                e.cause.like("day:%"),
            )
        ).scalar_one()
    assert after > 0


def test_a_runner_late_for_a_finished_day_leaves_the_next_day_alone(context: Context) -> None:
    """Two machines run a zone's days at once (two ticks at the same moment, catching up
    days): while one is still between parts of a day, the other finishes that day and
    begins the next. The late one's next part found a day under way and ran it, the next
    day's work written under the finished day's name: its part id could be one that day
    had already written (`UNIQUE constraint failed: events.event_id`, found by the
    tenants' random histories on SQLite). It now sees its day is over and stops."""
    tenant = new_tenant(context, "late")
    _before(context, tenant)
    system = Principal(tenant, "system:jobs", Role.OWNER)
    now = context.clock()
    with context.database.read() as connection:
        today: date = day_of(now, tenant_time_zone(connection, tenant))
    yesterday = date.fromordinal(today.toordinal() - 1)
    began = command(context, system, modes._day("g", yesterday))
    assert began is not None
    modes._finish(context, system, "g", yesterday, began, 4)  # the first machine's day
    assert command(context, system, modes._day("g", today)) is not None  # and its next

    def where(connection: Connection) -> tuple[int, str]:
        return _parts(connection, tenant), zone.day_place(SqlModes(connection, tenant), "g")

    with context.database.read() as connection:
        before = where(connection)
        assert zone.under_way(SqlModes(connection, tenant), "g")
    modes._finish(context, system, "g", yesterday, None, 4)  # the late machine's next part
    with context.database.read() as connection:
        assert where(connection) == before  # no part of today's run under yesterday's name
    run_days(context, tenant, 4)
    with context.database.read() as connection:
        assert not zone.under_way(SqlModes(connection, tenant), "g")
        assert check_ledger(connection, tenant) == []
        assert check_replay(connection, tenant) == []
