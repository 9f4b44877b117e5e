"""Spec 03 statements with a parameter changed part-way, through the HTTP API on both
databases (the mode's counters kept in SQL), and the log replaying to the same state."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.service.conftest import Api, Clock
from tests.service.test_modes import buy, clean, product, wallet, zone
from zengzhi.service.base import Context
from zengzhi.service.jobs import tick
from zengzhi.store import tables as t


def test_refer_three_counts_cycles_by_a_changed_schedules_length(
    api: Api, context: Context
) -> None:
    """03-modes.md:64-69, 188-189 (a referred member counts once a cycle) and docs/
    modes.md (a schedule changed mid-cycle counts from where the cycle stands): B, C, D,
    E refund A 100, 200, 700, 100 under 10/20/70; the schedule becomes 10/20/30/40, so
    places 1-4 were the first cycle and E, buying again, opens the second (100); F, G
    and H follow (200, 300, 400). E's second order is reversed: its 100 is taken back and
    E, buying a third time, takes the freed 5th place again (100)."""
    zone(api, "gifts", {"refer_three": {"backed": True}})
    product(api, "package", "1000.00", "gifts")
    api.member("A")
    for name in "BCDEFGH":
        api.member(name, referrer="A")
    buy(api, "oA", "A", "package")
    seen = []
    for name in "BCDE":
        buy(api, f"o{name}", name, "package")
        seen.append(wallet(api, "A"))
    assert seen == ["100.00", "300.00", "1000.00", "1100.00"]
    four = ["0.10", "0.20", "0.30", "0.40"]
    zone(api, "gifts", {"refer_three": {"schedule": four, "backed": True}})
    seen = []
    for n, name in enumerate("EFGH"):
        buy(api, f"o{name}{n}", name, "package")
        seen.append(wallet(api, "A"))
    assert seen == ["1200.00", "1400.00", "1700.00", "2100.00"]
    api.ok(api.post("/v1/orders/oE0/reverse"))
    assert wallet(api, "A") == "2000.00"
    buy(api, "oE-again", "E", "package")
    assert wallet(api, "A") == "2100.00"
    clean(api, context)


def test_a_referral_refunding_nothing_gives_its_place_back_when_reversed(
    api: Api, context: Context
) -> None:
    """03-modes.md:64-68 (base: the referee's order), 174 (a reversed referee purchase
    no longer holds a place) and 04-platform.md:128-129 (payouts round down): B's 0.01
    order is the 1st referral and refunds nothing (10% of 0.01 rounds down); reversed, it
    gives the 1st place back, kept across requests in the order's record: C's 1000 is
    then refunded 10% (100), not 20%."""
    zone(api, "gifts", {"refer_three": {"base": "order", "backed": True}})
    product(api, "package", "1000.00", "gifts")
    product(api, "sample", "0.01", "gifts")
    api.member("A")
    for name in "BC":
        api.member(name, referrer="A")
    buy(api, "oA", "A", "package")
    buy(api, "oB", "B", "sample")
    assert wallet(api, "A") == "0.00"
    api.ok(api.post("/v1/orders/oB/reverse"))
    buy(api, "oC", "C", "package")
    assert wallet(api, "A") == "100.00"
    clean(api, context)


def test_refer_three_with_the_longest_member_ids(api: Api, context: Context) -> None:
    """04-platform.md:144 (the integrator's own id is accepted as the member's id, up to
    128 characters): a referrer and a referee with ids that long take a place in the
    cycle and are refunded 10%, on both databases (what a place's holder is kept under
    fits the counters' key)."""
    zone(api, "gifts", {"refer_three": {"backed": True}})
    product(api, "package", "1000.00", "gifts")
    referrer, referee = "A" * 128, "B" * 128
    api.member(referrer)
    api.member(referee, referrer=referrer)
    buy(api, "oA", referrer, "package")
    buy(api, "oB", referee, "package")
    assert wallet(api, referrer) == "100.00"
    api.ok(api.post("/v1/orders/oB/reverse"))
    assert wallet(api, referrer) == "0.00"
    clean(api, context)


def test_every_mode_with_the_longest_ids(api: Api, context: Context, clock: Clock) -> None:
    """04-platform.md:144 and 189-191 with ids of 128 characters for zones, products,
    members and orders: every mode promises, an ad task releases, the days run (green,
    union, three-for-one, quota), an order is reversed, a member withdraws; the books are
    sound and the log replays to the same state, on both databases."""
    long = "z" * 127
    modes = {
        "refer_three": {"backed": True},
        "ads": {"ratio": "1", "backed": True},
        "quota": {"funding": "0.1"},
        "green": {"backed": True},
        "union": {"funding": "0.5", "lock_days": 1},
        "three_for_one": {"threshold": "100", "every": 1, "backed": True},
    }
    zone(api, long + "1", modes)
    product(api, "p" * 128, "100.00", long + "1")
    a, b = "a" * 128, "b" * 128
    api.member(a)
    api.member(b, referrer=a)
    buy(api, "x" * 128, a, "p" * 128)
    buy(api, "y" * 128, b, "p" * 128)
    day = api.ok(api.get(f"/v1/members/{a}/modes"))
    assert day  # what each mode owes the member, readable
    today = clock.today()
    api.ok(api.post(f"/v1/members/{b}/tasks", {"zone": long + "1", "day": today, "proof": "v"}))
    for _ in range(3):
        clock.advance(days=1)
        tick(context, [api.tenant])
    api.ok(api.post(f"/v1/orders/{'y' * 128}/reverse"))
    api.ok(api.post(f"/v1/members/{a}/withdrawals", {"id": "w" * 128, "amount": "1.00"}))
    clean(api, context)


def test_distribution_with_the_longest_ids(api: Api, context: Context, clock: Clock) -> None:
    """02-distribution.md (binding, commission, recruiter, agents, dividends) with ids of
    128 characters for members, the store, the agent right, the plan and the order: a
    binding after registration ("bind:<member>:<referrer>"), a store's code, an agent's
    region, the next day's dividend run, a reversal; the books are sound and the log
    replays, on both databases."""
    settings = {
        "binding": "any_time",
        "commission": {"rates": ["0.01", "0.005"]},
        "recruiter": {"rate": "0.005"},
        "agents": {"mode": "flat", "rates": {"province": "0.003"}},
        "team": {"levels": [{"performance": "100.00", "rate": "0"}]},
        "dividends": [{"name": "d" * 128, "share": "0.05", "min_level": 1}],
    }
    api.ok(api.put("/v1/distribution", settings))
    api.pool()
    a, b, c, owner, store = "a" * 128, "b" * 128, "c" * 128, "o" * 128, "s" * 128
    for member in (a, b, owner):
        api.member(member)
    api.ok(api.post(f"/v1/members/{b}/bind", {"referrer": a}))
    api.ok(
        api.put(
            f"/v1/stores/{store}",
            {
                "commission_rate": "0.20",
                "distribution_rate": "0.05",
                "owner": owner,
                "recruiter": a,
                "region": "广东/深圳",
            },
        )
    )
    api.ok(
        api.post(
            "/v1/agents",
            {"id": "g" * 128, "member": a, "region": "广东", "level": "province", "fee": "100.00"},
        )
    )
    api.member(c, store=store)
    order = "x" * 128
    api.ok(api.post("/v1/orders", {"id": order, "member": c, "store": store, "amount": "1000"}))
    api.ok(api.post(f"/v1/orders/{order}/pay"))
    api.ok(
        api.post(
            "/v1/orders", {"id": "y" * 128, "member": b, "amount": "100.00", "contribution": "0"}
        )
    )
    api.ok(api.post(f"/v1/orders/{'y' * 128}/pay"))
    clock.advance(days=1)
    tick(context, [api.tenant])
    api.ok(api.post(f"/v1/orders/{order}/reverse"))
    with context.database.read() as connection:
        runs = connection.execute(
            select(func.count()).where(
                t.events.c.tenant_id == api.tenant, t.events.c.event_id.like("dividend:%")
            )
        ).scalar_one()
    assert runs == 1
    clean(api, context)
