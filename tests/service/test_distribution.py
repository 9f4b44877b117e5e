"""Distribution through the API, on both databases; team performance under concurrency
on PostgreSQL."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import select

from tests.service.conftest import Api, Clock, new_tenant, statements_waiting
from zengzhi.engine.config import DistributionConfig
from zengzhi.service import members, orders, pools
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.distribution import (
    Conversion,
    convert_contributions,
    put_settings,
    run_dividends,
)
from zengzhi.service.jobs import tick
from zengzhi.service.members import NewMember
from zengzhi.service.orders import NewOrder
from zengzhi.service.pools import NewPool
from zengzhi.service.settings import Settings
from zengzhi.store import tables as t
from zengzhi.store.database import Database
from zengzhi.store.ledger import SqlLedger
from zengzhi.store.migrate import upgrade
from zengzhi.store.network import SqlNetwork

SETTINGS: dict[str, Any] = {
    "binding": "first_order",
    "commission": {"rates": ["0.003", "0.002"]},
    "recruiter": {"rate": "0.005"},
    "agents": {
        "mode": "differential",
        "rates": {"district": "0.001", "city": "0.002", "province": "0.003"},
    },
    "team": {"levels": [{"performance": "1000.00", "rate": "0.001"}]},
}


def clean(api: Api, context: Context) -> None:
    with context.database.read() as connection:
        assert check_ledger(connection, api.tenant) == []
        assert check_replay(connection, api.tenant) == []


def test_an_order_pays_its_referrers_recruiter_and_agents(api: Api, context: Context) -> None:
    assert api.ok(api.get("/v1/distribution")) is None
    api.ok(api.put("/v1/distribution", SETTINGS))
    api.pool()
    for member, referrer in (
        ("owner", None),
        ("recruiter", None),
        ("a", None),
        ("b", "a"),
        ("p", None),
        ("c", None),
        ("d", None),
    ):
        api.member(member, **({"referrer": referrer} if referrer else {}))
    api.ok(
        api.put(
            "/v1/stores/noodles",
            {
                "commission_rate": "0.20",
                "platform_rate": "0.02",
                "distribution_rate": "0.02",
                "owner": "owner",
                "recruiter": "recruiter",
                "region": "广东/深圳/南山",
            },
        )
    )
    for n, (member, region, level) in enumerate(
        [("p", "广东", "province"), ("c", "广东/深圳", "city"), ("d", "广东/深圳/南山", "district")]
    ):
        api.ok(
            api.post(
                "/v1/agents",
                {
                    "id": f"g{n}",
                    "member": member,
                    "region": region,
                    "level": level,
                    "fee": "50000.00",
                },
            )
        )
    assert (
        api.post(
            "/v1/agents", {"id": "g9", "member": "c", "region": "广东/深圳", "level": "city"}
        ).status_code
        == 409
    )
    # a new member through the store's code is bound to its owner
    assert api.member("e", store="noodles")["referrer"] == "owner"
    api.member("buyer", referrer="b")
    api.ok(
        api.post(
            "/v1/orders", {"id": "o1", "member": "buyer", "store": "noodles", "amount": "1000.00"}
        )
    )
    order = api.ok(api.post("/v1/orders/o1/pay"))
    assert order["status"] == "completed"
    wallets = {
        m: api.ok(api.get(f"/v1/members/{m}/wallet"))["balance"]
        for m in ("b", "a", "recruiter", "d", "c", "p")
    }
    # b: 0.3% direct, and 0.1% as a level-1 team leader (its team performance is 1000 now)
    assert wallets == {
        "b": "4.00",
        "a": "2.00",
        "recruiter": "5.00",
        "d": "1.00",
        "c": "1.00",
        "p": "1.00",
    }
    team, direct = api.ok(api.get("/v1/members/b/rewards"))
    assert (direct["kind"], direct["cause"], direct["rate"], direct["base"], direct["paid"]) == (
        "direct",
        "order:o1",
        "0.003",
        "1000.00",
        "3.00",
    )
    assert (team["kind"], team["rate"], team["note"]) == ("team", "0.001-0", "level 1")
    network = api.ok(api.get("/v1/members/a/network"))
    assert network["team_performance"] == "1000.00" and network["level"] == 1
    assert [r["id"] for r in network["referees"]] == ["b"]
    assert api.ok(api.get("/v1/members/buyer/network"))["uplines"] == ["b", "a"]
    clean(api, context)
    api.ok(api.post("/v1/orders/o1/reverse"))
    assert api.ok(api.get("/v1/members/b/wallet"))["balance"] == "0.00"
    assert api.ok(api.get("/v1/members/a/network"))["team_performance"] == "0.00"
    clean(api, context)


def test_binding_policy_and_reassignment(api: Api, context: Context) -> None:
    api.ok(api.put("/v1/distribution", SETTINGS))
    api.pool()
    for member in ("a", "b", "x"):
        api.member(member)
    assert api.ok(api.post("/v1/members/x/bind", {"referrer": "a"}))["referrer"] == "a"
    again = api.post("/v1/members/x/bind", {"referrer": "b"})
    assert again.status_code == 409 and again.json()["field"] == "referrer"
    api.completed_order("o1", "b")
    late = api.post("/v1/members/b/bind", {"referrer": "a"})
    assert late.status_code == 409 and "ordered already" in late.json()["message"]
    cycle = api.post("/v1/members/a/bind", {"referrer": "x"})
    assert cycle.status_code == 409 and "cycle" in cycle.json()["message"]
    integrator = api.as_role("integrator")
    moved = api.put(
        "/v1/members/x/referrer", {"referrer": "b", "reason": "report 7"}, token=integrator
    )
    assert moved.status_code == 403
    support = api.as_role("support")
    assert (
        api.put(
            "/v1/members/x/referrer", {"referrer": "b", "reason": ""}, token=support
        ).status_code
        == 422
    )
    moved = api.put(
        "/v1/members/x/referrer", {"referrer": "b", "reason": "report 7"}, token=support
    )
    assert moved.status_code == 200 and moved.json()["referrer"] == "b"
    entry = api.ok(api.get("/v1/audit-log"))[0]
    assert (entry["action"], entry["before"], entry["after"], entry["reason"]) == (
        "member.reassign",
        {"referrer": "a"},
        {"referrer": "b"},
        "report 7",
    )
    clean(api, context)


def test_anti_abuse_limits(api: Api, clock: Clock) -> None:
    api.ok(
        api.put(
            "/v1/distribution",
            {
                "limits": {
                    "one_account_per_phone": True,
                    "orders_per_day": 2,
                    "total_spend": "2500.00",
                }
            },
        )
    )
    api.pool()
    api.member("a", phone="13800000000")
    twice = api.post("/v1/members", {"id": "b", "phone": "13800000000"})
    assert twice.status_code == 409 and twice.json()["field"] == "phone"
    body = {"member": "a", "amount": "1000.00", "contribution": "300.00"}
    api.ok(api.post("/v1/orders", {"id": "o1", **body}))
    api.ok(api.post("/v1/orders", {"id": "o2", **body}))
    third = api.post("/v1/orders", {"id": "o3", **body})
    assert third.status_code == 409 and "2 orders a day" in third.json()["message"]
    clock.now = clock.now.replace(hour=15, minute=59)  # 23:59 in Shanghai: still the day
    assert api.post("/v1/orders", {"id": "o3", **body}).status_code == 409
    clock.advance(minutes=2)  # a new day where the tenant is (16:01 UTC, the same UTC day)
    small = {**body, "amount": "500.00", "contribution": "100.00"}
    api.ok(api.post("/v1/orders", {"id": "o3", **small}))


def test_one_phone_with_or_without_its_country_code_is_one_account(api: Api) -> None:
    """With `one_account_per_phone`, a phone written with its country code (+86, 86,
    0086) is the phone written without it: each opened another account (the fuzzer's
    find, 2026-12-07). A phone of no digits is refused naming it."""
    api.ok(api.put("/v1/distribution", {"limits": {"one_account_per_phone": True}}))
    api.member("a", phone="13925102000")
    for n, phone in enumerate(
        ["+8613925102000", "86 139 2510 2000", "008613925102000", "+86 139-2510-2000"]
    ):
        twice = api.post("/v1/members", {"id": f"b{n}", "phone": phone})
        assert (twice.status_code, twice.json()["field"]) == (409, "phone"), (phone, twice.text)
    for phone in ("- - -", "+-- 1"):
        refused = api.post("/v1/members", {"id": "c", "phone": phone})
        assert (refused.status_code, refused.json()["field"]) == (422, "phone"), refused.text
    api.member("d", phone="+44 20 7946 0000")  # another country's numbers are their own
    api.member("e", phone="020 7946 0000")
    assert [m["id"] for m in api.ok(api.get("/v1/members"))] == ["a", "d", "e"]


def test_limits_are_checked_when_saved(api: Api) -> None:
    """A cap that no order could meet (too many places, nothing or less, a count past
    any day) is refused when saved, naming it, and changes nothing; saved, it refused
    every order afterwards, naming the order's amount."""
    api.pool()
    api.member("a")
    for limits, field in [
        ({"total_spend": "100.001"}, "distribution.limits.total_spend"),
        ({"total_spend": "-1"}, "distribution.limits.total_spend"),
        ({"total_spend": "0"}, "distribution.limits.total_spend"),
        ({"total_spend": "1e3"}, "distribution.limits.total_spend"),
        ({"orders_per_day": 10**30}, "distribution.limits.orders_per_day"),
        ({"orders_per_day": 0}, "distribution.limits.orders_per_day"),
    ]:
        refused = api.put("/v1/distribution", {"limits": limits})
        # the body's own checks name the body's path; the rule's, the setting's
        named = refused.json()["field"]
        assert refused.status_code == 422 and field.endswith(named), refused.text
    assert api.ok(api.get("/v1/distribution")) is None  # nothing was saved
    body = {"id": "o1", "member": "a", "amount": "10.00", "contribution": "1.00"}
    api.ok(api.post("/v1/orders", body))
    api.ok(api.put("/v1/distribution", {"limits": {"total_spend": "0.01"}}))


