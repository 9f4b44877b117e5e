"""Steps that exclude each other, sent at one instant from several processes on one
PostgreSQL database (an independent check, 2026-12-05): an order reversed while its
points are sold on the member page and through the API; an order paid, cancelled,
refunded, confirmed and reversed at once; orders past their return window refunded
while the job completes them; orders reversed while their zone's day runs; a user
disabled while signing in. Each request is sent with one id from two threads and with
ids of its own. After each race exactly one of the exclusive steps is applied, the others
are refused with a 4xx (never a 500), and the books hold (tests/service/
test_reversal_histories.py's check: balances are their postings, the event log replays
to the tables, nobody owes more than they were paid, no voided claim pays)."""

from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.security import conflict_race_workers
from tests.security.conflict_race_workers import PASSWORD, ROUNDS
from tests.security.races import race
from tests.security.test_money_races import _books
from tests.service.conftest import SECRET, new_tenant
from tests.service.test_concurrency import wallets_below_zero
from zengzhi.core.amounts import Yuan, format_minor
from zengzhi.core.days import DEFAULT_TIMEZONE
from zengzhi.core.errors import DomainError
from zengzhi.service import catalog, members, orders, pools, sessions, tenants, users, wallets
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, query
from zengzhi.service.catalog import ProductIn, ZoneIn
from zengzhi.service.member_access import member_command_id
from zengzhi.service.members import NewMember
from zengzhi.service.orders import NewOrder
from zengzhi.service.pools import NewPool
from zengzhi.service.tenants import TenantSettings
from zengzhi.store import tables as t

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def _entries(context: Context, tenant: str) -> list[tuple[str, str]]:
    e = t.entries.c
    statement = select(e.cause, e.kind).where(e.tenant_id == tenant).order_by(e.entry_id)
    return query(context, lambda connection: [tuple(row) for row in connection.execute(statement)])


def _audited(context: Context, tenant: str, action: str) -> int:
    a = t.audit_log.c
    statement = select(a.audit_id).where(a.tenant_id == tenant, a.action == action)
    return len(query(context, lambda connection: connection.execute(statement).all()))


def _points(context: Context, owner: Principal, member: str) -> list[str]:
    return [position.points for position in members.member_positions(context, owner, member)]


@postgresql_only
def test_an_order_reversed_while_its_points_are_sold_twice_over(context: Context) -> None:
    """Each round, member r{n}'s completed order is reversed by the console while the
    member sells all its points on the member page and the shop sells them all through
    the API, each sale from two threads with one id: the reversal applies, at most one
    sale sells (both threads of it answered as the one sale), the other is refused as
    more than the member holds, and a sale made before the reversal leaves a debt no
    larger than what it paid."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="2"))
    for n in range(ROUNDS):
        member = f"r{n}"
        members.create_member(context, owner, NewMember(id=member))
        order = NewOrder(id=f"o-{member}", member=member, amount="1000.00", contribution="300.00")
        orders.create_order(context, owner, order)
        assert orders.pay(context, owner, order.id).status == "completed"
    url, secret = context.database.url, SECRET.get_secret_value()
    reversal, page, api = race(
        3, conflict_race_workers.reverse_or_sell_rounds, (url, secret, tenant)
    )
    kinds = _entries(context, tenant)
    for n in range(ROUNDS):
        assert reversal[n] == ["ok"], (n, reversal[n])
        said = {"page": page[n], "api": api[n]}
        assert set(page[n] + api[n]) <= {"ok", "insufficient"}, said
        sold = {way for way, answers in said.items() if "ok" in answers}
        assert len(sold) <= 1, said
        for way in sold:  # one sale: both its threads answered as it
            assert said[way] == ["ok", "ok"], said
        page_cause = f"sell:{member_command_id(f'r{n}', f'page-{n}')}"
        sales = kinds.count((page_cause, "sale")) + kinds.count((f"sell:api-{n}", "sale"))
        assert sales == len(sold), (n, said, sales)
        assert kinds.count((f"reverse:o-r{n}", "reversal")) == 1
        assert orders.get_order(context, owner, f"o-r{n}").status == "reversed"
        assert all(points == "0.0000" for points in _points(context, owner, f"r{n}"))
    _books(context, tenant)


STEPS = {
    # no return window: paid is completed at once, and only then may it be reversed
    0: ["pay", "cancel", "reverse", "refund"],
    # a return window: paid waits for the buyer's confirmation or the shop's refund
    3600: ["pay", "cancel", "refund", "complete"],
}
# the statuses in which each step has been taken
TAKEN = {
    "pay": {"paid", "completed", "refunded", "reversed"},
    "cancel": {"cancelled"},
    "refund": {"refunded"},
    "complete": {"completed", "reversed"},
    "reverse": {"reversed"},
}


@postgresql_only
@pytest.mark.parametrize("window", sorted(STEPS), ids=["completed at once", "return window"])
def test_an_orders_exclusive_steps_at_once_end_one_way(context: Context, window: int) -> None:
    """Each round, a created order is paid, cancelled, refunded and (with no return
    window) reversed or (with one) confirmed, by four processes of two threads at the
    same instant: the order ends in one status, every step that status says was taken
    answered it, every other was refused as a conflict (409), and the order minted and
    was reversed exactly as often as its status says."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    tenants.update_settings(context, owner, TenantSettings(completion_delay_seconds=window))
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="2"))
    members.create_member(context, owner, NewMember(id="m0"))
    for n in range(ROUNDS):
        order = NewOrder(id=f"p{n}", member="m0", amount="500.00", contribution="150.00")
        orders.create_order(context, owner, order)
    steps = STEPS[window]
    url, secret = context.database.url, SECRET.get_secret_value()
    outcomes = race(
        len(steps), conflict_race_workers.order_step_rounds, (url, secret, tenant, steps)
    )
    kinds = _entries(context, tenant)
    for n in range(ROUNDS):
        status = orders.get_order(context, owner, f"p{n}").status
        said = {step: outcomes[k][n] for k, step in enumerate(steps)}
        for step, answers in said.items():
            assert set(answers) <= {"ok", "conflict"}, (n, status, said)
            assert ("ok" in answers) == (status in TAKEN[step]), (n, status, said)
        minted = kinds.count((f"order:p{n}", "mint"))
        assert minted == (1 if status in TAKEN["complete"] else 0), (n, status, kinds)
        assert kinds.count((f"reverse:p{n}", "reversal")) == (status == "reversed")
    _books(context, tenant)


