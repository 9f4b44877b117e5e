"""Server-side request forgery through the payment gateway's address (the alipay
`gateway_url`, the wechat `api_url`: plain text, not a URL model that would normalize
it): a private address written in any form a resolver reads is refused when saved, as
127.0.0.1 is, and so is an address that is not http(s) or not an address at all (422
naming the adapter, never a 500)."""

from __future__ import annotations

import pytest

from tests.security.conftest import sqlite_only
from tests.service.conftest import Api, Clock
from tests.service.fake_gateways import FakeAlipay
from zengzhi.service.egress import check_target

HIDDEN_LOOPBACK = [
    "http://2130706433/gateway.do",  # 127.0.0.1 as one number
    "http://0x7f.1/gateway.do",  # hexadecimal, two parts
    "http://127.1/gateway.do",  # two parts
    "https://169.254.169.254./latest/meta-data",  # the cloud's metadata, with the root's dot
    "http://0/gateway.do",  # 0.0.0.0
    "http://0177.0.0.1/gateway.do",  # octal (httpx refuses to parse it at all)
]
NOT_WEB = ["file:///etc/passwd", "gopher://shop.example:6379/_x", "https://", "gateway.do"]


@sqlite_only  # refused before any SQL
@pytest.mark.parametrize("url", HIDDEN_LOOPBACK + NOT_WEB)
def test_a_gateway_address_in_another_form_is_refused(api: Api, clock: Clock, url: str) -> None:
    fake = FakeAlipay(clock)
    body = {"adapter": "alipay", "alipay": fake.config(gateway_url=url)}
    refused = api.put("/v1/payments/adapter", body)
    assert refused.status_code == 422, refused.text
    # not an http(s) address: refused by the field's own form, naming it (2026-12-07);
    # a private one by the egress check, naming the gateway
    named = "alipay.gateway_url" if url in NOT_WEB else "alipay"
    assert refused.json()["field"] == named, refused.text
    assert api.ok(api.get("/v1/payments/adapter"))["adapter"] == "manual"


def test_public_addresses_and_names_still_pass() -> None:
    for url in (
        "https://openapi.alipay.com/gateway.do",
        "https://8.8.8.8/x",
        "https://1.1.1.1./x",
        "https://123.example/x",
        "https://cafe.example/x",
    ):
        check_target(url, "alipay", allow_private=False)  # no refusal
