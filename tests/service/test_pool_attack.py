"""The appreciation pool attacked through the service (an independent check, 2026-12-04):
reversals at every point of an order's story, the operator's changes mid-way, and the
same request sent at once from several processes. After each story the books balance,
the tables are a replay of the event log, no price fell, and no reversal took more than
spec 01 allows."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, update

from tests.service.conftest import Api
from tests.service.test_sequencer import _assert_the_same_books, _order, _pay_run, _tenant
from zengzhi.core.events import Sell
from zengzhi.service import orders, pools
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.auth import Principal
from zengzhi.service.base import Context, grouped_commands
from zengzhi.store import tables as t
from zengzhi.store.books import position_rows
from zengzhi.store.uow import UnitOfWork


def _sound(api: Api, context: Context) -> None:
    with context.database.reader.connect() as connection:
        assert check_ledger(connection, api.tenant) == []
        assert check_replay(connection, api.tenant) == []


def _main(api: Api, member: str) -> dict[str, str]:
    found = [one for one in api.ok(api.get(f"/v1/members/{member}/positions"))]
    return next((one for one in found if one["pool"] == "main"), {})


def _taken(api: Api, member: str, wallet_before: str) -> Decimal:
    wallet = api.ok(api.get(f"/v1/members/{member}/wallet"))
    return Decimal(wallet_before) - Decimal(wallet["balance"]) + Decimal(wallet["debt"])


def test_a_reversal_never_burns_the_points_a_later_order_bought(api: Api, context: Context) -> None:
    """m1's first order's points are sold; a later order buys points at the price the
    sale left; reversing the first order burned the later order's points (they were in
    the same position, and the rule burned 'as far as the member still holds' any), on
    top of charging the sale back: a 1,000 refund took a 100,000 order's whole stake.
    The sold points are the order's own (a position's oldest points go first), so the
    reversal charges the sale back (at most what it paid) and the later stake stays."""
    api.pool("main")
    api.member("m1")
    api.completed_order("o1", "m1")  # 210 points
    sale = api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "209.9999"}))
    assert sale["payout"] == "239.99"
    api.completed_order("o3", "m1", "100000.00", "30000.00")
    later = _main(api, "m1")["points"]
    assert Decimal(later) > Decimal("0.0001")
    wallet = api.ok(api.get("/v1/members/m1/wallet"))["balance"]
    api.ok(api.post("/v1/orders/o1/reverse"))
    kept = _main(api, "m1")
    # o3's points and its principal stay; o1's one unsold unit (0.0001) is burned
    assert Decimal(kept["points"]) == Decimal(later) - Decimal("0.0001")
    assert kept["principal"] == "100000.00"
    assert _taken(api, "m1", wallet) <= Decimal("239.99")  # spec 01's bound
    _sound(api, context)


def test_an_approved_withdrawal_is_not_sent_to_the_gateway_while_its_member_owes(
    api: Api, context: Context
) -> None:
    """m1 sells o1's points and asks to withdraw the payout; finance approves; then o1 is
    reversed: the sale is charged back, the wallet is empty (the withdrawal holds the
    money), so it is a debt. Approving is refused while a member owes (docs/model.md),
    but sending the approved withdrawal to the payout gateway was not: the member was
    paid the cash the refund had just charged back. It is refused the same way (409,
    field withdrawal); rejecting it settles the debt."""
    api.pool("main")
    api.member("m1")
    api.completed_order("o1", "m1")
    payout = api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "all"}))["payout"]
    api.ok(
        api.put("/v1/payments/adapter", {"adapter": "webhook", "payout_url": "https://p.example/x"})
    )
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": payout}))
    api.ok(api.post("/v1/withdrawals/w1/approve"))
    api.ok(api.post("/v1/orders/o1/reverse"))
    assert api.ok(api.get("/v1/members/m1/wallet"))["debt"] == payout
    sent = api.post("/v1/withdrawals/w1/payout")
    assert sent.status_code == 409, sent.text
    assert sent.json()["field"] == "withdrawal"
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "approved"
    api.ok(api.post("/v1/withdrawals/w1/reject", {"reason": "test"}))
    wallet = api.ok(api.get("/v1/members/m1/wallet"))
    assert (wallet["balance"], wallet["withdrawing"], wallet["debt"]) == ("0.00", "0.00", "0.00")
    _sound(api, context)


def test_a_position_kept_before_lots_reverses_by_the_old_rule(api: Api, context: Context) -> None:
    """A position written before migration 0020 has no lots (`next_lot` NULL since 0021,
    no lot rows): its reversals burn any points held, as before, and its later mints and
    sales leave it without lots."""
    api.pool("main")
    api.member("m1")
    api.completed_order("o1", "m1")  # 210 points
    api.completed_order("o2", "m1")  # 147 points
    with context.database.writer.begin() as connection:
        c = t.positions.c
        connection.execute(
            update(t.positions).where(c.tenant_id == api.tenant).values(next_lot=None)
        )
        lots = t.position_lots.c
        connection.execute(delete(t.position_lots).where(lots.tenant_id == api.tenant))
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "300.0000"}))
    api.completed_order("o3", "m1", "500.00", "150.00")
    held = Decimal(_main(api, "m1")["points"])
    api.ok(api.post("/v1/orders/o2/reverse"))  # the old rule: 147 of any points held
    assert Decimal(_main(api, "m1")["points"]) == max(Decimal(0), held - Decimal("147"))
    with context.database.reader.connect() as connection:
        assert check_ledger(connection, api.tenant) == []
        [row] = [one for one in position_rows(connection, api.tenant) if one.member_id == "m1"]
        assert row.lots is None


def test_orders_sales_reversals_and_changes_in_one_group_equal_them_one_at_a_time(
    context: Context,
) -> None:
    """One transaction of the sequencer holds orders, sales of a third of a member's
    points, reversals (of orders whose points were sold, and of later ones) and the
    operator's changes (the exit multiple, the mint ratio, the fee, a pause and its end):
    the books, positions and lots equal the same commands run one by one, and both are
    the replay of their event logs."""
    rng = random.Random(5)
    requests = [_order(rng, f"g{n}") for n in range(24)]
    changes = {
        5: pools.PoolParamsIn(exit_multiple="1.2"),
        9: pools.PoolParamsIn(mint_ratio="0.5", sell_fee="0"),
        12: pools.PoolParamsIn(minting_enabled=False),
        15: pools.PoolParamsIn(minting_enabled=True, sell_fee="0.5"),
        19: pools.PoolParamsIn(exit_multiple="3"),
    }

    def sale(member: str, n: int) -> Any:
        def run(uow: UnitOfWork) -> None:
            held = uow.ledger.balance(f"member:{member}:points:main", "PTS:main")
            if held >= 3:
                uow.apply(Sell(f"sell:{n}", member, "main", held // 3, uow.now))

        return run

    def reverse(order_id: str) -> Any:
        return lambda uow: orders._move(uow, "user:owner", order_id, "reverse", orders._reverse)

    def story(owner: Principal) -> list[Any]:
        runs: list[Any] = []
        for n, request in enumerate(requests):
            if n in changes:
                runs.append(pools._configuration(owner, "main", changes[n]))
            if n % 4 == 3:
                runs.append(sale(requests[n - 3].member, n))
            if n % 6 == 5:
                runs.append(reverse(requests[n - 5].id))  # an older order, maybe sold
            if n % 7 == 6:
                runs.append(reverse(requests[n - 1].id))  # the latest but one
            runs += _pay_run(owner, request)
        return runs

    grouped, alone = _tenant(context, "g"), _tenant(context, "a")
    answers = grouped_commands(context, grouped, story(grouped))
    one_by_one = [grouped_commands(context, alone, [run])[0] for run in story(alone)]
    assert [_code(a) for a in answers] == [_code(a) for a in one_by_one]
    _assert_the_same_books(context, grouped, alone)
    with context.database.reader.connect() as connection:
        lots = [
            {
                (row.member_id, row.points, str(row.lots))
                for row in position_rows(connection, o.tenant)
            }
            for o in (grouped, alone)
        ]
    assert lots[0] == lots[1]


def _code(answer: tuple[Any, BaseException | None]) -> str | None:
    return None if answer[1] is None else str(getattr(answer[1], "code", answer[1]))


def test_one_members_debt_does_not_pay_what_another_is_owed_in_the_solvency_report(
    api: Api,
) -> None:
    """m1 sells o1's points, withdraws the payout (paid), then o1 is reversed: m1 owes the
    payout as a debt. m2 sold too and holds the same amount in its wallet. The report
    subtracted m1's debt from what members are owed: 0.00 owed, no coverage to show,
    while m2 can withdraw its cash today and m1's debt is paid only if m1 ever earns
    again. What members are owed is their wallets and withdrawals held; their debts are
    shown apart (a receivable), and the coverage is cash against what is owed."""
    api.pool("main")
    for member in ("m1", "m2"):
        api.member(member)
    api.completed_order("o1", "m1")
    api.completed_order("o2", "m2")
    paid = api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "all"}))["payout"]
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": paid}))
    api.ok(api.post("/v1/withdrawals/w1/approve"))
    api.ok(api.post("/v1/withdrawals/w1/paid"))
    api.ok(api.post("/v1/orders/o1/reverse"))
    debt = api.ok(api.get("/v1/members/m1/wallet"))["debt"]
    assert Decimal(debt) > 0
    sold = api.ok(api.post("/v1/members/m2/sell", {"id": "s2", "points": "all"}))["payout"]
    report = api.ok(api.get("/v1/solvency"))
    assert report["owed_to_members"] == sold  # m2's wallet, whole
    assert report["owed_by_members"] == debt
    assert report["coverage"] is not None


def test_the_opening_price_of_a_pool_in_use_does_not_change(api: Api, context: Context) -> None:
    """While minting is paused from the start, orders' contributions fill the pool and no
    point circulates: the price is the opening price. Lowering it lowered the price
    (1.0000 to 0.0001) and let the next buyer mint ten thousand times the points for the
    pool's cash. Once a pool holds cash or points, or has had a price, its opening price
    is refused (409, field opening_price); sent unchanged, it is accepted."""
    api.pool("main", minting_enabled=False)
    api.member("m1")
    api.completed_order("o1", "m1")  # 300.00 lands, no point
    before = api.ok(api.get("/v1/pools/main"))
    assert (before["balance"], before["points"], before["price"]) == ("300.00", "0.0000", "1.0000")
    for price in ("0.0001", "2.00"):
        refused = api.patch("/v1/pools/main", {"opening_price": price})
        assert refused.status_code == 409, refused.text
        assert refused.json()["field"] == "opening_price"
    assert api.ok(api.get("/v1/pools/main")) == before
    api.ok(api.patch("/v1/pools/main", {"opening_price": "1.00", "sell_fee": "0.1"}))
    api.pool("fresh")  # nothing in it yet: its opening price may still change
    api.ok(api.patch("/v1/pools/fresh", {"opening_price": "2.00"}))
    _sound(api, context)
