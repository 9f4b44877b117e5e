"""A payee changed at the moment a withdrawal is approved at once (an independent check,
2026-12-04, notes/attack-races). An approved withdrawal is paid to the payee it was
approved with: `set_payee` refuses while one is approved. A withdrawal at or under the
auto-approval limit is approved as it is requested, its payee checked then; a payee
change at that instant did not see the new withdrawal (not yet committed), and the
approval had checked the old payee. The interleaving is made by hand on PostgreSQL (on
SQLite a write transaction holds the one writer's lock from its start)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tests.service.conftest import new_tenant
from zengzhi.core.errors import DomainError
from zengzhi.service import members, orders, payees, pools, tenants, wallets
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.members import MemberChange, NewMember, SellRequest
from zengzhi.service.orders import NewOrder
from zengzhi.service.payees import PayeeIn
from zengzhi.service.pools import NewPool
from zengzhi.service.tenants import TenantSettings, WithdrawalSettings
from zengzhi.service.wallets import WithdrawalRequest

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
ASKING = "asking"


@postgresql_only
def test_a_payee_changed_as_a_withdrawal_is_auto_approved_is_refused_or_seen(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    rules = WithdrawalSettings(auto_approve_limit="100.00", require_payee=True)
    tenants.update_settings(context, owner, TenantSettings(withdrawals=rules))
    pools.open_pool(context, owner, NewPool(id="main", exit_multiple="2"))
    members.create_member(context, owner, NewMember(id="m1"))
    members.change_member(context, owner, "m1", MemberChange(real_name_verified=True))
    order = NewOrder(id="o1", member="m1", amount="1000.00", contribution="300.00")
    orders.create_order(context, owner, order)
    orders.pay(context, owner, order.id)
    members.sell(context, owner, "m1", SellRequest(id="s1", points="all"))
    payees.set_payee(
        context, owner, "m1", PayeeIn(method="alipay", real_name="张三", account="13800000001")
    )
    checked, other = threading.Event(), threading.Event()
    checking = wallets.payout_problem

    def slow(*args: Any, **kwargs: Any) -> DomainError | None:
        found = checking(*args, **kwargs)
        if threading.current_thread().name == ASKING:
            checked.set()
            other.wait(1)  # the payee change commits meanwhile, or waits for this
        return found

    monkeypatch.setattr(wallets, "payout_problem", slow)
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            wallets.request_withdrawal(
                context, owner, "m1", WithdrawalRequest(id="w1", amount="10.00")
            )
        except BaseException as error:  # kept, asserted below
            errors.append(error)

    asking = threading.Thread(target=ask, name=ASKING)
    asking.start()
    assert checked.wait(30)
    refused: list[DomainError] = []
    try:
        payees.set_payee(
            context, owner, "m1", PayeeIn(method="alipay", real_name="张三", account="13900000002")
        )
    except DomainError as error:
        refused.append(error)
    other.set()
    asking.join(30)
    assert errors == [] and not asking.is_alive()
    assert wallets.get_withdrawal(context, owner, "w1").status == "approved"
    # the change came after the approval: refused, as for any approved withdrawal
    assert [(error.code, error.field) for error in refused] == [("conflict", "payee")], refused
    assert payees.get_payee(context, owner, "m1").account.endswith("0001")
