"""What the money races' processes do (tests/security/test_money_races.py, through
races.py): a member's order reversed while money comes back to the member's wallet at
the same moment; one withdrawal id sent with two bodies at once. Each process opens its
own context."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.security.races import answer_of, process_context
from zengzhi.service import orders, wallets
from zengzhi.service.auth import Principal, Role
from zengzhi.service.wallets import WithdrawalDecision, WithdrawalRequest

ROUNDS = 12
STEP = 0.004  # seconds: the credit starts this much later each round


def _jitter(round_: int, number: int) -> None:
    """The second process starts `round_` steps after the first: the long reversal
    reaches the wallet at some moment in that sweep, whatever this machine's speed."""
    if number:
        time.sleep(round_ * STEP)


REASON = WithdrawalDecision(reason="test")


def reverse_or_reject(url: str, secret: str, tenant: str, number: int, barrier: Any) -> list[str]:
    """Each round, member r{round} has withdrawn its whole wallet (the proceeds of order
    o-r{round}): process 0 reverses the order while process 1 rejects the withdrawal."""
    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    finance = Principal(tenant, "user:finance", Role.FINANCE)
    outcomes: list[str] = []
    for round_ in range(ROUNDS):
        member = f"r{round_}"
        barrier.wait(timeout=30)
        _jitter(round_, number)
        if number == 0:
            outcomes.append(answer_of(lambda: orders.reverse(context, owner, f"o-{member}")))  # noqa: B023
        else:
            outcomes.append(
                answer_of(lambda: wallets.reject(context, finance, member, REASON))  # noqa: B023
            )
    context.database.dispose()
    return outcomes


def same_key_rounds(
    url: str, secret: str, tenant: str, amounts: list[str], number: int, barrier: Any
) -> list[str]:
    """Each round, four threads a process ask for withdrawal k{round} of member
    q{round} at once, half for its whole wallet and half for 1.00 (the same id, two
    bodies): `<amount>:<answer>`."""
    context = process_context(url, secret)
    shop = Principal(tenant, "key:race", Role.INTEGRATOR)
    outcomes: list[str] = []
    with ThreadPoolExecutor(4) as threads:
        for round_ in range(len(amounts)):
            barrier.wait(timeout=30)

            def one(n: int) -> str:
                body = amounts[round_] if (n + number) % 2 == 0 else "1.00"  # noqa: B023
                asked = WithdrawalRequest(id=f"k{round_}", amount=body)  # noqa: B023
                member = f"q{round_}"  # noqa: B023
                return f"{body}:" + answer_of(
                    lambda: wallets.request_withdrawal(context, shop, member, asked)
                )

            outcomes += threads.map(one, range(4))
    context.database.dispose()
    return outcomes
