"""Selling, exits, subsidies, pauses, history and the solvency report, through the API."""

from __future__ import annotations

from tests.service.conftest import Api
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.base import Context


def test_the_sale_example_through_the_api(api: Api) -> None:
    api.pool()
    api.member("m1")
    api.member("m2")
    api.completed_order("o1", "m1")
    api.completed_order("o2", "m2")
    sale = api.ok(api.post("/v1/members/m2/sell", {"id": "s1", "points": "all"}))
    assert (sale["points"], sale["value"], sale["payout"]) == ("147.0000", "247.05", "197.64")
    assert api.ok(api.get("/v1/members/m2/wallet")) == {
        "member": "m2",
        "balance": "197.64",
        "withdrawing": "0.00",
        "debt": "0.00",
        "contribution": "0.00",
        "contribution_debt": "0.00",
    }
    pool = api.ok(api.get("/v1/pools/main"))
    assert (pool["balance"], pool["points"], pool["price"]) == ("402.36", "210.0000", "1.9160")
    [movement] = api.ok(api.get("/v1/members/m2/wallet/history"))
    assert (movement["kind"], movement["cause"], movement["amount"]) == (
        "sale",
        "sell:s1",
        "197.64",
    )
    # the same sale again is applied once; another sale with the same id is refused
    assert api.ok(api.post("/v1/members/m2/sell", {"id": "s1", "points": "all"})) == sale
    assert api.post("/v1/members/m2/sell", {"id": "s1", "points": "1"}).status_code == 409
    refused = api.post("/v1/members/m1/sell", {"id": "s2", "points": "210.0001"})
    assert refused.status_code == 422
    assert refused.json() == {
        "code": "insufficient",
        "field": "points",
        "message": "cannot sell 210.0001 points: m1 holds 210.0000",
    }


def test_a_subsidy_forces_the_exit_at_the_cap(api: Api, context: Context) -> None:
    api.pool(exit_multiple="3")
    api.member("m1")
    api.completed_order("o1", "m1")
    position = api.ok(api.get("/v1/members/m1/positions"))[0]
    assert (position["exit_price"], position["progress"]) == ("14.2857", "10.0%")
    below = api.ok(api.post("/v1/pools/main/subsidies", {"id": "x1", "amount": "2699.99"}))
    assert below["exits"] == []
    at = api.ok(api.post("/v1/pools/main/subsidies", {"id": "x2", "amount": "0.01"}))
    assert at["exits"] == [{"member": "m1", "price": "14.2857", "payout": "2400.00"}]
    assert api.ok(api.get("/v1/members/m1/wallet"))["balance"] == "2400.00"
    assert api.ok(api.get("/v1/members/m1/positions")) == []
    history = api.ok(api.get("/v1/pools/main/history"))
    assert [point["balance"] for point in history] == ["600.00", "2999.99", "300.00", "0.00"]
    with context.database.read() as connection:
        assert check_ledger(connection, api.tenant) == []
        assert check_replay(connection, api.tenant) == []


def test_pause_and_resume_issuance(api: Api) -> None:
    api.pool()
    for member in ("m1", "m2"):
        api.member(member)
    api.completed_order("o1", "m1")
    paused = api.ok(api.post("/v1/pools/main/pause", {"reason": "closing the season"}))
    assert paused["params"]["minting_enabled"] is False
    order = api.completed_order("o2", "m2")
    assert order["points"] == {"main": "0.0000"}
    assert api.ok(api.get("/v1/pools/main"))["balance"] == "600.00"
    api.ok(api.post("/v1/pools/main/resume"))
    assert api.completed_order("o3", "m2")["points"]["main"] != "0.0000"
    pools = [a for a in api.ok(api.get("/v1/audit-log")) if a["action"].startswith("pool.")]
    [resumed, pause, *_] = pools  # (the orders' steps are in the log between them)
    assert (pause["action"], pause["reason"]) == ("pool.pause", "closing the season")
    assert pause["before"]["minting_enabled"] is True and pause["after"]["minting_enabled"] is False
    assert resumed["action"] == "pool.resume"


def test_pool_configuration_is_checked_and_audited(api: Api) -> None:
    api.pool()
    bad = api.patch("/v1/pools/main", {"mint_ratio": "1"})
    assert bad.status_code == 422 and bad.json()["field"] == "mint_ratio"
    assert api.post("/v1/pools", {"id": "main"}).status_code == 409
    changed = api.ok(api.patch("/v1/pools/main", {"exit_multiple": "1.5", "sell_fee": "0.1"}))
    assert (changed["params"]["exit_multiple"], changed["params"]["sell_fee"]) == ("1.5", "0.1")
    off = api.ok(api.patch("/v1/pools/main", {"no_exit": True}))
    assert off["params"]["exit_multiple"] is None
    assert api.ok(api.get("/v1/audit-log"))[0]["action"] == "pool.configure"


def test_solvency_report(api: Api) -> None:
    api.pool(exit_multiple="2")
    for n in range(1, 4):
        api.member(f"m{n}")
        api.completed_order(f"o{n}", f"m{n}")
    api.ok(api.post("/v1/members/m2/sell", {"id": "s1", "points": "100"}))
    report = api.ok(api.get("/v1/solvency"))
    [pool] = report["pools"]
    assert pool["covered"] is True
    assert (
        pool["pool"] == "main" and pool["balance"] == api.ok(api.get("/v1/pools/main"))["balance"]
    )
    wallet = api.ok(api.get("/v1/members/m2/wallet"))["balance"]
    assert report["owed_to_members"] == wallet
    # received 3000 from customers; the pool keeps its balance apart
    cash = 300000 - int(pool["balance"].replace(".", ""))
    assert report["platform_cash"] == f"{cash // 100}.{cash % 100:02d}"
