"""Spec 04:51-53 through the HTTP API: the return window is configurable per zone."""

from __future__ import annotations

from tests.service.conftest import Api, Clock
from zengzhi.service.base import Context
from zengzhi.service.jobs import tick


def test_a_zones_return_window_holds_an_order_that_names_the_zone(
    api: Api, context: Context, clock: Clock
) -> None:
    """04:51-53: `completion_delay` is configurable per zone. Zone `z` keeps a 7-day return
    window (the tenant's is 0); an order given by its amount with `"zone": "z"` is paid and
    waits 7 days, as an order of one of z's products does, then the job completes it."""
    api.pool()
    api.ok(api.put("/v1/zones/z", {"completion_delay_seconds": 7 * 86_400}))
    api.member("m1")
    body = {"id": "o1", "member": "m1", "amount": "100.00", "contribution": "30.00", "zone": "z"}
    api.ok(api.post("/v1/orders", body))
    paid = api.ok(api.post("/v1/orders/o1/pay"))
    assert paid["status"] == "paid" and paid["due_at"].startswith("2026-11-28T09:00")
    assert api.ok(api.get("/v1/pools/main"))["points"] == "0.0000"  # nothing before
    clock.advance(days=7)
    tick(context, [api.tenant])
    assert api.ok(api.get("/v1/orders/o1"))["status"] == "completed"
    assert api.ok(api.get("/v1/pools/main"))["points"] == "21.0000"
