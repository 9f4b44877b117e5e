"""A server killed (SIGKILL) while it writes a group of orders on PostgreSQL: every order
it had answered is there, none is applied twice, and sending everything again completes
each order exactly once (service/sequencer.py: callers are answered after their group's
commit, and a group commits whole or not at all)."""

from __future__ import annotations

import secrets
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import create_engine, select, text

from tests import server_process
from tests.service.conftest import SECRET, free_port, new_tenant
from zengzhi.service import members, pools
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.members import NewMember
from zengzhi.service.pools import NewPool
from zengzhi.service.settings import Settings
from zengzhi.service.users import NewApiKey, create_api_key
from zengzhi.store import tables as t
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade

MEMBERS = [f"m{n}" for n in range(6)]
CLIENTS = 6
KILLS = 2


def _body(order_id: str, n: int) -> dict[str, str]:
    amount = 100 + n % 900
    return {
        "id": order_id,
        "member": MEMBERS[n % len(MEMBERS)],
        "amount": f"{amount}.00",
        "contribution": f"{amount * 3 // 10}.00",
    }


class Shop:
    """Clients placing and paying orders until the server stops answering."""

    def __init__(self, url: str, key: str) -> None:
        self.url, self.key = url, key
        self.sent: dict[str, dict[str, str]] = {}
        self.answered: set[str] = set()  # paid and answered "completed"
        self.unanswered = 0  # requests the kill cut off
        self.lock = threading.Lock()

    def client(self, name: str, batch: bool) -> None:
        headers = {"Authorization": f"Bearer {self.key}"}
        with httpx.Client(base_url=self.url, headers=headers, timeout=30) as http:
            for n in range(10_000):
                try:
                    if batch:
                        self._batch(http, name, n)
                    else:
                        self._single(http, name, n)
                except httpx.TransportError:
                    with self.lock:
                        self.unanswered += 1
                    return

    def _single(self, http: httpx.Client, name: str, n: int) -> None:
        body = _body(f"{name}-{n}", n)
        with self.lock:
            self.sent[body["id"]] = body
        assert http.post("/v1/orders", json=body).status_code in (200, 201)
        paid = http.post(f"/v1/orders/{body['id']}/pay", json={})
        assert paid.status_code == 200 and paid.json()["status"] == "completed", paid.text
        with self.lock:
            self.answered.add(body["id"])

    def _batch(self, http: httpx.Client, name: str, n: int) -> None:
        bodies = [_body(f"{name}-{n}-{k}", n + k) for k in range(25)]
        with self.lock:
            self.sent.update((body["id"], body) for body in bodies)
        answer = http.post("/v1/orders/batch", json={"orders": bodies, "pay": True})
        assert answer.status_code == 200, answer.text
        with self.lock:
            for item in answer.json():
                assert item["order"]["status"] == "completed", item
                self.answered.add(item["id"])


def _in_a_transaction(admin: Any, application: str) -> bool:
    with admin.connect() as connection:
        return bool(
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"
                    " AND xact_start IS NOT NULL AND state <> 'idle'"
                    " AND now() - xact_start > interval '2 milliseconds'"
                ),
                {"name": application},
            ).scalar_one()
        )


@dataclass
class Crashable:
    """A tenant with a pool, members and an owner's API key, and the environment of the
    servers to kill (named in pg_stat_activity by `application`)."""

    database: Database
    context: Context
    owner: Principal
    key: str
    application: str
    env: dict[str, str]


def crashable(
    postgres_url: str, prefix: str, exit_multiple: str, people: Iterable[str]
) -> Crashable:
    database = Database(postgres_url)
    upgrade(database.writer)
    context = Context(database, Settings(database_url=postgres_url, secret_key=SECRET))
    owner = Principal(new_tenant(context, prefix), "user:owner", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple=exit_multiple))
    for member in people:
        members.create_member(context, owner, NewMember(id=member))
    key = create_api_key(context, owner, NewApiKey(name="shop", role=Role.OWNER)).token
    assert key is not None
    application = f"zengzhi-{prefix}-{secrets.token_hex(3)}"
    env = {
        "ZENGZHI_DATABASE_URL": f"{postgres_url}?application_name={application}",
        "ZENGZHI_SECRET_KEY": SECRET.get_secret_value(),
        "ZENGZHI_RUN_JOBS": "false",
    }
    return Crashable(database, context, owner, key, application, env)


def test_a_server_killed_mid_group_loses_no_answered_order(postgres_url: str) -> None:
    made = crashable(postgres_url, "crash", "2", MEMBERS)
    database, owner, key = made.database, made.owner, made.key
    application, env = made.application, made.env
    admin = create_engine(postgres_url)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    shops: list[Shop] = []
    mid_transaction = 0
    for kill in range(KILLS):
        server = server_process.start(port, env)
        shop = Shop(url, key)
        shops.append(shop)
        clients = [
            threading.Thread(target=shop.client, args=(f"k{kill}c{n}", n == 0))
            for n in range(CLIENTS)
        ]
        for client in clients:
            client.start()
        # killed the moment a group's transaction is seen open: asked again before the
        # kill, as it was, a group now written in a few milliseconds had mostly committed
        # (and the credential checks, once transactions of their own that this query also
        # saw, are single statements outside one since a4bd93a)
        deadline = time.monotonic() + 60
        seen = False
        while time.monotonic() < deadline and not seen:
            seen = len(shop.answered) >= 40 and _in_a_transaction(admin, application)
            if not seen:
                time.sleep(0.002)
        server.send_signal(signal.SIGKILL)
        mid_transaction += seen
        server.wait(timeout=20)
        for client in clients:
            client.join(timeout=60)
        assert shop.unanswered > 0  # requests were in flight when it died

    assert mid_transaction > 0, "never killed while a group was being written"
    with server_process.serving(port, env):
        with database.read() as connection:
            o, e = t.orders.c, t.events.c
            completed = set(
                connection.execute(
                    select(o.order_id).where(o.tenant_id == owner.tenant, o.status == "completed")
                ).scalars()
            )
        for shop in shops:
            assert shop.answered <= completed  # every answered order survived the kill
        with httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=30
        ) as http:
            for shop in shops:  # everything again, as an integrator retries
                for order_id, body in shop.sent.items():
                    assert http.post("/v1/orders", json=body).status_code in (200, 201)
                    paid = http.post(f"/v1/orders/{order_id}/pay", json={})
                    assert paid.json()["status"] == "completed", paid.text
    sent = {order_id for shop in shops for order_id in shop.sent}
    with database.read() as connection:
        logged = Counter(
            connection.execute(
                select(e.event_id).where(e.tenant_id == owner.tenant, e.event_id.like("order:%"))
            ).scalars()
        )
        assert logged == Counter(f"order:{order_id}" for order_id in sent)  # each once
        assert check_ledger(connection, owner.tenant) == []
        assert check_replay(connection, owner.tenant) == []
    admin.dispose()
    database.dispose()
