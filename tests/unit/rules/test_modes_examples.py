"""The seeds' companion-mode examples (spec 03), each as the test it asks for."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import Tenant
from zengzhi.core import accounts
from zengzhi.core.amounts import Yuan
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.events import (
    CompleteOrder,
    CompleteTask,
    ConfigureDistribution,
    ConfigureZone,
    Join,
    OrderLine,
    ReverseOrder,
    RunDay,
)
from zengzhi.core.ledger import CNY, Entry, audit, format_amount
from zengzhi.engine.snapshot import check
from zengzhi.rules.modes import union
from zengzhi.rules.modes.zone import liabilities

START = date(2026, 11, 1)


def at(day: int) -> datetime:
    return datetime.combine(START + timedelta(days=day), datetime.min.time(), UTC) + timedelta(
        hours=12
    )


class Modes(Tenant):
    """A tenant with zones and a referral network, buying in zones."""

    def __init__(self, zones: dict[str, dict[str, Any]], *links: tuple[str, str | None]) -> None:
        super().__init__()
        for name, settings in zones.items():
            self.apply(ConfigureZone(f"zone-{name}", name, settings))
        for n, (member, referrer) in enumerate(links):
            self.apply(Join(f"join-{n}", member, referrer))
        self.count = 0

    def buy(self, member: str, amount: str, zone: str, day: int = 0, **more: Any) -> list[Entry]:
        self.count += 1
        fen = Yuan(amount).minor
        modes = more.pop("modes", ())
        line = OrderLine(
            amount=fen, contribution=0, pool=None, platform=fen, zone=zone, modes=modes
        )
        order_id = more.pop("order_id", f"o{self.count}")
        return self.apply(CompleteOrder(order_id, member, (line,), at=at(day), **more))

    def day(self, zone: str, day: int) -> list[Entry]:
        return self.apply(RunDay(f"day-{zone}-{day}", zone, START + timedelta(days=day)))

    def task(self, member: str, zone: str, day: int) -> list[Entry]:
        return self.apply(
            CompleteTask(f"task-{member}-{day}", member, zone, START + timedelta(days=day))
        )

    def wallet(self, member: str) -> str:
        return format_amount(self.balance(accounts.wallet(member)), CNY)

    def held(self, member: str, zone: str, mode: str, code: str) -> str:
        found = self.balance(accounts.mode_holding(member, zone, mode), f"{code}:{zone}")
        return format_amount(found, f"{code}:{zone}")

    def sound(self) -> None:
        """The books balance, every balance is its postings, claims match holdings."""
        assert check(self.state) == []
        assert audit(self.state.ledger.balances, self.journal) == []  # type: ignore[attr-defined]


def paid(entries: list[Entry], kind: str) -> list[tuple[str, str]]:
    return [(one.params["member"], one.params["amount"]) for one in entries if one.kind == kind]


# ---------------------------------------------------------------------------- A


def test_refer_three_refunds_100_200_700_then_100_again() -> None:
    """Seed 003: A buys at 1000; the 1st referral refunds 100, the 2nd 200, the 3rd 700
    (100% back), the 4th 100."""
    tenant = Modes(
        {"gifts": {"refer_three": {"funding": "0.30"}}},
        ("A", None),
        *[(name, "A") for name in "BCDE"],
    )
    tenant.buy("A", "1000.00", "gifts")
    refunds = [paid(tenant.buy(name, "1000.00", "gifts"), "refund") for name in "BCDE"]
    assert refunds == [
        [("A", "100.00")],
        [("A", "200.00")],
        [("A", "700.00")],
        [("A", "100.00")],
    ]
    assert tenant.wallet("A") == "1100.00"
    # the reserve got 30% of five orders and paid 1100
    assert tenant.balance(accounts.mode_reserve("gifts", "refer_three")) == 150_000 - 110_000
    tenant.sound()


def test_refer_three_stops_after_its_rounds_and_waits_for_money() -> None:
    tenant = Modes(
        {"gifts": {"refer_three": {"rounds": 1, "funding": "0.10"}}},
        ("A", None),
        *[(name, "A") for name in "BCDE"],
    )
    tenant.buy("A", "1000.00", "gifts")
    for name in "BCDE":
        tenant.buy(name, "1000.00", "gifts")
    # one round: 100 + 200 + 700 promised, the 4th referral earns nothing; the reserve
    # (10% of 5 orders = 500) paid what it could, in order, the rest is owed
    assert tenant.wallet("A") == "500.00"
    (owed,) = liabilities(tenant.state.ledger, tenant.state.modes.zones())
    assert (owed.mode, owed.owed, owed.reserve) == ("refer_three", 50_000, 0)
    tenant.buy("F", "5000.00", "gifts")  # brings 500 more in: the daily run pays it
    tenant.day("gifts", 1)
    assert tenant.wallet("A") == "1000.00"
    tenant.sound()


def test_refer_three_released_daily() -> None:
    tenant = Modes(
        {"gifts": {"refer_three": {"release_days": 10, "backed": True}}}, ("A", None), ("B", "A")
    )
    tenant.buy("A", "1000.00", "gifts")
    tenant.buy("B", "1000.00", "gifts")
    assert tenant.wallet("A") == "0.00"
    for day in range(1, 4):
        tenant.day("gifts", day)
    assert tenant.wallet("A") == "30.00"  # 100 over 10 days
    tenant.sound()


def test_refer_three_daily_shares_round_down_and_the_last_day_takes_the_rest() -> None:
    """100.00 over 3 days is 33.33, 33.33, 33.34: a day's share is a payout, and payouts
    round toward the reserve (paying 33.34 first would pay ahead of the schedule)."""
    tenant = Modes(
        {"gifts": {"refer_three": {"release_days": 3, "backed": True}}}, ("A", None), ("B", "A")
    )
    tenant.buy("A", "1000.00", "gifts")
    tenant.buy("B", "1000.00", "gifts")
    shares = [paid(tenant.day("gifts", day), "refund") for day in range(1, 5)]
    assert shares == [[("A", "33.33")], [("A", "33.33")], [("A", "33.34")], []]
    assert tenant.wallet("A") == "100.00"
    tenant.sound()


def test_refer_three_refund_keeps_the_days_it_was_made_with() -> None:
    """The operator shortens release_days from 3 to 1 after A's refund was made: that
    refund goes on over its 3 days; the next referral's is paid in 1."""
    settings = {"refer_three": {"release_days": 3, "backed": True}}
    tenant = Modes({"gifts": settings}, ("A", None), ("B", "A"), ("C", "A"))
    tenant.buy("A", "1000.00", "gifts")
    tenant.buy("B", "1000.00", "gifts")  # A's first refund: 100.00 over 3 days
    assert paid(tenant.day("gifts", 1), "refund") == [("A", "33.33")]
    tenant.apply(
        ConfigureZone("zone-gifts-2", "gifts", {"refer_three": {"release_days": 1, "backed": True}})
    )
    tenant.buy("C", "1000.00", "gifts", day=1)  # A's second refund: 200.00 in 1 day
    assert paid(tenant.day("gifts", 2), "refund") == [("A", "33.33"), ("A", "200.00")]
    assert paid(tenant.day("gifts", 3), "refund") == [("A", "33.34")]
    tenant.sound()


