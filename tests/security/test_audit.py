"""Issue 15, item 5: every manual operation is in the audit log, with who and why: the
owner's and the integrator's orders (each step), binds, sales for a member, withdrawal
requests for a member, member page tokens, the gateway's payments, and a rejection's
reason."""

from __future__ import annotations

from typing import Any

from tests.service.conftest import Api, Clock
from tests.service.test_payments import an_order, gateway, notify


def log(api: Api, limit: int = 200) -> list[dict[str, Any]]:
    return list(reversed(api.ok(api.get("/v1/audit-log", limit=limit))))


def actions(api: Api, actor: str) -> list[tuple[str, str | None]]:
    return [(row["action"], row["target"]) for row in log(api) if row["actor"] == actor]


def test_the_integrators_and_the_owners_work_is_in_the_log(api: Api) -> None:
    key = api.ok(api.post("/v1/api-keys", {"name": "shop"}))
    shop = f"key:{key['key_id']}"
    api.pool()
    for member in ("a", "b"):
        api.ok(api.post("/v1/members", {"id": member}, token=key["token"]))
    api.ok(api.post("/v1/members/b/bind", {"referrer": "a"}, token=key["token"]))
    order = {"id": "o1", "member": "b", "amount": "100.00", "contribution": "30.00"}
    api.ok(api.post("/v1/orders", order, token=key["token"]))
    api.ok(api.post("/v1/orders/o1/pay", token=key["token"]))
    api.ok(api.post("/v1/members/b/sell", {"id": "s1", "points": "1"}, token=key["token"]))
    assert actions(api, shop) == [
        ("member.create", "member:a"),
        ("member.create", "member:b"),
        ("member.bind", "member:b"),
        ("order.create", "order:o1"),
        ("order.paid", "order:o1"),
        ("member.sell", "member:b"),
    ]
    # the owner pays, reverses, sells and withdraws for a member, issues a page token
    api.ok(api.post("/v1/orders", {**order, "id": "o2"}))
    api.ok(api.post("/v1/orders/o2/pay"))
    api.ok(api.post("/v1/orders/o2/reverse"))
    api.ok(api.post("/v1/members/b/sell", {"id": "s2", "points": "1"}))
    api.ok(api.post("/v1/members/b/withdrawals", {"id": "w1", "amount": "1.00"}))
    api.ok(api.post("/v1/members/b/page-token"))
    owner = [row for row in log(api) if row["actor"] == "user:owner"]
    assert [(row["action"], row["target"]) for row in owner][-6:] == [
        ("order.create", "order:o2"),
        ("order.paid", "order:o2"),
        ("order.reversed", "order:o2"),
        ("member.sell", "member:b"),
        ("withdrawal.request", "withdrawal:w1"),
        ("member.page_token", "member:b"),
    ]
    reversed_ = next(row for row in owner if row["action"] == "order.reversed")
    # whose and how much on both sides: the status is what changed
    assert reversed_["before"] == {"status": "completed", "member": "b", "amount": "100.00"}
    assert reversed_["after"]["status"] == "reversed" and reversed_["after"]["amount"] == "100.00"
    sale = next(row for row in owner if row["action"] == "member.sell")
    assert sale["after"]["points"] == "1.0000" and sale["after"]["payout"]
    request = next(row for row in owner if row["action"] == "withdrawal.request")
    assert request["after"]["amount"] == "1.00" and request["after"]["member"] == "b"


def test_a_repeated_request_is_not_logged_twice(api: Api) -> None:
    api.pool()
    api.member("m1")
    api.completed_order("o1", "m1")
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "all"}))
    body = {"id": "w1", "amount": "1.00"}
    api.ok(api.post("/v1/members/m1/withdrawals", body))
    api.ok(api.post("/v1/members/m1/withdrawals", body))
    api.ok(api.post("/v1/orders/o1/pay"))  # steps taken already
    api.ok(api.post("/v1/orders/o1/complete"))
    assert [a for a, _ in actions(api, "user:owner")].count("withdrawal.request") == 1
    done = [a for a, _ in actions(api, "user:owner")]
    assert done.count("order.paid") == 1 and "order.completed" not in done  # paid: completed


def test_a_rejections_reason_is_in_its_audit_record(api: Api) -> None:
    api.pool()
    api.member("m1")
    api.completed_order("o1", "m1")
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "all"}))
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "10.00"}))
    finance = api.as_role("finance")
    api.ok(api.post("/v1/withdrawals/w1/reject", {"reason": "account name mismatch"}, finance))
    [row] = [r for r in log(api) if r["action"] == "withdrawal.rejected"]
    assert row["reason"] == "account name mismatch"
    assert row["actor"].startswith("user:finance-")
    assert (row["before"]["status"], row["after"]["status"]) == ("held", "rejected")


def test_the_gateways_payment_is_in_the_log(api: Api, clock: Clock) -> None:
    secret = gateway(api)
    an_order(api)
    paid = {"id": "n7", "type": "payment.succeeded", "order": "A1", "amount": "1000.00"}
    assert notify(api, secret, clock, paid).status_code == 200
    assert ("order.paid", "order:A1") in actions(api, "gateway:n7")


def test_page_tokens_and_their_revocation_are_logged(api: Api) -> None:
    api.member("m1")
    key = api.ok(api.post("/v1/api-keys", {"name": "shop"}))
    api.ok(api.post("/v1/members/m1/page-token", {"minutes": 5}, token=key["token"]))
    api.ok(api.delete("/v1/members/m1/page-tokens", token=api.as_role("support")))
    issued = [r for r in log(api) if r["action"] == "member.page_token"]
    assert [r["actor"] for r in issued] == [f"key:{key['key_id']}"]
    assert issued[0]["after"]["expires_at"].startswith("2026-11-21T09:05")
    [revoked] = [r for r in log(api) if r["action"] == "member.page_tokens.revoke"]
    assert revoked["after"] == {"revoked": 1} and revoked["actor"].startswith("user:support-")
