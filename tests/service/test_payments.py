"""Payment and payout adapters: a signed gateway notification pays an order or settles a
payout; forged, stale and replayed notifications are refused, change nothing and are
kept as refused. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select, update

from tests.at_once import at_once
from tests.service.conftest import Api, Clock, books_balance, down_and_up
from tests.service.test_withdrawals import a_member_with_money
from zengzhi.core.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature, verify
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.base import Context
from zengzhi.service.webhook_delivery import dispatch
from zengzhi.store import tables as t


def gateway(api: Api) -> str:
    """Switch to the webhook adapter; its shared secret."""
    body = {"adapter": "webhook", "payout_url": "https://pay.example/payouts"}
    answer = api.ok(api.put("/v1/payments/adapter", body))
    assert answer["secret"].startswith("whsec_")
    return str(answer["secret"])


def notify(
    api: Api,
    secret: str,
    clock: Clock,
    body: dict[str, Any],
    *,
    age: int = 0,
    sign_with: str | None = None,
    address: str = "",
) -> httpx.Response:
    raw = json.dumps(body).encode()
    stamp = int(clock.now.timestamp()) - age
    return api.client.post(
        f"/v1/gateway/{api.tenant}/notifications{address}",
        content=raw,
        headers={
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: str(stamp),
            SIGNATURE_HEADER: signature(sign_with or secret, stamp, raw),
        },
    )


def an_order(api: Api, order: str = "A1", member: str = "m1") -> None:
    api.pool(exit_multiple="2")
    api.member(member)
    api.ok(
        api.post(
            "/v1/orders",
            {"id": order, "member": member, "amount": "1000.00", "contribution": "300.00"},
        )
    )


def refusals(api: Api) -> list[tuple[str, str | None]]:
    """(reason, notification id) of each refusal; the tests' clock stands still, so
    refusals of one moment are listed in no particular order: sorted here."""
    return sorted(
        (r["reason"], r["notification"]) for r in api.ok(api.get("/v1/payments/refusals"))
    )


def test_a_signed_payment_pays_the_order_once(api: Api, clock: Clock, context: Context) -> None:
    secret = gateway(api)
    an_order(api)
    paid = {"id": "n1", "type": "payment.succeeded", "order": "A1", "amount": "1000.00"}
    accepted = notify(api, secret, clock, paid)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {
        "notification": "n1",
        "type": "payment.succeeded",
        "target": "A1",
        "status": "completed",  # no return window: paid completes at once
    }
    order = api.ok(api.get("/v1/orders/A1"))
    assert (order["status"], order["points"]) == ("completed", {"main": "210.0000"})
    # the same notification again, even freshly signed, is a replay
    again = notify(api, secret, clock, paid)
    assert again.status_code == 409 and again.json()["field"] == "id"
    assert refusals(api) == [("replayed", "n1")]
    assert [n["id"] for n in api.ok(api.get("/v1/payments/notifications"))] == ["n1"]
    assert api.ok(api.get("/v1/members/m1/positions"))[0]["points"] == "210.0000"
    with context.database.read() as connection:
        assert check_ledger(connection, api.tenant) == []
        assert check_replay(connection, api.tenant) == []


def test_a_notification_address_with_a_parameter_of_the_operators_is_taken(
    api: Api, clock: Clock
) -> None:
    """The operator registers the notification address at the gateway, perhaps with a
    parameter of their own (`?from=wechat`): the API refuses a parameter an operation does
    not take, but a gateway's notification refused is a payment it gives up on."""
    secret = gateway(api)
    an_order(api)
    paid = {"id": "n1", "type": "payment.succeeded", "order": "A1", "amount": "1000.00"}
    accepted = notify(api, secret, clock, paid, address="?from=wechat")
    assert accepted.status_code == 200, accepted.text
    assert api.ok(api.get("/v1/orders/A1"))["status"] == "completed"
    assert api.get("/v1/orders", **{"from": "wechat"}).status_code == 422  # elsewhere: refused


