"""Attacks on distribution through the API (spec 02): agent sales with hostile values,
regions that could never be paid, repeats."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.service.conftest import Api, Clock, new_tenant
from tests.service.test_distribution import clean
from zengzhi.core.errors import DomainError
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.base import Context
from zengzhi.store import tables as t

AGENTS: dict[str, Any] = {
    "agents": {
        "mode": "differential",
        "rates": {"district": "0.001", "city": "0.002", "province": "0.003"},
    },
}


@pytest.mark.parametrize("fee", ["1e3", "１０００", "-0", "-1", "1" * 40, "0.001", 1000.5, "NaN"])
def test_an_agent_sale_with_a_hostile_fee_is_refused(api: Api, context: Context, fee: Any) -> None:
    api.member("a")
    sale = {"id": "g1", "member": "a", "region": "广东", "level": "province", "fee": fee}
    answer = api.post("/v1/agents", sale)
    if fee == "-0":  # zero however written: a free grant is allowed
        assert answer.status_code in (201, 422), answer.text
    else:
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"].endswith("fee"), answer.text
        assert api.ok(api.get("/v1/agents")) == []
    clean(api, context)


@pytest.mark.parametrize(
    ("region", "level"),
    [
        ("广东/深圳/", "city"),
        ("广东", "city"),
        ("广东/深圳/南山", "province"),
        ("/广东", "province"),
    ],
)
def test_an_agent_sale_for_a_region_its_level_never_pays_is_refused(
    api: Api, context: Context, region: str, level: str
) -> None:
    # an order in 广东/深圳/南山 pays the city agent of exactly "广东/深圳": rights sold for
    # "广东/深圳/" or for "广东" as a city took a fee for rights that never pay (they did)
    api.member("agent")
    sale = {"id": "g1", "member": "agent", "region": region, "level": level, "fee": "5"}
    answer = api.post("/v1/agents", sale)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "region", answer.text
    assert api.ok(api.get("/v1/agents")) == []
    clean(api, context)


def test_agents_of_each_level_and_an_area_are_paid(api: Api, context: Context) -> None:
    settings = {
        "agents": {
            "mode": "flat",
            "rates": {"area": "0.001", "province": "0.002", "city": "0.005", "district": "0.008"},
            "areas": {"华南/大区": ["广东"]},
        }
    }
    api.ok(api.put("/v1/distribution", settings))
    api.pool()
    held = [
        ("x", "华南/大区", "area"),
        ("p", "广东", "province"),
        ("c", "广东/深圳", "city"),
        ("d", "广东/深圳/南山", "district"),
    ]
    for n, (member, region, level) in enumerate(held):
        api.member(member)
        sale = {"id": f"g{n}", "member": member, "region": region, "level": level, "fee": "5"}
        api.ok(api.post("/v1/agents", sale))
    api.member("buyer")
    api.ok(
        api.put(
            "/v1/stores/s",
            {
                "commission_rate": "0.20",
                "platform_rate": "0.02",
                "distribution_rate": "0.02",
                "region": "广东/深圳/南山",
            },
        )
    )
    api.ok(api.post("/v1/orders", {"id": "o1", "member": "buyer", "store": "s", "amount": "1000"}))
    api.ok(api.post("/v1/orders/o1/pay"))
    paid = {m: api.ok(api.get(f"/v1/members/{m}/wallet"))["balance"] for m in "xpcd"}
    assert paid == {"x": "1.00", "p": "2.00", "c": "5.00", "d": "8.00"}
    clean(api, context)


def test_a_promoter_who_bought_before_distribution_was_on_earns_the_same_in_a_replay(
    api: Api, context: Context
) -> None:
    # "a" bought while distribution was off: the service (SQL) counts it as having bought,
    # so a becomes a promoter; the replay (memory) must count it the same, or it pays
    # other rewards than the service did
    api.pool()
    api.member("a")
    api.member("b", referrer="a")
    api.completed_order("o1", "a")
    settings = {
        "commission": {"rates": ["0.01"], "promoter_after_purchase": True},
        "overflow": "platform",
    }
    api.ok(api.put("/v1/distribution", settings))
    api.completed_order("o2", "b")
    assert api.ok(api.get("/v1/members/a/wallet"))["balance"] != "0.00"
    clean(api, context)


@pytest.mark.parametrize("threshold", ["0", "-1", "-0.00"])
def test_a_first_level_at_no_performance_is_refused(
    api: Api, context: Context, clock: Clock, threshold: str
) -> None:
    # a first level at 0 performance made every member existing when the settings were
    # saved a star (SQL re-levels every member), not those who joined after, and not in
    # the replay (memory levels whoever has performance): a member with no team was paid
    # half the day's dividend, which the replay did not pay
    api.member("early")
    settings = {
        "team": {"levels": [{"performance": threshold, "rate": "0"}]},
        "dividends": [{"name": "v1", "share": "0.10", "min_level": 1}],
    }
    refused = api.put("/v1/distribution", settings)
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "distribution.team.levels.0.performance"
    assert api.ok(api.get("/v1/distribution")) is None
    clean(api, context)


def test_at_the_same_instant_on_postgresql_a_dividend_and_a_region_are_paid_once(
    postgres_url: str,
) -> None:
    """PostgreSQL: four daily jobs at once pay the day's dividend once; two sales of one
    region at once (other ids, other members) grant it once and book one fee; the same
    sale sent four times at once books it once."""
    from datetime import UTC, datetime, timedelta  # noqa: PLC0415

    from zengzhi.engine.config import DistributionConfig  # noqa: PLC0415
    from zengzhi.service import distribution, members, orders  # noqa: PLC0415
    from zengzhi.service.auth import Principal, Role  # noqa: PLC0415
    from zengzhi.service.jobs import tick  # noqa: PLC0415
    from zengzhi.service.members import NewMember  # noqa: PLC0415
    from zengzhi.service.orders import NewOrder  # noqa: PLC0415
    from zengzhi.service.settings import Settings  # noqa: PLC0415
    from zengzhi.store.database import Database  # noqa: PLC0415
    from zengzhi.store.migrate import upgrade  # noqa: PLC0415

    now = [datetime(2026, 11, 21, 9, tzinfo=UTC)]
    upgrade(Database(postgres_url).writer)  # alone, this test's database is a new one
    context = Context(
        Database(postgres_url),
        Settings(database_url=postgres_url, secret_key="s" * 40),  # type: ignore[call-arg]
        clock=lambda: now[0],
    )  # type: ignore[arg-type]
    tenant = new_tenant(context, "dividends-at-once")
    owner = Principal(tenant, "system:test", Role.OWNER)
    distribution.put_settings(
        context,
        owner,
        DistributionConfig.model_validate(
            {
                "team": {"levels": [{"performance": "100.00", "rate": "0"}]},
                "dividends": [{"name": "stars", "share": "0.10", "min_level": 1}],
            }
        ),
    )
    members.create_member(context, owner, NewMember(id="a"))
    members.create_member(context, owner, NewMember(id="b", referrer="a"))
    orders.create_order(
        context, owner, NewOrder(id="o1", member="b", amount="1000.00", contribution="0.00")
    )
    orders.pay(context, owner, "o1")
    now[0] += timedelta(days=1)
    answers: list[object] = []

    def at_once(*calls: Any) -> None:
        start = threading.Barrier(len(calls))

        def run(call: Any) -> None:
            start.wait()
            try:
                answers.append(call())
            except DomainError as error:
                answers.append(error.code)

        threads = [threading.Thread(target=run, args=(call,)) for call in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    at_once(*[lambda: tick(context, [tenant])] * 4)
    sales = [
        distribution.NewAgent(id=f"g{n}", member=m, region="广东", level="province", fee="500")
        for n, m in enumerate(("a", "b"))
    ]
    answers.clear()
    at_once(*[lambda s=s: distribution.grant_agent(context, owner, s) for s in sales])
    assert sorted(type(one).__name__ for one in answers) == ["AgentView", "ErrorCode"]
    same = distribution.NewAgent(id="g9", member="a", region="广西", level="province", fee="7")
    at_once(*[lambda: distribution.grant_agent(context, owner, same)] * 4)
    with context.database.read() as connection:
        wallet = connection.execute(
            select(t.balances.c.amount).where(
                t.balances.c.tenant_id == tenant, t.balances.c.account == "member:a:wallet"
            )
        ).scalar_one()
        rights = connection.execute(
            select(t.balances.c.amount).where(
                t.balances.c.tenant_id == tenant, t.balances.c.account == "platform:agent_rights"
            )
        ).scalar_one()
        assert check_ledger(connection, tenant) == []
        assert check_replay(connection, tenant) == []
    assert wallet == 10_000  # 10% of 1000.00, once
    assert rights == 50_000 + 700
    context.database.dispose()


def test_rights_sold_again_under_another_id_are_refused_not_taken_as_paid(
    api: Api, context: Context
) -> None:
    """A second sale of rights a member holds, under a new id, is a second payment: it
    answered 201 as if booked, and booked nothing. Now 409 naming the region; the first
    id again is a repeat (its first answer)."""
    api.member("a")
    sale = {"id": "g1", "member": "a", "region": "广东", "level": "province", "fee": "5000.00"}
    first = api.post("/v1/agents", sale)
    assert first.status_code == 201, first.text
    entries = len(api.ok(api.get("/v1/audit-log", limit=500)))
    again = api.post("/v1/agents", sale | {"id": "g2"})
    assert (again.status_code, again.json()["field"]) == (409, "region"), again.text
    assert "nothing was booked" in again.json()["message"]
    assert len(api.ok(api.get("/v1/audit-log", limit=500))) == entries  # nothing happened
    repeat = api.post("/v1/agents", sale)
    assert repeat.status_code in (200, 201) and repeat.json() == first.json()
    clean(api, context)


def test_a_reassignment_sent_again_records_nothing_more(api: Api, context: Context) -> None:
    """Support moves m to new, and the request is sent again (a double click, a retry):
    one move, one audit row and one event, as moving a member's referees does (was: a
    second audit row and event saying the referrer changed from new to new)."""
    api.member("old")
    api.member("new")
    api.member("m", referrer="old")
    move = {"referrer": "new", "reason": "reported: a second account"}
    first = api.ok(api.put("/v1/members/m/referrer", move))
    log = api.ok(api.get("/v1/audit-log", limit=500))
    events = _events(context, api.tenant)
    again = api.ok(api.put("/v1/members/m/referrer", move))
    assert again == first and again["referrer"] == "new"
    assert api.ok(api.get("/v1/audit-log", limit=500)) == log
    assert _events(context, api.tenant) == events
    clean(api, context)


def _events(context: Context, tenant: str) -> int:
    """How many events the tenant's log holds."""
    count = select(func.count()).select_from(t.events).where(t.events.c.tenant_id == tenant)
    with context.database.read() as connection:
        return int(connection.execute(count).scalar_one())


