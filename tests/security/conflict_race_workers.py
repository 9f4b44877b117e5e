"""What the conflicting pairs' racing processes do (tests/security/test_conflict_races.py,
through races.py): two steps that exclude each other sent at the same instant from
several processes, each with the same request id from two threads and with ids of its
own. Each process opens its own context; each round, each process takes its part
(`number`) of the round's story."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from threading import Barrier
from typing import Any

from tests.security.money_race_workers import _jitter
from tests.security.races import answer_of, process_context
from zengzhi.service import member_access, members, orders, sessions, users
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.member_access import Member
from zengzhi.service.sessions import Login

ROUNDS = 4
PASSWORD = "correct horse battery staple"  # tests/service/conftest.py's


def _twice(send: Callable[[], object]) -> list[str]:
    """The same request (the same id) from two threads at once: what each answered."""
    with ThreadPoolExecutor(2) as threads:
        return list(threads.map(lambda _: answer_of(send), range(2)))


def _reverse_or(
    context: Context, owner: Principal, member: str, number: int, step: Callable[[], object]
) -> list[str]:
    """Process 0 reverses the member's order o-{member}; the others send `step` (the same
    request) from two threads at once: what each answered."""
    if number == 0:
        return [answer_of(lambda: orders.reverse(context, owner, f"o-{member}"))]
    return _twice(step)


def reverse_or_sell_rounds(
    url: str, secret: str, tenant: str, number: int, barrier: Any
) -> list[list[str]]:
    """Each round, member r{round}'s completed order o-r{round} is reversed by the console
    (process 0) while the member sells all its points on the member page (process 1, one
    request id from two threads) and the shop sells them all through the API (process 2,
    another id from two threads), at once."""
    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    shop = Principal(tenant, "key:race", Role.INTEGRATOR)
    outcomes: list[list[str]] = []
    for round_ in range(ROUNDS):
        member = f"r{round_}"
        page = member_access.SaleRequest(id=f"page-{round_}", points="all")
        api = members.SellRequest(id=f"api-{round_}", points="all")
        barrier.wait(timeout=30)
        _jitter(round_, number)  # the sales come a little later each round
        if number == 1:
            step = partial(member_access.sell, context, Member(tenant, member), page)
        else:
            step = partial(members.sell, context, shop, member, api)
        outcomes.append(_reverse_or(context, owner, member, number, step))
    context.database.dispose()
    return outcomes


def order_step_rounds(
    url: str, secret: str, tenant: str, steps: list[str], number: int, barrier: Any
) -> list[list[str]]:
    """Each round, order p{round} (created) takes step steps[number] from two threads at
    the same instant as the other processes take theirs."""
    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    step = {
        "pay": orders.pay,
        "complete": orders.complete,
        "cancel": orders.cancel,
        "refund": orders.refund,
        "reverse": orders.reverse,
    }[steps[number]]
    outcomes: list[list[str]] = []
    for round_ in range(ROUNDS):
        barrier.wait(timeout=30)
        outcomes.append(_twice(lambda: step(context, owner, f"p{round_}")))  # noqa: B023
    context.database.dispose()
    return outcomes


def due_or_refund_rounds(
    url: str, secret: str, tenants: list[str], number: int, barrier: Any
) -> list[list[str]]:
    """Each round, in tenant tenants[round], whose orders d0 d1 d2 are paid and past their
    return window: process 0 runs the job that completes due orders while process 1
    refunds d0 and d1 and process 2 confirms d1 and refunds d2, at once."""
    from zengzhi.service.jobs import complete_due_orders  # noqa: PLC0415

    context = process_context(url, secret)
    outcomes: list[list[str]] = []
    for tenant in tenants:
        owner = Principal(tenant, "user:owner", Role.OWNER)
        moves: list[Callable[[], object]] = [
            lambda: orders.refund(context, owner, "d0"),  # noqa: B023
            lambda: orders.refund(context, owner, "d1"),  # noqa: B023
        ]
        if number == 2:
            moves = [
                lambda: orders.complete(context, owner, "d1"),  # noqa: B023
                lambda: orders.refund(context, owner, "d2"),  # noqa: B023
            ]
        barrier.wait(timeout=30)
        if number == 0:
            report = complete_due_orders(context, tenant)
            outcomes.append([f"completed:{report.done}", f"failed:{len(report.failed)}"])
            continue
        with ThreadPoolExecutor(2) as threads:
            outcomes.append(list(threads.map(answer_of, moves)))
    context.database.dispose()
    return outcomes


def reverse_while_the_day_runs(
    url: str, secret: str, tenants: list[str], number: int, barrier: Any
) -> list[list[str]]:
    """Each round, tenant tenants[round]'s zones run their day (process 0, one claim a
    part) while processes 1 and 2 reverse orders o{number} and o{number + 2} (each from
    two threads) at once."""
    from zengzhi.service.modes import run_days  # noqa: PLC0415

    context = process_context(url, secret)
    outcomes: list[list[str]] = []
    for tenant in tenants:
        owner = Principal(tenant, "user:owner", Role.OWNER)
        barrier.wait(timeout=30)
        if number == 0:
            outcomes.append(run_days(context, tenant, part=1))
            continue
        answers = _twice(lambda: orders.reverse(context, owner, f"o{number}"))  # noqa: B023
        answers += _twice(lambda: orders.reverse(context, owner, f"o{number + 2}"))  # noqa: B023
        outcomes.append(answers)
    context.database.dispose()
    return outcomes


def disable_or_sign_in_rounds(
    url: str, secret: str, tenant: str, number: int, barrier: Any
) -> list[list[str]]:
    """Each round, process 0 disables user u{round} while the other processes sign in as
    u{round} with the right password from two threads each, at once: the tokens given."""
    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    outcomes: list[list[str]] = []
    for round_ in range(ROUNDS):
        user = f"u{round_}"
        barrier.wait(timeout=30)
        if number == 0:
            change = users.UserChange(disabled=True)
            outcomes.append([answer_of(lambda: users.change_user(context, owner, user, change))])  # noqa: B023
            continue

        def sign_in(_: int) -> str:
            try:
                return sessions.login(
                    context,
                    Login(tenant=tenant, username=user, password=PASSWORD),  # noqa: B023
                ).token
            except Exception as error:  # what it was refused with is the answer
                return f"refused:{getattr(error, 'code', repr(error))}"

        with ThreadPoolExecutor(2) as threads:
            outcomes.append(list(threads.map(sign_in, range(2))))
    context.database.dispose()
    return outcomes


# the withdrawal rules process 0 saves in turn: generous, then strict
RULES = [
    {"auto_approve_limit": "1000.00", "fee_rate": "0", "fee_fixed": "0.00"},
    {"auto_approve_limit": "0.00", "fee_rate": "0.1", "fee_fixed": "1.00"},
]


def rules_or_withdraw_rounds(
    url: str, secret: str, tenant: str, number: int, barrier: Any
) -> list[str]:
    """Each round, process 0 saves the other withdrawal rules (RULES) while the other
    processes ask for withdrawals of 10.00 from members w0…w2 (ids of their own) from
    three threads each, at once."""
    from zengzhi.service import tenants, wallets  # noqa: PLC0415

    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    shop = Principal(tenant, "key:race", Role.INTEGRATOR)
    outcomes: list[str] = []
    for round_ in range(ROUNDS):
        barrier.wait(timeout=30)
        if number == 0:
            rules = tenants.WithdrawalSettings(**RULES[(round_ + 1) % 2])
            new = tenants.TenantSettings(withdrawals=rules)
            outcomes.append(answer_of(lambda: tenants.update_settings(context, owner, new)))  # noqa: B023
            continue

        def ask(n: int) -> str:
            request = wallets.WithdrawalRequest(id=f"w{round_}-{number}-{n}", amount="10.00")  # noqa: B023
            return answer_of(lambda: wallets.request_withdrawal(context, shop, f"w{n}", request))

        with ThreadPoolExecutor(3) as threads:
            outcomes += threads.map(ask, range(3))
    context.database.dispose()
    return outcomes


# the commission rates process 0 saves in turn
RATES = [["0.05", "0.02"], ["0.01", "0.005"]]


def rates_or_orders_rounds(
    url: str, secret: str, tenant: str, number: int, barrier: Any
) -> list[str]:
    """Each round, process 0 saves the other commission rates (RATES) while the other
    processes create and pay orders of members c1…c3 (whose referrers are paid a
    commission) from three threads each, at once."""
    from zengzhi.engine.config import DistributionConfig  # noqa: PLC0415
    from zengzhi.service import distribution  # noqa: PLC0415

    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    outcomes: list[str] = []
    for round_ in range(ROUNDS):
        barrier.wait(timeout=30)
        if number == 0:
            rates = {"commission": {"rates": RATES[(round_ + 1) % 2]}}
            config = DistributionConfig.model_validate(rates)
            outcomes.append(answer_of(lambda: distribution.put_settings(context, owner, config)))  # noqa: B023
            continue

        def buy(n: int) -> str:
            ident = f"o{round_}-{number}-{n}"  # noqa: B023
            order = orders.NewOrder(id=ident, member=f"c{n + 1}", product="gift")
            made = answer_of(lambda: orders.create_order(context, owner, order))
            return made + "," + answer_of(lambda: orders.pay(context, owner, order.id))

        with ThreadPoolExecutor(3) as threads:
            outcomes += threads.map(buy, range(3))
    context.database.dispose()
    return outcomes


def reverse_or_withdraw_rounds(
    url: str, secret: str, tenant: str, number: int, barrier: Any
) -> list[list[str]]:
    """Each round, member v{round} (who sold half the points of its completed order
    o-v{round}) sees the order reversed by the console (process 0) while it withdraws its
    whole wallet on the member page (process 1, one request id from two threads) and the
    shop sells its other points through the API (process 2, one id from two threads)."""
    from zengzhi.service import wallets  # noqa: PLC0415

    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    shop = Principal(tenant, "key:race", Role.INTEGRATOR)
    outcomes: list[list[str]] = []
    for round_ in range(ROUNDS):
        member = f"v{round_}"
        whole = wallets.wallet(context, owner, member).balance
        asked = member_access.MemberWithdrawalRequest(id=f"all-{round_}", amount=whole)
        rest = members.SellRequest(id=f"rest-{round_}", points="all")
        barrier.wait(timeout=30)
        _jitter(round_, number)  # the member's moves come a little later each round
        if number == 1:
            step = partial(member_access.withdraw, context, Member(tenant, member), asked)
        else:
            step = partial(members.sell, context, shop, member, rest)
        outcomes.append(_reverse_or(context, owner, member, number, step))
    context.database.dispose()
    return outcomes


def reverse_or_task_rounds(
    url: str, secret: str, tenant: str, day: str, number: int, barrier: Any
) -> list[list[str]]:
    """Each round, member a{round}'s order o-a{round} of the ad zone is reversed (process
    0) while the other processes report the member's ad task of the day (the same task,
    proofs of their own) from two threads each, at once."""
    from zengzhi.service import modes  # noqa: PLC0415

    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    shop = Principal(tenant, "key:race", Role.INTEGRATOR)
    outcomes: list[list[str]] = []
    for round_ in range(ROUNDS):
        member = f"a{round_}"
        task = modes.TaskDone.model_validate({"zone": "ads", "day": day, "proof": f"p{number}"})
        barrier.wait(timeout=30)
        _jitter(round_, number)  # the reports come a little later each round
        step = partial(modes.complete_task, context, shop, member, task)
        outcomes.append(_reverse_or(context, owner, member, number, step))
    context.database.dispose()
    return outcomes


def income_rounds(url: str, secret: str, tenant: str, number: int, barrier: Any) -> list[list[str]]:
    """Each round, every process books the advertiser's income i{round} into the ad
    zone's reserve from two threads at once: processes 0 and 1 for 100.00, process 2 for
    50.00 (the same id, another body)."""
    from zengzhi.service import modes  # noqa: PLC0415

    context = process_context(url, secret)
    finance = Principal(tenant, "user:finance", Role.FINANCE)
    outcomes: list[list[str]] = []
    for round_ in range(ROUNDS):
        amount = "50.00" if number == 2 else "100.00"
        income = modes.IncomeRequest(id=f"i{round_}", mode="ads", amount=amount, source="adv")
        barrier.wait(timeout=30)
        outcomes.append(_twice(lambda: modes.record_income(context, finance, "ads", income)))  # noqa: B023
    context.database.dispose()
    return outcomes


def convert_or_reverse_rounds(
    url: str, secret: str, tenants: list[str], number: int, barrier: Any
) -> list[list[str]]:
    """Each round, in tenant tenants[round], finance converts every member's contribution
    balance into cash (process 0) while processes 1 and 2 reverse orders o{number} and
    o{number + 2}, whose commissions were paid into contribution, from two threads each,
    at once."""
    from zengzhi.service import distribution  # noqa: PLC0415

    context = process_context(url, secret)
    outcomes: list[list[str]] = []
    for tenant in tenants:
        owner = Principal(tenant, "user:owner", Role.OWNER)
        finance = Principal(tenant, "user:finance", Role.FINANCE)
        conversion = distribution.Conversion(id="v1", into="cash", rate="0.5", reason="month end")
        barrier.wait(timeout=30)
        if number == 0:
            outcomes.append(
                _twice(lambda: distribution.convert_contributions(context, finance, conversion))  # noqa: B023
            )
            continue
        answers = _twice(lambda: orders.reverse(context, owner, f"o{number}"))  # noqa: B023
        answers += _twice(lambda: orders.reverse(context, owner, f"o{number + 2}"))  # noqa: B023
        outcomes.append(answers)
    context.database.dispose()
    return outcomes


def move_or_bind_rounds(url: str, secret: str, tenant: str, number: int, barrier: Any) -> list[str]:
    """Each round, support moves every direct member of x{round} to y{round} (process 0)
    while the other processes bind members n{round}-{number}-{k} to x{round} from three
    threads each, at once."""
    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    outcomes: list[str] = []
    for round_ in range(ROUNDS):
        barrier.wait(timeout=30)
        if number == 0:
            move = members.Reassignment(referrer=f"y{round_}", reason="reported")
            outcomes.append(
                answer_of(lambda: members.reassign_referees(context, owner, f"x{round_}", move))  # noqa: B023
            )
            continue

        def bind(k: int) -> str:
            binding = members.Binding(referrer=f"x{round_}")  # noqa: B023
            member = f"n{round_}-{number}-{k}"  # noqa: B023
            return answer_of(lambda: members.bind(context, owner, member, binding))

        with ThreadPoolExecutor(3) as threads:
            outcomes += threads.map(bind, range(3))
    context.database.dispose()
    return outcomes


def phone_rounds(url: str, secret: str, tenant: str, number: int, barrier: Any) -> list[str]:
    """Each round, one phone number (written three ways) is asked for at once by a new
    member's registration (process 0) and by members e{round}-1 and e{round}-2 changing
    theirs to it (processes 1 and 2), each from two threads."""
    from tests.security.workers import PHONES  # noqa: PLC0415

    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    outcomes: list[str] = []
    for round_ in range(ROUNDS):
        phone = PHONES[number] % round_
        barrier.wait(timeout=30)
        if number == 0:
            new = members.NewMember(id=f"fresh{round_}", phone=phone)
            outcomes += _twice(lambda: members.create_member(context, owner, new))  # noqa: B023
        else:
            change = members.MemberChange(phone=phone)
            member = f"e{round_}-{number}"
            outcomes += _twice(lambda: members.change_member(context, owner, member, change))  # noqa: B023
    context.database.dispose()
    return outcomes


def agent_or_orders_rounds(
    url: str, secret: str, tenant: str, number: int, barrier: Any
) -> list[str]:
    """Each round, process 0 sells region r{round}'s province agency to member ag{round}
    while the other processes create and pay orders in that region from three threads
    each, at once."""
    from zengzhi.service import distribution  # noqa: PLC0415

    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    outcomes: list[str] = []
    for round_ in range(ROUNDS):
        barrier.wait(timeout=30)
        if number == 0:
            agent = distribution.NewAgent(
                id=f"g{round_}", member=f"ag{round_}", region=f"r{round_}", level="province"
            )
            outcomes.append(answer_of(lambda: distribution.grant_agent(context, owner, agent)))  # noqa: B023
            continue

        def buy(n: int) -> str:
            ident = f"o{round_}-{number}-{n}"  # noqa: B023
            order = orders.NewOrder(id=ident, member="buyer", product="gift", region=f"r{round_}")  # noqa: B023
            made = answer_of(lambda: orders.create_order(context, owner, order))
            return made + "," + answer_of(lambda: orders.pay(context, owner, order.id))

        with ThreadPoolExecutor(3) as threads:
            outcomes += threads.map(buy, range(3))
    context.database.dispose()
    return outcomes


def unverify_or_withdraw_rounds(
    url: str, secret: str, tenant: str, number: int, barrier: Any
) -> list[str]:
    """Each round, the owner takes member u{round}'s verified real name back (process 0)
    while the other processes ask for withdrawals of 10.00 of u{round}'s (ids of their
    own) from three threads each, at once."""
    from zengzhi.service import wallets  # noqa: PLC0415

    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    shop = Principal(tenant, "key:race", Role.INTEGRATOR)
    outcomes: list[str] = []
    for round_ in range(ROUNDS):
        member = f"u{round_}"
        barrier.wait(timeout=30)
        _jitter(round_, number)  # the withdrawals come a little later each round
        if number == 0:
            change = members.MemberChange(real_name_verified=False)
            taken = lambda: members.change_member(context, owner, member, change)  # noqa: B023, E731
            outcomes.append(answer_of(taken))
            continue

        def ask(n: int) -> str:
            request = wallets.WithdrawalRequest(id=f"w{round_}-{number}-{n}", amount="10.00")  # noqa: B023
            return answer_of(lambda: wallets.request_withdrawal(context, shop, member, request))  # noqa: B023

        with ThreadPoolExecutor(3) as threads:
            outcomes += threads.map(ask, range(3))
    context.database.dispose()
    return outcomes


def _approved_thrice(context: Context, finance: Principal, withdrawal: str) -> list[str]:
    """Finance approves `withdrawal` from three threads at once: what each answered."""
    from zengzhi.service import wallets  # noqa: PLC0415

    approve = partial(wallets.approve, context, finance, withdrawal)
    with ThreadPoolExecutor(3) as threads:
        return list(threads.map(lambda _: answer_of(approve), range(3)))


def unverify_or_approve_rounds(
    url: str, secret: str, tenant: str, number: int, barrier: Any
) -> list[str]:
    """Each round, the owner takes member u{round}'s verified real name back (process 0)
    while finance approves its held withdrawal w{round} from three threads in each other
    process, at once."""

    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    finance = Principal(tenant, "user:finance", Role.FINANCE)
    outcomes: list[str] = []
    for round_ in range(ROUNDS):
        member = f"u{round_}"
        barrier.wait(timeout=30)
        if number == 0:
            change = members.MemberChange(real_name_verified=False)
            taken = lambda: members.change_member(context, owner, member, change)  # noqa: B023, E731
            outcomes.append(answer_of(taken))
            continue
        outcomes += _approved_thrice(context, finance, f"w{round_}")
    context.database.dispose()
    return outcomes


def reverse_or_approve_rounds(
    url: str, secret: str, tenant: str, number: int, barrier: Any
) -> list[str]:
    """Each round, the console reverses member d{round}'s order o-d{round} (process 0),
    whose proceeds the member holds in its withdrawal w{round}, while finance approves
    the withdrawal from three threads in each other process, at once."""

    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    finance = Principal(tenant, "user:finance", Role.FINANCE)
    outcomes: list[str] = []
    for round_ in range(ROUNDS * 2):
        barrier.wait(timeout=30)
        _jitter(round_, number)
        if number == 0:
            reverse = lambda: orders.reverse(context, owner, f"o-d{round_}")  # noqa: B023, E731
            outcomes.append(answer_of(reverse))
            continue
        outcomes += _approved_thrice(context, finance, f"w{round_}")
    context.database.dispose()
    return outcomes


def one_owners_commands(
    url: str, secret: str, tenant: str, token: str, number: int, barrier: Any
) -> list[str]:
    """One owner's session (`token`) sends, from four threads of each process at once,
    commands that read the acting owner again (an API key, a user each): what each
    answered. Each thread's first command waits for the others (a barrier)."""
    context = process_context(url, secret)
    owner = sessions.authenticate(context, token)
    threads_barrier = Barrier(4)

    def send(thread: int) -> list[str]:
        name = f"p{number}t{thread}"
        threads_barrier.wait(timeout=30)
        key = users.NewApiKey(name=name, role=Role.OWNER)
        made = [answer_of(lambda: users.create_api_key(context, owner, key))]
        user = users.NewUser(username=name, password=PASSWORD, role=Role.VIEWER)
        return [*made, answer_of(lambda: users.create_user(context, owner, user))]

    barrier.wait(timeout=30)
    with ThreadPoolExecutor(4) as threads:
        said = [answer for answers in threads.map(send, range(4)) for answer in answers]
    context.database.dispose()
    return said


