"""Issue 15, item 8: sessions can be revoked. A console session is a row that sign-out,
a password change, disabling the user and DELETE /v1/users/{name}/sessions close at
once; a member page token likewise (the member's sign-out, DELETE
/v1/members/{id}/page-tokens)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import PASSWORD, Api, Clock, enter_member_page, login
from zengzhi.service import sessions


def test_signing_out_ends_the_session_at_once(api: Api, client: TestClient) -> None:
    other = login(client, api.tenant)
    assert api.get("/v1/pools").status_code == 200
    assert api.post("/v1/auth/logout").status_code == 204
    ended = api.get("/v1/pools")
    assert ended.status_code == 401 and "has ended" in ended.json()["message"]
    assert api.get("/v1/pools", token=other).status_code == 200  # another session goes on
    key = api.ok(api.post("/v1/api-keys", {"name": "shop"}, token=other))["token"]
    refused = api.post("/v1/auth/logout", token=key)
    assert refused.status_code == 409 and "DELETE /v1/api-keys" in refused.json()["message"]


def test_a_password_change_or_disabling_ends_the_users_sessions(
    api: Api, client: TestClient
) -> None:
    api.ok(api.post("/v1/users", {"username": "ann", "password": PASSWORD, "role": "viewer"}))
    first, second = login(client, api.tenant, "ann"), login(client, api.tenant, "ann")
    api.ok(api.patch("/v1/users/ann", {"role": "finance"}))  # a role change: read live
    assert api.get("/v1/pools", token=first).status_code == 200
    api.ok(api.patch("/v1/users/ann", {"password": "a new long password"}))
    for token in (first, second):
        assert api.get("/v1/pools", token=token).status_code == 401
    body = {"tenant": api.tenant, "username": "ann", "password": "a new long password"}
    fresh = client.post("/v1/auth/login", json=body).json()["token"]
    assert api.get("/v1/pools", token=fresh).status_code == 200
    api.ok(api.patch("/v1/users/ann", {"disabled": True}))
    api.ok(api.patch("/v1/users/ann", {"disabled": False}))
    assert api.get("/v1/pools", token=fresh).status_code == 401  # stays ended
    changes = [row for row in api.ok(api.get("/v1/audit-log")) if row["action"] == "user.change"]
    assert changes[0]["after"] == {"disabled": False}
    assert {"password": "changed", "sessions_ended": 2}.items() <= changes[-2]["after"].items()


def test_the_owner_ends_a_users_sessions(api: Api, client: TestClient) -> None:
    token = api.as_role("support")
    username = api.ok(api.get("/v1/users"))[-1]["username"]
    assert api.delete(f"/v1/users/{username}/sessions", token=token).status_code == 403
    assert api.ok(api.delete(f"/v1/users/{username}/sessions")) == {"revoked": 1}
    assert api.get("/v1/pools", token=token).status_code == 401
    assert api.delete("/v1/users/nobody/sessions").status_code == 404


def test_the_consoles_sign_out_ends_the_session_in_the_database(api: Api) -> None:
    client = api.client
    client.cookies.clear()
    form = {"tenant": api.tenant, "username": "owner", "password": PASSWORD}
    signed_in = client.post("/console/login", data=form, follow_redirects=False)
    assert signed_in.status_code == 303
    session = client.cookies["zz_console"]
    page = client.get("/console")
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert csrf is not None
    out = client.post("/console/logout", data={"csrf": csrf.group(1)}, follow_redirects=False)
    assert out.status_code == 303
    assert api.get("/v1/pools", token=session).status_code == 401  # the copied cookie too
    client.cookies.set("zz_console", session, path="/console")
    assert client.get("/console", follow_redirects=False).status_code == 303  # to sign in


def test_a_member_page_token_can_be_revoked(api: Api, clock: Clock) -> None:
    api.member("m1")
    first = api.ok(api.post("/v1/members/m1/page-token", {"minutes": 1440}))["token"]
    second = api.ok(api.post("/v1/members/m1/page-token"))["token"]
    assert api.get("/v1/me", token=first).status_code == 200
    assert api.post("/v1/me/logout", token=first).status_code == 204
    assert api.get("/v1/me", token=first).status_code == 401
    assert api.get("/v1/me", token=second).status_code == 200
    third = api.ok(api.post("/v1/members/m1/page-token"))["token"]
    assert api.ok(api.delete("/v1/members/m1/page-tokens")) == {"member": "m1", "revoked": 2}
    for token in (second, third):
        assert api.get("/v1/me", token=token).status_code == 401
    assert api.delete("/v1/members/m1/page-tokens", token=api.as_role("viewer")).status_code == 403
    clock.advance(days=2)
    expired = api.ok(api.post("/v1/members/m1/page-token"))["token"]
    clock.advance(minutes=31)
    assert api.get("/v1/me", token=expired).status_code == 401


def test_the_member_signs_out_on_the_page(api: Api) -> None:
    api.member("m1")
    issued = api.ok(api.post("/v1/members/m1/page-token"))
    client = api.client
    client.cookies.clear()
    assert enter_member_page(client, issued).status_code == 303
    home = client.get("/m")
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', home.text)
    assert csrf is not None and 'action="/m/logout"' in home.text
    out = client.post("/m/logout", data={"csrf": csrf.group(1)})
    assert out.status_code == 200 and "You have signed out" in out.text
    assert api.get("/v1/me", token=issued["token"]).status_code == 401
    client.cookies.set("zz_member", issued["token"], path="/m")
    assert client.get("/m").status_code == 401


@pytest.mark.parametrize("change", [{"password": "a brand new passphrase"}, {"disabled": True}])
def test_a_sign_in_checked_while_the_password_changes_opens_no_session(
    api: Api, monkeypatch: pytest.MonkeyPatch, change: dict[str, object]
) -> None:
    """A sign-in whose password was checked just before the owner changed it (or disabled
    the user), in the Argon2 check's tens of milliseconds, opened its session after the
    change had ended the user's sessions: someone signing in with a leaked password at
    that moment kept a session the change was meant to end. The session is opened only
    if the user is still as checked (the row locked, as the change locks it)."""
    api.ok(api.post("/v1/users", {"username": "ann", "password": PASSWORD, "role": "viewer"}))
    real = sessions.auth.password_matches

    def while_changing(stored: str, given: str) -> bool:
        matched = real(stored, given)
        monkeypatch.setattr(sessions.auth, "password_matches", real)  # once
        api.ok(api.patch("/v1/users/ann", change))  # the owner's change, in between
        return matched

    monkeypatch.setattr(sessions.auth, "password_matches", while_changing)
    answer = api.client.post(
        "/v1/auth/login", json={"tenant": api.tenant, "username": "ann", "password": PASSWORD}
    )
    if answer.status_code == 200:  # a token was given: the change must have ended it
        token = answer.json()["token"]
        assert api.get("/v1/pools", token=token).status_code == 401, "the session outlived it"
    else:
        assert answer.status_code == 401, answer.text
