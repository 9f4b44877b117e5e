"""The withdrawals queue with a payout gateway (web/console/withdrawals.py): finance sends
an approved withdrawal to WeChat Pay or Alipay, reads its transfer on the row, asks what
became of it, and withdraws a WeChat Pay transfer its payee has not confirmed, in
Chinese, each answer said as the gateway's answer made it; what the service refuses is
said and changes nothing, and no button offers what it would refuse. Against the local
fake gateways (tests/service/fake_gateways.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest

from tests.served import ServedClient
from tests.service.conftest import PASSWORD, Api, Clock, enter_member_page
from tests.service.fake_gateways import FakeAlipay, FakeWechat, LosingTransport
from tests.service.test_console_pages import sign_in
from tests.service.test_gateway_adapters import (
    ALIPAY_ACCOUNT,
    OPENID,
    a_withdrawal,
    alipay,
    books_balance,
    service_reaches,
    wallet,
    wechat,
)
from zengzhi.service.base import Context

QUEUE = "/console/withdrawals"


def finance(api: Api) -> str:
    """The client signed in to the console as a new finance user, in Chinese: its CSRF."""
    api.ok(api.post("/v1/users", {"username": "fiona", "password": PASSWORD, "role": "finance"}))
    csrf = sign_in(api.client, api.tenant, "fiona")
    api.client.get("/language/zh")
    return csrf


def press(client: ServedClient, csrf: str, action: str, status: str) -> str:
    """A row's button on the queue's `status` tab: the page it goes back to."""
    back = f"{QUEUE}?status={status}"
    sent = client.post(
        f"{QUEUE}/w1/{action}", data={"csrf": csrf, "back": back}, follow_redirects=False
    )
    assert sent.status_code == 303 and sent.headers["location"] == back, sent.text
    return client.get(back).text


def buttons(page: str) -> set[str]:
    """What the row of w1 offers: the last part of each of its buttons' addresses."""
    return set(re.findall(r'action="/console/withdrawals/w1/([a-z/]+)"', page))


