"""A position's lots as rows (`position_lots`, migration 0021), on both databases: what
one more order, sale or reversal sends does not grow with the member's history in the
position (the lots were one JSON column, read and rewritten whole with each change); the
migration moves JSON lots into rows and back; a position that closes takes its lots with
it, to `closed_lots`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import delete, event, insert, select, update

from tests.service.conftest import new_tenant
from tests.statements import parts
from zengzhi.core.amounts import Yuan, format_minor
from zengzhi.service import members, orders, pools, wallets
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.members import NewMember, SellRequest
from zengzhi.service.orders import NewOrder, OrderBatch
from zengzhi.service.pools import NewPool, SubsidyRequest
from zengzhi.service.schema import upgrade_database
from zengzhi.store import pools as store_pools
from zengzhi.store import tables as t
from zengzhi.store.books import position_rows
from zengzhi.store.migrate import alembic_config


def _owner(context: Context, exit_multiple: str = "100") -> Principal:
    owner = Principal(new_tenant(context, "lots"), "user:owner", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple=exit_multiple))
    for member in ("m1", "m2"):
        members.create_member(context, owner, NewMember(id=member))
    return owner


def _buy(
    context: Context, owner: Principal, ids: range, member: str = "m1", amount: str = "10.00"
) -> None:
    """Orders of `amount` (3.00 to the pool), created and paid (completed at payment) a
    batch of 200 at a time."""
    requests = [
        NewOrder(id=f"o{n}", member=member, amount=amount, contribution="3.00") for n in ids
    ]
    for start in range(0, len(requests), 200):
        answers = orders.create_orders(
            context, owner, OrderBatch(orders=requests[start : start + 200], pay=True)
        )
        assert all(one.outcome == "created" for one in answers), answers[0]


class Traffic:
    """The statements the service sends (at the cursor) and the lot rows it reads."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []
        self.lots_read = 0

    def __call__(self, conn: Any, cursor: Any, statement: str, parameters: Any, *rest: Any) -> None:
        self.statements.append((statement, parameters))

    def size(self) -> int:
        """Characters of every statement and its parameters: a list written whole grows it."""
        return sum(
            len(statement) + len(repr(parameters)) for statement, parameters in self.statements
        )

    def on_lots(self) -> list[tuple[int, str, Any]]:
        """(n, statement, parameters) of each statement on lots, or part of one
        (store/database.write_together: its parameters `column_n`)."""
        return [
            (n, part, parameters)
            for statement, parameters in self.statements
            for n, part in parts(statement)
            if "position_lots" in part
        ]


@contextmanager
def _traffic(context: Context, monkeypatch: pytest.MonkeyPatch) -> Iterator[Traffic]:
    seen = Traffic()
    read = store_pools.SqlLots._lot

    def counted(row: Any) -> Any:
        seen.lots_read += 1
        return read(row)

    engines = context.database.engines
    with monkeypatch.context() as patch:
        patch.setattr(store_pools.SqlLots, "_lot", staticmethod(counted))
        for engine in engines:
            event.listen(engine, "before_cursor_execute", seen)
        try:
            yield seen
        finally:
            for engine in engines:
                event.remove(engine, "before_cursor_execute", seen)


def _one_more(
    context: Context, owner: Principal, monkeypatch: pytest.MonkeyPatch, n: int
) -> dict[str, Any]:
    """What one more order, a small sale and the reversal of an order in the middle send
    and read, in a position that holds `n` lots."""
    found: dict[str, Any] = {}
    steps: list[tuple[str, Callable[[], Any]]] = [
        (
            "order",
            lambda: (
                orders.create_order(
                    context,
                    owner,
                    NewOrder(id=f"x{n}", member="m1", amount="10.00", contribution="3.00"),
                ),
                orders.pay(context, owner, f"x{n}"),
            ),
        ),
        ("sale", lambda: members.sell(context, owner, "m1", SellRequest(id=f"s{n}", points="1"))),
        ("reversal", lambda: orders.reverse(context, owner, f"o{n // 2}")),
    ]
    for name, step in steps:
        with _traffic(context, monkeypatch) as seen:
            step()
        found[name] = seen
    return found


