"""Spec 03 with a parameter changed part-way through a story, and a reversal at each
point of it: the figures come from the spec's words and docs/modes.md's recorded
choices, not from what the code printed."""

from __future__ import annotations

from tests.unit.rules.test_modes_examples import Modes, paid
from zengzhi.core.events import ConfigureZone, ReverseOrder

FOUR = ["0.10", "0.20", "0.30", "0.40"]


def refunds(tenant: Modes, *members: str) -> list[list[tuple[str, str]]]:
    return [paid(tenant.buy(member, "1000.00", "g"), "refund") for member in members]


def test_a_longer_schedule_counts_cycles_by_its_own_length() -> None:
    """03-modes.md:64-69 and 188-189: a referred member counts once a cycle; docs/modes.md:
    a schedule changed mid-cycle applies to the places filled from then on, counted where
    the cycle stands. B, C, D, E fill places 1-4 under 10/20/70 (E's is the 4th: 100);
    the schedule becomes four rates, so places 1-4 are now the first cycle, E's included,
    and the second cycle is places 5-8. E buying again is E's first purchase of the
    second cycle: it takes place 5 (10%), and F, G, H take 6-8 (20%, 30%, 40%)."""
    tenant = Modes(
        {"g": {"refer_three": {"backed": True}}}, ("A", None), *[(name, "A") for name in "BCDEFGH"]
    )
    tenant.buy("A", "1000.00", "g")
    assert refunds(tenant, *"BCDE") == [
        [("A", "100.00")],
        [("A", "200.00")],
        [("A", "700.00")],
        [("A", "100.00")],
    ]
    tenant.apply(ConfigureZone("longer", "g", {"refer_three": {"schedule": FOUR, "backed": True}}))
    assert refunds(tenant, "E", "F", "G", "H") == [
        [("A", "100.00")],
        [("A", "200.00")],
        [("A", "300.00")],
        [("A", "400.00")],
    ]
    tenant.sound()


def test_a_referral_reversed_after_the_schedule_changed_frees_its_member() -> None:
    """03-modes.md:174 (a reversed referee purchase no longer holds a place in the
    referrer's cycle) with the schedule changed between the purchase and its reversal.
    B, C, D, E fill places 1-4 under 10/20/70; the schedule becomes four rates (places 1-4
    are the first cycle); E's order is reversed: its 100 is taken back and place 4 is
    free. E buys again: E holds no place in the first cycle now, so E takes place 4 and
    is paid its rate, 40%; and again: E's first purchase of the second cycle, place 5,
    10%."""
    tenant = Modes(
        {"g": {"refer_three": {"backed": True}}}, ("A", None), *[(name, "A") for name in "BCDE"]
    )
    tenant.buy("A", "1000.00", "g")
    tenant.buy("B", "1000.00", "g")
    tenant.buy("C", "1000.00", "g")
    tenant.buy("D", "1000.00", "g")
    tenant.buy("E", "1000.00", "g", order_id="e1")
    tenant.apply(ConfigureZone("longer", "g", {"refer_three": {"schedule": FOUR, "backed": True}}))
    tenant.apply(ReverseOrder("undo-e1", "e1"))
    assert tenant.wallet("A") == "1000.00"  # 100 + 200 + 700; E's 100 taken back
    assert refunds(tenant, "E") == [[("A", "400.00")]]
    assert refunds(tenant, "E") == [[("A", "100.00")]]
    tenant.sound()


def test_a_shorter_schedule_counts_cycles_by_its_own_length() -> None:
    """The other way: under four rates B, C fill places 1-2; the schedule becomes two
    rates (50%, 50%): places 1-2 were a whole cycle, so B buying again is B's first
    purchase of the second cycle (place 3, 50%)."""
    tenant = Modes(
        {"g": {"refer_three": {"schedule": FOUR, "backed": True}}},
        ("A", None),
        *[(name, "A") for name in "BC"],
    )
    tenant.buy("A", "1000.00", "g")
    assert refunds(tenant, "B", "C") == [[("A", "100.00")], [("A", "200.00")]]
    halves = {"refer_three": {"schedule": ["0.5", "0.5"], "backed": True}}
    tenant.apply(ConfigureZone("shorter", "g", halves))
    assert refunds(tenant, "B") == [[("A", "500.00")]]
    tenant.sound()


