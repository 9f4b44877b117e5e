"""What a unit of work keeps in memory instead of writing at once must never show: new
orders and members' spent totals held back (store/pending.py) are there for every read of
the same transaction, from any module; the first position to exit, remembered between
orders (store/pools.SqlPositions), is always the one the index gives; and a group of
orders sends the few statements the issue asks for (counted exactly, not timed)."""

from __future__ import annotations

import random
import re
from collections import Counter
from typing import Any

import pytest
from sqlalchemy import event, func, select, text

from tests.service.conftest import new_tenant, statements_sent
from tests.statements import parts
from zengzhi.core.amounts import Ratio
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.service import members, orders, pools, webhooks
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, grouped_commands
from zengzhi.service.members import NewMember
from zengzhi.service.orders import NewOrder, OrderBatch
from zengzhi.service.pools import NewPool
from zengzhi.service.webhooks import SubscriptionIn
from zengzhi.store import pools as pools_module
from zengzhi.store import tables as t
from zengzhi.store.orders import spent_differences
from zengzhi.store.pools import SqlPositions
from zengzhi.store.uow import UnitOfWork

HOOK = "https://hooks.example/in"


def _owner(context: Context, count: int = 4) -> Principal:
    owner = Principal(new_tenant(context, "held"), "user:owner", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="2"))
    for n in range(count):
        members.create_member(context, owner, NewMember(id=f"m{n}"))
    return owner


def _paid(owner: Principal, order_id: str, member: str, amount: str = "100.00") -> list[Any]:
    request = NewOrder(id=order_id, member=member, amount=amount, contribution="10.00")
    return [
        orders._creation(owner, request),
        lambda uow: orders._move(uow, owner.actor, order_id, "pay", orders._pay),
    ]


def test_held_orders_and_totals_are_seen_by_every_read_of_the_transaction(
    context: Context,
) -> None:
    owner = _owner(context)
    seen: dict[str, Any] = {}

    def read(uow: UnitOfWork) -> None:  # reads that know nothing of what is held
        o, m = t.orders.c, t.members.c
        seen["orders"] = uow.connection.execute(
            select(o.order_id, o.status, o.minted.is_not(None))
            .where(o.tenant_id == owner.tenant)
            .order_by(o.order_id)
        ).all()
        seen["spent"] = uow.connection.execute(
            select(m.spent).where(m.tenant_id == owner.tenant, m.member_id == "m1")
        ).scalar_one()
        seen["raw"] = uow.connection.execute(  # hand-written SQL as well
            text("SELECT count(*) FROM orders WHERE tenant_id = :t"), {"t": owner.tenant}
        ).scalar_one()

    def then_cancel(uow: UnitOfWork) -> None:  # a step on a row the read wrote out
        def act(u: UnitOfWork, row: Any) -> None:
            u.orders.change(row.order_id, status="cancelled", closed_at=u.now)

        orders._move(uow, owner.actor, "c", "cancel", act)

    runs = [
        *_paid(owner, "a", "m1"),
        *_paid(owner, "b", "m1", "50.00"),
        orders._creation(owner, NewOrder(id="c", member="m2", amount="10", contribution="1")),
        read,
        then_cancel,
        *_paid(owner, "d", "m1", "25.00"),
    ]
    answers = grouped_commands(context, owner, runs)
    assert [error for _, error in answers if error is not None] == []
    assert seen["orders"] == [
        ("a", "completed", True),
        ("b", "completed", True),
        ("c", "created", False),
    ]
    assert seen["spent"] == 15_000  # fen: a and b, completed before the read
    assert seen["raw"] == 3
    with context.database.read() as connection:
        assert spent_differences(connection, owner.tenant) == []
        assert (
            connection.execute(
                select(t.members.c.spent).where(
                    t.members.c.tenant_id == owner.tenant, t.members.c.member_id == "m1"
                )
            ).scalar_one()
            == 17_500
        )
        assert check_ledger(connection, owner.tenant) == []
        assert check_replay(connection, owner.tenant) == []
    assert orders.get_order(context, owner, "c").status == "cancelled"


