"""`tick` runs every tenant's due jobs, or only the named tenants' (which is how the tests
that tick many days keep to their own tenant in a database holding every test's). Each
job asks the directory, in one statement, which tenants it has work for: a tenant with
nothing due costs the tick no statement (it cost a dozen transactions a tick)."""

from __future__ import annotations

from tests.service.conftest import Api, Clock, new_tenant, statements_sent
from zengzhi.service.base import Context
from zengzhi.service.jobs import tick


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
    assert len(alone) <= 6  # a probe a job: orders, dividends, zones, rows to forget, ...
    assert len(all_twenty) == len(alone)