def test_refer_three_daily_share_the_reserve_paid_in_part_is_finished_the_next_day() -> None:
    """Unbacked: the reserve holds what purchases put in. A day it pays part of the share,
    the next day finishes that share (not a whole day's more), and the refund ends whole."""
    tenant = Modes(
        {"gifts": {"refer_three": {"release_days": 3, "funding": "0.02"}}},
        ("A", None),
        ("B", "A"),
    )
    tenant.buy("A", "1000.00", "gifts")  # 20.00 into the reserve
    tenant.buy("B", "1000.00", "gifts")  # 20.00 more; A's refund 100.00 over 3 days
    assert paid(tenant.day("gifts", 1), "refund") == [("A", "33.33")]
    assert paid(tenant.day("gifts", 2), "refund") == [("A", "6.67")]  # all the reserve had
    tenant.buy("C", "5000.00", "gifts", day=2)  # 100.00 in
    assert paid(tenant.day("gifts", 3), "refund") == [("A", "26.66")]  # the rest of day 2's
    assert paid(tenant.day("gifts", 4), "refund") == [("A", "33.34")]
    assert tenant.wallet("A") == "100.00"
    tenant.sound()


# ---------------------------------------------------------------------------- B


def test_ad_points_release_one_percent_999_gives_9_99() -> None:
    """Seed 002: consume 1000, get 1100 ad points; 1% of a 999 balance releases 9.99."""
    tenant = Modes({"ads": {"ads": {"ratio": "1.1", "backed": True}}}, ("A", None), ("B", "A"))
    tenant.buy("B", "1000.00", "ads")
    assert tenant.held("B", "ads", "ads", "AD") == "1100.0000"
    tenant.buy("C", "999.00", "ads", modes=(("ads", "1"),))  # the product's own ratio
    assert tenant.held("C", "ads", "ads", "AD") == "999.0000"
    entries = tenant.task("C", "ads", 1)
    assert paid(entries, "release") == [("C", "9.99")]
    assert tenant.held("C", "ads", "ads", "AD") == "989.0100"
    # the referrer's shares come from the mode, not from the member
    entries = tenant.task("B", "ads", 1)
    assert paid(entries, "release") == [("B", "11.00")]
    assert paid(entries, "release_share") == [("A", "2.20")]
    assert tenant.held("B", "ads", "ads", "AD") == "1089.0000"
    tenant.sound()