def test_forged_and_stale_notifications_change_nothing(api: Api, clock: Clock) -> None:
    secret = gateway(api)
    an_order(api)
    paid = {"id": "n1", "type": "payment.succeeded", "order": "A1", "amount": "1000.00"}
    forged = notify(api, secret, clock, paid, sign_with="whsec_guessed")
    assert forged.status_code == 401
    assert forged.json() == {
        "code": "unauthorized",
        "message": "the signature does not match the body and timestamp",
        "field": "X-Zengzhi-Signature",
    }
    stale = notify(api, secret, clock, paid, age=301)
    assert stale.status_code == 401 and stale.json()["field"] == "X-Zengzhi-Timestamp"
    raw = json.dumps(paid).encode()
    unsigned = api.client.post(f"/v1/gateway/{api.tenant}/notifications", content=raw)
    assert unsigned.status_code == 401
    assert api.ok(api.get("/v1/orders/A1"))["status"] == "created"
    assert refusals(api) == [("signature", "n1"), ("signature", "n1"), ("stale", "n1")]
    # the genuine notification, on time, still goes through: refusals reserve no id
    assert notify(api, secret, clock, paid, age=299).status_code == 200
    assert api.ok(api.get("/v1/orders/A1"))["status"] == "completed"


def test_a_notification_that_cannot_apply_is_refused_and_kept(api: Api, clock: Clock) -> None:
    secret = gateway(api)
    an_order(api)
    short = {"id": "n1", "type": "payment.succeeded", "order": "A1", "amount": "999.99"}
    refused = notify(api, secret, clock, short)
    assert refused.status_code == 409 and refused.json()["field"] == "amount"
    unknown = notify(api, secret, clock, {**short, "id": "n2", "order": "nope"})
    assert unknown.status_code == 404 and unknown.json()["field"] == "order"
    floaty = notify(api, secret, clock, {**short, "id": "n3", "amount": 1000.0})
    assert floaty.status_code == 422 and floaty.json()["field"] == "amount"
    assert notify(api, secret, clock, {"id": "n4", "type": "refund"}).status_code == 422
    assert api.ok(api.get("/v1/orders/A1"))["status"] == "created"
    assert [reason for reason, _ in refusals(api)] == [
        "conflict",
        "invalid",
        "invalid",
        "not_found",
    ]
    # n1 was refused, so the gateway may send n1 again, right this time
    right = {**short, "amount": "1000.00"}
    assert notify(api, secret, clock, right).status_code == 200


def test_the_manual_adapter_takes_no_notifications(api: Api, clock: Clock) -> None:
    an_order(api)
    assert api.ok(api.get("/v1/payments/adapter"))["adapter"] == "manual"
    paid = {"id": "n1", "type": "payment.succeeded", "order": "A1", "amount": "1000.00"}
    refused = notify(api, "whsec_anything", clock, paid)
    assert refused.status_code == 401 and refused.json()["field"] == "adapter"
    assert refusals(api) == []  # no gateway: nothing written for anyone who calls
    unknown = api.client.post("/v1/gateway/no-such-tenant/notifications", content=b"{}")
    assert unknown.status_code == 401


def test_two_copies_at_once_apply_once(api: Api, clock: Clock) -> None:
    secret = gateway(api)
    an_order(api)
    paid = {"id": "n1", "type": "payment.succeeded", "order": "A1", "amount": "1000.00"}
    codes: list[int] = []
    threads = [
        threading.Thread(target=lambda: codes.append(notify(api, secret, clock, paid).status_code))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 409]
    assert api.ok(api.get("/v1/members/m1/positions"))[0]["points"] == "210.0000"


