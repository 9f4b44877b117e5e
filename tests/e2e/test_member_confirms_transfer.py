"""A WeChat Pay transfer (商家转账) waiting for its payee, confirmed from the member page
on a phone in WeChat's browser: the button hands WeChat the merchant, the app and the
transfer's package (WeixinJSBridge's requestMerchantTransfer, stood in for by a script
that records what it was asked), and the page says what WeChat's answer means; outside
WeChat it says where to open the page. The transfer is sent by this process (the job's
part) to a fake WeChat Pay; the server only reads what was recorded."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, expect
from pydantic import SecretStr

from tests import server_process
from tests.e2e.conftest import PHONE, TENANT, Server, new_context
from tests.service.fake_gateways import FakeWechat, LosingTransport, package_of
from zengzhi.service import gateway_payouts
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.settings import Settings
from zengzhi.store.database import Database

MEMBER, WITHDRAWAL, OPENID = "cf-payee", "cf-w1", "oCf8uMuAJO_M2pxb1Q9zNjWeS6o"
# WeChat's browser's bridge, as far as this page uses it: what it was asked, and `answer`
BRIDGE = """
window.__asked = [];
window.WeixinJSBridge = {invoke: function (name, args, done) {
  window.__asked.push([name, args]);
  setTimeout(function () { done({err_msg: "%s"}); }, 10);
}};
"""


@contextmanager
def a_waiting_transfer(server: Server) -> Iterator[str]:
    """cf-w1 sent to a fake WeChat Pay, whose payee has yet to confirm it: its package.
    The adapter is manual again after (what the other tests' withdrawals expect)."""
    fake = FakeWechat(lambda: datetime.now(UTC))
    with server.api() as api, server.owner() as owner:
        assert api.post("/v1/members", json={"id": MEMBER, "name": "周九"}).status_code == 201
        order = {"id": "cf-o", "member": MEMBER, "amount": "2000.00", "contribution": "600.00"}
        assert api.post("/v1/orders", json=order).status_code == 201
        assert api.post("/v1/orders/cf-o/pay").status_code == 200
        api.post("/v1/orders/cf-o/complete")
        sold = api.post(f"/v1/members/{MEMBER}/sell", json={"id": "cf-s", "points": "all"})
        assert sold.status_code < 300, sold.text
        payee = {"method": "wechat", "real_name": "周九", "account": OPENID}
        assert api.put(f"/v1/members/{MEMBER}/payee", json=payee).status_code == 200, payee
        verified = api.patch(f"/v1/members/{MEMBER}", json={"real_name_verified": True})
        assert verified.status_code == 200, verified.text
        fake.accounts[OPENID] = "周九"
        asked = api.post(
            f"/v1/members/{MEMBER}/withdrawals", json={"id": WITHDRAWAL, "amount": "10.00"}
        )
        assert asked.status_code == 201, asked.text
        wechat = {"adapter": "wechat", "wechat": fake.config()}
        assert owner.put("/v1/payments/adapter", json=wechat).status_code == 200
        try:
            assert owner.post(f"/v1/withdrawals/{WITHDRAWAL}/approve").status_code == 200
            fake.next = "pending"  # the payee has to confirm in WeChat
            yield send(server, fake)
        finally:
            manual = owner.put("/v1/payments/adapter", json={"adapter": "manual"})
            assert manual.status_code == 200, manual.text


def send(server: Server, fake: FakeWechat) -> str:
    """cf-w1 sent as the job sends it (this process, the server's database and secret):
    the package WeChat Pay answered."""
    settings = Settings(
        database_url=server.database_url,
        secret_key=SecretStr(server.secret),
        payee_keys=SecretStr(server_process.PAYEE_KEY),  # what sealed the adapter's keys
    )
    context = Context(Database(server.database_url), settings)
    transport = LosingTransport(
        TestClient(fake.app, base_url="https://api.mch.weixin.qq.com"), fake
    )
    try:
        with httpx.Client(transport=transport) as client:
            principal = Principal(TENANT, "user:owner", Role.OWNER)
            sent = gateway_payouts.request_payout(context, principal, WITHDRAWAL, client)
    finally:
        context.database.dispose()
    assert sent.status == "paying"
    [transfer] = fake.transfers.values()
    return package_of(transfer.out_no)


def on_a_phone(browser: Browser, server: Server, bridge: str | None) -> Page:
    """The member's page in Chinese on a phone: in WeChat's browser (its bridge answering
    `bridge`), or outside it."""
    context = new_context(browser, server, **PHONE)
    context.add_cookies([{"name": "zz_lang", "value": "zh", "url": server.url}])
    if bridge is not None:
        context.add_init_script(BRIDGE % bridge)
    with server.api() as api:
        url = api.post(f"/v1/members/{MEMBER}/page-token").json()["url"]
    page = context.new_page()
    page.goto(url)
    expect(page).to_have_url(re.compile(r"/m$"))
    return page


def test_a_member_confirms_a_wechat_transfer_on_the_member_page(
    browser: Browser, server: Server
) -> None:
    with a_waiting_transfer(server) as package:
        in_wechat = on_a_phone(browser, server, "requestMerchantTransfer:cancel")
        line = in_wechat.locator("li", has_text="已通过微信转账，请在微信中确认收款")
        confirm = line.get_by_role("button", name="确认收款")
        confirm.click()  # shown, then the member backs out
        expect(line.get_by_role("status")).to_have_text("没有确认收款：可以再点一次“确认收款”")
        expect(confirm).to_be_enabled()
        asked = in_wechat.evaluate("window.__asked")
        assert asked == [
            [
                "requestMerchantTransfer",
                {"mchId": "1900000109", "appId": "wx8888888888888888", "package": package},
            ]
        ]
        in_wechat.context.close()

        confirmed = on_a_phone(browser, server, "requestMerchantTransfer:ok")
        line = confirmed.locator("li", has_text="已通过微信转账，请在微信中确认收款")
        line.get_by_role("button", name="确认收款").click()
        expect(line.get_by_role("status")).to_have_text(
            "已确认收款：微信支付打款后，这里显示“已打款”"
        )
        expect(line.get_by_role("button")).to_be_hidden()
        confirmed.context.close()

        outside = on_a_phone(browser, server, None)
        line = outside.locator("li", has_text="已通过微信转账，请在微信中确认收款")
        line.get_by_role("button", name="确认收款").click()
        expect(line.get_by_role("status")).to_have_text("请在微信中打开本页，再点“确认收款”")
        outside.context.close()
