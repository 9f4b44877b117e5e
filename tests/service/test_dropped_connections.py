"""Connections the database dropped (a restart, a failover, an idle timeout in between):
the service's pool keeps connections open between requests, and PostgreSQL may have
ended any of them since. Each is tried as it is taken from the pool (SQLAlchemy's
pre-ping, store/database.py) and replaced when dead, so a command, a read and a
request's check of its key after a drop are answered, not failed. Without the pre-ping
both tests fail (tried: `AdminShutdown`, "terminating connection due to administrator
command"). Measured on 2026-12-06, dropping it saved no CPU a lone order could show
(`order_cost.py --paid`, two runs each way: 3,931 and 3,712 µs without, 3,607 and 3,761
with). PostgreSQL only (SQLite has no server to lose)."""

from __future__ import annotations

import dataclasses

import psycopg
import pytest
from sqlalchemy import make_url, text

from tests.service.conftest import Api, new_tenant
from zengzhi.service import members, orders, pools
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.members import NewMember
from zengzhi.store.database import Database

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def _dropped(database: Database, held: int = 4) -> list[int]:
    """Open `held` connections in the pool, then have PostgreSQL end their backends, as
    a restart would: the pool still holds them, dead."""
    connections = [database.writer.connect() for _ in range(held)]
    pids = [int(c.execute(text("SELECT pg_backend_pid()")).scalar_one()) for c in connections]
    for connection in connections:
        connection.close()  # back to the pool, open
    url = make_url(database.url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as admin:
        for pid in pids:
            assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)
    return pids


@postgresql_only
def test_commands_and_reads_survive_connections_the_database_dropped(context: Context) -> None:
    database = Database(context.database.url)
    mine = dataclasses.replace(context, database=database)
    try:
        tenant = new_tenant(mine)
        owner = Principal(tenant, "user:owner", Role.OWNER)
        pools.open_pool(mine, owner, pools.NewPool(id="main", exit_multiple="2"))
        members.create_member(mine, owner, NewMember(id="m1"))
        body = {"member": "m1", "amount": "100.00", "contribution": "30.00", "pay": True}
        for n in range(3):  # a command, a read, a command again, each after a drop
            _dropped(database)
            order, _ = orders.create_order(mine, owner, orders.NewOrder(id=f"o{n}", **body))
            assert order.status == "completed"
            _dropped(database)
            assert pools.get_pool(mine, owner, "main").balance == f"{30 * (n + 1)}.00"
    finally:
        database.dispose()


@postgresql_only
def test_a_request_survives_connections_the_database_dropped(api: Api, context: Context) -> None:
    """Over HTTP: the key's check (one statement outside a transaction) and the command."""
    api.pool()
    api.member("m1")
    _dropped(context.database)
    body = {"id": "o1", "member": "m1", "amount": "100.00", "contribution": "30.00"}
    created = api.post("/v1/orders", {**body, "pay": True})
    assert (created.status_code, created.json()["status"]) == (201, "completed"), created.text
    _dropped(context.database)
    assert api.ok(api.get("/v1/pools/main"))["balance"] == "30.00"
