"""Every rule at once, on PostgreSQL, through several server processes.

tests/service/test_concurrency.py races the pool; this races what sits beside it in one
tenant: a zone with refer-three (refunds over days), a union queue and ad points, a
two-level commission, orders of the zone's product and of the pool, reversals (some sent
twice at one instant to two servers), ad tasks, sales and withdrawals, and the operator
changing the zone's terms, the pool's exit multiple and members' referrers among them.
Afterwards the journal rebuilds every balance, replaying the event log in commit order
gives the very state the database holds, no wallet is below zero, and every answer was
an answer (no 5xx).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.processes import RACERS
from tests.service.conftest import SECRET, new_tenant
from tests.service.test_concurrency import (
    _complete_or_refund,
    at_once,
    wallets_below_zero,
)
from zengzhi.core.days import DEFAULT_TIMEZONE
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.settings import Settings
from zengzhi.service.users import NewApiKey, create_api_key
from zengzhi.store.database import Database

CLIENTS = 4
ROUNDS = 40
MEMBERS = [f"z{n}" for n in range(8)]
REFERRERS = {"z1": "z0", "z2": "z0", "z3": "z1", "z4": "z1", "z5": "z3", "z6": "z3", "z7": "z5"}


def zone_modes(rng: random.Random | None = None) -> dict[str, Any]:
    """The zone's modes; with `rng`, the operator's new terms for the same modes."""
    pick = rng.choice if rng else (lambda options: options[0])
    return {
        "refer_three": {
            "funding": pick(["0.3", "0.1", "0.5"]),
            "release_days": pick([3, 0, 2]),
            "schedule": pick([["0.10", "0.20", "0.70"], ["0.5", "0.5"]]),
        },
        "union": {"funding": pick(["0.2", "0.4"]), "lock_days": 0},
        "ads": {"ratio": pick(["1", "0.5"]), "backed": True},
    }


def _prepare(api: httpx.Client, window: int) -> None:
    def ok(response: httpx.Response) -> None:
        assert response.status_code < 300, response.text

    ok(api.post("/v1/pools", json={"id": "main", "exit_multiple": "1.5"}))
    zone = {"modes": zone_modes(), "completion_delay_seconds": window}
    ok(api.put("/v1/zones/club", json=zone))
    pack = {"price": "100.00", "platform": "100.00", "zone": "club"}
    ok(api.put("/v1/products/pack", json=pack))
    rates = {"commission": {"rates": ["0.01", "0.005"]}, "recruiter": {"rate": "0.005"}}
    ok(api.put("/v1/distribution", json=rates))
    for member in MEMBERS:
        body = {"id": member} | ({"referrer": REFERRERS[member]} if member in REFERRERS else {})
        ok(api.post("/v1/members", json=body))
    store = {"owner": "z0", "recruiter": "z1", "commission_rate": "0.2", "pool": "main"}
    ok(api.put("/v1/stores/noodles", json=store | {"distribution_rate": "0.02"}))


class Shop:
    """One client process's requests, each on any server; what came of them."""

    def __init__(self, urls: list[str], key: str, worker: int, window: int) -> None:
        self.rng = random.Random(700 + worker)
        headers = {"Authorization": f"Bearer {key}"}
        self.clients = [httpx.Client(base_url=url, headers=headers, timeout=60) for url in urls]
        self.worker = worker
        self.outcome: Counter[str] = Counter()
        self.completed: list[str] = []
        self.paid: list[str] = []  # in the zone's return window
        self.window = window

    def call(self, path: str, body: dict[str, Any], method: str = "POST") -> httpx.Response:
        response = self.rng.choice(self.clients).request(method, path, json=body)
        assert response.status_code < 500, (path, body, response.text)
        return response

    def order(self, n: int, member: str, of_the_zone: bool) -> None:
        order = f"w{self.worker}-o{n}"
        body: dict[str, Any] = {"id": order, "member": member}
        if of_the_zone:
            body |= {"product": "pack", "quantity": self.rng.randint(1, 3)}
        elif self.rng.random() < 0.4:  # at a store: its commission, owner and recruiter
            body |= {"store": "noodles", "amount": f"{self.rng.randint(50, 800)}.00"}
        else:
            amount = self.rng.randint(100, 2000)
            body |= {"amount": f"{amount}.00", "contribution": f"{amount * 3 // 10}.00"}
        created = self.call("/v1/orders", body)
        assert created.status_code == 201, created.text
        paid = self.call(f"/v1/orders/{order}/pay", {})
        self.kept(order, paid.json()["status"], of_the_zone)
        self.outcome["order"] += 1

    def kept(self, order: str, status: str, of_the_zone: bool) -> None:
        """A paid order: completed at once, or waiting out the zone's return window."""
        assert status == ("paid" if of_the_zone and self.window else "completed"), status
        (self.paid if status == "paid" else self.completed).append(order)

    def settle(self) -> None:
        """The buyer confirms an order in its window and the shop refunds it, one after
        the other or at one instant on two servers: exactly one wins. A client's first
        settling is the shop's refund and its second the buyer's confirmation, one after
        the other, so that both outcomes happen whoever wins the races (the buyer won
        every race of a run, and no order was refunded)."""
        order = self.paid.pop(self.rng.randrange(len(self.paid)))
        settled = self.outcome["completed"] + self.outcome["refunded"]
        racing = settled > 1 and self.rng.random() < 0.5
        refund_first = settled == 0 or (settled > 1 and self.rng.random() < 0.5)
        if _complete_or_refund(self.rng.sample(self.clients, 2), order, racing, refund_first):
            self.completed.append(order)
            self.outcome["completed"] += 1
        else:
            self.outcome["refunded"] += 1

    def batch(self, n: int) -> None:
        """A batch of orders, paid, sometimes sent at one instant to two servers: each
        order applies once, the other answer says it existed."""
        orders = []
        for k in range(self.rng.randint(2, 6)):
            order: dict[str, Any] = {"id": f"w{self.worker}-b{n}-{k}"}
            order["member"] = self.rng.choice(MEMBERS)
            if self.rng.random() < 0.5:
                order |= {"product": "pack"}
            else:
                order |= {"amount": "300.00", "contribution": "90.00"}
            orders.append(order)
        body = {"orders": orders, "pay": True}
        if self.rng.random() < 0.5:
            first, second = self.rng.sample(self.clients, 2)
            answers = at_once([(first, "/v1/orders/batch"), (second, "/v1/orders/batch")], body)
        else:
            answers = [self.call("/v1/orders/batch", body)]
        for answer in answers:
            assert answer.status_code == 200, answer.text
            items = answer.json()
            assert {item["outcome"] for item in items} <= {"created", "existing"}, items
        for order, item in zip(orders, answers[0].json(), strict=True):
            self.kept(order["id"], item["order"]["status"], "product" in order)
        self.outcome["batched"] += len(orders)

    def reverse(self) -> None:
        order = self.completed.pop(self.rng.randrange(len(self.completed)))
        path = f"/v1/orders/{order}/reverse"
        if self.rng.random() < 0.5:  # twice, at one instant, on two servers
            first, second = self.rng.sample(self.clients, 2)
            answers = at_once([(first, path), (second, path)])
            assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
        else:
            assert self.call(path, {}).status_code == 200
        self.outcome["reversed"] += 1

    def tried(self, kind: str, answer: httpx.Response, success: int = 200) -> None:
        self.outcome[kind if answer.status_code == success else f"{kind}_refused"] += 1

    def operator(self, member: str, choice: float) -> None:
        if choice < 0.87:
            zone = {"modes": zone_modes(self.rng), "completion_delay_seconds": self.window}
            answer = self.call("/v1/zones/club", zone, "PUT")  # a PUT is the whole zone
            assert answer.status_code == 200, answer.text
            self.outcome["rezoned"] += 1
        elif choice < 0.93:  # a move that would make a cycle is refused (4xx)
            referrer = self.rng.choice([one for one in MEMBERS if one != member])
            body = {"referrer": referrer, "reason": "support ticket"}
            self.tried("moved", self.call(f"/v1/members/{member}/referrer", body, "PUT"))
        else:
            multiple = self.rng.choice(["1.5", "2", "3"])
            answer = self.call("/v1/pools/main", {"exit_multiple": multiple}, "PATCH")
            assert answer.status_code == 200, answer.text
            self.outcome["configured"] += 1