def test_a_payout_through_the_gateway(api: Api, clock: Clock, context: Context) -> None:
    a_member_with_money(api)
    secret = gateway(api)
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "1000.00"}))
    early = api.post("/v1/withdrawals/w1/payout")
    assert early.status_code == 409  # approve first
    api.ok(api.post("/v1/withdrawals/w1/approve"))
    assert api.post("/v1/withdrawals/w1/payout", token=api.as_role("integrator")).status_code == 403
    asked = api.ok(api.post("/v1/withdrawals/w1/payout"))
    assert asked["status"] == "paying"
    rejected = api.post("/v1/withdrawals/w1/reject", {"reason": "test"})
    assert rejected.status_code == 409  # money may be moving
    # the payout request goes to the gateway through the outbox, signed with its secret
    sent: list[dict[str, Any]] = []

    def gateway_endpoint(request: httpx.Request) -> httpx.Response:
        body = request.read()
        verify(
            secret,
            request.headers[TIMESTAMP_HEADER],
            request.headers[SIGNATURE_HEADER],
            body,
            int(clock.now.timestamp()),
            300,
        )
        assert str(request.url) == "https://pay.example/payouts"
        sent.append(json.loads(body))
        return httpx.Response(202)

    dispatch(context, api.tenant, httpx.Client(transport=httpx.MockTransport(gateway_endpoint)))
    [request] = sent
    assert request["type"] == "payout.requested"
    assert request["data"] == {
        "withdrawal": "w1",
        "member": "m1",
        "amount": "1000.00",
        "currency": "CNY",
    }
    # the gateway could not pay: approved again, for finance to retry or reject
    failed = {"id": "p1", "type": "payout.failed", "withdrawal": "w1", "reason": "closed"}
    assert notify(api, secret, clock, failed).json()["status"] == "approved"
    assert api.ok(api.get("/v1/withdrawals/w1"))["note"] == "payout failed: closed"
    api.ok(api.post("/v1/withdrawals/w1/payout"))
    done = {"id": "p2", "type": "payout.succeeded", "withdrawal": "w1"}
    assert notify(api, secret, clock, done).json()["status"] == "paid"
    wallet = api.ok(api.get("/v1/members/m1/wallet"))
    assert (wallet["balance"], wallet["withdrawing"]) == ("600.00", "0.00")
    # approved or sent again once paid (a second tab): answered as it is, nothing sent
    for step in ("approve", "payout"):
        assert api.ok(api.post(f"/v1/withdrawals/w1/{step}")) == api.ok(
            api.get("/v1/withdrawals/w1")
        )
    dispatch(context, api.tenant, httpx.Client(transport=httpx.MockTransport(gateway_endpoint)))
    # nor the second request, still queued when the gateway said paid: it is cancelled
    assert [request["type"] for request in sent] == ["payout.requested"]
    statuses = [one["status"] for one in api.ok(api.get("/v1/webhooks/gateway/deliveries"))]
    assert statuses == ["cancelled", "delivered"]  # newest first
    actions = [row["action"] for row in api.ok(api.get("/v1/audit-log", limit=20))]
    assert actions[:3] == ["withdrawal.paid", "withdrawal.paying", "withdrawal.approved"]
    with context.database.read() as connection:
        assert check_ledger(connection, api.tenant) == []
        assert check_replay(connection, api.tenant) == []


