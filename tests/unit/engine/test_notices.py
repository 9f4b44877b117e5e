"""Webhook notices derived from an event and its entries: one table of types, nothing
dropped, the member each concerns."""

from __future__ import annotations

import json

from tests.conftest import Tenant
from zengzhi.core.events import CompleteOrder, Configure, Join, OrderLine, Sell, Subsidy
from zengzhi.core.ledger import entry
from zengzhi.engine import notices as n
from zengzhi.engine.wire import to_line


def wire(event: object) -> dict[str, object]:
    return dict(json.loads(to_line(event)))  # type: ignore[arg-type]


def test_each_entry_of_an_order_is_a_notice_typed_by_its_kind(tenant: Tenant) -> None:
    tenant.order("m1", "1000.00", "300.00", order_id="o1")
    event = CompleteOrder("o2", "m2", (OrderLine(100_000, 30_000, "main", platform=70_000),))
    out = n.notices(wire(event), 7, tenant.apply(event))
    assert [one.type for one in out] == ["order.completed", "points.minted"]
    assert [one.members for one in out] == [("m2",), ("m2",)]
    minted = out[1].data
    assert minted["cause"] == {"id": "o2", "type": "order", "seq": 7}
    assert {"account": "member:m2:points:main", "asset": "PTS:main", "amount": "147.0000"} in (
        minted["entry"]["postings"]
    )


def test_sales_exits_and_subsidies(tenant: Tenant) -> None:
    tenant.apply(Configure("c", "main", {"exit_multiple": "2"}))
    tenant.order("m1", "1000.00", "300.00")
    subsidy = Subsidy("x1", "main", 170_000)
    out = n.notices(wire(subsidy), 3, tenant.apply(subsidy))
    assert [(one.type, one.members) for one in out] == [("subsidy", ()), ("exit", ("m1",))]
    assert out[1].data["entry"]["params"]["payout"] == "1600.00"
    tenant.order("m2", "1000.00", "300.00")
    sale = Sell("s1", "m2", "main", None)
    [sold] = n.notices(wire(sale), 4, tenant.apply(sale))
    assert (sold.type, sold.members) == ("sale", ("m2",))


def test_an_event_that_posts_nothing_is_one_notice_of_its_own() -> None:
    [joined] = n.notices(wire(Join("join:m1", "m1", "m0")), 1, [])
    assert (joined.type, joined.members) == ("member.joined", ("m1",))
    assert joined.data["event"]["referrer"] == "m0"
    assert n.event_type("something_new") == "event.something_new"


def test_unknown_kinds_are_kept_under_a_generic_type() -> None:
    """A companion mode's entries are announced before anyone maps them."""
    one = entry(
        "job:release:2026-11-21",
        "green_release",
        "green",
        [("platform:green", "CNY", -500), ("member:m9:wallet", "CNY", 500)],
        {"rate": "0.01"},
    )
    [out] = n.notices({"id": "job:release", "type": "release_job"}, 9, [one])
    assert out.type == "ledger.green_release"
    assert out.members == ("m9",)
    assert n.entry_type("release") == "release"
    assert n.entry_type("queue_payment") == "queue.payment"


def test_members_of_accounts() -> None:
    assert n.member_of("member:u42:wallet") == "u42"
    assert n.member_of("member:shop:7:points:main") == "shop:7"
    assert n.member_of("member:a:b:debt") == "a:b"
    assert n.member_of("pool:main") is None
    assert n.member_of("platform:profit") is None


def test_subscription_patterns() -> None:
    assert n.wants(["*"], "anything.at.all")
    assert n.wants(["withdrawal.*"], "withdrawal.paid")
    assert not n.wants(["withdrawal.*"], "withdrawals.paid")
    assert not n.wants(["withdrawal.*"], "withdrawal")
    assert n.wants(["exit", "sale"], "sale")
    assert not n.wants(["order.completed"], "order.reversed")
