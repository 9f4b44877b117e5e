"""`tick` runs every tenant's due jobs, or only the named tenants' (which is how the tests
that tick many days keep to their own tenant in a database holding every test's). Each
job asks the directory, in one statement, which tenants it has work for: a tenant with
nothing due costs the tick no statement (it cost a dozen transactions a tick)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, insert

from tests.service.conftest import Api, Clock, new_tenant, statements_sent
from tests.service.test_distribution import _stars_for_a_and_b
from tests.service.test_modes import _days_begun, zone
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.events import PayDividend
from zengzhi.engine.engine import Engine
from zengzhi.rules.modes import green
from zengzhi.service.base import Context
from zengzhi.service.jobs import tick
from zengzhi.store import tables as t
from zengzhi.store.modes import tenants_with_days_due


def paid_order(api: Api) -> None:
    api.pool()
    api.ok(api.put("/v1/tenant/settings", {"completion_delay_seconds": 86_400}))
    api.member("m1")
    body = {"id": "o1", "member": "m1", "amount": "100.00", "contribution": "30.00"}
    api.ok(api.post("/v1/orders", body))
    assert api.ok(api.post("/v1/orders/o1/pay"))["status"] == "paid"


def test_tick_runs_the_named_tenants_only(
    api: Api, other: Api, context: Context, clock: Clock
) -> None:
    paid_order(api)
    paid_order(other)
    clock.advance(days=2)
    reports = tick(context, [api.tenant])
    assert {(report.tenant, report.job) for report in reports} == {(api.tenant, "complete_orders")}
    assert api.ok(api.get("/v1/orders/o1"))["status"] == "completed"
    assert other.ok(other.get("/v1/orders/o1"))["status"] == "paid"
    everyone = {(report.tenant, report.job): report for report in tick(context)}
    assert everyone[other.tenant, "complete_orders"].done == 1  # every tenant's due work
    assert api.tenant not in {tenant for tenant, _ in everyone}  # it has nothing due now
    assert other.ok(other.get("/v1/orders/o1"))["status"] == "completed"


def statements_of_a_tick(context: Context, tenants: set[str]) -> list[str]:
    with statements_sent(context) as sent:
        assert tick(context, tenants) == []  # nothing is due: nothing runs, nothing reports
    return [statement for statement in sent if statement != "BEGIN"]  # SQLite's


def test_a_tenant_with_nothing_due_costs_the_tick_no_statement(context: Context) -> None:
    one = {new_tenant(context, "idle")}
    many = one | {new_tenant(context, "idle") for _ in range(19)}
    alone, all_twenty = statements_of_a_tick(context, one), statements_of_a_tick(context, many)
    # a probe a job: orders, dividends, zones (two: the time zones, then the days due),
    # rows to forget, ...
    assert len(alone) <= 7
    assert len(all_twenty) == len(alone)


def test_a_zones_day_is_visited_once_a_day_where_its_tenant_is(
    api: Api, other: Api, context: Context, clock: Clock
) -> None:
    """The tick visited every tenant with a zone, every minute, whether a day was due or
    not. It now asks the directory for the zones whose day is due in their tenant's time
    zone (or under way), and leaves the others alone, at no statement of theirs."""
    settings = other.ok(other.get("/v1/tenant"))["settings"]
    other.ok(other.put("/v1/tenant/settings", settings | {"timezone": "UTC"}))
    for tenant in (api, other):
        zone(tenant, "z", {"refer_three": {"funding": "0.05"}})  # work every day
        zone(tenant, "ads", {"ads": {"ratio": "1.1", "backed": True}})  # none of its own
    both = {api.tenant, other.tenant}

    def visited() -> set[str]:
        return {report.tenant for report in tick(context, both) if report.job == "mode_days"}

    assert visited() == both  # each zone's first day, today
    assert visited() == set()  # ran today, in both time zones
    assert len(statements_of_a_tick(context, both)) == len(statements_of_a_tick(context, set()))
    clock.now = clock.now.replace(hour=16, minute=1)  # 00:01 of the 22nd in Shanghai
    assert visited() == {api.tenant}  # 16:01 of the 21st in UTC: not yet
    assert visited() == set()
    clock.advance(hours=8)  # 00:01 of the 22nd in UTC
    assert visited() == {other.tenant}
    days = [("z", "2026-11-21"), ("z", "2026-11-22")]
    assert _days_begun(context, api.tenant) == _days_begun(context, other.tenant) == days

    # a day stopped part-way is found whatever the date, until it is done
    c = t.mode_counters.c
    phase = {"tenant_id": other.tenant, "zone": "z", "mode": green.MODE, "key": green.PHASE}
    with context.database.write() as connection:
        connection.execute(insert(t.mode_counters).values(**phase, value=1))
    with context.database.read() as connection:
        assert tenants_with_days_due(connection, clock.now, both) == [other.tenant]
    with context.database.write() as connection:
        connection.execute(delete(t.mode_counters).where(*(c[k] == v for k, v in phase.items())))
    with context.database.read() as connection:
        assert tenants_with_days_due(connection, clock.now, both) == []


def test_a_dividend_plan_is_visited_until_its_run_is_paid(
    api: Api, other: Api, context: Context, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every tenant with a dividend plan was run at every tick, a transaction a plan, for
    runs paid at the day's first tick. The tick now asks which tenants' logs lack a plan's
    run for its last finished period: due at the day's first tick, again when a plan is
    added or its run was refused (reported, then tried again), and not otherwise."""
    both = {api.tenant, other.tenant}
    for shop in (api, other):
        _stars_for_a_and_b(shop)
        shop.completed_order("o1", "b", amount="1000.00", contribution="0.00")

    def dividends() -> dict[str, tuple[int, list[str]]]:
        return {
            report.tenant: (report.done, report.failed)
            for report in tick(context, both)
            if report.job == "dividends"
        }

    refusing = True
    real = Engine._dividend

    def refuse_once(engine: Engine, ledger: Any, event: PayDividend) -> None:
        if refusing and event.id.startswith("dividend:stars:"):
            raise DomainError(ErrorCode.INVALID, "the distribution account is short", "plan")
        real(engine, ledger, event)

    monkeypatch.setattr(Engine, "_dividend", refuse_once)
    clock.advance(days=1)
    yesterday = date.fromisoformat(clock.today()) - timedelta(days=1)
    run = f"dividend:stars:{yesterday.isoformat()}"
    assert dividends() == {api.tenant: (0, [run]), other.tenant: (0, [run])}
    assert dividends() == {api.tenant: (0, [run]), other.tenant: (0, [run])}  # tried again
    refusing = False
    assert dividends() == {api.tenant: (1, []), other.tenant: (1, [])}
    assert dividends() == {}  # paid: left alone
    # at one statement more than a tick of tenants without plans (their runs looked up in
    # their logs), the same for one tenant as for two
    alone = statements_of_a_tick(context, {api.tenant})
    assert len(statements_of_a_tick(context, both)) == len(alone)
    assert len(alone) == len(statements_of_a_tick(context, set())) + 1
    assert api.ok(api.get("/v1/members/a/wallet"))["balance"] == "100.00"

    plans = [{"name": "stars", "share": "0.10", "min_level": 1}]
    plans.append({"name": "moons", "share": "0.05", "min_level": 1, "schedule": "monthly"})
    levels = [{"performance": "100.00", "rate": "0"}]
    api.ok(api.put("/v1/distribution", {"team": {"levels": levels}, "dividends": plans}))
    assert dividends() == {api.tenant: (1, [])}  # the plan added: its last month's run
    assert dividends() == {}
    clock.advance(days=1)
    assert dividends() == {api.tenant: (1, []), other.tenant: (1, [])}  # stars, once a day
    assert api.ok(api.get("/v1/members/a/wallet"))["balance"] == "100.00"  # no turnover
