"""Back-test: the live configuration replayed over the recorded history reproduces the live
state exactly; a changed one shows its difference; nothing live is touched. Lint of the
live and of a proposed configuration through the API. On SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from tests.service.conftest import Api, Clock
from zengzhi.cli import app
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.catalog import ProductIn, StoreIn, ZoneIn
from zengzhi.service.config import proposal_with
from zengzhi.service.pools import PoolParamsIn

GIFT = {
    "price": "1000.00",
    "cost": "300.00",
    "distribution": "300.00",
    "platform": "100.00",
    "contribution": "300.00",
    "pool": "main",
}


def a_history(api: Api, clock: Clock) -> None:
    """Two pools, a product and a store, referrals and rewards, orders of each kind,
    sales, a subsidy, a change of exit multiple and a pause, a withdrawal paid, a
    reversal."""
    api.pool(exit_multiple="2")
    api.pool("local", exit_multiple="1.2")
    api.ok(api.put("/v1/products/gift", GIFT))
    store = {"commission_rate": "0.20", "platform_rate": "0.02", "distribution_rate": "0.02"}
    api.member("m0")  # a store's owner is a member (docs/distribution.md)
    api.ok(api.put("/v1/stores/noodles", {**store, "pool": "local", "owner": "m0"}))
    api.ok(api.put("/v1/distribution", {"commission": {"rates": ["0.01", "0.005"]}}))
    modes = {"union": {"funding": "0.5", "lock_days": 0}, "ads": {"ratio": "1", "backed": True}}
    api.ok(api.put("/v1/zones/club", {"modes": modes}))
    api.ok(api.put("/v1/products/pack", {"price": "100.00", "platform": "100.00", "zone": "club"}))
    for n in range(1, 6):
        api.member(f"m{n}", referrer=f"m{n - 1}")
    orders = 0

    def buy(member: str, **what: Any) -> None:
        nonlocal orders
        orders += 1
        clock.advance(hours=1)
        api.ok(api.post("/v1/orders", {"id": f"o{orders}", "member": member, **what}))
        api.ok(api.post(f"/v1/orders/o{orders}/pay"))

    for round_ in range(2):
        for n in range(6):
            buy(f"m{n}", product="gift", quantity=1 + n % 2)
            buy(f"m{n}", store="noodles", amount="500.00")
        buy("m1", amount="200.00", contribution="50.00")
        for n in (1, 2, 3):
            buy(f"m{n}", product="pack")
        task = {"zone": "club", "day": clock.today()}
        api.ok(api.post("/v1/members/m2/tasks", task))
        api.ok(api.post("/v1/members/m2/sell", {"id": f"s{round_}", "points": "20.0000"}))
        if round_ == 0:
            api.ok(api.patch("/v1/pools/main", {"exit_multiple": "2.5"}))
            api.ok(api.post("/v1/pools/local/pause", {"reason": "campaign over"}))
            api.ok(api.post("/v1/pools/local/resume", {}))
    api.ok(api.post("/v1/members/m3/sell", {"id": "s-all", "points": "all", "pool": "local"}))
    api.ok(api.post("/v1/pools/main/subsidies", {"id": "x1", "amount": "40000.00"}))
    api.ok(api.post("/v1/members/m0/withdrawals", {"id": "w1", "amount": "50.00"}))
    api.ok(api.post("/v1/withdrawals/w1/approve"))
    api.ok(api.post("/v1/withdrawals/w1/paid"))
    api.ok(api.post("/v1/orders/o5/reverse"))


def live_state(api: Api) -> dict[str, Any]:
    return {
        path: api.ok(api.get(path))
        for path in ("/v1/pools", "/v1/solvency", "/v1/members/m2/wallet", "/v1/orders")
    }


def no_difference(result: dict[str, Any]) -> None:
    zero = {"0.00", "0.0000", "0"}
    for pool in result["pools"]:
        for name in ("balance", "points", "price", "buyback_cost"):
            assert pool[name]["difference"] in zero, (pool["pool"], name, pool[name])
    for name, figure in result["totals"].items():
        assert figure["difference"] in zero, (name, figure)
    assert (result["members_changed"], result["members"]) == (0, [])


def test_the_live_configuration_reproduces_the_live_state(
    api: Api, clock: Clock, context: Context
) -> None:
    a_history(api, clock)
    live = api.ok(api.get("/v1/config"))
    assert live["pool"]["exit_multiple"] == "2.5" and live["pools"]["local"]["exit_multiple"]
    assert live["products"]["gift"]["contribution"] == "300.00"
    assert live["distribution"]["commission"]["rates"] == ["0.01", "0.005"]
    before = live_state(api)
    result = api.ok(api.post("/v1/backtest", {"config": live}))
    assert result["baseline_matches_live"] is True
    assert (result["changes"], result["skipped"], result["adjusted"]) == ([], 0, 0)
    assert result["events"] > 40
    no_difference(result)
    main = next(pool for pool in result["pools"] if pool["pool"] == "main")
    assert main["balance"]["live"] == before["/v1/pools"][1]["balance"]  # sorted: local, main
    assert int(result["totals"]["exits"]["live"]) > 0
    # an empty proposal changes nothing either: what it leaves out follows the history
    no_difference(api.ok(api.post("/v1/backtest", {"config": {}})))
    assert live_state(api) == before


def test_a_changed_configuration_shows_its_difference_and_touches_nothing(
    api: Api, clock: Clock
) -> None:
    a_history(api, clock)
    live = api.ok(api.get("/v1/config"))
    before = live_state(api)
    events = len(api.ok(api.get("/v1/orders", limit=500)))

    later_exit = copy.deepcopy(live)
    later_exit["pool"]["exit_multiple"] = "3"
    result = api.ok(api.post("/v1/backtest", {"config": later_exit, "top": 3}))
    assert result["changes"] == ["pool main exit_multiple: 2.5 → 3"]
    totals = result["totals"]
    # a higher cap forces out no more members; those out in both (the subsidy's cascade)
    # are each paid up to 3× instead of 2.5×. (The others: the reversal of m2's o5 at the
    # end burns o5's points m2 still holds, and sold ones are charged; since 2026-12-04 a
    # sale takes m2's oldest points, o5's, so fewer are burned than m2 held, and the price
    # it lifts no longer pushes four more members over 3×.)
    assert int(totals["exits"]["proposed"]) <= int(totals["exits"]["live"])
    assert int(totals["exits"]["live"]) > 0
    both = [
        member
        for member in api.ok(api.post("/v1/backtest", {"config": later_exit, "top": 6}))["members"]
        if member["exits"]["live"] == member["exits"]["proposed"] == "1"
    ]
    assert both and all(Decimal(member["received"]["difference"]) > 0 for member in both)
    assert Decimal(totals["liabilities"]["difference"]) != 0
    main = next(pool for pool in result["pools"] if pool["pool"] == "main")
    assert main["balance"]["difference"] != "0.00" and main["price"]["difference"] != "0.0000"
    assert 0 < len(result["members"]) <= 3 <= result["members_changed"]
    first = result["members"][0]
    assert abs(Decimal(first["value"]["difference"])) >= abs(
        Decimal(result["members"][-1]["value"]["difference"])
    )

    richer = copy.deepcopy(live)
    richer["products"]["gift"].update(distribution="200.00", contribution="400.00")
    result = api.ok(api.post("/v1/backtest", {"config": richer}))
    assert result["changes"] == ["product gift: new split"]
    main = next(pool for pool in result["pools"] if pool["pool"] == "main")
    assert main["balance"]["difference"] != "0.00"
    # more points per order: m2's sales bring more, and m2 reaches its (capped) exit with
    # as much less left: every member exits in both runs, so what each receives is equal
    sales, exits = result["totals"]["payouts.sale"], result["totals"]["payouts.exit"]
    assert Decimal(sales["difference"]) > 0
    assert Decimal(exits["difference"]) == -Decimal(sales["difference"])

    generous = copy.deepcopy(live)
    generous["distribution"]["commission"]["rates"] = ["0.05", "0.02"]
    result = api.ok(api.post("/v1/backtest", {"config": generous}))
    assert result["changes"] == ["distribution: the proposed settings from the start"]
    rewards = result["totals"]["payouts.reward"]
    assert Decimal(rewards["proposed"]) > Decimal(rewards["live"]) > 0

    poorer = copy.deepcopy(live)
    poorer["zones"]["club"]["union"]["funding"] = "0.1"  # the union pool fills slower
    result = api.ok(api.post("/v1/backtest", {"config": poorer}))
    assert result["changes"] == ["zone club: the proposed modes from the start"]
    owed = result["totals"]["modes_owed"]
    assert Decimal(owed["proposed"]) > Decimal(owed["live"])  # fewer credits paid
    paid = result["totals"]["payouts.queue_payment"]
    assert Decimal(paid["proposed"]) < Decimal(paid["live"])

    assert live["timezone"] == "Asia/Shanghai"
    elsewhere = api.post("/v1/backtest", {"config": live | {"timezone": "UTC"}})
    assert elsewhere.status_code == 409 and elsewhere.json()["field"] == "config.timezone"
    unsaid = {key: value for key, value in live.items() if key != "timezone"}
    assert api.ok(api.post("/v1/backtest", {"config": unsaid}))["changes"] == []

    assert live_state(api) == before
    assert len(api.ok(api.get("/v1/orders", limit=500))) == events


def test_refusals_and_permissions(api: Api, clock: Clock) -> None:
    api.pool(exit_multiple="2")
    bad = api.post("/v1/backtest", {"config": {"pool": {"mint_ratio": "1.5"}}})
    assert bad.status_code == 422 and bad.json()["field"] == "config.pool.mint_ratio"
    unknown = api.post("/v1/backtest", {"config": {"pool": {"colour": "red"}}})
    assert unknown.status_code == 422 and unknown.json()["field"] == "config.pool.colour"
    viewer = api.as_role("viewer")
    assert api.post("/v1/backtest", {"config": {}}, token=viewer).status_code == 403
    assert (
        api.post("/v1/backtest", {"config": {}}, token=api.as_role("operator")).status_code == 200
    )
    assert api.get("/v1/config/lint", token=viewer).status_code == 200


def test_lint_of_the_live_and_of_a_proposed_configuration(api: Api) -> None:
    api.pool(exit_multiple="2")
    api.ok(api.put("/v1/products/gift", GIFT))
    live = api.ok(api.get("/v1/config/lint"))
    codes = {one["code"] for one in live["findings"]}
    assert {"pool.static_return_above_spend", "pool.exit_far"} <= codes
    assert live["errors"] == 0 and live["warnings"] >= 2
    deep = {"commission": {"rates": ["0.01", "0.01", "0.01", "0.01"], "allow_deep": True}}
    proposed = api.ok(api.post("/v1/config/lint", {"config": {"distribution": deep}}))
    assert proposed["errors"] == 1
    assert proposed["findings"][0]["field"] == "distribution.commission.rates"
    invalid = api.ok(api.post("/v1/config/lint", {"config": {"pool": {"sell_fee": "1"}}}))
    assert [one["code"] for one in invalid["findings"]] == ["config.invalid"]
    malformed = api.post("/v1/config/lint", {"config": {"pools": []}})
    assert malformed.status_code == 422 and malformed.json()["field"] == "config.pools"


def test_the_cli_back_test(api: Api, clock: Clock, context: Context, tmp_path: Path) -> None:
    a_history(api, clock)
    proposal = tmp_path / "proposal.toml"
    proposal.write_text('[pool]\nexit_multiple = "3"\n')
    runner = CliRunner()
    args = ["backtest", api.tenant, "--config", str(proposal), "--database", context.database.url]
    shown = runner.invoke(app, args)
    assert shown.exit_code == 0, shown.output
    assert "equals the live state" in shown.output and "exit_multiple: 2.5 → 3" in shown.output
    as_json = runner.invoke(app, [*args, "--json", "--top", "2"])
    assert as_json.exit_code == 0, as_json.output
    result = json.loads(as_json.stdout)
    assert len(result["members"]) == 2
    assert result["totals"]["payouts.exit"]["difference"] != "0.00"
    bad = tmp_path / "bad.toml"
    bad.write_text('[pool]\nmint_ratio = "1"\n')
    refused = runner.invoke(app, [*args[:3], str(bad), *args[4:]])
    assert refused.exit_code == 1 and "pool.mint_ratio" in refused.stderr
    # the same proposal as JSON (what the console's dry runs hand it), same result
    same = tmp_path / "proposal.json"
    same.write_text(json.dumps({"pool": {"exit_multiple": "3"}}))
    from_json = runner.invoke(app, [*args[:3], str(same), *args[4:], "--json", "--top", "2"])
    assert from_json.exit_code == 0, from_json.output
    assert json.loads(from_json.stdout) == result
    broken = tmp_path / "broken.json"
    broken.write_text('{"pool": ')
    unreadable = runner.invoke(app, [*args[:3], str(broken), *args[4:]])
    assert unreadable.exit_code == 1
    assert "not valid JSON" in " ".join(unreadable.stderr.split())  # however it is wrapped


def test_a_proposal_from_one_change_is_the_live_configuration_with_that_change(
    api: Api, clock: Clock, context: Context
) -> None:
    a_history(api, clock)
    live = api.ok(api.get("/v1/config"))
    owner = Principal(api.tenant, "user:owner", Role.OWNER)

    def proposed(key: str, change: Any) -> dict[str, Any]:
        return proposal_with(context, owner, key, change).config

    same = proposed("gift", ProductIn.model_validate({**GIFT, "name": "Gift box"}))
    assert same == live  # the name is not configuration: nothing changes
    no_difference(api.ok(api.post("/v1/backtest", {"config": same})))
    later = proposed("main", PoolParamsIn(exit_multiple="3"))
    assert later["pool"] == {**live["pool"], "exit_multiple": "3"}
    assert {k: v for k, v in later.items() if k != "pool"} == {
        k: v for k, v in live.items() if k != "pool"
    }
    result = api.ok(api.post("/v1/backtest", {"config": later}))
    assert result["changes"] == ["pool main exit_multiple: 2.5 → 3"]
    local = proposed("local", PoolParamsIn(no_exit=True))
    assert "exit_multiple" not in local["pools"]["local"]
    modes = {"union": {"funding": "0.5", "lock_days": 3}, "ads": {"ratio": "1", "backed": True}}
    zone = proposed("club", ZoneIn.model_validate({"modes": modes}))
    assert zone["zones"]["club"]["union"]["lock_days"] == 3
    assert api.ok(api.post("/v1/backtest", {"config": zone}))["changes"] != []
    store = {"commission_rate": "0.30", "platform_rate": "0.02", "distribution_rate": "0.02"}
    shop = proposed("noodles", StoreIn.model_validate({**store, "pool": "local", "owner": "m0"}))
    assert shop["stores"]["noodles"]["commission_rate"] == "0.30"
    assert api.ok(api.get("/v1/config")) == live  # nothing was changed


def test_the_lint_says_nothing_of_the_main_pool_until_the_tenant_opens_it(api: Api) -> None:
    """The engine always has a pool `main`; a new tenant has only the pools it opened. Its
    first pool p1 (a 2x exit) was checked with "pool.exit_multiple: no forced exit" beside
    it, about the defaults of a pool it does not have (the console's check of a new pool)."""
    api.pool("p1", exit_multiple="2")

    def fields(found: dict[str, Any]) -> set[str]:
        return {one["field"] for one in found["findings"]}

    live = fields(api.ok(api.get("/v1/config/lint")))
    proposal = {"config": {"pools": {"p1": {"exit_multiple": "2"}}}}
    proposed = fields(api.ok(api.post("/v1/config/lint", proposal)))
    for found in (live, proposed):
        assert "pools.p1.exit_multiple" in found  # the pool it has: its 2x exit, 160%
        assert not {field for field in found if field.startswith("pool.")}, found
    api.pool("main")  # opened, with no exit: now it is the tenant's, and said
    assert "pool.exit_multiple" in fields(api.ok(api.get("/v1/config/lint")))
    assert "pool.exit_multiple" in fields(api.ok(api.post("/v1/config/lint", proposal)))
