"""An independent check of the companion modes (spec 03) trying to break them: the
seeds' worked examples to the cent, reversals at every point of each mode's story and in
either order, the operator changing a mode mid-way, and hostile settings. Each test here
failed on the code it was written against (or pins a figure the spec gives)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.rules.test_modes_examples import Modes, at, paid
from tests.unit.rules.test_modes_refunds import balances
from zengzhi.core import accounts
from zengzhi.core.errors import DomainError
from zengzhi.core.events import ConfigureZone, ReverseOrder
from zengzhi.core.ledger import CNY
from zengzhi.rules.modes.zone import liabilities


def net(tenant: Modes, member: str) -> int:
    """What a member has in fen: the wallet less what they owe."""
    return tenant.balance(accounts.wallet(member)) + tenant.balance(accounts.debt(member))


def owed(tenant: Modes) -> dict[str, int]:
    found = liabilities(tenant.state.ledger, tenant.state.modes.zones())
    return {f"{one.mode}@{one.zone}": one.owed for one in found if one.owed}


# ---------------------------------------------------------------------------- G


def shopping_zones() -> dict[str, dict[str, Any]]:
    return {
        "stores": {"shopping": {"gift": "2"}},
        "mall": {"shopping": {"max_share": "0.5", "rebate": "0.2"}},
    }


@pytest.mark.parametrize("first", ["gift", "spend"])
def test_g_the_gift_and_the_order_that_spent_it_both_reversed_leave_nothing(first: str) -> None:
    """A earns 2,000 shopping points and spends them on a 4,000 order; both orders are
    refunded. A then holds no points and owes nothing, whichever went first (was: 2,000
    points back in hand *and* a 2,000 yuan debt, either way)."""
    tenant = Modes(shopping_zones())
    tenant.buy("A", "1000.00", "stores", store="S", order_id="gift")
    tenant.buy("A", "4000.00", "mall", shopping_points=2000_0000, order_id="spend")
    second = "spend" if first == "gift" else "gift"
    tenant.apply(ReverseOrder(f"r-{first}", first))
    tenant.apply(ReverseOrder(f"r-{second}", second))
    assert tenant.held("A", "*", "shopping", "SHOP") == "0.0000"
    assert net(tenant, "A") == 0
    assert tenant.balance(accounts.merchant("S")) == 0
    assert owed(tenant) == {}
    tenant.sound()


def test_g_a_spend_reversed_gives_the_points_back_to_the_gift_they_came_from() -> None:
    """Reversing the spend first returns the points to the gift they were taken from, so
    that reversing the gift afterwards takes them, not cash."""
    tenant = Modes(shopping_zones())
    tenant.buy("A", "1000.00", "stores", store="S", order_id="gift")
    tenant.buy("A", "1000.00", "mall", shopping_points=500_0000, order_id="spend")
    tenant.apply(ReverseOrder("r-spend", "spend"))
    assert tenant.held("A", "*", "shopping", "SHOP") == "2000.0000"
    tenant.apply(ReverseOrder("r-gift", "gift"))
    assert (tenant.held("A", "*", "shopping", "SHOP"), net(tenant, "A")) == ("0.0000", 0)
    tenant.sound()


def test_g_an_order_whose_points_a_refund_took_back_completes_paying_them_in_cash() -> None:
    """The service speaks for an order's points from its creation; the refund of the
    order that gave them may take them back before it completes. A (2,000 points from
    g1, 2,000 from g2) places a 6,000 order paying 3,000 of it in points; g2 is
    refunded, then the order completes: 2,000 points are spent, 1,000 paid in cash (a
    debt here: the wallet is empty), as a gift refunded after its points were spent
    takes their value back (was: the order could never complete, 'A holds 2000.0000
    shopping points', every completion run refused it). Its refund then gives back the
    points and the cash."""
    tenant = Modes(shopping_zones())
    tenant.buy("A", "1000.00", "stores", store="S", order_id="g1")
    tenant.buy("A", "1000.00", "stores", store="T", order_id="g2")
    tenant.apply(ReverseOrder("r-g2", "g2"))
    assert tenant.held("A", "*", "shopping", "SHOP") == "2000.0000"
    entries = tenant.buy("A", "6000.00", "mall", order_id="spend", **SPOKEN_FOR_3000)
    [short] = [one for one in entries if one.kind == "shopping_short"]
    debt = accounts.owes("A", accounts.SHOPPING_DISCOUNTS)  # the discounts are owed it back
    assert short.postings == ((accounts.debt("A"), CNY, -100_000), (debt, CNY, 100_000))
    assert (tenant.held("A", "*", "shopping", "SHOP"), net(tenant, "A")) == ("0.0000", -100_000)
    rebate = next(one for one in entries if one.kind == "merchant_rebate")
    # 20% of the 3,000 cash paid alongside the 3,000 points placed, for S's 2,000 of them
    assert (accounts.merchant("S"), CNY, 40_000) in rebate.postings
    tenant.sound()
    tenant.apply(ReverseOrder("r-spend", "spend"))
    assert (tenant.held("A", "*", "shopping", "SHOP"), net(tenant, "A")) == ("2000.0000", 0)
    assert tenant.balance(accounts.merchant("S")) == 0
    tenant.apply(ReverseOrder("r-g1", "g1"))
    assert (tenant.held("A", "*", "shopping", "SHOP"), net(tenant, "A")) == ("0.0000", 0)
    assert owed(tenant) == {}
    tenant.sound()


SPOKEN_FOR_3000 = {"shopping_points": 3000_0000, "points_spoken_for": True}


def test_g_points_not_spoken_for_are_checked_as_the_order_completes() -> None:
    """A log of completed orders (no `points_spoken_for`) is checked as each completes:
    points the member does not hold are refused, a refund having taken them back or
    not, and nothing is posted."""
    tenant = Modes(shopping_zones())
    tenant.buy("A", "1000.00", "stores", store="S", order_id="g1")
    tenant.apply(ReverseOrder("r-g1", "g1"))
    before = len(tenant.journal)  # type: ignore[attr-defined]
    with pytest.raises(DomainError) as refused:
        tenant.buy("A", "6000.00", "mall", shopping_points=2000_0000, order_id="spend")
    assert (refused.value.field, len(tenant.journal)) == ("shopping_points", before)  # type: ignore[attr-defined]
    tenant.sound()


def test_g_a_store_is_rebated_for_its_own_points_only_when_a_gift_was_refunded() -> None:
    """A holds 2,000 points from S and 1 from T and places a 4,000 tv paying 2,000 in
    points; S's gift is refunded before it completes, so 1,999 are paid in cash. The
    rebate is 20% of the 2,000 cash paid alongside the points, in part the points each
    store gave: T's 1 point earns 0.20 (was: 799.80, the shortfall counted as cash paid
    alongside and T's point as all of them), S none (its gift was refunded)."""
    tenant = Modes(shopping_zones())
    tenant.buy("A", "1000.00", "stores", store="S", order_id="gS")
    tenant.buy("A", "0.50", "stores", store="T", order_id="gT")
    tenant.apply(ReverseOrder("r-gS", "gS"))
    spoken = {"shopping_points": 2000_0000, "points_spoken_for": True}
    entries = tenant.buy("A", "4000.00", "mall", order_id="spend", **spoken)
    [rebate] = [one for one in entries if one.kind == "merchant_rebate"]
    assert (accounts.merchant("T"), CNY, 20) in rebate.postings
    assert rebate.params["cash"] == "2000.00"
    assert net(tenant, "A") == -199_900
    tenant.sound()


@pytest.mark.parametrize(
    ("points", "said"),
    [(4000_0100, "at most 4000.0000 points"), (2000_0050, "whole number of fen")],
)
def test_g_points_spoken_for_are_still_held_to_the_price_and_the_fen(
    points: int, said: str
) -> None:
    """A line marked as checked when placed is spent as placed, but no placing accepts
    more points than the price, nor a fraction of a fen (was: 20,000 points on a 100.00
    order paid the customer 19,900 in cash)."""
    tenant = Modes(shopping_zones())
    tenant.buy("A", "1000.00", "stores", store="S", order_id="g1")
    with pytest.raises(DomainError) as refused:
        tenant.buy("A", "4000.00", "mall", shopping_points=points, points_spoken_for=True)
    assert refused.value.field == "shopping_points" and said in refused.value.message
    tenant.sound()


@pytest.mark.parametrize("change", ["cap lowered", "mode ended"])
def test_g_points_spoken_for_are_spent_whole_after_the_zone_changed(change: str) -> None:
    """The order was placed paying 3,000 of 6,000 in points (the mall's cap then: half);
    before it completes the operator lowers the cap to a tenth, or the mall's shopping
    mode's period ends. The order completes spending the 3,000 as placed (was: 'at most
    600.0000 points can pay for this order', or 'no line of the order is in a zone that
    takes them', at every completion: paid, never completed); the stores' rebate is the
    mall's as the order completes (none once its period is over). The mode cannot be
    removed while members hold its points (zone.check_change)."""
    tenant = Modes(shopping_zones())
    tenant.buy("A", "1500.00", "stores", store="S", order_id="g1")
    mall = {
        "cap lowered": {"shopping": {"max_share": "0.1", "rebate": "0.2"}},
        "mode ended": {
            "shopping": {"max_share": "0.5", "rebate": "0.2", "ends": at(1).isoformat()}
        },
    }[change]
    tenant.apply(ConfigureZone("mall-changed", "mall", mall))
    entries = tenant.buy("A", "6000.00", "mall", day=2, order_id="spend", **SPOKEN_FOR_3000)
    [spent] = [one for one in entries if one.kind == "shopping_spent"]
    assert (spent.params["zone"], spent.params["points"]) == ("mall", "3000.0000")
    rebates = [one for one in entries if one.kind == "merchant_rebate"]
    assert len(rebates) == (1 if change == "cap lowered" else 0)
    assert tenant.held("A", "*", "shopping", "SHOP") == "0.0000"
    tenant.sound()
    tenant.apply(ReverseOrder("r-spend", "spend"))
    assert (tenant.held("A", "*", "shopping", "SHOP"), net(tenant, "A")) == ("3000.0000", 0)
    assert tenant.balance(accounts.merchant("S")) == 0
    tenant.sound()


# ---------------------------------------------------------------------------- F


def test_f_a_reversal_after_a_reopened_queue_takes_back_only_what_it_advanced() -> None:
    """The queue ends and pays everyone from its reserve; the operator opens it again and
    a new qualifier q5 is refunded. q5 advanced no one: q2, q3 and q4 keep their 700
    (was: all three taken back, 2,100 from members the reversed order never paid)."""
    tenant = Modes({"f": {"three_for_one": {"funding": "1", "ends": at(5).isoformat()}}})
    for n in range(1, 5):
        tenant.buy(f"q{n}", "1000.00", "f", day=1, order_id=f"o{n}")
    tenant.day("f", 6)  # ended: the reserve pays the queue in order
    assert [tenant.wallet(f"q{n}") for n in range(1, 5)] == ["700.00"] * 4
    tenant.apply(ConfigureZone("reopen", "f", {"three_for_one": {"funding": "1"}}))
    tenant.buy("q5", "1000.00", "f", day=7, order_id="o5")
    tenant.apply(ReverseOrder("r5", "o5"))
    assert [tenant.wallet(f"q{n}") for n in range(1, 5)] == ["700.00"] * 4
    tenant.sound()


_ = (paid, balances, DomainError)


def test_f_a_reopened_queue_pays_its_first_unpaid_when_three_more_qualify() -> None:
    """After the end paid all four, the queue opened again counts afresh: q5 is paid when
    q6, q7 and q8 follow it (was: at the 16th qualifier), and a paid one from before the
    end refunded takes back its own payment only."""
    tenant = Modes({"f": {"three_for_one": {"funding": "1", "ends": at(5).isoformat()}}})
    for n in range(1, 5):
        tenant.buy(f"q{n}", "1000.00", "f", day=1, order_id=f"o{n}")
    tenant.day("f", 6)  # ended: the reserve pays all four
    tenant.apply(ConfigureZone("reopen", "f", {"three_for_one": {"funding": "1"}}))
    for n in range(5, 8):
        tenant.buy(f"q{n}", "1000.00", "f", day=7, order_id=f"o{n}")
    assert tenant.wallet("q5") == "0.00"  # q6 and q7 only came after it
    tenant.buy("q8", "1000.00", "f", day=7, order_id="o8")
    assert tenant.wallet("q5") == "700.00"  # spec 03 F: q6, q7, q8 came after it
    tenant.apply(ReverseOrder("r2", "o2"))
    paid = [tenant.wallet(f"q{n}") for n in range(1, 9)]
    assert paid == ["700.00", "0.00", "700.00", "700.00", "700.00", "0.00", "0.00", "0.00"]
    tenant.apply(ReverseOrder("r8", "o8"))  # q8 advanced q5: its payment is owed again
    assert [tenant.wallet(f"q{n}") for n in (1, 3, 4, 5)] == ["700.00"] * 3 + ["0.00"]
    tenant.sound()


def test_f_a_reversal_after_every_changed_takes_back_only_what_it_advanced() -> None:
    """q1 … q10 qualify with every = 3: q4 paid q1, q7 q2, q10 q3. The operator raises
    `every` to 5 and q10 is refunded: q3's payment (which q10 advanced) is owed again, but
    q2's, which q7 advanced, stands (was: both taken back, 1,400)."""
    tenant = Modes({"f": {"three_for_one": {"funding": "1"}}})
    for n in range(1, 11):
        tenant.buy(f"q{n}", "1000.00", "f", order_id=f"o{n}")
    assert [tenant.wallet(f"q{n}") for n in (1, 2, 3)] == ["700.00"] * 3
    tenant.apply(ConfigureZone("c", "f", {"three_for_one": {"funding": "1", "every": 5}}))
    tenant.apply(ReverseOrder("r10", "o10"))
    assert [tenant.wallet(f"q{n}") for n in (1, 2, 3)] == ["700.00", "700.00", "0.00"]
    tenant.sound()


def test_f_a_payment_earned_and_waiting_for_money_is_counted_under_a_raised_every() -> None:
    """q1 … q4 qualify with every = 3: q1 has earned its 700.00, but the reserve holds
    400.00 and it waits. The operator raises `every` to 5 and money comes (orders under
    the threshold fund the reserve without qualifying): q1 is counted under 5 as what
    comes next is, and is paid when q6 qualifies, not when the money came
    (docs/modes.md, F)."""
    tenant = Modes({"f": {"three_for_one": {"funding": "0.1"}}})
    for n in range(1, 5):
        tenant.buy(f"q{n}", "1000.00", "f", order_id=f"o{n}")
    assert tenant.wallet("q1") == "0.00"  # earned, waiting for 700.00 of a 400.00 reserve
    tenant.apply(ConfigureZone("c", "f", {"three_for_one": {"funding": "0.1", "every": 5}}))
    for n in range(4):
        tenant.buy(f"x{n}", "900.00", "f", order_id=f"x{n}")  # funds 360.00, qualifies none
    assert tenant.balance(accounts.mode_reserve("f", "three_for_one")) >= 70_000
    assert tenant.wallet("q1") == "0.00"
    tenant.buy("q5", "1000.00", "f", order_id="o5")
    assert tenant.wallet("q1") == "0.00"
    tenant.buy("q6", "1000.00", "f", order_id="o6")
    assert tenant.wallet("q1") == "700.00"
    tenant.sound()
