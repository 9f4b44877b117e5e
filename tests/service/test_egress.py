"""Webhook receivers and payout gateways may not lead inside the server's network unless
the deployment allows it (zengzhi.service.egress): refused when saved, and refused again
at delivery when a name resolves to a private address."""

from __future__ import annotations

import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import pytest

from tests.service.conftest import Api
from zengzhi.service.base import Context
from zengzhi.service.egress import LimitedTransport, PublicOnlyTransport, is_private
from zengzhi.service.webhook_delivery import dispatch

PRIVATE = [
    "http://127.0.0.1:9000/hooks",
    "http://10.1.2.3/hooks",
    "http://192.168.0.10/hooks",
    "http://172.16.5.5/hooks",
    "http://169.254.169.254/latest/meta-data",  # a cloud's metadata service
    "http://100.64.0.1/hooks",  # carrier-grade NAT
    "http://0.0.0.0/hooks",
    "http://[::1]/hooks",
    "http://[::ffff:127.0.0.1]/hooks",
    "http://[fd00::1]/hooks",
    "http://localhost:8000/hooks",
    "http://api.localhost/hooks",
]


@pytest.mark.parametrize(
    ("address", "private"),
    [
        ("127.0.0.1", True),
        ("10.0.0.1", True),
        ("169.254.1.1", True),
        ("224.0.0.1", True),
        ("::ffff:192.168.1.1", True),
        ("fe80::1%eth0", True),
        ("8.8.8.8", False),
        ("2606:4700::1111", False),
        ("::ffff:1.1.1.1", False),
    ],
)
def test_what_counts_as_private(address: str, private: bool) -> None:
    assert is_private(address) is private


@pytest.mark.parametrize("url", PRIVATE)
def test_a_subscription_to_a_private_address_is_refused(api: Api, url: str) -> None:
    refused = api.post("/v1/webhooks", {"url": url, "event_types": ["*"]})
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "url"
    assert api.ok(api.get("/v1/webhooks")) == []


def test_a_subscription_cannot_be_moved_to_a_private_address(api: Api) -> None:
    hook = api.ok(api.post("/v1/webhooks", {"url": "https://shop.example/h", "event_types": ["*"]}))
    refused = api.patch(f"/v1/webhooks/{hook['id']}", {"url": "http://10.0.0.7/h"})
    assert refused.status_code == 422 and refused.json()["field"] == "url"
    assert api.ok(api.get("/v1/webhooks"))[0]["url"] == "https://shop.example/h"


def test_a_payout_gateway_on_a_private_address_is_refused(api: Api) -> None:
    body = {"adapter": "webhook", "payout_url": "http://192.168.1.20/payouts"}
    refused = api.put("/v1/payments/adapter", body)
    assert refused.status_code == 422 and refused.json()["field"] == "payout_url"
    assert api.ok(api.get("/v1/payments/adapter"))["adapter"] == "manual"


RECEIVED: list[str] = []


class _Counting(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        RECEIVED.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_a_delivery_to_a_private_address_is_refused_unless_allowed(
    api: Api, context: Context
) -> None:
    server = HTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/hooks"
    allowing = replace(
        context, settings=context.settings.model_copy(update={"webhook_private_targets": True})
    )
    try:
        RECEIVED.clear()
        app: Any = api.client.app  # saved while allowed, as by a deployment that changed
        app.state.context = allowing
        try:
            hook = api.ok(api.post("/v1/webhooks", {"url": url, "event_types": ["*"]}))
        finally:
            app.state.context = context
        assert hook["url"] == url
        api.member("m1")
        refused = dispatch(context, api.tenant)  # the server's own client: public only
        assert refused.delivered == 0 and refused.failed_attempts >= 1
        assert RECEIVED == []
        deliveries = api.ok(api.get(f"/v1/webhooks/{hook['id']}/deliveries"))
        assert deliveries and all(
            "resolves to a private or local address" in one["last_error"] for one in deliveries
        )
        context.clock.advance(hours=2)  # type: ignore[attr-defined]
        allowed = dispatch(allowing, api.tenant)
        assert allowed.delivered >= 1
        assert len(RECEIVED) == allowed.delivered and set(RECEIVED) == {"/hooks"}
    finally:
        server.shutdown()
        server.server_close()


def test_every_transport_shares_one_tls_context(monkeypatch: pytest.MonkeyPatch) -> None:
    # making a TLS context reads the CA bundle (26 ms of CPU); the dispatcher made two a
    # tenant on every pass
    made: list[object] = []
    real = httpx.create_ssl_context
    monkeypatch.setattr(httpx, "create_ssl_context", lambda: made.append(1) or real())
    first, second = PublicOnlyTransport(), LimitedTransport()
    assert first._pool._ssl_context is second._pool._ssl_context
    assert len(made) <= 1
