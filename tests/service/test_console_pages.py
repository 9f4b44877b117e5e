"""The console's and the member page's HTTP side (the browser tests are in tests/e2e):
sign-in, the session cookie, CSRF, roles, and refusals shown as pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import PASSWORD, Api, enter_member_page
from zengzhi.service import simulations


def sign_in(client: TestClient, tenant: str, username: str = "owner") -> str:
    """Sign the client in; the CSRF token of its session."""
    response = client.post(
        "/console/login",
        data={"tenant": tenant, "username": username, "password": PASSWORD, "next": "/console"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert "HttpOnly" in response.headers["set-cookie"]
    assert "SameSite=lax" in response.headers["set-cookie"]
    page = client.get("/console/pools")
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert found is not None
    return found.group(1)


def checked(client: TestClient, path: str, data: dict[str, str]) -> dict[str, str]:
    """Check a configuration form's change; the form to save it, with the digest of the
    change checked that the review's Save carries."""
    review = client.post(path, data={**data, "action": "check"})
    assert review.status_code == 200 and 'id="lint-heading"' in review.text, review.text
    digest = re.search(r'name="checked" value="([0-9a-f]{64})"', review.text)
    assert digest is not None
    return {**data, "checked": digest.group(1), "action": "save"}


def test_pages_need_a_session_and_go_back_after_sign_in(api: Api) -> None:
    client = api.client
    response = client.get("/console/members?q=m", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login?next=/console/members%3Fq%3Dm"
    refused = client.post(
        "/console/login", data={"tenant": api.tenant, "username": "owner", "password": "nope"}
    )
    assert refused.status_code == 401 and "unknown tenant, user or password" in refused.text
    landed = client.post(
        "/console/login",
        data={
            "tenant": api.tenant,
            "username": "owner",
            "password": PASSWORD,
            "next": "https://evil.example/",
        },
        follow_redirects=False,
    )
    assert landed.headers["location"] == "/console"  # never a redirect off the site
    client.cookies.clear()
    client.cookies.set("zz_console", api.as_role("integrator"), path="/console")
    assert client.get("/console", follow_redirects=False).status_code == 303  # keys: no


def test_a_form_sent_after_the_session_ended_leads_back_to_its_page_said_undone(
    api: Api,
) -> None:
    """An approval sent once the session had ended went to sign in with `next` the
    form's own address: signed in again, the user landed on "not found" (the address
    takes a POST only), never told the approval was not done."""
    client = api.client
    page = f"{client.base_url}/console/withdrawals?status=held"
    sent = client.post(
        "/console/withdrawals/w-1/approve",
        data={"csrf": "0" * 64},
        headers={"Referer": page},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    location = sent.headers["location"]
    assert location == "/console/login?next=/console/withdrawals%3Fstatus%3Dheld&unsent=1"
    client.cookies.set("zz_lang", "zh")
    told = client.get(location)
    assert "刚才提交的内容没有保存，也没有执行" in told.text
    assert 'name="next" value="/console/withdrawals?status=held"' in told.text
    elsewhere = client.post(  # from another site, or no Referer: the console's home
        "/console/withdrawals/w-1/approve",
        headers={"Referer": "https://evil.example/console/x"},
        follow_redirects=False,
    )
    assert elsewhere.headers["location"] == "/console/login?next=/console&unsent=1"
    assert "没有执行" not in client.get("/console/login?next=/console").text


def test_forms_need_their_csrf_token(api: Api) -> None:
    api.pool()
    client = api.client
    csrf = sign_in(client, api.tenant)
    body = {"id": "x1", "amount": "100.00"}
    forged = client.post("/console/pools/main/subsidy", data=body)
    assert forged.status_code == 403 and "This form has expired." in forged.text
    assert api.ok(api.get("/v1/pools/main"))["balance"] == "0.00"
    made = client.post(
        "/console/pools/main/subsidy", data={**body, "csrf": csrf}, follow_redirects=False
    )
    assert made.status_code == 303
    assert api.ok(api.get("/v1/pools/main"))["balance"] == "100.00"
    again = client.post(
        "/console/pools/main/subsidy", data={**body, "csrf": csrf}, follow_redirects=False
    )
    assert again.status_code == 303  # the same form twice applies once
    assert api.ok(api.get("/v1/pools/main"))["balance"] == "100.00"


def test_a_role_sees_and_does_only_what_the_api_lets_it(api: Api) -> None:
    api.pool()
    viewer = f"viewer-{api.tenant}"
    api.ok(api.post("/v1/users", {"username": viewer, "password": PASSWORD, "role": "viewer"}))
    client = api.client
    csrf = sign_in(client, api.tenant, viewer)
    config = client.get("/console/config")
    assert config.status_code == 200 and "Open a pool" not in config.text
    assert 'href="/console/simulations"' not in config.text  # no simulations for viewers
    refused = client.post("/console/config/pools", data={"id": "p2", "csrf": csrf})
    assert refused.status_code == 403 and "the viewer role may not configure" in refused.text
    assert [p["id"] for p in api.ok(api.get("/v1/pools"))] == ["main"]
    assert client.get("/console/simulations").status_code == 403


def test_a_refused_form_keeps_its_values_and_names_the_field(api: Api) -> None:
    api.pool()
    csrf = sign_in(api.client, api.tenant)
    split = {"price": "10.00", "cost": "7.00", "contribution": "3.00"}
    product = {"csrf": csrf, "id": "p1", **split, "pool": "nope"}
    for action in ("check", "save"):  # Check refuses at the field what Save would
        response = api.client.post("/console/config/products", data={**product, "action": action})
        assert response.status_code in (404, 422), action
        assert 'id="e-pool"' in response.text and "unknown pool" in response.text, action
    assert 'value="10.00"' in response.text
    assert api.get("/v1/products/p1").status_code == 404
    unknown = api.client.get("/console/members/nobody")
    assert unknown.status_code == 404 and "unknown member" in unknown.text


def test_the_member_page_takes_a_token_once_into_a_cookie(api: Api) -> None:
    api.pool()
    api.member("m1", name="Ann")
    api.completed_order("o1", "m1")
    issued = api.ok(api.post("/v1/members/m1/page-token"))
    client = api.client
    client.cookies.clear()
    assert client.get("/m").status_code == 401
    bad = enter_member_page(client, {"path": "/m/enter#token=forged"})
    assert bad.status_code == 401 and "has expired" in bad.text
    entered = enter_member_page(client, issued)
    assert entered.status_code == 303 and entered.headers["location"] == "/m"
    home = client.get("/m")
    assert home.status_code == 200 and "Hello, Ann" in home.text and "210.0000" in home.text
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', home.text)
    assert csrf is not None
    quote = client.post(
        "/m/sell/quote", data={"csrf": csrf.group(1), "pool": "main", "points": "10"}
    )
    assert quote.status_code == 200 and "Confirm your sale" in quote.text
    forged = client.post("/m/sell", data={"pool": "main", "points": "10", "id": "a"})
    assert forged.status_code == 403
    too_many = client.post(
        "/m/sell/quote", data={"csrf": csrf.group(1), "pool": "main", "points": "999"}
    )
    assert too_many.status_code == 422 and 'id="sell-error-main"' in too_many.text
    assert api.ok(api.get("/v1/members/m1/wallet"))["balance"] == "0.00"


def test_the_simulations_form_without_shipped_scenarios_offers_no_or(
    api: Api, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Installed as a package (the image: `pip install .`), the console has no shipped
    scenarios (examples/ is the project's folder): the form's only field read "Or upload
    a scenario", and its hint spoke of the shipped scenario an upload replaces."""
    client = api.client
    sign_in(client, api.tenant)
    shown = client.get("/console/simulations").text
    assert 'id="f-shipped"' in shown and "Or upload a scenario" in shown  # from the project
    monkeypatch.setattr(simulations, "SHIPPED", tmp_path / "none")
    alone = client.get("/console/simulations").text
    assert 'id="f-shipped"' not in alone and 'id="f-upload"' in alone
    assert "Or upload" not in alone and "instead of the shipped" not in alone
    client.cookies.set("zz_lang", "zh")
    assert "或上传" not in client.get("/console/simulations").text
