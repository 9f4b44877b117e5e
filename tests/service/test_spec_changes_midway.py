"""Spec 03 statements with a parameter changed part-way, through the HTTP API on both
databases (the mode's counters kept in SQL), and the log replaying to the same state."""

from __future__ import annotations

from tests.service.conftest import Api
from tests.service.test_modes import buy, clean, product, wallet, zone
from zengzhi.service.base import Context


def test_refer_three_counts_cycles_by_a_changed_schedules_length(
    api: Api, context: Context
) -> None:
    """03-modes.md:64-69, 188-189 (a referred member counts once a cycle) and docs/
    modes.md (a schedule changed mid-cycle counts from where the cycle stands): B, C, D,
    E refund A 100, 200, 700, 100 under 10/20/70; the schedule becomes 10/20/30/40, so
    places 1-4 were the first cycle and E, buying again, opens the second (100); F, G
    and H follow (200, 300, 400). E's second order is reversed: its 100 is taken back and
    E, buying a third time, takes the freed 5th place again (100)."""
    zone(api, "gifts", {"refer_three": {"backed": True}})
    product(api, "package", "1000.00", "gifts")
    api.member("A")
    for name in "BCDEFGH":
        api.member(name, referrer="A")
    buy(api, "oA", "A", "package")
    seen = []
    for name in "BCDE":
        buy(api, f"o{name}", name, "package")
        seen.append(wallet(api, "A"))
    assert seen == ["100.00", "300.00", "1000.00", "1100.00"]
    four = ["0.10", "0.20", "0.30", "0.40"]
    zone(api, "gifts", {"refer_three": {"schedule": four, "backed": True}})
    seen = []
    for n, name in enumerate("EFGH"):
        buy(api, f"o{name}{n}", name, "package")
        seen.append(wallet(api, "A"))
    assert seen == ["1200.00", "1400.00", "1700.00", "2100.00"]
    api.ok(api.post("/v1/orders/oE0/reverse"))
    assert wallet(api, "A") == "2000.00"
    buy(api, "oE-again", "E", "package")
    assert wallet(api, "A") == "2100.00"
    clean(api, context)