def hammer_everything(urls: list[str], key: str, worker: int, window: int) -> dict[str, int]:
    """One client process: a random mix of every kind of request."""
    shop = Shop(urls, key, worker, window)
    today = datetime.now(ZoneInfo(DEFAULT_TIMEZONE)).date().isoformat()  # the tenant's day
    for n in range(ROUNDS):
        member, choice = shop.rng.choice(MEMBERS), shop.rng.random()
        if choice < 0.4:
            shop.order(n, member, of_the_zone=choice < 0.25)
        elif choice < 0.45:
            shop.batch(n)
        elif choice < 0.5 and shop.completed:
            shop.reverse()
        elif choice < 0.55 and shop.paid:
            shop.settle()
        elif choice < 0.63:
            task = {"zone": "club", "day": today}
            shop.tried("task", shop.call(f"/v1/members/{member}/tasks", task))
        elif choice < 0.72:
            body = {"id": f"w{worker}-s{n}", "points": shop.rng.choice(["all", "5", "20"])}
            shop.tried("sale", shop.call(f"/v1/members/{member}/sell", body))
        elif choice < 0.8:
            body = {"id": f"w{worker}-w{n}", "amount": f"{shop.rng.randint(1, 100)}.00"}
            shop.tried("withdrawal", shop.call(f"/v1/members/{member}/withdrawals", body), 201)
        else:
            shop.operator(member, choice)
    for client in shop.clients:
        client.close()
    return dict(shop.outcome)