def test_a_withdrawal_rejected_before_approval_cannot_be_paid_late(
    api: Api, clock: Clock, context: Context
) -> None:
    """A held withdrawal rejected without ever being approved was never sent to any
    gateway: a signed payout.succeeded for it was applied as a late payment (withdraw_pay_
    late), taking its 1,000.00 back from the member. Refused (409, status), as the held one
    is, and nothing moves; one approved before its rejection (it may have been sent) is
    still booked as paid late and taken back."""
    a_member_with_money(api)
    secret = gateway(api)
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "1000.00"}))
    held = notify(api, secret, clock, {"id": "p0", "type": "payout.succeeded", "withdrawal": "w1"})
    assert (held.status_code, held.json()["field"]) == (409, "status")
    api.ok(api.post("/v1/withdrawals/w1/reject", {"reason": "wrong account"}))
    paid = {"id": "p1", "type": "payout.succeeded", "withdrawal": "w1"}
    refused = notify(api, secret, clock, paid)
    assert (refused.status_code, refused.json()["field"]) == (409, "status")
    assert "rejected before it was approved" in refused.json()["message"]
    view = api.ok(api.get("/v1/withdrawals/w1"))
    assert (view["status"], view["note"]) == ("rejected", "wrong account")
    wallet = api.ok(api.get("/v1/members/m1/wallet"))
    assert (wallet["balance"], wallet["withdrawing"], wallet["debt"]) == ("1600.00", "0.00", "0.00")
    assert [reason for reason, _ in refusals(api)] == ["conflict", "conflict"]
    # approved, then rejected: it may have been sent, and a "paid" is taken back
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w2", "amount": "1000.00"}))
    api.ok(api.post("/v1/withdrawals/w2/approve"))
    api.ok(api.post("/v1/withdrawals/w2/reject", {"reason": "never arrived"}))
    late = {"id": "p2", "type": "payout.succeeded", "withdrawal": "w2"}
    assert notify(api, secret, clock, late).json()["status"] == "paid"
    # the reason finance gave for the rejection is kept in the note (it was replaced)
    note = api.ok(api.get("/v1/withdrawals/w2"))["note"]
    assert note == "paid by the gateway after it was rejected (never arrived): taken back"
    wallet = api.ok(api.get("/v1/members/m1/wallet"))
    assert (wallet["balance"], wallet["withdrawing"], wallet["debt"]) == ("600.00", "0.00", "0.00")
    with context.database.read() as connection:
        assert check_ledger(connection, api.tenant) == []
        assert check_replay(connection, api.tenant) == []


def test_the_adapter_is_configured_by_the_owner(api: Api) -> None:
    refused = api.put("/v1/payments/adapter", {"adapter": "webhook"})
    assert refused.status_code == 422 and refused.json()["field"] == "payout_url"
    for role in ("operator", "finance"):  # its secret signs payments: the owner's alone
        body = {"adapter": "manual"}
        assert api.put("/v1/payments/adapter", body, token=api.as_role(role)).status_code == 403
    secret = gateway(api)
    again = api.ok(
        api.put(
            "/v1/payments/adapter", {"adapter": "webhook", "payout_url": "https://pay.example/2"}
        )
    )
    assert again["secret"] is None  # kept, not shown again
    [hook] = api.ok(api.get("/v1/webhooks"))
    assert (hook["id"], hook["url"], hook["event_types"]) == (
        "gateway",
        "https://pay.example/2",
        ["payout.requested"],
    )
    assert api.patch("/v1/webhooks/gateway", {"active": False}).status_code == 409
    rotated = api.ok(
        api.put(
            "/v1/payments/adapter",
            {"adapter": "webhook", "payout_url": "https://pay.example/2", "rotate_secret": True},
        )
    )
    assert rotated["secret"] not in (None, secret)
    manual = api.ok(api.put("/v1/payments/adapter", {"adapter": "manual"}))
    assert manual["adapter"] == "manual"
    assert api.ok(api.get("/v1/webhooks"))[0]["active"] is False
    api.member("m1")
    assert api.post("/v1/withdrawals/none/payout").status_code == 404