@postgresql_only
def test_orders_past_their_window_refunded_or_confirmed_while_the_job_completes_them(
    context: Context,
) -> None:
    """Each round (a tenant of its own), three orders past their return window: the job
    that completes due orders runs while the shop refunds two of them and the buyer
    confirms one that the shop also refunds, at the same instant. Each order is either
    refunded (nothing minted) or completed (minted once), the job counts only the
    orders it completed itself, and nothing is refused but as a conflict."""
    names = []
    for _ in range(ROUNDS):
        tenant = new_tenant(context)
        owner = Principal(tenant, "user:owner", Role.OWNER)
        tenants.update_settings(context, owner, TenantSettings(completion_delay_seconds=1))
        pools.open_pool(context, owner, NewPool(id="main", exit_multiple="2"))
        members.create_member(context, owner, NewMember(id="m0"))
        for k in range(3):
            order = NewOrder(id=f"d{k}", member="m0", amount="300.00", contribution="90.00")
            orders.create_order(context, owner, order)
            assert orders.pay(context, owner, order.id).status == "paid"
        names.append(tenant)
    time.sleep(1.2)  # every order is due
    url, secret = context.database.url, SECRET.get_secret_value()
    job, shop, mixed = race(3, conflict_race_workers.due_or_refund_rounds, (url, secret, names))
    for n, tenant in enumerate(names):
        owner = Principal(tenant, "user:owner", Role.OWNER)
        status = {k: orders.get_order(context, owner, f"d{k}").status for k in range(3)}
        said = {"d0": [shop[n][0]], "d1": [shop[n][1], mixed[n][0]], "d2": [mixed[n][1]]}
        refunds = {"d0": shop[n][0], "d1": shop[n][1], "d2": mixed[n][1]}
        for order, answers in said.items():
            assert set(answers) <= {"ok", "conflict"}, (n, status, said)
            assert status[int(order[1])] in ("refunded", "completed"), (n, status)
            assert (refunds[order] == "ok") == (status[int(order[1])] == "refunded")
        assert (mixed[n][0] == "ok") == (status[1] == "completed"), (n, status, said)
        kinds = _entries(context, tenant)
        done = sum(1 for value in status.values() if value == "completed")
        assert sum(kinds.count((f"order:d{k}", "mint")) for k in range(3)) == done
        # an order refunded after the job found it due is no failure of the job's
        assert job[n][1] == "failed:0", (n, job[n], status, said)
        # the buyer's confirmation answers as the job's completion's repeat if that came
        # first; only the buyer's own is in the audit log
        by_the_buyer = _audited(context, tenant, "order.completed")
        assert job[n][0] == f"completed:{done - by_the_buyer}", (n, job[n], status, said)
        _books(context, tenant)


