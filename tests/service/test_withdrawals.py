"""Wallets and withdrawals: held at request, then paid or returned; never spent twice."""

from __future__ import annotations

from sqlalchemy import select

from tests.service.conftest import Api
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.base import Context, request_hash
from zengzhi.store import tables as t


def a_member_with_money(api: Api, member: str = "m1") -> str:
    """m1 exits at 2× and has 1600.00 in the wallet."""
    api.pool(exit_multiple="2")
    api.member(member)
    api.completed_order("o1", member)
    api.ok(api.post("/v1/pools/main/subsidies", {"id": "x1", "amount": "1700.00"}))
    return str(api.ok(api.get(f"/v1/members/{member}/wallet"))["balance"])


def test_request_approve_pay(api: Api, context: Context) -> None:
    assert a_member_with_money(api) == "1600.00"
    api.ok(
        api.put("/v1/tenant/settings", {"withdrawals": {"fee_rate": "0.006", "fee_fixed": "1.00"}})
    )
    asked = api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "1000.00"}))
    assert (asked["status"], asked["fee"], asked["payout"]) == ("held", "7.00", "993.00")
    assert api.ok(api.get("/v1/members/m1/wallet")) == {
        "member": "m1",
        "balance": "600.00",
        "withdrawing": "1000.00",
        "debt": "0.00",
        "contribution": "0.00",
        "contribution_debt": "0.00",
    }
    finance = api.as_role("finance")
    queue = api.ok(api.get("/v1/withdrawals", token=finance, status="held"))
    assert [w["id"] for w in queue] == ["w1"]
    assert api.post("/v1/withdrawals/w1/paid", token=finance).status_code == 409  # approve first
    approved = api.ok(api.post("/v1/withdrawals/w1/approve", token=finance))
    assert approved["status"] == "approved" and approved["decided_by"].startswith("user:finance")
    paid = api.ok(api.post("/v1/withdrawals/w1/paid", token=finance))
    assert paid["status"] == "paid"
    assert api.ok(api.get("/v1/members/m1/wallet"))["withdrawing"] == "0.00"
    assert api.ok(api.post("/v1/withdrawals/w1/paid", token=finance))["status"] == "paid"
    with context.database.read() as connection:
        assert check_ledger(connection, api.tenant) == []
        assert check_replay(connection, api.tenant) == []


def test_a_rejection_returns_the_hold(api: Api) -> None:
    a_member_with_money(api)
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "1600.00"}))
    rejected = api.ok(api.post("/v1/withdrawals/w1/reject", {"reason": "bank details wrong"}))
    assert (rejected["status"], rejected["note"]) == ("rejected", "bank details wrong")
    assert api.ok(api.get("/v1/members/m1/wallet"))["balance"] == "1600.00"
    assert api.post("/v1/withdrawals/w1/approve").status_code == 409


def test_money_cannot_be_withdrawn_twice(api: Api) -> None:
    a_member_with_money(api)
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "1000.00"}))
    again = api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "1000.00"}))
    assert again["id"] == "w1"  # the same request: the first answer
    refused = api.post("/v1/members/m1/withdrawals", {"id": "w2", "amount": "600.01"})
    assert refused.status_code == 422
    assert refused.json() == {
        "code": "insufficient",
        "field": "amount",
        "message": "cannot withdraw 600.01: the wallet holds 600.00",
    }
    assert api.ok(api.get("/v1/members/m1/wallet"))["balance"] == "600.00"


