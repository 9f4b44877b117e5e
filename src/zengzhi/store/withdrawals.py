"""Withdrawals in SQL: the engine's `WithdrawalBook` over the `withdrawals` table.

The engine knows a withdrawal by the name of the event that requested it
(`withdraw:<id>`); the table keeps the request's own id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from zengzhi.core.events import event_id
from zengzhi.rules.withdrawals import Withdrawal
from zengzhi.store import tables as t

_EVENT_PREFIX = event_id("withdraw", "")


class SqlWithdrawals:
    def __init__(self, connection: Connection, tenant: str, now: datetime) -> None:
        self._connection = connection
        self._tenant = tenant
        self._now = now

    def get(self, withdrawal_id: str) -> Withdrawal | None:
        c = t.withdrawals.c
        row = self._connection.execute(
            select(t.withdrawals)
            .where(
                c.tenant_id == self._tenant,
                c.withdrawal_id == withdrawal_id.removeprefix(_EVENT_PREFIX),
            )
            .with_for_update()
        ).first()
        if row is None:
            return None
        return Withdrawal(
            withdrawal_id,
            row.member_id,
            int(row.amount),
            int(row.fee),
            row.status if row.status in ("paid", "rejected") else "held",
        )

    def put(self, withdrawal: Withdrawal) -> None:
        c = t.withdrawals.c
        key = withdrawal.id.removeprefix(_EVENT_PREFIX)
        if withdrawal.status == "held":
            self._connection.execute(
                insert(t.withdrawals).values(
                    tenant_id=self._tenant,
                    withdrawal_id=key,
                    member_id=withdrawal.member,
                    amount=withdrawal.amount,
                    fee=withdrawal.fee,
                    status="held",
                    requested_at=self._now,
                )
            )
            return
        values: dict[str, Any] = {"status": withdrawal.status}
        if withdrawal.status == "paid":
            values["paid_at"] = self._now
        self._connection.execute(
            update(t.withdrawals)
            .where(c.tenant_id == self._tenant, c.withdrawal_id == key)
            .values(**values)
        )
