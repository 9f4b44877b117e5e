"""A command that reads the referral network holds the tenant's network lock shared
until it commits, and a binding (which takes it alone) waits for it: a re-assignment
committed between an order's reading of its buyer's uplines and the order's commit put
the order after the move in the event log, which replayed its commission under the new
chain. The likely cause of a fresh-clone run's failure of tests/service/test_mixed_races.py
(a store owner's wallet 2.77 short of the replay; not reproduced in three runs since).
PostgreSQL; on SQLite a write transaction holds the whole database."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from tests.service.conftest import SECRET, new_tenant
from zengzhi.service.base import Context
from zengzhi.service.settings import Settings
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade
from zengzhi.store.network import SqlNetwork


def test_a_binding_waits_for_a_command_that_read_the_network(postgres_url: str) -> None:
    database = Database(postgres_url)
    upgrade(database.writer)
    context = Context(database, Settings(database_url=postgres_url, secret_key=SECRET))
    tenant = new_tenant(context, "links")
    with database.writer.connect() as reader, database.writer.connect() as binder:
        with reader.begin():
            SqlNetwork(reader, tenant).referrer("m1")  # an order reading a link
            with binder.begin():
                binder.execute(text("SET LOCAL lock_timeout = '200ms'"))
                with pytest.raises(OperationalError, match="lock timeout"):
                    SqlNetwork(binder, tenant).lock_links()  # a binding, meanwhile
        with binder.begin():  # the reader committed: the binding goes ahead
            SqlNetwork(binder, tenant).lock_links()
    database.dispose()
