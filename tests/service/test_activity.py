"""The dashboard's figures: the day's activity and the price chart."""

from __future__ import annotations

from tests.service.conftest import Api, Clock


def test_the_days_activity_counts_what_happened_since_midnight(api: Api, clock: Clock) -> None:
    api.pool(exit_multiple="1.2")
    api.member("m1")
    api.member("m2")
    api.completed_order("yesterday", "m1")
    clock.advance(days=1)
    api.completed_order("o1", "m1", amount="500.00", contribution="150.00")
    api.completed_order("o2", "m2")
    sale = api.ok(api.post("/v1/members/m2/sell", {"id": "s1", "points": "10"}))
    subsidy = api.ok(api.post("/v1/pools/main/subsidies", {"id": "x1", "amount": "3000.00"}))
    exits = subsidy["exits"]
    assert exits  # the subsidy forced someone out
    api.ok(api.post("/v1/members/m2/withdrawals", {"id": "w1", "amount": "20.00"}))
    api.ok(api.post("/v1/withdrawals/w1/approve"))
    api.ok(api.post("/v1/withdrawals/w1/paid"))
    today = api.ok(api.get("/v1/activity"))
    # midnight in the tenant's time zone (Asia/Shanghai by default) is 16:00 UTC
    assert today["since"] == "2026-11-21T16:00:00Z"
    assert today["orders"] == {"count": 2, "amount": "1500.00"}
    assert today["sales"] == {"count": 1, "amount": sale["payout"]}
    paid = sum(int(e["payout"].replace(".", "")) for e in exits)
    assert today["exits"] == {"count": len(exits), "amount": f"{paid // 100}.{paid % 100:02d}"}
    assert today["withdrawals_paid"] == {"count": 1, "amount": "20.00"}
    assert today["subsidies"] == {"count": 1, "amount": "3000.00"}
    both_days = api.ok(api.get("/v1/activity", since="2026-11-21T00:00:00+00:00"))
    assert both_days["orders"] == {"count": 3, "amount": "2500.00"}
    naive = api.get("/v1/activity", since="2026-11-21T00:00:00")
    assert naive.status_code == 422 and naive.json()["field"] == "since"


def test_the_chart_has_every_change_or_an_even_sample(api: Api, clock: Clock) -> None:
    api.pool()
    api.member("m1")
    [opened] = api.ok(api.get("/v1/pools/main/chart"))["samples"]  # the pool opened empty
    assert (opened["balance"], opened["points"], opened["price"]) == ("0.00", "0.0000", "1.0000")
    for n in range(30):
        clock.advance(hours=1)
        api.completed_order(f"o{n}", "m1", amount="100.00", contribution="30.00")
    every = api.ok(api.get("/v1/pools/main/chart"))["samples"]
    history = api.ok(api.get("/v1/pools/main/history", limit=100))
    assert [s["seq"] for s in every] == [h["seq"] for h in reversed(history)]
    assert [s["price"] for s in every] == [h["price"] for h in reversed(history)]
    sampled = api.ok(api.get("/v1/pools/main/chart", samples=5))["samples"]
    assert len(sampled) == 5
    assert sampled[0]["seq"] == every[0]["seq"] and sampled[-1]["seq"] == every[-1]["seq"]
    prices = [s["price"] for s in sampled]
    assert prices == sorted(prices)  # never falls
    window = api.ok(
        api.get(
            "/v1/pools/main/chart",
            start=every[10]["at"].replace("Z", "+00:00"),
            end=every[19]["at"].replace("Z", "+00:00"),
        )
    )["samples"]
    # the change before the window (where the line enters it), then the ten inside
    assert [s["seq"] for s in window] == [s["seq"] for s in every[9:20]]
    assert window[0]["at"] == window[1]["at"]  # drawn from the window's start
    missing = api.get("/v1/pools/nope/chart")
    assert missing.status_code == 404 and missing.json()["field"] == "pool"
