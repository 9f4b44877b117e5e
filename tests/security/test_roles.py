"""Issue 15, items 3, 9 and 14: roles. The payment adapter and its secret are the
owner's (the secret signs payments and payouts: whoever holds it can put money on the
books); a change that weakens a control on money needs the owner (four eyes); a role
that may not place orders is refused a batch whole. The role tables of docs/security.md
and docs/service.md are the code's own permission table."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.service.conftest import PASSWORD, Api, Clock
from tests.service.test_payments import an_order, notify
from zengzhi.i18n import Translator, messages
from zengzhi.service.auth import GRANTS, Permission, Role, role_table
from zengzhi.service.auth import SIGNED_IN_ONLY as SIGNED_IN_ONLY_SENTENCES

ROOT = Path(__file__).resolve().parents[2]
STAFF = ("operator", "finance", "support", "viewer")


def test_the_operator_cannot_get_the_gateway_secret_and_mint(api: Api, clock: Clock) -> None:
    """The audit's attack: switch to the webhook adapter with rotate_secret, receive the
    secret, sign payment.succeeded for an unpaid order. Refused at the first step."""
    an_order(api)  # A1, unpaid, 1000.00
    operator = api.as_role("operator")
    body = {"adapter": "webhook", "payout_url": "https://pay.example/p", "rotate_secret": True}
    for role in ("operator", "finance", "support", "viewer", "integrator"):
        token = operator if role == "operator" else api.as_role(role)
        refused = api.put("/v1/payments/adapter", body, token=token)
        assert refused.status_code == 403, (role, refused.text)
    shown = api.ok(api.get("/v1/payments/adapter", token=operator))
    assert shown["adapter"] == "manual" and shown["secret"] is None
    forged = {"id": "n1", "type": "payment.succeeded", "order": "A1", "amount": "1000.00"}
    assert notify(api, "whsec_guessed", clock, forged).status_code == 401
    assert api.ok(api.get("/v1/orders/A1"))["status"] == "created"
    assert api.ok(api.get("/v1/members/m1/positions")) == []  # nothing minted
    # the owner may, and sees the secret once; nobody reads it afterwards
    secret = api.ok(api.put("/v1/payments/adapter", body))["secret"]
    assert secret.startswith("whsec_")
    for token in (api.token, operator):
        assert secret not in api.get("/v1/payments/adapter", token=token).text
        assert secret not in api.get("/v1/webhooks", token=token).text
        assert secret not in api.get("/v1/audit-log", token=token).text


def a_payout_request(api: Api) -> str:
    """A withdrawal sent to the webhook gateway (its adapter chosen before): the address
    that replays the gateway's payout request."""
    api.pool()
    api.member("m1")
    api.completed_order("o1", "m1")
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "all"}))
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "10.00"}))
    api.ok(api.post("/v1/withdrawals/w1/approve"))
    api.ok(api.post("/v1/withdrawals/w1/payout"))
    [request] = api.ok(api.get("/v1/webhooks/gateway/deliveries"))
    return f"/v1/webhooks/gateway/deliveries/{request['event_id']}/replay"


def test_only_the_owner_replays_a_payout_request(api: Api) -> None:
    api.ok(
        api.put(
            "/v1/payments/adapter", {"adapter": "webhook", "payout_url": "https://pay.example/p"}
        )
    )
    path = a_payout_request(api)
    replayed = api.post(path, token=api.as_role("operator"))
    assert replayed.status_code == 403 and replayed.json()["field"] == "subscription"
    assert api.post(path).status_code == 200


def test_weakening_a_money_control_needs_the_owner(api: Api) -> None:
    operator = api.as_role("operator")

    def settings(token: str | None = None, **withdrawals: object) -> int:
        body = {"withdrawals": {"auto_approve_limit": "0.00", **withdrawals}}
        return api.put("/v1/tenant/settings", body, token=token).status_code

    raised = api.put(
        "/v1/tenant/settings", {"withdrawals": {"auto_approve_limit": "5000.00"}}, token=operator
    )
    assert raised.status_code == 403, raised.text
    assert raised.json()["field"] == "withdrawals.auto_approve_limit"
    assert "owner" in raised.json()["message"]
    assert settings(api.token, auto_approve_limit="100.00", require_real_name=True) == 200
    assert settings(operator, auto_approve_limit="50.00", require_real_name=True) == 200  # lower
    assert settings(operator, auto_approve_limit="100.00", require_real_name=True) == 403
    assert settings(operator, auto_approve_limit="50.00", require_real_name=False) == 403
    assert settings(operator, auto_approve_limit="50.00", require_real_name=True) == 200
    limits = api.ok(api.get("/v1/tenant"))["settings"]["withdrawals"]
    assert (limits["auto_approve_limit"], limits["require_real_name"]) == ("50.00", True)