@pytest.mark.parametrize(
    ("balance", "released"),
    [
        ("1.50", "1.50"),  # never more than the balance
        ("150.00", "2.00"),
        ("200.00", "2.00"),
        ("200.50", "10.00"),
        ("1000.00", "10.00"),
        ("1500.00", "20.00"),
        ("4000.00", "40.00"),
        ("4000.01", "50.00"),
        ("99999.00", "50.00"),
    ],
)
def test_ad_points_tier_table(balance: str, released: str) -> None:
    """Seed 004 (五): 0–200 → 2, 201–1000 → 10, 1001–2000 → 20, 2001–4000 → 40, above → 50."""
    tiers = [
        {"up_to": "200", "release": "2"},
        {"up_to": "1000", "release": "10"},
        {"up_to": "2000", "release": "20"},
        {"up_to": "4000", "release": "40"},
        {"release": "50"},
    ]
    tenant = Modes(
        {"ads": {"ads": {"ratio": "1", "rule": "tiers", "tiers": tiers, "backed": True}}}
    )
    tenant.buy("A", balance, "ads")
    assert paid(tenant.task("A", "ads", 1), "release") == [("A", released)]


def test_ad_task_releases_once_a_day_and_days_are_not_made_up() -> None:
    tenant = Modes({"ads": {"ads": {"ratio": "1", "backed": True}}})
    tenant.buy("A", "1000.00", "ads")
    tenant.task("A", "ads", 3)
    for day in (3, 2):
        with pytest.raises(DomainError) as refused:
            tenant.apply(CompleteTask(f"again-{day}", "A", "ads", START + timedelta(days=day)))
        assert (refused.value.code, refused.value.field) == (ErrorCode.CONFLICT, "day")
    assert tenant.wallet("A") == "10.00"
    tenant.task("A", "ads", 5)  # day 4 had no task: it releases nothing, ever
    assert tenant.wallet("A") == "19.90"
    tenant.sound()


def test_ad_release_is_cut_to_what_the_reserve_holds() -> None:
    tenant = Modes({"ads": {"ads": {"ratio": "1", "funding": "0.001"}}})
    tenant.buy("A", "1000.00", "ads")  # reserve: 1.00
    entries = tenant.task("A", "ads", 1)
    assert paid(entries, "release") == [("A", "1.00")]
    assert entries[-1].params["cut"] == "9.00"
    assert tenant.held("A", "ads", "ads", "AD") == "999.0000"  # the rest stays owed
    tenant.sound()


# ---------------------------------------------------------------------------- C


