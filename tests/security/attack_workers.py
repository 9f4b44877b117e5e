"""What the platform attack's racing processes do (tests/security/test_attack_platform.py,
through races.py): finance deciding one withdrawal several ways at the same moment, and
members' withdrawals spending one balance at once. Each process opens its own context."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.security.races import answer_of, process_context
from zengzhi.service import wallets
from zengzhi.service.auth import Principal, Role
from zengzhi.service.wallets import WithdrawalDecision, WithdrawalRequest

ROUNDS = 6
THREADS = 3


def decide_rounds(url: str, secret: str, tenant: str, number: int, barrier: Any) -> list[str]:
    """Each round, withdrawal d{round} (held) is approved and marked paid by process 0,
    rejected by process 1, approved by process 2, from THREADS threads each, at once."""
    context = process_context(url, secret)
    finance = Principal(tenant, f"user:finance{number}", Role.FINANCE)
    outcomes: list[str] = []

    def act(withdrawal: str) -> str:
        if number % 3 == 1:
            return answer_of(
                lambda: wallets.reject(
                    context, finance, withdrawal, WithdrawalDecision(reason="test")
                )
            )
        approved = answer_of(lambda: wallets.approve(context, finance, withdrawal))
        if number % 3 == 2:
            return f"approve:{approved}"
        return f"approve:{approved} paid:" + answer_of(
            lambda: wallets.mark_paid(context, finance, withdrawal)
        )

    with ThreadPoolExecutor(THREADS) as threads:
        for round_ in range(ROUNDS):
            barrier.wait(timeout=30)
            outcomes += threads.map(lambda _: act(f"d{round_}"), range(THREADS))  # noqa: B023
    context.database.dispose()
    return outcomes


def spend_rounds(
    url: str, secret: str, tenant: str, amounts: list[str], number: int, barrier: Any
) -> list[str]:
    """Each round, every process and thread asks for a withdrawal of the round's amount
    (ids of its own) from member s{round}, whose wallet holds less than twice it, at once."""
    context = process_context(url, secret)
    shop = Principal(tenant, "key:race", Role.INTEGRATOR)
    outcomes: list[str] = []
    with ThreadPoolExecutor(THREADS) as threads:
        for round_ in range(ROUNDS):
            barrier.wait(timeout=30)
            outcomes += threads.map(
                lambda n: answer_of(
                    lambda: wallets.request_withdrawal(
                        context,
                        shop,
                        f"s{round_}",  # noqa: B023
                        WithdrawalRequest(id=f"w{round_}-{number}-{n}", amount=amounts[round_]),  # noqa: B023
                    )
                ),
                range(THREADS),
            )
    context.database.dispose()
    return outcomes


def same_id_rounds(url: str, secret: str, tenant: str, number: int, barrier: Any) -> list[str]:
    """Each round, every process and thread sends the round's one subsidy, then the
    round's one sale of m0's points, then the round's one agent sale (the same ids and
    contents) at the same moment: what each was answered."""
    from zengzhi.service import distribution, members, pools  # noqa: PLC0415

    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    outcomes: list[str] = []
    with ThreadPoolExecutor(6) as threads:
        for round_ in range(ROUNDS):
            subsidy = pools.SubsidyRequest(id=f"x{round_}", amount="10.00")
            sale = members.SellRequest(id=f"sell{round_}", points="0.0100")
            agent = distribution.NewAgent(
                id=f"g{round_}", member="m0", region=f"r{round_}", level="province", fee="5.00"
            )
            for send in (
                lambda: pools.subsidize(context, owner, "main", subsidy),  # noqa: B023
                lambda: members.sell(context, owner, "m0", sale),  # noqa: B023
                lambda: distribution.grant_agent(context, owner, agent),  # noqa: B023
            ):
                barrier.wait(timeout=30)
                outcomes += threads.map(lambda _: answer_of(send), range(6))  # noqa: B023
    context.database.dispose()
    return outcomes


def keys_while_taken_rounds(
    url: str, secret: str, tenant: str, number: int, barrier: Any
) -> list[str]:
    """Each round, process 0 takes owner k{round}'s rights away (disabled on even rounds,
    made an operator on odd ones) while the other processes, from THREADS threads each,
    make API keys as k{round}, at the same moment."""
    from zengzhi.service import users  # noqa: PLC0415
    from zengzhi.service.users import NewApiKey, UserChange  # noqa: PLC0415

    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    outcomes: list[str] = []
    with ThreadPoolExecutor(THREADS) as threads:
        for round_ in range(ROUNDS):
            user = f"k{round_}"
            taken = UserChange(disabled=True) if round_ % 2 == 0 else UserChange(role=Role.OPERATOR)
            maker = Principal(tenant, f"user:{user}", Role.OWNER)
            barrier.wait(timeout=30)
            if number == 0:
                outcomes.append(answer_of(lambda: users.change_user(context, owner, user, taken)))  # noqa: B023
                continue
            outcomes += threads.map(
                lambda n: answer_of(
                    lambda: users.create_api_key(context, maker, NewApiKey(name=f"k{number}-{n}"))  # noqa: B023
                ),
                range(THREADS),
            )
    context.database.dispose()
    return outcomes