def test_loosening_distribution_limits_needs_the_owner(api: Api) -> None:
    operator = api.as_role("operator")
    tight = {
        "limits": {"orders_per_day": 3, "total_spend": "1000.00", "one_account_per_phone": True}
    }
    assert api.put("/v1/distribution", tight, token=operator).status_code == 200  # tightening
    for change, field in (
        ({"limits": {**tight["limits"], "orders_per_day": 4}}, "orders_per_day"),
        ({"limits": {**tight["limits"], "orders_per_day": None}}, "orders_per_day"),
        ({"limits": {**tight["limits"], "total_spend": "1000.01"}}, "total_spend"),
        ({"limits": {**tight["limits"], "one_account_per_phone": False}}, "one_account_per_phone"),
        ({**tight, "overflow": "platform"}, "overflow"),
        ({**tight, "commission": {"rates": ["0.1"], "allow_deep": True}}, "allow_deep"),
    ):
        refused = api.put("/v1/distribution", change, token=operator)
        assert refused.status_code == 403, (change, refused.text)
        assert refused.json()["field"].endswith(field)
        assert api.put("/v1/distribution", change).status_code == 200  # the owner may
        assert api.put("/v1/distribution", tight).status_code == 200


def test_agents_are_sold_by_finance_or_the_owner(api: Api) -> None:
    api.member("a")
    sale = {"id": "g1", "member": "a", "region": "广东", "level": "province", "fee": "100.00"}
    assert api.post("/v1/agents", sale, token=api.as_role("operator")).status_code == 403
    assert api.post("/v1/agents", sale, token=api.as_role("finance")).status_code == 201


def test_a_batch_of_orders_is_refused_whole_without_the_orders_permission(api: Api) -> None:
    api.member("m1")
    batch = {"orders": [{"id": "b1", "member": "m1", "amount": "1.00", "contribution": "0"}]}
    for role in STAFF:
        refused = api.post("/v1/orders/batch", batch, token=api.as_role(role))
        assert refused.status_code == 403, (role, refused.text)
        assert refused.json()["code"] == "forbidden"
    done = api.ok(api.post("/v1/orders/batch", batch, token=api.as_role("integrator")))
    assert done[0]["outcome"] == "created"


def _table(document: str) -> str:
    text = (ROOT / "docs" / document).read_text(encoding="utf-8")
    found = re.search(r"<!-- roles:begin -->\n(.*?)<!-- roles:end -->", text, re.S)
    assert found is not None, f"docs/{document} has no generated role table"
    return found.group(1)


def test_the_documents_role_tables_are_the_codes() -> None:
    """`zengzhi roles` prints the table; both documents hold it as printed."""
    table = role_table()
    assert _table("security.md") == table
    assert _table("service.md") == table
    for permission in Permission:  # and the table says what GRANTS says, mark by mark
        row = next(line for line in table.splitlines() if line.startswith(f"| `{permission}`"))
        marks = [cell.strip() for cell in row.split("|")[3:-1]]
        assert marks == ["✓" if permission in GRANTS[role] else "" for role in Role]


def test_deny_by_default_every_permission_is_granted_on_purpose() -> None:
    """No role but the owner may touch the gateway or weaken a money control; the
    operator configures and reads, and nothing that moves money."""
    for permission in (Permission.PAYMENT_ADAPTER, Permission.MONEY_CONTROLS, Permission.USERS):
        assert [role for role in Role if permission in GRANTS[role]] == [Role.OWNER]
    assert GRANTS[Role.OPERATOR] == {Permission.READ, Permission.CONFIGURE}
    assert json.dumps(sorted(GRANTS[Role.VIEWER])) == '["read"]'


