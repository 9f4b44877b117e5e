"""A pool with no point circulating keeps its last price (spec 01); its history says the
same price as the pool: the chart carried the price from before the event that emptied
the pool (5.2179 beside the card's 415,436.2553 in the demo, found in the browser) and
GET /v1/pools/{id}/history fell back to the opening price (a price falling to 1.0000)."""

from __future__ import annotations

from decimal import Decimal

from tests.service.conftest import Api


def test_the_chart_and_the_history_of_an_emptied_pool_say_the_pool_s_price(api: Api) -> None:
    api.pool(exit_multiple="2")
    api.member("a")
    api.completed_order("o-1", "a", amount="100.00", contribution="30.00")
    before = api.ok(api.get("/v1/pools/main"))["price"]
    exits = api.ok(api.post("/v1/pools/main/subsidies", {"id": "s-1", "amount": "5000.00"}))
    assert [one["member"] for one in exits["exits"]] == ["a"]
    pool = api.ok(api.get("/v1/pools/main"))
    assert pool["points"] == "0.0000" and pool["price"] != before  # the exit's price, kept
    chart = api.ok(api.get("/v1/pools/main/chart"))["samples"]
    assert chart[-1]["points"] == "0.0000" and chart[-1]["price"] == pool["price"]
    history = api.ok(api.get("/v1/pools/main/history"))
    assert history[0]["points"] == "0.0000" and history[0]["price"] == pool["price"]
    # the price never falls along either
    prices = [Decimal(one["price"]) for one in chart]
    assert prices == sorted(prices)
