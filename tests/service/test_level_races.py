"""Two servers' orders under one upline crossing a star level at the same moment, on
PostgreSQL.

Since af77678 an order's completion does not lock its uplines' rows: the levels it pays
by are computed from their team performance read without a lock plus its own growth, and
at commit `store/member_figures._check_levels` checks that each level used is still the
one reached on top of the performance the row has then; if not, `LostRace`, and the
command is run again, as the event log's order would have it (docs/service.md, "Lock
order"). Here: two transactions by hand, each alone below level 2 and together above it,
the second to commit paying level 2's differential only after it is run again; then
three processes' groups of orders and reversals under one chain with three thresholds,
whose books, team performance, levels and team rewards must be a sequential replay's;
and a level read, not grown (a zone open from level 2), dropped by a reversal committed
meanwhile: the order it let through was committed and the log's replay refused it, until
the levels read were checked at commit too (`Growth.seen`).
PostgreSQL; on SQLite a write transaction holds the whole database."""

from __future__ import annotations

import random
import threading
from collections import Counter, defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, select, text

from tests.processes import RACERS
from tests.service.conftest import SECRET, new_tenant
from tests.service.test_lock_order import _blocked_or_done
from zengzhi.core.errors import DomainError
from zengzhi.engine.config import DistributionConfig, TenantConfig
from zengzhi.engine.engine import Outcome
from zengzhi.engine.replay import replay
from zengzhi.service import catalog, distribution, members, orders
from zengzhi.service.audit import check_ledger, check_replay, event_log
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, grouped_commands
from zengzhi.service.catalog import ProductIn, ZoneIn
from zengzhi.service.members import NewMember
from zengzhi.service.orders import NewOrder
from zengzhi.service.settings import Settings
from zengzhi.store import database as database_module
from zengzhi.store import tables as t
from zengzhi.store.database import Database, LostRace
from zengzhi.store.member_figures import differences
from zengzhi.store.migrate import upgrade
from zengzhi.store.orders import spent_differences
from zengzhi.store.uow import UnitOfWork
from zengzhi.store.wanted import Wanted

_m = t.members.c
_o = t.orders.c
_e = t.entries.c


def _context(url: str) -> Context:
    return Context(Database(url), Settings(database_url=url, secret_key=SECRET))


def _levels(
    context: Context, owner: Principal, levels: list[tuple[str, str]], peer: str | None = None
) -> None:
    """Star levels (performance, rate), and the peer share, paid by the platform beyond
    an order's budget (these orders have none), so that every team reward shows in full."""
    team: dict[str, Any] = {"levels": [{"performance": p, "rate": r} for p, r in levels]}
    if peer is not None:
        team["peer_share"] = peer
    config = DistributionConfig.model_validate({"overflow": "platform", "team": team})
    distribution.put_settings(context, owner, config)


def _order(context: Context, owner: Principal, order_id: str, member: str, amount: str) -> None:
    request = NewOrder(id=order_id, member=member, amount=amount, contribution="0.00")
    orders.create_order(context, owner, request)


def _team_rewards(connection: Connection, tenant: str) -> list[tuple[Any, ...]]:
    """(kind, cause, member, amount, reward's kind) of every team (and peer) reward and
    every reward's reversal booked (a reversal does not say the kind it takes back; these
    tenants pay no other)."""
    rows = connection.execute(
        select(_e.kind, _e.cause, _e.params).where(
            _e.tenant_id == tenant, _e.kind.in_(["reward", "reward_reversal"])
        )
    )
    return sorted(
        (row.kind, row.cause, row.params["member"], row.params["amount"], row.params.get("kind"))
        for row in rows
        if row.kind == "reward_reversal" or row.params.get("kind") in ("team", "peer")
    )


def _replayed(connection: Connection, tenant: str) -> tuple[list[Any], dict[str, int]]:
    """The team rewards (as `_team_rewards`) a sequential replay of the event log books,
    and the star level it leaves each member at."""
    entries: list[Any] = []

    def kept(outcome: Outcome) -> None:
        entries.extend(outcome.entries)

    run = replay(event_log(connection, tenant), TenantConfig(), on_outcome=kept)
    rewards = sorted(
        (one.kind, one.cause, one.params["member"], one.params["amount"], one.params.get("kind"))
        for one in entries
        if one.kind == "reward_reversal"
        or (one.kind == "reward" and one.params.get("kind") in ("team", "peer"))
    )
    ids = connection.execute(select(_m.member_id).where(_m.tenant_id == tenant)).scalars()
    return rewards, {member: run.state.network.level(member) for member in ids}