def test_deep_commission_needs_the_override(api: Api) -> None:
    deep = {"commission": {"rates": ["0.01", "0.01", "0.01", "0.01"]}}
    refused = api.put("/v1/distribution", deep)
    assert refused.status_code == 422
    assert refused.json()["field"] == "distribution.commission.rates"
    assert "传销" in refused.json()["message"]
    deep["commission"]["allow_deep"] = True  # type: ignore[index]
    assert api.put("/v1/distribution", deep).status_code == 200


def _stars_for_a_and_b(api: Api) -> None:
    """A dividend plan (10% of the day's turnover to level 1 and up), a pool, and member
    a with b below: a is level 1 once b's orders make 100.00 of performance."""
    api.ok(
        api.put(
            "/v1/distribution",
            {
                "team": {"levels": [{"performance": "100.00", "rate": "0"}]},
                "dividends": [{"name": "stars", "share": "0.10", "min_level": 1}],
            },
        )
    )
    api.pool()
    api.member("a")
    api.member("b", referrer="a")


def test_dividends_run_once_a_day_from_the_job(api: Api, context: Context, clock: Clock) -> None:

    _stars_for_a_and_b(api)
    api.completed_order("o1", "b", amount="1000.00", contribution="0.00")
    clock.advance(days=1)
    tick(context, [api.tenant])  # its jobs only: the database holds every test's tenants
    assert api.ok(api.get("/v1/members/a/wallet"))["balance"] == "100.00"
    tick(context, [api.tenant])  # the same day again: paid once
    assert api.ok(api.get("/v1/members/a/wallet"))["balance"] == "100.00"
    [reward] = api.ok(api.get("/v1/members/a/rewards"))
    assert (reward["kind"], reward["note"]) == ("dividend", "stars")
    clean(api, context)


