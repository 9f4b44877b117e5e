"""Outgoing webhooks signed per Standard Webhooks: verified here by the specification's
own reference library (`standardwebhooks`, a dev dependency) and by the specification's
test vector; the older `X-Zengzhi-Signature` is still sent beside it for one release; a
gateway may sign its notifications the standard way too. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from tests.service.conftest import Api, Clock
from tests.service.test_payments import an_order, gateway, refusals
from zengzhi.core import standard_webhooks
from zengzhi.core.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify
from zengzhi.service.base import Context
from zengzhi.service.webhook_delivery import dispatch
from zengzhi.store import tables as t

# the specification's example (standard-webhooks/spec, "Signature scheme")
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_specifications_test_vector() -> None:
    key = standard_webhooks.key_of(VECTOR_SECRET)
    assert key is not None
    assert standard_webhooks.sign(key, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == (
        VECTOR_SIGNATURE
    )
    given = {
        "webhook-id": VECTOR_ID,
        "webhook-timestamp": str(VECTOR_TIMESTAMP),
        "webhook-signature": f"v1,bm90IHRoaXMgb25l {VECTOR_SIGNATURE}",  # rotation: two
    }
    assert standard_webhooks.verify(
        VECTOR_SECRET, given, VECTOR_BODY, VECTOR_TIMESTAMP + 10, 300
    ) == (VECTOR_ID, VECTOR_TIMESTAMP)
    for header, value, at_fault in [
        ("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF=", None),
        ("webhook-id", "msg_other", "webhook-signature"),  # signed with another id
        ("webhook-id", "", None),
        ("webhook-timestamp", str(VECTOR_TIMESTAMP + 1), "webhook-signature"),
        ("webhook-timestamp", "１６１４２６５３３０", None),  # digits, but not ASCII ones
    ]:
        with pytest.raises(SignatureError) as refused:
            standard_webhooks.verify(
                VECTOR_SECRET, given | {header: value}, VECTOR_BODY, VECTOR_TIMESTAMP, 300
            )
        assert refused.value.field == (at_fault or header)
    with pytest.raises(SignatureError) as stale:
        standard_webhooks.verify(VECTOR_SECRET, given, VECTOR_BODY, VECTOR_TIMESTAMP + 301, 300)
    assert stale.value.reason == "stale"


def test_a_new_secret_is_standard_and_an_old_one_is_not() -> None:
    secret = standard_webhooks.new_secret()
    key = standard_webhooks.key_of(secret)
    assert secret.startswith("whsec_") and key is not None and len(key) == 32
    assert standard_webhooks.key_of("whsec_Ab-_" + "x" * 39) is None  # URL-safe: older
    assert standard_webhooks.headers("whsec_Ab-_" + "x" * 39, "e1", 1, b"{}") == {}


def test_a_delivered_webhook_verifies_with_the_reference_library(
    api: Api, clock: Clock, context: Context
) -> None:
    # the library checks the timestamp against the real clock
    clock.now = datetime.now(UTC).replace(microsecond=0)
    body = {"url": "https://shop.example/hooks", "event_types": ["*"]}
    secret = api.ok(api.post("/v1/webhooks", body))["secret"]
    api.member("m1")
    seen: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(204)

    report = dispatch(context, api.tenant, httpx.Client(transport=httpx.MockTransport(receiver)))
    assert report.delivered == len(seen) >= 1
    for request in seen:
        event = Webhook(secret).verify(request.content, dict(request.headers))
        assert request.headers["webhook-id"] == event["id"]
        assert request.headers["webhook-timestamp"] == str(int(clock.now.timestamp()))
        # the older header, for receivers not yet moved (one release)
        verify(
            secret,
            request.headers[TIMESTAMP_HEADER],
            request.headers[SIGNATURE_HEADER],
            request.content,
            int(clock.now.timestamp()),
            300,
        )
        tampered = request.content.replace(b"m1", b"m2")
        with pytest.raises(WebhookVerificationError):
            Webhook(secret).verify(tampered, dict(request.headers))
        with pytest.raises(WebhookVerificationError):
            Webhook(standard_webhooks.new_secret()).verify(request.content, dict(request.headers))


def test_a_subscription_with_an_older_secret_gets_the_older_header_until_rotated(
    api: Api, clock: Clock, context: Context
) -> None:
    hook = api.ok(api.post("/v1/webhooks", {"url": "https://shop.example/h", "event_types": ["*"]}))
    older = "whsec_" + "Ab-_" * 10 + "xyz"  # as secrets were made before
    with context.database.write() as connection:
        c = t.webhook_subscriptions.c
        connection.execute(
            t.webhook_subscriptions.update()
            .where(c.tenant_id == api.tenant, c.subscription_id == hook["id"])
            .values(secret=older)
        )
    api.member("m1")
    seen: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        request.read()
        seen.append(request)
        return httpx.Response(204)

    dispatch(context, api.tenant, httpx.Client(transport=httpx.MockTransport(receiver)))
    assert seen and all("webhook-signature" not in r.headers for r in seen)
    assert all(SIGNATURE_HEADER.lower() in r.headers for r in seen)
    rotated = api.ok(api.patch(f"/v1/webhooks/{hook['id']}", {"rotate_secret": True}))
    assert standard_webhooks.key_of(rotated["secret"]) is not None


def test_a_gateway_may_sign_its_notifications_the_standard_way(
    api: Api, clock: Clock, context: Context
) -> None:
    secret = gateway(api)
    an_order(api)
    stamp = datetime.fromtimestamp(int(clock.now.timestamp()), UTC)
    raw = json.dumps({"id": "n1", "type": "payment.succeeded", "order": "A1", "amount": "1000.00"})
    signed = Webhook(secret).sign("n1", stamp, raw)
    headers = {
        "Content-Type": "application/json",
        "webhook-id": "n1",
        "webhook-timestamp": str(int(stamp.timestamp())),
        "webhook-signature": signed,
    }
    path = f"/v1/gateway/{api.tenant}/notifications"
    forged = api.client.post(path, content=raw.replace("1000", "1001"), headers=headers)
    assert forged.status_code == 401 and forged.json()["field"] == "webhook-signature"
    accepted = api.client.post(path, content=raw, headers=headers)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "completed"
    replayed = api.client.post(path, content=raw, headers=headers)
    assert replayed.status_code == 409
    assert refusals(api) == [("replayed", "n1"), ("signature", "n1")]
