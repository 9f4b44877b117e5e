"""The life cycles (core/lifecycles.py) against the spec's diagrams (spec 04), written
out here as their edges: random sequences of steps take the legal ones, answer the ones
already taken with the record as it is, and refuse the rest, changing nothing."""

from __future__ import annotations

from enum import StrEnum

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.lifecycles import (
    ORDER,
    WITHDRAWAL,
    Lifecycle,
    OrderStatus,
    WithdrawalStatus,
)

# spec 04: created → paid → completed → reversed; created ↘ cancelled; paid ↘ refunded
ORDER_EDGES = {
    ("pay", "created"): "paid",
    ("complete", "paid"): "completed",
    ("cancel", "created"): "cancelled",
    ("refund", "paid"): "refunded",
    ("reverse", "completed"): "reversed",
}
# a step asked for again after the order went on past it: the first answer stands
ORDER_PAST = {
    ("pay", "completed"),
    ("pay", "reversed"),
    ("pay", "refunded"),
    ("complete", "reversed"),
}

# spec 04: held → approved → (paying →) paid; held or approved → rejected; a payout
# that fails is approved again, for finance to retry or reject
WITHDRAWAL_EDGES = {
    ("approve", "held"): "approved",
    ("reject", "held"): "rejected",
    ("reject", "approved"): "rejected",
    ("send", "approved"): "paying",
    ("pay", "approved"): "paid",
    ("pay", "paying"): "paid",
    ("payout_failed", "paying"): "approved",
    # not in spec 04: the gateway paid a request it had said it never received, after
    # finance rejected the withdrawal (docs/payments.md, "Paid after it was rejected")
    ("paid_late", "rejected"): "paid",
}

# approved again once it was sent or paid, sent again once paid: the first answer stands
WITHDRAWAL_PAST = {("approve", "paying"), ("approve", "paid"), ("send", "paid")}

CASES: list[
    tuple[Lifecycle[StrEnum], StrEnum, dict[tuple[str, str], str], set[tuple[str, str]]]
] = [
    (ORDER, OrderStatus.CREATED, ORDER_EDGES, ORDER_PAST),  # type: ignore[list-item]
    (WITHDRAWAL, WithdrawalStatus.HELD, WITHDRAWAL_EDGES, WITHDRAWAL_PAST),  # type: ignore[list-item]
]


@pytest.mark.parametrize(("lifecycle", "start", "edges", "past"), CASES)
@given(data=st.data())
def test_random_steps_follow_the_spec(
    lifecycle: Lifecycle[StrEnum],
    start: StrEnum,
    edges: dict[tuple[str, str], str],
    past: set[tuple[str, str]],
    data: st.DataObject,
) -> None:
    steps = data.draw(st.lists(st.sampled_from(sorted(lifecycle.steps)), max_size=12))
    status = start
    for step in steps:
        target = lifecycle.steps[step].target
        legal = edges.get((step, status.value))
        already = status == target or (step, status.value) in past
        if legal is not None and not already:
            assert lifecycle.start("k1", status, step) is True
            status = type(status)(legal)
        elif already:
            assert lifecycle.start("k1", status, step) is False
        else:
            with pytest.raises(DomainError) as refused:
                lifecycle.start("k1", status, step)
            assert (refused.value.code, refused.value.field) == (ErrorCode.CONFLICT, "status")
            assert f"is {status.value}" in refused.value.message


def test_the_tables_hold_the_spec_edges_and_no_others() -> None:
    for lifecycle, _, edges, _ in CASES:
        declared = {
            (name, source.value): step.target.value
            for name, step in lifecycle.steps.items()
            for source in step.sources
        }
        assert declared == edges


def test_the_stored_strings_are_unchanged() -> None:
    assert [s.value for s in OrderStatus] == [
        "created", "paid", "completed", "cancelled", "refunded", "reversed"
    ]  # fmt: skip
    assert [s.value for s in WithdrawalStatus] == ["held", "approved", "paying", "paid", "rejected"]


def test_the_engine_sees_a_hold_until_it_is_paid_or_rejected() -> None:
    folded = {s.value: s.engine_status() for s in WithdrawalStatus}
    assert folded == {
        "held": "held",
        "approved": "held",
        "paying": "held",
        "paid": "paid",
        "rejected": "rejected",
    }