def test_quota_bonus_split_by_shares_capped_by_quota_left() -> None:
    """Seed 004 (二, 三): 2000 → a quota of 4000 and 1 share; the day's pool is split by
    shares, each capped by the quota left; what the caps leave stays in the pool."""
    tenant = Modes({"q": {"quota": {"multiple": "2", "spend_per_share": "2000", "funding": "0.5"}}})
    tenant.buy("A", "2000.00", "q")
    tenant.buy("B", "200.00", "q")  # 0.1 share, a quota of 400
    assert tenant.held("A", "q", "quota", "QUOTA") == "4000.00"
    assert tenant.held("B", "q", "shares", "SHARE") == "0.1000"
    entries = tenant.day("q", 1)  # the pool holds 1100: A 1000, B 100
    assert paid(entries, "bonus") == [("A", "1000.00"), ("B", "100.00")]
    tenant.day("q", 2)  # nothing came in: nothing to split
    tenant.buy("C", "6000.00", "q")  # 3 shares; the pool holds 3000
    entries = tenant.day("q", 3)
    # by shares: A 1/4.1, B 0.1/4.1, C 3/4.1 of 3000; B's cap (300 left) is not reached
    assert paid(entries, "bonus") == [("A", "731.70"), ("B", "73.17"), ("C", "2195.12")]
    tenant.sound()


def test_quota_caps_and_total_shares() -> None:
    tenant = Modes(
        {
            "q": {
                "quota": {
                    "multiple": "1",
                    "spend_per_share": "100",
                    "referral_spend_per_share": "1000",
                    "max_shares": "15",
                    "funding": "1",
                }
            }
        },
        ("A", None),
        ("B", "A"),
    )
    tenant.buy("A", "1000.00", "q")  # 10 shares
    tenant.buy("B", "1000.00", "q")  # 5 of its 10 fit under the cap; A's referral share none
    assert tenant.held("B", "q", "shares", "SHARE") == "5.0000"
    assert tenant.held("A", "q", "shares", "SHARE") == "10.0000"
    tenant.day("q", 1)  # pool 2000: A 1333.33 capped at 1000; B 666.66
    assert tenant.wallet("A") == "1000.00"
    assert tenant.wallet("B") == "666.66"
    tenant.sound()


# ---------------------------------------------------------------------------- D


def test_green_points_36_then_36_plus_108_then_108() -> None:
    """Seed 004 (三): 3000 → 9000 points, 36 a day; a second order of 9000 adds 108 a
    day; when the first is used up, 108 remain."""
    tenant = Modes({"g": {"green": {"multiple": "3", "daily": "0.012", "backed": True}}})
    tenant.buy("A", "3000.00", "g")
    assert tenant.held("A", "g", "green", "GREEN") == "9000.0000"
    assert paid(tenant.day("g", 1), "release") == [("A", "36.00")]
    tenant.buy("A", "9000.00", "g", day=1)
    assert paid(tenant.day("g", 2), "release") == [("A", "144.00")]
    for day in range(3, 250):
        tenant.day("g", day)
    assert paid(tenant.day("g", 250), "release") == [("A", "144.00")]  # the 250th: 9000 used
    assert paid(tenant.day("g", 251), "release") == [("A", "108.00")]
    tenant.sound()


def test_green_acceleration_comes_from_the_earners_own_points() -> None:
    """50% of a direct referee's release and 30% of the second level's, taken from the
    earner's own unreleased points, never more than the earner still has."""
    tenant = Modes({"g": {"green": {"backed": True}}}, ("A", None), ("B", "A"), ("C", "B"))
    tenant.buy("A", "100.00", "g")  # 300 points, 1.20 a day
    tenant.buy("B", "3000.00", "g")
    tenant.buy("C", "3000.00", "g")
    entries = tenant.day("g", 1)
    assert paid(entries, "release") == [("A", "1.20"), ("B", "36.00"), ("C", "36.00")]
    assert accelerations(entries) == [
        ("A", "18.00", "B"),  # 50% of B's 36
        ("B", "18.00", "C"),  # 50% of C's 36
        ("A", "10.80", "C"),  # 30% of C's 36, A being C's second level
    ]
    assert tenant.held("A", "g", "green", "GREEN") == "270.0000"  # 300 − 1.20 − 18 − 10.80
    tenant.sound()