def notice(page: str) -> str:
    """What the page says the last form did, with what it refused, as text."""
    said = re.findall(r'<div class="notice[^"]*"[^>]*>(.*?)</div>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", "", one) for one in said).strip()


def at_the_gateway(
    api: Api, clock: Clock, monkeypatch: pytest.MonkeyPatch, gateway: str = "wechat"
) -> tuple[FakeWechat | FakeAlipay, LosingTransport, str]:
    """w1 approved, the tenant's adapter the fake `gateway`, which the service reaches;
    the client signed in as finance, in Chinese (its CSRF)."""
    fake, transport, _ = wechat(api, clock) if gateway == "wechat" else alipay(api, clock)
    a_withdrawal(api, fake, gateway, OPENID if gateway == "wechat" else ALIPAY_ACCOUNT)
    service_reaches(monkeypatch, transport)
    return fake, transport, finance(api)


def test_finance_sends_a_withdrawal_to_wechat_pay_and_withdraws_the_transfer(
    api: Api, clock: Clock, context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, _, csrf = at_the_gateway(api, clock, monkeypatch)
    approved = api.client.get(f"{QUEUE}?status=approved").text
    assert buttons(approved) == {"payout", "paid", "reject"} and "交给网关打款" in approved

    forged = api.client.post(f"{QUEUE}/w1/payout", data={"back": QUEUE}, follow_redirects=False)
    assert forged.status_code == 403 and fake.transfers == {}  # another site's form

    fake.next = "pending"  # the payee has to confirm it in WeChat
    paying = press(api.client, csrf, "payout", "paying")
    assert "提现 w1 已交给网关，网关尚未给出付款结果" in notice(paying), notice(paying)
    [transfer] = fake.transfers.values()
    assert f"微信支付转账单 {transfer.out_no}：等待会员确认或网关处理" in paying
    # only the gateway's answer settles it: no 标记已打款, no 驳回
    assert buttons(paying) == {"payout/reconcile", "payout/cancel"}
    assert wallet(api) == ("600.00", "1000.00")

    asked = press(api.client, csrf, "payout/reconcile", "paying")
    assert "网关仍在处理提现 w1" in notice(asked), notice(asked)
    # the member reads that it waits for them, not that it is on its way
    with ServedClient(api.client.app) as member:
        member.get("/language/zh")
        enter_member_page(member, api.ok(api.post("/v1/members/m1/page-token")))
        home = member.get("/m").text
    assert "已通过微信转账，请在微信中确认收款；确认后到账" in home, home

    fake.cancelled_as = "CANCELLED"
    after = press(api.client, csrf, "payout/cancel", "approved")
    assert "提现 w1 的转账已撤销，它回到“已通过”" in notice(after), notice(after)
    assert "未完成" not in notice(after)  # withdrawn as asked: no refusal said
    assert f"微信支付转账单 {transfer.out_no}：被拒绝" in after
    # its number is spent: sent again under a new one, or paid by hand, or rejected
    assert buttons(after) == {"payout", "paid", "reject"}
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "approved"

    fake.next = "pay"
    paid = press(api.client, csrf, "payout", "paid")
    assert "提现 w1 已交给网关，网关已付款。" in notice(paid), notice(paid)
    assert buttons(paid) == set() and "：已付款" in paid
    assert len(fake.paid()) == 1 and wallet(api) == ("600.00", "0.00")
    actions = [a["action"] for a in api.ok(api.get("/v1/audit-log"))]
    assert actions.count("withdrawal.payout_cancel") == 1
    books_balance(api, context)


def test_what_the_gateway_or_the_service_refuses_is_said_and_changes_nothing(
    api: Api, clock: Clock, context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, _, csrf = at_the_gateway(api, clock, monkeypatch)
    fake.accounts[OPENID] = "李四"  # WeChat Pay's real-name check fails
    refused = press(api.client, csrf, "payout", "approved")
    said = notice(refused)
    assert "网关没有为提现 w1 付款，它仍是“已通过”" in said, said
    assert buttons(refused) == {"payout", "paid", "reject"}  # a refused number is spent
    assert fake.paid() == [] and wallet(api) == ("600.00", "1000.00")

    api.ok(api.post("/v1/withdrawals/w1/reject", {"reason": "姓名不符"}))
    again = press(api.client, csrf, "payout", "rejected")  # another tab's button
    assert "没有交给网关" in notice(again) and "已驳回" in notice(again), notice(again)
    for action in ("payout/reconcile", "payout/cancel"):  # not being paid: refused
        page = press(api.client, csrf, action, "rejected")
        assert "已驳回" in notice(page), notice(page)
    assert [t for t in fake.transfers.values() if t.state == "SUCCESS"] == []
    assert wallet(api) == ("1600.00", "0.00")
    books_balance(api, context)


def test_a_transfer_that_never_arrived_is_said_in_chinese_and_sent_again(
    api: Api, clock: Clock, context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, transport, csrf = at_the_gateway(api, clock, monkeypatch)
    transport.mode = "down"  # the request never reaches WeChat Pay: no answer to trust
    unsure = press(api.client, csrf, "payout", "paying")
    assert "尚未给出付款结果" in notice(unsure) and "：尚无结果" in unsure, notice(unsure)
    transport.mode = "ok"
    asked = press(api.client, csrf, "payout/reconcile", "approved")
    said = notice(asked)
    assert "网关没有为提现 w1 付款，它回到“已通过”" in said, said
    assert "微信支付没有这笔转账：请求没有送达" in said  # not WeChat Pay's English name
    row = re.findall(r'data-transfer="not_found">([^<]*)<span[^>]*>([^<]*)<', asked)
    assert [(a.split("：")[-1], b) for a, b in row] == [
        ("网关没有收到 ", "（微信支付没有这笔转账：请求没有送达）")
    ]
    # its number is kept (a late request would be paid once): sent again, never by hand
    assert buttons(asked) == {"payout", "reject"}
    paid = press(api.client, csrf, "payout", "paid")
    assert "网关已付款" in notice(paid) and len(fake.paid()) == 1
    assert wallet(api) == ("600.00", "0.00")
    books_balance(api, context)


def test_an_alipay_transfer_is_asked_about_and_never_offered_to_withdraw(
    api: Api, clock: Clock, context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, transport, csrf = at_the_gateway(api, clock, monkeypatch, "alipay")
    transport.mode = "lost"  # sent, its answer lost: `paying`, whatever Alipay did
    lost = press(api.client, csrf, "payout", "paying")
    assert "尚未给出付款结果" in notice(lost), notice(lost)
    assert buttons(lost) == {"payout/reconcile"}  # Alipay takes no transfer back
    transport.mode = "ok"
    asked = press(api.client, csrf, "payout/reconcile", "paid")
    assert "网关已为提现 w1 付款" in notice(asked), notice(asked)
    assert len(fake.paid()) == 1 and wallet(api) == ("600.00", "0.00")
    books_balance(api, context)


def test_without_a_gateway_or_the_right_to_decide_no_payout_button_is_offered(
    api: Api, clock: Clock, context: Context
) -> None:
    fake, _, _ = wechat(api, clock)
    a_withdrawal(api, fake, "wechat", OPENID)
    api.ok(api.put("/v1/payments/adapter", {"adapter": "manual"}))
    csrf = finance(api)
    manual = api.client.get(f"{QUEUE}?status=approved").text
    assert buttons(manual) == {"paid", "reject"}
    refused = press(api.client, csrf, "payout", "approved")  # sent anyway: refused
    assert "没有交给网关" in notice(refused), notice(refused)
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "approved"
    api.ok(api.post("/v1/users", {"username": "vic", "password": PASSWORD, "role": "viewer"}))
    with ServedClient(api.client.app) as viewer:
        viewer_csrf = sign_in(viewer, api.tenant, "vic")
        assert buttons(viewer.get(f"{QUEUE}?status=approved").text) == set()
        viewer.get("/language/zh")
        forbidden = viewer.post(
            f"{QUEUE}/w1/payout", data={"csrf": viewer_csrf, "back": QUEUE}, follow_redirects=False
        )
        # refused before the form is read (the console's gates): a page that says so
        assert forbidden.status_code == 403
        said = forbidden.text
    assert "无权" in said, said
    assert fake.transfers == {} and wallet(api) == ("600.00", "1000.00")
