"""Withdrawals (rules/withdrawals.py) beyond the pool's tests: a withdrawal the gateway
paid after it was rejected is taken back, the expected ledger written out here."""

from __future__ import annotations

import pytest

from tests.conftest import Tenant
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.events import (
    Join,
    PayRejectedWithdrawal,
    PayWithdrawal,
    RejectWithdrawal,
    Withdraw,
)
from zengzhi.core.ledger import Entry, audit


def a_wallet_of_1000() -> Tenant:
    """m1 holds 1,000.00 in the wallet (where it came from does not matter here)."""
    tenant = Tenant()
    tenant.apply(Join("j1", "m1"))
    seed = Entry(
        "seed",
        "subsidy",
        "test",
        (("platform:funding", "CNY", -100_000), ("member:m1:wallet", "CNY", 100_000)),
        {},
    )
    tenant.state.ledger.post(seed)  # in the journal with the next event's entries
    return tenant


def test_paid_after_rejection_takes_the_wallet_then_records_a_debt() -> None:
    tenant = a_wallet_of_1000()
    tenant.apply(Withdraw("w1", "m1", 80_000, 500))  # 800.00, a 5.00 fee
    tenant.apply(RejectWithdrawal("w1r", "w1"))  # 800.00 back: 1,000.00
    tenant.apply(Withdraw("w2", "m1", 70_000, 0))  # 700.00 held again: 300.00 left
    [late] = tenant.apply(PayRejectedWithdrawal("w1p", "w1"))
    assert (late.cause, late.kind, late.rule, late.corrects) == (
        "w1p",
        "withdrawal_paid_late",
        "withdrawal",
        "w1",
    )
    assert sorted(late.postings) == sorted(
        [
            ("member:m1:wallet", "CNY", -30_000),  # all the wallet held
            ("platform:reversals", "CNY", 30_000),
            ("member:m1:debt", "CNY", -50_000),  # the rest owed
            ("member:m1:owes:platform:reversals", "CNY", 50_000),
            ("platform:reversals", "CNY", -80_000),  # the cash that went out
            ("external:bank", "CNY", 79_500),
            ("platform:fees", "CNY", 500),
        ]
    )
    assert late.params == {"fee": "5.00", "debt": "500.00"}
    assert tenant.balance("member:m1:withdrawing") == 70_000  # w2 untouched
    assert audit(dict(tenant.state.ledger.balances), tenant.journal) == []  # type: ignore[attr-defined]


def test_the_debt_is_settled_back_to_the_platform_by_the_next_credit() -> None:
    tenant = a_wallet_of_1000()
    tenant.apply(Withdraw("w1", "m1", 100_000, 0))
    tenant.apply(RejectWithdrawal("w1r", "w1"))
    tenant.apply(Withdraw("w2", "m1", 100_000, 0))  # the wallet is empty again
    tenant.apply(PayRejectedWithdrawal("w1p", "w1"))
    assert tenant.balance("member:m1:debt") == -100_000
    assert tenant.balance("platform:reversals") == -100_000
    [back] = tenant.apply(RejectWithdrawal("w2r", "w2"))  # a credit: settles the debt first
    assert tenant.balance("member:m1:debt") == 0
    assert tenant.balance("member:m1:wallet") == 0
    assert tenant.balance("platform:reversals") == 0  # the platform has its cash back
    assert ("platform:reversals", "CNY", 100_000) in back.postings


@pytest.mark.parametrize("story", ["held", "paid", "late twice"])
def test_only_a_rejected_withdrawal_can_be_paid_late(story: str) -> None:
    tenant = a_wallet_of_1000()
    tenant.apply(Withdraw("w1", "m1", 10_000, 0))
    if story == "paid":
        tenant.apply(PayWithdrawal("w1p", "w1"))
    if story == "late twice":
        tenant.apply(RejectWithdrawal("w1r", "w1"))
        tenant.apply(PayRejectedWithdrawal("w1l", "w1"))
    before = list(tenant.journal)
    with pytest.raises(DomainError) as refused:
        tenant.apply(PayRejectedWithdrawal("w1x", "w1"))
    assert (refused.value.code, refused.value.field) == (ErrorCode.CONFLICT, "withdrawal")
    assert tenant.journal == before
