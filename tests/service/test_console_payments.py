"""The console's payments tab (配置 › 收款与打款): every reader sees the adapter in use,
where its gateway sends notifications and what it sent or had refused; the owner alone
changes the adapter, one form an adapter, refusals said at the field they name and no
key ever written back into a page; the webhook adapter's shared secret on the answer
page only."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.service.conftest import PASSWORD, Api, Clock
from tests.service.fake_gateways import FakeWechat
from tests.service.test_console_pages import sign_in
from tests.service.test_payments import an_order, notify
from zengzhi.web.pages import LANGUAGE_COOKIE

PAGE = "/console/config/payments"


def _adapter(api: Api) -> dict[str, str]:
    return dict(api.ok(api.get("/v1/payments/adapter")))


def _chinese(client: TestClient) -> None:
    client.cookies.set(LANGUAGE_COOKIE, "zh")


def _field_error(page: str, name: str) -> str:
    """The refusal shown under the form's field `name`."""
    found = re.search(rf'id="e-{re.escape(name)}" role="alert">(.*?)</p>', page, re.S)
    assert found is not None, (name, re.findall(r'id="e-([^"]+)"', page))
    return found.group(1)


def test_a_reader_sees_the_adapter_and_cannot_change_it(api: Api) -> None:
    client = api.client
    for role in ("operator", "finance", "viewer"):
        name = f"r-{role}"
        api.ok(api.post("/v1/users", {"username": name, "password": PASSWORD, "role": role}))
        client.cookies.clear()
        _chinese(client)
        csrf = sign_in(client, api.tenant, name)
        page = client.get(PAGE)
        assert page.status_code == 200, role
        assert 'data-adapter="manual"' in page.text and "手动（后台标记）" in page.text
        assert "只有所有者可以更改" in page.text
        assert f'action="{PAGE}/webhook"' not in page.text  # no form to send
        body = {"csrf": csrf, "payout_url": "https://pay.example/payouts"}
        assert client.post(f"{PAGE}/webhook", data=body).status_code == 403, role
        assert _adapter(api)["adapter"] == "manual"  # nothing changed


def test_the_webhook_secret_is_shown_once_and_the_owner_switches_back(
    api: Api, clock: Clock
) -> None:
    client = api.client
    _chinese(client)
    csrf = sign_in(client, api.tenant)
    page = client.get(PAGE)
    assert 'href="/console/config/payments" aria-current="page"' in page.text
    assert "收款与打款" in page.text and "还没有收到网关通知" in page.text

    body = {
        "csrf": csrf,
        "payout_url": "https://pay.example/payouts",
        "tolerance_seconds": "６００",
    }
    saved = client.post(f"{PAGE}/webhook", data=body)
    assert saved.status_code == 200, saved.text
    secret = re.search(r'id="secret" type="text" readonly value="(whsec_[^"]+)"', saved.text)
    assert secret is not None and "只显示这一次" in saved.text
    assert saved.headers["cache-control"] == "no-store"
    adapter = _adapter(api)
    assert (adapter["adapter"], adapter["tolerance_seconds"]) == ("webhook", 600)
    again = client.get(PAGE).text
    assert secret.group(1) not in again  # never again
    assert f"http://testserver/v1/gateway/{api.tenant}/notifications" in again
    assert "600 秒" in again and "https://pay.example/payouts" in again

    # the secret on the page signs the gateway's notifications; a forged one is kept refused
    an_order(api)
    payment = {"id": "n1", "type": "payment.succeeded", "order": "A1", "amount": "1000.00"}
    assert notify(api, secret.group(1), clock, payment).status_code == 200
    forged = notify(api, "whsec_" + "A" * 43, clock, {**payment, "id": "n2"})
    assert forged.status_code == 401
    listed = client.get(PAGE).text
    notifications = listed[listed.index('id="notifications"') : listed.index('id="refusals"')]
    assert "付款成功" in notifications and "订单 A1" in notifications and "n1" in notifications
    refusals = listed[listed.index('id="refusals"') :]
    assert "签名不符" in refusals and "n2" not in notifications

    switched = client.post(f"{PAGE}/manual", data={"csrf": csrf}, follow_redirects=False)
    assert switched.status_code == 303
    assert "已改为手动" in client.get(PAGE).text
    assert _adapter(api)["adapter"] == "manual"
    audit = [row["action"] for row in api.ok(api.get("/v1/audit-log"))]
    assert audit.count("payments.adapter") == 2, audit


