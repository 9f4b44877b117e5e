"""Grouped commands plan their prepared statements once (store/database.py, the grouped
commands' engine): their sessions run with `plan_cache_mode = force_generic_plan`, so
PostgreSQL keeps one plan for each statement a lone order sends again and again, where
`auto` planned two of its four anew at each run. Every other command and every read keeps
the server's setting (the console's range reads want plans made for their values)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, text

from tests.service.conftest import new_tenant
from zengzhi.service import members, orders, pools
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, command, grouped_commands, query
from zengzhi.service.members import NewMember
from zengzhi.service.orders import NewOrder
from zengzhi.service.pools import NewPool
from zengzhi.store.database import Database
from zengzhi.store.uow import UnitOfWork

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)

_SHOW = text("SELECT current_setting('plan_cache_mode')")
# what the session's prepared statements were planned as, statement by statement
_PLANNED = text(
    "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
    " WHERE statement LIKE '%FROM orders%' OR statement LIKE '%FROM pools%'"
)


def _owner(context: Context) -> Principal:
    owner = Principal(new_tenant(context, "planned"), "user:owner", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="5"))
    members.create_member(context, owner, NewMember(id="m1"))
    return owner


@postgresql_only
def test_only_grouped_commands_plan_generically(context: Context) -> None:
    owner = _owner(context)

    def shown(uow: UnitOfWork) -> Any:
        return uow.connection.execute(_SHOW).scalar_one()

    def read(connection: Connection) -> Any:
        return connection.execute(_SHOW).scalar_one()

    server = query(context, lambda c: c.execute(text("SHOW plan_cache_mode")).scalar_one())
    assert server == "auto"  # the machine's PostgreSQL as installed
    for _ in range(3):  # whichever pooled connection each gets
        ((grouped, error),) = grouped_commands(context, owner, [shown])
        assert (grouped, error) == ("force_generic_plan", None)
        assert command(context, owner, shown) == server
        assert query(context, read) == server


@postgresql_only
def test_a_lone_orders_statements_are_planned_once(context: Context) -> None:
    """After a dozen lone orders (psycopg prepares a statement at its sixth run), the
    grouped session's prepared statements that read orders and pools were each planned
    generically and never for their values."""
    owner = _owner(context)
    for n in range(12):
        request = NewOrder(id=f"o{n}", member="m1", amount="10.00", contribution="3.00", pay=True)
        made, _ = orders.create_order(context, owner, request)
        assert made.status == "completed"

    def planned(uow: UnitOfWork) -> Any:
        return uow.connection.execute(_PLANNED).all()

    ((rows, error),) = grouped_commands(context, owner, [planned])
    assert error is None
    assert rows, "no statement of the orders was prepared"
    assert all(row.custom_plans == 0 for row in rows), rows
    assert any(row.generic_plans >= 5 for row in rows), rows


def test_options_in_the_url_are_kept_beside_the_plans(postgres_url: str) -> None:
    database = Database(f"{postgres_url}?options=-c%20statement_timeout%3D4321")
    try:
        with database.grouped.connect() as connection:
            shown = connection.execute(
                text(
                    "SELECT current_setting('statement_timeout'),"
                    " current_setting('plan_cache_mode')"
                )
            ).one()
        assert tuple(shown) == ("4321ms", "force_generic_plan")
        with database.read() as connection:
            assert connection.execute(_SHOW).scalar_one() == "auto"
            assert connection.execute(text("SHOW statement_timeout")).scalar_one() == "4321ms"
    finally:
        database.dispose()