@pytest.mark.parametrize("window", [0, 3600], ids=["completed at once", "return window"])
def test_every_rule_raced_at_once_equals_a_sequential_replay(
    servers: list[str],
    postgres_url: str,
    window: int,
) -> None:
    """With a return window the zone's orders wait paid, and each is confirmed by its
    buyer or refunded by the shop, the two sometimes at one instant on two servers."""
    context = Context(
        Database(postgres_url), Settings(database_url=postgres_url, secret_key=SECRET)
    )
    tenant = new_tenant(context, f"everything{window}")
    owner = Principal(tenant, "user:owner", Role.OWNER)
    key = create_api_key(context, owner, NewApiKey(name="shop", role=Role.OWNER)).token
    assert key is not None
    with httpx.Client(
        base_url=servers[0], headers={"Authorization": f"Bearer {key}"}, timeout=60
    ) as api:
        _prepare(api, window)
    with RACERS.Pool(CLIENTS) as workers:
        outcomes = workers.starmap(
            hammer_everything, [(servers, key, n, window) for n in range(CLIENTS)]
        )
    totals: Counter[str] = Counter()
    for outcome in outcomes:
        totals.update(outcome)
    with context.database.read() as connection:
        assert check_ledger(connection, tenant) == []
        assert check_replay(connection, tenant) == []
        negative = wallets_below_zero(connection, tenant)
    assert negative == 0
    # the mix did what it is for: each kind of request happened, and some were raced
    kinds = ("order", "batched", "reversed", "task", "sale", "withdrawal", "rezoned", "moved")
    for kind in kinds + (("completed", "refunded") if window else ()):
        assert totals[kind] > 0, totals
    context.database.dispose()
