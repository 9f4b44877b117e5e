"""Spec 04 (the platform) statements checked through the HTTP API, with the figures worked
out by hand from the spec's words. The file:line in each docstring is the statement in
/work/shared/spec."""

from __future__ import annotations

from tests.service.conftest import Api
from tests.service.test_withdrawals import a_member_with_money


def test_a_withdrawal_fee_rounds_so_that_the_payout_rounds_down(api: Api) -> None:
    """04:14-16 (payouts round down) with 04:61 (a withdrawal's fee): 100.01 at a 0.6% fee
    is 0.60006 of fee; the payout is floor2(100.01 × 0.994) = floor2(99.40994) = 99.40,
    so the fee is 0.61, in the quote the member sees and in the request alike."""
    a_member_with_money(api)
    api.ok(api.put("/v1/tenant/settings", {"withdrawals": {"fee_rate": "0.006"}}))
    asked = api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "100.01"}))
    assert (asked["fee"], asked["payout"]) == ("0.61", "99.40")
    exact = api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w2", "amount": "100.00"}))
    assert (exact["fee"], exact["payout"]) == ("0.60", "99.40")  # a whole fen: no rounding


def test_withdrawing_exactly_the_balance_and_the_minimum(api: Api) -> None:
    """04:60-63: the whole 1600.00 may be held (nothing left); a fen more is refused naming
    `amount`; a withdrawal of exactly the minimum is taken."""
    a_member_with_money(api)
    api.ok(api.put("/v1/tenant/settings", {"withdrawals": {"minimum": "1600.00"}}))
    more = api.post("/v1/members/m1/withdrawals", {"id": "w0", "amount": "1600.01"})
    assert more.status_code == 422 and more.json()["field"] == "amount"
    held = api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "1600.00"}))
    assert held["status"] == "held"
    wallet = api.ok(api.get("/v1/members/m1/wallet"))
    assert (wallet["balance"], wallet["withdrawing"]) == ("0.00", "1600.00")


def test_an_orders_currency_is_yuan_or_refused_naming_the_field(api: Api) -> None:
    """04:54-56: bad input — a wrong currency among it — gets a clear error naming the
    field and changes nothing. An order that says `"currency": "CNY"` (the yuan its amounts
    are in) is taken, and is the same content as the same order without it; "USD" is
    refused naming `currency`."""
    api.pool()
    api.member("m1")
    body = {"id": "o1", "member": "m1", "amount": "10.00", "contribution": "3.00"}
    wrong = api.post("/v1/orders", {**body, "currency": "USD"})
    assert wrong.status_code == 422 and wrong.json()["field"] == "currency"
    assert api.get("/v1/orders/o1").status_code == 404
    made = api.post("/v1/orders", {**body, "currency": "CNY"})
    assert made.status_code == 201, made.text
    assert api.post("/v1/orders", body).status_code == 200  # the same order


def test_the_same_order_again_after_it_completed_changes_nothing(api: Api) -> None:
    """04:48-50 with docs/service.md's reading: the same order sent again after it was
    paid (completed at once) answers 200 with that order as it stands, and changes
    nothing: the pool still holds one order's 300.00 and 210.0000 points."""
    api.pool()
    api.member("m1")
    body = {"id": "o1", "member": "m1", "amount": "1000.00", "contribution": "300.00"}
    first = api.post("/v1/orders", body)
    assert first.status_code == 201
    api.ok(api.post("/v1/orders/o1/pay"))
    again = api.post("/v1/orders", {**body, "amount": "1000"})
    assert again.status_code == 200
    assert (again.json()["id"], again.json()["status"]) == ("o1", "completed")
    assert again.json()["lines"] == first.json()["lines"]
    pool = api.ok(api.get("/v1/pools/main"))
    assert (pool["balance"], pool["points"]) == ("300.00", "210.0000")