def test_green_acceleration_is_never_more_than_the_earner_has() -> None:
    tenant = Modes({"g": {"green": {"backed": True}}}, ("A", None), ("B", "A"), ("C", "B"))
    tenant.buy("A", "5.00", "g")  # 15 points, 0.06 a day
    tenant.buy("B", "3000.00", "g")
    tenant.buy("C", "3000.00", "g")
    entries = tenant.day("g", 1)
    assert accelerations(entries) == [("A", "14.94", "B"), ("B", "18.00", "C")]
    assert tenant.held("A", "g", "green", "GREEN") == "0.0000"
    tenant.sound()


def test_green_team_acceleration_is_differential_by_star_level() -> None:
    tenant = Modes(
        {"g": {"green": {"acceleration": [], "team": ["0.05", "0.10"], "backed": True}}},
        ("A", None),
        ("B", "A"),
        ("C", "B"),
    )
    levels = [{"performance": "3000", "rate": "0"}, {"performance": "6000", "rate": "0"}]
    tenant.apply(ConfigureDistribution("d", {"team": {"levels": levels}}))
    for member in "ABC":  # B's team reaches 3000 (star 1), A's 6000 (star 2)
        tenant.buy(member, "3000.00", "g")
    entries = tenant.day("g", 1)
    got = accelerations(entries)
    # C's 36: B (star 1) 5% = 1.80, A (star 2) the differential 5% = 1.80; B's 36: A 10%
    assert ("B", "1.80", "C") in got and ("A", "1.80", "C") in got and ("A", "3.60", "B") in got
    tenant.sound()


def accelerations(entries: list[Entry]) -> list[tuple[str, str, str]]:
    return [
        (one.params["member"], one.params["amount"], one.params["from"])
        for one in entries
        if one.kind == "acceleration"
    ]


# ---------------------------------------------------------------------------- E


def test_union_queue_100_queued_a_referees_100_pays_20_and_80_waits() -> None:
    """Seed 004 (四): 100 queued; the referee buys 100: 20 paid at once, 80 keep waiting
    until the lock ends and the pool can pay them in full."""
    tenant = Modes({"u": {"union": {"funding": "0.5", "lock_days": 15}}}, ("A", None), ("B", "A"))
    tenant.buy("A", "100.00", "u")
    entries = tenant.buy("B", "100.00", "u")
    assert paid(entries, "queue_payment") == [("A", "20.00")]
    assert tenant.held("A", "u", "union", "UNION") == "80.00"
    for day in range(1, 15):
        assert paid(tenant.day("u", day), "queue_payment") == []  # locked
    assert paid(tenant.day("u", 15), "queue_payment") == [("A", "80.00")]
    assert tenant.wallet("A") == "100.00"
    (owed,) = liabilities(tenant.state.ledger, tenant.state.modes.zones())
    assert (owed.owed, owed.reserve) == (10_000, 0)  # B's 100 waits on an empty pool
    tenant.sound()


def test_union_static_release_pays_whole_credits_in_order() -> None:
    tenant = Modes({"u": {"union": {"funding": "0.6", "lock_days": 0}}})
    for member in "ABCD":
        tenant.buy(member, "100.00", "u")
    # the pool had 60, 120 (A paid), 80, 140 (B paid): never part of one, never C before B
    assert [tenant.wallet(m) for m in "ABCD"] == ["100.00", "100.00", "0.00", "0.00"]
    tenant.sound()


