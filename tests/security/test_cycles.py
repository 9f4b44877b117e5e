"""Issue 15, item 2: referral cycles under concurrency. A binding's cycle check and its
write are one serialized step per tenant (PostgreSQL: a transaction-scoped advisory lock
on the tenant's network; SQLite: one writer at a time), and every walk up a chain is
bounded, so that even a cycle already in the data ends in a clear error, not a hang."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select, update

from tests.conftest import Tenant
from tests.security import workers
from tests.security.races import race
from tests.service.conftest import SECRET, Api, new_tenant
from zengzhi.core.errors import DomainError
from zengzhi.core.events import Bind, Join
from zengzhi.engine.wire import to_line
from zengzhi.rules.distribution import MAX_CHAIN
from zengzhi.service import members
from zengzhi.service.audit import audit_all, check_ledger
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.members import NewMember
from zengzhi.store import tables as t

ROUNDS = workers.ROUNDS


def ring_tenant(context: Context, ring: int) -> str:
    tenant = new_tenant(context, "ring")
    owner = Principal(tenant, "user:owner", Role.OWNER)
    for round_ in range(ROUNDS):
        for n in range(ring):
            members.create_member(context, owner, NewMember(id=f"r{round_}-{n}"))
    return tenant


def test_two_binds_at_once_never_make_a_cycle(context: Context) -> None:
    tenant = ring_tenant(context, 2)
    url, secret = context.database.url, SECRET.get_secret_value()
    a, b = race(2, workers.bind_rounds, (url, secret, tenant, 2))
    for round_, outcome in enumerate(zip(a, b, strict=True)):
        assert sorted(outcome) == ["bound", "conflict"], (round_, outcome)
    with context.database.read() as connection:
        assert check_ledger(connection, tenant) == []


def test_three_binds_at_once_never_close_a_ring(context: Context) -> None:
    tenant = ring_tenant(context, 3)
    url, secret = context.database.url, SECRET.get_secret_value()
    outcomes = race(3, workers.bind_rounds, (url, secret, tenant, 3))
    for round_, outcome in enumerate(zip(*outcomes, strict=True)):
        assert sorted(outcome) == ["bound", "bound", "conflict"], (round_, outcome)
    assert audit_all(context, tenant, True)[0].differences == []


def test_a_cycle_already_in_the_data_ends_in_an_error_not_a_hang(
    api: Api, client: TestClient, context: Context
) -> None:
    """A cycle written before this fix (here, by hand) is found by the audit, and each
    walk up the chain stops at the bound with a clear 409."""
    api.pool()
    api.ok(api.put("/v1/distribution", {"commission": {"rates": ["0.05"]}}))
    for member in ("a", "b", "c"):
        api.member(member)
    order = {"id": "o1", "member": "c", "amount": "10.00", "contribution": "3.00"}
    api.ok(api.post("/v1/orders", order))
    with context.database.write() as connection:
        m = t.members.c
        for member, referrer in (("a", "b"), ("b", "a"), ("c", "a")):
            connection.execute(
                update(t.members)
                .where(m.tenant_id == api.tenant, m.member_id == member)
                .values(referrer=referrer)
            )
    started = time.monotonic()
    network = api.get("/v1/members/c/network")
    assert network.status_code == 409, network.text
    assert "cycle" in network.json()["message"]
    paid = api.post("/v1/orders/o1/pay")
    assert paid.status_code == 409 and "cycle" in paid.json()["message"], paid.text
    assert time.monotonic() - started < 10
    assert api.get("/v1/orders/o1").json()["status"] == "created"  # nothing happened
    [report] = audit_all(context, api.tenant, True)
    assert any("cycle" in difference.what for difference in report.differences)


def test_an_event_log_with_a_cycle_is_reported_by_the_audit(api: Api, context: Context) -> None:
    """The race's leftovers in an event log (b bound under a after a under b) make the
    replay refuse a line: the audit reports it and goes on; the back-test says so."""
    for member in ("a", "b"):
        api.member(member)
    api.ok(api.post("/v1/members/a/bind", {"referrer": "b"}))
    with context.database.write() as connection:
        e = t.events.c
        seq = connection.execute(
            select(func.max(e.seq)).where(e.tenant_id == api.tenant)
        ).scalar_one()
        line = to_line(Bind("bind:b:a", "b", "a", datetime(2026, 11, 21, 9, tzinfo=UTC)))
        connection.execute(
            insert(t.events).values(
                tenant_id=api.tenant,
                seq=seq + 1,
                event_id="bind:b:a",
                body=line,
                at=datetime(2026, 11, 21, 9, tzinfo=UTC),
            )
        )
    [report] = audit_all(context, api.tenant, True)
    assert [d.what for d in report.differences] == [f"event log line {seq + 1}"]
    assert "cycle" in report.differences[0].expected
    backtest = api.post("/v1/backtest", {"config": {}})
    assert backtest.status_code == 409 and "does not replay" in backtest.json()["message"]


def test_a_binding_deeper_than_the_bound_is_refused() -> None:
    """In memory (the replay's network) as in SQL: the same rule refuses it."""
    tenant = Tenant()
    network = tenant.state.network
    for n in range(MAX_CHAIN):
        tenant.state.members.add(f"d{n}")
        network.join(f"d{n}", f"d{n - 1}" if n else None)
    with pytest.raises(DomainError, match="at most 10000 deep"):
        tenant.apply(Join("join:new", "new", f"d{MAX_CHAIN - 1}"))
    tenant.apply(Join("join:new", "new", f"d{MAX_CHAIN - 3}"))  # one level less: fine
    network.bind("d0", "new")  # a cycle written behind the rules' back
    with pytest.raises(DomainError, match="cycle"):
        network.chain("d5", None)
