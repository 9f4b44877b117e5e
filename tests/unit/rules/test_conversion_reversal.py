"""Issue 19: an order reversed after the contribution it paid was converted takes back
what that contribution became: cash at the rate paid (wallet, then a cash debt), shares
at the rate issued, and for points (or shares already gone) a contribution debt that the
member's next contribution rewards settle before anything converts again. Each case
writes the reversal's entry out: its postings, per account, and what it says."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conftest import Tenant
from tests.unit.rules.test_distribution_examples import network, order
from zengzhi.core.errors import DomainError
from zengzhi.core.events import ConvertContribution, PayWithdrawal, ReverseOrder, Withdraw
from zengzhi.core.ledger import CNY, Entry
from zengzhi.engine.snapshot import check, snapshot

CONTRIB, SHARES, MEMO = "CONTRIB", "SHARES", "CONVERTED"
BUDGET = "platform:distribution"


def _earner(*fen: int) -> Tenant:
    """Member a earns `fen` of contribution on each of buyer's orders c0, c1… (10%)."""
    tenant = network(
        {"commission": {"rates": ["0.1"], "pay_in": "contribution"}}, ("a", None), ("buyer", "a")
    )
    for n, amount in enumerate(fen):
        order(tenant, f"c{n}", "buyer", amount * 10, amount)
    return tenant


def _net(one: Entry) -> dict[tuple[str, str], int]:
    """An entry's postings, summed per account and asset."""
    total: Counter[tuple[str, str]] = Counter()
    for account, asset, amount in one.postings:
        total[account, asset] += amount
    return {key: amount for key, amount in total.items() if amount}


def _reversal(tenant: Tenant, reversal: str, of: str) -> Entry:
    entries = tenant.apply(ReverseOrder(reversal, of))
    (found,) = [e for e in entries if e.kind == "reward_reversal"]
    assert found.corrects == of and found.cause == reversal
    return found


def _sound(tenant: Tenant) -> None:
    assert check(tenant.state) == []
    # the reserve backs every contribution balance held, fen for fen, and nothing else
    held = sum(tenant.balance(f"member:{m}:contribution", CONTRIB) for m in tenant.state.members)
    assert tenant.balance("platform:contribution_reserve") == held


def test_before_the_conversion_the_balance_is_taken_back() -> None:
    tenant = _earner(10_000)
    found = _reversal(tenant, "x0", "c0")
    assert _net(found) == {
        ("member:a:contribution", CONTRIB): -10_000,
        ("platform:contribution_issued", CONTRIB): 10_000,
        ("platform:contribution_reserve", CNY): -10_000,
        (BUDGET, CNY): 10_000,
    }
    assert found.params["contribution"] == "100.00" and found.params["debt"] == "0.00"
    # nothing left to convert
    assert tenant.apply(ConvertContribution("v1", "cash", "1", "after")) == []
    _sound(tenant)


def test_cash_conversion_is_taken_back_from_the_wallet_at_the_rate_paid() -> None:
    tenant = _earner(10_000)
    tenant.apply(ConvertContribution("v1", "cash", "0.8", "year end"))
    found = _reversal(tenant, "x0", "c0")
    assert _net(found) == {
        ("member:a:wallet", CNY): -8_000,  # what the conversion paid
        ("platform:profit", CNY): -2_000,  # what the conversion kept
        (BUDGET, CNY): 10_000,  # the budget gets the whole reward back
        ("member:a:converted_cash_back", MEMO): 10_000,  # the memo: 100.00 taken back…
        ("member:a:converted_cash_paid_back", MEMO): 8_000,  # …that had paid 80.00
        ("platform:converted", MEMO): -18_000,
    }
    assert found.params["cash"] == "80.00" and found.params["debt"] == "0.00"
    assert "contribution_debt" not in found.params
    assert tenant.balance("member:a:debt", CONTRIB) == 0
    assert tenant.balance("platform:profit") == 0  # the order and its reversal net out
    _sound(tenant)


