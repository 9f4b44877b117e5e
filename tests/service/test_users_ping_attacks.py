"""An attacker's look at the console's users page and the webhook test delivery (ping),
and what it found: a ping was a POST to an address of the tenant's choosing, as often
as the API was asked (each retried as every event), so a limit; a subscription's name
that resolves to a private address is refused when it is saved, not only when sent."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest

from tests.service.conftest import PASSWORD, Api, Clock
from tests.service.test_console_pages import sign_in
from tests.service.test_webhooks import outbox_events, subscribe
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.service import egress, users
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.users import NewApiKey, NewUser, UserChange
from zengzhi.service.webhook_delivery import dispatch


def test_pings_are_limited_to_ten_a_minute_for_a_tenant(
    api: Api, other: Api, context: Context, clock: Clock
) -> None:
    first, second = subscribe(api), subscribe(api)
    for n in range(10):
        hook = first if n % 2 else second  # the limit is the tenant's, not a subscription's
        assert api.post(f"/v1/webhooks/{hook['id']}/ping").status_code == 201
    refused = api.post(f"/v1/webhooks/{first['id']}/ping")
    assert refused.status_code == 429, refused.text
    assert refused.headers["retry-after"] == "60"
    assert refused.json()["code"] == "too_many"
    assert refused.json()["message"] == (
        "at most 10 test events a minute for a tenant: wait a minute, then send again"
    )
    assert len(outbox_events(context, api.tenant)) == 10  # the refused one wrote nothing
    assert other.post(f"/v1/webhooks/{subscribe(other)['id']}/ping").status_code == 201

    sign_in(api.client, api.tenant)  # the console's button: the same limit, said in Chinese
    api.client.get("/language/zh")
    page = f"/console/webhooks/{first['id']}"
    shown = api.client.get(page).text
    found = re.search(r'<form method="post" action="[^"]+/ping".*?</form>', shown, re.S)
    assert found is not None
    form = dict(re.findall(r'name="(csrf|id)" value="([^"]+)"', found.group(0)))
    pressed = api.client.post(f"{page}/ping", data=form, follow_redirects=False)
    assert pressed.status_code == 429
    assert "每个租户每分钟最多发送 10 个测试事件：请等一分钟再发送" in pressed.text
    assert "失败" not in pressed.text  # its heading is not sign-in's "too many failures"
    assert len(outbox_events(context, api.tenant)) == 10

    clock.advance(seconds=61)
    assert api.post(f"/v1/webhooks/{first['id']}/ping").status_code == 201


_ORIGINAL = socket.getaddrinfo


def _dns(answers: dict[str, str]) -> Callable[..., Any]:
    """getaddrinfo, as a DNS that answers `answers` (a name: its one address)."""

    def resolve(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port or 0))]
        return _ORIGINAL(host, port, *args, **kwargs)

    return resolve


def test_a_name_that_resolves_to_a_private_address_is_refused_when_saved(
    api: Api, context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    dns = {"metadata.cloud.example": "169.254.169.254", "shop.example": "93.184.216.34"}
    monkeypatch.setattr(socket, "getaddrinfo", _dns(dns))
    refused = api.post(
        "/v1/webhooks", {"url": "http://metadata.cloud.example/", "event_types": ["*"]}
    )
    assert refused.status_code == 422 and refused.json()["field"] == "url"
    assert refused.json()["message"] == (
        "metadata.cloud.example resolves to a private or local address: use a public one"
    )
    assert "169.254" not in refused.text  # what the server's network holds is not said
    hook = api.ok(api.post("/v1/webhooks", {"url": "https://shop.example/h", "event_types": ["*"]}))
    moved = api.patch(f"/v1/webhooks/{hook['id']}", {"url": "http://metadata.cloud.example/x"})
    assert moved.status_code == 422 and moved.json()["field"] == "url"
    zh = api.client.post(
        "/v1/webhooks",
        headers={"Authorization": f"Bearer {api.token}", "Accept-Language": "zh-CN"},
        json={"url": "http://metadata.cloud.example/", "event_types": ["*"]},
    )
    assert zh.json()["message"] == "metadata.cloud.example 解析到私有或本地地址：请使用公网地址"

    # a name that resolved to a public address when saved and to a private one when the
    # ping goes (DNS rebinding): refused at delivery, nothing connected
    dns["shop.example"] = "10.0.0.5"
    api.ok(api.post(f"/v1/webhooks/{hook['id']}/ping"))
    report = dispatch(context, api.tenant)
    assert (report.delivered, report.failed_attempts) == (0, 1)
    [delivery] = api.ok(api.get(f"/v1/webhooks/{hook['id']}/deliveries"))
    assert (
        delivery["last_error"]
        == "ConnectError: shop.example resolves to a private or local address"
    )

    allowing = replace(
        context, settings=context.settings.model_copy(update={"webhook_private_targets": True})
    )
    app: Any = api.client.app
    app.state.context = allowing
    try:  # a deployment that allows private receivers takes the name
        body = {"url": "http://metadata.cloud.example/", "event_types": ["*"]}
        assert api.post("/v1/webhooks", body).status_code == 201
    finally:
        app.state.context = context


def _refused(call: Callable[[], object]) -> ErrorCode:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value.code


def test_a_request_on_its_way_when_its_owner_was_disabled_or_demoted_does_nothing(
    api: Api, context: Context
) -> None:
    """The users' and keys' use cases read the acting user again in their own
    transaction: a request authenticated a moment before its owner was disabled or
    demoted (a principal made before that, as here) adds no user or key, and
    changes nobody. Without that, an owner being removed could keep a way in with a new
    owner key whose request was already on its way."""
    for name in ("ann", "bob"):
        body = {"username": name, "password": PASSWORD, "role": "owner"}
        api.ok(api.post("/v1/users", body))
    ann = Principal(api.tenant, "user:ann", Role.OWNER)  # as authenticated before the change
    bob = Principal(api.tenant, "user:bob", Role.OWNER)
    api.ok(api.patch("/v1/users/ann", {"disabled": True}))
    api.ok(api.patch("/v1/users/bob", {"role": "viewer"}))
    new_key = NewApiKey(name="way back in", role=Role.OWNER)
    new_user = NewUser(username="mallory", password=PASSWORD, role=Role.OWNER)
    enable, demote = UserChange(disabled=False, role=Role.OWNER), UserChange(role=Role.VIEWER)
    sign_out = users.revoke_user_sessions
    for stale, code in ((ann, ErrorCode.UNAUTHORIZED), (bob, ErrorCode.FORBIDDEN)):
        assert _refused(lambda p=stale: users.create_api_key(context, p, new_key)) == code
        assert _refused(lambda p=stale: users.create_user(context, p, new_user)) == code
        assert _refused(lambda p=stale: users.change_user(context, p, "ann", enable)) == code
        assert _refused(lambda p=stale: users.change_user(context, p, "owner", demote)) == code
        assert _refused(lambda p=stale: sign_out(context, p, "owner")) == code
    listed = {one["username"]: one for one in api.ok(api.get("/v1/users"))}
    assert "mallory" not in listed and listed["owner"]["role"] == "owner"
    assert listed["ann"]["disabled"] and listed["bob"]["role"] == "viewer"
    assert api.ok(api.get("/v1/api-keys")) == []

    # a key, revoked or not, manages no keys at all (tests/security/test_roles.py)
    key = api.ok(api.post("/v1/api-keys", {"name": "ops", "role": "owner"}))
    by_key = Principal(api.tenant, f"key:{key['key_id']}", Role.OWNER)
    assert _refused(lambda: users.create_api_key(context, by_key, new_key)) == (ErrorCode.FORBIDDEN)
    api.ok(api.delete(f"/v1/api-keys/{key['key_id']}"))
    assert _refused(lambda: users.create_api_key(context, by_key, new_key)) == (ErrorCode.FORBIDDEN)
    assert len(api.ok(api.get("/v1/api-keys"))) == 1


def test_a_ping_to_another_tenant_s_subscription_is_a_404(
    api: Api, other: Api, context: Context
) -> None:
    """A guard, not a fix: the subscription is looked up in the caller's tenant only."""
    theirs = subscribe(other)
    refused = api.post(f"/v1/webhooks/{theirs['id']}/ping")
    assert refused.status_code == 404 and refused.json()["field"] == "subscription"
    assert outbox_events(context, other.tenant) == []
    assert outbox_events(context, api.tenant) == []


