"""DNS rebinding: a receiver's name that resolves to a public address when the server
checks it and to 127.0.0.1 a moment later, when the HTTP client resolves it again to
connect. The server connects to the very address it checked (the name is resolved once,
in the connection), so nothing reaches its own network."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from tests.security.conftest import sqlite_only
from tests.service.conftest import Api
from zengzhi.service.base import Context
from zengzhi.service.webhook_delivery import dispatch

NAME = "rebind.example"
PUBLIC = "93.184.216.34"

RECEIVED: list[str] = []


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        RECEIVED.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@sqlite_only  # the network, not the database
def test_a_name_that_turns_private_after_its_check_is_not_connected_to(
    api: Api, context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = socket.getaddrinfo
    asked: list[str] = []

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != NAME:
            return real(host, port, *args, **kwargs)
        asked.append(host)
        address = PUBLIC if len(asked) % 2 == 1 else "127.0.0.1"  # public, then loopback
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        RECEIVED.clear()
        hook = api.ok(
            api.post(
                "/v1/webhooks",
                {"url": f"http://{NAME}:{server.server_port}/hooks", "event_types": ["*"]},
            )
        )
        api.member("m1")
        monkeypatch.setattr(socket, "getaddrinfo", rebinding)
        report = dispatch(context, api.tenant, workers=1)  # the server's own client
        monkeypatch.undo()
        assert asked, "the name was never resolved"
        assert RECEIVED == [], "the request reached 127.0.0.1"
        assert report.delivered == 0 and report.failed_attempts >= 1
        deliveries = api.ok(api.get(f"/v1/webhooks/{hook['id']}/deliveries"))
        assert deliveries and all(
            "resolves to a private or local address" in one["last_error"] for one in deliveries
        ), deliveries
    finally:
        server.shutdown()
        server.server_close()