def test_where_a_withdrawal_was_rejected_from_is_kept_on_its_row(
    api: Api, clock: Clock, context: Context
) -> None:
    """Whether a rejected withdrawal had been approved (it may have been sent: its "paid"
    is booked late) or was rejected while held (never sent: its "paid" is refused) was
    read from the audit log, which has no index on its target, for each such "paid". The
    rejection now writes it on the withdrawal's row (`rejected_from`), and the log is no
    longer read: with the rejections' records gone, the held one's "paid" is still
    refused. Migration 0025 fills the rows rejected before from the log, and leaves NULL
    (possibly approved, as before) where the log holds no record of the rejection."""
    a_member_with_money(api)
    secret = gateway(api)
    for withdrawal, approved in (("w1", False), ("w2", True), ("w3", True)):
        api.ok(api.post("/v1/members/m1/withdrawals", {"id": withdrawal, "amount": "100.00"}))
        if approved:
            api.ok(api.post(f"/v1/withdrawals/{withdrawal}/approve"))
        api.ok(api.post(f"/v1/withdrawals/{withdrawal}/reject", {"reason": "no"}))
    w = t.withdrawals.c

    def rejected_from() -> dict[str, str | None]:
        with context.database.read() as connection:
            rows = connection.execute(
                select(w.withdrawal_id, w.rejected_from).where(w.tenant_id == api.tenant)
            )
            return {row.withdrawal_id: row.rejected_from for row in rows}

    assert rejected_from() == {"w1": "held", "w2": "approved", "w3": "approved"}
    a = t.audit_log.c
    rejections = (a.tenant_id == api.tenant) & (a.action == "withdrawal.rejected")
    with context.database.write() as connection:  # a rejection the log holds no record of
        connection.execute(delete(t.audit_log).where(rejections, a.target == "withdrawal:w3"))
    down_and_up(context, "0024")  # the column made again, filled from the log
    assert rejected_from() == {"w1": "held", "w2": "approved", "w3": None}
    with context.database.write() as connection:  # the log is not what is read
        connection.execute(delete(t.audit_log).where(rejections))
    refused = notify(
        api, secret, clock, {"id": "p1", "type": "payout.succeeded", "withdrawal": "w1"}
    )
    assert (refused.status_code, refused.json()["field"]) == (409, "status"), refused.text
    assert "rejected before it was approved" in refused.json()["message"]
    for n, withdrawal in ((2, "w2"), (3, "w3")):  # approved, or possibly: taken back
        late = {"id": f"p{n}", "type": "payout.succeeded", "withdrawal": withdrawal}
        assert notify(api, secret, clock, late).json()["status"] == "paid"
    wallet = api.ok(api.get("/v1/members/m1/wallet"))
    assert (wallet["balance"], wallet["withdrawing"], wallet["debt"]) == ("1400.00", "0.00", "0.00")
    with context.database.read() as connection:
        assert check_ledger(connection, api.tenant) == []
        assert check_replay(connection, api.tenant) == []


def test_a_strangers_nul_or_lone_surrogate_is_refused_and_kept_not_a_500(
    api: Api, clock: Clock
) -> None:
    """Anyone may post to the gateway's address: a body whose id holds a NUL or a lone
    surrogate, or that is raw bytes, was a 500 (the refusal could not be kept: PostgreSQL
    text takes no NUL, no encoding takes a lone surrogate). Each is refused as an unsigned
    body is and kept, the characters written as escapes; a body without an id is kept
    with none (it read "None")."""
    gateway(api)
    address = f"/v1/gateway/{api.tenant}/notifications"
    bodies = [b'{"id":"a\\u0000b"}', b'{"id":"\\ud800"}', b"\x00\x01", b'{"type":"x"}']
    for body in bodies:
        answer = api.client.post(
            address, content=body, headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 401, (body, answer.text)
    kept = {r["notification"] for r in api.ok(api.get("/v1/payments/refusals"))}
    assert kept == {"a\\x00b", "\\ud800", None}, kept


def _gateway_sends(context: Context, api: Api, answer: int = 202) -> list[str]:
    """What the dispatcher sends the gateway now: the withdrawals whose payout it asks
    (the gateway answering `answer`)."""
    sent: list[str] = []

    def endpoint(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.read())["data"]["withdrawal"])
        return httpx.Response(answer)

    dispatch(context, api.tenant, httpx.Client(transport=httpx.MockTransport(endpoint)))
    return sent