def test_a_name_whose_dns_does_not_answer_is_refused_in_bounded_time(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lookup of a webhook address's name when it is saved had no time limit of its
    own: a name whose DNS server never answers held the request as long as the system's
    resolver retried. The lookup is given egress.LOOKUP_SECONDS (here 0.2 s, the DNS
    stub answering only after 3 s): refused (422, naming `url`, in Chinese too), nothing
    saved; a delivery's lookup fails its attempt as soon; a name that answers in time is
    saved as before."""
    answer = threading.Event()

    def silent(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "slow-dns.example":
            answer.wait(3)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port or 0))]
        return _ORIGINAL(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", silent)
    monkeypatch.setattr(egress, "LOOKUP_SECONDS", 0.2)
    body = {"url": "https://slow-dns.example/hooks", "event_types": ["*"]}
    try:
        started = time.monotonic()
        refused = api.post("/v1/webhooks", body)
        took = time.monotonic() - started
        assert refused.status_code == 422, refused.text
        assert refused.json() == {
            "code": "invalid",
            "message": "the DNS gave no answer for slow-dns.example within 0.2 seconds:"
            " check the name, or try again later",
            "field": "url",
        }
        assert took < 2, took
        zh = api.client.post(
            "/v1/webhooks",
            headers={"Authorization": f"Bearer {api.token}", "Accept-Language": "zh-CN"},
            json=body,
        )
        assert zh.json()["message"] == (
            "DNS 在 0.2 秒内没有回答 slow-dns.example 的查询：请检查域名，或稍后再试"
        )
        assert api.ok(api.get("/v1/webhooks")) == []
        # a delivery's lookup too: the attempt fails (kept, retried), in bounded time
        started = time.monotonic()
        with pytest.raises(httpx.ConnectError, match=r"no answer within 0\.2 seconds"):
            egress.PublicOnlyTransport().handle_request(httpx.Request("POST", body["url"]))
        assert time.monotonic() - started < 2
    finally:
        answer.set()
    saved = api.post("/v1/webhooks", body)  # the DNS answers at once now
    assert saved.status_code == 201, saved.text
