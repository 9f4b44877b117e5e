"""The WeChat Pay and Alipay adapters against local fake gateways that sign and verify as
the real ones document (tests/service/fake_gateways.py), keys generated here: a payment
notification completes its order once; a forged, stale, replayed or tampered one is
refused and kept as refused; a payout is made once, a failed one leaves the money held
(approved again), one whose answer is lost stays `paying` and a query settles it, and a
re-send never pays twice. On SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient
from pydantic import SecretStr

from tests.at_once import at_once
from tests.served import ServedClient
from tests.service.conftest import Api, Clock, books_balance, enter_member_page
from tests.service.fake_gateways import (
    FakeAlipay,
    FakeWechat,
    LosingTransport,
    package_of,
    rsa_key,
)
from tests.service.test_payments import refusals
from tests.service.test_withdrawals import a_member_with_money
from zengzhi.core.errors import DomainError
from zengzhi.service import gateway_checkout, gateway_payouts, payees, payments
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, query
from zengzhi.service.jobs import tick

OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
ALIPAY_ACCOUNT = "13812345678"


def connect(
    api: Api, fake: FakeWechat | FakeAlipay, name: str, base: str
) -> tuple[LosingTransport, httpx.Client]:
    view = api.ok(api.put("/v1/payments/adapter", {"adapter": name, name: fake.config()}))
    assert view["adapter"] == name and view["secret"] is None
    assert "PRIVATE" not in json.dumps(view)  # the keys are never answered
    transport = LosingTransport(TestClient(fake.app, base_url=base), fake)
    return transport, httpx.Client(transport=transport)


def wechat(api: Api, clock: Clock) -> tuple[FakeWechat, LosingTransport, httpx.Client]:
    fake = FakeWechat(clock)
    return fake, *connect(api, fake, "wechat", "https://api.mch.weixin.qq.com")


def alipay(api: Api, clock: Clock) -> tuple[FakeAlipay, LosingTransport, httpx.Client]:
    fake = FakeAlipay(clock)
    return fake, *connect(api, fake, "alipay", "https://openapi.alipay.com")


def an_order(api: Api) -> None:
    api.pool(exit_multiple="2")
    api.member("m9")
    body = {"id": "A1", "member": "m9", "amount": "1000.00", "contribution": "300.00"}
    api.ok(api.post("/v1/orders", body))


def notify(api: Api, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return api.client.post(f"/v1/gateway/{api.tenant}/notifications", content=body, headers=headers)


def a_withdrawal(
    api: Api, fake: FakeWechat | FakeAlipay, method: str, account: str, name: str = "张三"
) -> None:
    """m1 has 1600.00; w1 of 1000.00 approved, to be paid to `account`."""
    a_member_with_money(api)
    payee = {"method": method, "real_name": name, "account": account}
    api.ok(api.put("/v1/members/m1/payee", payee))
    api.ok(api.patch("/v1/members/m1", {"real_name_verified": True}))
    fake.accounts[account] = name
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "1000.00"}))
    assert api.ok(api.post("/v1/withdrawals/w1/approve"))["status"] == "approved"


def transfer_finished(
    fake: FakeWechat, out_no: str, notification_id: str | None = None, failed: bool = False
) -> tuple[bytes, Any]:
    """WeChat Pay's notification that the transfer `out_no` of 1,000.00 was paid (or, with
    `failed`, that it failed)."""
    outcome = (
        {"state": "FAIL", "fail_reason": "PAYEE_ACCOUNT_ABNORMAL"}
        if failed
        else {"state": "SUCCESS", "transfer_bill_no": "1330000071100999991182020050700019480001"}
    )
    resource: dict[str, Any] = {
        "mchid": fake.mchid,
        "out_bill_no": out_no,
        **outcome,
        "transfer_amount": 100000,
        "openid": OPENID,
    }
    body, headers = fake.notification(
        "MCHTRANSFER.BILL.FINISHED", resource, notification_id=notification_id
    )
    return body, headers


def owner(api: Api) -> Principal:
    return Principal(api.tenant, "user:owner", Role.OWNER)


def pay_out(api: Api, context: Context, client: httpx.Client) -> str:
    view = gateway_payouts.request_payout(context, owner(api), "w1", client)
    return view.status


def wallet(api: Api) -> tuple[str, str]:
    found = api.ok(api.get("/v1/members/m1/wallet"))
    return found["balance"], found["withdrawing"]


# ---------------------------------------------------------------------------- collecting


def test_a_wechat_payment_completes_the_order_once(
    api: Api, clock: Clock, context: Context
) -> None:
    fake, _, _ = wechat(api, clock)
    an_order(api)
    paid = fake.paid_order("A1", 100000)
    body, headers = fake.notification("TRANSACTION.SUCCESS", paid, notification_id="EV-1")

    forged_body, forged = fake.notification(
        "TRANSACTION.SUCCESS", paid, notification_id="EV-2", key=rsa_key()
    )
    refused = notify(api, forged_body, forged)
    assert (refused.status_code, refused.json()["field"]) == (401, "Wechatpay-Signature")

    tampered = body.replace(b'"EV-1"', b'"EV-3"')  # signed body changed on the way
    assert notify(api, tampered, headers).status_code == 401

    stale_body, stale = fake.notification(
        "TRANSACTION.SUCCESS", paid, notification_id="EV-4", age=301
    )
    refused = notify(api, stale_body, stale)
    assert (refused.status_code, refused.json()["field"]) == (401, "Wechatpay-Timestamp")

    # genuinely signed, but its resource sealed with another APIv3 key
    sealed_body, sealed = fake.notification(
        "TRANSACTION.SUCCESS", paid, notification_id="EV-5", apiv3_key="k" * 32
    )
    refused = notify(api, sealed_body, sealed)
    assert (refused.status_code, refused.json()["field"]) == (401, "resource")

    short_body, short = fake.notification(
        "TRANSACTION.SUCCESS", fake.paid_order("A1", 99999), notification_id="EV-6"
    )
    refused = notify(api, short_body, short)
    assert (refused.status_code, refused.json()["field"]) == (409, "amount")
    assert api.ok(api.get("/v1/orders/A1"))["status"] == "created"  # nothing applied yet

    accepted = notify(api, body, headers)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "completed" and accepted.json()["target"] == "A1"
    # WeChat Pay retries until it gets a 200: a verified copy is answered as a success
    # (the order as it is now), and nothing is applied again
    clock.advance(seconds=60)
    again_body, again = fake.notification("TRANSACTION.SUCCESS", paid, notification_id="EV-1")
    duplicate = notify(api, again_body, again)
    assert duplicate.status_code == 200, duplicate.text
    assert duplicate.json() == accepted.json()
    # the same id saying something else is not a copy: refused
    other_body, other = fake.notification(
        "TRANSACTION.SUCCESS", fake.paid_order("A1", 50000), notification_id="EV-1"
    )
    refused = notify(api, other_body, other)
    assert (refused.status_code, refused.json()["field"]) == (409, "id")
    # a forged or tampered copy is refused as before
    forged_body, forged = fake.notification(
        "TRANSACTION.SUCCESS", paid, notification_id="EV-1", key=rsa_key()
    )
    assert notify(api, forged_body, forged).status_code == 401
    assert notify(api, again_body.replace(b"EV-1", b"EV-7"), again).status_code == 401
    assert [n["id"] for n in api.ok(api.get("/v1/payments/notifications"))] == ["EV-1"]
    assert refusals(api) == [
        ("conflict", "EV-6"),
        ("replayed", "EV-1"),
        ("signature", "EV-1"),
        ("signature", "EV-2"),
        ("signature", "EV-3"),
        ("signature", "EV-5"),
        ("signature", "EV-7"),
        ("stale", "EV-4"),
    ]
    assert api.ok(api.get("/v1/orders/A1"))["status"] == "completed"
    books_balance(api, context)


def test_an_alipay_payment_completes_the_order_once(
    api: Api, clock: Clock, context: Context
) -> None:
    fake, _, _ = alipay(api, clock)
    an_order(api)
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    genuine = fake.notification("A1", "1000.00", notify_id="N1")

    forged = fake.notification("A1", "1000.00", notify_id="N2", key=rsa_key())
    refused = notify(api, fake.form(forged), form)
    assert (refused.status_code, refused.json()["field"]) == (401, "sign")
    tampered = genuine | {"total_amount": "1.00"}
    assert notify(api, fake.form(tampered), form).json()["field"] == "sign"
    stale = fake.notification("A1", "1000.00", notify_id="N3", age=301)
    refused = notify(api, fake.form(stale), form)
    assert (refused.status_code, refused.json()["field"]) == (401, "notify_time")
    waiting = fake.notification("A1", "1000.00", notify_id="N4", status="WAIT_BUYER_PAY")
    assert notify(api, fake.form(waiting), form).json()["field"] == "trade_status"
    assert api.ok(api.get("/v1/orders/A1"))["status"] == "created"

    accepted = notify(api, fake.form(genuine), form)
    assert (accepted.status_code, accepted.text) == (200, "success")  # what stops its retries
    assert api.ok(api.get("/v1/orders/A1"))["status"] == "completed"
    # Alipay retries until it reads `success`: a verified copy (sent again later, so
    # with its own notify_time and signature) gets it, and nothing is applied again
    clock.advance(seconds=60)
    again = fake.notification("A1", "1000.00", notify_id="N1")
    assert again != genuine
    duplicate = notify(api, fake.form(again), form)
    assert (duplicate.status_code, duplicate.text) == (200, "success")
    # the same notify_id about another amount is not a copy: refused
    other = fake.notification("A1", "999.00", notify_id="N1")
    refused = notify(api, fake.form(other), form)
    assert refused.status_code == 409 and refused.text != "success"
    # a forged or tampered copy still is refused
    forged = fake.notification("A1", "1000.00", notify_id="N1", key=rsa_key())
    assert notify(api, fake.form(forged), form).status_code == 401
    assert notify(api, fake.form(again | {"total_amount": "1.00"}), form).status_code == 401
    assert [n["id"] for n in api.ok(api.get("/v1/payments/notifications"))] == ["N1"]
    assert refusals(api) == [
        ("invalid", "N4"),
        ("replayed", "N1"),
        ("signature", "N1"),  # the tampered copy of N1
        ("signature", "N1"),  # the forged copy
        ("signature", "N1"),  # the tampered later copy
        ("signature", "N2"),
        ("stale", "N3"),
    ]
    assert api.ok(api.get("/v1/orders/A1"))["status"] == "completed"
    books_balance(api, context)


def test_an_alipay_payment_finished_is_the_same_payment_and_a_second_trade_is_owed_back(
    api: Api, clock: Clock, context: Context
) -> None:
    """Alipay notifies a payment twice under two notify_ids: TRADE_SUCCESS when paid,
    TRADE_FINISHED once it can no longer be refunded; both name its trade_no. The second
    is the same payment: nothing is owed back, of a completed order or of a cancelled one
    (owed back once, not twice). A second trade of the same order is the buyer's second
    payment: owed back (`order.paid_again`)."""
    fake, _, _ = alipay(api, clock)
    an_order(api)  # A1, of m9
    a2 = {"id": "A2", "member": "m9", "amount": "20.00", "contribution": "5.00"}
    api.ok(api.post("/v1/orders", a2))
    api.ok(api.post("/v1/orders/A2/cancel"))
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    sent = [
        ("A1", "1000.00", "S1", "TRADE_SUCCESS", "T1"),
        ("A2", "20.00", "S2", "TRADE_SUCCESS", "T2"),
        ("A1", "1000.00", "F1", "TRADE_FINISHED", "T1"),
        ("A2", "20.00", "F2", "TRADE_FINISHED", "T2"),
    ]
    for order, amount, notify_id, status, trade in sent:
        clock.advance(seconds=60)
        params = fake.notification(
            order, amount, notify_id=notify_id, status=status, trade_no=trade
        )
        answer = notify(api, fake.form(params), form)
        assert (answer.status_code, answer.text) == (200, "success"), (notify_id, answer.text)
    assert api.ok(api.get("/v1/orders/A1"))["status"] == "completed"
    assert api.ok(api.get("/v1/orders/A2"))["status"] == "cancelled"
    owed = api.ok(api.post("/v1/orders/A2/owed-back/returned", {}))
    assert (owed["amount"], owed["notifications"]) == ("20.00", ["S2"])  # once, not twice
    refused = api.post("/v1/orders/A1/owed-back/returned", {})
    assert refused.status_code == 409 and refused.json()["field"] == "owed_back"
    clock.advance(seconds=60)
    second = fake.notification("A1", "1000.00", notify_id="S3", trade_no="T3")
    assert notify(api, fake.form(second), form).text == "success"
    owed = api.ok(api.post("/v1/orders/A1/owed-back/returned", {}))
    assert (owed["amount"], owed["notifications"]) == ("1000.00", ["S3"])
    books_balance(api, context)


def test_adapter_keys_are_checked_and_named(api: Api, clock: Clock) -> None:
    fake = FakeWechat(clock)
    for config, field in [
        (fake.config(private_key="-----BEGIN PRIVATE KEY-----\n" + "A" * 120), "private_key"),
        (fake.config(apiv3_key="short"), "wechat.apiv3_key"),
        (fake.config(platform_certificates=["not a certificate" * 10]), "platform_certificates"),
        (fake.config(platform_certificates=[]), "platform_certificates"),
    ]:
        refused = api.put("/v1/payments/adapter", {"adapter": "wechat", "wechat": config})
        assert (refused.status_code, refused.json()["field"]) == (422, field), refused.text
    refused = api.put("/v1/payments/adapter", {"adapter": "wechat"})
    assert refused.json()["field"] == "wechat"
    assert api.ok(api.get("/v1/payments/adapter"))["adapter"] == "manual"  # nothing changed
    operator = api.as_role("operator")
    body = {"adapter": "wechat", "wechat": fake.config()}
    assert api.put("/v1/payments/adapter", body, token=operator).status_code == 403


# ---------------------------------------------------------------------------- paying out


@pytest.mark.parametrize("gateway", ["wechat", "alipay"])
def test_a_payout_is_paid_once(api: Api, clock: Clock, context: Context, gateway: str) -> None:
    fake, _, client = wechat(api, clock) if gateway == "wechat" else alipay(api, clock)
    a_withdrawal(api, fake, gateway, OPENID if gateway == "wechat" else ALIPAY_ACCOUNT)
    assert pay_out(api, context, client) == "paid"
    assert [(t.payee, t.name) for t in fake.paid()] == [
        (OPENID if gateway == "wechat" else ALIPAY_ACCOUNT, "张三")
    ]
    assert fake.paid()[0].amount == ("100000" if gateway == "wechat" else "1000.00")
    assert fake.refused == []  # every request was signed as the gateway checks
    audited = len(api.ok(api.get("/v1/audit-log")))
    again = api.ok(api.post("/v1/withdrawals/w1/payout"))  # sent again: nothing is sent
    assert again == api.ok(api.get("/v1/withdrawals/w1")) and again["status"] == "paid"
    assert len(fake.transfers) == 1
    assert len(api.ok(api.get("/v1/audit-log"))) == audited
    assert wallet(api) == ("600.00", "0.00")
    payout = api.ok(api.get("/v1/withdrawals/w1/payout"))
    assert (payout["outcome"], payout["status"], payout["attempt"]) == ("paid", "paid", 1)
    books_balance(api, context)


@pytest.mark.parametrize("gateway", ["wechat", "alipay"])
def test_a_lost_answer_is_reconciled_and_never_paid_twice(
    api: Api, clock: Clock, context: Context, gateway: str
) -> None:
    fake, transport, client = wechat(api, clock) if gateway == "wechat" else alipay(api, clock)
    a_withdrawal(api, fake, gateway, OPENID if gateway == "wechat" else ALIPAY_ACCOUNT)
    transport.mode = "lost"  # the gateway pays; its answer never comes back
    assert pay_out(api, context, client) == "paying"
    assert wallet(api) == ("600.00", "1000.00")  # held: neither paid nor returned
    transport.mode = "ok"
    assert pay_out(api, context, client) == "paying"  # only a query settles it now
    assert len(fake.transfers) == 1
    clock.advance(minutes=2)
    assert gateway_payouts.reconcile_due(context, api.tenant, client) == 1
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "paid"
    assert len(fake.paid()) == 1 and wallet(api) == ("600.00", "0.00")
    books_balance(api, context)


@pytest.mark.parametrize("gateway", ["wechat", "alipay"])
def test_a_payout_that_never_arrived_is_sent_again_under_its_number(
    api: Api, clock: Clock, context: Context, gateway: str
) -> None:
    fake, transport, client = wechat(api, clock) if gateway == "wechat" else alipay(api, clock)
    a_withdrawal(api, fake, gateway, OPENID if gateway == "wechat" else ALIPAY_ACCOUNT)
    transport.mode = "down"
    assert pay_out(api, context, client) == "paying"
    transport.mode = "ok"
    checked = gateway_payouts.reconcile(context, owner(api), "w1", client)
    assert (checked.outcome, checked.status) == ("not_found", "approved")
    assert pay_out(api, context, client) == "paid"
    [transfer] = fake.transfers.values()
    assert transfer.out_no == checked.out_no  # the same number: paid once whatever arrives
    books_balance(api, context)


@pytest.mark.parametrize("gateway", ["wechat", "alipay"])
def test_a_payout_that_arrives_after_its_withdrawal_was_rejected_is_taken_back(
    api: Api, clock: Clock, context: Context, gateway: str
) -> None:
    """The gateway said it never received the transfer; finance rejected the withdrawal
    (back to the wallet), the member asked for most of it again, and then the first
    request reached the gateway, which paid it. The member holds the payout twice: the
    books say so (taken back from the wallet, the rest a debt), and nothing is lost."""
    fake, transport, client = wechat(api, clock) if gateway == "wechat" else alipay(api, clock)
    a_withdrawal(api, fake, gateway, OPENID if gateway == "wechat" else ALIPAY_ACCOUNT)
    transport.mode = "late"
    assert pay_out(api, context, client) == "paying"
    transport.mode = "ok"
    checked = gateway_payouts.reconcile(context, owner(api), "w1", client)
    assert (checked.outcome, checked.status) == ("not_found", "approved")
    api.ok(api.post("/v1/withdrawals/w1/reject", {"reason": "never arrived"}))
    assert wallet(api) == ("1600.00", "0.00")
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w2", "amount": "1200.00"}))
    transport.arrive()  # the first request reaches the gateway, which pays it
    assert len(fake.paid()) == 1
    paid = gateway_payouts.reconcile(context, owner(api), "w1", client)
    assert (paid.outcome, paid.status) == ("paid", "paid")
    found = api.ok(api.get("/v1/members/m1/wallet"))
    assert (found["balance"], found["withdrawing"], found["debt"]) == ("0.00", "1200.00", "600.00")
    approve = api.post("/v1/withdrawals/w2/approve")  # the member owes: no payout moves
    assert (approve.status_code, approve.json()["field"]) == (409, "withdrawal")
    again = gateway_payouts.reconcile(context, owner(api), "w1", client)  # asked again
    assert again.status == "paid"
    assert api.ok(api.get("/v1/members/m1/wallet"))["debt"] == "600.00"  # taken once
    history = api.ok(api.get("/v1/members/m1/wallet/history"))
    late = [(m["cause"], m["amount"]) for m in history if m["kind"] == "withdrawal_paid_late"]
    assert late == [("withdraw_pay_late:w1", "-400.00")]
    books_balance(api, context)


def _rejected_though_sent(
    api: Api, clock: Clock, context: Context, gateway: str
) -> tuple[FakeWechat | FakeAlipay, LosingTransport, httpx.Client]:
    """w1 sent, its request slow; the gateway said it never arrived; finance rejected it.
    The request is still on its way (`transport.arrive()` lands it)."""
    fake, transport, client = wechat(api, clock) if gateway == "wechat" else alipay(api, clock)
    a_withdrawal(api, fake, gateway, OPENID if gateway == "wechat" else ALIPAY_ACCOUNT)
    transport.mode = "late"
    assert pay_out(api, context, client) == "paying"
    transport.mode = "ok"
    checked = gateway_payouts.reconcile(context, owner(api), "w1", client)
    assert (checked.outcome, checked.status) == ("not_found", "approved")
    api.ok(api.post("/v1/withdrawals/w1/reject", {"reason": "never arrived"}))
    return fake, transport, client


def _paying_tenants(api: Api, context: Context) -> list[str]:
    """Whether the tick would run the payouts' job for the test's tenant."""
    now = context.clock()
    return query(context, lambda c: gateway_payouts.tenants_paying(c, now, [api.tenant]))


@pytest.mark.parametrize("gateway", ["wechat", "alipay"])
def test_the_periodic_job_asks_about_a_rejected_withdrawal_the_gateway_may_still_pay(
    api: Api, clock: Clock, context: Context, gateway: str
) -> None:
    """The story above with no notification (a gateway that sends none, or one lost) and
    nobody reconciling by hand: the periodic job asked only about payouts still
    `paying`, so the late payment of a rejected withdrawal went unbooked and the member
    held it twice. It now asks, as long as the gateway may still pay: the transfer still
    moving or of unknown fate, or said never to have arrived, within an hour of its
    sending (gateway_payouts.LATE_ARRIVAL)."""
    fake, transport, client = _rejected_though_sent(api, clock, context, gateway)
    transport.arrive()  # it lands after all, and is paid
    assert len(fake.paid()) == 1
    clock.advance(minutes=2)
    assert _paying_tenants(api, context) == [api.tenant]
    assert gateway_payouts.reconcile_due(context, api.tenant, client) == 1
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "paid"
    assert wallet(api) == ("600.00", "0.00")  # as if it had been paid, not rejected
    clock.advance(minutes=2)
    assert gateway_payouts.reconcile_due(context, api.tenant, client) == 0  # settled
    books_balance(api, context)


def test_a_rejected_payout_said_never_to_have_arrived_is_asked_about_for_an_hour(
    api: Api, clock: Clock, context: Context
) -> None:
    _, _, client = _rejected_though_sent(api, clock, context, "alipay")
    clock.advance(minutes=30)
    assert gateway_payouts.reconcile_due(context, api.tenant, client) == 1  # not yet
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "rejected"
    clock.advance(minutes=31)  # past the hour: a request that never came is not asked about
    assert gateway_payouts.reconcile_due(context, api.tenant, client) == 0
    assert _paying_tenants(api, context) == []
    assert wallet(api) == ("1600.00", "0.00")
    books_balance(api, context)


def test_a_late_payout_s_notification_takes_the_rejected_withdrawal_back(
    api: Api, clock: Clock, context: Context
) -> None:
    fake, transport, _ = _rejected_though_sent(api, clock, context, "wechat")
    transport.arrive()
    [transfer] = fake.paid()
    body, headers = transfer_finished(fake, transfer.out_no, "EV-7")
    accepted = notify(api, body, headers)
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["target"], accepted.json()["status"]) == ("w1", "paid")
    assert wallet(api) == ("600.00", "0.00")  # as if it had been paid, not rejected
    books_balance(api, context)


@pytest.mark.parametrize("gateway", ["wechat", "alipay"])
def test_a_failed_payout_leaves_the_money_held(
    api: Api, clock: Clock, context: Context, gateway: str
) -> None:
    fake, _, client = wechat(api, clock) if gateway == "wechat" else alipay(api, clock)
    account = OPENID if gateway == "wechat" else ALIPAY_ACCOUNT
    a_withdrawal(api, fake, gateway, account)
    fake.accounts[account] = "李四"  # the gateway's real-name check fails
    assert pay_out(api, context, client) == "approved"
    found = api.ok(api.get("/v1/withdrawals/w1"))
    assert found["note"].startswith("payout failed")
    assert wallet(api) == ("600.00", "1000.00")  # still held, not lost, not paid
    first = api.ok(api.get("/v1/withdrawals/w1/payout"))
    assert (first["outcome"], first["attempt"]) == ("failed", 1)
    fake.accounts[account] = "张三"
    assert pay_out(api, context, client) == "paid"  # under a new number
    second = api.ok(api.get("/v1/withdrawals/w1/payout"))
    assert second["attempt"] == 2 and second["out_no"] != first["out_no"]
    assert len(fake.paid()) == 1 and wallet(api) == ("600.00", "0.00")
    books_balance(api, context)


def test_a_pending_wechat_transfer_is_settled_by_its_notification(
    api: Api, clock: Clock, context: Context
) -> None:
    fake, _, _ = a_waiting_transfer(api, clock, context)
    [transfer] = fake.transfers.values()
    fake.settle(transfer.out_no, "SUCCESS")
    body, headers = transfer_finished(fake, transfer.out_no, "EV-9")
    accepted = notify(api, body, headers)
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["target"], accepted.json()["status"]) == ("w1", "paid")
    again = notify(api, body, headers)  # WeChat Pay's retry: a success, nothing paid again
    assert (again.status_code, again.json()) == (200, accepted.json())
    assert wallet(api) == ("600.00", "0.00")
    books_balance(api, context)


def test_a_transfer_waiting_for_its_payee_gives_the_package_its_app_confirms_with(
    api: Api, clock: Clock, context: Context
) -> None:
    """WeChat Pay's 商家转账 waits for its payee to confirm in the shop's app, which opens
    the confirmation page with the `package_info` the transfer was answered with
    (wx.requestMerchantTransfer). It was not kept: no payee could confirm, and the
    transfer stayed `paying` until WeChat Pay closed it a day later."""
    fake, _, client = a_waiting_transfer(api, clock, context)
    [transfer] = fake.transfers.values()
    shop = api.as_role("integrator")  # the shop's server hands it to its app
    waiting = api.ok(api.get("/v1/withdrawals/w1/payout", token=shop))
    assert (waiting["outcome"], waiting["package_info"]) == ("pending", package_of(transfer.out_no))
    gateway_payouts.reconcile(context, owner(api), "w1", client)  # still waiting: kept
    assert api.ok(api.get("/v1/withdrawals/w1/payout"))["package_info"] == waiting["package_info"]
    fake.settle(transfer.out_no, "SUCCESS")  # confirmed, then notified: nothing to confirm
    body, headers = transfer_finished(fake, transfer.out_no, "EV-P")
    assert notify(api, body, headers).status_code == 200
    paid = api.ok(api.get("/v1/withdrawals/w1/payout"))
    assert (paid["status"], paid["package_info"]) == ("paid", None)
    alipay_like = api.ok(api.get("/v1/withdrawals/w1"))
    assert "package_info" not in alipay_like  # on the payout only, not the withdrawal


def test_the_payee_confirms_a_waiting_transfer_from_their_own_page_or_app(
    api: Api, clock: Clock, context: Context
) -> None:
    """The member page's token reads what confirms the member's own waiting transfer
    (mini programs call wx.requestMerchantTransfer with it), and the member page offers
    the button WeChat's browser confirms with; nothing of another member's, nothing once
    it is settled, and nothing a merchant the tenant has left could confirm."""
    fake, _, _ = a_waiting_transfer(api, clock, context)
    [transfer] = fake.transfers.values()
    mine = api.ok(api.post("/v1/members/m1/page-token"))["token"]
    asked = api.ok(api.get("/v1/me/withdrawals/w1/confirmation", token=mine))
    assert asked == {
        "withdrawal": "w1",
        "mch_id": fake.mchid,
        "app_id": fake.config()["appid"],
        "package": package_of(transfer.out_no),
    }
    with ServedClient(api.client.app) as member:
        member.get("/language/zh")
        enter_member_page(member, api.ok(api.post("/v1/members/m1/page-token")))
        home = member.get("/m").text
    assert f'data-package="{asked["package"]}"' in home and ">确认收款</button>" in home
    assert '<script src="/static/js/confirm.js">' in home

    api.member("m2")
    theirs = api.ok(api.post("/v1/members/m2/page-token"))["token"]
    for token, withdrawal, answer in (
        (theirs, "w1", (404, "withdrawal")),
        (mine, "w2", (404, "withdrawal")),
        (mine, "ｗ1", (422, "withdrawal_id")),  # full-width: no id of ours
    ):
        refused = api.get(f"/v1/me/withdrawals/{withdrawal}/confirmation", token=token)
        assert (refused.status_code, refused.json()["field"]) == answer, refused.text
    chinese = api.client.get(
        "/v1/me/withdrawals/w1/confirmation",
        headers={"Authorization": f"Bearer {theirs}", "Accept-Language": "zh-CN"},
    )
    assert chinese.json()["message"] == "提现 “w1” 没有等待您确认收款的转账", chinese.text

    before = api.ok(api.get("/v1/payments/adapter"))
    api.ok(api.put("/v1/payments/adapter", {"adapter": "manual"}))  # left WeChat Pay
    left = api.get("/v1/me/withdrawals/w1/confirmation", token=mine)
    assert (left.status_code, left.json()["field"]) == (409, "withdrawal"), left.text
    assert before["adapter"] == "wechat"
    api.ok(api.put("/v1/payments/adapter", {"adapter": "wechat", "wechat": fake.config()}))

    fake.settle(transfer.out_no, "SUCCESS")  # confirmed, then notified: nothing waits
    body, headers = transfer_finished(fake, transfer.out_no, "EV-C")
    assert notify(api, body, headers).status_code == 200
    settled = api.get("/v1/me/withdrawals/w1/confirmation", token=mine)
    assert settled.status_code == 404, settled.text
    with ServedClient(api.client.app) as member:
        enter_member_page(member, api.ok(api.post("/v1/members/m1/page-token")))
        home = member.get("/m").text
    assert "data-confirm-transfer" not in home and "confirm.js" not in home
    books_balance(api, context)


def a_waiting_transfer(
    api: Api, clock: Clock, context: Context
) -> tuple[FakeWechat, LosingTransport, httpx.Client]:
    """w1 sent to WeChat Pay, whose payee has yet to confirm it: `paying`."""
    fake, transport, client = wechat(api, clock)
    a_withdrawal(api, fake, "wechat", OPENID)
    fake.next = "pending"  # the payee has to confirm in WeChat
    assert pay_out(api, context, client) == "paying"
    return fake, transport, client


def service_reaches(monkeypatch: pytest.MonkeyPatch, transport: LosingTransport) -> None:
    """The clients the service makes itself (and closes: the job's, the API's) reach the
    fake through `transport`."""
    fresh = lambda context, given: given or httpx.Client(transport=transport)  # noqa: E731
    monkeypatch.setattr(gateway_payouts, "_http", fresh)


def or_refused(call: Callable[[], str]) -> Callable[[], str]:
    """`call`, its refusal answered as "refused: <field>" (the other call came first)."""

    def run() -> str:
        try:
            return call()
        except DomainError as error:
            return f"refused: {error.field}"

    return run


def _audited(api: Api, action: str) -> list[Any]:
    return [one for one in api.ok(api.get("/v1/audit-log")) if one["action"] == action]


@pytest.mark.parametrize("at_once", [True, False])
def test_finance_withdraws_a_wechat_transfer_the_payee_has_not_confirmed(
    api: Api, clock: Clock, context: Context, at_once: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transfer waiting for its payee's confirmation kept the withdrawal `paying`, and
    finance could neither reject it nor take it back: now `POST …/payout/cancel` asks
    WeChat Pay to withdraw it (撤销转账) and queries it. CANCELLED spends its number and
    puts the withdrawal back to `approved`, to reject (the amount back to the wallet) or
    send again (a new number); CANCELING leaves it `paying` until the job's query."""
    fake, transport, client = a_waiting_transfer(api, clock, context)  # and no one confirms
    fake.cancelled_as = "CANCELLED" if at_once else "CANCELING"
    refused = api.post("/v1/withdrawals/w1/reject", {"reason": "the payee never confirmed"})
    assert (refused.status_code, refused.json()["field"]) == (409, "status"), refused.text
    [transfer] = fake.transfers.values()
    finance = Principal(api.tenant, "user:fiona", Role.FINANCE)
    view = gateway_payouts.cancel(context, finance, "w1", client)
    assert [one["target"] for one in _audited(api, "withdrawal.payout_cancel")] == ["withdrawal:w1"]
    if not at_once:
        assert (view.outcome, view.status) == ("pending", "paying")
        assert wallet(api) == ("600.00", "1000.00")
        fake.settle(transfer.out_no, "CANCELLED")  # WeChat Pay has taken it back
        service_reaches(monkeypatch, transport)
        clock.advance(minutes=2)
        [report] = [r for r in tick(context, only=[api.tenant]) if r.job == "reconcile_payouts"]
        assert report.done == 1
        view = gateway_payouts.get_payout(context, finance, "w1")
    assert (view.outcome, view.detail, view.status) == ("failed", "CANCELLED", "approved")
    assert wallet(api) == ("600.00", "1000.00")  # held still, for finance to decide
    assert fake.paid() == [] and transfer.state == "CANCELLED"
    # sent again, it goes under a new number; the payee confirms this one
    fake.next = "pay"
    assert pay_out(api, context, client) == "paid"
    again = api.ok(api.get("/v1/withdrawals/w1/payout"))
    assert again["attempt"] == 2 and again["out_no"] != transfer.out_no
    assert len(fake.paid()) == 1 and wallet(api) == ("600.00", "0.00")
    books_balance(api, context)


