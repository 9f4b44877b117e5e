"""Payees in SQL: where one tenant's members are paid, sealed (service/payees.py opens
them), and every tenant's sealed values for a change of key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, Row, exists, select

from zengzhi.store import tables as t
from zengzhi.store.tenanted import Keyed, record_of


@dataclass(frozen=True, slots=True)
class PayeeRow:
    member_id: str
    method: str  # wechat, alipay, bank
    sealed: str  # Fernet token of {"real_name", "account", "bank"}
    masked_name: str
    masked_account: str
    updated_at: datetime
    updated_by: str


class Payees(Keyed[PayeeRow]):
    table = t.payees
    key_name = "member_id"

    def record(self, row: Row[Any]) -> PayeeRow:
        return record_of(PayeeRow, row)


class Sealed(NamedTuple):
    tenant: str
    key: str  # the member (a payee); "" for a payment adapter
    token: str


def sealed_payees(connection: Connection) -> list[Sealed]:
    """Every tenant's payees' tokens, locked until the transaction ends (to encrypt
    again under a new key: a payee changed meanwhile would be put back as it was, and
    paid to the account the member replaced)."""
    c = t.payees.c
    statement = select(c.tenant_id, c.member_id, c.sealed).with_for_update()
    rows = connection.execute(statement).all()
    return [Sealed(row.tenant_id, row.member_id, row.sealed) for row in rows]


def sealed_adapters(connection: Connection) -> list[Sealed]:
    """Every tenant's payment adapter keys (wechat, alipay) as kept, encrypted, locked
    until the transaction ends (likewise: new keys put meanwhile would be undone)."""
    c = t.payment_adapters.c
    statement = (
        select(c.tenant_id, c.credentials).where(c.credentials.is_not(None)).with_for_update()
    )
    return [Sealed(row.tenant_id, "", row.credentials) for row in connection.execute(statement)]


def anything_sealed(connection: Connection) -> bool:
    """Whether any tenant keeps a payee or payment adapter keys encrypted."""
    payee = select(exists().where(t.payees.c.sealed.is_not(None)))
    adapter = select(exists().where(t.payment_adapters.c.credentials.is_not(None)))
    return bool(connection.execute(payee).scalar() or connection.execute(adapter).scalar())
