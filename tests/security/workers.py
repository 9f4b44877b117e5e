"""What the security suite's racing processes do (see races.py). Each function is one
process: it opens its own context on the test's database, and in each round waits at
the barrier so that every process acts at the same moment."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.security.races import process_context
from zengzhi.core.errors import DomainError
from zengzhi.service import members, orders, sessions
from zengzhi.service.auth import Principal, Role
from zengzhi.service.members import Binding, NewMember
from zengzhi.service.orders import NewOrder
from zengzhi.service.sessions import Login

PASSWORD = "correct horse battery staple"  # tests/service/conftest.py's
THREADS = 20  # sign-ins at once in one process (argon2 runs outside the GIL)
ROUNDS = 6


def _code(error: DomainError) -> str:
    return str(error.code)


def guess(
    url: str,
    secret: str,
    tenant: str,
    password: str,
    number: int,
    barrier: Any,
    threads: int = THREADS,
) -> list[int]:
    """`threads` sign-ins at once with `password`, each spelling the tenant and "owner"
    in a case of its own (32 spellings of "owner": one name, one count); the status
    each would answer."""
    context = process_context(url, secret)

    def one(thread: int) -> int:
        n = number * threads + thread
        owner = "".join(c.upper() if n >> i & 1 else c for i, c in enumerate("owner"))
        spelt = tenant.upper() if n & 32 else tenant
        asked = Login(tenant=spelt, username=owner, password=password)
        try:
            sessions.login(context, asked)
        except DomainError as error:
            return {"unauthorized": 401, "too_many": 429}[error.code]
        return 200

    with ThreadPoolExecutor(threads) as pool:
        answers = list(pool.map(one, range(threads)))
    context.database.dispose()
    return answers


def mixed(url: str, secret: str, tenant: str, number: int, barrier: Any) -> list[int]:
    """Process 0 signs in with the right password, the others guess."""
    password = PASSWORD if number == 0 else "wrong guess!"
    return guess(url, secret, tenant, password, number, barrier, 5 if number == 0 else THREADS)


def bind_rounds(
    url: str, secret: str, tenant: str, ring: int, number: int, barrier: Any
) -> list[str]:
    """Process `number` of `ring`: each round, bind r{round}-{number} to the next member
    of the ring at the same moment as the others bind theirs."""
    context = process_context(url, secret)
    shop = Principal(tenant, "key:race", Role.INTEGRATOR)
    outcomes = []
    for round_ in range(ROUNDS):
        barrier.wait(timeout=30)
        member, referrer = f"r{round_}-{number}", f"r{round_}-{(number + 1) % ring}"
        try:
            members.bind(context, shop, member, Binding(referrer=referrer))
            outcomes.append("bound")
        except DomainError as error:
            outcomes.append(_code(error))
    context.database.dispose()
    return outcomes


def order_rounds(
    url: str, secret: str, tenant: str, amount: str, number: int, barrier: Any
) -> list[str]:
    """Each round, every process orders for the round's member at the same moment."""
    context = process_context(url, secret)
    shop = Principal(tenant, "key:race", Role.INTEGRATOR)
    outcomes = []
    for round_ in range(ROUNDS):
        barrier.wait(timeout=30)
        body = NewOrder(
            id=f"o{round_}-{number}", member=f"m{round_}", amount=amount, contribution="0"
        )
        try:
            orders.create_order(context, shop, body)
            outcomes.append("created")
        except DomainError as error:
            outcomes.append(_code(error))
    context.database.dispose()
    return outcomes


PHONES = ("+86 138 0000 %04d", "+86-138-0000-%04d", "+861380000%04d")


def join_rounds(url: str, secret: str, tenant: str, number: int, barrier: Any) -> list[str]:
    """Each round, every process registers a member with the round's phone, written in
    one of three ways (the key is its digits)."""
    context = process_context(url, secret)
    shop = Principal(tenant, "key:race", Role.INTEGRATOR)
    outcomes = []
    for round_ in range(ROUNDS):
        barrier.wait(timeout=30)
        body = NewMember(id=f"p{round_}-{number}", phone=PHONES[number % 3] % round_)
        try:
            members.create_member(context, shop, body)
            outcomes.append("created")
        except DomainError as error:
            outcomes.append(_code(error))
    context.database.dispose()
    return outcomes


