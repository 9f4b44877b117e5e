"""Group commit (service/sequencer.py): orders sent at the same instant from many threads
share transactions, and the books they leave are exactly those of the same accepted orders
applied one at a time, in the order the log has them; every caller's answer is what that
sequential replay gives its order. Refusals inside a group change nothing for the others.
"""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import select

from tests.service.conftest import new_tenant
from zengzhi.core.amounts import format_minor
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.events import Sell
from zengzhi.service import members, orders, pools, sequencer, tenants
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, grouped_commands
from zengzhi.service.members import NewMember
from zengzhi.service.orders import NewOrder, OrderBatch
from zengzhi.service.pools import NewPool
from zengzhi.service.tenants import TenantSettings
from zengzhi.store import tables as t
from zengzhi.store.books import kept_balances
from zengzhi.store.uow import UnitOfWork
from zengzhi.store.wanted import Wanted

MEMBERS = [f"m{n}" for n in range(8)]
THREADS = 12


def _tenant(context: Context, name: str) -> Principal:
    owner = Principal(new_tenant(context, name), "user:owner", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="1.5"))
    for member in MEMBERS:
        members.create_member(context, owner, NewMember(id=member))
    return owner


def _order(rng: random.Random, order_id: str, member: str | None = None) -> NewOrder:
    amount = rng.randint(100, 3000)
    return NewOrder(
        id=order_id,
        member=member or rng.choice(MEMBERS),
        amount=f"{amount}.{rng.randint(0, 99):02d}",
        contribution=f"{amount * 3 // 10}.00",
    )


def _story(context: Context, owner: Principal, seed: int) -> list[tuple[str, Any]]:
    """One thread's requests, each answered as (what, the view or the error code)."""
    rng = random.Random(seed)
    answers: list[tuple[str, Any]] = []

    def ask(what: str, call: Any, *args: Any) -> Any:
        try:
            answer = call(context, owner, *args)
        except DomainError as error:
            answers.append((what, error.code))
            return None
        answers.append((what, answer))
        return answer

    for n in range(12):
        order_id = f"s{seed}-o{n}"
        kind = rng.random()
        if kind < 0.1:  # a member nobody knows: refused, inside whatever group it lands in
            ask("create", orders.create_order, _order(rng, order_id, "nobody"))
            continue
        if kind < 0.15:  # an order nobody created
            ask("pay", orders.pay, f"s{seed}-missing{n}")
            continue
        request = _order(rng, order_id)
        ask("create", orders.create_order, request)
        if rng.random() < 0.2:  # the same order again: the first answer
            ask("create", orders.create_order, request)
        if rng.random() < 0.1:  # the same id with another body: a conflict
            ask("create", orders.create_order, _order(rng, order_id))
        if rng.random() < 0.1:
            ask("refund", orders.refund, order_id)  # before completion: nothing happens
            continue
        ask("pay", orders.pay, order_id)
        if rng.random() < 0.2:
            ask("pay", orders.pay, order_id)  # again: the order as it is
        if rng.random() < 0.25:
            ask("reverse", orders.reverse, order_id)
    return answers


def _replay_one_by_one(context: Context, source: Principal) -> tuple[Principal, dict[str, Any]]:
    """The accepted orders of `source`, in the log's order, applied one at a time (one
    thread, so every group holds one command) in a tenant of their own; what each
    order's payment answered there."""
    target = _tenant(context, "sequential")
    paid: dict[str, Any] = {}
    with context.database.read() as connection:
        e, o = t.events.c, t.orders.c
        logged = connection.execute(
            select(e.event_id).where(e.tenant_id == source.tenant).order_by(e.seq)
        ).scalars()
        placed = {
            row.order_id: row
            for row in connection.execute(
                select(o.order_id, o.member_id, o.lines).where(o.tenant_id == source.tenant)
            )
        }
        logged = list(logged)
    for event_id in logged:
        kind, order_id = event_id.split(":", 1)
        if kind == "order":
            row = placed[order_id]
            (line,) = row.lines
            request = NewOrder(
                id=order_id,
                member=row.member_id,
                amount=format_minor(line["amount"], 2),
                contribution=format_minor(line["contribution"], 2),
            )
            orders.create_order(context, target, request)
            paid[order_id] = orders.pay(context, target, order_id)
        elif kind == "reverse":
            orders.reverse(context, target, order_id)
    return target, paid