def _performance(api: Api, member: str) -> tuple[str, int]:
    network = api.ok(api.get(f"/v1/members/{member}/network"))
    return network["team_performance"], network["level"]


def test_a_refund_takes_team_performance_from_whom_the_order_grew_it(
    api: Api, context: Context
) -> None:
    # o1 grew old's team to 1,000.00 (a level); m then moved under new. The refund took
    # 1,000.00 from new (a team of -1,000.00) and left old a star for an order refunded
    levels = {"team": {"levels": [{"performance": "1000.00", "rate": "0.001"}]}}
    api.ok(api.put("/v1/distribution", {**levels, "overflow": "platform"}))
    api.pool()
    for member, referrer in (("old", None), ("new", None), ("m", "old")):
        api.member(member, **({"referrer": referrer} if referrer else {}))
    api.completed_order("o1", "m")
    assert _performance(api, "old") == ("1000.00", 1)
    support = api.as_role("support")
    moved = {"referrer": "new", "reason": "reported: second account"}
    api.ok(api.put("/v1/members/m/referrer", moved, token=support))
    api.ok(api.post("/v1/orders/o1/reverse"))
    assert _performance(api, "old") == ("0.00", 0)
    assert _performance(api, "new") == ("0.00", 0)
    clean(api, context)


def test_a_refund_of_an_order_completed_before_distribution_takes_no_performance(
    api: Api, context: Context
) -> None:
    # o1 completed with distribution off grew nobody's team; its refund after distribution
    # was switched on took 1,000.00 from top (a team of -1,000.00: top's next 1,000.00 of
    # orders then counted for nothing)
    api.pool()
    api.member("top")
    api.member("m", referrer="top")
    api.completed_order("o1", "m")
    levels = {"team": {"levels": [{"performance": "1000.00", "rate": "0.001"}]}}
    api.ok(api.put("/v1/distribution", levels))
    api.ok(api.post("/v1/orders/o1/reverse"))
    assert _performance(api, "top") == ("0.00", 0)
    api.completed_order("o2", "m")
    assert _performance(api, "top") == ("1000.00", 1)
    clean(api, context)