def _figures(connection: Connection, tenant: str) -> dict[str, tuple[int, int]]:
    rows = connection.execute(
        select(_m.member_id, _m.team_performance, _m.team_level).where(_m.tenant_id == tenant)
    )
    return {row.member_id: (int(row.team_performance), int(row.team_level)) for row in rows}


def _count_lost_races(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The `LostRace`s `Database.retrying` ran a command again for, in this process."""
    lost: list[str] = []
    retryable = database_module.is_retryable

    def counted(error: BaseException) -> bool:
        if isinstance(error, LostRace):
            lost.append(str(error))
        return retryable(error)

    monkeypatch.setattr(database_module, "is_retryable", counted)
    return lost


LEVEL_1, LEVEL_2 = ("1000.00", "0.01"), ("2000.00", "0.03")
RATE_1, RATE_2 = Decimal(LEVEL_1[1]), Decimal(LEVEL_2[1])


def _two_at_once(
    database: Database, owner: Principal, a: str, b: str
) -> tuple[list[int], list[BaseException]]:
    """A takes its step ("order step") and holds its transaction open; B takes its own
    in another thread, reading U's performance before A commits (it may then wait for a
    balance A's reward locked: U's wallet); A commits, then B, through the retries of
    `Database.retrying`. Returns B's attempts, and what B raised in the end."""
    now = datetime.now(UTC)

    def take(uow: UnitOfWork, order_and_step: str) -> None:
        order_id, step = order_and_step.split()
        orders._move(uow, owner.actor, order_id, step, orders.STEPS[step])

    attempts: list[int] = []
    b_paid, a_committed = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def b_attempt() -> None:
        attempts.append(len(attempts) + 1)
        with UnitOfWork(database, owner.tenant, now) as uow:
            take(uow, b)
            if len(attempts) == 1:  # U read before A's commit; A commits first
                b_paid.set()
                a_committed.wait(10)
            uow.commit()

    def b_thread() -> None:
        try:
            database.retrying(b_attempt)
        except BaseException as error:
            errors.append(error)

    racer = threading.Thread(target=b_thread)
    with UnitOfWork(database, owner.tenant, now) as uow:
        take(uow, a)
        racer.start()
        assert _blocked_or_done(database, b_paid)
        uow.commit()
    a_committed.set()
    racer.join(30)
    assert not racer.is_alive()
    return attempts, errors


# U's rows: (orders paid before, A's step, B's step, U's rewards by order, U's figures)
CROSSINGS = {
    # U at 1,500.00 (level 1): a's 300.00 and b's 300.00 each leave it at 1,800.00 alone;
    # B, committed after A, finds 1,800.00 and its 300.00 reaches level 2
    "up": (
        [("c1", "c", "1500.00")],
        "a1 pay",
        "b1 pay",
        {"c1": 1500 * RATE_1, "a1": 300 * RATE_1, "b1": 300 * RATE_2},
        (210_000, 2),
    ),
    # U at 2,100.00 (level 2): A reverses a's 600.00; B's 300.00 read 2,100.00 (level 2 at
    # 2,400.00) but, after A, U had 1,500.00: 1,800.00 is level 1
    "down": (
        [("c1", "c", "1500.00"), ("a1", "a", "600.00")],
        "a1 reverse",
        "b1 pay",
        {"c1": 1500 * RATE_1, "a1": 600 * RATE_2, "b1": 300 * RATE_1},
        (180_000, 1),
    ),
}