def test_support_cannot_choose_where_a_members_money_is_paid(api: Api) -> None:
    """Four eyes on payouts: a withdrawal at or under the auto-approval limit is approved
    (and paid, with a gateway) as it is asked, so whoever sets a member's payee decides
    where that money goes with no one from finance seeing it. Support edits members but
    may not withdraw for them: it may not set their payee either (was: it could point
    every member's payee at an account of its own); the owner and the key may."""
    api.member("m1")
    payee = {"method": "alipay", "real_name": "张三丰", "account": "13812345678"}
    api.ok(api.put("/v1/members/m1/payee", payee))
    support = api.as_role("support")
    mine = payee | {"real_name": "李四", "account": "13900000000"}
    refused = api.put("/v1/members/m1/payee", mine, token=support)
    assert (refused.status_code, refused.json()["field"]) == (403, "payee"), refused.text
    assert api.ok(api.get("/v1/members/m1/payee"))["account"] == "138****5678"  # unchanged
    api.member("m2")
    refused = api.put("/v1/members/m2/payee", mine, token=support)
    assert refused.status_code == 403
    assert api.get("/v1/members/m2/payee").status_code == 404  # none was made
    assert api.get("/v1/members/m1/payee", token=support).status_code == 200  # still reads
    api.ok(api.put("/v1/members/m2/payee", mine, token=api.as_role("integrator")))


SIGNED_IN_ONLY = (
    "users, API keys and sessions are managed by a signed-in user (the console, or the API"
    " with a session from POST /v1/auth/login), not with an API key"
)


def refused_to_a_key(
    api: Api, token: str, requests: list[tuple[str, str, Any]], message: str
) -> None:
    """Each request, sent with the API key `token`, is refused: 403 naming `Authorization`."""
    for method, path, body in requests:
        refused = api.client.request(
            method, path, json=body, headers={"Authorization": f"Bearer {token}"}
        )
        assert refused.status_code == 403, (method, path, refused.text)
        assert refused.json() == {
            "code": "forbidden",
            "message": message,
            "field": "Authorization",
        }, (method, path)


def test_an_api_key_of_any_role_cannot_manage_users_keys_or_sessions(api: Api) -> None:
    """A leaked owner key was a lasting takeover: it could add an owner user (or a new
    owner key) and keep that way in after the key itself was revoked, disable the real
    owners' colleagues and end their sessions. Every users, keys and sessions operation
    now needs a signed-in user: a key, owner or not, is refused (403, naming
    `Authorization`, said in Chinese too), and nothing changes; the owner's session
    still may."""
    owner_key = api.ok(api.post("/v1/api-keys", {"name": "ops", "role": "owner"}))
    shop_key = api.ok(api.post("/v1/api-keys", {"name": "shop"}))
    api.ok(api.post("/v1/users", {"username": "ann", "password": PASSWORD, "role": "finance"}))
    users_before = api.ok(api.get("/v1/users"))
    keys_before = api.ok(api.get("/v1/api-keys"))
    mallory = {"username": "mallory", "password": PASSWORD, "role": "owner"}
    requests = [
        ("POST", "/v1/users", mallory),
        ("GET", "/v1/users", None),
        ("PATCH", "/v1/users/ann", {"disabled": True}),
        ("PATCH", "/v1/users/ann", {"role": "owner"}),
        ("PATCH", "/v1/users/owner", {"password": "a new password of mine"}),
        ("DELETE", "/v1/users/owner/sessions", None),
        ("POST", "/v1/api-keys", {"name": "way back in", "role": "owner"}),
        ("GET", "/v1/api-keys", None),
        ("DELETE", f"/v1/api-keys/{shop_key['key_id']}", None),
    ]
    for token in (owner_key["token"], shop_key["token"]):
        refused_to_a_key(api, token, requests, SIGNED_IN_ONLY)
    in_chinese = api.client.post(
        "/v1/api-keys",
        json={"name": "way back in", "role": "owner"},
        headers={"Authorization": f"Bearer {owner_key['token']}", "Accept-Language": "zh"},
    )
    assert in_chinese.status_code == 403
    assert in_chinese.json()["message"] == (
        "用户、API 密钥和会话只能由已登录的用户管理（在控制台，或在 API 中使用"
        " POST /v1/auth/login 得到的会话），不能用 API 密钥"
    )
    assert api.ok(api.get("/v1/users")) == users_before  # the owner's session: unchanged
    assert api.ok(api.get("/v1/api-keys")) == keys_before
    assert api.get("/v1/members", token=owner_key["token"]).status_code == 200  # still a key
    # the signed-in owner still manages them all
    api.ok(api.patch("/v1/users/ann", {"disabled": True}))
    api.ok(api.delete(f"/v1/api-keys/{owner_key['key_id']}"))


