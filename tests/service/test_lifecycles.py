"""The life cycles through the service (issue 20 item 3), on SQLite and PostgreSQL:
random sequences of an order's steps and of a withdrawal's decisions, each sent to the
API. A step the spec allows moves the record to its target; one taken already answers
the record as it is; any other is refused (409, field `status`) and changes nothing:
not the record, not a balance, not the event log, not the audit log."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.service.conftest import Api
from tests.unit.core.test_lifecycles import (
    ORDER_EDGES,
    ORDER_PAST,
    WITHDRAWAL_EDGES,
    WITHDRAWAL_PAST,
)
from zengzhi.core.lifecycles import ORDER, WITHDRAWAL
from zengzhi.service.audit import check_ledger
from zengzhi.service.base import Context
from zengzhi.store import tables as t

_ids = itertools.count(1)

SETTINGS = settings(
    max_examples=8,
    derandomize=True,  # the same sequences every run: a service test's time stays known
    phases=[Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _books(context: Context, tenant: str) -> tuple[Any, ...]:
    """What a refused step must leave as it was."""
    with context.database.read() as connection:
        c = t.balances.c
        balances = sorted(
            connection.execute(
                select(c.account, c.asset, c.amount).where(c.tenant_id == tenant)
            ).all()
        )
        counts = tuple(
            connection.execute(
                select(func.count()).select_from(table).where(table.c.tenant_id == tenant)
            ).scalar_one()
            for table in (t.events, t.entries, t.audit_log)
        )
    return tuple(balances), counts


def _walk(
    api: Api,
    context: Context,
    path: str,
    status: str,
    steps: list[str],
    send: dict[str, str],
    edges: dict[tuple[str, str], str],
    past: set[tuple[str, str]],
    targets: dict[str, str],
    bodies: dict[str, dict[str, str]] | None = None,
) -> None:
    for step in steps:
        record, books = api.ok(api.get(path)), _books(context, api.tenant)
        assert record["status"] == status
        response = api.post(f"{path}/{send[step]}", (bodies or {}).get(step))
        legal = edges.get((step, status))
        if status == targets[step] or (step, status) in past:
            assert response.status_code == 200, response.text
            assert response.json() == record  # taken before: the record as it is
            assert _books(context, api.tenant) == books
        elif legal is not None:
            assert response.status_code == 200, response.text
            assert response.json()["status"] == legal
            status = legal
        else:
            assert response.status_code == 409, response.text
            assert response.json()["field"] == "status"
            assert api.ok(api.get(path)) == record
            assert _books(context, api.tenant) == books
    with context.database.read() as connection:
        assert check_ledger(connection, api.tenant) == []


ORDER_STEPS = {name: name for name in ORDER.steps}  # each step is its own path


@SETTINGS
@given(steps=st.lists(st.sampled_from(sorted(ORDER.steps)), min_size=1, max_size=8))
def test_random_order_steps(api: Api, context: Context, steps: list[str]) -> None:
    if not api.ok(api.get("/v1/pools")):
        api.pool(exit_multiple="2")
        api.member("m1")
        api.ok(api.put("/v1/tenant/settings", {"completion_delay_seconds": 86_400}))
    order = f"o{next(_ids)}"
    body = {"id": order, "member": "m1", "amount": "100.00", "contribution": "30.00"}
    api.ok(api.post("/v1/orders", body))
    targets = {name: step.target.value for name, step in ORDER.steps.items()}
    _walk(
        api, context, f"/v1/orders/{order}", "created", steps, ORDER_STEPS, ORDER_EDGES,
        ORDER_PAST, targets,
    )  # fmt: skip


# the manual adapter's decisions ("send" and "payout_failed" need a gateway: see
# tests/service/test_payments.py)
WITHDRAWAL_STEPS = {"approve": "approve", "reject": "reject", "pay": "paid"}
WITHDRAWAL_BODIES = {"reject": {"reason": "银行卡信息有误"}}  # a rejection needs its reason


@SETTINGS
@given(steps=st.lists(st.sampled_from(sorted(WITHDRAWAL_STEPS)), min_size=1, max_size=6))
def test_random_withdrawal_decisions(api: Api, context: Context, steps: list[str]) -> None:
    if not api.ok(api.get("/v1/pools")):
        api.pool(exit_multiple="2")
        api.member("m1")
        api.completed_order("o1", "m1")
        api.ok(api.post("/v1/pools/main/subsidies", {"id": "x1", "amount": "1700.00"}))
    withdrawal = f"w{next(_ids)}"
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": withdrawal, "amount": "1.00"}))
    targets = {name: step.target.value for name, step in WITHDRAWAL.steps.items()}
    _walk(
        api, context, f"/v1/withdrawals/{withdrawal}", "held", steps, WITHDRAWAL_STEPS,
        WITHDRAWAL_EDGES, WITHDRAWAL_PAST, targets, WITHDRAWAL_BODIES,
    )  # fmt: skip