@pytest.mark.parametrize("crossing", sorted(CROSSINGS))
def test_two_orders_crossing_a_level_at_once_the_second_runs_again(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, crossing: str
) -> None:
    """Two transactions under U, each computing U's level from the 1,500.00 or 2,100.00
    it read (level 2 at 2,000.00), the first committing between the second's reading and
    its commit: together they cross the threshold (up, or down with a reversal), alone
    neither would. The second's commit finds the performance A left, on which its own
    growth reaches another level than the one it paid U's differential by: it is run
    again (`LostRace`, once) and pays as the log's order (A, then B) would."""
    before, a, b, rewards_of_u, figures_of_u = CROSSINGS[crossing]
    lost = _count_lost_races(monkeypatch)
    database = Database(postgres_url)
    upgrade(database.writer)
    context = Context(database, Settings(database_url=postgres_url, secret_key=SECRET))
    owner = Principal(new_tenant(context, "levels"), "user:owner", Role.OWNER)
    _levels(context, owner, [LEVEL_1, LEVEL_2])
    members.create_member(context, owner, NewMember(id="u"))
    for member in ("a", "b", "c"):
        members.create_member(context, owner, NewMember(id=member, referrer="u"))
    for order_id, member, amount in before:
        _order(context, owner, order_id, member, amount)
        orders.pay(context, owner, order_id)
    _order(context, owner, "b1", "b", "300.00")
    if crossing == "up":
        _order(context, owner, "a1", "a", "300.00")
    attempts, errors = _two_at_once(database, owner, a, b)
    assert errors == []
    with database.read() as connection:
        assert check_ledger(connection, owner.tenant) == []
        assert check_replay(connection, owner.tenant) == []
        assert differences(connection, owner.tenant) == []
        assert spent_differences(connection, owner.tenant) == []
        rewards = _team_rewards(connection, owner.tenant)
        assert rewards == _replayed(connection, owner.tenant)[0]
        figures = _figures(connection, owner.tenant)
    paid = {
        cause.removeprefix("order:"): Decimal(amount)
        for kind, cause, member, amount, _ in rewards
        if kind == "reward" and member == "u"
    }
    assert paid == rewards_of_u
    assert figures["u"] == figures_of_u
    assert lost == ["the star level of 'u'"]  # B's first commit, and only it
    assert attempts == [1, 2]
    database.dispose()


# ---------------------------------------------------------------------------- processes

CLIENTS = 3
ORDERS = 18  # a process's; every second one reverses the one before it
THRESHOLDS = [("400.00", "0.01"), ("1000.00", "0.02"), ("1800.00", "0.04")]
PEER = "0.1"  # an upline at the level of the nearest paid one below it: a tenth of that
REFERRERS = {"r1": "r0", "r2": "r1", "b0": "r2", "b1": "r2", "b2": "r2", "b3": "r1", "b4": "r0"}
BUYERS = ["b0", "b1", "b2", "b3", "b4"]


def _step(owner: Principal, order_id: str, step: str) -> tuple[Any, Wanted]:
    act = orders.STEPS[step]
    return (lambda uow: orders._move(uow, owner.actor, order_id, step, act)), Wanted.of((order_id,))


def _orders_and_reversals(url: str, tenant: str, worker: int) -> tuple[int, int]:
    """One server process's commands, grouped as its sequencer would: orders of 50.00
    to 250.00 by the buyers under r0 → r1 → r2, each paid at once, every second one
    reversing the order before it (the uplines' performance going up and down across the
    thresholds). Returns the `LostRace`s and the deadlocks its retries ran again for."""
    counts = Counter[str]()
    retryable = database_module.is_retryable

    def counted(error: BaseException) -> bool:
        if isinstance(error, LostRace):
            counts["lost"] += 1
        elif getattr(getattr(error, "orig", None), "sqlstate", None) == "40P01":
            counts["deadlock"] += 1
        return retryable(error)

    database_module.is_retryable = counted  # what `Database.retrying` asks, in this process
    rng = random.Random(900 + worker)
    context = _context(url)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    batch: list[Any] = []
    for n in range(ORDERS):
        order_id = f"w{worker}-{n}"
        request = NewOrder(
            id=order_id,
            member=rng.choice(BUYERS),
            amount=f"{rng.randint(50, 250)}.00",
            contribution="0.00",
        )
        batch += [(orders._creation(owner, request), orders._wants(request))]
        batch += [_step(owner, order_id, "pay")]
        if n % 2:
            batch.append(_step(owner, f"w{worker}-{n - 1}", "reverse"))
        if len(batch) >= rng.randint(2, 6) or n == ORDERS - 1:
            runs, wants = zip(*batch, strict=True)
            for _, error in grouped_commands(context, owner, list(runs), list(wants)):
                assert error is None, error
            batch = []
    context.database.dispose()
    return counts["lost"], counts["deadlock"]


