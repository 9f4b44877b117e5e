"""Checking a lower exit multiple before it is saved (spec 01: "zengzhi lint, or whatever
checks a proposed configuration, says how many positions a lower k would force out and
what they are paid"): the finding names the count and the payout, and saving the change
then pays exactly that."""

from __future__ import annotations

from decimal import Decimal

from tests.service.conftest import Api


def test_a_lower_exit_multiple_says_who_it_forces_out_and_for_what(api: Api) -> None:
    api.pool()  # no forced exit
    for n in (1, 2, 3):
        api.member(f"m{n}")
        api.completed_order(f"o{n}", f"m{n}")
    api.ok(api.post("/v1/pools/main/subsidies", {"id": "x1", "amount": "3000.00"}))
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "150.0000"}))
    live = api.ok(api.get("/v1/config"))
    live["pool"]["exit_multiple"] = "1.2"
    report = api.ok(api.post("/v1/config/lint", {"config": live}))
    [finding] = [one for one in report["findings"] if one["code"] == "pool.exits_now"]
    assert finding["field"] == "pool.exit_multiple"
    message = finding["message"]
    count = int(message.split(": ")[1].split(" ")[0])
    paid = Decimal(message.split("paid ")[1].split(" ")[0])
    assert "1 of them already realized more than the new cap" in message  # m1
    wallets = _wallets(api)
    api.ok(api.patch("/v1/pools/main", {"exit_multiple": "1.2"}))
    after = _wallets(api)
    gained = {m: after[m] - wallets[m] for m in wallets}
    assert sum(1 for value in gained.values() if value) == count == 3
    assert sum(gained.values()) == paid
    assert gained["m1"] > 0  # the sale value of m1's 60 points, not nothing
    # raising it forces no one out: no finding
    live["pool"]["exit_multiple"] = "3"
    report = api.ok(api.post("/v1/config/lint", {"config": live}))
    assert not [one for one in report["findings"] if one["code"] == "pool.exits_now"]


def _wallets(api: Api) -> dict[str, Decimal]:
    return {
        member: Decimal(api.ok(api.get(f"/v1/members/{member}/wallet"))["balance"])
        for member in ("m1", "m2", "m3")
    }