GATEWAY_SIGNED_IN_ONLY = (
    "the payment adapter, its secret and certificates and the gateway's payout requests"
    " are managed by a signed-in user (the console, or the API with a session from"
    " POST /v1/auth/login), not with an API key"
)


def test_an_api_key_of_any_role_cannot_take_the_payment_gateway(api: Api, clock: Clock) -> None:
    """A leaked owner key could `PUT /v1/payments/adapter` with `rotate_secret` and be
    answered the gateway's new secret: it signs payment.succeeded (an order paid, points
    minted) and payout.succeeded, and outlives the key's revocation. Choosing the
    adapter, refreshing its certificates and replaying the gateway's payout requests now
    need a signed-in user: a key, owner or not, is refused (403, naming `Authorization`,
    in Chinese too), and the secret, the adapter and the deliveries stay as they were;
    the owner's session still may."""
    body = {"adapter": "webhook", "payout_url": "https://pay.example/p"}
    secret = api.ok(api.put("/v1/payments/adapter", body))["secret"]
    replay = a_payout_request(api)
    [request] = api.ok(api.get("/v1/webhooks/gateway/deliveries"))
    adapter_before = api.ok(api.get("/v1/payments/adapter"))
    keys = [
        api.ok(api.post("/v1/api-keys", {"name": role, "role": role}))["token"]
        for role in ("owner", "operator", "integrator")
    ]
    audit_before = api.ok(api.get("/v1/audit-log"))
    requests = [
        ("PUT", "/v1/payments/adapter", body | {"rotate_secret": True}),
        ("PUT", "/v1/payments/adapter", {"adapter": "manual"}),
        ("POST", "/v1/payments/adapter/certificates", None),
        ("POST", replay, None),
    ]
    for token in keys:
        refused_to_a_key(api, token, requests, GATEWAY_SIGNED_IN_ONLY)
    in_chinese = api.client.put(
        "/v1/payments/adapter",
        json=body | {"rotate_secret": True},
        headers={"Authorization": f"Bearer {keys[0]}", "Accept-Language": "zh"},
    )
    assert in_chinese.status_code == 403
    assert in_chinese.json()["message"] == (
        "支付适配器及其密钥、证书和网关的打款请求只能由已登录的用户管理（在控制台，"
        "或在 API 中使用 POST /v1/auth/login 得到的会话），不能用 API 密钥"
    )
    # nothing changed: the adapter, the audit log, the delivery; the old secret still signs
    assert api.ok(api.get("/v1/payments/adapter")) == adapter_before
    assert api.ok(api.get("/v1/audit-log")) == audit_before
    assert api.ok(api.get("/v1/webhooks/gateway/deliveries")) == [request]
    paid = {"id": "n1", "type": "payout.succeeded", "withdrawal": "w1"}
    assert notify(api, secret, clock, paid).status_code == 200
    # a key still does what an integrator does; the signed-in owner still sets the adapter
    assert api.get("/v1/payments/adapter", token=keys[0]).status_code == 200
    rotated = api.ok(api.put("/v1/payments/adapter", body | {"rotate_secret": True}))
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != secret


def test_every_signed_in_only_refusal_is_said_in_chinese() -> None:
    """Principal.require raises these from a table, which the catalogue check (reading
    the source for messages written where a DomainError is made) does not see."""
    translate = Translator("zh")
    for permission, sentence in SIGNED_IN_ONLY_SENTENCES.items():
        assert sentence in messages("zh"), permission
        assert translate.message(sentence) != sentence, permission
    assert set(SIGNED_IN_ONLY_SENTENCES) == {Permission.USERS, Permission.PAYMENT_ADAPTER}