def test_one_more_order_sale_or_reversal_costs_the_same_however_many_lots_the_position_holds(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """m1's position never closes (exit multiple 100). After 20 orders and after 420, one
    more order writes one lot row and reads none, a small sale reads the oldest lot or
    two still holding points and updates those, a reversal reads its own order's lot and
    empties it (kept, with what its points sold for: docs/model.md): the same statements,
    the same number of lot rows, parameters of the same size (the JSON column made each
    order's parameters grow by every lot held)."""
    owner = _owner(context)
    _buy(context, owner, range(20))
    few = _one_more(context, owner, monkeypatch, 20)
    _buy(context, owner, range(20, 420))
    many = _one_more(context, owner, monkeypatch, 420)
    for name in ("order", "sale", "reversal"):
        before, after = few[name], many[name]
        assert len(after.statements) == len(before.statements), name
        assert after.lots_read == before.lots_read, name
        assert after.size() <= before.size() + 200, name  # ids one or two digits longer
    order, sale, reversal = many["order"], many["sale"], many["reversal"]
    assert order.lots_read == 0
    [(_, statement, inserted)] = order.on_lots()  # one INSERT of one row (among others')
    assert statement.startswith("INSERT INTO position_lots")
    numbered = [int(k) for k in re.findall(r"\$(\d+)", statement)]
    if numbered:  # PostgreSQL (parameters numbered, store/database.py): one row's own
        assert len(numbered) > 2
        assert not any(isinstance(inserted[k - 1], list) for k in numbered)  # no array
    else:
        assert not isinstance(inserted, list) or len(inserted) == 1
    assert [statement.split()[0] for _, statement, _ in sale.on_lots()] == ["SELECT", "UPDATE"]
    assert [statement.split()[0] for _, statement, _ in reversal.on_lots()] == [
        "SELECT",
        "UPDATE",
    ]
    assert 1 <= sale.lots_read <= store_pools.FIRST_READ
    assert reversal.lots_read == 1
    with context.database.read() as connection:
        assert check_ledger(connection, owner.tenant) == []
        assert check_replay(connection, owner.tenant) == []
        [row] = [r for r in position_rows(connection, owner.tenant) if r.member_id == "m1"]
    assert row.lots is not None and len(row.lots) == 422  # o0…o419, x20, x420
    assert sum(lot[1] == 0 for lot in row.lots) >= 2  # the two reversed ones, emptied


def test_a_closed_position_takes_its_lots_and_the_next_starts_anew(context: Context) -> None:
    """m1's stake (three orders of 3.00, all to the pool) is forced out (exit multiple
    1.2) when m2's large order lifts the price, m2's stays: m1's lots go with its stake
    (the audit reports a lot left behind), and m1's next order opens a position whose one
    lot is that order's, as the replay's."""
    owner = _owner(context, exit_multiple="1.2")
    _buy(context, owner, range(3), amount="3.00")
    requests = [NewOrder(id="big", member="m2", amount="100000.00", contribution="30000.00")]
    orders.create_orders(context, owner, OrderBatch(orders=requests, pay=True))
    lot = t.position_lots.c
    with context.database.read() as connection:
        rows = {r.member_id: r for r in position_rows(connection, owner.tenant)}
        assert rows["m1"].opened == store_pools.CLOSED and rows["m1"].lots is None
        assert rows["m2"].opened != store_pools.CLOSED
        left = connection.execute(
            select(lot.cause).where(lot.tenant_id == owner.tenant, lot.member_id == "m1")
        ).all()
        assert left == []
    stray = {"tenant_id": owner.tenant, "pool_id": "main", "member_id": "m1", "seq": 1}
    stray |= {"cause": "order:o0", "held": 1, "sold_value": 0, "sold_payout": 0}
    with context.database.writer.begin() as connection:  # a lot a closed stake left
        connection.execute(insert(t.position_lots).values(stray))
    with context.database.read() as connection:
        found = [(d.what, d.kept, d.expected) for d in check_ledger(connection, owner.tenant)]
    assert found == [("position main/m1 lots", "lots", "none")]
    with context.database.writer.begin() as connection:
        connection.execute(
            delete(t.position_lots).where(lot.tenant_id == owner.tenant, lot.member_id == "m1")
        )
        closed = t.closed_lots.c  # the stake's lots moved, each with its share of the exit
        moved = connection.execute(
            select(closed.cause, closed.sold_payout)
            .where(closed.tenant_id == owner.tenant, closed.member_id == "m1")
            .order_by(closed.cause)
        ).all()
    assert [row.cause for row in moved] == [f"order:o{n}" for n in range(3)]
    exit_paid = wallets.wallet(context, owner, "m1").balance
    assert format_minor(sum(row.sold_payout for row in moved), 2) == exit_paid != "0.00"
    _buy(context, owner, range(3, 4), amount="3.00")  # a stake that stays open
    with context.database.read() as connection:
        assert check_ledger(connection, owner.tenant) == []
        assert check_replay(connection, owner.tenant) == []
        rows = {r.member_id: r for r in position_rows(connection, owner.tenant)}
    assert [lot[0] for lot in rows["m1"].lots or []] == ["order:o3"], rows["m1"]
    assert rows["m1"].next_lot == 2


def _migrate(context: Context, target: str, step: Callable[..., None]) -> None:
    engine = context.database.writer
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        step(config, target)


def test_migration_0021_moves_the_json_lots_into_rows_and_back(context: Context) -> None:
    """Down to 0020 the lots are the JSON column again, in their order; a position kept
    before lots stays without (NULL); a JSON list written at 0020 comes up as rows, in
    its order, and the position's next lot follows them; the books then replay, and a
    sale and a reversal work on the moved rows."""
    owner = _owner(context)
    _buy(context, owner, range(5))
    members.sell(context, owner, "m1", SellRequest(id="s1", points="3"))  # o0's, partly
    _buy(context, owner, range(5, 7), member="m2")
    with context.database.read() as connection:
        before = {r.member_id: r.lots for r in position_rows(connection, owner.tenant)}
    sold_out, sold_from = before["m1"][0], before["m1"][1]  # o0's 2.1 points, then o1's
    assert sold_out[1] == 0 and sold_out[2] > 0 and 0 < sold_from[1] < 21_000
    old = sa.table(
        "positions",
        sa.column("tenant_id"),
        sa.column("member_id"),
        sa.column("lots", sa.JSON),
    )
    _migrate(context, "0020", command.downgrade)
    with context.database.writer.begin() as connection:
        kept = dict(
            connection.execute(
                select(old.c.member_id, old.c.lots).where(old.c.tenant_id == owner.tenant)
            ).all()
        )
        assert kept == before
        connection.execute(  # m1's position as if opened before lots
            update(old)
            .where(old.c.tenant_id == owner.tenant, old.c.member_id == "m1")
            .values(lots=None)
        )
    upgrade_database(context)
    with context.database.read() as connection:
        rows = {r.member_id: r for r in position_rows(connection, owner.tenant)}
        lot = t.position_lots.c
        seqs = connection.execute(
            select(lot.seq).where(lot.tenant_id == owner.tenant, lot.member_id == "m2")
        ).scalars()
        assert sorted(seqs) == [1, 2]
    assert rows["m1"].lots is None and rows["m1"].next_lot is None
    assert rows["m2"].lots == before["m2"] and rows["m2"].next_lot == 3
    _buy(context, owner, range(7, 8), member="m2")
    members.sell(context, owner, "m2", SellRequest(id="s2", points="1"))
    orders.reverse(context, owner, "o6")
    with context.database.read() as connection:
        assert check_ledger(connection, owner.tenant) == []
        assert check_replay(connection, owner.tenant) == []
        rows = {r.member_id: r for r in position_rows(connection, owner.tenant)}
    # o6's lot emptied by its reversal, kept with what its points sold for
    assert [lot[0] for lot in rows["m2"].lots or []] == ["order:o5", "order:o6", "order:o7"]
    assert rows["m2"].lots is not None and rows["m2"].lots[1][1] == 0
    assert rows["m2"].next_lot == 4


def test_a_refund_of_an_order_whose_stake_closed_takes_nothing_of_the_next_stake(
    context: Context,
) -> None:
    """m1's first stake (o1) is forced out, paid 960.00, and closes; m1's o3 opens the
    next stake and its points are sold (168.24). Reversing o1 charged all the pool had
    paid m1 since o1, o3's sale included (an attacker's find, 2026-12-07): it charges
    what o1's stake was paid, and o3's sale stays m1's, as the replay finds."""
    owner = _owner(context, exit_multiple="1.2")
    members.create_member(context, owner, NewMember(id="m3"))

    def buy(order: str, member: str, amount: str, contribution: str) -> None:
        asked = NewOrder(id=order, member=member, amount=amount, contribution=contribution)
        orders.create_orders(context, owner, OrderBatch(orders=[asked], pay=True))

    buy("o1", "m1", "1000.00", "300.00")
    pools.subsidize(context, owner, "main", SubsidyRequest(id="x1", amount="300.00"))
    buy("o2", "m3", "100000.00", "30000.00")
    pools.subsidize(context, owner, "main", SubsidyRequest(id="x2", amount="30000.00"))
    assert wallets.wallet(context, owner, "m1").balance == "960.00"  # forced out
    buy("o3", "m1", "1000.00", "300.00")
    members.sell(context, owner, "m1", SellRequest(id="s1", points="all"))
    assert wallets.wallet(context, owner, "m1").balance == "1128.24"
    orders.reverse(context, owner, "o1")
    held = wallets.wallet(context, owner, "m1")
    assert (held.balance, held.debt) == ("168.24", "0.00")
    with context.database.read() as connection:
        assert check_ledger(connection, owner.tenant) == []
        assert check_replay(connection, owner.tenant) == []


def _sold_then_forced_out(context: Context) -> Principal:
    """m1's o1 (210 points) and o2 (147), m2's o9; m1 sells o1's 210 points (paid
    313.72) and is forced out with o2's (paid 1,606.28) by a subsidy."""
    owner = _owner(context, exit_multiple="1.2")
    asked = [
        NewOrder(id=order, member=member, amount="1000.00", contribution="300.00")
        for order, member in (("o1", "m1"), ("o2", "m1"), ("o9", "m2"))
    ]
    orders.create_orders(context, owner, OrderBatch(orders=asked, pay=True))
    members.sell(context, owner, "m1", SellRequest(id="s1", points="210"))
    assert wallets.wallet(context, owner, "m1").balance == "313.72"
    pools.subsidize(context, owner, "main", SubsidyRequest(id="x1", amount="3000.00"))
    return owner


def test_a_refund_after_an_exit_charges_what_its_order_s_points_were_paid(
    context: Context,
) -> None:
    """m1 sells o1's 210 points (paid 313.72) and is forced out with o2's 147 (paid
    1,606.28). After the exit the stake's lots are kept (`closed_lots`): o1's reversal
    charged 1,920.00, all the pool had paid m1 since o1, and charges 313.72; o2's the
    exit, in either order, as the replay does; a closed lot kept otherwise than
    replayed is a difference."""
    for first, then in (("o1", "o2"), ("o2", "o1")):
        owner = _sold_then_forced_out(context)
        assert wallets.wallet(context, owner, "m1").balance == "1920.00"  # 313.72 + 1,606.28
        charged = {}
        for order in (first, then):
            before = Yuan(wallets.wallet(context, owner, "m1").balance).minor
            orders.reverse(context, owner, order)
            charged[order] = before - Yuan(wallets.wallet(context, owner, "m1").balance).minor
        assert charged == {"o1": 313_72, "o2": 1606_28}, first
        held = wallets.wallet(context, owner, "m1")
        assert (held.balance, held.debt) == ("0.00", "0.00")
        with context.database.read() as connection:
            assert check_ledger(connection, owner.tenant) == []
            assert check_replay(connection, owner.tenant) == []
    closed = t.closed_lots.c
    with context.database.writer.begin() as connection:
        connection.execute(
            update(t.closed_lots)
            .where(closed.tenant_id == owner.tenant, closed.cause == "order:o1")
            .values(sold_payout=1)
        )
    with context.database.read() as connection:
        found = [(d.what, d.kept) for d in check_replay(connection, owner.tenant)]
    assert found == [("closed lot main/m1 order:o1", "0.01")]


def test_the_upgrade_to_0034_rebuilds_the_closed_lots_an_earlier_release_deleted(
    context: Context,
) -> None:
    """Books from before 0034 kept no closed stake's lots: a refund of o1 after the exit
    charged the earlier bound (1,920.00, all paid since o1) while the replay, which
    rebuilds them, charged 313.72, and `audit --replay` reported the money apart (the
    attacker's find). The upgrade rebuilds them from the log, in its transaction: the
    refund charges 313.72 and the books replay."""
    owner = _sold_then_forced_out(context)
    _migrate(context, "0033", command.downgrade)  # the table, and what it kept, gone
    upgrade_database(context)
    orders.reverse(context, owner, "o1")
    assert wallets.wallet(context, owner, "m1").balance == "1606.28"  # 313.72 charged
    with context.database.read() as connection:
        assert check_ledger(connection, owner.tenant) == []
        assert check_replay(connection, owner.tenant) == []


def test_a_lot_dropped_by_a_reversal_before_lots_were_emptied_is_not_a_difference(
    context: Context,
) -> None:
    """A reversal empties its order's lot since 2026-12-07 and dropped it before: the
    replay of a tenant whose reversal dropped one (its row deleted here, as then) finds
    the lots as kept, and still finds a lot kept otherwise than replayed."""
    owner = _owner(context)
    _buy(context, owner, range(3))
    members.sell(context, owner, "m1", SellRequest(id="s1", points="1"))
    orders.reverse(context, owner, "o1")
    lot = t.position_lots.c
    mine = (lot.tenant_id == owner.tenant, lot.member_id == "m1")
    with context.database.read() as connection:
        kept = connection.execute(select(lot.cause, lot.held).where(*mine).order_by(lot.seq)).all()
        assert check_replay(connection, owner.tenant) == []
    assert [tuple(row) for row in kept][1] == ("order:o1", 0)  # emptied, kept
    with context.database.writer.begin() as connection:
        connection.execute(delete(t.position_lots).where(*mine, lot.cause == "order:o1"))
    with context.database.read() as connection:
        assert check_replay(connection, owner.tenant) == []
    with context.database.writer.begin() as connection:
        connection.execute(
            update(t.position_lots).where(*mine, lot.cause == "order:o2").values(sold_payout=1)
        )
    with context.database.read() as connection:
        found = [d.what for d in check_replay(connection, owner.tenant)]
    assert found == ["position main/m1 lots"]
