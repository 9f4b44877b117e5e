"""A request checks its API key or session when it arrives, in a transaction of its own;
the command it runs is a later transaction. A revocation that returned in between (the
key revoked, the user signed out, disabled or given another role) let the command
through after it: a leaked key, revoked, went on writing for the requests already on
their way. Each command now reads the key or session again, locked, first in its own
transaction (service/base.py `_proven`): after the revocation has returned nothing new
is done with it, and a revocation at that moment waits for the command to commit. On
SQLite and PostgreSQL; the waiting on PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest

from tests.service.conftest import PASSWORD, new_tenant, statements_sent
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.service import members, orders, pools, sessions, users
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, command
from zengzhi.service.members import NewMember
from zengzhi.service.orders import NewOrder, OrderBatch
from zengzhi.service.pools import NewPool
from zengzhi.service.sessions import Login
from zengzhi.service.users import NewApiKey, NewUser, UserChange
from zengzhi.store.database import Database
from zengzhi.store.uow import UnitOfWork

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def _shop(context: Context) -> tuple[Principal, Principal, Principal]:
    """A tenant: its owner (as the system names it), an integrator's key and a signed-in
    support user, each as a request that has just been authenticated."""
    tenant = new_tenant(context, "proof")
    owner = Principal(tenant, "user:owner", Role.OWNER)
    pools.open_pool(context, owner, NewPool(id="main"))
    key = users.create_api_key(context, owner, NewApiKey(name="shop", role=Role.INTEGRATOR))
    assert key.token is not None
    users.create_user(context, owner, NewUser(username="op", password=PASSWORD, role=Role.SUPPORT))
    session = sessions.login(context, Login(tenant=tenant, username="op", password=PASSWORD))
    by_key = sessions.authenticate(context, key.token)
    by_session = sessions.authenticate(context, session.token)
    assert by_key.proof == key.key_id and by_session.proof is not None
    return owner, by_key, by_session


def _refused(context: Context, principal: Principal, member: str) -> DomainError:
    with pytest.raises(DomainError) as refused:
        members.create_member(context, principal, NewMember(id=member))
    assert refused.value.field == "Authorization"
    with pytest.raises(DomainError):  # nothing was done
        members.get_member(context, Principal(principal.tenant, "system:t", Role.OWNER), member)
    return refused.value


def test_nothing_is_done_with_a_key_or_session_once_its_revocation_has_returned(
    context: Context,
) -> None:
    owner, by_key, by_session = _shop(context)
    members.create_member(context, by_key, NewMember(id="before"))  # still good: done
    users.revoke_api_key(context, owner, by_key.proof or "")
    assert _refused(context, by_key, "after-key").code == ErrorCode.UNAUTHORIZED
    # a grouped command too (the tenant's line: orders, pool changes)
    order = NewOrder(id="o1", member="before", amount="100.00", contribution="30.00")
    with pytest.raises(DomainError) as grouped:
        orders.create_order(context, by_key, order)
    assert grouped.value.code == ErrorCode.UNAUTHORIZED
    with pytest.raises(DomainError):
        orders.get_order(context, owner, "o1")

    members.create_member(context, by_session, NewMember(id="by-op"))
    users.change_user(context, owner, "op", UserChange(role=Role.VIEWER))
    refused = _refused(context, by_session, "after-demotion")
    assert refused.code == ErrorCode.FORBIDDEN  # the role the request was checked with
    users.change_user(context, owner, "op", UserChange(disabled=True))
    assert _refused(context, by_session, "after-disabling").code == ErrorCode.UNAUTHORIZED


def test_a_signed_out_session_does_nothing_more(context: Context) -> None:
    _, _, by_session = _shop(context)
    users.revoke_user_sessions(
        context, Principal(by_session.tenant, "user:owner", Role.OWNER), "op"
    )
    assert _refused(context, by_session, "after-sign-out").code == ErrorCode.UNAUTHORIZED


@postgresql_only
def test_a_revocation_waits_for_the_command_that_has_read_the_key(context: Context) -> None:
    """A command that has read its key (locked) is under way when the key is revoked:
    the revocation waits until the command commits, so the command is never numbered
    after a revocation that had returned."""
    owner, by_key, _ = _shop(context)
    inside, release = threading.Event(), threading.Event()
    finished: dict[str, float] = {}

    def slow(uow: UnitOfWork) -> None:
        inside.set()
        assert release.wait(30)
        uow.audit(by_key.actor, "test.slow", "test:slow")

    def run_slow() -> None:
        command(context, by_key, slow)
        finished["command"] = time.monotonic()

    def revoke() -> None:
        users.revoke_api_key(context, owner, by_key.proof or "")
        finished["revocation"] = time.monotonic()

    worker = threading.Thread(target=run_slow)
    worker.start()
    assert inside.wait(30)
    revoking = threading.Thread(target=revoke)
    revoking.start()
    revoking.join(0.5)
    assert revoking.is_alive()  # waiting for the command's lock on the key
    release.set()
    worker.join(30)
    revoking.join(30)
    assert finished["command"] <= finished["revocation"]
    with pytest.raises(DomainError) as after:
        command(context, by_key, slow)
    assert after.value.code == ErrorCode.UNAUTHORIZED


def test_a_group_sent_with_one_key_reads_it_once(context: Context) -> None:
    """A batch's orders are commands of one transaction: its key is read again once."""
    owner, by_key, _ = _shop(context)
    members.create_member(context, owner, NewMember(id="m1"))
    batch = OrderBatch(
        orders=[
            NewOrder(id=f"b{n}", member="m1", amount="100.00", contribution="30.00")
            for n in range(5)
        ],
        pay=True,
    )
    with statements_sent(context) as sent:
        answers = orders.create_orders(context, by_key, batch)
    assert [answer.order.status for answer in answers if answer.order] == ["completed"] * 5
    assert len([statement for statement in sent if "FROM api_keys" in statement]) == 1


