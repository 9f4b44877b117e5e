"""What the pool's racing processes do (tests/security/test_pool_races.py, through
races.py): one order's whole story sent by every process at once, and the operator
changing the pool while other processes' orders are being applied. Each process opens
its own context."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.security.races import answer_of, process_context
from zengzhi.service import members, orders, pools
from zengzhi.service.auth import Principal, Role

ROUNDS = 4
THREADS = 3


def story_rounds(url: str, secret: str, tenant: str, number: int, barrier: Any) -> list[str]:
    """Each round, every process and thread sends order o{round}'s story at once: created
    (the same id and body), paid, completed, reversed; then member m0 sells with one id."""
    context = process_context(url, secret)
    shop = Principal(tenant, "key:race", Role.INTEGRATOR)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    outcomes: list[str] = []
    with ThreadPoolExecutor(THREADS) as threads:
        for round_ in range(ROUNDS):
            order = orders.NewOrder(
                id=f"o{round_}", member="m1", amount="1000.00", contribution="300.00"
            )
            sale = members.SellRequest(id=f"s{round_}", points="0.5000")
            steps: list[Callable[[], object]] = [
                lambda: orders.create_order(context, shop, order),  # noqa: B023
                lambda: orders.pay(context, shop, order.id),  # noqa: B023
                lambda: orders.complete(context, shop, order.id),  # noqa: B023
                lambda: orders.reverse(context, owner, order.id),  # noqa: B023
                lambda: members.sell(context, owner, "m0", sale),  # noqa: B023
            ]
            for send in steps:
                barrier.wait(timeout=30)
                outcomes += threads.map(lambda _: answer_of(send), range(THREADS))  # noqa: B023
            # order p{round}: once created, its payment, completion and reversal all at once
            mixed = orders.NewOrder(
                id=f"p{round_}", member="m2", amount="500.00", contribution="150.00"
            )
            barrier.wait(timeout=30)
            answer_of(lambda: orders.create_order(context, shop, mixed))  # noqa: B023
            barrier.wait(timeout=30)
            moves = [
                lambda: orders.pay(context, shop, mixed.id),  # noqa: B023
                lambda: orders.complete(context, shop, mixed.id),  # noqa: B023
                lambda: orders.reverse(context, owner, mixed.id),  # noqa: B023
            ]
            outcomes += [
                "mixed:" + answer
                for answer in threads.map(
                    lambda n: answer_of(moves[(n + number) % 3]),  # noqa: B023
                    range(THREADS),
                )
            ]
    context.database.dispose()
    return outcomes


def change_rounds(url: str, secret: str, tenant: str, number: int, barrier: Any) -> list[str]:
    """Process 0 changes the pool (the exit multiple, the mint ratio, the sell fee, a pause)
    while the others complete and reverse orders of their own, at the same moments."""
    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    changes = [
        pools.PoolParamsIn(exit_multiple="1.2"),
        pools.PoolParamsIn(mint_ratio="0.5", sell_fee="0"),
        pools.PoolParamsIn(minting_enabled=False),
        pools.PoolParamsIn(minting_enabled=True, exit_multiple="3", sell_fee="0.5"),
    ]
    outcomes: list[str] = []
    with ThreadPoolExecutor(THREADS) as threads:
        for round_ in range(ROUNDS):
            barrier.wait(timeout=30)
            if number == 0:
                outcomes.append(
                    answer_of(lambda: pools.configure_pool(context, owner, "main", changes[round_]))  # noqa: B023
                )
                continue

            def story(n: int) -> str:
                order_id = f"c{round_}-{number}-{n}"  # noqa: B023
                order = orders.NewOrder(
                    id=order_id, member=f"m{n % 3}", amount="100.00", contribution="30.00"
                )
                answers = [
                    answer_of(lambda: orders.create_order(context, owner, order)),
                    answer_of(lambda: orders.pay(context, owner, order_id)),
                ]
                if n == 0:
                    answers.append(answer_of(lambda: orders.reverse(context, owner, order_id)))
                return ",".join(answers)

            outcomes += threads.map(story, range(THREADS))
    context.database.dispose()
    return outcomes
