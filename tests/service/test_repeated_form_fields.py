"""A form field sent twice (`amount=1.00&amount=50.00`: a forged or hand-edited form)
is refused naming it, as the API refuses a key given twice and the pages an address's
parameter given twice: the pages took the last value, and the fuzzer of 2026-12-07
withdrew 50.00 on the member page and put 999.00 into a pool from the console where
1.00 was shown. Nothing is done. The rows ticked in a list (`ids`) are the one field a
form sends more than once. On SQLite and PostgreSQL."""

from __future__ import annotations

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in
from tests.service.test_page_notices import _csrf, _member_page


def test_a_member_page_form_with_a_field_twice_does_nothing(api: Api) -> None:
    client = _member_page(api)
    csrf = _csrf(client.get("/m").text)
    wallet = api.ok(api.get("/v1/members/m1/wallet"))
    for path, body in [
        ("/m/withdraw", [("id", "w1"), ("amount", "1.00"), ("amount", "50.00")]),
        ("/m/withdraw", [("id", "w1"), ("id", "w2"), ("amount", "1.00")]),
        ("/m/sell/quote", [("pool", "main"), ("points", "1"), ("points", "all")]),
    ]:
        sent = client.post(
            path,
            content="&".join(f"{k}={v}" for k, v in [("csrf", csrf), *body]),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept-Language": "zh-CN",
            },
            follow_redirects=True,
        )
        assert sent.status_code == 422, (path, sent.status_code, sent.text[:300])
        assert "出现了不止一次" in sent.text, path
    assert api.ok(api.get("/v1/members/m1/wallet")) == wallet
    assert api.ok(api.get("/v1/withdrawals")) == []


def test_a_console_form_with_a_field_twice_does_nothing(api: Api) -> None:
    api.pool()
    csrf = sign_in(api.client, api.tenant)
    sent = api.client.post(
        "/console/pools/main/subsidy",
        content=f"csrf={csrf}&id=x1&amount=1.00&amount=999.00",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert sent.status_code == 422 and "is given more than once" in sent.text, sent.text[:300]
    assert api.ok(api.get("/v1/pools/main"))["balance"] == "0.00"
    audited = [entry["action"] for entry in api.ok(api.get("/v1/audit-log"))]
    assert "pool.subsidy" not in audited
    once = api.client.post(
        "/console/pools/main/subsidy",
        data={"csrf": csrf, "id": "x1", "amount": "1.00"},
        follow_redirects=False,
    )
    assert once.status_code == 303
    assert api.ok(api.get("/v1/pools/main"))["balance"] == "1.00"
