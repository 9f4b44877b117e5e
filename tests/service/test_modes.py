"""The companion modes through the API and the jobs, on both databases; the refer-three
cycle under concurrent orders on PostgreSQL."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.at_once import at_once
from tests.service.conftest import Api, Clock, enter_member_page, new_tenant
from zengzhi.service import catalog, members, orders
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.catalog import ProductIn, ZoneIn
from zengzhi.service.jobs import complete_due_orders, tick
from zengzhi.service.members import NewMember
from zengzhi.service.modes import run_days
from zengzhi.service.orders import NewOrder
from zengzhi.service.settings import Settings
from zengzhi.store import tables as t
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade


def clean(api: Api, context: Context) -> None:
    with context.database.read() as connection:
        assert check_ledger(connection, api.tenant) == []
        assert check_replay(connection, api.tenant) == []


def zone(api: Api, name: str, modes: dict[str, Any], **more: Any) -> Any:
    return api.ok(api.put(f"/v1/zones/{name}", {"modes": modes, **more}))


def product(api: Api, name: str, price: str, zone_id: str, **more: Any) -> Any:
    body = {"price": price, "platform": price, "zone": zone_id, **more}
    return api.ok(api.put(f"/v1/products/{name}", body))


def buy(api: Api, order: str, member: str, item: str, **more: Any) -> Any:
    api.ok(api.post("/v1/orders", {"id": order, "member": member, "product": item, **more}))
    return api.ok(api.post(f"/v1/orders/{order}/pay"))  # no return window: completes now


def wallet(api: Api, member: str) -> str:
    return str(api.ok(api.get(f"/v1/members/{member}/wallet"))["balance"])


def solvency(api: Api) -> dict[tuple[str, str], Any]:
    report = api.ok(api.get("/v1/solvency"))
    return {(row["zone"], row["mode"]): row for row in report["modes"]}


def test_refer_three_through_the_api(api: Api, context: Context) -> None:
    zone(api, "gifts", {"refer_three": {"funding": "0.30"}})
    product(api, "package", "1000.00", "gifts")
    api.member("A")
    for name in "BCDE":
        api.member(name, referrer="A")
    buy(api, "oA", "A", "package")
    seen = []
    for name in "BCDE":
        buy(api, f"o{name}", name, "package")
        seen.append(wallet(api, "A"))
    assert seen == ["100.00", "300.00", "1000.00", "1100.00"]
    row = solvency(api)[("gifts", "refer_three")]
    assert (row["owed"], row["reserve"], row["coverage"]) == ("0.00", "400.00", None)
    clean(api, context)


def test_a_refund_over_days_shows_the_most_it_pays_a_day(
    api: Api, context: Context, clock: Clock
) -> None:
    """100.00 over 3 days pays 33.33, 33.33, 33.34: the member is told at most 33.34 a
    day (the member page reads 每天最多), and no day pays more."""
    zone(api, "gifts", {"refer_three": {"release_days": 3, "backed": True}})
    product(api, "package", "1000.00", "gifts")
    api.member("A")
    api.member("B", referrer="A")
    buy(api, "oA", "A", "package")
    buy(api, "oB", "B", "package")
    paid = []
    for _ in range(3):
        [held] = api.ok(api.get("/v1/members/A/modes"))
        [claim] = held["claims"]
        assert claim["daily"] == "33.34", claim
        before = Decimal(wallet(api, "A"))
        clock.advance(days=1)
        run_days(context, api.tenant)
        paid.append(str(Decimal(wallet(api, "A")) - before))
    assert paid == ["33.33", "33.33", "33.34"]
    clean(api, context)


def test_a_refund_paid_at_once_has_no_daily_figure(
    api: Api, context: Context, clock: Clock
) -> None:
    """A refund paid at once (release_days 0) is paid as soon as the reserve holds it, not
    by the day: its `daily` is null (it was the whole refund, 700.00 a day of a refund of
    700.00, read as if it were paid again every day). It stays null when the zone turns
    to refunds over days, and the refunds made from then on have their daily part; a
    reversal voids the claim and it leaves the view."""
    zone(api, "gifts", {"refer_three": {"funding": "0.10"}})
    product(api, "package", "1000.00", "gifts")
    api.member("A")
    for name in "BCDE":
        api.member(name, referrer="A")
    for name in "ABCD":  # the reserve pays B's 100 and C's 200 whole, 100 of D's 700
        buy(api, f"o{name}", name, "package")
    [held] = api.ok(api.get("/v1/members/A/modes"))
    [claim] = held["claims"]
    assert (claim["amount"], claim["owed"], claim["daily"]) == ("700.00", "600.00", None)
    zone(api, "gifts", {"refer_three": {"funding": "0.10", "release_days": 5}})
    buy(api, "oE", "E", "package")
    [held] = api.ok(api.get("/v1/members/A/modes"))
    dailies = [(claim["amount"], claim["daily"]) for claim in held["claims"]]
    assert dailies == [("700.00", None), ("100.00", "20.00")]
    api.ok(api.post("/v1/orders/oD/reverse"))
    [held] = api.ok(api.get("/v1/members/A/modes"))
    assert [(claim["amount"], claim["daily"]) for claim in held["claims"]] == [("100.00", "20.00")]
    clock.advance(days=1)
    run_days(context, api.tenant)
    [held] = api.ok(api.get("/v1/members/A/modes"))
    assert [(claim["owed"], claim["daily"]) for claim in held["claims"]] == [("80.00", "20.00")]
    clean(api, context)


def test_zone_settings_are_checked_and_a_mode_that_owes_stays(api: Api, context: Context) -> None:
    bad = api.put("/v1/zones/z", {"modes": {"union": {"lock_days": -1}}})
    assert bad.status_code == 422, bad.text
    assert bad.json()["field"].startswith("modes.union.lock_days")
    bad = api.put("/v1/zones/z", {"modes": {"ads": {"tiers": [{"release": "2"}], "rule": "x"}}})
    assert bad.status_code == 422 and bad.json()["field"].startswith("modes.ads.rule")
    zone(api, "z", {"ads": {"ratio": "1", "backed": True}})
    product(api, "p", "100.00", "z")
    api.member("m")
    buy(api, "o1", "m", "p")
    dropped = api.put("/v1/zones/z", {"modes": {}})
    assert dropped.status_code == 409, dropped.text
    assert dropped.json()["field"] == "modes.ads"
    # ending it is how a mode closes: it stops promising and keeps what it owes
    zone(api, "z", {"ads": {"ratio": "1", "backed": True, "ends": "2026-11-21T10:00:00+00:00"}})
    [held] = api.ok(api.get("/v1/members/m/modes"))
    assert (held["mode"], held["owed"]) == ("ads", "100.0000")
    clean(api, context)


def test_ad_task_releases_once_a_day(api: Api, context: Context, clock: Clock) -> None:
    zone(api, "ads", {"ads": {"ratio": "1.1", "backed": True}})
    product(api, "phone", "999.00", "ads", modes={"ads": "1"})
    api.member("a")
    api.member("b", referrer="a")
    buy(api, "o1", "b", "phone")
    task = {"zone": "ads", "day": "2026-11-21", "proof": "video:1"}
    first = api.ok(api.post("/v1/members/b/tasks", task))
    assert (first["released"], first["shares"]) == ("9.99", [{"member": "a", "amount": "1.99"}])
    again = api.ok(api.post("/v1/members/b/tasks", task | {"proof": "video:2"}))
    assert again == first  # a retry releases nothing more
    assert wallet(api, "b") == "9.99"
    for other_day in ("2026-11-20", "2026-11-22"):  # days are neither made up nor taken ahead
        refused = api.post("/v1/members/b/tasks", task | {"day": other_day})
        assert refused.status_code == 422 and refused.json()["field"] == "day", refused.text
    clock.advance(days=1)
    api.ok(api.post("/v1/members/b/tasks", task | {"day": "2026-11-22"}))
    assert wallet(api, "b") == "19.88"  # 9.99 + 1% of 989.01
    clean(api, context)


def test_a_day_turns_at_midnight_where_the_tenant_is(
    api: Api, other: Api, context: Context, clock: Clock
) -> None:
    for tenant in (api, other):
        if tenant is other:  # a tenant in UTC: its days turn eight hours later
            settings = other.ok(other.get("/v1/tenant"))["settings"]
            bad = other.put("/v1/tenant/settings", settings | {"timezone": "Mars/Olympus"})
            assert bad.status_code == 422 and bad.json()["field"] == "timezone", bad.text
            assert "unknown time zone 'Mars/Olympus'" in bad.json()["message"]
            other.ok(other.put("/v1/tenant/settings", settings | {"timezone": "UTC"}))
        zone(tenant, "ads", {"ads": {"ratio": "1.1", "backed": True}})
        product(tenant, "phone", "999.00", "ads", modes={"ads": "1"})
        tenant.member("b")
        buy(tenant, "o1", "b", "phone")
    clock.now = clock.now.replace(hour=15, minute=59)  # 23:59 in Shanghai
    for tenant in (api, other):
        [held] = tenant.ok(tenant.get("/v1/members/b/modes"))
        assert held["task"]["day"] == "2026-11-21"
    clock.advance(minutes=2)  # 00:01 on the 22nd in Shanghai, 16:01 on the 21st in UTC
    days = {}
    for tenant in (api, other):
        [held] = tenant.ok(tenant.get("/v1/members/b/modes"))
        days[tenant.tenant] = held["task"]["day"]
        tenant.ok(tenant.post("/v1/members/b/tasks", {"zone": "ads", "day": held["task"]["day"]}))
        refused = tenant.post("/v1/members/b/tasks", {"zone": "ads", "day": "2026-11-23"})
        assert refused.status_code == 422 and refused.json()["field"] == "day"
    assert days == {api.tenant: "2026-11-22", other.tenant: "2026-11-21"}
    assert "today is 2026-11-21 (UTC)" in refused.json()["message"]
    # the history counts its days in its zone: the zone is not changed under it
    settings = api.ok(api.get("/v1/tenant"))["settings"]
    moved = api.put("/v1/tenant/settings", settings | {"timezone": "UTC"})
    assert moved.status_code == 409 and moved.json()["field"] == "timezone", moved.text
    assert api.ok(api.get("/v1/tenant"))["settings"]["timezone"] == "Asia/Shanghai"
    # a body that leaves the time zone out keeps it (the UTC tenant has a history too)
    other.ok(other.put("/v1/tenant/settings", {"completion_delay_seconds": 60}))
    assert other.ok(other.get("/v1/tenant"))["settings"]["timezone"] == "UTC"
    clean(api, context)
    clean(other, context)


def test_union_queue_standing_and_the_daily_job(api: Api, context: Context, clock: Clock) -> None:
    zone(api, "u", {"union": {"funding": "0.5", "lock_days": 15}})
    product(api, "pack", "100.00", "u")
    api.member("A")
    api.member("B", referrer="A")
    buy(api, "o1", "A", "pack")
    buy(api, "o2", "B", "pack")
    assert wallet(api, "A") == "20.00"  # 20% of the referee's 100, at once
    [held] = api.ok(api.get("/v1/members/A/modes"))
    [credit] = held["claims"]
    assert (credit["owed"], credit["place"], credit["payable_on"]) == ("80.00", 1, "2026-12-06")
    assert credit["expected_on"] == "2026-12-06"  # the pool holds the 80: the lock decides
    row = solvency(api)[("u", "union")]
    assert (row["owed"], row["reserve"], row["coverage"]) == ("180.00", "80.00", "44.4%")
    # the tenant's own jobs only: the session's database holds every test's tenants
    for _ in range(14):
        clock.advance(days=1)
        tick(context, [api.tenant])
    assert wallet(api, "A") == "20.00"
    clock.advance(days=1)
    tick(context, [api.tenant])
    tick(context, [api.tenant])  # the same day again, as a second machine would: paid once
    assert wallet(api, "A") == "100.00"
    with context.database.read() as connection:
        days = connection.execute(
            select(func.count()).where(
                t.events.c.tenant_id == api.tenant, t.events.c.event_id.like("day:%")
            )
        ).scalar_one()
    assert days == 15  # each of the 15 days ticked, once
    clean(api, context)


def shopping_points_given(api: Api) -> None:
    """Seed 000 (二): A buys 1,000 at store S (zone stores gives double shopping points),
    and the mall (zone mall) takes them for half a 4,000 tv."""
    api.pool()  # the store's commission feeds it
    zone(api, "stores", {"shopping": {"gift": "2"}})
    zone(api, "mall", {"shopping": {"max_share": "0.5", "rebate": "0.2"}})
    api.ok(api.put("/v1/stores/S", {"commission_rate": "0.20", "zone": "stores"}))
    product(api, "tv", "4000.00", "mall")
    api.member("A")
    api.ok(api.post("/v1/orders", {"id": "o1", "member": "A", "store": "S", "amount": "1000"}))
    api.ok(api.post("/v1/orders/o1/pay"))


def test_shopping_points_pay_part_of_an_order(api: Api, context: Context) -> None:
    shopping_points_given(api)
    api.ok(
        api.post(
            "/v1/orders", {"id": "o2", "member": "A", "product": "tv", "shopping_points": "2000"}
        )
    )
    twice = api.post(
        "/v1/orders", {"id": "o3", "member": "A", "product": "tv", "shopping_points": "1"}
    )
    assert twice.status_code == 422, twice.text  # insufficient: the 2000 are promised to o2
    assert twice.json()["field"] == "shopping_points"
    order = api.ok(api.post("/v1/orders/o2/pay"))
    assert (order["status"], order["shopping_points"]) == ("completed", "2000.0000")
    with context.database.read() as connection:
        merchant = connection.execute(
            select(t.balances.c.amount).where(
                t.balances.c.tenant_id == api.tenant, t.balances.c.account == "merchant:S"
            )
        ).scalar_one()
    assert merchant == 80_000 + 40_000  # its settlement of 800, and 20% of the 2000 cash
    clean(api, context)


def test_an_order_whose_points_a_refund_took_back_completes_paying_them_in_cash(
    api: Api, context: Context, clock: Clock
) -> None:
    """o2 speaks for A's 2,000 shopping points and is paid, to complete after its return
    window; meanwhile o1, which gave them, is refunded and takes them back. o2 was then
    refused at every completion ('A holds 0.0000 shopping points'), paid and never
    completed. Now it completes, its 2,000 points paid in cash (a debt: A's wallet is
    empty), as a gift refunded after its points were spent takes their value back; o2's
    own refund then gives that back. The books hold, and replay, at each step."""
    shopping_points_given(api)
    api.ok(api.put("/v1/tenant/settings", {"completion_delay_seconds": 3600}))
    api.ok(
        api.post(
            "/v1/orders", {"id": "o2", "member": "A", "product": "tv", "shopping_points": "2000"}
        )
    )
    assert api.ok(api.post("/v1/orders/o2/pay"))["status"] == "paid"
    api.ok(api.post("/v1/orders/o1/reverse"))
    assert api.ok(api.get("/v1/members/A/wallet"))["debt"] == "0.00"
    clean(api, context)
    clock.advance(hours=2)
    report = complete_due_orders(context, api.tenant)
    assert report.failed == [], report
    assert api.ok(api.get("/v1/orders/o2"))["status"] == "completed"
    assert api.ok(api.get("/v1/members/A/wallet"))["debt"] == "2000.00"
    clean(api, context)
    # no money left A's wallet: the member's page says what the debt is for (it said
    # only 您欠平台, its wallet's history 暂无记录)
    assert api.ok(api.get("/v1/members/A/wallet/history")) == []
    [opened] = api.ok(api.get("/v1/members/A/wallet/debt-history"))
    assert (opened["kind"], opened["amount"], opened["cause"]) == (
        "shopping_short",
        "-2000.00",
        "order:o2",
    )
    enter_member_page(api.client, api.ok(api.post("/v1/members/A/page-token")))
    page = api.client.get("/m", headers={"Accept-Language": "zh-CN"}).text
    assert "您欠平台 ¥2,000.00" in page
    assert "下单所用的购物积分已被收回，差额由您补付（新增欠款 ¥2,000.00）" in page
    api.ok(api.post("/v1/orders/o2/reverse"))
    wallet = api.ok(api.get("/v1/members/A/wallet"))
    assert (wallet["balance"], wallet["debt"]) == ("0.00", "0.00")
    settled, _ = api.ok(api.get("/v1/members/A/wallet/debt-history"))
    assert (settled["amount"], settled["kind"]) == ("2000.00", "mode_reversal")
    page = api.client.get("/m", headers={"Accept-Language": "zh-CN"}).text
    assert "您欠平台" not in page and "差额由您补付" not in page
    clean(api, context)


def test_an_order_completes_with_its_points_after_the_zone_lowered_its_cap(
    api: Api, context: Context, clock: Clock
) -> None:
    """o2 pays 2,000 of the 4,000 tv in points (the mall's cap: half) and is paid, to
    complete after its return window; the operator lowers the mall's cap to a tenth
    meanwhile. A zone's change applies from then on (docs/modes.md): o2 completes with
    its 2,000 points (was: refused at every completion, 'at most 400.0000 points can pay
    for this order'), and an order placed now is held to the new cap."""
    shopping_points_given(api)
    api.ok(api.put("/v1/tenant/settings", {"completion_delay_seconds": 3600}))
    placed = {"id": "o2", "member": "A", "product": "tv", "shopping_points": "2000"}
    api.ok(api.post("/v1/orders", placed))
    api.ok(api.post("/v1/orders/o2/pay"))
    zone(api, "mall", {"shopping": {"max_share": "0.1", "rebate": "0.2"}})
    clock.advance(hours=2)
    report = complete_due_orders(context, api.tenant)
    assert report.failed == [], report
    order = api.ok(api.get("/v1/orders/o2"))
    assert (order["status"], order["shopping_points"]) == ("completed", "2000.0000")
    held = [one for one in api.ok(api.get("/v1/members/A/modes")) if one["mode"] == "shopping"]
    assert all(one["owed"] == "0.0000" for one in held)  # all 2,000 spent
    clean(api, context)
    capped = api.post("/v1/orders", placed | {"id": "o3", "shopping_points": "500"})
    assert capped.status_code == 422 and capped.json()["field"] == "shopping_points"
    assert "at most 400.0000 points" in capped.json()["message"]


def test_refer_three_cycle_under_concurrent_orders(postgres_url: str) -> None:
    """PostgreSQL: six referees buy at the same moment; the referrer's refunds follow
    the cycle exactly (no two orders are "the 3rd")."""
    database = Database(postgres_url)
    upgrade(database.writer)  # the session's database may not be migrated yet
    settings = Settings(database_url=postgres_url, secret_key="s" * 40)  # type: ignore[arg-type]
    context = Context(database, settings)
    tenant = new_tenant(context, "cycle")
    owner = Principal(tenant, "system:test", Role.OWNER)
    catalog.put_item(
        context, owner, "zone", "gifts", ZoneIn(modes={"refer_three": {"backed": True}})
    )
    catalog.put_item(
        context,
        owner,
        "product",
        "package",
        ProductIn(price="1000.00", platform="1000.00", zone="gifts"),
    )
    members.create_member(context, owner, NewMember(id="A"))
    buyers = [f"b{n}" for n in range(6)]
    for buyer in buyers:
        members.create_member(context, owner, NewMember(id=buyer, referrer="A"))
    orders.create_order(context, owner, NewOrder(id="oA", member="A", product="package"))
    orders.pay(context, owner, "oA")
    for buyer in buyers:
        orders.create_order(context, owner, NewOrder(id=buyer, member=buyer, product="package"))
    start = threading.Barrier(len(buyers))
    failures: list[BaseException] = []

    def pay(order_id: str) -> None:
        try:
            start.wait()
            orders.pay(context, owner, order_id)
        except BaseException as error:  # report it from the main thread
            failures.append(error)

    threads = [threading.Thread(target=pay, args=(buyer,)) for buyer in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with context.database.read() as connection:
        refunds = connection.execute(
            select(t.entries.c.params).where(
                t.entries.c.tenant_id == tenant, t.entries.c.kind == "refund"
            )
        ).scalars()
        paid = sorted(params["amount"] for params in refunds)
        assert check_ledger(connection, tenant) == []
        assert check_replay(connection, tenant) == []
    database.dispose()
    assert paid == sorted(["100.00", "200.00", "700.00"] * 2)


def test_two_machines_running_the_same_day_pay_once(postgres_url: str) -> None:
    """PostgreSQL: two tickers run a zone's day at the same moment; one of them pays."""
    database = Database(postgres_url)
    upgrade(database.writer)  # the session's database may not be migrated yet
    settings = Settings(database_url=postgres_url, secret_key="s" * 40)  # type: ignore[arg-type]
    context = Context(database, settings, Clock())
    tenant = new_tenant(context, "days")
    owner = Principal(tenant, "system:test", Role.OWNER)
    green = {"green": {"backed": True}}
    catalog.put_item(context, owner, "zone", "g", ZoneIn.model_validate({"modes": green}))
    catalog.put_item(
        context,
        owner,
        "product",
        "pack",
        ProductIn(price="3000.00", platform="3000.00", zone="g"),
    )
    for n in range(4):
        members.create_member(context, owner, NewMember(id=f"m{n}"))
        orders.create_order(context, owner, NewOrder(id=f"o{n}", member=f"m{n}", product="pack"))
        orders.pay(context, owner, f"o{n}")
    ran = at_once(lambda: run_days(context, tenant))
    assert sorted(len(days) for days in ran) == [0, 1]  # one machine ran the day
    with context.database.read() as connection:
        releases = connection.execute(
            select(func.count()).where(
                t.entries.c.tenant_id == tenant, t.entries.c.kind == "release"
            )
        ).scalar_one()
        assert check_ledger(connection, tenant) == []
        assert check_replay(connection, tenant) == []
    assert releases == 4  # 36 yuan each, once


def test_two_machines_catching_up_days_begin_each_once_in_order(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL: two tickers catch up two zones' missed days at the same moment. Each
    day begins once, and the log has them zone by zone, day by day, as one ticker
    writes them: a ticker that found a day begun by the other after it had looked (the
    event log read before the zone's lock was waited for) took the day's refusal ('ran
    already') for a failure, logged that the day was not run, and left the zone's later
    days to go on to the next zone (tests/service/test_tenant_histories.py)."""
    database = Database(postgres_url)
    upgrade(database.writer)  # the session's database may not be migrated yet
    settings = Settings(database_url=postgres_url, secret_key="s" * 40)  # type: ignore[arg-type]
    clock = Clock()
    context = Context(database, settings, clock)
    tenant = new_tenant(context, "days")
    owner = Principal(tenant, "system:test", Role.OWNER)
    for name in ("g1", "g2"):
        modes = {"green": {"backed": True}}
        catalog.put_item(context, owner, "zone", name, ZoneIn.model_validate({"modes": modes}))
        product = ProductIn(price="3000.00", platform="3000.00", zone=name)
        catalog.put_item(context, owner, "product", f"pack-{name}", product)
        members.create_member(context, owner, NewMember(id=f"m-{name}"))
        order = NewOrder(id=f"o-{name}", member=f"m-{name}", product=f"pack-{name}")
        orders.create_order(context, owner, order)
        orders.pay(context, owner, f"o-{name}")
    rounds: list[list[tuple[str, ...]]] = []
    for _ in range(4):
        clock.advance(days=4)
        at_once(lambda: run_days(context, tenant))
        rounds.append(_days_begun(context, tenant)[sum(map(len, rounds)) :])
    assert [record.getMessage() for record in caplog.records if "not run" in record.message] == []
    with context.database.read() as connection:
        assert check_replay(connection, tenant) == []
    database.dispose()
    assert [len(began) for began in rounds] == [2, 8, 8, 8]  # each zone's days, once each
    assert all(began == sorted(began) for began in rounds)  # g1's in order, then g2's


def _days_begun(context: Context, tenant: str) -> list[tuple[str, ...]]:
    """The days begun, (zone, day), in the event log's order."""
    e = t.events.c
    with context.database.read() as connection:
        days = connection.execute(
            select(e.event_id)
            .where(e.tenant_id == tenant, e.event_id.like("day:%"), e.event_id.not_like("%@%"))
            .order_by(e.seq)
        ).scalars()
        return [tuple(day.split(":")[1:]) for day in days]


def test_the_member_sees_their_own_modes_and_todays_ad_task(api: Api, context: Context) -> None:
    zone(api, "ads", {"ads": {"ratio": "1.1", "backed": True}})
    zone(api, "u", {"union": {"funding": "0.5", "lock_days": 15}})
    product(api, "phone", "999.00", "ads", modes={"ads": "1"})
    product(api, "pack", "100.00", "u")
    api.member("a")
    api.member("b", referrer="a")
    buy(api, "o1", "b", "phone")
    buy(api, "o2", "a", "pack")
    buy(api, "o3", "b", "pack")
    token = api.ok(api.post("/v1/members/b/page-token"))["token"]
    mine = api.ok(api.get("/v1/me/modes", token=token))
    assert mine == api.ok(api.get("/v1/members/b/modes"))  # the same shape, the member's own
    ad = next(held for held in mine if held["mode"] == "ads")
    assert ad["task"] == {"day": "2026-11-21", "done": False, "releases": "9.99"}
    assert all(held["task"] is None for held in mine if held["mode"] != "ads")
    api.ok(api.post("/v1/members/b/tasks", {"zone": "ads", "day": "2026-11-21"}))
    [ad] = [held for held in api.ok(api.get("/v1/me/modes", token=token)) if held["mode"] == "ads"]
    assert ad["task"] == {"day": "2026-11-21", "done": True, "releases": "0.00"}
    assert ad["owed"] == "989.0100"
    other = api.ok(api.post("/v1/members/a/page-token"))["token"]
    theirs = api.ok(api.get("/v1/me/modes", token=other))
    [union] = [held for held in theirs if held["mode"] == "union"]
    assert union["claims"][0]["place"] == 1  # a's queued credit; none of b's holdings
    assert all(held["mode"] != "ads" for held in theirs)
    assert api.get("/v1/me/modes").status_code == 401  # a staff session is no member token
    clean(api, context)