def test_processes_crossing_star_levels_up_and_down_pay_as_a_replay(postgres_url: str) -> None:
    """Three server processes pay and reverse orders under one chain r0 → r1 → r2 with
    three star levels (400, 1,000 and 1,800), each order's uplines crossing them up and
    down as the others' orders land. Afterwards: the books are the journal's and the
    log's replay; each upline's team performance is its downline's completed orders not
    reversed; its level the one that performance reaches; and the team rewards booked
    are those a sequential replay books."""
    context = _context(postgres_url)
    database = context.database
    upgrade(database.writer)
    owner = Principal(new_tenant(context, "starrace"), "user:owner", Role.OWNER)
    _levels(context, owner, THRESHOLDS, PEER)
    members.create_member(context, owner, NewMember(id="r0"))
    for member, referrer in REFERRERS.items():
        members.create_member(context, owner, NewMember(id=member, referrer=referrer))
    with RACERS.Pool(CLIENTS) as workers:
        retries = workers.starmap(
            _orders_and_reversals, [(postgres_url, owner.tenant, n) for n in range(CLIENTS)]
        )
    print("LostRace and deadlock retries, by process:", retries)  # the report's count
    params = DistributionConfig.model_validate(
        {"team": {"levels": [{"performance": p, "rate": r} for p, r in THRESHOLDS]}}
    ).params()
    with database.read() as connection:
        assert check_ledger(connection, owner.tenant) == []
        assert check_replay(connection, owner.tenant) == []
        assert differences(connection, owner.tenant) == []
        assert spent_differences(connection, owner.tenant) == []
        standing = connection.execute(
            select(_o.member_id, _o.amount).where(
                _o.tenant_id == owner.tenant, _o.status == "completed", _o.reversed_by.is_(None)
            )
        ).all()
        figures = _figures(connection, owner.tenant)
        booked = _team_rewards(connection, owner.tenant)
        replayed, replayed_levels = _replayed(connection, owner.tenant)
        reversed_ = connection.execute(
            select(text("count(*)"))
            .select_from(t.orders)
            .where(_o.tenant_id == owner.tenant, _o.status == "reversed")
        ).scalar_one()
    assert reversed_ == CLIENTS * (ORDERS // 2)
    team: defaultdict[str, int] = defaultdict(int)
    for member, amount in standing:
        upline = REFERRERS.get(member)
        while upline is not None:
            team[upline] += int(amount)
            upline = REFERRERS.get(upline)
    assert {m: performance for m, (performance, _) in figures.items()} == {
        m: team[m] for m in figures
    }
    assert {m: level for m, (_, level) in figures.items()} == {
        m: params.level_for(team[m]) for m in figures
    }
    assert {m: level for m, (_, level) in figures.items()} == replayed_levels
    assert booked == replayed
    assert {kind for kind, *_ in booked} == {"reward", "reward_reversal"}
    assert {kind for *_, kind in booked} == {"team", "peer", None}  # None: a reversal's
    database.dispose()


def test_a_level_a_zone_requires_dropped_by_a_reversal_meanwhile_refuses_the_order(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A zone open to level 2 and up; U at 2,100.00 (level 2) buys in it (B) while a
    reversal of 600.00 under U (A) drops it to 1,500.00, level 1, and commits first. B read
    U's level 2 without a lock and grew no one: it must not commit an order the log's
    order (A, then B) refuses; run again, it is refused."""
    lost = _count_lost_races(monkeypatch)
    database = Database(postgres_url)
    upgrade(database.writer)
    context = Context(database, Settings(database_url=postgres_url, secret_key=SECRET))
    owner = Principal(new_tenant(context, "gated"), "user:owner", Role.OWNER)
    _levels(context, owner, [LEVEL_1, LEVEL_2])
    modes = {"ads": {"ratio": "1", "backed": True}, "requires": {"level": 2}}
    catalog.put_item(context, owner, "zone", "vip", ZoneIn.model_validate({"modes": modes}))
    pack = {"price": "100.00", "platform": "100.00", "zone": "vip"}
    catalog.put_item(context, owner, "product", "pack", ProductIn.model_validate(pack))
    members.create_member(context, owner, NewMember(id="u"))
    for member in ("a", "c"):
        members.create_member(context, owner, NewMember(id=member, referrer="u"))
    for order_id, member, amount in (("c1", "c", "1500.00"), ("a1", "a", "600.00")):
        _order(context, owner, order_id, member, amount)
        orders.pay(context, owner, order_id)
    orders.create_order(context, owner, NewOrder(id="u1", member="u", product="pack"))
    attempts, errors = _two_at_once(database, owner, "a1 reverse", "u1 pay")
    with database.read() as connection:
        assert check_ledger(connection, owner.tenant) == []
        assert check_replay(connection, owner.tenant) == []
        assert differences(connection, owner.tenant) == []
        status = connection.execute(
            select(_o.status).where(_o.tenant_id == owner.tenant, _o.order_id == "u1")
        ).scalar_one()
    assert status == "created"
    assert [type(error) for error in errors] == [DomainError]
    assert "team level 2" in str(errors[0])
    assert lost == ["the star level of 'u'"]
    assert attempts == [1, 2]
    database.dispose()
