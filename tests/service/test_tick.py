"""`tick` runs every tenant's due jobs, or only the named tenants' (which is how the tests
that tick many days keep to their own tenant in a database holding every test's)."""

from __future__ import annotations

from tests.service.conftest import Api, Clock
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
    assert {report.tenant for report in reports} == {api.tenant}
    assert api.ok(api.get("/v1/orders/o1"))["status"] == "completed"
    assert other.ok(other.get("/v1/orders/o1"))["status"] == "paid"
    everyone = tick(context)
    assert {api.tenant, other.tenant} <= {report.tenant for report in everyone}
    assert other.ok(other.get("/v1/orders/o1"))["status"] == "completed"
