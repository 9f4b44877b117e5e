"""Every writing transaction locks in one order (docs/service.md, "Lock order"): rows of
`members` are written last, at commit, after the pools', zones' and balances' rows, in
member order. Written earlier, an order's upline grew mid-command (its `members` row
locked) and the group went on to lock a pool another transaction held, which at its own
commit wrote the kept figures of that upline: PostgreSQL found the cycle after its
deadlock_timeout (1 s a retry) and killed one of them, 6 to 12 times a run of
tests/service/test_mixed_races.py. Here the same interleaving on two connections, by
hand, and a contended run of several processes that counts the retries a deadlock costs.
A group's pools and zones are locked together, in id order, right after its orders and
before any balance: two groups whose commands came to two pools in other orders locked
them crosswise, and a group's zone locked after its first order's balances crossed a
lone order of that zone; the statements a group sends show the order.
PostgreSQL; on SQLite a write transaction holds the whole database."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError

from tests.processes import RACERS
from tests.service.conftest import SECRET, new_tenant, statements_sent
from zengzhi.engine.config import DistributionConfig
from zengzhi.service import catalog, distribution, members, orders, pools
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, grouped_commands
from zengzhi.service.catalog import ProductIn, ZoneIn
from zengzhi.service.members import NewMember
from zengzhi.service.orders import NewOrder
from zengzhi.service.pools import NewPool
from zengzhi.service.settings import Settings
from zengzhi.store import database as database_module
from zengzhi.store.database import Database
from zengzhi.store.member_figures import differences
from zengzhi.store.migrate import upgrade
from zengzhi.store.orders import spent_differences
from zengzhi.store.uow import UnitOfWork
from zengzhi.store.wanted import Wanted

RATES = {"commission": {"rates": ["0.01", "0.005"]}}


def _shop(context: Context, prefix: str) -> Principal:
    """Two pools, a chain z3 → z1 → z0 and commissions on two levels."""
    owner = Principal(new_tenant(context, prefix), "user:owner", Role.OWNER)
    for pool in ("p1", "p2"):
        pools.open_pool(context, owner, NewPool(id=pool, exit_multiple="2"))
    distribution.put_settings(context, owner, DistributionConfig.model_validate(RATES))
    for member, referrer in (("z0", None), ("z1", "z0"), ("z3", "z1")):
        members.create_member(context, owner, NewMember(id=member, referrer=referrer))
    return owner


def _order(context: Context, owner: Principal, order_id: str, member: str, pool: str) -> None:
    request = NewOrder(id=order_id, member=member, amount="100.00", contribution="30.00", pool=pool)
    orders.create_order(context, owner, request)


def _blocked_or_done(database: Database, done: threading.Event) -> bool:
    """Wait until the other thread's transaction waits for a lock (one this thread's
    transaction holds), or has finished: False if neither within ten seconds."""
    deadline = time.monotonic() + 10
    while not done.is_set() and time.monotonic() < deadline:
        with database.read() as connection:
            waiting = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
        if waiting:
            return True
        time.sleep(0.02)
    return done.is_set()


def test_an_upline_grown_mid_group_does_not_lock_its_row_before_the_pools(
    postgres_url: str,
) -> None:
    """A: a group pays z3's order in pool p2 (growing z1 and z0), then one in p1. B, in
    between: pays z0's order in p1 and commits (z0's kept points). Before the lock order,
    A held z0's row from the growth, B held p1 and waited for z0 at its commit, and A then
    waited for p1: a deadlock, one of the two killed. Now A writes z0 at its commit only:
    B commits, A waits for p1 until it has, and both go through the first time."""
    database = Database(postgres_url)
    upgrade(database.writer)
    context = Context(database, Settings(database_url=postgres_url, secret_key=SECRET))
    owner = _shop(context, "order")
    for order_id, member, pool in (("a1", "z3", "p2"), ("b1", "z0", "p1"), ("a2", "z3", "p1")):
        _order(context, owner, order_id, member, pool)
    now = context.clock()

    def pay(uow: UnitOfWork, order_id: str) -> None:
        orders._move(uow, owner.actor, order_id, "pay", orders._pay)

    errors: dict[str, BaseException] = {}
    b_done = threading.Event()

    def b() -> None:
        try:
            with UnitOfWork(database, owner.tenant, now) as uow:
                pay(uow, "b1")
                uow.commit()
        except DBAPIError as error:
            errors["b"] = error
        finally:
            b_done.set()

    with UnitOfWork(database, owner.tenant, now) as uow:
        try:
            pay(uow, "a1")  # grows z1 and z0
            racer = threading.Thread(target=b)
            racer.start()
            _blocked_or_done(database, b_done)
            pay(uow, "a2")  # pool p1, which B locked
            uow.commit()
        except DBAPIError as error:
            errors["a"] = error
    racer.join(30)
    assert not racer.is_alive()
    assert errors == {}, {who: str(error.orig).splitlines()[0] for who, error in errors.items()}
    with database.read() as connection:
        assert check_ledger(connection, owner.tenant) == []
        assert check_replay(connection, owner.tenant) == []
        assert differences(connection, owner.tenant) == []
        assert spent_differences(connection, owner.tenant) == []
    database.dispose()


CLIENTS = 3
ORDERS = 12


def _step(owner: Principal, order_id: str, step: str) -> tuple[Callable[[UnitOfWork], Any], Wanted]:
    """A step of an order's life as `orders._command` gives it to the tenant's line."""
    act = orders.STEPS[step]
    return (lambda uow: orders._move(uow, owner.actor, order_id, step, act)), Wanted.of((order_id,))


def _orders_and_reversals(url: str, tenant: str, worker: int, pools: tuple[str, ...]) -> int:
    """One server process's commands: orders of the three members in `pools`, each
    created, paid and every third reversed, six commands a group; returns how many times
    the database's retries ran a command again for a deadlock."""
    deadlocks = 0
    retryable = database_module.is_retryable

    def counted(error: BaseException) -> bool:
        nonlocal deadlocks
        if getattr(getattr(error, "orig", None), "sqlstate", None) == "40P01":
            deadlocks += 1
        return retryable(error)

    database_module.is_retryable = counted  # what `Database.retrying` asks, in this process
    database = Database(url)
    context = Context(database, Settings(database_url=url, secret_key=SECRET))
    owner = Principal(tenant, "user:owner", Role.OWNER)
    members_ = ["z0", "z1", "z3"]
    batch: list[Any] = []
    for n in range(ORDERS):
        order_id = f"w{worker}-{n}"
        request = NewOrder(
            id=order_id,
            member=members_[(n + worker) % 3],
            amount="100.00",
            contribution="30.00",
            pool=pools[(n * worker + n // 2) % len(pools)],
        )
        batch += [(orders._creation(owner, request), orders._wants(request))]
        batch += [_step(owner, order_id, "pay")]
        if n % 3 == 2:
            batch.append(_step(owner, order_id, "reverse"))
        if len(batch) >= 6 or n == ORDERS - 1:  # what the service's sequencer is given
            runs, wants = zip(*batch, strict=True)
            for _, error in grouped_commands(context, owner, list(runs), list(wants)):
                assert error is None, error
            batch = []
    database.dispose()
    return deadlocks


@pytest.mark.parametrize("pools", [("p1", "p2")], ids=["two pools"])
def test_contended_orders_of_several_processes_meet_no_deadlock(
    postgres_url: str, pools: tuple[str, ...]
) -> None:
    """Three server processes, each grouping its commands: orders created, paid (their
    uplines grown, commissions paid) and some reversed, of the same three members. Each
    deadlock is a retry of a whole group after a second of deadlock_timeout; the books
    came right before too, but none is wanted."""
    database = Database(postgres_url)
    upgrade(database.writer)
    context = Context(database, Settings(database_url=postgres_url, secret_key=SECRET))
    owner = _shop(context, f"contended{len(pools)}-")
    with RACERS.Pool(CLIENTS) as workers:
        deadlocks = workers.starmap(
            _orders_and_reversals,
            [(postgres_url, owner.tenant, n, pools) for n in range(CLIENTS)],
        )
    with database.read() as connection:
        assert check_ledger(connection, owner.tenant) == []
        assert check_replay(connection, owner.tenant) == []
        assert differences(connection, owner.tenant) == []
    assert sum(deadlocks) == 0, deadlocks
    database.dispose()


def test_a_group_locks_the_pools_of_its_orders_at_once_in_pool_order(postgres_url: str) -> None:
    """Paying an order in p2, then one in p1, in one group: both pools are locked by the
    group's first order lookup, in one statement (in pool order), before any balance; each
    command locking its own as it came locked p2 before p1, and a group that came the other
    way round waited for it crosswise."""
    database = Database(postgres_url)
    upgrade(database.writer)
    context = Context(database, Settings(database_url=postgres_url, secret_key=SECRET))
    owner = _shop(context, "pools")
    _order(context, owner, "a", "z3", "p2")
    _order(context, owner, "b", "z0", "p1")
    runs, wants = zip(*[_step(owner, "a", "pay"), _step(owner, "b", "pay")], strict=True)
    asked: list[Any] = []  # the pools each statement locking pools names

    def heard(_c: Any, _k: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM pools" in statement and "FOR UPDATE" in statement:
            asked.append(parameters["ids"])

    for engine in database.engines:
        event.listen(engine, "before_cursor_execute", heard)
    with statements_sent(context) as sent:
        answers = grouped_commands(context, owner, list(runs), list(wants))
    for engine in database.engines:
        event.remove(engine, "before_cursor_execute", heard)
    assert [error for _, error in answers] == [None, None]
    locking = [n for n, one in enumerate(sent) if "FOR UPDATE" in one]
    pools_locked = [n for n in locking if "FROM pools" in sent[n]]
    assert len(pools_locked) == 1, [sent[n] for n in pools_locked]
    assert asked == ['{"p1","p2"}']  # both, one statement, one array (store/pools.py)
    assert "ORDER BY pools.pool_id" in sent[pools_locked[0]]
    balances = [n for n in locking if "FROM balances" in sent[n]]
    assert balances and pools_locked[0] < min(balances)
    database.dispose()


def test_a_group_locks_the_zones_of_its_orders_before_any_balance(postgres_url: str) -> None:
    """An order in pool p1, then one of a product in the zone `club`, paid in one group:
    the zone is locked with the group's pools, right after its orders, before the first
    order's mint locks the pool's balances. Locked as the second order came, the zone
    was taken after those balances, while a lone order of the zone locks the zone first
    and those balances after it (its modes' reserves, the pool's cash): crosswise."""
    database = Database(postgres_url)
    upgrade(database.writer)
    context = Context(database, Settings(database_url=postgres_url, secret_key=SECRET))
    owner = _shop(context, "zones")
    modes = {"ads": {"ratio": "1", "backed": True}}
    catalog.put_item(context, owner, "zone", "club", ZoneIn.model_validate({"modes": modes}))
    pack = {"price": "100.00", "platform": "100.00", "zone": "club"}
    catalog.put_item(context, owner, "product", "pack", ProductIn.model_validate(pack))
    _order(context, owner, "a", "z3", "p1")
    orders.create_order(context, owner, NewOrder(id="b", member="z1", product="pack"))
    runs, wants = zip(*[_step(owner, "a", "pay"), _step(owner, "b", "pay")], strict=True)
    with statements_sent(context) as sent:
        answers = grouped_commands(context, owner, list(runs), list(wants))
    assert [error for _, error in answers] == [None, None]
    locking = [n for n, one in enumerate(sent) if "FOR UPDATE" in one]
    zones = [n for n in locking if "FROM zones" in sent[n]]
    balances = [n for n in locking if "FROM balances" in sent[n]]
    assert zones and balances
    assert max(zones) < min(balances), [sent[n].split("FROM")[1][:20] for n in locking]
    database.dispose()