SPELLINGS = (str.lower, str.upper, str.title)  # one name, as each process types it


def tenant_and_user_rounds(
    url: str, secret: str, tenant: str, rounds: int, number: int, barrier: Any
) -> list[str]:
    """Each round, every process creates tenant {tenant}-{round} from two threads at once
    (its owner named for the process), then, in the existing tenant, the user
    user{round} (a role for the process) from two threads at once; each process spells
    the two names in a case of its own (`SPELLINGS`): one name in any case."""
    from zengzhi.service import tenants  # noqa: PLC0415

    context = process_context(url, secret)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    roles = [Role.FINANCE, Role.SUPPORT, Role.OPERATOR]
    spelt = SPELLINGS[number % 3]
    outcomes: list[str] = []
    for round_ in range(rounds):  # each sign-up hashes a password at the service's cost
        new = tenants.NewTenant(
            id=spelt(f"{tenant}-{round_}"), name="Raced", owner=f"boss{number}", password=PASSWORD
        )
        user = users.NewUser(
            username=spelt(f"user{round_}"), password=PASSWORD, role=roles[number % 3]
        )
        barrier.wait(timeout=30)
        outcomes += _twice(lambda: tenants.create_tenant(context, new))  # noqa: B023
        barrier.wait(timeout=30)
        outcomes += _twice(lambda: users.create_user(context, owner, user))  # noqa: B023
    context.database.dispose()
    return outcomes