def test_a_payout_request_is_never_sent_for_a_withdrawal_paid_by_hand(
    api: Api, clock: Clock, context: Context
) -> None:
    """Through the webhook adapter, w1 was sent to the gateway (`paying`, its request
    queued in the outbox) and finance marked it paid by hand: the request still went to
    the gateway, whose "paid" then found w1 paid, and the member was paid twice, the
    second payment booked nowhere. Now a request not yet sent is cancelled with the hand
    payment; one the gateway may have had (sent, or tried) refuses the hand payment, and
    only the gateway's answer settles it. A payout request is sent again (replayed) only
    while its withdrawal is being paid."""
    a_member_with_money(api)  # 1,600.00
    secret = gateway(api)
    for withdrawal in ("w1", "w2"):
        api.ok(api.post("/v1/members/m1/withdrawals", {"id": withdrawal, "amount": "500.00"}))
        api.ok(api.post(f"/v1/withdrawals/{withdrawal}/approve"))
    assert api.ok(api.post("/v1/withdrawals/w1/payout"))["status"] == "paying"
    assert api.ok(api.post("/v1/withdrawals/w1/paid"))["status"] == "paid"
    assert _gateway_sends(context, api) == []  # its request was cancelled
    [w1_request] = api.ok(api.get("/v1/webhooks/gateway/deliveries"))
    assert w1_request["status"] == "cancelled"
    replayed = api.post(f"/v1/webhooks/gateway/deliveries/{w1_request['event_id']}/replay")
    assert (replayed.status_code, replayed.json()["field"]) == (409, "event_id")
    assert "is paid" in replayed.json()["message"]
    assert _gateway_sends(context, api) == []
    # w2's request reached the gateway: paid by hand it would be paid twice
    api.ok(api.post("/v1/withdrawals/w2/payout"))
    assert _gateway_sends(context, api) == ["w2"]
    twice = api.post("/v1/withdrawals/w2/paid")
    assert (twice.status_code, twice.json()["field"]) == (409, "status")
    assert "only the gateway's answer settles it" in twice.json()["message"]
    in_chinese = api.client.post(
        "/v1/withdrawals/w2/paid",
        headers={"Authorization": f"Bearer {api.token}", "Accept-Language": "zh-CN"},
    )
    assert "只能以网关的结果为准" in in_chinese.json()["message"]
    # the gateway refused it for good: approved again, then paid by hand; its old
    # request is not sent again
    failed = {"id": "p1", "type": "payout.failed", "withdrawal": "w2", "reason": "closed"}
    assert notify(api, secret, clock, failed).json()["status"] == "approved"
    requests = api.ok(api.get("/v1/webhooks/gateway/deliveries"))
    w2_request = next(one for one in requests if one["status"] == "delivered")
    stale = api.post(f"/v1/webhooks/gateway/deliveries/{w2_request['event_id']}/replay")
    assert (stale.status_code, stale.json()["field"]) == (409, "event_id")
    assert api.ok(api.post("/v1/withdrawals/w2/paid"))["status"] == "paid"
    assert _gateway_sends(context, api) == []
    wallet = api.ok(api.get("/v1/members/m1/wallet"))
    assert (wallet["balance"], wallet["withdrawing"]) == ("600.00", "0.00")
    with context.database.read() as connection:
        assert check_ledger(connection, api.tenant) == []
        assert check_replay(connection, api.tenant) == []


def test_sent_to_the_gateway_and_paid_by_hand_at_once_pays_once(api: Api, context: Context) -> None:
    """Two of finance, one sending w1 to the gateway and one marking it paid, at the
    same moment (an attacker's race ended paid with the request queued, 2 rounds in
    10): whichever comes first, the gateway is asked to pay only a withdrawal that is
    not paid by hand."""
    a_member_with_money(api)
    gateway(api)
    for round_ in range(6):
        withdrawal = f"w{round_}"
        api.ok(api.post("/v1/members/m1/withdrawals", {"id": withdrawal, "amount": "100.00"}))
        api.ok(api.post(f"/v1/withdrawals/{withdrawal}/approve"))
        steps = iter(("payout", "paid"))

        def one_step(withdrawal: str = withdrawal, steps: Any = steps) -> int:
            step = next(steps)  # one thread each (next is atomic on an iterator of a tuple)
            return api.post(f"/v1/withdrawals/{withdrawal}/{step}").status_code

        assert sorted(at_once(one_step)) in ([200, 200], [200, 409])
        status = api.ok(api.get(f"/v1/withdrawals/{withdrawal}"))["status"]
        sent = _gateway_sends(context, api)
        assert (status, sent) in (("paid", []), ("paying", [withdrawal])), (status, sent)


