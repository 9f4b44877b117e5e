"""Connections the database dropped (a restart, a failover, an idle timeout in between):
the service's pool keeps connections open between requests, and PostgreSQL may have
ended any of them since. Each is looked at as it is taken from the pool (its socket is
readable once PostgreSQL has ended it: store/database.py `_alive`) and replaced when
dead, so a command, a read and a request's check of its key after a drop are answered,
not failed. Without the check both drop tests fail (tried: `AdminShutdown`,
"terminating connection due to administrator command"); a check that refused every
connection fails the third (each checkout would open a new backend). PostgreSQL only
(SQLite has no server to lose)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager

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
    a restart would, and wait until they have ended (up to 10 s): the pool still holds
    them, dead."""
    connections = [database.writer.connect() for _ in range(held)]
    pids = [int(c.execute(text("SELECT pg_backend_pid()")).scalar_one()) for c in connections]
    for connection in connections:
        connection.close()  # back to the pool, open
    url = make_url(database.url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False), autocommit=True) as admin:
        for pid in pids:
            ended = admin.execute("SELECT pg_terminate_backend(%s, 10000)", (pid,))
            assert ended.fetchone() == (True,)
    return pids


@contextmanager
def _own_pool(context: Context) -> Iterator[tuple[Context, Principal]]:
    """The context on a `Database` (and its pool) of the test's own, a tenant with a pool."""
    database = Database(context.database.url)
    mine = dataclasses.replace(context, database=database)
    try:
        owner = Principal(new_tenant(mine), "user:owner", Role.OWNER)
        pools.open_pool(mine, owner, pools.NewPool(id="main", exit_multiple="2"))
        yield mine, owner
    finally:
        database.dispose()


@postgresql_only
def test_commands_and_reads_survive_connections_the_database_dropped(context: Context) -> None:
    with _own_pool(context) as (mine, owner):
        members.create_member(mine, owner, NewMember(id="m1"))
        body = {"member": "m1", "amount": "100.00", "contribution": "30.00", "pay": True}
        for n in range(3):  # a command, a read, a command again, each after a drop
            _dropped(mine.database)
            order, _ = orders.create_order(mine, owner, orders.NewOrder(id=f"o{n}", **body))
            assert order.status == "completed"
            _dropped(mine.database)
            assert pools.get_pool(mine, owner, "main").balance == f"{30 * (n + 1)}.00"


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


@postgresql_only
def test_a_live_pooled_connection_is_used_again(context: Context) -> None:
    """The check refuses only dead connections: a command after commands and reads on
    one thread runs on the backend they ran on."""
    with _own_pool(context) as (mine, owner):
        backends = set()
        for n in range(5):
            members.create_member(mine, owner, NewMember(id=f"m{n}"))
            pools.get_pool(mine, owner, "main")
            with mine.database.read() as connection:
                backends.add(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())
        assert len(backends) == 1, backends