def test_orders_sent_at_once_equal_the_same_orders_one_at_a_time(context: Context) -> None:
    owner = _tenant(context, "busy")
    with ThreadPoolExecutor(THREADS) as pool:
        stories = list(pool.map(lambda seed: _story(context, owner, seed), range(THREADS)))
    assert context.sequencer.largest > 1, "no two commands ever shared a transaction"

    with context.database.read() as connection:
        assert check_ledger(connection, owner.tenant) == []
        assert check_replay(connection, owner.tenant) == []
    target, sequential = _replay_one_by_one(context, owner)
    with context.database.read() as connection:
        grouped_books = kept_balances(connection, owner.tenant)
        one_by_one = kept_balances(connection, target.tenant)
    assert grouped_books == one_by_one and grouped_books

    codes, compared = set(), 0
    for answers in stories:
        for what, answer in answers:
            if isinstance(answer, str):
                codes.add((what, answer))
            elif what == "pay" and answer.status == "completed":
                # each caller was told the points the order mints one at a time
                assert answer.points == sequential[answer.id].points, answer.id
                compared += 1
    assert compared > THREADS
    assert ("create", ErrorCode.NOT_FOUND) in codes
    assert ("pay", ErrorCode.NOT_FOUND) in codes


def test_a_batch_is_one_group_and_a_refused_order_is_not_paid(context: Context) -> None:
    owner = _tenant(context, "batch")
    rng = random.Random(3)
    existing = _order(rng, "taken")
    orders.create_order(context, owner, existing)  # created, never paid
    batch = [_order(rng, f"b{n}") for n in range(30)]
    batch[7] = _order(rng, "b7", "nobody")  # refused
    batch[12] = _order(rng, "taken")  # the same id with another body: refused, not paid
    groups = context.sequencer.groups
    answers = orders.create_orders(context, owner, OrderBatch(orders=batch, pay=True))
    outcomes = [answer.outcome for answer in answers]
    assert outcomes == ["refused" if n in (7, 12) else "created" for n in range(30)]
    assert answers[7].error is not None and answers[7].error["field"] == "member"
    assert answers[12].error is not None and answers[12].error["code"] == "conflict"
    assert orders.get_order(context, owner, "taken").status == "created"  # not paid
    assert all(a.order is not None and a.order.status == "completed" for a in answers[:7])
    # the batch, then the three groups that went around each refusal: never one per order
    assert context.sequencer.groups - groups <= 6
    with context.database.read() as connection:
        assert check_ledger(connection, owner.tenant) == []
        assert check_replay(connection, owner.tenant) == []


@pytest.mark.parametrize("threads", [2, 8])
def test_the_same_order_from_many_threads_at_once_is_created_and_paid_once(
    context: Context, threads: int
) -> None:
    owner = _tenant(context, f"same{threads}")
    request = _order(random.Random(threads), "once")
    start = threading.Barrier(threads)

    def send(_: int) -> tuple[bool, str]:
        start.wait()
        view, created = orders.create_order(context, owner, request)
        return created, orders.pay(context, owner, view.id).status

    with ThreadPoolExecutor(threads) as pool:
        answers = list(pool.map(send, range(threads)))
    assert sorted(created for created, _ in answers) == [False] * (threads - 1) + [True]
    assert {status for _, status in answers} == {"completed"}
    with context.database.read() as connection:
        e = t.events.c
        logged = connection.execute(
            select(e.event_id).where(e.tenant_id == owner.tenant, e.event_id == "order:once")
        ).all()
    assert len(logged) == 1


def test_a_command_failing_half_way_leaves_nothing_of_itself_in_its_group(
    context: Context,
) -> None:
    """The hazard of sharing a unit of work: a run that wrote, then failed. Its group is
    rolled back and run again without it, so its half is nowhere and the others stand."""
    owner = _tenant(context, "halfway")
    rng = random.Random(5)
    requests = [_order(rng, name) for name in ("before", "halfway", "after")]

    def half_done(uow: UnitOfWork) -> None:
        orders._creation(owner, requests[1])(uow)
        orders._move(uow, owner.actor, "halfway", "pay", orders._pay)  # points minted…
        raise DomainError(ErrorCode.CONFLICT, "refused after writing", "id")  # …then refused

    runs = [orders._creation(owner, requests[0]), half_done, orders._creation(owner, requests[2])]
    answers = grouped_commands(context, owner, runs)
    assert [error is None for _, error in answers] == [True, False, True]
    assert isinstance(answers[1][1], DomainError) and answers[1][1].field == "id"
    with pytest.raises(DomainError):
        orders.get_order(context, owner, "halfway")
    assert orders.get_order(context, owner, "after").status == "created"
    with context.database.read() as connection:
        assert check_ledger(connection, owner.tenant) == []
        assert check_replay(connection, owner.tenant) == []
        assert kept_balances(connection, owner.tenant) == {}  # no points from the half


