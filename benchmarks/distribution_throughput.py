"""Orders with a full distribution chain, per second.

    python benchmarks/distribution_throughput.py [--orders 20000]

Every rule is on: direct and indirect commission, the recruiter, three levels of agents
(differential), seven star levels with the peer reward. Measured:

- the engine in memory (what replay and the simulator run) on a preferential referral
  tree of 200,000 members, and on single chains 1,000 and 10,000 deep with every order
  placed at the bottom (the whole chain's team performance grows with each);
- the service (orders created and paid through the use cases, one transaction each, no
  HTTP) on SQLite and PostgreSQL, buyers 20 levels deep.

Prints a table; nothing here is a test.
"""

from __future__ import annotations

import argparse
import random
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from autoanalyze import analyze
from machine import describe
from scratch import scratch_database

from zengzhi.core.events import CompleteOrder, GrantAgent, Join, OrderLine
from zengzhi.core.ledger import MemoryLedger
from zengzhi.engine.config import DistributionConfig
from zengzhi.engine.engine import Engine
from zengzhi.engine.network import MemoryDistribution
from zengzhi.engine.state import MemoryPools, TenantState, memory_pool
from zengzhi.rules.pool import PoolParams
from zengzhi.service import members, pools
from zengzhi.service import orders as order_use_cases
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.distribution import put_settings
from zengzhi.service.members import NewMember
from zengzhi.service.orders import NewOrder
from zengzhi.service.pools import NewPool
from zengzhi.service.settings import Settings
from zengzhi.service.tenants import NewTenant, create_tenant
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade

SETTINGS: dict[str, Any] = {
    "commission": {"rates": ["0.003", "0.002"]},
    "recruiter": {"rate": "0.005"},
    "agents": {"rates": {"district": "0.001", "city": "0.002", "province": "0.003"}},
    "team": {
        "peer_share": "0.1",
        "levels": [
            {"performance": p, "rate": r}
            for p, r in (
                ("50000.00", "0.10"),
                ("200000.00", "0.20"),
                ("600000.00", "0.26"),
                ("2000000.00", "0.32"),
                ("6000000.00", "0.38"),
                ("15000000.00", "0.44"),
                ("30000000.00", "0.50"),
            )
        ],
    },
    "overflow": "cut",
}
REGION = "广东/深圳/南山"


def engine_with(links: list[tuple[str, str | None]]) -> Engine:
    params = DistributionConfig.model_validate(SETTINGS).params()
    state = TenantState(
        MemoryLedger(),
        MemoryPools({"main": memory_pool("main", PoolParams())}),
        distribution=MemoryDistribution(params),
    )
    engine = Engine(state)
    for n, (member, referrer) in enumerate(links):
        engine.apply(Join(f"j{n}", member, referrer))
    for n, (region, level) in enumerate(
        (("广东", "province"), ("广东/深圳", "city"), (REGION, "district"))
    ):
        engine.apply(GrantAgent(f"g{n}", links[n][0], region, level, 0))
    return engine


def line(amount: int) -> OrderLine:
    return OrderLine(amount, amount * 3 // 10, "main", amount * 3 // 10, amount * 4 // 10, 0)


def memory_rate(engine: Engine, buyers: list[str], orders: int, seed: int = 3) -> float:
    rng = random.Random(seed)
    events = [
        CompleteOrder(
            f"o{n}",
            rng.choice(buyers),
            (line(rng.randint(100, 3000) * 100),),
            "s",
            None,
            REGION,
            buyers[0],
        )
        for n in range(orders)
    ]
    started = time.perf_counter()
    for event in events:
        engine.apply(event)
    return orders / (time.perf_counter() - started)


def tree(members: int, seed: int = 5) -> list[tuple[str, str | None]]:
    rng = random.Random(seed)
    tickets: list[int] = [0]
    links: list[tuple[str, str | None]] = [("m0", None)]
    for n in range(1, members):
        referrer = tickets[rng.randrange(len(tickets))]
        tickets += [n, referrer]
        links.append((f"m{n}", f"m{referrer}"))
    return links


def chain(depth: int) -> list[tuple[str, str | None]]:
    return [(f"c{n}", f"c{n - 1}" if n else None) for n in range(depth)]


def service_rate(url: str, orders: int) -> float:
    context = Context(
        Database(url), Settings(database_url=url, secret_key=secrets.token_urlsafe(40))
    )  # type: ignore[arg-type]
    upgrade(context.database.writer)
    create_tenant(
        context, NewTenant(id="bench", name="bench", owner="owner", password="benchmark-password")
    )
    owner = Principal("bench", "system:bench", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="2"))
    put_settings(context, owner, DistributionConfig.model_validate(SETTINGS))
    for member, referrer in chain(21):
        members.create_member(context, owner, NewMember(id=member, referrer=referrer))
    analyze(url)  # as autovacuum would on a live database
    started = time.perf_counter()
    for n in range(orders):
        order_id = f"o{n}"
        order_use_cases.create_order(
            context,
            owner,
            NewOrder(
                id=order_id,
                member="c20",
                amount="1000.00",
                split={"distribution": "300.00", "platform": "400.00", "contribution": "300.00"},
                region=REGION,
            ),
        )
        order_use_cases.pay(context, owner, order_id)
    rate = orders / (time.perf_counter() - started)
    context.database.dispose()
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--service-orders", type=int, default=300)
    parser.add_argument(
        "--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    args = parser.parse_args()
    print(f"{describe()}; one process")
    print(f"{'where':<34}{'orders':>8}{'orders/s':>10}")
    links = tree(200_000)
    engine = engine_with(links)
    buyers = [member for member, _ in links]
    print(
        f"{'memory, tree of 200,000':<34}{args.orders:>8}"
        f"{memory_rate(engine, buyers, args.orders):>10,.0f}"
    )
    for depth, count in ((1_000, args.orders // 10), (10_000, args.orders // 100)):
        engine = engine_with(chain(depth))
        print(
            f"{f'memory, chain {depth:,} deep':<34}{count:>8}"
            f"{memory_rate(engine, [f'c{depth - 1}'], count):>10,.0f}"
        )
    with tempfile.TemporaryDirectory() as folder:
        rate = service_rate(f"sqlite:///{Path(folder) / 'bench.db'}", args.service_orders)
        print(f"{'service, SQLite, 20 deep':<34}{args.service_orders:>8}{rate:>10,.0f}")
    with scratch_database(args.postgres) as url:
        rate = service_rate(url, args.service_orders)
        print(f"{'service, PostgreSQL, 20 deep':<34}{args.service_orders:>8}{rate:>10,.0f}")


if __name__ == "__main__":
    main()