@pytest.mark.parametrize("settled_by", ["paid", "reject"])
def test_a_payout_request_still_queued_after_the_gateway_refused_is_never_sent(
    api: Api, clock: Clock, context: Context, settled_by: str
) -> None:
    """w1's request reached the gateway, which answered 503 (a retry was due later) and
    then refused it (`payout.failed`: approved again); finance paid w1 by hand, or
    rejected it. The retry still went to the gateway two hours later, whose "paid" then
    found w1 paid (the member paid twice) or was booked as paid after its rejection
    (found by an attacker). The dispatcher sends a payout request only while its
    withdrawal is `paying`: this one is cancelled."""
    a_member_with_money(api)
    secret = gateway(api)
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "500.00"}))
    api.ok(api.post("/v1/withdrawals/w1/approve"))
    api.ok(api.post("/v1/withdrawals/w1/payout"))
    assert _gateway_sends(context, api, answer=503) == ["w1"]
    failed = {"id": "p1", "type": "payout.failed", "withdrawal": "w1", "reason": "closed"}
    assert notify(api, secret, clock, failed).json()["status"] == "approved"
    body = {"reason": "paid at the bank"} if settled_by == "reject" else None
    api.ok(api.post(f"/v1/withdrawals/w1/{settled_by}", body))
    clock.advance(hours=2)
    assert _gateway_sends(context, api) == []
    [request] = api.ok(api.get("/v1/webhooks/gateway/deliveries"))
    assert request["status"] == "cancelled"
    with context.database.read() as connection:
        assert check_ledger(connection, api.tenant) == []
        assert check_replay(connection, api.tenant) == []


def test_paid_by_hand_while_the_dispatcher_records_its_delivery_is_refused(
    api: Api, context: Context
) -> None:
    """The dispatcher records w1's request delivered (its transaction open) while
    finance marks w1 paid: the hand payment waited for the delivery's row, then read it
    delivered but not its attempt (an older snapshot, on PostgreSQL), and was accepted:
    the member paid twice (an attacker's race). A delivery no longer pending counts as
    sent."""
    a_member_with_money(api)
    gateway(api)
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "500.00"}))
    api.ok(api.post("/v1/withdrawals/w1/approve"))
    api.ok(api.post("/v1/withdrawals/w1/payout"))
    recording = threading.Event()

    def record_delivered() -> None:
        d = t.webhook_deliveries
        with context.database.write() as connection:
            connection.execute(
                update(d)
                .where(d.c.tenant_id == api.tenant, d.c.subscription_id == "gateway")
                .values(status="delivered", claimed_by=None)
            )
            recording.set()
            time.sleep(0.5)  # the attempt's row and the commit come after the wait began

    recorder = threading.Thread(target=record_delivered)
    recorder.start()
    recording.wait()
    paid = api.post("/v1/withdrawals/w1/paid")
    recorder.join()
    assert (paid.status_code, paid.json()["field"]) == (409, "status"), paid.text
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "paying"