def test_a_green_order_keeps_its_daily_release_when_the_zone_changes() -> None:
    """03-modes.md:108-110 (each order releases 1.2% of that order's amount) with `daily`
    changed to 2% (docs/modes.md, a zone's parameters changed part-way): the 3,000 order
    made before keeps 36 a day, a 3,000 order made after releases 60."""
    tenant = Modes({"g": {"green": {"backed": True}}})
    tenant.buy("A", "3000.00", "g")
    assert paid(tenant.day("g", 1), "release") == [("A", "36.00")]
    tenant.apply(ConfigureZone("faster", "g", {"green": {"daily": "0.02", "backed": True}}))
    tenant.buy("B", "3000.00", "g", day=1)
    assert paid(tenant.day("g", 2), "release") == [("A", "36.00"), ("B", "60.00")]
    tenant.sound()


def test_an_ad_task_releases_the_percent_of_the_moment() -> None:
    """03-modes.md:81: 1% of the ad-point balance, read when the task is done: changed to
    2% before the task, 1,000 points release 20."""
    tenant = Modes({"a": {"ads": {"ratio": "1", "backed": True}}})
    tenant.buy("A", "1000.00", "a")
    settings = {"ads": {"ratio": "1", "percent": "0.02", "backed": True}}
    tenant.apply(ConfigureZone("more", "a", settings))
    assert paid(tenant.task("A", "a", 1), "release") == [("A", "20.00")]


def test_a_shortened_union_lock_does_not_let_a_newer_credit_pass() -> None:
    """03-modes.md:120-126: the credit joins a first-in, first-out queue. A joins under a
    15-day lock; the lock becomes 0 and B joins the next day: B waits behind A (docs/
    modes.md: static releases never pass a locked credit), and both are paid on A's 15th
    day, A first."""
    tenant = Modes({"u": {"union": {"funding": "1", "lock_days": 15}}})
    tenant.buy("A", "100.00", "u")
    tenant.apply(ConfigureZone("shorter", "u", {"union": {"funding": "1", "lock_days": 0}}))
    assert paid(tenant.buy("B", "100.00", "u", day=1), "queue_payment") == []
    for n in range(2, 15):
        assert paid(tenant.day("u", n), "queue_payment") == []
    assert paid(tenant.day("u", 15), "queue_payment") == [("A", "100.00"), ("B", "100.00")]
    tenant.sound()


def test_a_referral_whose_refund_rounds_to_nothing_gives_its_place_back_when_reversed() -> None:
    """03-modes.md:64-68 with the base the referee's order, 174 (a reversed referee
    purchase no longer holds a place in the referrer's cycle) and 04-platform.md:128-129
    (payouts round down). B's 0.01 order takes the 1st place: 10% of it rounds down to
    nothing. B's order is reversed: the place is free again, so C's 1000 takes the 1st
    place, 10% (100), not the 2nd; and B, counted once a cycle, may count again."""
    tenant = Modes(
        {"g": {"refer_three": {"base": "order", "backed": True}}},
        ("A", None),
        *[(name, "A") for name in "BCD"],
    )
    tenant.buy("A", "1000.00", "g")
    assert paid(tenant.buy("B", "0.01", "g", order_id="tiny"), "refund") == []
    tenant.apply(ReverseOrder("undo-tiny", "tiny"))
    assert refunds(tenant, "C", "B", "D") == [
        [("A", "100.00")],
        [("A", "200.00")],
        [("A", "700.00")],
    ]
    tenant.sound()


def test_a_referral_whose_refund_rounds_to_nothing_keeps_its_place() -> None:
    """The same 0.01 order, not reversed: it is the 1st referral (its refund, 10% of 0.01,
    rounds down to nothing), so the next referrals are the 2nd and 3rd."""
    tenant = Modes(
        {"g": {"refer_three": {"base": "order", "backed": True}}},
        ("A", None),
        *[(name, "A") for name in "BCD"],
    )
    tenant.buy("A", "1000.00", "g")
    tenant.buy("B", "0.01", "g")
    assert refunds(tenant, "C", "D") == [[("A", "200.00")], [("A", "700.00")]]
    tenant.sound()