def test_a_dividend_counts_the_turnover_of_the_tenants_day(
    api: Api, context: Context, clock: Clock
) -> None:
    """A day's turnover is that day's in the tenant's time zone (Asia/Shanghai): an order
    completed at 20:00 UTC on 21 November is of the 22nd there. Counted by UTC days, the
    service paid the 22nd's dividend without it, and the audit's replay (which counts the
    tenant's days) found the wallets short (tests/service/test_tenant_histories.py)."""
    _stars_for_a_and_b(api)
    clock.advance(hours=11)  # 20:00 UTC on the 21st: 04:00 on the 22nd in Shanghai
    api.completed_order("o1", "b", amount="1000.00", contribution="0.00")
    clock.advance(hours=21)  # 01:00 on the 23rd in Shanghai: the 22nd is over
    tick(context, [api.tenant])
    assert api.ok(api.get("/v1/members/a/wallet"))["balance"] == "100.00"
    clean(api, context)


def test_orders_at_once_under_one_upline_add_up(postgres_url: str) -> None:
    """PostgreSQL: many orders complete at the same moment under the same uplines; the
    team performance and levels of every upline count each of them exactly once."""
    context = Context(
        Database(postgres_url), Settings(database_url=postgres_url, secret_key="s" * 40)
    )  # type: ignore[arg-type]
    tenant = new_tenant(context, "team")
    owner = Principal(tenant, "system:test", Role.OWNER)
    put_settings(
        context,
        owner,
        DistributionConfig.model_validate(
            {
                "team": {
                    "levels": [
                        {"performance": "500.00", "rate": "0.01"},
                        {"performance": "2000.00", "rate": "0.02"},
                    ]
                }
            }
        ),
    )
    members.create_member(context, owner, NewMember(id="top"))
    members.create_member(context, owner, NewMember(id="mid", referrer="top"))
    buyers = [f"b{n}" for n in range(8)]
    for buyer in buyers:
        members.create_member(context, owner, NewMember(id=buyer, referrer="mid"))
    start = threading.Barrier(len(buyers))
    failures: list[BaseException] = []

    def buy(buyer: str) -> None:
        try:
            start.wait()
            for n in range(3):
                order_id = f"{buyer}-{n}"
                orders.create_order(
                    context,
                    owner,
                    NewOrder(id=order_id, member=buyer, amount="100.00", contribution="0.00"),
                )
                orders.pay(context, owner, order_id)
        except BaseException as error:  # report it from the main thread
            failures.append(error)

    threads = [threading.Thread(target=buy, args=(buyer,)) for buyer in buyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with context.database.read() as connection:
        rows = dict(
            connection.execute(
                select(t.members.c.member_id, t.members.c.team_performance).where(
                    t.members.c.tenant_id == tenant, t.members.c.member_id.in_(["top", "mid"])
                )
            ).all()
        )
        levels = dict(
            connection.execute(
                select(t.members.c.member_id, t.members.c.team_level).where(
                    t.members.c.tenant_id == tenant, t.members.c.member_id.in_(["top", "mid"])
                )
            ).all()
        )
        assert check_ledger(connection, tenant) == []
        assert check_replay(connection, tenant) == []
    assert rows == {"top": 240_000, "mid": 240_000}  # 24 orders of 100.00
    assert levels == {"top": 2, "mid": 2}
    context.database.dispose()


def test_a_sale_id_used_again_for_another_agent_is_a_conflict(api: Api, context: Context) -> None:
    api.member("a")
    api.member("b")
    sale = {"id": "g1", "member": "a", "region": "r/x", "level": "city", "fee": "100"}
    first = api.ok(api.post("/v1/agents", sale))
    assert api.ok(api.post("/v1/agents", sale | {"fee": "100.00"})) == first  # once
    refused = api.post("/v1/agents", sale | {"member": "b", "region": "r/y", "fee": "5"})
    assert refused.status_code == 409, refused.text
    assert refused.json()["field"] == "id"
    assert api.ok(api.get("/v1/agents")) == [first]
    clean(api, context)


def test_a_dividend_pays_the_levels_the_log_gives_it_while_an_order_races_it(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: an order lifts member a to the dividend's level while the dividend is
    being paid. The dividend read the levels unlocked; the order committed between that
    reading and the dividend's commit, so the log put the order first, and its replay
    paid a a share the service had not (check_replay: a's wallet 0.00 kept, 5.00 by the
    log). The dividend now holds the network lock alone: the order waits for it."""
    context, owner, clock = _race_tenant(
        postgres_url,
        {
            "team": {"levels": [{"performance": "100.00", "rate": "0"}]},
            "dividends": [{"name": "stars", "share": "0.10", "min_level": 1}],
        },
    )
    _buy(context, owner, "y1", "y")  # x at level 1; the day's turnover 100.00
    clock.advance(days=1)
    race = threading.Thread(target=_buy, args=(context, owner, "b1", "b"))  # a to level 1
    _race_the_dividend(context, owner.tenant, monkeypatch, SqlNetwork, "qualifying", race)
    assert _balances(context, owner.tenant) == {"member:x:wallet": 1000}  # 10% of 100.00


def test_a_dividend_weighs_the_holdings_the_log_gives_it_while_a_reversal_races_it(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: a reversal takes back the contribution a commission paid a while a
    dividend weighted by contribution is being paid. A reversal reads no link, so it took
    no network lock: it committed between the dividend's reading of the holders and its
    commit, and the log's replay paid x alone where the service had paid a too. A
    reversal taking rewards back now takes the lock shared, so it waits."""
    context, owner, clock = _race_tenant(postgres_url, HELD_DIVIDEND)
    for order, member in (("x0", "x"), ("a0", "a"), ("y1", "y"), ("b1", "b")):
        _buy(context, owner, order, member, split=FOR_COMMISSION)  # 10.00 to x, to a
    clock.advance(days=1)
    race = threading.Thread(target=orders.reverse, args=(context, owner, "b1"))
    _race_the_dividend(context, owner.tenant, monkeypatch, SqlLedger, "holders", race)
    # 10% of the day's 400.00, half each; a's 10.00 taken back after
    assert _balances(context, owner.tenant) == {
        "member:x:wallet": 2000,
        "member:a:wallet": 2000,
        "member:x:contribution": 1000,
        "member:a:contribution": 0,
    }


def test_a_dividend_weighs_the_holdings_the_log_gives_it_while_a_conversion_races_it(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: the operator converts a's contribution into cash while a dividend
    weighted by contribution is being paid: the conversion takes the network lock alone
    too, so it waits; unlocked, the log put it first and its replay paid x alone."""
    context, owner, clock = _race_tenant(postgres_url, HELD_DIVIDEND)
    for order, member in (("x0", "x"), ("a0", "a"), ("y1", "y"), ("b1", "b")):
        _buy(context, owner, order, member, split=FOR_COMMISSION)  # 10.00 to x, to a
    clock.advance(days=1)
    conversion = Conversion(id="c1", into="cash", rate="1", reason="年终兑现", members=["a"])
    race = threading.Thread(target=convert_contributions, args=(context, owner, conversion))
    _race_the_dividend(context, owner.tenant, monkeypatch, SqlLedger, "holders", race)
    assert _balances(context, owner.tenant) == {
        "member:x:wallet": 2000,
        "member:a:wallet": 3000,  # its dividend, then its 10.00 of contribution as cash
        "member:x:contribution": 1000,
        "member:a:contribution": 0,
        "member:a:converted_cash": 1000,  # memos of what the conversion did
        "member:a:converted_cash_paid": 1000,
    }


HELD_DIVIDEND = {
    "commission": {"rates": ["0.10"], "pay_in": "contribution"},
    "dividends": [{"name": "held", "share": "0.10", "split": "contribution", "min_level": 0}],
}
FOR_COMMISSION = {"distribution": "20.00", "platform": "80.00"}


def _race_tenant(url: str, settings: dict[str, Any]) -> tuple[Context, Principal, Clock]:
    """A tenant with these distribution settings, a pool, and x above y, a above b."""
    clock = Clock()
    database = Database(url)
    upgrade(database.writer)  # alone, a test finds the session's database empty
    settings_ = Settings(database_url=url, secret_key="s" * 40)
    context = Context(database, settings_, clock)  # type: ignore[arg-type]
    owner = Principal(new_tenant(context, "dividend"), "system:test", Role.OWNER)
    put_settings(context, owner, DistributionConfig.model_validate(settings))
    pools.open_pool(context, owner, NewPool(id="main"))
    for member, referrer in (("x", None), ("y", "x"), ("a", None), ("b", "a")):
        members.create_member(context, owner, NewMember(id=member, referrer=referrer))
    return context, owner, clock


def _buy(context: Context, owner: Principal, order: str, member: str, **line: Any) -> None:
    line = line or {"contribution": "0.00"}
    new = NewOrder(id=order, member=member, amount="100.00", pay=True, **line)
    orders.create_order(context, owner, new)


def _race_the_dividend(
    context: Context,
    tenant: str,
    monkeypatch: pytest.MonkeyPatch,
    kind: type,
    read: str,
    race: threading.Thread,
) -> None:
    """Pay yesterday's dividend, starting `race` once it has read (`kind.read`) and
    going on when the race is done or waits for the network lock; then the race must
    have waited, and the ledger and the log's replay agree with what was kept."""
    waited = [0]  # statements found waiting for the network lock, once some were
    reading = getattr(kind, read)

    def read_then_race(self: Any, *args: Any) -> Any:
        found = reading(self, *args)
        race.start()
        deadline = time.monotonic() + 30  # a race stuck elsewhere fails, not hangs
        while race.is_alive() and not waited[0] and time.monotonic() < deadline:
            waited[0] = statements_waiting(context.database, "SELECT pg_advisory_xact_lock")
            time.sleep(0.01)
        return found

    monkeypatch.setattr(kind, read, read_then_race)
    paid, refused = run_dividends(context, tenant)
    race.join()
    assert (len(paid), refused) == (1, [])
    with context.database.read() as connection:
        assert check_ledger(connection, tenant) == []
        assert check_replay(connection, tenant) == []
    assert waited[0]  # the race waited for the dividend's lock


def _balances(context: Context, tenant: str) -> dict[str, int]:
    with context.database.read() as connection:
        found = {
            row.account: int(row.amount)
            for row in connection.execute(
                select(t.balances.c.account, t.balances.c.amount).where(
                    t.balances.c.tenant_id == tenant, t.balances.c.account.like("member:%")
                )
            )
        }
    context.database.dispose()
    return found
