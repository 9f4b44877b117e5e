"""The console's users and API keys page (用户与权限): the owner's alone (as the API's
/v1/users and /v1/api-keys are), each form CSRF-checked and with its own id (a reload
or a double click does it once), every change in the audit log, refusals said at the
form in the page's language, and a key's secret on the answer page only, never cached.
The browser's side (a phone, Chinese) is tests/e2e/test_console_users.py."""

from __future__ import annotations

import re
import secrets
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from tests.service.conftest import PASSWORD, Api, down_and_up, login
from tests.service.test_console_pages import sign_in
from zengzhi.service.base import Context
from zengzhi.store import tables as t

PAGE = "/console/users"


def _form(page: str, action: str) -> dict[str, str]:
    """The hidden fields (csrf, id) of the page's form posting to `action`."""
    found = re.search(rf'<form method="post" action="{re.escape(action)}"(.*?)</form>', page, re.S)
    assert found is not None, action
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', found.group(1)))


def _user(api: Api, role: str = "viewer") -> str:
    name = f"{role}-{secrets.token_hex(3)}"
    body = {"username": name, "password": PASSWORD, "role": role}
    api.ok(api.post("/v1/users", body))
    return name


def _users(api: Api) -> dict[str, dict[str, Any]]:
    return {one["username"]: one for one in api.ok(api.get("/v1/users"))}


def _audit(api: Api, action: str) -> list[dict[str, Any]]:
    return [row for row in api.ok(api.get("/v1/audit-log")) if row["action"] == action]


def _alerts(response: httpx.Response) -> str:
    return " ".join(re.findall(r'role="alert"[^>]*>(.*?)</(?:div|p)>', response.text, re.S))


def test_only_a_role_that_manages_users_sees_or_uses_the_page(api: Api) -> None:
    client = api.client
    owner_csrf = sign_in(client, api.tenant)
    assert 'href="/console/users"' in client.get("/console").text
    page = client.get(PAGE)
    assert page.status_code == 200 and "owner" in page.text
    assert page.headers["cache-control"] == "no-store"
    owner_form = _form(page.text, PAGE)
    assert owner_form["csrf"] == owner_csrf

    for role in ("operator", "finance", "support", "viewer"):
        name = _user(api, role)
        client.cookies.clear()
        csrf = sign_in(client, api.tenant, name)
        assert 'href="/console/users"' not in client.get("/console").text  # no nav link
        refused = client.get(PAGE)
        assert refused.status_code == 403, role
        assert 'id="add-user"' not in refused.text
        # a form of their own session's CSRF, posted by hand: refused, nothing done
        body = {"csrf": csrf, "id": f"console-{secrets.token_hex(8)}"}
        sent = client.post(
            PAGE, data={**body, "username": "intruder", "role": "owner", "password": PASSWORD}
        )
        assert sent.status_code == 403, role
        assert client.post(f"{PAGE}/owner/role", data={**body, "role": "viewer"}).status_code == 403
        assert client.post(f"{PAGE}/owner/disable", data=body).status_code == 403
        assert client.post(f"{PAGE}/owner/sign-out", data=body).status_code == 403
        assert client.post(f"{PAGE}/keys", data={**body, "name": "x"}).status_code == 403
    users = _users(api)
    assert "intruder" not in users and users["owner"]["role"] == "owner"
    assert not users["owner"]["disabled"]
    assert api.ok(api.get("/v1/api-keys")) == []


def test_a_form_without_its_csrf_token_does_nothing(api: Api) -> None:
    client = api.client
    sign_in(client, api.tenant)
    form = _form(client.get(PAGE).text, PAGE)
    body = {"id": form["id"], "username": "carol", "role": "viewer", "password": PASSWORD}
    for csrf in (None, "0" * 64):
        sent = client.post(PAGE, data=body if csrf is None else {**body, "csrf": csrf})
        assert sent.status_code == 403 and 'id="form-expired"' in sent.text
    assert "carol" not in _users(api)


