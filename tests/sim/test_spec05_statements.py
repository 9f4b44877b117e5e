"""Spec 05 statements checked on a run, with figures from spec 01's worked example (the
simulator runs the same engine, so three identical orders of 1000 / 300 on day 0 are
the spec's table) and events on given days (05:124: subsidies and pauses; 01:31)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zengzhi.sim.run import simulate
from zengzhi.sim.scenario import load_scenario


def _run(events: list[dict[str, Any]], days: int = 8) -> list[dict[str, Any]]:
    scenario = load_scenario(
        {
            "simulation": {"days": days, "seed": 3},
            "tenant": {"pool": {}},
            "flow": {
                "orders_per_day": 3,
                "amount_min": "1000.00",
                "amount_max": "1000.00",
                "contribution_share": "0.30",
            },
            "members": {"new_share": "1"},
            "events": events,
        }
    )
    return simulate(scenario).days


def test_the_first_day_is_spec_01s_three_orders() -> None:
    """01:84-88: three orders of 1000 with 300 each mint 210 + 147 + 124.95 = 481.95
    points; B 900.00, price 1.8674 (05:113: the same engine code)."""
    first = _run([], days=1)[0]
    assert Decimal(first["points_minted"]) == Decimal("481.9500")
    assert Decimal(first["pool"]) == Decimal("900.00")
    assert first["price"] == "1.8674"
    assert Decimal(first["contributions"]) == Decimal("900.00")
    assert Decimal(first["spend"]) == Decimal("3000.00")


def test_a_subsidy_and_a_pause_on_their_days() -> None:
    """05:124 and 01:31: a subsidy of 500 on day 2 is that day's subsidy; a pause from day
    4 mints no points while contributions keep arriving (900 a day) and the price keeps
    rising; minting resumes on day 6."""
    days = _run(
        [
            {"day": 2, "subsidy": "500.00"},
            {"day": 4, "pause": True},
            {"day": 6, "pause": False},
        ]
    )
    assert [Decimal(day["subsidies"]) for day in days] == [0, 0, 500, 0, 0, 0, 0, 0]
    minted = [Decimal(day["points_minted"]) for day in days]
    assert minted[4] == minted[5] == 0
    assert all(minted[n] > 0 for n in (0, 1, 2, 3, 6, 7))
    assert all(Decimal(day["contributions"]) == Decimal("900.00") for day in days)
    prices = [Decimal(day["price"]) for day in days]
    assert prices == sorted(prices) and prices[5] > prices[3]


def test_a_mint_ratio_changed_on_a_day_prices_that_days_orders() -> None:
    """05:124 (parameters on given days) with 01:63-67: m = 0 from day 1 mints nothing
    and the contributions still land (B grows by 900 a day, S stays 481.95)."""
    days = _run([{"day": 1, "configure": {"mint_ratio": "0"}}], days=3)
    assert [Decimal(day["points_minted"]) for day in days] == [Decimal("481.9500"), 0, 0]
    assert [Decimal(day["pool"]) for day in days] == [900, 1800, 2700]
    assert Decimal(days[2]["points"]) == Decimal("481.9500")
