"""The companion modes on the way back (spec 03, "Refunds, reserves and ends"; issue 14,
items 10-17): a reversal undoes what the order caused and nothing else, whichever of two
related orders is reversed first; reserves hold money, not debts; an ended mode keeps
paying; no release is silently dropped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.unit.rules.test_modes_examples import Modes, at, paid
from zengzhi.core import accounts
from zengzhi.core.events import CompleteOrder, OrderLine, ReverseOrder, Withdraw
from zengzhi.core.ledger import CNY
from zengzhi.rules.modes.zone import liabilities

Balances = dict[tuple[str, str], int]


def balances(tenant: Modes) -> Balances:
    found: Balances = tenant.state.ledger.balances  # type: ignore[attr-defined]
    return {key: amount for key, amount in found.items() if amount}


def in_both_orders(make: Callable[[], Modes], first: str, second: str) -> Balances:
    """Reverse two orders one way and the other, on two copies of one history: the
    balances must be the same, and are returned."""
    ends = []
    for one, two in ((first, second), (second, first)):
        tenant = make()
        tenant.apply(ReverseOrder(f"r-{one}", one))
        tenant.apply(ReverseOrder(f"r-{two}", two))
        tenant.sound()
        ends.append(balances(tenant))
    assert ends[0] == ends[1]
    return ends[0]


# ---------------------------------------------------------------------------- A


def gifts(**settings: Any) -> dict[str, Any]:
    return {"gifts": {"refer_three": {"funding": "1"} | settings}}


def test_a_refunded_package_earns_no_more_refunds_and_gives_back_what_it_earned() -> None:
    tenant = Modes(gifts(), ("A", None), ("B", "A"), ("C", "A"))
    tenant.buy("A", "1000.00", "gifts", order_id="package")
    assert paid(tenant.buy("B", "1000.00", "gifts"), "refund") == [("A", "100.00")]
    tenant.apply(ReverseOrder("r1", "package"))
    assert tenant.wallet("A") == "0.00"  # the 100 was the package's price coming back
    assert paid(tenant.buy("C", "1000.00", "gifts"), "refund") == []  # no longer 消费商
    tenant.buy("A", "500.00", "gifts", order_id="again")  # a new package: a new cycle
    assert paid(tenant.buy("C", "1000.00", "gifts"), "refund") == [("A", "50.00")]
    tenant.sound()


def test_a_counts_people_once_a_cycle_by_default() -> None:
    people = Modes(gifts(), ("A", None), ("B", "A"), ("C", "A"))
    purchases = Modes(gifts(count="purchases"), ("A", None), ("B", "A"), ("C", "A"))
    for tenant in (people, purchases):
        tenant.buy("A", "1000.00", "gifts")
    assert paid(people.buy("B", "1000.00", "gifts"), "refund") == [("A", "100.00")]
    assert paid(people.buy("B", "1000.00", "gifts"), "refund") == []  # B counted already
    assert paid(people.buy("C", "1000.00", "gifts"), "refund") == [("A", "200.00")]
    assert paid(purchases.buy("B", "1000.00", "gifts"), "refund") == [("A", "100.00")]
    assert paid(purchases.buy("B", "1000.00", "gifts"), "refund") == [("A", "200.00")]


def test_a_reversed_referral_gives_its_place_back() -> None:
    tenant = Modes(gifts(), ("A", None), *[(name, "A") for name in "BCDEF"])
    tenant.buy("A", "1000.00", "gifts")
    for name in "BCD":
        tenant.buy(name, "1000.00", "gifts", order_id=name)
    assert tenant.wallet("A") == "1000.00"
    tenant.apply(ReverseOrder("r1", "C"))
    assert tenant.wallet("A") == "800.00"  # C's 200 taken back
    assert paid(tenant.buy("E", "1000.00", "gifts"), "refund") == [("A", "200.00")]  # 2nd place
    assert paid(tenant.buy("F", "1000.00", "gifts"), "refund") == [("A", "100.00")]  # 4th
    tenant.sound()


def test_a_package_and_a_referral_reversed_in_either_order_end_the_same() -> None:
    def make() -> Modes:
        tenant = Modes(gifts(), ("A", None), ("B", "A"), ("C", "A"))
        tenant.buy("A", "1000.00", "gifts", order_id="package")
        tenant.buy("B", "1000.00", "gifts", order_id="b")
        tenant.buy("C", "1000.00", "gifts", order_id="c")
        return tenant

    end = in_both_orders(make, "package", "b")
    assert end.get((accounts.wallet("A"), CNY), 0) == 0


def test_a_refund_waits_whole_when_the_zone_says_so() -> None:
    settings = {"funding": "0.04"}  # 40 + 40 in the reserve when B's refund of 100 is due
    whole = Modes(gifts(**settings, partial=False), ("A", None), ("B", "A"))
    part = Modes(gifts(**settings), ("A", None), ("B", "A"))
    for tenant in (whole, part):
        tenant.buy("A", "1000.00", "gifts")
    assert paid(whole.buy("B", "1000.00", "gifts"), "refund") == []
    assert paid(part.buy("B", "1000.00", "gifts"), "refund") == [("A", "80.00")]


# ---------------------------------------------------------------------------- B


def test_b_a_reversed_gift_takes_back_the_release_and_the_uplines_shares() -> None:
    zones = {"ads": {"ads": {"ratio": "1", "backed": True}}}
    tenant = Modes(zones, ("r2", None), ("r1", "r2"), ("m", "r1"))
    tenant.buy("m", "1000.00", "ads", order_id="o1")
    tenant.task("m", "ads", 0)
    assert (tenant.wallet("m"), tenant.wallet("r1"), tenant.wallet("r2")) == (
        "10.00",
        "2.00",
        "1.00",
    )
    tenant.apply(ReverseOrder("r", "o1"))
    assert (tenant.wallet("m"), tenant.wallet("r1"), tenant.wallet("r2")) == (
        "0.00",
        "0.00",
        "0.00",
    )
    assert tenant.held("m", "ads", "ads", "AD") == "0.0000"
    tenant.sound()


# ---------------------------------------------------------------------------- E


def union(**settings: Any) -> dict[str, Any]:
    return {"u": {"union": {"funding": "0.3", "lock_days": 15} | settings}}


def test_e_a_credit_and_the_referee_order_that_paid_it_reverse_in_either_order() -> None:
    def make() -> Modes:
        tenant = Modes(union(), ("A", None), ("B", "A"))
        tenant.buy("A", "100.00", "u", order_id="a")
        assert paid(tenant.buy("B", "100.00", "u", order_id="b"), "queue_payment") == [
            ("A", "20.00")
        ]
        return tenant

    end = in_both_orders(make, "a", "b")
    assert end.get((accounts.wallet("A"), CNY), 0) == 0
    assert end.get((accounts.debt("A"), CNY), 0) == 0
    assert end.get((accounts.mode_issued("u", "union"), "UNION:u"), 0) == 0  # owes no one
    # the funding of both orders stays in the union pool: money, backing the mode
    assert end[(accounts.mode_reserve("u", "union"), CNY)] == 6_000


def test_e_a_dynamic_release_larger_than_the_oldest_credit_goes_on_to_the_next() -> None:
    tenant = Modes(union(funding="1"), ("A", None), ("B", "A"))
    tenant.buy("A", "50.00", "u")
    tenant.buy("A", "100.00", "u")
    releases = paid(tenant.buy("B", "1000.00", "u"), "queue_payment")
    # 20% of 1000 = 200: 50 to the first credit, 100 to the second; 50 finds no credit
    assert releases == [("A", "50.00"), ("A", "100.00")]
    assert tenant.wallet("A") == "150.00"
    tenant.sound()


# ---------------------------------------------------------------------------- F


def queue(**settings: Any) -> dict[str, Any]:
    return {"f": {"three_for_one": {"threshold": "1000", "funding": "1"} | settings}}


def owed(tenant: Modes, zone: str = "f", mode: str = "three_for_one") -> int:
    return sum(claim.left for claim in tenant.state.modes.queue(zone, mode))


def test_f_a_cumulative_total_stops_counting_what_was_reversed() -> None:
    def make() -> Modes:
        tenant = Modes(queue(cumulative=True))
        tenant.buy("m", "600.00", "f", order_id="six")
        tenant.buy("m", "400.00", "f", order_id="four")
        assert owed(tenant) == 70_000
        return tenant

    tenant = make()
    tenant.apply(ReverseOrder("r1", "six"))
    assert owed(tenant) == 0  # 400 alone does not qualify
    tenant = make()
    tenant.apply(ReverseOrder("r1", "four"))
    assert owed(tenant) == 0
    tenant.buy("m", "400.00", "f")  # 600 + the new 400 qualify again
    assert owed(tenant) == 70_000
    tenant.sound()
    in_both_orders(make, "six", "four")


def test_f_reversing_the_order_that_advanced_the_queue_takes_the_payment_back() -> None:
    def make() -> Modes:
        tenant = Modes(queue())
        for n in range(1, 5):
            tenant.buy(f"m{n}", "1000.00", "f", order_id=f"q{n}")
        assert tenant.wallet("m1") == "700.00"  # the 4th qualifier paid the 1st
        return tenant

    tenant = make()
    tenant.apply(ReverseOrder("r4", "q4"))
    assert tenant.wallet("m1") == "0.00"  # owed again, first in the queue
    assert owed(tenant) == 3 * 70_000
    tenant.buy("m5", "1000.00", "f")
    assert tenant.wallet("m1") == "700.00"  # a new 4th pays it again
    tenant.sound()
    in_both_orders(make, "q1", "q3")


def test_f_an_ended_queue_keeps_paying_in_order_from_its_reserve() -> None:
    tenant = Modes(queue(funding="0.5", ends=at(5).isoformat()))
    for n in range(1, 4):
        tenant.buy(f"m{n}", "1000.00", "f")
    assert (owed(tenant), tenant.balance(accounts.mode_reserve("f", "three_for_one"))) == (
        210_000,
        150_000,
    )
    assert paid(tenant.day("f", 3), "queue_payment") == []  # not earned, not ended
    assert [e.params["claim"] for e in tenant.day("f", 6) if e.kind == "queue_payment"] == [
        "1",
        "2",
    ]
    assert owed(tenant) == 70_000  # the third waits for money
    tenant.sound()


# ---------------------------------------------------------------------------- reserves


def test_a_reserve_counts_money_not_debts() -> None:
    tenant = Modes(gifts(funding="0.1"), ("A", None), ("B", "A"))
    tenant.buy("A", "1000.00", "gifts")
    tenant.buy("B", "1000.00", "gifts", order_id="b")
    assert tenant.wallet("A") == "100.00"
    tenant.apply(Withdraw("w1", "A", 10_000, 0))  # A took the refund out
    reserve = tenant.balance(accounts.mode_reserve("gifts", "refer_three"))
    tenant.apply(ReverseOrder("r1", "b"))
    assert tenant.balance(accounts.mode_reserve("gifts", "refer_three")) == reserve  # no cash
    assert tenant.balance(accounts.owes("A", accounts.mode_reserve("gifts", "refer_three"))) == (
        10_000
    )
    [found] = liabilities(tenant.state.ledger, tenant.state.modes.zones())
    assert (found.reserve, found.receivable) == (reserve, 10_000)
    # A's next credit settles the debt, and the money goes back into the reserve
    tenant.buy("A", "1000.00", "gifts")
    tenant.buy("B", "1000.00", "gifts")
    assert tenant.balance(accounts.debt("A")) > -10_000
    tenant.sound()


def test_refunded_orders_with_modes_on_several_lines_undo_each() -> None:
    zones = {
        "u": {"union": {"funding": "0.5", "lock_days": 0}},
        "f": {"three_for_one": {"threshold": "100", "funding": "0.5"}},
    }
    tenant = Modes(zones, ("A", None))
    lines = (
        OrderLine(10_000, 0, None, platform=10_000, zone="u"),
        OrderLine(10_000, 0, None, platform=10_000, zone="f"),
    )
    tenant.apply(CompleteOrder("o1", "A", lines, at=at(0)))
    tenant.apply(ReverseOrder("r1", "o1"))
    assert owed(tenant) == 0 and owed(tenant, "u", "union") == 0
    tenant.sound()
