"""A server killed (SIGKILL) on PostgreSQL while its groups hold one member's orders, sales
and reversals (lots inserted, updated and deleted in the group's held writes): the audit
is clean after the kill, and after everything is sent again (aef9545, position_lots)."""

from __future__ import annotations

import random
import signal
import threading
import time

import httpx
from sqlalchemy import create_engine

from tests import server_process
from tests.service.conftest import free_port
from tests.service.test_sequencer_crash import _in_a_transaction, crashable
from zengzhi.service.audit import check_ledger, check_replay

CLIENTS = 6
KILLS = 2


class Trader:
    """Clients buying (one by one and in batches), selling and reversing, m1 mostly."""

    def __init__(self, url: str, key: str) -> None:
        self.url, self.key = url, key
        self.completed: list[str] = []
        self.sent: list[tuple[str, dict[str, object]]] = []
        self.lock = threading.Lock()
        self.answered = 0

    def client(self, name: str, seed: int) -> None:
        rng = random.Random(seed)
        headers = {"Authorization": f"Bearer {self.key}"}
        with httpx.Client(base_url=self.url, headers=headers, timeout=30) as http:
            for n in range(10_000):
                try:
                    self._one(http, rng, f"{name}-{n}")
                except httpx.TransportError:
                    return

    def _one(self, http: httpx.Client, rng: random.Random, name: str) -> None:
        choice = rng.random()
        if choice < 0.5:
            bodies = []
            for k in range(rng.choice([1, 1, 5, 20])):
                member = rng.choice(["m1", "m1", "m1", "m2"])
                amount = rng.randint(3, 9) if member == "m1" else rng.randint(100, 900)
                bodies.append(
                    {"id": f"{name}-{k}", "member": member, "amount": f"{amount}.00"}
                    | {"contribution": f"{amount if member == 'm1' else amount // 2}.00"}
                )
            with self.lock:
                self.sent += [("/v1/orders", body) for body in bodies]
            answer = http.post("/v1/orders/batch", json={"orders": bodies, "pay": True})
            assert answer.status_code == 200, answer.text
            with self.lock:
                self.completed += [item["id"] for item in answer.json()]
        elif choice < 0.75:
            body = {"id": name, "points": rng.choice(["all", "1", "0.3"])}
            with self.lock:
                self.sent.append(("/v1/members/m1/sell", body))
            assert http.post("/v1/members/m1/sell", json=body).status_code < 500
        else:
            with self.lock:
                if not self.completed:
                    return
                order = self.completed.pop(rng.randrange(len(self.completed)))
                self.sent.append((f"/v1/orders/{order}/reverse", {}))
            assert http.post(f"/v1/orders/{order}/reverse", json={}).status_code == 200
        with self.lock:
            self.answered += 1


def test_a_server_killed_mid_group_of_lots_leaves_clean_books(postgres_url: str) -> None:
    made = crashable(postgres_url, "lotcrash", "1.1", ("m1", "m2"))
    database, owner, application = made.database, made.owner, made.application
    key, env = made.key, made.env
    admin = create_engine(postgres_url)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    traders: list[Trader] = []
    for kill in range(KILLS):
        server = server_process.start(port, env)
        trader = Trader(url, key)
        traders.append(trader)
        clients = [
            threading.Thread(target=trader.client, args=(f"k{kill}c{n}", kill * 100 + n))
            for n in range(CLIENTS)
        ]
        for client in clients:
            client.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (
            trader.answered >= 40 and _in_a_transaction(admin, application)
        ):
            time.sleep(0.002)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=20)
        for client in clients:
            client.join(timeout=60)
        with database.read() as connection:  # clean right after the kill
            assert check_ledger(connection, owner.tenant) == []
            assert check_replay(connection, owner.tenant) == []
    with (
        server_process.serving(port, env),
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30) as http,
    ):
        for trader in traders:  # everything again, as an integrator retries
            for path, body in trader.sent:
                if path == "/v1/orders":
                    answer = http.post(path, json=body)
                    assert answer.status_code in (200, 201), answer.text
                    http.post(f"/v1/orders/{body['id']}/pay", json={})
                else:
                    assert http.post(path, json=body).status_code < 500
    with database.read() as connection:
        assert check_ledger(connection, owner.tenant) == []
        assert check_replay(connection, owner.tenant) == []
    admin.dispose()
    database.dispose()
