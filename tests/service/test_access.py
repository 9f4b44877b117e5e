"""Who may do what: roles on every mutating call, API keys, sessions."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.service.conftest import PASSWORD, Api, Clock
from zengzhi.service.base import Context
from zengzhi.store import tables as t

# A mutating call and the roles allowed to make it (the owner may do everything).
CALLS: list[tuple[str, str, object, set[str]]] = [
    ("POST", "/v1/pools", {"id": "p2"}, {"operator"}),
    ("PATCH", "/v1/pools/main", {"sell_fee": "0.1"}, {"operator"}),
    ("POST", "/v1/pools/main/pause", None, {"operator"}),
    ("POST", "/v1/pools/main/resume", None, {"operator"}),
    ("POST", "/v1/pools/main/subsidies", {"id": "x9", "amount": "1.00"}, {"finance"}),
    ("PUT", "/v1/products/p", {"price": "10", "contribution": "10"}, {"operator"}),
    ("PUT", "/v1/stores/s", {"commission_rate": "0.1"}, {"operator"}),
    ("PUT", "/v1/zones/z", {}, {"operator"}),
    ("PUT", "/v1/tenant/settings", {}, {"operator"}),
    ("POST", "/v1/members", {"id": "m9"}, {"support", "integrator"}),
    ("PATCH", "/v1/members/m1", {"name": "x"}, {"support", "integrator"}),
    (
        "POST",
        "/v1/orders",
        {"id": "o9", "member": "m1", "amount": "1", "contribution": "0"},
        {"integrator"},
    ),
    ("POST", "/v1/orders/o1/reverse", None, {"integrator"}),
    ("POST", "/v1/members/m1/sell", {"id": "s9", "points": "1"}, {"integrator"}),
    ("POST", "/v1/members/m1/withdrawals", {"id": "w9", "amount": "1.00"}, {"integrator"}),
    ("POST", "/v1/withdrawals/w1/approve", None, {"finance"}),
    ("POST", "/v1/withdrawals/w1/reject", {"reason": "x"}, {"finance"}),
    ("POST", "/v1/users", {"username": "u9", "password": PASSWORD, "role": "viewer"}, set()),
    ("POST", "/v1/api-keys", {"name": "k"}, set()),
    ("POST", "/v1/webhooks", {"url": "https://shop.example/h", "event_types": ["*"]}, {"operator"}),
    ("PUT", "/v1/payments/adapter", {"adapter": "manual"}, set()),
    ("POST", "/v1/withdrawals/w1/payout", None, {"finance"}),
    ("POST", "/v1/backtest", {"config": {}}, {"operator"}),
]
ROLES = ["operator", "finance", "support", "viewer", "integrator"]


def test_every_mutating_call_checks_the_role(api: Api) -> None:
    api.pool(exit_multiple="2")
    api.member("m1")
    api.completed_order("o1", "m1")
    api.ok(api.post("/v1/pools/main/subsidies", {"id": "x1", "amount": "1700.00"}))
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "10.00"}))
    tokens = {role: api.as_role(role) for role in ROLES}
    for method, path, body, allowed in CALLS:
        for role, token in tokens.items():
            response = api.client.request(
                method, path, json=body, headers={"Authorization": f"Bearer {token}"}
            )
            if role in allowed:
                assert response.status_code != 403, (role, method, path, response.text)
            else:
                assert response.status_code == 403, (role, method, path, response.text)
                assert response.json()["code"] == "forbidden"
    for role, token in tokens.items():  # everybody may read
        assert api.get("/v1/pools/main", token=token).status_code == 200, role


def test_no_credentials_bad_credentials_and_revoked_keys(api: Api) -> None:
    assert api.client.get("/v1/pools").status_code == 401
    assert api.get("/v1/pools", token="nonsense").status_code == 401
    assert api.get("/v1/pools", token=api.token + "x").status_code == 401
    key = api.ok(api.post("/v1/api-keys", {"name": "shop"}))
    assert api.get("/v1/pools", token=key["token"]).status_code == 200
    forged = key["token"][:-4] + "0000"
    assert api.get("/v1/pools", token=forged).status_code == 401
    api.ok(api.delete(f"/v1/api-keys/{key['key_id']}"))
    response = api.get("/v1/pools", token=key["token"])
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"
    [listed] = api.ok(api.get("/v1/api-keys"))
    assert listed["revoked_at"] is not None and listed["token"] is None  # shown once only


def test_sign_in_and_sessions(client: TestClient, api: Api, context: Context, clock: Clock) -> None:
    bad = client.post(
        "/v1/auth/login",
        json={"tenant": api.tenant, "username": "owner", "password": "wrong password!"},
    )
    assert bad.status_code == 401
    assert bad.json()["message"] == "unknown tenant, user or password"
    token = api.as_role("viewer")
    username = api.ok(api.get("/v1/users"))[-1]["username"]
    api.ok(api.patch(f"/v1/users/{username}", {"disabled": True}))
    assert api.get("/v1/pools", token=token).status_code == 401
    clock.advance(days=400)  # past the session's life
    assert api.get("/v1/pools").status_code == 401


def test_passwords_are_stored_hashed(api: Api, context: Context) -> None:
    with context.database.read() as connection:
        stored = connection.execute(
            select(t.users.c.password_hash).where(t.users.c.tenant_id == api.tenant)
        ).scalar_one()
    assert PASSWORD not in stored and stored.startswith("$argon2")


@pytest.mark.parametrize("password", ["short", "x" * 9])
def test_weak_passwords_are_refused(api: Api, password: str) -> None:
    response = api.post("/v1/users", {"username": "u", "password": password, "role": "viewer"})
    assert response.status_code == 422 and response.json()["field"] == "password"


def test_tenants_are_created_by_the_administrator_only(
    client: TestClient, context: Context
) -> None:
    body = {"id": "new-tenant", "name": "New", "owner": "boss", "password": PASSWORD}
    assert client.post("/v1/tenants", json=body).status_code == 401
    assert (
        client.post("/v1/tenants", json=body, headers={"X-Admin-Token": "wrong" * 10}).status_code
        == 401
    )
    secret = context.settings.admin_token
    assert secret is not None
    headers = {"X-Admin-Token": secret.get_secret_value()}
    made = client.post("/v1/tenants", json={**body, "id": f"new-{id(client)}"}, headers=headers)
    assert made.status_code == 201
    again = client.post("/v1/tenants", json={**body, "id": f"new-{id(client)}"}, headers=headers)
    assert again.status_code == 409


def test_a_tenant_and_a_user_are_one_name_in_any_case(
    client: TestClient, api: Api, context: Context
) -> None:
    """ "OWNER" is "owner" and "ACME" is "acme" (migration 0033): a second spelling is
    refused naming its field and the name as kept, and sign-in finds either in any case,
    opening the session under the names as kept."""
    twin = api.post("/v1/users", {"username": "Owner", "password": PASSWORD, "role": "viewer"})
    assert twin.status_code == 409, twin.text
    assert twin.json()["field"] == "username"
    assert twin.json()["message"] == "user 'Owner' exists as 'owner' (the same name in any case)"
    assert [user["username"] for user in api.ok(api.get("/v1/users"))] == ["owner"]
    secret = context.settings.admin_token
    assert secret is not None
    headers = {"X-Admin-Token": secret.get_secret_value()}
    body = {"id": api.tenant.upper(), "name": "Look-alike", "owner": "boss", "password": PASSWORD}
    look_alike = client.post("/v1/tenants", json=body, headers=headers)
    assert look_alike.status_code == 409 and look_alike.json()["field"] == "id"
    assert f"exists as {api.tenant!r}" in look_alike.json()["message"]
    login = {"tenant": api.tenant.upper(), "username": "OWNER", "password": PASSWORD}
    session = client.post("/v1/auth/login", json=login)
    assert session.status_code == 200, session.text
    assert (session.json()["tenant"], session.json()["username"]) == (api.tenant, "owner")
    token = session.json()["token"]
    pools = client.get("/v1/pools", headers={"Authorization": f"Bearer {token}"})
    assert pools.status_code == 200, pools.text
    # the audit log names the user as kept, whatever the case it was typed in
    made = client.post(
        "/v1/pools", json={"id": "cased"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert made.status_code == 201, made.text
    actors = {entry["actor"] for entry in api.ok(api.get("/v1/audit-log"))}
    assert "user:OWNER" not in actors and "user:owner" in actors


def test_five_failed_sign_ins_lock_the_user_for_fifteen_minutes(
    client: TestClient, api: Api, clock: Clock
) -> None:
    def sign_in(password: str, username: str = "owner") -> httpx.Response:
        body = {"tenant": api.tenant, "username": username, "password": password}
        return client.post("/v1/auth/login", json=body)

    for _ in range(4):
        assert sign_in("wrong password!").status_code == 401
    clock.advance(minutes=16)  # the four fall out of the window: counted afresh (09:16)
    for _ in range(3):
        assert sign_in("wrong password!").status_code == 401
    assert sign_in(PASSWORD).status_code == 200  # a success is no failure, but it
    assert sign_in("wrong password!").status_code == 401  # forgets none: the fourth…
    assert sign_in("wrong password!").status_code == 401  # …and the fifth locks
    clock.advance(minutes=5)
    locked = sign_in(PASSWORD)  # even the right password, while locked
    assert locked.status_code == 429, locked.text
    assert locked.json()["code"] == "too_many"
    assert locked.headers["Retry-After"] == str(10 * 60)
    assert "'owner' may sign in again at 09:31:00 UTC" in locked.json()["message"]
    assert api.get("/v1/pools").status_code == 200  # sessions already open go on
    clock.advance(minutes=10)
    assert sign_in(PASSWORD).status_code == 200
    # a user that does not exist answers the same: the answers tell no one who exists
    answers = [sign_in("wrong password!", "nobody").status_code for _ in range(6)]
    assert answers == [401, 401, 401, 401, 401, 429]


def test_the_console_says_when_a_locked_user_may_sign_in_again(
    client: TestClient, api: Api
) -> None:
    form = {"tenant": api.tenant, "username": "owner", "password": "wrong password!"}
    for _ in range(5):
        assert client.post("/console/login", data=form).status_code == 401
    locked = client.post("/console/login", data={**form, "password": PASSWORD})
    assert locked.status_code == 429 and "may sign in again after" in locked.text
    # the tenant and the user typed in capitals are the same, and so is the answer
    shouted = {"tenant": api.tenant.upper(), "username": "OWNER", "password": PASSWORD}
    again = client.post("/console/login", data=shouted)
    assert again.status_code == 429 and "may sign in again after" in again.text