def test_a_held_order_refused_later_in_its_command_leaves_nothing(context: Context) -> None:
    owner = _owner(context)

    def create_then_fail(uow: UnitOfWork) -> None:
        orders._creation(owner, NewOrder(id="x", member="m0", amount="10", contribution="1"))(uow)
        orders._move(uow, owner.actor, "x", "pay", orders._pay)
        raise DomainError(ErrorCode.CONFLICT, "refused after its order was held", "id")

    answers = grouped_commands(context, owner, [*_paid(owner, "y", "m0"), create_then_fail])
    assert answers[0][1] is None and isinstance(answers[2][1], DomainError)
    with context.database.read() as connection:
        ids = connection.execute(
            select(t.orders.c.order_id).where(t.orders.c.tenant_id == owner.tenant)
        ).scalars()
        assert list(ids) == ["y"]
        assert spent_differences(connection, owner.tenant) == []


@pytest.mark.parametrize("seed", range(6))
def test_the_remembered_first_to_exit_is_always_the_indexs(context: Context, seed: int) -> None:
    """Random opens, changes, closes and new multiples on one pool's positions; after
    each, the position the memo names is the one a fresh read of the index names, and so
    is the second to exit when the memo knows it (which spares the read when the first
    moves)."""
    owner = _owner(context)
    rng = random.Random(seed)
    with UnitOfWork(context.database, owner.tenant, context.clock()) as uow:
        book = uow.pools["main"].positions
        assert isinstance(book, SqlPositions)
        multiple: Ratio | None = Ratio(2, 1)
        for step in range(240):
            member = f"p{rng.randrange(12)}"
            held = book.get(member)
            roll = rng.random()
            if roll < 0.05:
                multiple = rng.choice([Ratio(3, 2), Ratio(2, 1), Ratio(5, 2), Ratio(1, 4)])
                book.reindex(multiple)
            elif held is not None and roll < 0.2:
                book.close(held)
            else:
                position = held or book.open(member)
                position.principal += rng.randrange(1, 5_000)
                position.points += rng.randrange(0, 300)
                if rng.random() < 0.3:
                    position.realized += rng.randrange(0, position.principal)
                book.update(position)
            if rng.random() < 0.5:  # asked between some steps only: the memo must follow
                fresh = SqlPositions(uow.connection, owner.tenant, "main", multiple, 0)
                expected = fresh.first_to_exit()
                found = book.first_to_exit()
                assert (found and found.member) == (expected and expected.member), step
                if book._second is not pools_module._UNKNOWN:
                    assert book._second == fresh._second, step


def test_a_group_of_orders_sends_less_than_one_statement_an_order(context: Context) -> None:
    """Create and pay, in batches (counted at the cursor, each multi-row statement once):
    the orders, members and positions a group wants are read in one statement each
    (store/wanted.py) and written in one each (store/pending.py); the rest is the
    group's too (settings, pool, balances, counters, entries, events)."""
    owner = _owner(context, 50)
    requests = [
        NewOrder(id=f"o{n}", member=f"m{n % 50}", amount="100.00", contribution="30.00")
        for n in range(200)
    ]
    with statements_sent(context) as sent:
        for start in range(0, 200, 100):
            batch = OrderBatch(orders=requests[start : start + 100], pay=True)
            assert {a.outcome for a in orders.create_orders(context, owner, batch)} == {"created"}
    assert len(sent) < 200, sorted(set(sent))
    with context.database.read() as connection:
        assert (
            connection.execute(
                select(func.count())
                .select_from(t.orders)
                .where(t.orders.c.tenant_id == owner.tenant)
            ).scalar_one()
            == 200
        )
        assert spent_differences(connection, owner.tenant) == []
        assert check_replay(connection, owner.tenant) == []


def _tables_and_verbs(statement: str) -> list[tuple[str, str]]:
    """('select' | 'insert' | 'update' | 'delete', the table it names first) of each
    statement it holds (several for store/database.write_together's)."""
    found = []
    for _, one in parts(statement):
        named = re.search(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)", one)
        found.append((one.split(None, 1)[0].lower(), named.group(1) if named else ""))
    return found