def test_a_withdrawn_transfer_s_withdrawal_is_rejected_back_to_the_wallet(
    api: Api, clock: Clock, context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the API, as finance: the transfer withdrawn, then the withdrawal rejected."""
    fake, transport, _ = a_waiting_transfer(api, clock, context)
    service_reaches(monkeypatch, transport)
    finance = api.as_role("finance")
    view = api.ok(api.post("/v1/withdrawals/w1/payout/cancel", token=finance))
    assert (view["outcome"], view["detail"], view["status"]) == ("failed", "CANCELLED", "approved")
    again = api.post("/v1/withdrawals/w1/payout/cancel", token=finance)  # twice: refused
    assert (again.status_code, again.json()["field"]) == (409, "status"), again.text
    assert len(_audited(api, "withdrawal.payout_cancel")) == 1
    rejected = api.ok(api.post("/v1/withdrawals/w1/reject", {"reason": "never confirmed"}))
    assert rejected["status"] == "rejected"
    assert wallet(api) == ("1600.00", "0.00") and fake.paid() == []
    books_balance(api, context)


def test_a_transfer_cannot_be_withdrawn_once_confirmed_or_when_nothing_is_being_paid(
    api: Api, clock: Clock, context: Context
) -> None:
    """Refused naming why, and nothing changes: the payee confirmed first (WeChat Pay
    refuses), the withdrawal is not `paying`, twice in a row, a viewer asks."""
    fake, _, client = a_waiting_transfer(api, clock, context)
    [transfer] = fake.transfers.values()
    fake.settle(transfer.out_no, "SUCCESS")  # the payee confirmed a moment before
    with pytest.raises(DomainError) as refused:
        gateway_payouts.cancel(context, owner(api), "w1", client)
    assert refused.value.field == "status" and "INVALID_REQUEST" in refused.value.message
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "paying"  # the query settles it
    assert _audited(api, "withdrawal.payout_cancel") == []
    gateway_payouts.reconcile(context, owner(api), "w1", client)
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "paid"
    with pytest.raises(DomainError) as paid:
        gateway_payouts.cancel(context, owner(api), "w1", client)
    assert paid.value.field == "status" and "paid" in paid.value.message
    viewer = Principal(api.tenant, "user:victor", Role.VIEWER)
    with pytest.raises(DomainError) as forbidden:
        gateway_payouts.cancel(context, viewer, "w1", client)
    assert forbidden.value.code.value == "forbidden"
    assert len(fake.paid()) == 1 and wallet(api) == ("600.00", "0.00")
    assert _audited(api, "withdrawal.payout_cancel") == []
    books_balance(api, context)


def test_an_alipay_transfer_cannot_be_withdrawn(api: Api, clock: Clock, context: Context) -> None:
    fake, transport, client = alipay(api, clock)
    a_withdrawal(api, fake, "alipay", ALIPAY_ACCOUNT)
    transport.mode = "lost"  # sent, its answer lost: `paying`
    assert pay_out(api, context, client) == "paying"
    with pytest.raises(DomainError) as refused:
        gateway_payouts.cancel(context, owner(api), "w1", client)
    assert refused.value.field == "adapter"
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "paying"


def test_a_gateway_adapter_approves_only_a_ready_payee(api: Api, clock: Clock) -> None:
    fake, _, _ = wechat(api, clock)
    a_member_with_money(api)
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "100.00"}))
    refused = api.post("/v1/withdrawals/w1/approve")
    assert (refused.status_code, refused.json()["field"]) == (409, "payee")
    payee = {"method": "alipay", "real_name": "张三", "account": ALIPAY_ACCOUNT}
    api.ok(api.put("/v1/members/m1/payee", payee))
    refused = api.post("/v1/withdrawals/w1/approve")
    assert (refused.status_code, refused.json()["field"]) == (409, "payee.method")
    api.ok(api.put("/v1/members/m1/payee", payee | {"method": "wechat", "account": OPENID}))
    refused = api.post("/v1/withdrawals/w1/approve")
    assert (refused.status_code, refused.json()["field"]) == (409, "real_name_verified")
    api.ok(api.patch("/v1/members/m1", {"real_name_verified": True}))
    assert api.ok(api.post("/v1/withdrawals/w1/approve"))["status"] == "approved"
    assert fake.transfers == {}


def test_the_tick_reconciles_what_is_still_paying(
    api: Api, clock: Clock, context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, transport, client = alipay(api, clock)
    a_withdrawal(api, fake, "alipay", ALIPAY_ACCOUNT)
    transport.mode = "lost"
    assert pay_out(api, context, client) == "paying"
    transport.mode = "ok"
    # the job makes its own client; here it is the one that reaches the fake
    monkeypatch.setattr(gateway_payouts, "_http", lambda context, given: given or client)
    assert [r.job for r in tick(context, only=[api.tenant]) if r.done] == []  # not yet due
    clock.advance(minutes=2)
    [report] = [r for r in tick(context, only=[api.tenant]) if r.job == "reconcile_payouts"]
    assert report.done == 1
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "paid"
    assert len(fake.paid()) == 1


def test_the_adapters_keys_follow_a_key_rotation(api: Api, clock: Clock, context: Context) -> None:
    fake, _, _ = wechat(api, clock)
    an_order(api)
    old = context.settings.payee_keys
    assert old is not None
    new = Fernet.generate_key().decode()

    def with_keys(keys: str) -> Context:
        settings = context.settings.model_copy(update={"payee_keys": SecretStr(keys)})
        return dataclasses.replace(context, settings=settings)

    body, headers = fake.notification("TRANSACTION.SUCCESS", fake.paid_order("A1", 100000))
    lowered = {name.lower(): value for name, value in headers.items()}
    with pytest.raises(DomainError) as lost:  # the new key alone reads nothing yet
        payments.receive(with_keys(new), api.tenant, lowered, body)
    assert lost.value.field == "adapter"
    assert payees.reencrypt(with_keys(f"{new},{old.get_secret_value()}")) >= 1
    accepted = payments.receive(with_keys(new), api.tenant, lowered, body)
    assert (accepted.target, accepted.status) == ("A1", "completed")


@pytest.mark.parametrize("gateway", ["wechat", "alipay"])
def test_a_checkout_then_its_notification_pays_the_order(
    api: Api, clock: Clock, context: Context, gateway: str
) -> None:
    fake, _, client = wechat(api, clock) if gateway == "wechat" else alipay(api, clock)
    an_order(api)
    principal = owner(api)
    view = gateway_checkout.checkout(context, principal, "A1", client)
    assert view.code_url.startswith("weixin://" if gateway == "wechat" else "https://qr.alipay")
    assert (view.order, view.amount) == ("A1", "1000.00")
    made = fake.orders["A1"]
    if gateway == "wechat":
        assert made["amount"] == {"total": 100000, "currency": "CNY"}
        body, headers = fake.notification("TRANSACTION.SUCCESS", fake.paid_order("A1", 100000))
    else:
        assert made["total_amount"] == "1000.00"
        assert isinstance(fake, FakeAlipay)
        body = fake.form(fake.notification("A1", "1000.00"))
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
    assert fake.refused == []
    assert notify(api, body, headers).status_code == 200
    assert api.ok(api.get("/v1/orders/A1"))["status"] == "completed"
    with pytest.raises(DomainError) as paid:
        gateway_checkout.checkout(context, principal, "A1", client)
    assert paid.value.field == "status"
    with pytest.raises(DomainError) as unknown:
        gateway_checkout.checkout(context, principal, "nope", client)
    assert unknown.value.field == "order"
    books_balance(api, context)


def test_two_payout_requests_at_once_pay_once(api: Api, clock: Clock, context: Context) -> None:
    fake, _, client = wechat(api, clock)
    a_withdrawal(api, fake, "wechat", OPENID)
    answers = at_once(or_refused(lambda: pay_out(api, context, client)))
    # the second saw it `paying` (sent nothing, answered as it stood) or `paid` (refused)
    assert set(answers) <= {"paid", "paying", "refused: status"} and "paid" in answers
    assert len(fake.transfers) == 1 and len(fake.paid()) == 1
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "paid"
    books_balance(api, context)


def test_two_withdrawals_of_one_transfer_at_once_put_it_back_once(
    api: Api, clock: Clock, context: Context
) -> None:
    """Finance clicks twice: one withdrawal is asked of WeChat Pay, or both (the second
    refused by it), and the withdrawal is `approved` again once, its amount held once."""
    fake, _, client = a_waiting_transfer(api, clock, context)
    answers = at_once(
        or_refused(lambda: gateway_payouts.cancel(context, owner(api), "w1", client).status)
    )
    assert "approved" in answers and set(answers) <= {"approved", "refused: status"}, answers
    asked = len(_audited(api, "withdrawal.payout_cancel"))
    assert asked == answers.count("approved")  # a refusal wrote nothing
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "approved"
    assert wallet(api) == ("600.00", "1000.00") and fake.paid() == []
    # approved twice in all: by finance at first, and again once the transfer was withdrawn
    assert len(_audited(api, "withdrawal.approved")) == 2
    books_balance(api, context)


def test_a_platform_certificate_rotation_is_followed(
    api: Api, clock: Clock, context: Context
) -> None:
    fake, _, client = wechat(api, clock)
    an_order(api)
    old_serial = fake.serial
    fake.rotate()  # WeChat Pay signs with a new certificate, not pinned yet
    body, headers = fake.notification("TRANSACTION.SUCCESS", fake.paid_order("A1", 100000))
    refused = notify(api, body, headers)
    assert (refused.status_code, refused.json()["field"]) == (401, "Wechatpay-Serial")
    view = payments.refresh_certificates(context, owner(api), client)
    assert view.adapter == "wechat" and fake.refused == []
    audit = [a for a in api.ok(api.get("/v1/audit-log")) if a["action"] == "payments.certificates"]
    assert audit[0]["after"]["certificates"] == [fake.serial, old_serial]  # latest first
    body, headers = fake.notification("TRANSACTION.SUCCESS", fake.paid_order("A1", 100000))
    assert notify(api, body, headers).status_code == 200
    assert api.ok(api.get("/v1/orders/A1"))["status"] == "completed"
    # a certificate list not sealed with our APIv3 key is not trusted
    fake.apiv3_key = "x" * 32
    with pytest.raises(DomainError) as untrusted:
        payments.refresh_certificates(context, owner(api), client)
    assert (untrusted.value.code, untrusted.value.field) == ("conflict", "platform_certificates")


def test_a_failure_notified_for_a_number_sent_again_since_is_acknowledged(
    api: Api, clock: Clock, context: Context
) -> None:
    """w1's first transfer failed (a query said so: its number is spent) and finance
    sent w1 again under a new number, which WeChat Pay holds for the payee to confirm.
    WeChat Pay's notification of the first number's failure then arrives, and again
    until it is answered with a success. The payout holds the new number only, so the
    old one was refused as an unknown payout (404), again and again, each copy filling
    the refusals. It is a number this tenant did issue: acknowledged (200), recorded
    among the applied notifications, and nothing moves: w1 stays `paying` under its new
    number, the money held. A number never issued is still refused."""
    fake, _, client = wechat(api, clock)
    a_withdrawal(api, fake, "wechat", OPENID)
    fake.next = "pending"
    assert pay_out(api, context, client) == "paying"
    (first,) = fake.transfers
    fake.settle(first, "FAIL")
    clock.advance(minutes=2)
    checked = gateway_payouts.reconcile(context, owner(api), "w1", client)
    assert (checked.out_no, checked.outcome, checked.status) == (first, "failed", "approved")
    assert pay_out(api, context, client) == "paying"  # sent again, a new number
    (second,) = fake.transfers.keys() - {first}
    held = wallet(api)
    assert held == ("600.00", "1000.00")
    body, headers = transfer_finished(fake, first, "EV-old", failed=True)
    for _ in range(3):  # WeChat Pay's retries of the one notification
        answered = notify(api, body, headers)
        assert answered.status_code == 200, answered.text
        assert answered.json() == {
            "notification": "EV-old",
            "type": "payout.failed",
            "target": "w1",
            "status": "paying",
        }
    assert refusals(api) == []
    applied = api.ok(api.get("/v1/payments/notifications"))
    assert [(n["id"], n["type"], n["target"]) for n in applied] == [
        ("EV-old", "payout.failed", "w1")
    ]
    payout = api.ok(api.get("/v1/withdrawals/w1/payout"))
    assert (payout["out_no"], payout["outcome"], payout["attempt"]) == (second, "pending", 2)
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "paying"
    assert wallet(api) == held  # nothing moved
    # a number this tenant never issued is still refused, and kept as refused
    body, headers = transfer_finished(fake, "zz" + "0" * 30, "EV-stranger", failed=True)
    refused = notify(api, body, headers)
    assert (refused.status_code, refused.json()["field"]) == (404, "payout"), refused.text
    assert refusals(api) == [("not_found", "EV-stranger")]
    # the new number settles as ever
    fake.settle(second, "SUCCESS")
    assert gateway_payouts.reconcile(context, owner(api), "w1", client).status == "paid"
    assert len(fake.paid()) == 1 and wallet(api) == ("600.00", "0.00")
    books_balance(api, context)
