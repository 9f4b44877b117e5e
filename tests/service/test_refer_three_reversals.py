"""Refer three, refund one (spec 03 A) reversed through the HTTP API, on SQLite and
PostgreSQL: whichever purchase of a pair is reversed, and in whichever order two are,
the referrer ends as docs/modes.md ("A. Refer three") says, and after each run the
books hold as tests/service/test_hidden_scenarios.py checks them (the ledger balances
and replays to the tables, reversed orders promise nothing, debts, what the API shows).

The cases 66f594b and 23acdaa left: `base = "order"`, a package bought again at another
price, and a referee who bought when the rounds were over."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.service.conftest import Api
from tests.service.test_hidden_scenarios import books_hold, wallet
from tests.service.test_modes import buy, product, zone
from zengzhi.service.base import Context

MEMBERS = ["A", "B", "C", "D", "E", "F"]


def _gifts(api: Api, **settings: Any) -> None:
    zone(api, "gifts", {"refer_three": {"funding": "1"} | settings})
    for name, price in (("package", "1000.00"), ("half", "500.00"), ("small", "300.00")):
        product(api, name, price, "gifts")
    api.member("A")
    for name in MEMBERS[1:]:
        api.member(name, referrer="A")


def _gained(api: Api, member: str = "A") -> Decimal:
    """Refunds paid (in the wallet, less any debt) and still owed."""
    shown = wallet(api, member)
    owed = sum(Decimal(held["owed"]) for held in api.ok(api.get(f"/v1/members/{member}/modes")))
    return Decimal(shown["balance"]) - Decimal(shown["debt"]) + owed


@pytest.mark.parametrize(("first", "left"), [("oB1", "50.00"), ("oB2", "30.00")])
def test_with_base_order_the_purchase_left_holds_the_place_at_its_own_amount(
    api: Api, context: Context, first: str, left: str
) -> None:
    """base = "order": B buys 300, then 500, and counts once (10% of 300 to A). The 300
    reversed, the 500 holds the place as if it had been the first (50); the 500
    reversed, the 30 stands. Both reversed, D takes the first place (10% of 1000)."""
    _gifts(api, base="order")
    for order, member, item in (
        ("oA", "A", "package"),
        ("oB1", "B", "small"),
        ("oB2", "B", "half"),
    ):
        buy(api, order, member, item)
    assert _gained(api) == Decimal("30.00")
    api.ok(api.post(f"/v1/orders/{first}/reverse"))
    assert _gained(api) == Decimal(left)
    books_hold(api, context, MEMBERS)
    api.ok(api.post(f"/v1/orders/{'oB2' if first == 'oB1' else 'oB1'}/reverse"))
    assert _gained(api) == Decimal("0.00")
    buy(api, "oD", "D", "package")
    assert wallet(api, "A")["balance"] == "100.00"
    books_hold(api, context, MEMBERS)


@pytest.mark.parametrize(
    ("first", "after_b", "after_c"), [("oA1", "50", "150"), ("oA2", "100", "300")]
)
def test_a_package_bought_again_at_another_price_keeps_the_status_at_that_price(
    api: Api, context: Context, first: str, after_b: str, after_c: str
) -> None:
    """A buys the 1000 package, then the 500 one; B's referral refunds 100. The 1000
    reversed, A still holds a package, at 500, as if the 1000 had never been bought: B's
    refund is 50 (the 100 taken back, 50 owed) and C's 100. The 500 reversed instead,
    nothing changes: C's refund is 200. Both reversed, D's referral pays nothing."""
    _gifts(api)
    for order, member, item in (
        ("oA1", "A", "package"),
        ("oA2", "A", "half"),
        ("oB", "B", "package"),
    ):
        buy(api, order, member, item)
    assert _gained(api) == Decimal("100.00")
    api.ok(api.post(f"/v1/orders/{first}/reverse"))
    assert _gained(api) == Decimal(after_b)
    buy(api, "oC", "C", "package")
    assert _gained(api) == Decimal(after_c)
    books_hold(api, context, MEMBERS)
    api.ok(api.post(f"/v1/orders/{'oA2' if first == 'oA1' else 'oA1'}/reverse"))
    assert _gained(api) == Decimal("0.00")
    buy(api, "oD", "D", "package")
    assert _gained(api) == Decimal("0.00")
    books_hold(api, context, MEMBERS)


def test_a_place_freed_after_the_rounds_goes_to_the_referee_who_waited(
    api: Api, context: Context
) -> None:
    """One round: B, C, D refund 100, 200, 700; E buys when the rounds are over. C's
    purchase reversed, E takes C's place (200, owed, paid with the next purchase in the
    zone); F's purchase after it finds the rounds over. E's purchase reversed too, the
    place is free again and F, who waited, takes it."""
    _gifts(api, rounds=1)
    for name in "ABCDE":
        buy(api, f"o{name}", name, "package")
    assert wallet(api, "A")["balance"] == "1000.00"
    api.ok(api.post("/v1/orders/oC/reverse"))
    assert _gained(api) == Decimal("1000.00")
    buy(api, "oF", "F", "package")
    assert wallet(api, "A")["balance"] == "1000.00"
    books_hold(api, context, MEMBERS)
    api.ok(api.post("/v1/orders/oE/reverse"))
    assert _gained(api) == Decimal("1000.00")  # F's 200 in E's stead
    books_hold(api, context, MEMBERS)
