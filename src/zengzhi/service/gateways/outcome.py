"""What became of a payout, as a gateway says it (or cannot say)."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Outcome(StrEnum):
    PAID = "paid"  # the money reached the payee
    FAILED = "failed"  # definitely not paid (refused, closed, cancelled): may be retried
    PENDING = "pending"  # accepted, still moving (or waiting for the payee to confirm)
    UNKNOWN = "unknown"  # no answer we can trust (timeout, 5xx, bad signature): query later
    NOT_FOUND = "not_found"  # the gateway never received it: safe to send again


class PayoutResult(NamedTuple):
    outcome: Outcome
    detail: str
    reference: str | None = None  # the gateway's own id of the transfer
    # WeChat Pay's package for the payee's confirmation page while the transfer waits for
    # them (WAIT_USER_CONFIRM): the payee's app passes it to wx.requestMerchantTransfer
    package_info: str | None = None