def test_adding_a_user_once_however_often_the_form_is_sent(api: Api) -> None:
    client = api.client
    sign_in(client, api.tenant)
    name = f"dora-{secrets.token_hex(3)}"
    form = {
        **_form(client.get(PAGE).text, PAGE),
        "username": name,
        "role": "finance",
        "password": PASSWORD,
    }
    first = client.post(PAGE, data=form, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == PAGE
    assert f"User {name} added." in client.get(PAGE).text
    again = client.post(PAGE, data=form, follow_redirects=False)  # a reload, a double click
    assert again.status_code == 303
    shown = client.get(PAGE).text
    assert "had already been sent" in shown and f"User {name} added." not in shown
    assert _users(api)[name]["role"] == "finance"
    [created] = _audit(api, "user.create")
    assert (created["actor"], created["target"]) == ("user:owner", f"user:{name}")
    assert created["after"] == {"role": "finance"}
    login(client, api.tenant, name)  # the new user signs in with the password given

    # the same form with other values (Back, a field changed): refused, said at the form
    changed = client.post(PAGE, data={**form, "role": "viewer"})
    assert changed.status_code == 409 and "already sent with other values" in _alerts(changed)
    assert _users(api)[name]["role"] == "finance"


def test_refusals_are_said_at_their_field_in_chinese(api: Api) -> None:
    client = api.client
    sign_in(client, api.tenant)
    client.get("/language/zh")
    page = client.get(PAGE).text
    form = _form(page, PAGE)
    weak = client.post(
        PAGE, data={**form, "username": "erin", "role": "viewer", "password": "short"}
    )
    assert weak.status_code == 422
    error = re.search(r'id="e-add-password"[^>]*>(.*?)</p>', weak.text, re.S)
    assert error is not None and "10" in error.group(1) and "characters" not in error.group(1)
    assert 'value="short"' not in weak.text  # a password is never written back
    assert 'value="erin"' in weak.text  # the rest is, to correct and send again
    assert "erin" not in _users(api)

    taken = client.post(
        PAGE,
        data={
            **_form(weak.text, PAGE),
            "username": "owner",
            "role": "viewer",
            "password": PASSWORD,
        },
    )
    assert taken.status_code == 409
    error = re.search(r'id="e-add-username"[^>]*>(.*?)</p>', taken.text, re.S)
    assert error is not None and "已存在" in error.group(1), taken.text

    bad = client.post(
        PAGE,
        data={
            **_form(taken.text, PAGE),
            "username": "has space",
            "role": "viewer",
            "password": PASSWORD,
        },
    )
    assert bad.status_code == 422 and 'id="e-add-username"' in bad.text

    # the tenant's last owner: neither demoted nor disabled, said in the owner's row
    action = f"{PAGE}/owner/role"
    demoted = client.post(action, data={**_form(bad.text, action), "role": "viewer"})
    assert demoted.status_code == 409
    row = re.search(r'<tr data-user="owner"[^>]*>(.*?)</tr>', demoted.text, re.S)
    assert row is not None and "角色：平台的最后一位所有者不能被降级或停用" in row.group(1)
    action = f"{PAGE}/owner/disable"
    disabled = client.post(action, data=_form(demoted.text, action))
    assert disabled.status_code == 409
    row = re.search(r'<tr data-user="owner"[^>]*>(.*?)</tr>', disabled.text, re.S)
    assert row is not None and "状态：平台的最后一位所有者" in row.group(1)
    assert _users(api)["owner"] == {**_users(api)["owner"], "role": "owner", "disabled": False}


def test_role_disable_enable_and_sign_out_everywhere(api: Api, client: TestClient) -> None:
    sign_in(client, api.tenant)
    name = _user(api, "viewer")
    token = login(client, api.tenant, name)
    assert api.get("/v1/tenant", token=token).status_code == 200

    action = f"{PAGE}/{name}/role"
    form = {**_form(client.get(PAGE).text, action), "role": "support"}
    assert client.post(action, data=form, follow_redirects=False).status_code == 303
    assert client.post(action, data=form, follow_redirects=False).status_code == 303  # again
    assert _users(api)[name]["role"] == "support"
    assert "had already been sent" in client.get(PAGE).text
    assert len(_audit(api, "user.change")) == 1

    action = f"{PAGE}/{name}/sign-out"
    sent = client.post(action, data=_form(client.get(PAGE).text, action), follow_redirects=False)
    assert sent.status_code == 303
    assert f"{name} is signed out everywhere (open sessions ended: 1)." in client.get(PAGE).text
    assert api.get("/v1/tenant", token=token).status_code == 401
    [ended] = _audit(api, "user.sessions.revoke")
    assert ended["after"] == {"revoked": 1}

    token = login(client, api.tenant, name)  # signed in again
    action = f"{PAGE}/{name}/disable"
    sent = client.post(action, data=_form(client.get(PAGE).text, action), follow_redirects=False)
    assert sent.status_code == 303 and _users(api)[name]["disabled"]
    assert api.get("/v1/tenant", token=token).status_code == 401  # out at once
    page = client.get(PAGE).text
    row = re.search(rf'<tr data-user="{name}"[^>]*>(.*?)</tr>', page, re.S)
    assert row is not None and "disabled" in row.group(1)
    action = f"{PAGE}/{name}/enable"
    assert client.post(action, data=_form(page, action), follow_redirects=False).status_code == 303
    assert not _users(api)[name]["disabled"]
    login(client, api.tenant, name)
    assert [row["after"] for row in _audit(api, "user.change")][:2] == [
        {"disabled": False},
        {"disabled": True, "sessions_ended": 1},
    ]


def test_a_key_secret_is_shown_once_on_the_answer_page_only(api: Api) -> None:
    client = api.client
    sign_in(client, api.tenant)
    client.get("/language/zh")
    action = f"{PAGE}/keys"
    form = {**_form(client.get(PAGE).text, action), "name": "shop server", "role": "integrator"}
    created = client.post(action, data=form, follow_redirects=False)
    assert created.status_code == 200  # the page itself: no redirect, no address to it
    assert created.headers["cache-control"] == "no-store"
    assert "location" not in created.headers and "zz_notice" not in created.headers.get(
        "set-cookie", ""
    )
    token = re.search(r'id="secret"[^>]*value="(zz1\.[^"]+)"', created.text)
    assert token is not None and "只显示这一次" in created.text
    assert api.get("/v1/members", token=token.group(1)).status_code == 200  # the key works
    [key] = api.ok(api.get("/v1/api-keys"))
    assert key["name"] == "shop server" and key["token"] is None

    listed = client.get(PAGE).text
    assert token.group(1) not in listed and key["key_id"] in listed
    again = client.post(action, data=form)  # a reload of the answer: no second key
    assert again.status_code == 409 and token.group(1) not in again.text
    assert "此表单已创建过 API 密钥" in _alerts(again)
    assert len(api.ok(api.get("/v1/api-keys"))) == 1
    [audited] = _audit(api, "api_key.create")
    assert audited["after"] == {"name": "shop server", "role": "integrator"}
    assert token.group(1) not in str(api.ok(api.get("/v1/audit-log")))

    blank = client.post(
        action, data={**_form(again.text, action), "name": "", "role": "integrator"}
    )
    assert blank.status_code == 422 and 'id="e-key-name"' in blank.text
    # a name that would show other text than it holds (U+202E reverses what follows)
    turned = client.post(
        action, data={**_form(again.text, action), "name": "shop\u202egnp.exe", "role": "owner"}
    )
    assert turned.status_code == 422 and 'id="e-key-name"' in turned.text
    assert "不能包含控制字符或不可见的格式字符（发现 U+202E）" in turned.text
    assert len(api.ok(api.get("/v1/api-keys"))) == 1

    revoke = f"{PAGE}/keys/{key['key_id']}/revoke"
    sent = client.post(revoke, data=_form(listed, revoke), follow_redirects=False)
    assert sent.status_code == 303
    assert f"已吊销 API 密钥 {key['key_id']}" in client.get(PAGE).text
    assert api.get("/v1/members", token=token.group(1)).status_code == 401
    assert (
        client.post(revoke, data=_form(listed, revoke), follow_redirects=False).status_code == 303
    )
    assert len(_audit(api, "api_key.revoke")) == 1  # revoked once, logged once


def test_the_audit_log_names_a_user_change_s_fields_in_chinese(api: Api) -> None:
    """A user disabled from this page: the audit log's change names the sessions it
    ended in Chinese (it showed `sessions_ended`, the stored name)."""
    client = api.client
    sign_in(client, api.tenant)
    name = _user(api, "viewer")
    login(client, api.tenant, name)
    action = f"{PAGE}/{name}/disable"
    client.post(action, data=_form(client.get(PAGE).text, action), follow_redirects=False)
    client.get("/language/zh")
    page = client.get("/console/audit")
    shown = re.sub(r"<[^>]+>", " ", page.text.split("<main", 1)[1])
    assert "结束的会话" in shown and "sessions_ended" not in shown


def test_a_user_who_can_no_longer_manage_keys_keeps_none_of_those_they_made(
    api: Api, client: TestClient
) -> None:
    """A key's token was shown once, to the owner who made it: disabling that owner, or
    making them anything but an owner, revokes the keys they made (and only theirs);
    bringing the user back does not bring the keys back."""
    leaving, demoted = _user(api, "owner"), _user(api, "owner")
    keys: dict[str, list[dict[str, Any]]] = {}
    for name in (leaving, demoted):
        session = login(client, api.tenant, name)
        keys[name] = [
            api.ok(api.post("/v1/api-keys", {"name": f"{name} {n}", "role": role}, token=session))
            for n, role in enumerate(("integrator", "owner"))
        ]
    kept = api.ok(
        api.post("/v1/api-keys", {"name": "the owner's own"}, token=login(client, api.tenant))
    )
    listed = {key["key_id"]: key for key in api.ok(api.get("/v1/api-keys"))}
    assert listed[kept["key_id"]]["created_by"] == "user:owner"
    assert {listed[key["key_id"]]["created_by"] for key in keys[leaving]} == {f"user:{leaving}"}

    def works(key: dict[str, Any]) -> bool:
        return api.get("/v1/members", token=key["token"]).status_code == 200

    assert all(works(key) for key in [*keys[leaving], *keys[demoted], kept])
    changed = api.ok(api.patch(f"/v1/users/{leaving}", {"disabled": True}))
    assert changed["keys_revoked"] == sorted(key["key_id"] for key in keys[leaving])
    assert not any(works(key) for key in keys[leaving])
    assert all(works(key) for key in [*keys[demoted], kept])

    api.ok(api.patch(f"/v1/users/{leaving}", {"disabled": False}))  # back: the keys are not
    assert not any(works(key) for key in keys[leaving])
    assert api.ok(api.patch(f"/v1/users/{demoted}", {"role": "owner"}))["keys_revoked"] == []
    assert all(works(key) for key in keys[demoted])  # still an owner: nothing is taken

    sign_in(client, api.tenant)
    client.get("/language/zh")
    action = f"{PAGE}/{demoted}/role"
    form = {**_form(client.get(PAGE).text, action), "role": "operator"}
    assert client.post(action, data=form, follow_redirects=False).status_code == 303
    page = client.get(PAGE).text
    assert (
        f"已修改 {demoted} 的角色；该用户不再是所有者，其创建的 2 个 API 密钥已一并吊销。" in page
    )
    assert not any(works(key) for key in keys[demoted]) and works(kept)
    row = re.search(rf'<tr data-key="{kept["key_id"]}"[^>]*>(.*?)</tr>', page, re.S)
    assert row is not None and 'data-made-by="user:owner"' in row.group(1)

    revoked = [row for row in _audit(api, "api_key.revoke")]
    assert sorted(row["target"] for row in revoked) == sorted(
        f"key:{key['key_id']}" for key in [*keys[leaving], *keys[demoted]]
    )
    assert {row["after"]["maker"] for row in revoked} == {leaving, demoted}
    shown = re.sub(r"<[^>]+>", " ", client.get("/console/audit").text.split("<main", 1)[1])
    assert "随之吊销的 API 密钥" in shown and "密钥创建者" in shown
    assert "keys_revoked" not in shown and "maker" not in shown


def test_keys_made_before_their_maker_was_kept_take_it_from_the_audit_log(
    api: Api, client: TestClient, context: Context
) -> None:
    """Migration 0026 fills `created_by` of the keys made before it from the audit log's
    `api_key.create` records; a key the log holds no record of is no user's (NULL)."""
    maker = _user(api, "owner")
    session = login(client, api.tenant, maker)
    made = [api.ok(api.post("/v1/api-keys", {"name": f"k{n}"}, token=session)) for n in range(2)]
    a = t.audit_log.c
    with context.database.write() as connection:  # the second key's record is gone
        connection.execute(
            delete(t.audit_log).where(
                a.tenant_id == api.tenant, a.target == f"key:{made[1]['key_id']}"
            )
        )
    down_and_up(context, "0025")
    k = t.api_keys.c
    with context.database.read() as connection:
        rows = connection.execute(
            select(k.key_id, k.created_by).where(k.tenant_id == api.tenant)
        ).all()
    assert dict(rows) == {made[0]["key_id"]: f"user:{maker}", made[1]["key_id"]: None}
    revoked = api.ok(api.patch(f"/v1/users/{maker}", {"disabled": True}))["keys_revoked"]
    assert revoked == [made[0]["key_id"]]
