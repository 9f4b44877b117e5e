"""The dashboard's risk panel (service/queries/console_risk.py): every promise the money
does not cover, by how much, worst first; and for those still covered the day a straight
line through the cover at the window's start and now reaches zero. On SQLite and
PostgreSQL."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection, func, select, update

from tests.service.conftest import Api, Clock, down_and_up
from tests.service.test_console_pages import sign_in
from zengzhi.core import accounts
from zengzhi.core.days import day_of
from zengzhi.core.ledger import CNY
from zengzhi.service import pools
from zengzhi.service.audit import check_ledger
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, tenant_zone
from zengzhi.service.queries import console_risk
from zengzhi.service.queries.console_risk import Risk
from zengzhi.store import tables as t
from zengzhi.store.ledger import ReadLedger


def fen(yuan: str) -> int:
    return int(Decimal(yuan) * 100)


def club(api: Api, zone: str, funding: str) -> None:
    api.ok(api.put(f"/v1/zones/{zone}", {"modes": {"union": {"funding": funding}}}))
    pack = {"price": "100.00", "platform": "90.00", "distribution": "10.00", "zone": zone}
    api.ok(api.put(f"/v1/products/{zone}-pack", pack))


def buy(api: Api, order: str, member: str, product: str) -> None:
    api.ok(api.post("/v1/orders", {"id": order, "member": member, "product": product}))
    api.ok(api.post(f"/v1/orders/{order}/pay"))


def risk(context: Context, tenant: str) -> Risk:
    owner = Principal(tenant, "user:owner", Role.OWNER)
    return console_risk.risk(context, owner, pools.solvency(context, owner))


def test_every_uncovered_promise_is_named_with_its_shortfall_worst_first(
    api: Api, context: Context, clock: Clock
) -> None:
    api.pool()
    club(api, "half", "0.5")  # owes each credit, sets half of it aside
    club(api, "most", "0.9")
    for n in range(1, 5):
        api.member(f"u{n}")
    assert risk(context, api.tenant).short == []
    buy(api, "a1", "u1", "most-pack")
    buy(api, "a2", "u2", "most-pack")
    buy(api, "a3", "u3", "most-pack")
    buy(api, "b1", "u4", "half-pack")

    found = risk(context, api.tenant)
    report = api.ok(api.get("/v1/solvency"))
    expected = sorted(
        (
            (fen(m["owed"]) - fen(m["reserve"]), f"{m['zone']}:{m['mode']}")
            for m in report["modes"]
            if fen(m["owed"]) > fen(m["reserve"])
        ),
        reverse=True,
    )
    assert len(expected) == 2  # both queues short: "half" by 50 of 100, "most" by 3 × 10
    shown = [(fen(p.shortfall), f"{p.zone}:{p.mode}") for p in found.short]
    assert shown == expected
    assert [key for _, key in shown] == ["half:union", "most:union"]
    assert all(p.runs_out is None and p.kind == "mode" for p in found.short)
    half = found.short[0]
    assert (half.promised, half.set_aside) == (report["modes"][0]["owed"], "50.00")


def test_a_falling_cover_is_given_the_day_a_straight_line_reaches_zero(
    api: Api, context: Context, clock: Clock
) -> None:
    """A pool's cover (its cash less a buy-back of every point) falls as members sell:
    the day is where the line through the cover then and now reaches zero."""
    api.pool(sell_fee="0.2")
    api.member("m1")
    api.member("m2")
    api.completed_order("o1", "m1", amount="1000.00", contribution="300.00")
    api.completed_order("o2", "m2", amount="1000.00", contribution="300.00")
    start = api.ok(api.get("/v1/pools/main"))
    young = risk(context, api.tenant)
    assert young.window_days == 0 and young.falling == []  # less than a day: no line
    for n in range(1, 4):  # ten days of sales
        clock.advance(days=5)
        api.ok(api.post("/v1/members/m1/sell", {"id": f"s{n}", "points": "40.0000"}))
    clock.advance(days=5)
    now = api.ok(api.get("/v1/solvency"))["pools"][0]
    found = risk(context, api.tenant)

    assert found.short == [] and found.window_days == 20
    (pool,) = found.falling
    assert (pool.kind, pool.pool) == ("pool", "main")
    # the cover then: the cash then, less the share of it a buy-back takes today
    cash_then, cash, cost = fen(start["balance"]), fen(now["balance"]), fen(now["buyback_cost"])
    then = cash_then - cash_then * cost // cash
    cover = cash - cost
    assert 0 < cover < then
    seconds = cover * 20 * 86_400 // (then - cover)
    zone = tenant_zone(context, api.tenant)
    expected = day_of(clock() + timedelta(seconds=seconds), zone)
    assert pool.runs_out == expected and expected > day_of(clock(), zone)

    sign_in(api.client, api.tenant)  # the dashboard names the day in each language
    row = re.compile(r'<tr data-risk="pool:main"[^>]*>.*?</tr>', re.S)
    english = row.search(api.client.get("/console").text)
    assert english is not None and f'<time datetime="{expected.isoformat()}">' in english[0]
    assert f">{expected.isoformat()}</time>" in english[0] and "covered, falling" in english[0]
    api.client.get("/language/zh")
    chinese = row.search(api.client.get("/console").text)
    written = f">{expected.year}年{expected.month}月{expected.day}日</time>"
    assert chinese is not None and written in chinese[0] and "已覆盖，正在下降" in chinese[0]


def test_nothing_falls_when_nothing_happened_in_the_window(
    api: Api, context: Context, clock: Clock
) -> None:
    api.pool()
    club(api, "half", "0.5")
    api.member("u1")
    buy(api, "b1", "u1", "half-pack")
    clock.advance(days=45)  # a quiet month and a half: the cover stands still
    found = risk(context, api.tenant)
    assert found.window_days == 30 and found.falling == []
    assert [(p.zone, p.shortfall) for p in found.short] == [("half", "50.00")]
    assert all(isinstance(p.runs_out, date | None) for p in found.short)


def _postings_since(connection: Connection, tenant: str, first: int, account: str) -> int:
    """The oracle: what was posted in yuan to `account` from entry `first` on, read
    from every posting (as the panel did before it read the days' sums)."""
    p = t.postings.c
    return int(
        connection.execute(
            select(func.coalesce(func.sum(p.amount), 0)).where(
                p.tenant_id == tenant, p.account == account, p.asset == CNY, p.entry_id >= first
            )
        ).scalar_one()
    )


def test_a_month_of_postings_is_read_from_the_days_sums_exactly(
    api: Api, context: Context, clock: Clock
) -> None:
    """The window's start falls within a day: its own day is read from the postings,
    the days after it from `ledger_days`; the total is every posting's since the start,
    for each account the panel reads (a zone's reserve, the platform's figures). The days'
    sums are what the audit checks, and migration 0016 fills them as the ledger keeps them."""
    api.pool()
    club(api, "half", "0.5")
    api.member("u1")
    for n in range(8):  # orders twice a day, some at each end of a day
        buy(api, f"b{n}", "u1", "half-pack")
        api.completed_order(f"o{n}", "u1", amount="10.00", contribution="3.00")
        clock.advance(hours=11 + n % 3)
    api.ok(api.post("/v1/members/u1/sell", {"id": "s1", "points": "1"}))
    owner = Principal(api.tenant, "user:owner", Role.OWNER)
    with context.database.read() as connection:
        e = t.entries.c
        times = connection.execute(
            select(e.entry_id, e.at).where(e.tenant_id == api.tenant).order_by(e.entry_id)
        ).all()
        for entry_id, at in times[3::5]:  # starts within several days, and on a boundary
            start = at - timedelta(microseconds=1)
            flows = console_risk._Flows(connection, api.tenant, entry_id, start)
            for account in (
                "mode:half:union:reserve",
                accounts.PROFIT,
                accounts.CUSTOMERS,
                accounts.pool_cash("main"),
                accounts.wallet("u1"),
            ):
                oracle = _postings_since(connection, api.tenant, entry_id, account)
                then = console_risk._Then(connection, api.tenant, flows)
                now = ReadLedger(connection, api.tenant).balance(account, CNY)
                assert then.balance(account, CNY) == now - oracle, (account, start)
            members = sum(
                _postings_since(connection, api.tenant, entry_id, account)
                for account in (accounts.wallet("u1"), accounts.withdrawing("u1"))
            )
            received = _postings_since(connection, api.tenant, entry_id, accounts.CUSTOMERS)
            pool = _postings_since(connection, api.tenant, entry_id, accounts.pool_cash("main"))
            assert console_risk._platform_then(flows) == -received - pool - members
        assert check_ledger(connection, api.tenant) == []
    assert risk(context, api.tenant).window_days >= 3
    assert pools.solvency(context, owner).pools  # the report the panel is read with

    with context.database.writer.begin() as connection:  # a day's sum that is not its postings
        d = t.ledger_days.c
        connection.execute(
            update(t.ledger_days)
            .where(d.tenant_id == api.tenant, d.account == accounts.PROFIT)
            .values(amount=d.amount + 1)
        )
    with context.database.read() as connection:
        found = [f.what for f in check_ledger(connection, api.tenant)]
    assert len(found) >= 3 and all(
        what.startswith("day ") and f" {accounts.PROFIT} CNY" in what for what in found
    )

    down_and_up(context, "0015")
    with context.database.read() as connection:
        assert check_ledger(connection, api.tenant) == []  # filled from the postings again