@postgresql_only
def test_orders_reversed_while_their_zones_day_runs(context: Context) -> None:
    """Each round (a tenant of its own, whose zone has a green mode, a refer-three and a
    union queue), the zone's day runs a claim a part while two processes reverse four
    of the members' orders (each from two threads) at once: every reversal applies once,
    and a reversed order's promises are void and pay nothing more, whichever part of the
    day they met."""
    names = []
    modes = {
        "green": {"backed": True},
        "refer_three": {"funding": "0.3", "release_days": 0},
        "union": {"funding": "0.2", "lock_days": 0},
    }
    for _ in range(2):
        tenant = new_tenant(context)
        owner = Principal(tenant, "system:test", Role.OWNER)
        zone = ZoneIn.model_validate({"modes": modes})
        catalog.put_item(context, owner, "zone", "g", zone)
        pack = ProductIn(price="3000.00", platform="3000.00", zone="g")
        catalog.put_item(context, owner, "product", "pack", pack)
        for n in range(6):
            referrer = {"referrer": "m0"} if n else {}
            members.create_member(context, owner, NewMember(id=f"m{n}", **referrer))
            orders.create_order(
                context, owner, NewOrder(id=f"o{n}", member=f"m{n}", product="pack")
            )
            assert orders.pay(context, owner, f"o{n}").status == "completed"
        names.append(tenant)
    url, secret = context.database.url, SECRET.get_secret_value()
    ran, *reversals = race(
        3, conflict_race_workers.reverse_while_the_day_runs, (url, secret, names)
    )
    for n, tenant in enumerate(names):
        assert ran[n], (n, ran[n])  # the day ran
        for process in reversals:
            assert process[n] == ["ok"] * 4, (n, process[n])
        owner = Principal(tenant, "user:owner", Role.OWNER)
        for k in range(1, 5):
            assert orders.get_order(context, owner, f"o{k}").status == "reversed"
        _books(context, tenant)