def test_a_lone_order_reads_and_writes_each_row_once(context: Context) -> None:
    """Paying one order alone (no group to share with): each table is read at most once
    and written at most once (the member's position and the first to exit are one read);
    the member is not looked up again (its order names it), the pool's cash and points
    are one read whichever the rules ask first, the member's spent total, wallet and
    points one update, the tenant's counters one update that takes their lock; the
    tenant's settings not read (the process saw them at its last commit: the counters'
    update returns them, and they are compared there)."""
    owner = _owner(context)
    # another tenant has a webhook subscription: this one has none, and reads none
    other = Principal(new_tenant(context, "hooked"), "user:owner", Role.OWNER)
    webhooks.create_subscription(context, other, SubscriptionIn(url=HOOK, event_types=["*"]))
    # the pool and positions exist, as on a live platform; another member's is the first
    # to exit (a mint of the first's own makes the index be read again, for the next)
    for n, member in enumerate(("m2", "m1", "m1")):
        request = NewOrder(id=f"w{n}", member=member, amount="100.00", contribution="10.00")
        orders.create_order(context, owner, request)
        orders.pay(context, owner, f"w{n}")
    request = NewOrder(id="x", member="m1", amount="100.00", contribution="10.00")
    orders.create_order(context, owner, request)
    with statements_sent(context) as sent:
        orders.pay(context, owner, "x")
    seen = Counter(
        pair
        for one in sent
        if not one.startswith(("BEGIN", "SAVE"))
        for pair in _tables_and_verbs(one)
    )
    twice = {key: n for key, n in seen.items() if n > 1}
    assert twice == {}, seen
    assert ("select", "members") not in seen
    assert ("select", "balances") in seen and ("insert", "balances") in seen
    assert seen[("update", "tenants")] == 1 and ("select", "tenants") not in seen
    assert ("select", "webhook_subscriptions") not in seen
    with context.database.read() as connection:
        assert spent_differences(connection, owner.tenant) == []
        assert check_replay(connection, owner.tenant) == []
        assert check_ledger(connection, owner.tenant) == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_lone_order_created_paid_reads_its_member_with_its_order(context: Context) -> None:
    """On PostgreSQL the order's locked read says whether its member exists (store/orders.py
    `_MANY_LOCKED_AND_MEMBERS`): four statements, none of them the members' alone, and an
    unknown member is refused on what that same read found, nothing written."""
    owner = _owner(context)
    request = NewOrder(id="x", member="m1", amount="100.00", contribution="10.00", pay=True)
    with statements_sent(context) as sent:
        made, _ = orders.create_order(context, owner, request)
    assert made.status == "completed"
    statements = [one for one in sent if not one.startswith(("BEGIN", "SAVE"))]
    assert len(statements) == 4, statements
    first = " ".join(statements[0].split())
    assert "FROM members" in first and "FROM orders" in first and "FOR UPDATE" in first
    assert not any("FROM members" in one for one in statements[1:]), statements
    stranger = request.model_copy(update={"id": "y", "member": "nobody"})
    with statements_sent(context) as sent, pytest.raises(DomainError) as refused:
        orders.create_order(context, owner, stranger)
    assert (refused.value.code, refused.value.field) == (ErrorCode.NOT_FOUND, "member")
    assert sum("FROM members" in one for one in sent) == 1, sent  # the order's read
    with context.database.read() as connection:
        kept = select(t.orders.c.order_id).where(t.orders.c.tenant_id == owner.tenant)
        assert connection.execute(kept).scalars().all() == ["x"]
        assert check_replay(connection, owner.tenant) == []