def forge(url: str, secret: str, tenant: str, count: int, number: int, barrier: Any) -> list[str]:
    """`count` forged gateway notifications at once (threads), as anyone on the internet
    may send them; the code each is refused with."""
    from zengzhi.service import payments  # noqa: PLC0415  (only this worker needs it)

    context = process_context(url, secret)
    body = b'{"id": "forged", "type": "payment.succeeded", "order": "A1", "amount": "1.00"}'
    headers = {"x-zengzhi-timestamp": "1795251600", "x-zengzhi-signature": "v1=" + "0" * 64}

    def one(_: int) -> str:
        try:
            payments.receive(context, tenant, headers, body)
        except DomainError as error:
            return _code(error)
        return "accepted"

    with ThreadPoolExecutor(count) as pool:
        codes = list(pool.map(one, range(count)))
    context.database.dispose()
    return codes


def tick_tenant(url: str, secret: str, tenant: str) -> None:
    """Complete the tenant's due orders, by the real clock, until killed (a process of
    its own, not a race: the test kills it halfway)."""
    from zengzhi.service.jobs import complete_due_orders  # noqa: PLC0415

    complete_due_orders(process_context(url, secret), tenant)


def same_order_rounds(url: str, secret: str, tenant: str, number: int, barrier: Any) -> list[str]:
    """Each round, every process creates the round's one order (the same id and content)
    at the same moment, then pays it at the same moment: `created`/`repeated` and the
    status its payment answered."""
    context = process_context(url, secret)
    shop = Principal(tenant, "key:race", Role.INTEGRATOR)
    outcomes = []
    for round_ in range(ROUNDS):
        body = NewOrder(id=f"same-{round_}", member="m0", amount="100.00", contribution="30.00")
        barrier.wait(timeout=30)
        _, new = orders.create_order(context, shop, body)
        barrier.wait(timeout=30)
        paid = orders.pay(context, shop, body.id)
        outcomes.append(f"{'created' if new else 'repeated'} {paid.status}")
    context.database.dispose()
    return outcomes


def same_request_rounds(url: str, secret: str, tenant: str, number: int, barrier: Any) -> list[str]:
    """Each round, every process registers the round's one member, then asks for the
    round's one withdrawal of m0's (the same ids and contents), from six threads at the
    same moment: what each was answered (`ok`, or the refusal's code)."""
    from zengzhi.service import wallets  # noqa: PLC0415  (only this worker needs it)

    context = process_context(url, secret)
    shop = Principal(tenant, "key:race", Role.INTEGRATOR)
    outcomes: list[str] = []

    def answered(send: Any) -> str:
        try:
            send()
        except DomainError as error:
            return _code(error)
        return "ok"

    with ThreadPoolExecutor(6) as threads:
        for round_ in range(ROUNDS):
            twin = NewMember(id=f"twin-{round_}", name="twin")
            asked = wallets.WithdrawalRequest(id=f"w-{round_}", amount="1.00")
            for send in (
                lambda: members.create_member(context, shop, twin),  # noqa: B023
                lambda: wallets.request_withdrawal(context, shop, "m0", asked),  # noqa: B023
            ):
                barrier.wait(timeout=30)
                outcomes += threads.map(lambda _: answered(send), range(6))  # noqa: B023
    context.database.dispose()
    return outcomes


def who_am_i(number: int, barrier: Any) -> tuple[int, int, int]:
    """This racer's process id, its parent's and its password hasher's cost (the
    service's own: a racer inherits nothing of the test process, tests/processes.py)."""
    from zengzhi.service import auth  # noqa: PLC0415 - what the racer sees at run time

    return os.getpid(), os.getppid(), auth._hasher.time_cost