def test_a_refused_gateway_form_names_its_field_and_shows_no_key(api: Api, clock: Clock) -> None:
    client = api.client
    _chinese(client)
    csrf = sign_in(client, api.tenant)
    config = FakeWechat(clock).config()
    form = {
        "csrf": csrf,
        "tolerance_seconds": "300",
        **{f"wechat.{name}": value for name, value in config.items() if name != "api_url"},
        "wechat.platform_certificates": "\n".join(config["platform_certificates"]),
    }
    bad_key = "-----BEGIN PRIVATE KEY-----\n" + "Q" * 120 + "\n-----END PRIVATE KEY-----"
    refused = client.post(f"{PAGE}/wechat", data={**form, "wechat.private_key": bad_key})
    assert refused.status_code == 422, refused.text
    assert "不是 PEM 格式的私钥" in _field_error(refused.text, "wechat.private_key")
    assert 'id="form-wechat" open' in refused.text
    assert config["mchid"] in refused.text  # what was typed stays, but the keys
    assert "Q" * 120 not in refused.text and config["apiv3_key"] not in refused.text
    short = client.post(f"{PAGE}/wechat", data={**form, "wechat.apiv3_key": "short"})
    assert short.status_code == 422
    assert _field_error(short.text, "wechat.apiv3_key")
    assert _adapter(api)["adapter"] == "manual"  # nothing changed

    saved = client.post(f"{PAGE}/wechat", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    adapter = _adapter(api)
    assert (adapter["adapter"], adapter["merchant"]) == ("wechat", config["mchid"])
    page = client.get(PAGE).text
    assert "已保存微信支付设置" in page and "商户号" in page and config["mchid"] in page
    assert "PRIVATE KEY" not in page and config["apiv3_key"] not in page
    assert f'action="{PAGE}/certificates/refresh"' in page


def test_an_unknown_adapter_is_no_page(api: Api) -> None:
    client = api.client
    csrf = sign_in(client, api.tenant)
    assert client.post(f"{PAGE}/paypal", data={"csrf": csrf}).status_code == 404
    assert _adapter(api)["adapter"] == "manual"


def test_the_manual_adapter_in_use_has_nothing_to_switch_to(api: Api) -> None:
    """Manual in use, its form said 改为手动 (switch to manual); sent, it said the adapter
    was changed and logged every field as set from nothing, in English (adapter （无）→
    manual, payout_url, …). The form says manual is in use and offers no button; the API's
    same adapter sent again logs nothing; a real change is logged with its fields' names."""
    client = api.client
    _chinese(client)
    sign_in(client, api.tenant)
    page = client.get(PAGE).text
    manual = page[
        page.index('id="form-manual"') : page.index("</details>", page.index('id="form-manual"'))
    ]
    assert "当前使用手动打款" in manual and "改为手动" not in manual
    api.ok(api.put("/v1/payments/adapter", {"adapter": "manual"}))
    assert [row["action"] for row in api.ok(api.get("/v1/audit-log"))] == []
    api.ok(api.put("/v1/payments/adapter", {"adapter": "manual", "tolerance_seconds": 600}))
    (logged,) = api.ok(api.get("/v1/audit-log"))
    assert logged["action"] == "payments.adapter"
    assert logged["before"]["adapter"] == "manual" and logged["after"]["tolerance_seconds"] == 600
    shown = client.get("/console/audit").text
    assert ">签名有效期（秒）</dt>" in shown and ">tolerance_seconds<" not in shown