def test_cash_spent_is_a_cash_debt_to_the_budget() -> None:
    tenant = _earner(10_000)
    tenant.apply(ConvertContribution("v1", "cash", "1", "paid out"))
    tenant.apply(Withdraw("w1", "a", 7_000, 0))
    tenant.apply(PayWithdrawal("w1p", "w1"))
    found = _reversal(tenant, "x0", "c0")
    assert _net(found) == {
        ("member:a:wallet", CNY): -3_000,
        ("member:a:debt", CNY): -7_000,
        ("member:a:owes:platform:distribution", CNY): 7_000,
        (BUDGET, CNY): 3_000,
        ("member:a:converted_cash_back", MEMO): 10_000,
        ("member:a:converted_cash_paid_back", MEMO): 10_000,
        ("platform:converted", MEMO): -20_000,
    }
    assert found.params["cash"] == "100.00" and found.params["debt"] == "70.00"
    assert snapshot(tenant.state)["members"]["a"]["debt"] == "70.00"
    _sound(tenant)


def test_shares_are_taken_back_at_the_rate_issued() -> None:
    tenant = _earner(400_000)  # 4000 yuan at 1 share per 2000 yuan (seed 004): 2 shares
    tenant.apply(ConvertContribution("v1", "shares", "0.0005", "原始股"))
    assert tenant.balance("member:a:shares", SHARES) == 2_0000
    found = _reversal(tenant, "x0", "c0")
    assert _net(found) == {
        ("member:a:shares", SHARES): -2_0000,
        ("platform:shares_issued", SHARES): 2_0000,
        ("platform:profit", CNY): -400_000,
        (BUDGET, CNY): 400_000,
        ("member:a:converted_shares_back", MEMO): 400_000,
        ("member:a:converted_shares_back", SHARES): 2_0000,
        ("platform:converted", MEMO): -400_000,
        ("platform:converted", SHARES): -2_0000,
    }
    assert found.params["shares"] == "2.0000"
    assert tenant.balance("member:a:debt", CONTRIB) == 0
    _sound(tenant)


def test_points_leave_a_contribution_debt_settled_by_the_next_rewards() -> None:
    tenant = _earner(10_000)
    tenant.apply(ConvertContribution("v1", "points", "1", "into points", (), "main"))
    points = tenant.balance("member:a:points:main", "PTS:main")
    found = _reversal(tenant, "x0", "c0")
    assert _net(found) == {
        ("member:a:debt", CONTRIB): -10_000,
        ("platform:contribution_issued", CONTRIB): 10_000,
        ("platform:reversals", CNY): -10_000,  # the platform fronts it to the budget
        (BUDGET, CNY): 10_000,
    }
    assert found.params["contribution_debt"] == "100.00"
    assert tenant.balance("member:a:points:main", "PTS:main") == points  # points stay
    # the next reward (30.00) settles the debt first, and its money goes to what fronted it
    entries = order(tenant, "c1", "buyer", 30_000, 3_000)
    (reward,) = [e for e in entries if e.kind == "reward"]
    assert _net(reward) == {
        (BUDGET, CNY): -3_000,
        ("platform:reversals", CNY): 3_000,
        ("platform:contribution_issued", CONTRIB): -3_000,
        ("member:a:debt", CONTRIB): 3_000,
    }
    assert tenant.balance("member:a:debt", CONTRIB) == -7_000
    # nothing to convert while the debt is open
    assert tenant.apply(ConvertContribution("v2", "cash", "1", "again")) == []
    order(tenant, "c2", "buyer", 100_000, 10_000)  # 100.00: 70.00 settles, 30.00 held
    assert tenant.balance("member:a:debt", CONTRIB) == 0
    assert tenant.balance("member:a:contribution", CONTRIB) == 3_000
    assert tenant.balance("platform:reversals") == 0  # fronted, and paid back in full
    _sound(tenant)


