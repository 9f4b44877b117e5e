"""Webhooks across real processes and real HTTP.

A server commits orders (and their outbox) and is killed (SIGKILL) before any delivery;
another process delivers everything to a receiver on a local port, each event once, in
order per member, signed. (The client examples against `zengzhi serve --demo`, whose own
dispatcher delivers, are in test_examples.py, on one demo server.)
"""

from __future__ import annotations

import json
import signal
import subprocess
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests import server_process
from tests.service.conftest import SECRET, free_port, new_tenant
from zengzhi.core.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.users import NewApiKey, create_api_key
from zengzhi.service.webhook_delivery import dispatch
from zengzhi.store import tables as t

ROOT = Path(__file__).resolve().parents[2]


class Receiver:
    """A real HTTP endpoint on a local port that checks signatures and keeps events."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.secret = ""
        self.arrived: list[dict[str, Any]] = []
        self.forged = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    verify(
                        receiver.secret,
                        self.headers[TIMESTAMP_HEADER],
                        self.headers[SIGNATURE_HEADER],
                        body,
                        int(time.time()),
                        300,
                    )
                except ValueError:
                    with receiver.lock:
                        receiver.forged += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                with receiver.lock:
                    receiver.arrived.append(json.loads(body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server: ThreadingHTTPServer | None = None
        self._handler = Handler

    def start(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def start_server(url: str, port: int, **env: str) -> subprocess.Popen[bytes]:
    return server_process.start(
        port,
        {
            "ZENGZHI_DATABASE_URL": url,
            "ZENGZHI_SECRET_KEY": SECRET.get_secret_value(),
            "ZENGZHI_WEBHOOK_PRIVATE_TARGETS": "true",  # the receiver is on this machine
            **env,
        },
    )


def until(condition: Any, seconds: float) -> bool:
    """Poll for a condition (the server delivers on its own clock)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return bool(condition())


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver(free_port())
    yield found
    found.stop()


def test_a_server_killed_before_delivery_loses_nothing(
    context: Context, database_url: str, receiver: Receiver
) -> None:
    database = context.database
    tenant = new_tenant(context, "kill")
    key = create_api_key(context, Principal(tenant, "test", Role.OWNER), NewApiKey(name="k"))
    operator = create_api_key(
        context, Principal(tenant, "test", Role.OWNER), NewApiKey(name="o", role=Role.OPERATOR)
    )
    port = free_port()
    # 1. a server that commits but never delivers (its dispatcher is off), then dies
    first = start_server(database_url, port, ZENGZHI_RUN_JOBS="false")
    try:
        shop = httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": f"Bearer {key.token}"},
            timeout=30,
        )
        admin = httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": f"Bearer {operator.token}"},
            timeout=30,
        )
        hook = admin.post(
            "/v1/webhooks",
            json={"url": f"http://127.0.0.1:{receiver.port}/hooks", "event_types": ["*"]},
        ).json()
        receiver.secret = hook["secret"]
        assert admin.post("/v1/pools", json={"id": "main", "exit_multiple": "2"}).is_success
        for n in range(3):
            assert shop.post("/v1/members", json={"id": f"m{n}"}).is_success
        for n in range(9):
            body = {
                "id": f"o{n}",
                "member": f"m{n % 3}",
                "amount": "1000.00",
                "contribution": "300.00",
            }
            assert shop.post("/v1/orders", json=body).is_success
            assert shop.post(f"/v1/orders/o{n}/pay").is_success
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=20)
    e = t.webhook_events.c
    with database.read() as connection:
        committed = connection.execute(
            select(func.count()).where(e.tenant_id == tenant)
        ).scalar_one()
    assert committed == 1 + 3 + 9 * 2  # pool opened, members joined, orders and mints
    assert receiver.arrived == []
    # 2. the receiver is up; another process (this one, on the real clock) delivers
    receiver.start()
    local = context.settings.model_copy(update={"webhook_private_targets": True})
    report = dispatch(Context(database, local), tenant)
    assert (report.delivered, report.failed_attempts) == (committed, 0)
    ids = [event["id"] for event in receiver.arrived]
    assert len(set(ids)) == committed and receiver.forged == 0
    sequences: dict[str, list[int]] = defaultdict(list)
    for event in receiver.arrived:
        if event["tenant"] == tenant:
            sequences[(event["members"] or [""])[0]].append(event["sequence"])
    assert set(sequences) == {"", "m0", "m1", "m2"}
    for each in sequences.values():
        assert each == sorted(each)