def _assert_the_same_books(context: Context, grouped: Principal, alone: Principal) -> None:
    """Both tenants' books check and replay, and hold the same balances: a balance that
    came back to zero inside one transaction was never written, so empty rows aside."""
    with context.database.read() as connection:
        for owner in (grouped, alone):
            assert check_ledger(connection, owner.tenant) == []
            assert check_replay(connection, owner.tenant) == []
        books, one_by_one = (
            {key: fen for key, fen in kept_balances(connection, owner.tenant).items() if fen}
            for owner in (grouped, alone)
        )
    assert books == one_by_one and books


def _pay_run(owner: Principal, request: NewOrder) -> list[Any]:
    return [
        orders._creation(owner, request),
        lambda uow: orders._move(uow, owner.actor, request.id, "pay", orders._pay),
    ]


@pytest.mark.parametrize("seed", [1, 2])
def test_a_pool_changed_in_the_middle_of_a_group_is_the_same_as_one_at_a_time(
    context: Context, seed: int
) -> None:
    """Orders, then a lower exit multiple (forcing exits at once), a mint ratio, orders
    again: all in one transaction, they leave what the same commands leave one by one."""
    rng = random.Random(seed)
    requests = [_order(rng, f"p{n}") for n in range(24)]
    changes = [
        pools.PoolParamsIn(exit_multiple="0.25"),
        pools.PoolParamsIn(mint_ratio="0.5"),
        pools.PoolParamsIn(exit_multiple="3"),
    ]
    at = sorted(rng.sample(range(8, len(requests)), len(changes)))

    def sale(member: str, n: int) -> Any:
        def run(uow: UnitOfWork) -> None:  # a third of the member's points: realized > 0
            held = uow.ledger.balance(f"member:{member}:points:main", "PTS:main")
            uow.apply(Sell(f"sell:{n}", member, "main", held // 3, uow.now))

        return run

    def story(owner: Principal) -> list[Any]:
        runs: list[Any] = []
        for n, request in enumerate(requests):
            if n in at:
                runs.append(pools._configuration(owner, "main", changes[at.index(n)]))
            if n == 6:  # sales change the exit order a new multiple gives
                runs += [sale(requests[0].member, 0), sale(requests[1].member, 1)]
            runs += _pay_run(owner, request)
        return runs

    grouped, alone = _tenant(context, "midgroup"), _tenant(context, "alone")
    groups = context.sequencer.groups
    answers = grouped_commands(context, grouped, story(grouped))
    assert context.sequencer.groups == groups + 1  # one transaction
    assert [error for _, error in answers if error is not None] == []
    for run in story(alone):
        (answer,) = grouped_commands(context, alone, [run])
        assert answer[1] is None
    _assert_the_same_books(context, grouped, alone)
    with context.database.read() as connection:
        configured = connection.execute(
            select(t.events.c.event_id).where(
                t.events.c.tenant_id == grouped.tenant, t.events.c.event_id.like("configure:%")
            )
        ).all()
        p = t.positions.c
        forced_out = connection.execute(
            select(p.member_id).where(p.tenant_id == grouped.tenant, p.opened == 0, p.paid > 0)
        ).all()
    assert len(configured) == len(changes)
    assert forced_out, "the lower multiple forced nobody out: the test proves less than it says"


def _normal(answer: tuple[Any, BaseException | None]) -> tuple[str, Any]:
    """What a caller is told: the order's status and points, or the error's code."""
    value, error = answer
    if error is not None:
        assert isinstance(error, DomainError), error
        return ("refused", error.code)
    view = value[0] if isinstance(value, tuple) else value
    return (view.status, view.points)


@pytest.mark.parametrize("seed", range(4))
def test_orders_whole_lives_in_one_group_are_the_same_as_one_step_at_a_time(
    context: Context, seed: int
) -> None:
    """Orders with a return window, each order's steps (pay, complete, refund, cancel,
    reverse, and steps no longer allowed) interleaved with the others' in one
    transaction: the same answers, statuses and books as one step a transaction. A
    step reads the order as the group's earlier steps left it (held, not yet written)."""
    rng = random.Random(seed)
    requests = [_order(rng, f"l{n}") for n in range(12)]
    lives = {
        request.id: [
            rng.choice(["pay", "pay", "pay", "cancel"]),
            *rng.choices(["pay", "complete", "complete", "refund", "cancel", "reverse"], k=3),
        ]
        for request in requests
    }
    turns = [request.id for request in requests for _ in range(1 + len(lives[request.id]))]
    rng.shuffle(turns)
    made: set[str] = set()
    plan: list[tuple[str, str]] = []  # (step, order), each order's own steps in order
    for order_id in turns:
        plan.append(
            ("create", order_id) if order_id not in made else (lives[order_id].pop(0), order_id)
        )
        made.add(order_id)

    def story(owner: Principal) -> tuple[list[Any], list[Wanted | None]]:
        runs: list[Any] = []
        wants: list[Wanted | None] = []
        by_id = {request.id: request for request in requests}
        for step, order_id in plan:
            if step == "create":
                runs.append(orders._creation(owner, by_id[order_id]))
                wants.append(orders._wants(by_id[order_id]))
            else:
                act = orders.STEPS[step]
                runs.append(
                    lambda uow, o=order_id, s=step, a=act: orders._move(uow, owner.actor, o, s, a)
                )
                wants.append(Wanted.of((order_id,)))
        return runs, wants

    def tenant(name: str) -> Principal:
        owner = _tenant(context, name)
        tenants.update_settings(context, owner, TenantSettings(completion_delay_seconds=3600))
        return owner

    grouped, alone = tenant("lives"), tenant("lives-alone")
    groups = context.sequencer.groups
    answers = grouped_commands(context, grouped, *story(grouped))
    assert context.sequencer.groups == groups + 1  # one transaction
    runs, wants = story(alone)
    one_by_one = [
        grouped_commands(context, alone, [run], [want])[0]
        for run, want in zip(runs, wants, strict=True)
    ]
    told = [_normal(answer) for answer in answers]
    assert told == [_normal(answer) for answer in one_by_one]
    done = {(step, answer[0]) for (step, _), answer in zip(plan, told, strict=True)}
    assert {("refund", "refunded"), ("reverse", "reversed"), ("complete", "completed")} <= done
    assert any(answer[0] == "refused" for answer in told)

    for request in requests:  # what was written is what each caller was told last
        assert (
            orders.get_order(context, grouped, request.id).status
            == orders.get_order(context, alone, request.id).status
        )
    _assert_the_same_books(context, grouped, alone)


def test_at_most_writers_groups_are_written_at_once_and_each_tenant_s_still_groups(
    context: Context,
) -> None:
    """Commands of twelve tenants at once, three each: WRITERS groups are being written at
    once on PostgreSQL, never more (one on SQLite, whose writer is one at a time); a
    leader waits for a slot before taking its group, so the commands of its tenant that
    arrive meanwhile join it; every command is answered."""
    owners = [_tenant(context, f"w{n}") for n in range(12)]
    lock, busy, most = threading.Lock(), [0], [0]
    start = threading.Barrier(len(owners) * 3)
    groups = context.sequencer.groups

    def run(uow: UnitOfWork) -> str:
        with lock:
            busy[0] += 1
            most[0] = max(most[0], busy[0])
        threading.Event().wait(0.02)  # a group that takes a while: others pile up
        with lock:
            busy[0] -= 1
        return uow.tenant

    def send(owner: Principal) -> list[tuple[Any, BaseException | None]]:
        start.wait(timeout=30)
        return grouped_commands(context, owner, [run])

    sent = [owner for owner in owners for _ in range(3)]
    with ThreadPoolExecutor(len(sent)) as threads:
        answers = list(threads.map(send, sent))
    assert [answer for ((answer, _),) in answers] == [owner.tenant for owner in sent]
    assert most[0] == (1 if context.database.is_sqlite else sequencer.WRITERS)
    assert context.sequencer.groups - groups < len(sent)  # some waited, and grouped