def test_an_order_reads_its_pools_balances_with_its_members_position(context: Context) -> None:
    """The pool's cash and supply are read, locked, in the statement that reads the
    member's position and the first to exit (store/pools.py `_POOL_AND_FIRST`): after the
    pool's lock, before the commit. A member with a position, one without, and one who is
    the first to exit each get what a replay of the log gives."""
    owner = Principal(new_tenant(context, "held"), "user:owner", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="1.1"))
    for member in ("m1", "m2"):
        members.create_member(context, owner, NewMember(id=member))
    for n, member in enumerate(["m1", "m2", "m1", "m2", "m1"]):
        request = NewOrder(
            id=f"o{n}", member=member, amount="100.00", contribution="100.00", pay=True
        )
        with statements_sent(context) as sent:
            orders.create_order(context, owner, request)
        statements = [
            " ".join(one.split()) for one in sent if not one.startswith(("BEGIN", "SAVE"))
        ]
        reads = [one for one in statements if "FROM balances" in one or "FROM positions" in one]
        both = reads[0]  # the first read of either is of both
        assert "FROM balances" in both and "FROM positions" in both, both
        assert "exit_key IS NOT NULL" in both, both
        [pool] = [n for n, one in enumerate(statements) if "FROM pools" in one]
        [write] = [n for n, one in enumerate(statements) if one.startswith(("INSERT", "WITH"))][:1]
        assert pool < statements.index(both) < write, statements  # locked, then read
    with context.database.read() as connection:
        exits = connection.execute(
            select(func.count()).where(
                t.entries.c.tenant_id == owner.tenant, t.entries.c.kind == "exit"
            )
        ).scalar_one()
        assert exits > 0  # the first to exit, read with the balances, was paid out
        assert check_replay(connection, owner.tenant) == []
        assert check_ledger(connection, owner.tenant) == []


def test_a_subscribed_tenants_order_reads_its_subscriptions_once_under_its_lock(
    context: Context,
) -> None:
    """A tenant with an active subscription: its order reads them once, after the
    tenant's counters (under their lock), and writes its events' deliveries."""
    owner = _owner(context)
    webhooks.create_subscription(context, owner, SubscriptionIn(url=HOOK, event_types=["*"]))
    request = NewOrder(id="x", member="m1", amount="100.00", contribution="10.00", pay=True)
    with statements_sent(context) as sent:
        orders.create_order(context, owner, request)
    verbs = [
        pair
        for one in sent
        if not one.startswith(("BEGIN", "SAVE"))
        for pair in _tables_and_verbs(one)
    ]
    counters = verbs.index(("update", "tenants"))
    [read] = [n for n, pair in enumerate(verbs) if pair == ("select", "webhook_subscriptions")]
    assert read > counters
    d = t.webhook_deliveries.c
    with context.database.read() as connection:
        written = connection.execute(
            select(func.count()).where(d.tenant_id == owner.tenant)
        ).scalar_one()
    assert written > 0


def test_a_lone_order_sends_statements_built_once(context: Context) -> None:
    """A statement built anew at each execution costs SQLAlchemy's CPU again (its cache
    key, its parameters taken out): about 100 µs more than the same one built once with
    bound parameters, and a lone order sent fifteen such (7.6 ms of CPU an order created
    and paid, 5.4 after they were built once: docs/benchmarks.md). Every statement a lone
    create and pay sends is the same object from one order to the next."""
    owner = _owner(context)
    sent: list[list[tuple[int, str]]] = []

    def record(_connection: Any, statement: Any, *_: Any) -> None:
        sent[-1].append((id(statement), str(statement).split("\n")[0][:60]))

    engines = context.database.engines
    for engine in engines:
        event.listen(engine, "before_execute", record)
    try:
        for n in range(3):
            sent.append([])
            request = NewOrder(id=f"o{n}", member=f"m{n}", amount="100.00", contribution="10.00")
            orders.create_order(context, owner, request)
            orders.pay(context, owner, request.id)
    finally:
        for engine in engines:
            event.remove(engine, "before_execute", record)
    # the first order may build what is built once, on first use; the later ones reuse it
    second, third = sent[1], sent[2]
    assert len(second) == len(third) and len(second) >= 4, (second, third)
    built = [text for (one, text), (other, _) in zip(second, third, strict=True) if one != other]
    assert built == [], built