def test_part_held_part_converted() -> None:
    # c0 pays 100.00, converted into cash at 1; c1 pays 30.00, still held. Reversing c0
    # takes the 30.00 held first (a balance is one sum), then 70.00 of the conversion.
    tenant = _earner(10_000)
    tenant.apply(ConvertContribution("v1", "cash", "1", "paid out"))
    order(tenant, "c1", "buyer", 30_000, 3_000)
    found = _reversal(tenant, "x0", "c0")
    assert _net(found) == {
        ("member:a:contribution", CONTRIB): -3_000,
        ("platform:contribution_issued", CONTRIB): 3_000,
        ("platform:contribution_reserve", CNY): -3_000,
        ("member:a:wallet", CNY): -7_000,
        (BUDGET, CNY): 10_000,
        ("member:a:converted_cash_back", MEMO): 7_000,
        ("member:a:converted_cash_paid_back", MEMO): 7_000,
        ("platform:converted", MEMO): -14_000,
    }
    assert found.params["contribution"] == "30.00" and found.params["cash"] == "70.00"
    # c1 reversed next: its 30.00 is the rest of the conversion, from the wallet
    second = _reversal(tenant, "x1", "c1")
    assert _net(second)[("member:a:wallet", CNY)] == -3_000
    assert tenant.balance("member:a:wallet") == 0
    assert tenant.balance("member:a:converted_cash_back", MEMO) == 10_000  # all of it
    _sound(tenant)


def test_two_reversals_across_two_conversions() -> None:
    # 100.00 into cash at 0.5, then 40.00 into shares: each reversal takes back its kind
    # while the memo of that kind lasts (cash first), never more than either conversion gave
    tenant = _earner(10_000)
    tenant.apply(ConvertContribution("v1", "cash", "0.5", "half"))
    order(tenant, "c1", "buyer", 40_000, 4_000)
    tenant.apply(ConvertContribution("v2", "shares", "0.0005", "股"))
    first = _reversal(tenant, "x1", "c1")  # 40.00: cash first, at the rate paid (0.5)
    assert _net(first)[("member:a:wallet", CNY)] == -2_000
    assert first.params["cash"] == "20.00" and "shares" not in first.params
    second = _reversal(tenant, "x0", "c0")  # 100.00: 60.00 of cash left, then 40.00 shares
    assert second.params["cash"] == "30.00" and second.params["shares"] == "0.0200"
    assert tenant.balance("member:a:wallet") == 0
    assert tenant.balance("member:a:shares", SHARES) == 0
    assert tenant.balance("member:a:debt", CONTRIB) == 0
    # both orders refunded in full: their budgets came back whole, and what the
    # conversions kept as profit went back with them
    assert tenant.balance(BUDGET) == 0 and tenant.balance("platform:profit") == 0
    _sound(tenant)


@pytest.mark.parametrize("into", ["cash", "shares", "points"])
def test_a_second_reversal_of_the_order_changes_nothing(into: str) -> None:
    tenant = _earner(10_000)
    rate = "0.0005" if into == "shares" else "1"
    tenant.apply(
        ConvertContribution("v1", into, rate, "r", (), "main" if into == "points" else None)
    )
    tenant.apply(ReverseOrder("x0", "c0"))
    before = dict(tenant.state.ledger.balances)  # type: ignore[attr-defined]
    with pytest.raises(DomainError) as refused:
        tenant.apply(ReverseOrder("x1", "c0"))
    assert refused.value.field == "order"
    assert dict(tenant.state.ledger.balances) == before  # type: ignore[attr-defined]
    _sound(tenant)


# ------------------------------------------------ attacks