def test_union_standing_shows_place_and_an_honest_wait() -> None:
    tenant = Modes({"u": {"union": {"funding": "0.5", "lock_days": 15}}})
    for day, member in enumerate("ABC"):
        tenant.buy(member, "100.00", "u", day=day)
    today = (START + timedelta(days=2)).toordinal()
    pool = tenant.balance(accounts.mode_reserve("u", "union"))
    (mine,) = union.standing(tenant.state.modes, "u", "C", pool, today)
    assert (mine.place, mine.ahead) == (3, 20_000)
    # 300 owed in all against a pool of 150, filling 150 over the last 30 days: 5/day
    assert mine.expected_on == START + timedelta(days=2 + 30)
    (first,) = union.standing(tenant.state.modes, "u", "A", pool, today)
    assert first.expected_on == START + timedelta(days=15)  # the lock, not the money
    empty = Modes({"u": {"union": {"lock_days": 15}}})
    empty.buy("A", "100.00", "u")
    (never,) = union.standing(empty.state.modes, "u", "A", 0, START.toordinal())
    assert never.expected_on is None  # nothing comes in: no date is promised


# ---------------------------------------------------------------------------- F


def test_three_for_one_900_and_600_do_not_qualify_every_third_pays_the_first() -> None:
    """Seed 004 (六): 900 and 600 do not qualify (nor add up); from the first qualifier,
    every three more pay the first unpaid one 70%."""
    tenant = Modes({"f": {"three_for_one": {"threshold": "1000", "rate": "0.7", "backed": True}}})
    tenant.buy("a", "900.00", "f")
    tenant.buy("b", "600.00", "f")
    payments = []
    for n in range(1, 11):
        payments.append(paid(tenant.buy(f"q{n}", "1000.00", "f"), "queue_payment"))
    assert tenant.held("a", "f", "three_for_one", "SUBSIDY") == "0.00"
    assert [n for n, got in enumerate(payments, 1) if got] == [4, 7, 10]
    assert [got for got in payments if got] == [
        [("q1", "700.00")],
        [("q2", "700.00")],
        [("q3", "700.00")],
    ]
    tenant.sound()


def test_three_for_one_small_orders_add_up_when_cumulative() -> None:
    tenant = Modes({"f": {"three_for_one": {"cumulative": True, "backed": True}}})
    tenant.buy("a", "900.00", "f")
    tenant.buy("a", "600.00", "f")  # 1500 together: qualifies
    assert tenant.held("a", "f", "three_for_one", "SUBSIDY") == "1050.00"


def test_three_for_one_waits_for_money_in_order() -> None:
    tenant = Modes({"f": {"three_for_one": {"funding": "0.1"}}})
    for n in range(1, 5):
        tenant.buy(f"q{n}", "1000.00", "f")
    assert tenant.wallet("q1") == "0.00"  # earned at the 4th, but the reserve holds 400
    for n in range(5, 8):
        tenant.buy(f"q{n}", "1000.00", "f")
    # the 7th earns q2 its payment too; the 700 the reserve now holds pays q1 first
    assert [tenant.wallet(f"q{n}") for n in (1, 2)] == ["700.00", "0.00"]
    tenant.sound()


# ---------------------------------------------------------------------------- G


def test_shopping_points_pay_half_and_the_merchant_gets_20_percent_back() -> None:
    """Seed 000 (二): spend 1000 at a store, get 2000 points; in the mall points pay at
    most 50%: 2000 points + 2000 cash buy 4000 of goods; the store gets 20% of the cash
    back (400)."""
    tenant = Modes(
        {
            "stores": {"shopping": {"gift": "2"}},
            "mall": {"shopping": {"max_share": "0.5", "rebate": "0.2"}},
        }
    )
    tenant.buy("A", "1000.00", "stores", store="S")
    assert tenant.held("A", "*", "shopping", "SHOP") == "2000.0000"
    entries = tenant.buy("A", "4000.00", "mall", shopping_points=2000_0000)
    order = next(one for one in entries if one.kind == "order")
    assert (accounts.CUSTOMERS, CNY, -200_000) in order.postings
    assert (accounts.SHOPPING_DISCOUNTS, CNY, -200_000) in order.postings
    rebate = next(one for one in entries if one.kind == "merchant_rebate")
    assert (accounts.merchant("S"), CNY, 40_000) in rebate.postings
    assert tenant.held("A", "*", "shopping", "SHOP") == "0.0000"
    tenant.sound()