@postgresql_only
def test_a_user_disabled_while_signing_in_keeps_no_session(context: Context) -> None:
    """Each round, the owner disables user u{n} while two processes of two threads sign
    in as u{n} with the right password, at once: a sign-in is refused (401) or gives a
    token, and no token given works once the disabling is answered."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    for n in range(ROUNDS):
        new = users.NewUser(username=f"u{n}", password=PASSWORD, role=Role.FINANCE)
        users.create_user(context, owner, new)
    url, secret = context.database.url, SECRET.get_secret_value()
    change, *signing_in = race(
        3, conflict_race_workers.disable_or_sign_in_rounds, (url, secret, tenant)
    )
    assert change == [["ok"]] * ROUNDS
    for n in range(ROUNDS):
        for token in (token for process in signing_in for token in process[n]):
            if token.startswith("refused:"):
                assert token == "refused:unauthorized", (n, token)
                continue
            with pytest.raises(DomainError) as refused:
                sessions.authenticate(context, token)
            assert refused.value.code == "unauthorized"


@postgresql_only
def test_withdrawals_asked_while_the_rules_change_follow_the_rules_before_them(
    context: Context,
) -> None:
    """Each round, the owner saves other withdrawal rules (an auto-approval limit and a
    fee, then none and a stricter fee) while two processes of three threads ask for
    withdrawals, at once. Read in the order they were committed (the audit log's), each
    withdrawal was held or approved, and charged its fee, by the rules saved before it:
    a withdrawal committed after the owner's stricter rules were answered is never
    approved or charged by the ones they replaced."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    first = tenants.WithdrawalSettings(**conflict_race_workers.RULES[0])
    tenants.update_settings(context, owner, TenantSettings(withdrawals=first))
    pools.open_pool(context, owner, NewPool(id="main"))
    for n in range(3):
        member = f"w{n}"
        members.create_member(context, owner, NewMember(id=member))
        order = NewOrder(id=f"o-{member}", member=member, amount="5000.00", contribution="1500.00")
        orders.create_order(context, owner, order)
        orders.pay(context, owner, order.id)
        members.sell(context, owner, member, members.SellRequest(id=f"s-{member}", points="all"))
    url, secret = context.database.url, SECRET.get_secret_value()
    changes, *asked = race(3, conflict_race_workers.rules_or_withdraw_rounds, (url, secret, tenant))
    assert changes == ["ok"] * ROUNDS
    assert {answer for process in asked for answer in process} == {"ok"}
    a = t.audit_log.c
    statement = (
        select(a.action, a.after)
        .where(a.tenant_id == tenant, a.action.in_(["settings.update", "withdrawal.request"]))
        .order_by(a.audit_id)
    )
    log = query(context, lambda connection: [tuple(row) for row in connection.execute(statement)])
    rules, checked = first, 0
    for action, after in log:
        if action == "settings.update":
            rules = tenants.WithdrawalSettings(**after["withdrawals"])
            continue
        amount = Yuan(after["amount"]).minor
        expected = "approved" if amount <= Yuan(rules.auto_approve_limit).minor else "held"
        fee = format_minor(rules.fee(amount), 2)
        assert (after["status"], after["fee"]) == (expected, fee), (after, rules, log)
        checked += 1
    assert checked == 2 * 3 * ROUNDS
    _books(context, tenant)


def _gift_shop(context: Context, settings: dict[str, Any]) -> tuple[str, Principal]:
    """A new tenant with these distribution settings, pool main and the 1,000.00 gift
    (300.00 of it for distribution): the tenant and its owner."""
    from zengzhi.engine.config import DistributionConfig  # noqa: PLC0415
    from zengzhi.service import distribution  # noqa: PLC0415

    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    distribution.put_settings(context, owner, DistributionConfig.model_validate(settings))
    pools.open_pool(context, owner, NewPool(id="main"))
    gift = ProductIn(
        price="1000.00",
        cost="300.00",
        distribution="300.00",
        platform="100.00",
        contribution="300.00",
    )
    catalog.put_item(context, owner, "product", "gift", gift)
    return tenant, owner


@postgresql_only
def test_orders_paid_while_the_commission_rates_change_replay_as_applied(
    context: Context,
) -> None:
    """Each round, the owner saves other commission rates while two processes of three
    threads create and pay orders whose buyers have referrers, at once: every order is
    paid its commissions by the rates saved before it in the event log, so that the log
    replays to the very balances the commands wrote."""
    first = {"commission": {"rates": conflict_race_workers.RATES[0]}}
    tenant, owner = _gift_shop(context, first)
    for n in range(4):
        referrer = {"referrer": f"c{n - 1}"} if n else {}
        members.create_member(context, owner, NewMember(id=f"c{n}", **referrer))
    url, secret = context.database.url, SECRET.get_secret_value()
    changes, *bought = race(3, conflict_race_workers.rates_or_orders_rounds, (url, secret, tenant))
    assert changes == ["ok"] * ROUNDS
    assert {answer for process in bought for answer in process} == {"ok,ok"}
    _books(context, tenant)


def _deadlocks(context: Context) -> int:
    """The deadlocks PostgreSQL has found in the test's database (the racers' counts are
    reported when their connections close, before `race` returns)."""
    statement = "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
    return int(query(context, lambda connection: connection.exec_driver_sql(statement).scalar()))


def _events(context: Context, tenant: str) -> list[str]:
    e = t.events.c
    statement = select(e.event_id).where(e.tenant_id == tenant).order_by(e.seq)
    return query(context, lambda connection: list(connection.execute(statement).scalars()))


@postgresql_only
def test_an_order_reversed_while_its_member_withdraws_the_wallet_and_sells_the_rest(
    context: Context,
) -> None:
    """Each round, member v{n} sold half the points of its completed order and has the
    proceeds in its wallet: the console reverses the order while the member withdraws
    the whole wallet on the member page and the shop sells the other half through the
    API, each from two threads with one id, at once. The reversal applies; the
    withdrawal holds the whole wallet or is refused as more than the wallet (the
    reversal took it first), as is the sale; no wallet is below zero, and what the
    reversal could not take from the wallet is a debt no larger than what was paid."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="2"))
    wholes = []
    for n in range(ROUNDS):
        member = f"v{n}"
        members.create_member(context, owner, NewMember(id=member))
        order = NewOrder(id=f"o-{member}", member=member, amount="1000.00", contribution="300.00")
        orders.create_order(context, owner, order)
        orders.pay(context, owner, order.id)
        (held,) = _points(context, owner, member)
        half = str((Decimal(held) / 2).quantize(Decimal("0.0001")))
        members.sell(context, owner, member, members.SellRequest(id=f"half-{n}", points=half))
        wholes.append(wallets.wallet(context, owner, member).balance)
        assert Yuan(wholes[-1]).minor > 0
    url, secret = context.database.url, SECRET.get_secret_value()
    deadlocks = _deadlocks(context)
    reversal, withdrawal, sale = race(
        3, conflict_race_workers.reverse_or_withdraw_rounds, (url, secret, tenant)
    )
    # the withdrawal holds the member's row as no commit of the reversal's or the
    # sale's waits for (Members.steady): none of them deadlocked
    assert _deadlocks(context) == deadlocks
    kinds = _entries(context, tenant)
    for n in range(ROUNDS):
        said = {"reverse": reversal[n], "withdraw": withdrawal[n], "sell": sale[n]}
        assert reversal[n] == ["ok"], said
        for answers in (withdrawal[n], sale[n]):
            assert answers in (["ok", "ok"], ["insufficient", "insufficient"]), said
        assert kinds.count((f"sell:rest-{n}", "sale")) == (sale[n] == ["ok", "ok"])
        asked = wallets.list_withdrawals(context, owner, None, f"v{n}", 10, None)
        assert [one.amount for one in asked] == ([wholes[n]] if "ok" in withdrawal[n] else [])
        assert orders.get_order(context, owner, f"o-v{n}").status == "reversed"
    with context.database.read() as connection:
        assert wallets_below_zero(connection, tenant) == 0
    _books(context, tenant)


@postgresql_only
def test_an_ad_order_reversed_while_its_days_task_is_reported(context: Context) -> None:
    """Each round, member a{n}'s order of the ad zone is reversed while two processes
    report its ad task of the day from two threads each (the same task, proofs of their
    own), at once: the task releases at most once, and only before the reversal (whose
    claim it voids), never after it."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    zone = ZoneIn.model_validate({"modes": {"ads": {"ratio": "1", "backed": True}}})
    catalog.put_item(context, owner, "zone", "ads", zone)
    phone = ProductIn.model_validate(
        {"price": "999.00", "platform": "999.00", "zone": "ads", "modes": {"ads": "1"}}
    )
    catalog.put_item(context, owner, "product", "phone", phone)
    for n in range(ROUNDS):
        members.create_member(context, owner, NewMember(id=f"a{n}"))
        orders.create_order(context, owner, NewOrder(id=f"o-a{n}", member=f"a{n}", product="phone"))
        assert orders.pay(context, owner, f"o-a{n}").status == "completed"
    day = datetime.now(ZoneInfo(DEFAULT_TIMEZONE)).date().isoformat()  # the tenant's today
    url, secret = context.database.url, SECRET.get_secret_value()
    reversal, *reported = race(
        3, conflict_race_workers.reverse_or_task_rounds, (url, secret, tenant, day)
    )
    kinds, logged = _entries(context, tenant), _events(context, tenant)
    for n in range(ROUNDS):
        answers = [answer for process in reported for answer in process[n]]
        assert reversal[n] == ["ok"], reversal[n]
        assert set(answers) <= {"ok", "conflict", "invalid", "insufficient"}, answers
        task = f"task:ads:a{n}:{day}"
        released = kinds.count((task, "release"))
        assert released <= 1, (n, answers, kinds)
        if released:  # the task's event came before the reversal's, in the log's order
            assert logged.index(task) < logged.index(f"reverse:o-a{n}"), (n, logged)
    _books(context, tenant)


@postgresql_only
def test_one_income_id_with_two_bodies_at_once_books_one(context: Context) -> None:
    """Each round, three processes of two threads book the advertiser's income i{n}
    into the ad zone's reserve at once, two of them for 100.00 and one for 50.00 (the
    same id): one body is booked, once, every sender of it is answered as it, every
    sender of the other is refused as a conflict on the id."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    zone = ZoneIn.model_validate({"modes": {"ads": {"ratio": "1", "backed": True}}})
    catalog.put_item(context, owner, "zone", "ads", zone)
    url, secret = context.database.url, SECRET.get_secret_value()
    outcomes = race(3, conflict_race_workers.income_rounds, (url, secret, tenant))
    logged = _events(context, tenant)
    for n in range(ROUNDS):
        hundred = outcomes[0][n] + outcomes[1][n]
        assert (hundred, outcomes[2][n]) in (
            (["ok"] * 4, ["conflict"] * 2),
            (["conflict"] * 4, ["ok"] * 2),
        ), (n, outcomes)
        assert logged.count(f"income:i{n}") == 1
    _books(context, tenant)


@postgresql_only
def test_orders_reversed_while_contribution_is_converted(context: Context) -> None:
    """Each round (a tenant of its own), finance converts every member's contribution
    balance into cash (one id, from two threads) while two processes reverse four
    orders whose commissions were paid into contribution, at once: the conversion pays
    each balance once, the reversals apply once, and what a reversal takes back from a
    balance already converted is owed, never converted twice nor lost (the books'
    contribution reserve backs exactly the balances members hold)."""
    from zengzhi.engine.config import DistributionConfig  # noqa: PLC0415
    from zengzhi.service import distribution  # noqa: PLC0415

    rates = {
        "overflow": "platform",
        "commission": {"rates": ["0.2", "0.1"], "pay_in": "contribution"},
    }
    names = []
    for _ in range(3):
        tenant = new_tenant(context)
        owner = Principal(tenant, "user:owner", Role.OWNER)
        distribution.put_settings(context, owner, DistributionConfig.model_validate(rates))
        pools.open_pool(context, owner, NewPool(id="main"))
        members.create_member(context, owner, NewMember(id="top"))
        members.create_member(context, owner, NewMember(id="mid", referrer="top"))
        for n in range(5):
            members.create_member(context, owner, NewMember(id=f"b{n}", referrer="mid"))
            order = NewOrder(id=f"o{n}", member=f"b{n}", amount="1000.00", contribution="0.00")
            orders.create_order(context, owner, order)
            assert orders.pay(context, owner, order.id).status == "completed"
        names.append(tenant)
    url, secret = context.database.url, SECRET.get_secret_value()
    converted, *reversals = race(
        3, conflict_race_workers.convert_or_reverse_rounds, (url, secret, names)
    )
    for n, tenant in enumerate(names):
        assert converted[n] == ["ok", "ok"], converted[n]
        for process in reversals:
            assert process[n] == ["ok"] * 4, process[n]
        assert _events(context, tenant).count("conversion:v1") == 1
        _books(context, tenant)


@postgresql_only
def test_members_bound_while_their_referrers_members_are_moved(context: Context) -> None:
    """Each round, support moves every direct member of x{n} to y{n} while two processes
    of three threads bind new members to x{n}, at once: a member bound before the move
    (in the log's order) is moved with the others, one bound after it stays under x{n},
    and the log replays to the very referrers the commands wrote."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    for n in range(ROUNDS):
        for member in (f"x{n}", f"y{n}", f"old{n}"):
            referrer = {"referrer": f"x{n}"} if member.startswith("old") else {}
            members.create_member(context, owner, NewMember(id=member, **referrer))
        for process in (1, 2):
            for k in range(3):
                members.create_member(context, owner, NewMember(id=f"n{n}-{process}-{k}"))
    url, secret = context.database.url, SECRET.get_secret_value()
    deadlocks = _deadlocks(context)
    moved, *bound = race(3, conflict_race_workers.move_or_bind_rounds, (url, secret, tenant))
    # the move took the network's lock before x's row, as the bindings do: none waited
    # a second for PostgreSQL to find them deadlocked and run one again
    assert _deadlocks(context) == deadlocks
    assert moved == ["ok"] * ROUNDS
    assert {answer for process in bound for answer in process} == {"ok"}
    logged = _events(context, tenant)
    moves = [event for event in logged if event.startswith("reassign:")]
    for n in range(ROUNDS):
        at = logged.index(moves[n])
        for process in (1, 2):
            for k in range(3):
                member = f"n{n}-{process}-{k}"
                before = logged.index(f"bind:{member}:x{n}") < at
                now = members.get_member(context, owner, member).referrer
                assert now == (f"y{n}" if before else f"x{n}"), (n, member, now, logged)
        assert members.get_member(context, owner, f"old{n}").referrer == f"y{n}"
    _books(context, tenant)


@postgresql_only
def test_one_phone_asked_for_at_once_by_a_registration_and_two_changes(context: Context) -> None:
    """With one account a phone, each round a phone number (written three ways) is asked
    for at once by a new member's registration and by two members changing theirs to
    it, each from two threads: exactly one of the three gets it (both of its threads
    answered as the one request), the others are refused as a conflict on the phone."""
    from zengzhi.engine.config import DistributionConfig  # noqa: PLC0415
    from zengzhi.service import distribution  # noqa: PLC0415

    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    limits = {"limits": {"one_account_per_phone": True}}
    distribution.put_settings(context, owner, DistributionConfig.model_validate(limits))
    for n in range(ROUNDS):
        for process in (1, 2):
            members.create_member(context, owner, NewMember(id=f"e{n}-{process}"))
    url, secret = context.database.url, SECRET.get_secret_value()
    outcomes = race(3, conflict_race_workers.phone_rounds, (url, secret, tenant))
    for n in range(ROUNDS):
        said = [process[2 * n : 2 * n + 2] for process in outcomes]
        assert sorted(said) == [["conflict"] * 2] * 2 + [["ok"] * 2], (n, said)
        holders = [
            one
            for one in (f"fresh{n}", f"e{n}-1", f"e{n}-2")
            if (one != f"fresh{n}" or said[0] == ["ok"] * 2)
            and members.get_member(context, owner, one).phone is not None
        ]
        assert len(holders) == 1, (n, said, holders)


@postgresql_only
def test_orders_paid_in_a_region_while_its_agency_is_sold_replay_as_applied(
    context: Context,
) -> None:
    """Each round, the owner sells region r{n}'s province agency while two processes of
    three threads create and pay orders in that region, at once: an order after the
    sale in the log's order pays the new agent, one before it does not, so that the log
    replays to the very balances the commands wrote."""
    agents = {"agents": {"mode": "flat", "rates": {"province": "0.01"}}}
    tenant, owner = _gift_shop(context, agents)
    members.create_member(context, owner, NewMember(id="buyer"))
    for n in range(ROUNDS):
        members.create_member(context, owner, NewMember(id=f"ag{n}"))
    url, secret = context.database.url, SECRET.get_secret_value()
    sold, *bought = race(3, conflict_race_workers.agent_or_orders_rounds, (url, secret, tenant))
    assert sold == ["ok"] * ROUNDS
    assert {answer for process in bought for answer in process} == {"ok,ok"}
    _books(context, tenant)


@postgresql_only
def test_withdrawals_asked_as_the_real_name_is_taken_back_come_before_it(
    context: Context,
) -> None:
    """With a verified real name required, each round the owner takes member u{n}'s
    verification back while two processes of three threads ask for its withdrawals, at
    once: a withdrawal is held before the change (in the audit log's order) or refused
    as needing the real name (403), never held after it."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    rules = tenants.WithdrawalSettings(require_real_name=True)
    tenants.update_settings(context, owner, TenantSettings(withdrawals=rules))
    pools.open_pool(context, owner, NewPool(id="main"))
    for n in range(ROUNDS):
        member = f"u{n}"
        members.create_member(context, owner, NewMember(id=member, real_name_verified=True))
        order = NewOrder(id=f"o-{member}", member=member, amount="1000.00", contribution="300.00")
        orders.create_order(context, owner, order)
        orders.pay(context, owner, order.id)
        members.sell(context, owner, member, members.SellRequest(id=f"s-{member}", points="all"))
    url, secret = context.database.url, SECRET.get_secret_value()
    changes, *asked = race(
        3, conflict_race_workers.unverify_or_withdraw_rounds, (url, secret, tenant)
    )
    assert changes == ["ok"] * ROUNDS
    assert {answer for process in asked for answer in process} <= {"ok", "forbidden"}
    a = t.audit_log.c
    statement = (
        select(a.action, a.target)
        .where(a.tenant_id == tenant, a.action.in_(["member.change", "withdrawal.request"]))
        .order_by(a.audit_id)
    )
    log = query(context, lambda connection: [tuple(row) for row in connection.execute(statement)])
    for n in range(ROUNDS):
        said = [answer for process in asked for answer in process[3 * n : 3 * n + 3]]
        mine = [
            action
            for action, target in log
            if target == f"member:u{n}" or target.startswith(f"withdrawal:w{n}-")
        ]
        changed = mine.index("member.change")
        assert "withdrawal.request" not in mine[changed:], (n, said, mine)
        assert mine.count("withdrawal.request") == said.count("ok"), (n, said, mine)


def _withdrawing(
    context: Context, owner: Principal, member: str, withdrawal: str, amount: str | None = None
) -> None:
    """`member` bought 1,000.00 (o-{member}), sold all its points and asked to withdraw
    `amount` (the whole wallet if None), held as `withdrawal`."""
    order = NewOrder(id=f"o-{member}", member=member, amount="1000.00", contribution="300.00")
    orders.create_order(context, owner, order)
    orders.pay(context, owner, order.id)
    members.sell(context, owner, member, members.SellRequest(id=f"s-{member}", points="all"))
    whole = amount or wallets.wallet(context, owner, member).balance
    asked = wallets.WithdrawalRequest(id=withdrawal, amount=whole)
    assert wallets.request_withdrawal(context, owner, member, asked)["status"] == "held"


def _in_order(context: Context, tenant: str, actions: list[str]) -> list[tuple[str, str]]:
    """The tenant's audit records of `actions`, (action, target), in the log's order."""
    a = t.audit_log.c
    statement = (
        select(a.action, a.target)
        .where(a.tenant_id == tenant, a.action.in_(actions))
        .order_by(a.audit_id)
    )
    return query(context, lambda connection: [tuple(row) for row in connection.execute(statement)])


@postgresql_only
def test_a_withdrawal_approved_as_the_real_name_is_taken_back_comes_before_it(
    context: Context,
) -> None:
    """With payees required, each round the owner takes member u{n}'s verification back
    while finance approves its held withdrawal from two processes of three threads, at
    once: the withdrawal is approved before the change (in the audit log's order) or
    refused as needing the verified real name (409), never approved after it."""
    from zengzhi.service import payees  # noqa: PLC0415

    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    rules = tenants.WithdrawalSettings(require_payee=True)
    tenants.update_settings(context, owner, TenantSettings(withdrawals=rules))
    pools.open_pool(context, owner, NewPool(id="main"))
    payee = payees.PayeeIn(method="alipay", real_name="张三丰", account="13812345678")
    for n in range(ROUNDS):
        member = f"u{n}"
        members.create_member(context, owner, NewMember(id=member, real_name_verified=True))
        payees.set_payee(context, owner, member, payee)
        _withdrawing(context, owner, member, f"w{n}", "10.00")
    url, secret = context.database.url, SECRET.get_secret_value()
    changes, *approvals = race(
        3, conflict_race_workers.unverify_or_approve_rounds, (url, secret, tenant)
    )
    assert changes == ["ok"] * ROUNDS
    log = _in_order(context, tenant, ["member.change", "withdrawal.approved"])
    for n in range(ROUNDS):
        said = [answer for process in approvals for answer in process[3 * n : 3 * n + 3]]
        assert set(said) <= {"ok", "conflict"}, (n, said)
        mine = [action for action, target in log if target in (f"member:u{n}", f"withdrawal:w{n}")]
        status = wallets.get_withdrawal(context, owner, f"w{n}").status
        assert mine in (
            ["withdrawal.approved", "member.change"],
            ["member.change"],
        ), (n, said, mine)
        assert status == ("approved" if "withdrawal.approved" in mine else "held"), (n, status)
        assert ("ok" in said) == (status == "approved"), (n, said, status)
    _books(context, tenant)


@postgresql_only
def test_a_withdrawal_approved_as_its_members_order_is_reversed_comes_before_it(
    context: Context,
) -> None:
    """Each round, member d{n} sold its order's points and asked to withdraw the whole
    wallet; the console reverses the order while finance approves the withdrawal from
    two processes of three threads, at once. The approval comes before the reversal (in
    the audit log's order) or is refused as the member owes what the reversal could not
    take back (409), never after it: the approval read no debt row, which locked
    nothing for a member who had never owed (the races' attack, 2026-12-07)."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="2"))
    for n in range(ROUNDS * 2):
        member = f"d{n}"
        members.create_member(context, owner, NewMember(id=member))
        _withdrawing(context, owner, member, f"w{n}")
    url, secret = context.database.url, SECRET.get_secret_value()
    reversals, *approvals = race(
        3, conflict_race_workers.reverse_or_approve_rounds, (url, secret, tenant)
    )
    assert reversals == ["ok"] * ROUNDS * 2
    log = _in_order(context, tenant, ["order.reversed", "withdrawal.approved"])
    for n in range(ROUNDS * 2):
        said = [answer for process in approvals for answer in process[3 * n : 3 * n + 3]]
        assert set(said) <= {"ok", "conflict"}, (n, said)
        mine = [action for action, target in log if target in (f"order:o-d{n}", f"withdrawal:w{n}")]
        assert mine in (["withdrawal.approved", "order.reversed"], ["order.reversed"]), (n, said)
        status = wallets.get_withdrawal(context, owner, f"w{n}").status
        assert ("ok" in said) == (status == "approved") == ("withdrawal.approved" in mine)
    _books(context, tenant)


@postgresql_only
def test_one_owners_commands_at_once_do_not_deadlock(context: Context) -> None:
    """One owner's session adds API keys and users from four threads of two processes
    at once. Each command reads the session and the owner's row again `FOR SHARE` (the
    proof: base._proven), then read the owner's row again `FOR UPDATE` (users._acting):
    two such commands each held the share the other's update waited for, and a burst
    deadlocked again at every retry, answering 500 (the races' attack, 2026-12-07).
    All are made, and PostgreSQL found no deadlock."""
    tenant = new_tenant(context)
    token = sessions.login(
        context, sessions.Login(tenant=tenant, username="owner", password=PASSWORD)
    ).token
    url, secret = context.database.url, SECRET.get_secret_value()
    deadlocks = _deadlocks(context)
    said = race(2, conflict_race_workers.one_owners_commands, (url, secret, tenant, token))
    assert said == [["ok"] * 8] * 2
    owner = Principal(tenant, "user:owner", Role.OWNER)
    made = {f"p{number}t{thread}" for number in range(2) for thread in range(4)}
    assert {key.name for key in users.list_api_keys(context, owner)} >= made
    assert {user.username for user in users.list_users(context, owner)} >= made
    assert _deadlocks(context) == deadlocks


@postgresql_only
def test_one_tenant_or_user_created_at_once_from_every_process_is_created_once(
    context: Context,
) -> None:
    """Each round, three processes of two threads create one tenant id at once (each
    naming its own owner), then one username in an existing tenant (each with its own
    role), each process spelling the names in a case of its own (one name in any case,
    migration 0033): one of the six creates it, the other five are refused as a
    conflict on the id (409), never an error of ours (500); the tenant's owner and the
    user's role are the creator's, and the name is kept as the creator spelt it."""
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    url, secret = context.database.url, SECRET.get_secret_value()
    rounds = 2
    outcomes = race(3, conflict_race_workers.tenant_and_user_rounds, (url, secret, tenant, rounds))
    spellings = conflict_race_workers.SPELLINGS
    for n in range(rounds):
        made = [process[4 * n : 4 * n + 2] for process in outcomes]
        added = [process[4 * n + 2 : 4 * n + 4] for process in outcomes]
        for answers in (made, added):
            flat = sorted(answer for process in answers for answer in process)
            assert flat == ["conflict"] * 5 + ["ok"], (n, made, added)
        creator = next(k for k, answers in enumerate(made) if "ok" in answers)
        made_id = spellings[creator](f"{tenant}-{n}")
        boss = Principal(made_id, f"user:boss{creator}", Role.OWNER)
        assert [user.username for user in users.list_users(context, boss)] == [f"boss{creator}"]
        adder = next(k for k, answers in enumerate(added) if "ok" in answers)
        role = [Role.FINANCE, Role.SUPPORT, Role.OPERATOR][adder]
        listed = {user.username: user.role for user in users.list_users(context, owner)}
        same = {name: role for name, role in listed.items() if name.lower() == f"user{n}"}
        assert same == {spellings[adder](f"user{n}"): role}, (n, listed, added)