def test_a_request_checks_its_credential_in_one_statement(context: Context) -> None:
    """The check at each request's arrival is one statement (the key; the session with
    its user), outside any transaction on PostgreSQL (`Database.glance`): it was a read
    transaction of its own, about 550 µs of the server's CPU a request, 140 now
    (docs/benchmarks.md). What it answers is unchanged: the tests above and
    tests/service/test_access.py hold the refusals."""
    owner, _, _ = _shop(context)
    key = users.create_api_key(context, owner, NewApiKey(name="counted"))
    session = sessions.login(context, Login(tenant=owner.tenant, username="op", password=PASSWORD))
    assert key.token is not None
    for token in (key.token, session.token):
        with statements_sent(context) as sent:
            sessions.authenticate(context, token)
        read = [sql for sql in sent if sql != "BEGIN"]  # SQLite's, said by us (store/database.py)
        assert len(read) == 1, sent
        assert read[0].lstrip().upper().startswith("SELECT")
        assert "FOR SHARE" not in read[0].upper()


@postgresql_only
def test_the_one_statement_read_leaves_the_pooled_connection_transactional(
    context: Context,
) -> None:
    """`glance` turns the pooled connection to autocommit for its statement; the pool
    must give it back to the next command as it was, or that command's statements
    would each commit alone (a half-applied order on a crash)."""
    database = Database(context.database.url)
    try:
        with database.glance() as connection:
            glanced = connection.connection.driver_connection
            assert glanced is not None and glanced.autocommit is True
        with database.write() as connection:
            assert connection.connection.driver_connection is glanced  # the same one
            assert glanced.autocommit is False
            # inside a transaction: the server's transaction start is before the statement's
            started = connection.exec_driver_sql(
                "SELECT transaction_timestamp() < statement_timestamp()"
            ).scalar()
            assert started is True
    finally:
        database.dispose()
