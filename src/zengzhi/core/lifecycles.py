"""The service's life cycles (spec 04), each declared once: its statuses, the steps it
may take, and when a step asked for again is already taken.

```
order       created → paid → completed → reversed
               ↘ cancelled  ↘ refunded
            created → completed          (paid with no return window)
withdrawal  held → approved → paying → paid
               ↘ rejected ↙      ↘ approved again (the payout failed)
            approved → paid              (finance paid it by hand)
            rejected → paid              (the gateway paid it after all: taken back)
run         queued → running → done
                        ↘ failed
                        ↘ interrupted   (its worker stopped heartbeating)
                        ↘ cancelled     (claimed, never started: its starter lost the right)
```

The stored strings are the enums' values. A step from where the record is not allowed
to go is one refusal (`conflict`, field `status`), and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from zengzhi.core.errors import DomainError, ErrorCode


class OrderStatus(StrEnum):
    CREATED = "created"
    PAID = "paid"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    REVERSED = "reversed"


class WithdrawalStatus(StrEnum):
    HELD = "held"
    APPROVED = "approved"
    PAYING = "paying"  # sent to the payout gateway, its answer awaited
    PAID = "paid"
    REJECTED = "rejected"

    def engine_status(self) -> str:
        """The status the engine's withdrawal rule knows: the hold is still held until
        the payout leaves the books or the rejection returns it."""
        if self in (WithdrawalStatus.PAID, WithdrawalStatus.REJECTED):
            return self.value
        return WithdrawalStatus.HELD.value


S = TypeVar("S", bound=StrEnum)


@dataclass(frozen=True)
class Step(Generic[S]):
    """A step a record may take: from `sources` to `target`. Asked for again in `target`
    or in `taken` (it went on past it), it is already taken, and answered with the record
    as it is."""

    sources: frozenset[S]
    target: S
    taken: frozenset[S] = frozenset()


@dataclass(frozen=True)
class Lifecycle(Generic[S]):
    what: str  # "order", "withdrawal": named in the refusal
    steps: Mapping[str, Step[S]]

    def start(self, key: str, current: S, step: str) -> bool:
        """Whether a record at `current` takes `step` now (False: taken already); a step
        it may not take from there is refused, and nothing changes."""
        declared = self.steps[step]
        if current == declared.target or current in declared.taken:
            return False
        if current not in declared.sources:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"{self.what} {key!r} is {current.value}: it cannot be {declared.target.value}",
                "status",
            )
        return True


_O = OrderStatus
ORDER = Lifecycle[OrderStatus](
    "order",
    {
        # paid with no return window, it goes on to completed in the same step; paid
        # again after it went on (completed, reversed, or refunded in its return
        # window), it answers the order as it is: the same order sent again with
        # `"pay": true` gives its first result (spec 04), not a refusal
        "pay": Step(
            frozenset({_O.CREATED}),
            _O.PAID,
            frozenset({_O.COMPLETED, _O.REVERSED, _O.REFUNDED}),
        ),
        "complete": Step(frozenset({_O.PAID}), _O.COMPLETED, frozenset({_O.REVERSED})),
        "cancel": Step(frozenset({_O.CREATED}), _O.CANCELLED),
        "refund": Step(frozenset({_O.PAID}), _O.REFUNDED),
        "reverse": Step(frozenset({_O.COMPLETED}), _O.REVERSED),
    },
)
# Orders a member has promised shopping points to, not yet spent (spec 04 mode G).
OPEN_ORDERS = frozenset({_O.CREATED, _O.PAID})
# Orders that count against a member's limits: all but those undone or never made.
LIVE_ORDERS = frozenset({_O.CREATED, _O.PAID, _O.COMPLETED})

_W = WithdrawalStatus
WITHDRAWAL = Lifecycle[WithdrawalStatus](
    "withdrawal",
    {
        # approved again once it went on to the gateway or was paid (a second tab, a
        # retried request): answered as it is, as an approval repeated before (one
        # paid after its rejection, docs/payments.md, is answered so too: nothing moves)
        "approve": Step(frozenset({_W.HELD}), _W.APPROVED, frozenset({_W.PAYING, _W.PAID})),
        "reject": Step(frozenset({_W.HELD, _W.APPROVED}), _W.REJECTED),
        # to the payout gateway; sent again once paid, answered as it is (nothing is sent)
        "send": Step(frozenset({_W.APPROVED}), _W.PAYING, frozenset({_W.PAID})),
        "pay": Step(frozenset({_W.APPROVED, _W.PAYING}), _W.PAID),
        "payout_failed": Step(frozenset({_W.PAYING}), _W.APPROVED),  # approved again
        # the gateway paid a request thought never to have arrived, after the rejection
        "paid_late": Step(frozenset({_W.REJECTED}), _W.PAID),
    },
)


class RunStatus(StrEnum):
    """A background run's (a simulation, a dry run: service/background.py)."""

    QUEUED = "queued"  # waiting for a worker
    RUNNING = "running"  # claimed by a worker, which heartbeats
    DONE = "done"
    FAILED = "failed"  # its command exited with an error, or passed its time limit
    INTERRUPTED = "interrupted"  # its worker stopped heartbeating: started again by hand
    # claimed by a worker and never started: whoever started it (an API key, a user) was
    # revoked, disabled or demoted while it waited; why is kept as its `error`
    CANCELLED = "cancelled"


_R = RunStatus
RUN = Lifecycle[RunStatus](
    "run",
    {
        "claim": Step(frozenset({_R.QUEUED}), _R.RUNNING),
        "finish": Step(frozenset({_R.RUNNING}), _R.DONE),
        "fail": Step(frozenset({_R.RUNNING}), _R.FAILED),
        "interrupt": Step(frozenset({_R.RUNNING}), _R.INTERRUPTED),
        "cancel": Step(frozenset({_R.RUNNING}), _R.CANCELLED),  # claimed, not yet started
    },
)
# Runs that hold their kind's one place per tenant.
ACTIVE_RUNS = frozenset({_R.QUEUED, _R.RUNNING})