def test_settings_minimum_auto_approval_and_real_name(api: Api) -> None:
    a_member_with_money(api)
    api.ok(
        api.put(
            "/v1/tenant/settings",
            {
                "withdrawals": {
                    "minimum": "10.00",
                    "auto_approve_limit": "100.00",
                    "require_real_name": True,
                }
            },
        )
    )
    small = api.post("/v1/members/m1/withdrawals", {"id": "w0", "amount": "50.00"})
    assert small.status_code == 403 and small.json()["field"] == "member"  # real name first
    api.ok(api.patch("/v1/members/m1", {"real_name_verified": True}))
    small = api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "9.99"})
    assert small.status_code == 422
    assert small.json()["message"] == "the smallest withdrawal is 10.00"
    auto = api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w2", "amount": "100.00"}))
    assert (auto["status"], auto["decided_by"]) == ("approved", "auto")
    manual = api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w3", "amount": "100.01"}))
    assert manual["status"] == "held"
    bad = api.put("/v1/tenant/settings", {"withdrawals": {"fee_rate": "1"}})
    assert bad.status_code == 422 and bad.json()["field"] == "withdrawals.fee_rate"


def test_a_withdrawal_is_refused_when_its_fee_rose_past_what_was_quoted(api: Api) -> None:
    """`max_fee`, the quoted fee: a fee raised meanwhile refuses the withdrawal (409,
    naming it) and holds nothing; bad values are refused naming it, and a repeat of the
    request applies once."""
    a_member_with_money(api)
    api.ok(api.put("/v1/tenant/settings", {"withdrawals": {"fee_rate": "0.01"}}))
    asked = {"id": "w1", "amount": "100.00", "max_fee": "0.50"}
    refused = api.post("/v1/members/m1/withdrawals", asked)
    assert (refused.status_code, refused.json()["field"]) == (409, "max_fee")
    assert (
        refused.json()["message"]
        == "the fee would now be 1.00, more than 0.50: ask for a new quote"
    )
    assert api.ok(api.get("/v1/members/m1/wallet"))["withdrawing"] == "0.00"
    # more than the wallet holds: said first, as the quote says it (a new quote would not
    # help; it was answered "ask for a new quote", and the new quote refused it)
    short = api.post("/v1/members/m1/withdrawals", asked | {"amount": "1600.01"})
    assert short.json() == {
        "code": "insufficient",
        "message": "cannot withdraw 1600.01: the wallet holds 1600.00",
        "field": "amount",
    }
    for bad in ("1e3", "１", "-1", "0.001", "NaN"):
        wrong = api.post("/v1/members/m1/withdrawals", asked | {"max_fee": bad})
        assert (wrong.status_code, wrong.json()["field"]) == (422, "max_fee"), bad
    made = api.post("/v1/members/m1/withdrawals", asked | {"max_fee": "1.00"})
    assert made.status_code == 201 and made.json()["fee"] == "1.00"
    again = api.post("/v1/members/m1/withdrawals", asked | {"max_fee": "1.00"})
    assert again.status_code == 200 and again.json() == made.json()
    assert api.ok(api.get("/v1/members/m1/wallet"))["withdrawing"] == "100.00"


def test_requests_from_before_the_quote_guards_are_answered_again(
    api: Api, context: Context
) -> None:
    """A sale or a withdrawal without `min_payout` / `max_fee` is kept under the hash of
    the body it had before those fields were added (written here as that release
    wrote it): sent again across the upgrade, it is answered its first answer, not
    refused as another request with the same id."""
    a_member_with_money(api)
    api.member("m2")
    api.completed_order("o2", "m2")
    sold = api.post("/v1/members/m2/sell", {"id": "s1", "points": "10"})
    withdrew = api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "10.00"})
    assert (sold.status_code, withdrew.status_code) == (200, 201)
    before = {  # the bodies as the release before kept them
        "s1": {"kind": "sell", "member": "m2", "id": "s1", "pool": "main", "points": "10"},
        "w1": {"kind": "withdraw", "member": "m1", "id": "w1", "amount": "10"},
    }
    with context.database.read() as connection:
        c = t.commands.c
        kept = dict(
            connection.execute(
                select(c.command_id, c.request_hash).where(
                    c.tenant_id == api.tenant, c.command_id.in_(before)
                )
            ).all()
        )
    assert kept == {key: request_hash(body) for key, body in before.items()}
    again = api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "10.00"})
    assert again.status_code == 200 and again.json() == withdrew.json()
