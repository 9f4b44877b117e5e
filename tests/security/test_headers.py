"""Issue 15, items 11 and 12: no page of the server can be framed or sniffed, the
session cookies are Secure by a setting (not by the request's scheme), and the member
page takes its token neither from a GET link nor from another site."""

from __future__ import annotations

import logging
import re
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from tests.security.conftest import sqlite_only
from tests.service.conftest import PASSWORD, Api, enter_member_page
from tests.service.test_console_pages import sign_in
from zengzhi.api.guard import RedactTokens, redact
from zengzhi.app import create_app
from zengzhi.service.base import Context
from zengzhi.service.settings import Settings


@sqlite_only  # headers, cookies and forms: before any SQL
def test_every_answer_forbids_framing_and_sniffing(api: Api) -> None:
    for path in ("/console/login", "/console/withdrawals", "/m", "/v1/pools", "/docs", "/nope"):
        response = api.client.get(path, headers={"Authorization": f"Bearer {api.token}"})
        assert response.headers["x-frame-options"] == "DENY", path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"] == "same-origin", path
    page = api.client.get("/console/login").headers["content-security-policy"]
    assert "script-src 'self'" in page and "object-src 'none'" in page
    assert "style-src 'self';" in page and "unsafe-inline" not in page  # no inline styles


@sqlite_only  # headers, cookies and forms: before any SQL
def test_session_cookies_are_secure_unless_the_setting_says_otherwise(
    api: Api, context: Context
) -> None:
    assert Settings(database_url="sqlite://").cookie_secure  # the default, outside --demo
    secure = replace(context, settings=context.settings.model_copy(update={"cookie_secure": True}))
    with TestClient(create_app(secure), base_url="http://testserver") as client:
        form = {"tenant": api.tenant, "username": "owner", "password": PASSWORD}
        signed_in = client.post("/console/login", data=form, follow_redirects=False)
        assert signed_in.status_code == 303
        cookie = signed_in.headers["set-cookie"]
        assert cookie.startswith("zz_console=") and "Secure" in cookie and "HttpOnly" in cookie
        entrance = client.get("/m/enter").headers["set-cookie"]
        assert "Secure" in entrance and "SameSite=strict" in entrance
    plain = api.client.post(
        "/console/login",
        data={"tenant": api.tenant, "username": "owner", "password": PASSWORD},
        follow_redirects=False,
    )
    assert "Secure" not in plain.headers["set-cookie"]  # cookie_secure=False (the tests')


@sqlite_only  # headers, cookies and forms: before any SQL
def test_the_member_page_takes_no_token_from_a_get_link(api: Api) -> None:
    api.member("m1")
    issued = api.ok(api.post("/v1/members/m1/page-token"))
    assert "?" not in issued["path"] and issued["path"].startswith("/m/enter#token=")
    assert issued["url"].endswith(issued["path"])
    client = api.client
    client.cookies.clear()
    token = issued["token"]
    old_link = client.get(f"/m/enter?token={token}", follow_redirects=False)
    assert old_link.status_code == 200 and "zz_member" not in old_link.headers.get("set-cookie", "")
    assert client.get("/m").status_code == 401  # not signed in by a GET
    entered = enter_member_page(client, issued)
    assert entered.status_code == 303 and "zz_member=" in entered.headers["set-cookie"]
    assert client.get("/m").status_code == 200


@sqlite_only  # headers, cookies and forms: before any SQL
def test_no_other_site_can_sign_a_browser_in(api: Api) -> None:
    """Login CSRF: a form on another site posting a token of the attacker's choosing."""
    api.member("m1")
    issued = api.ok(api.post("/v1/members/m1/page-token"))
    client = api.client
    client.cookies.clear()
    # without the entrance's one-time value (another site cannot read or set it)
    forged = client.post("/m/enter", data={"token": issued["token"], "nonce": "x" * 32})
    assert forged.status_code == 403
    page = client.get("/m/enter")
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text)
    assert nonce is not None
    body = {"token": issued["token"], "nonce": nonce.group(1)}
    for headers in (
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
    ):
        refused = client.post("/m/enter", data=body, headers=headers, follow_redirects=False)
        assert refused.status_code == 403, headers
        assert "zz_member" not in refused.headers.get("set-cookie", "")
    # behind a proxy that sends its own Host, the browser's Sec-Fetch-Site still says
    proxied = {"Origin": "https://shop.example", "Sec-Fetch-Site": "same-origin"}
    same = client.post("/m/enter", data=body, headers=proxied, follow_redirects=False)
    assert same.status_code == 303
    # the console's sign-in form likewise
    form = {"tenant": api.tenant, "username": "owner", "password": PASSWORD}
    cross = client.post("/console/login", data=form, headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403


def test_the_access_log_prints_no_token() -> None:
    assert redact("/m/enter?token=eyJhbGciOi.x.y&lang=en") == "/m/enter?token=…&lang=en"
    assert redact("/x?a=1&key=zz1.t.k.s") == "/x?a=1&key=…"
    assert redact("/v1/pools?limit=5") == "/v1/pools?limit=5"
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/m/enter?token=secret-token", "1.1", 200),
        None,
    )
    assert RedactTokens().filter(record)
    assert "secret-token" not in record.getMessage()
    assert logging.getLogger("uvicorn.access").filters  # installed by create_app


@sqlite_only  # headers only
def test_a_simulation_reports_own_policy_still_forbids_framing_and_scripts(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report file sets its own policy (its inline styles), so the guard's page policy
    is not added to it: its own must forbid framing as every page's does, and since a
    report runs no script and is made from an operator's uploaded scenario, any script."""
    from zengzhi.web.console import simulations as pages  # noqa: PLC0415

    monkeypatch.setattr(pages.simulations, "report_file", lambda *_: b"<h1>report</h1>")
    sign_in(api.client, api.tenant)
    answer = api.client.get("/console/simulations/20261121T090000-abcdef/files/report.html")
    assert answer.status_code == 200 and answer.text == "<h1>report</h1>"
    policy = {
        part.split()[0]: part.split()[1:]
        for part in answer.headers["content-security-policy"].split(";")
    }
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["script-src"] == ["'none'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]


@sqlite_only  # addresses: before any SQL
def test_a_trailing_slash_is_sent_to_its_route_on_this_site_whatever_the_host(
    api: Api,
) -> None:
    """Starlette sent `/v1/orders/` to the address written whole from the request's
    `Host` header: `Host: evil.example` was answered `Location: http://evil.example/…`
    (behind a proxy or cache that passes any host, another site's address in this one's
    answer). The address is relative now, the query kept, the method and body too
    (307); a path that only looks like another site (`//evil.example/`) is not sent."""
    headers = {"Authorization": f"Bearer {api.token}", "Host": "evil.example"}
    for path, where in (
        ("/v1/orders/", "/v1/orders"),
        ("/v1/orders///?status=paid&limit=5", "/v1/orders?status=paid&limit=5"),
        ("/console/", "/console"),
        ("/m/", "/m"),
        ("/docs/", "/docs"),
    ):
        moved = api.client.get(path, headers=headers, follow_redirects=False)
        assert (moved.status_code, moved.headers["location"]) == (307, where), path
        assert "evil" not in moved.text
    posted = api.client.post("/v1/members/", headers=headers, json={"id": "m1"})
    assert [step.status_code for step in posted.history] == [307]
    assert posted.status_code == 201 and posted.json()["id"] == "m1"  # the body went along
    for path in ("http://testserver//evil.example/", "/v1/nothing-here/"):
        lost = api.client.get(path, headers=headers, follow_redirects=False)
        assert lost.status_code == 404 and "location" not in lost.headers, path
