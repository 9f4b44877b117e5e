"""A form whose CSRF token is stale (a tab opened before signing in again) is said as
one thing: the form has expired, reload it; never "your role may not do this", and the
reason once (report F7)."""

from __future__ import annotations

import re

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in
from tests.service.test_page_notices import _member_page


def test_a_stale_console_form_says_it_expired_once(api: Api) -> None:
    api.pool()
    client = api.client
    sign_in(client, api.tenant)
    client.get("/language/zh")
    stale = client.post(
        "/console/pools/main/subsidy",
        data={"csrf": "0" * 64, "id": "x1", "amount": "1.00"},
        headers={"referer": "http://testserver/console/pools"},
    )
    assert stale.status_code == 403
    main = stale.text.split("<main")[1]
    assert "无权" not in main  # not a matter of the role
    assert main.count("已过期") == 1, main
    assert "(csrf)" not in main and "csrf" not in re.sub(r"<[^>]+>", "", main)
    assert 'href="/console/pools"' in main  # the way back to the form
    assert api.ok(api.get("/v1/pools/main"))["balance"] == "0.00"


def test_a_stale_member_form_says_it_expired_once(api: Api) -> None:
    client = _member_page(api)
    stale = client.post("/m/withdraw/quote", data={"csrf": "0" * 64, "amount": "1.00"})
    assert stale.status_code == 403
    main = stale.text.split("<main")[1]
    assert "Your role" not in main
    assert main.count("has expired") == 1, main