@pytest.mark.parametrize(
    "rate",
    ["1e3", "１０００", "-1", "-0.5", "0", "NaN", "inf", "1/2", " 1", "1" + "0" * 40],
)
def test_a_bad_rate_is_refused_naming_it_and_changes_nothing(rate: str) -> None:
    tenant = _earner(10_000)
    before = dict(tenant.state.ledger.balances)  # type: ignore[attr-defined]
    with pytest.raises(DomainError) as refused:
        tenant.apply(ConvertContribution("v1", "cash", rate, "why"))
    assert refused.value.field == "rate"
    assert dict(tenant.state.ledger.balances) == before  # type: ignore[attr-defined]


@pytest.mark.parametrize("into", ["cash", "shares"])
def test_a_rate_that_would_give_a_trillion_is_refused_before_anyone_converts(into: str) -> None:
    # a small balance converts, a big one would overflow: neither does (the rate is
    # valid, under a trillion; what it gives the big balance is not)
    tenant = network(
        {"commission": {"rates": ["0.1"], "pay_in": "contribution"}},
        ("a", None),
        ("b", None),
        ("x", "a"),
        ("y", "b"),
    )
    order(tenant, "small", "x", 1_000, 100)  # a: 1.00
    order(tenant, "big", "y", 10**11, 10**10)  # b: 100 000 000.00
    before = dict(tenant.state.ledger.balances)  # type: ignore[attr-defined]
    with pytest.raises(DomainError) as refused:
        tenant.apply(ConvertContribution("v1", into, "100000", "why"))
    assert refused.value.field == "rate" and "'b'" in str(refused.value)
    assert dict(tenant.state.ledger.balances) == before  # type: ignore[attr-defined]


ORDERS = [
    ("convert", "reverse", "reverse"),
    ("reverse", "convert", "reverse"),
    ("reverse", "reverse", "convert"),
]


@pytest.mark.parametrize("into", ["cash", "shares", "points"])
@pytest.mark.parametrize("steps", ORDERS, ids="-".join)
def test_an_order_reversed_twice_in_every_order_is_reversed_once(
    into: str, steps: tuple[str, ...]
) -> None:
    """A conversion and two reversals of the same order, in every order: the second
    reversal is refused and changes nothing, and the books end as with one reversal."""
    once = _earner(10_000, 5_000)
    twice = _earner(10_000, 5_000)
    rate = "0.0005" if into == "shares" else "0.5"
    convert = ConvertContribution("v1", into, rate, "r", (), "main" if into == "points" else None)
    done = 0
    for n, step in enumerate(steps):
        if step == "convert":
            once.apply(convert)
            twice.apply(convert)
            continue
        if done:
            before = dict(twice.state.ledger.balances)  # type: ignore[attr-defined]
            with pytest.raises(DomainError) as refused:
                twice.apply(ReverseOrder(f"x{n}", "c0"))
            assert refused.value.field == "order"
            assert dict(twice.state.ledger.balances) == before  # type: ignore[attr-defined]
            continue
        once.apply(ReverseOrder(f"x{n}", "c0"))
        twice.apply(ReverseOrder(f"x{n}", "c0"))
        done += 1
    assert snapshot(once.state) == snapshot(twice.state)
    _sound(twice)


def test_two_reversals_of_a_conversion_at_an_odd_rate_end_the_same_in_either_order() -> None:
    # 0.33 a yuan, on 1.01 and 2.02 (3.03 converted, 0.99 paid): whichever order the two
    # come in, together they take back 0.99, and each alone its cumulative share
    ends = []
    for first, second in (("c0", "c1"), ("c1", "c0")):
        tenant = _earner(101, 202)
        tenant.apply(ConvertContribution("v1", "cash", "0.33", "odd"))
        assert tenant.balance("member:a:wallet") == 99
        taken = [
            _net(_reversal(tenant, f"x-{one}", one)).get(("member:a:wallet", CNY), 0)
            for one in (first, second)
        ]
        assert sum(taken) == -99
        ends.append(dict(tenant.state.ledger.balances))  # type: ignore[attr-defined]
        _sound(tenant)
    assert ends[0] == ends[1]
