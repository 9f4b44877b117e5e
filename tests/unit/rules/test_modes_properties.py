"""Invariants of the companion modes over random histories of orders, tasks, days and
reversals, with every mode running in one zone (funded or backed at random)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.rules.test_modes_examples import START, Modes
from zengzhi.core import accounts
from zengzhi.core.errors import DomainError
from zengzhi.core.events import CompleteTask, ReverseOrder
from zengzhi.core.ledger import Entry
from zengzhi.rules.modes.common import (
    MODES,
    SHOPPING_ZONE,
    Claim,
    asset,
    fen_of,
    in_batches,
    share_due,
)
from zengzhi.rules.modes.zone import liabilities

MEMBERS = [f"m{n}" for n in range(8)]


@st.composite
def histories(
    draw: st.DrawFn,
) -> tuple[dict[str, Any], list[tuple[str, Any]], list[tuple[str, str | None]]]:
    backed = {mode: draw(st.booleans()) for mode in MODES}
    funding = {mode: draw(st.sampled_from(["0.05", "0.2", "0.5"])) for mode in MODES}

    def terms(mode: str) -> dict[str, Any]:
        return {"funding": funding[mode], "backed": backed[mode]}

    settings_ = {
        "refer_three": terms("refer_three")
        | {
            "release_days": draw(st.sampled_from([0, 3])),
            "rounds": draw(st.sampled_from([None, 1])),  # one round: later referrals wait
            "count": draw(st.sampled_from(["people", "purchases"])),
        },
        "ads": terms("ads"),
        "quota": terms("quota") | {"spend_per_share": "500"},
        "green": terms("green") | {"team": ["0.05", "0.1"]},
        "union": terms("union") | {"lock_days": draw(st.integers(0, 3))},
        "three_for_one": terms("three_for_one") | {"threshold": "300"},
        "shopping": terms("shopping") | {"gift": "1", "max_share": "0.5", "rebate": "0.2"},
    }
    links: list[tuple[str, str | None]] = [(MEMBERS[0], None)]
    links += [(MEMBERS[n], draw(st.sampled_from(MEMBERS[:n]))) for n in range(1, len(MEMBERS))]
    steps = draw(
        st.lists(
            st.one_of(
                st.tuples(
                    st.just("buy"),
                    st.tuples(
                        st.sampled_from(MEMBERS),
                        st.integers(1, 2000),
                        st.integers(
                            0, 3
                        ),  # tenths of the balance paid in shopping points (3: 125 %)
                    ),
                ),
                st.tuples(st.just("task"), st.sampled_from(MEMBERS)),
                st.tuples(st.just("day"), st.none()),
                st.tuples(st.just("reverse"), st.integers(0, 30)),
            ),
            min_size=5,
            max_size=40,
        )
    )
    return settings_, steps, links


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=histories())
def test_modes_pay_once_within_their_funding_in_order(
    history: tuple[dict[str, Any], list[tuple[str, Any]], list[tuple[str, str | None]]],
) -> None:
    settings_, steps, links = history
    tenant = Modes({"z": settings_}, *links)

    def sound() -> None:
        tenant.sound()  # claims match holdings, reserves are never negative, books balance
        _holdings_never_negative(tenant)

    _play(tenant, steps, after_each=sound)
    _paid_within_funding_unless_backed(tenant.journal, settings_)
    _queues_paid_in_order(tenant.journal)
    _liabilities_are_what_is_owed(tenant)


def _play(
    tenant: Modes, steps: list[tuple[str, Any]], after_each: Callable[[], None] | None = None
) -> int:
    """The steps of a history, in zone "z"; the day they end on."""
    day = 0
    orders: list[str] = []
    for kind, value in steps:
        if kind == "buy":
            member, amount, tenths = value
            held = tenant.balance(
                accounts.mode_holding(member, SHOPPING_ZONE, "shopping"), "SHOP:*"
            )
            # as the service places it: its points spoken for, spent as placed; a fourth
            # of the time a quarter more than held, as if a refund had taken them back
            # since (paid in cash: shopping.py)
            wanted = held * 5 // 4 if tenths == 3 else held * tenths // 10
            points = min(wanted, amount * 100 * 50) // 100 * 100
            spoken = {"points_spoken_for": True} if points else {}
            tenant.buy(member, f"{amount}.00", "z", day=day, shopping_points=points, **spoken)
            orders.append(f"o{tenant.count}")
        elif kind == "task":
            day_of = START + timedelta(days=day)
            with suppress(DomainError):  # done already today: refused, nothing changed
                tenant.apply(CompleteTask(f"t-{value}-{day}", value, "z", day_of))
        elif kind == "day":
            day += 1
            tenant.day("z", day)
        elif orders:
            order = orders[value % len(orders)]
            with suppress(DomainError):  # reversed already
                tenant.apply(ReverseOrder(f"r{len(tenant.journal)}", order))
        if after_each is not None:
            after_each()
    return day


# the modes whose promises are claims (ads' are points held, shopping's points to spend)
CLAIMED = ("refer_three", "quota", "green", "union", "three_for_one")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    history=histories(),
    modes=st.sampled_from([(mode,) for mode in MODES] + [CLAIMED, tuple(MODES)]),
    member=st.sampled_from(MEMBERS),
    yuan=st.sampled_from([300, 1000, 1500]),
)
def test_the_last_order_reversed_leaves_every_member_as_before_it(
    history: tuple[dict[str, Any], list[tuple[str, Any]], list[tuple[str, str | None]]],
    modes: tuple[str, ...],
    member: str,
    yuan: int,
) -> None:
    """After any history of one mode's zone (or of the modes with claims together, or of
    every mode), an order and its reversal leave each member with what they had gained
    before it: paid, less debts, plus what they are still owed (whenever it is paid: the
    order's own release pays what was owed before it), and the same ad and shopping
    points. The mode's own property test holds this on
    refer three's histories (it found, on 2026-12-06, a referee's later purchase reversed
    moving their earlier one: docs/modes.md, "A. Refer three"); this one, over every
    mode, did not reach that case in 6,000 examples of the code before the fix."""
    settings_, steps, links = history
    zone = {mode: settings_[mode] for mode in modes}

    def gained(tenant: Modes) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
        found = {
            one: tenant.balance(accounts.wallet(one)) + tenant.balance(accounts.debt(one))
            for one in MEMBERS
        }
        for mode in set(modes) & set(CLAIMED):
            for claim in tenant.state.modes.queue("z", mode):
                found[claim.member] += claim.left
        balances = tenant.state.ledger.balances  # type: ignore[attr-defined]
        points = {  # ad points to release, shopping points to spend
            (account, code): amount
            for (account, code), amount in balances.items()
            if account.startswith("member:") and code.split(":")[0] in ("AD", "SHOP") and amount
        }
        return found, points

    before = Modes({"z": zone}, *links)
    _play(before, steps)
    after = Modes({"z": zone}, *links)
    day = _play(after, steps)
    after.buy(member, f"{yuan}.00", "z", day=day)
    after.apply(ReverseOrder("undo-last", f"o{after.count}"))
    after.sound()
    assert gained(after) == gained(before)


def _holdings_never_negative(tenant: Modes) -> None:
    """Nothing is paid twice: paying takes the promise back, so a second payment of the
    same promise would leave a negative holding."""
    balances = tenant.state.ledger.balances  # type: ignore[attr-defined]
    for (account, code), amount in balances.items():
        if account.startswith("member:") and code.split(":")[0] in {
            "REFUND",
            "AD",
            "QUOTA",
            "GREEN",
            "UNION",
            "SUBSIDY",
            "SHOP",
            "SHARE",
        }:
            assert amount >= 0, (account, code, amount)


def _paid_within_funding_unless_backed(journal: list[Entry], settings_: dict[str, Any]) -> None:
    for one in journal:
        if not one.rule.startswith("modes."):
            continue
        mode = one.rule.split(".")[1]
        if not settings_[mode]["backed"]:
            assert all(account != accounts.FUNDING for account, _, _ in one.postings), one


def _queues_paid_in_order(journal: list[Entry]) -> None:
    """Static union payments and three-for-one payments go by claim, first in first out
    (a reversal may put a claim back in its place: the order restarts there)."""
    for rule in ("modes.union", "modes.three_for_one"):
        last = 0
        for one in journal:
            if one.kind == "mode_reversal":
                last = 0
            if one.rule == rule and one.kind == "queue_payment":
                if one.params.get("release", "static") != "static":
                    continue
                seq = int(one.params["claim"])
                assert seq > last, (rule, seq, last)
                last = seq


def _liabilities_are_what_is_owed(tenant: Modes) -> None:
    book = tenant.state.modes
    for found in liabilities(tenant.state.ledger, book.zones()):
        code = asset(found.zone, found.mode)
        if found.mode == "ads":
            owed = sum(tenant.balance(accounts.mode_holding(m, "z", "ads"), code) for m in MEMBERS)
        else:
            owed = sum(claim.left for claim in book.queue(found.zone, found.mode))
        assert found.owed == fen_of(owed, code)


@settings(max_examples=80, deadline=None)
@given(
    funding=st.sampled_from(["0.1", "0.3", "0.6"]),
    lock=st.integers(0, 3),
    steps=st.lists(
        st.one_of(st.integers(1, 3000), st.none()),  # an order of that many yuan, or a day
        min_size=3,
        max_size=40,
    ),
)
def test_unbacked_queues_pay_whole_claims_first_in_first_out(
    funding: str, lock: int, steps: list[int | None]
) -> None:
    tenant = Modes(
        {
            "u": {"union": {"funding": funding, "lock_days": lock}},
            "f": {"three_for_one": {"funding": funding, "threshold": "500"}},
        }
    )
    day = 0
    for n, amount in enumerate(steps):
        if amount is None:
            day += 1
            tenant.day("u", day)
            tenant.day("f", day)
        else:
            tenant.buy(f"m{n}", f"{amount}.00", "u", day=day)
            tenant.buy(f"m{n}", f"{amount}.00", "f", day=day)
        tenant.sound()
    _queues_paid_in_order(tenant.journal)
    _liabilities_are_what_is_owed(tenant)
    # whole claims only: each claim is paid once, and is then closed
    paid = [
        (one.rule, int(one.params["claim"]))
        for one in tenant.journal
        if one.kind == "queue_payment"
    ]
    assert len(paid) == len(set(paid))
    for rule, seq in paid:
        zone, mode = ("u", "union") if rule == "modes.union" else ("f", "three_for_one")
        claim = tenant.state.modes.claim(zone, mode, seq)
        assert claim is not None and claim.left == 0


@given(st.lists(st.integers(), max_size=50), st.integers(min_value=1, max_value=7))
def test_a_queue_in_batches_is_the_queue_in_order(items: list[int], size: int) -> None:
    batches = list(in_batches(iter(items), size))  # type: ignore[arg-type]
    assert [item for batch in batches for item in batch] == items
    assert all(0 < len(batch) <= size for batch in batches)
    assert all(len(batch) == size for batch in batches[:-1])


@given(
    amount=st.integers(1, 10**9),
    days=st.integers(1, 3650),
    cuts=st.lists(st.integers(0, 100), max_size=20),
)
def test_a_share_paid_over_days_rounds_down_each_day_and_ends_whole(
    amount: int, days: int, cuts: list[int]
) -> None:
    """Paid in full each day, the k-th day ends at ⌊amount × k ÷ days⌋ (a fen a day when
    the amount is less than the days); a day the reserve paid in part (a percent of the
    share, `cuts`) is finished the next day; either way the claim ends at its amount,
    never paying more than it owes."""
    claim = Claim(1, "A", amount, amount, "o1", days=days)
    paid_by_day = []
    while claim.left:
        due = share_due(claim)
        assert 0 < due <= claim.left
        part = due * cuts.pop(0) // 100 if cuts else due
        claim = claim._replace(left=claim.left - part)
        if part == due:
            paid_by_day.append(amount - claim.left)
    if amount >= days:
        assert paid_by_day == [amount * k // days for k in range(1, days + 1)]
    else:
        assert paid_by_day == list(range(1, amount + 1))
