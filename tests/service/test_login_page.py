"""The sign-in page's refusals (report F14): a wrong password is said without a "please
sign in" headline above it, and a locked user is told when to try again in the tenant's
time zone, as every console time is written, not in UTC."""

from __future__ import annotations

import re

from tests.service.conftest import PASSWORD, Api


def _try(api: Api, password: str) -> str:
    answer = api.client.post(
        "/console/login",
        data={"tenant": api.tenant, "username": "owner", "password": password},
        follow_redirects=False,
    )
    return answer.text.split("<main")[1] if answer.status_code != 303 else ""


def test_a_wrong_password_has_no_sign_in_banner(api: Api) -> None:
    api.client.get("/language/zh")
    main = _try(api, "nope")
    assert "请先登录" not in main
    assert 'id="login-error"' in main  # the refusal itself is still said


def test_a_locked_user_reads_the_time_in_the_tenants_zone(api: Api) -> None:
    tenant = api.ok(api.get("/v1/tenant"))
    settings = {**tenant["settings"], "timezone": "Asia/Shanghai"}
    api.ok(api.put("/v1/tenant/settings", settings))
    api.client.get("/language/zh")
    for _ in range(5):
        _try(api, "nope")
    main = _try(api, PASSWORD)  # locked, even with the right password
    assert "登录失败次数过多：该用户可在" in main
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC\+8", main), main
    assert not re.search(r"\d\d:\d\d:\d\d UTC\b", main)