@pytest.mark.parametrize("meanwhile", ["replayed", "adapter switched and back", "adapter left"])
def test_paid_by_hand_while_its_request_is_on_its_way_is_refused(
    api: Api, clock: Clock, context: Context, meanwhile: str
) -> None:
    """While the dispatcher was sending w1's payout request (the gateway slow to answer),
    the owner replayed it, or switched the tenant's adapter away and back: either cleared
    the delivery's claim, the request read as never sent, and finance's hand payment
    was accepted as the gateway paid it too; the gateway's "paid" then found w1 paid, the
    second payment booked nowhere (found by an attacker, with two servers and a worker).
    A delivery stays its dispatcher's until the attempt is recorded; a hand payment is
    refused while a request is on its way, whichever adapter the tenant has then."""
    a_member_with_money(api)
    secret = gateway(api)
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "500.00"}))
    api.ok(api.post("/v1/withdrawals/w1/approve"))
    api.ok(api.post("/v1/withdrawals/w1/payout"))
    [request] = api.ok(api.get("/v1/webhooks/gateway/deliveries"))
    during: list[httpx.Response] = []

    def slow_gateway(sent: httpx.Request) -> httpx.Response:
        if meanwhile == "replayed":
            path = f"/v1/webhooks/gateway/deliveries/{request['event_id']}/replay"
            assert api.post(path).status_code == 200
        else:
            api.ok(api.put("/v1/payments/adapter", {"adapter": "manual"}))
            if meanwhile == "adapter switched and back":
                body = {"adapter": "webhook", "payout_url": "https://pay.example/payouts"}
                api.ok(api.put("/v1/payments/adapter", body))
        during.append(api.post("/v1/withdrawals/w1/paid"))
        return httpx.Response(202)  # the gateway took it: it will pay w1

    dispatch(context, api.tenant, httpx.Client(transport=httpx.MockTransport(slow_gateway)))
    [paid] = during
    assert (paid.status_code, paid.json()["field"]) == (409, "status"), paid.text
    assert "at this moment" in paid.json()["message"]
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "paying"
    if meanwhile == "adapter left":  # no gateway will answer: finance settles, once sent
        assert api.ok(api.post("/v1/withdrawals/w1/paid"))["status"] == "paid"
    else:
        assert _gateway_sends(context, api) == []  # not sent twice
        done = {"id": "p1", "type": "payout.succeeded", "withdrawal": "w1"}
        assert notify(api, secret, clock, done).json()["status"] == "paid"
    [audit] = [
        row
        for row in api.ok(api.get("/v1/audit-log", limit=50))
        if row["action"] == "withdrawal.paid"
    ]
    assert audit["actor"].startswith("gateway") != (meanwhile == "adapter left")
    books_balance(api, context)


def test_a_dispatcher_that_died_sending_leaves_no_withdrawal_stuck(
    api: Api, clock: Clock, context: Context
) -> None:
    """A worker claimed w1's payout request and was killed as it sent it: its claim stays,
    its lease runs out. The request may have reached the gateway, so w1 (`paying`) waits
    for the gateway's answer while the webhook adapter is the tenant's; once the gateway
    refused it (approved again) finance pays by hand, and a tenant that left the adapter
    settles too: a dead worker's claim is not a request "being sent at this moment"."""
    a_member_with_money(api)
    secret = gateway(api)
    for withdrawal in ("w1", "w2"):
        api.ok(api.post("/v1/members/m1/withdrawals", {"id": withdrawal, "amount": "500.00"}))
        api.ok(api.post(f"/v1/withdrawals/{withdrawal}/approve"))
        api.ok(api.post(f"/v1/withdrawals/{withdrawal}/payout"))
    d = t.webhook_deliveries
    with context.database.write() as connection:  # the dead worker's claim
        connection.execute(
            update(d)
            .where(d.c.tenant_id == api.tenant, d.c.subscription_id == "gateway")
            .values(claimed_by="dead-worker", next_attempt_at=clock.now + timedelta(minutes=2))
        )
    paid = api.post("/v1/withdrawals/w1/paid")
    assert "at this moment" in paid.json()["message"]  # its lease still runs
    clock.advance(minutes=3)
    paid = api.post("/v1/withdrawals/w1/paid")
    assert (paid.status_code, paid.json()["field"]) == (409, "status")
    assert "only the gateway's answer settles it" in paid.json()["message"]
    failed = {"id": "p1", "type": "payout.failed", "withdrawal": "w1", "reason": "closed"}
    assert notify(api, secret, clock, failed).json()["status"] == "approved"
    assert api.ok(api.post("/v1/withdrawals/w1/paid"))["status"] == "paid"
    api.ok(api.put("/v1/payments/adapter", {"adapter": "manual"}))  # w2: finance settles
    assert api.ok(api.post("/v1/withdrawals/w2/paid"))["status"] == "paid"
    assert _gateway_sends(context, api) == []
    books_balance(api, context)
