"""A payee changed while the payee key is rotated (an independent check, 2026-12-04,
notes/attack-races). `payees.reencrypt` reads every payee, then writes each back sealed
under the new key: a payee changed in between must not be put back as it was, or the
member's next payout goes to the account they replaced. The interleaving is made by
hand on PostgreSQL (on SQLite the rotation's write transaction holds the one writer's
lock from its start: nothing can change in between)."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from tests.service.conftest import PAYEE_KEY, new_tenant
from zengzhi.service import members, payees
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, query
from zengzhi.service.members import NewMember
from zengzhi.service.payees import PayeeIn
from zengzhi.store import payees as payee_rows

postgresql_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@postgresql_only
def test_a_payee_changed_during_a_key_rotation_keeps_its_new_account(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant = new_tenant(context)
    owner = Principal(tenant, "user:owner", Role.OWNER)
    members.create_member(context, owner, NewMember(id="m1"))
    old = PayeeIn(method="alipay", real_name="张三", account="13800000001")
    payees.set_payee(context, owner, "m1", old)
    new_key = Fernet.generate_key().decode()
    keys = SecretStr(f"{new_key},{PAYEE_KEY.get_secret_value()}")
    rotating = replace(context, settings=context.settings.model_copy(update={"payee_keys": keys}))
    read, changed = threading.Event(), threading.Event()
    reading = payee_rows.sealed_payees

    def slow(connection: Any, *args: Any, **kwargs: Any) -> list[payee_rows.Sealed]:
        found = reading(connection, *args, **kwargs)
        read.set()
        changed.wait(1)  # the change commits meanwhile, or waits for the rotation
        return found

    monkeypatch.setattr(payees, "sealed_payees", slow)
    errors: list[BaseException] = []

    def rotate() -> None:
        try:
            payees.reencrypt(rotating)
        except BaseException as error:  # kept, asserted below
            errors.append(error)

    rotation = threading.Thread(target=rotate)
    rotation.start()
    assert read.wait(30)
    moved = PayeeIn(method="alipay", real_name="张三", account="13900000002")
    payees.set_payee(rotating, owner, "m1", moved)  # the member's new account
    changed.set()
    rotation.join(30)
    assert errors == [] and not rotation.is_alive()
    now = query(rotating, lambda connection: payees.payee_in(rotating, connection, tenant, "m1"))
    assert now.account == "13900000002", now