@pytest.mark.parametrize(
    ("points", "code", "message"),
    [
        (2000_0001, ErrorCode.INVALID, "whole number of fen"),
        (2500_0000, ErrorCode.INVALID, "at most 2000.0000"),
        (1500_0000, ErrorCode.INSUFFICIENT, "holds 1000.0000"),
    ],
)
def test_shopping_points_refused_beyond_cap_or_balance(
    points: int, code: ErrorCode, message: str
) -> None:
    tenant = Modes(
        {"stores": {"shopping": {"gift": "1"}}, "mall": {"shopping": {"max_share": "0.5"}}}
    )
    tenant.buy("A", "1000.00", "stores", store="S")
    with pytest.raises(DomainError) as refused:
        tenant.buy("A", "4000.00", "mall", shopping_points=points)
    assert (refused.value.code, refused.value.field) == (code, "shopping_points")
    assert message in refused.value.message
    assert tenant.held("A", "*", "shopping", "SHOP") == "1000.0000"  # nothing changed
    tenant.sound()


# ---------------------------------------------------------------------------- H


def test_issuance_control_stops_minting_after_a_date() -> None:
    tenant = Modes({"z": {"mint_until": at(10).isoformat()}})
    fen = 100_000
    line = OrderLine(amount=fen, contribution=30_000, pool="main", platform=70_000, zone="z")
    tenant.apply(CompleteOrder("o1", "A", (line,), at=at(9)))
    tenant.apply(CompleteOrder("o2", "B", (line,), at=at(10)))
    points = [tenant.balance(accounts.holdings(m, "main"), "PTS:main") for m in "AB"]
    assert points == [210_0000, 0]
    assert tenant.balance(accounts.pool_cash("main")) == 60_000  # both contributions landed
    tenant.sound()


def test_closing_campaign_boosts_then_the_mode_closes_and_keeps_paying() -> None:
    campaign = {"starts": at(5).isoformat(), "ends": at(10).isoformat(), "boost": "1.5"}
    settings = {"ads": {"ratio": "1", "backed": True}, "campaign": campaign}
    tenant = Modes({"z": settings})
    tenant.buy("A", "100.00", "z", day=6)
    assert tenant.held("A", "z", "ads", "AD") == "150.0000"
    closed = {"ads": {"ratio": "1", "backed": True, "ends": at(10).isoformat()}}
    tenant.apply(ConfigureZone("close", "z", closed))
    tenant.buy("A", "100.00", "z", day=11)  # no new promise
    assert tenant.held("A", "z", "ads", "AD") == "150.0000"
    assert paid(tenant.task("A", "z", 12), "release") == [("A", "1.50")]  # what it owes
    with pytest.raises(DomainError) as refused:
        tenant.apply(ConfigureZone("drop", "z", {}))
    assert (refused.value.code, refused.value.field) == (ErrorCode.CONFLICT, "ads")
    tenant.sound()


# ---------------------------------------------------------------------------- all


def test_several_modes_run_on_one_order_and_a_reversal_undoes_them() -> None:
    zones = {
        "combo": {
            "refer_three": {"funding": "0.3"},
            "union": {"funding": "0.2", "lock_days": 0},
            "green": {"backed": True},
            "ads": {"backed": True},
            "quota": {"funding": "0.1"},
            "three_for_one": {"backed": True},
            "shopping": {"gift": "1"},
        }
    }
    tenant = Modes(zones, ("A", None), ("B", "A"))
    tenant.buy("A", "1000.00", "combo")
    entries = tenant.buy("B", "1000.00", "combo", order_id="ob")
    kinds = set(tenant.kinds(entries))
    assert {"refund", "queue_payment", "green_points", "ad_points", "quota"} <= kinds
    wallet_before = tenant.wallet("A")
    assert wallet_before != "0.00"
    tenant.apply(ReverseOrder("r1", "ob"))
    assert tenant.wallet("A") == "0.00"  # A's refund and queue payment are taken back
    for mode, code in (("green", "GREEN"), ("ads", "AD"), ("union", "UNION")):
        assert tenant.held("B", "combo", mode, code) in ("0.0000", "0.00")
    tenant.sound()
