"""What the racing processes of tests/security/test_payment_races.py do: the gateway's
payment notification for an order arriving at the moment the shop cancels it. Each
process opens its own context; each round is one order, p{round}."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.security.money_race_workers import _jitter
from tests.security.races import answer_of, process_context
from zengzhi.core.errors import DomainError
from zengzhi.core.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature
from zengzhi.service import orders, payments
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context

ROUNDS = 8
AMOUNT = "500.00"


def notification(order: str, secret: str, payment: str = "") -> tuple[dict[str, str], bytes]:
    """The gateway's signed payment of `order` (notification pay-{order}{payment}, the
    payment tx-{order}{payment}), signed now: headers as the route hands them to the
    service (lower-case names), and the body."""
    body = {
        "id": f"pay-{order}{payment}",
        "payment": f"tx-{order}{payment}",  # the gateway's id of the payment
        "type": "payment.succeeded",
        "order": order,
        "amount": AMOUNT,
    }
    raw = json.dumps(body).encode()
    stamp = int(time.time())
    headers = {
        TIMESTAMP_HEADER.lower(): str(stamp),
        SIGNATURE_HEADER.lower(): signature(secret, stamp, raw),
    }
    return headers, raw


def pay_or_cancel(
    url: str, secret: str, tenant: str, gateway_secret: str, number: int, barrier: Any
) -> list[str]:
    """Each round, at one instant: the shop cancels order p{round} (process 0) and the
    gateway's notification pays it (process 1; the cancel a little later each round). Process 0
    answers "ok" or the refusal's code; process 1 "ok <status>" (what the answer said
    the order is now) or the refusal's code."""
    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    said: list[str] = []
    for round_ in range(ROUNDS):
        order = f"p{round_}"
        barrier.wait(timeout=30)
        # the cancel a little later each round: the notification's checks before it reaches
        # the order (its tenant's adapter read, the signature) take some milliseconds
        _jitter(round_, 1 - number)
        if number == 0:
            said.append(answer_of(lambda order=order: orders.cancel(context, owner, order)))
            continue
        said.append(_notified(context, tenant, order, gateway_secret))
    context.database.dispose()
    return said


def _notified(
    context: Context, tenant: str, order: str, gateway_secret: str, payment: str = ""
) -> str:
    """The gateway's payment of `order` received: "ok <status>" (what the answer said the
    order is now) or the refusal's code."""
    headers, raw = notification(order, gateway_secret, payment)
    try:
        accepted = payments.receive(context, tenant, headers, raw)
    except DomainError as error:
        return str(error.code)
    return f"ok {accepted.status}"


def pay_twice(
    url: str, secret: str, tenant: str, gateway_secret: str, number: int, barrier: Any
) -> list[str]:
    """Each round, at one instant in both processes: a payment of order p{round}, each
    process's its own (id pay-p{round}-{number}: the buyer paid twice). Answers "ok
    <status>" (what the answer said the order is now) or the refusal's code."""
    context = process_context(url, secret)
    said: list[str] = []
    for round_ in range(ROUNDS):
        order = f"p{round_}"
        barrier.wait(timeout=30)
        _jitter(round_, number)
        said.append(_notified(context, tenant, order, gateway_secret, f"-{number}"))
    context.database.dispose()
    return said


def return_owed_back(url: str, secret: str, tenant: str, number: int, barrier: Any) -> list[str]:
    """Each round, at one instant in both processes: the owner records that what order
    p{round}'s payment after its cancel owes back was returned to the buyer, with a note
    naming the process. Answers "done" (recorded now), "before" (the service's answer:
    recorded by the other) or the refusal's code."""
    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    said: list[str] = []
    for round_ in range(ROUNDS):
        barrier.wait(timeout=30)
        _jitter(round_, number)
        asked = payments.OwedBackReturn(note=f"process {number}")
        try:
            _, now = payments.return_owed_back_once(context, owner, f"p{round_}", asked)
        except DomainError as error:
            said.append(str(error.code))
        else:
            said.append("done" if now else "before")
    context.database.dispose()
    return said
