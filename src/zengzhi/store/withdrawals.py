"""Withdrawals in SQL: the service's typed records of one tenant's withdrawals, and the
engine's `WithdrawalBook` over them (`SqlWithdrawals`, the rule's holds).

The engine knows a withdrawal by the name of the event that requested it
(`withdraw:<id>`); the table keeps the request's own id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row

from zengzhi.core.events import event_id
from zengzhi.core.lifecycles import WithdrawalStatus
from zengzhi.rules.withdrawals import Withdrawal
from zengzhi.store import tables as t
from zengzhi.store.tenanted import Keyed, record_of

WITHDRAW_EVENT = event_id("withdraw", "")


@dataclass(frozen=True, slots=True)
class WithdrawalRow:
    withdrawal_id: str
    member_id: str
    amount: int  # fen held
    fee: int  # fen kept when paid
    status: WithdrawalStatus
    requested_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    paid_at: datetime | None
    note: str | None
    rejected_from: str | None  # held or approved, once rejected (NULL: unknown, or not)

    @property
    def payout(self) -> int:
        return self.amount - self.fee


def _withdrawal(row: Row[Any]) -> WithdrawalRow:
    return record_of(WithdrawalRow, row, status=WithdrawalStatus(row.status))


class Withdrawals(Keyed[WithdrawalRow]):
    table = t.withdrawals

    def record(self, row: Row[Any]) -> WithdrawalRow:
        return _withdrawal(row)

    def add(self, withdrawal: Withdrawal, at: datetime) -> None:
        self.connection.execute(
            self.insert(
                withdrawal_id=withdrawal.id.removeprefix(WITHDRAW_EVENT),
                member_id=withdrawal.member,
                amount=withdrawal.amount,
                fee=withdrawal.fee,
                status=WithdrawalStatus.HELD,
                requested_at=at,
            )
        )

    def page(
        self, status: str | None, member: str | None, limit: int, after: str | None
    ) -> list[WithdrawalRow]:
        """Withdrawals by id, after the id `after`."""
        c = t.withdrawals.c
        statement = self.select()
        if status is not None:
            statement = statement.where(c.status == status)
        if member is not None:
            statement = statement.where(c.member_id == member)
        return self.records(statement, limit, after)

    def newest(self, member: str, limit: int) -> list[WithdrawalRow]:
        """A member's withdrawals, the latest requested first."""
        c = t.withdrawals.c
        statement = (
            self.select()
            .where(c.member_id == member)
            .order_by(c.requested_at.desc(), c.withdrawal_id.desc())
            .limit(limit)
        )
        return [_withdrawal(row) for row in self.connection.execute(statement)]

    def approved_for(self, member: str) -> list[str]:
        """The member's withdrawals approved for payout (approved, or sent and awaiting the
        gateway), by id. The open ones are locked first, held included: a concurrent
        approval is waited for and then seen approved."""
        c = t.withdrawals.c
        open_ = (WithdrawalStatus.HELD, WithdrawalStatus.APPROVED, WithdrawalStatus.PAYING)
        statement = (
            self.select(self.key, c.status)
            .where(c.member_id == member, c.status.in_(open_))
            .order_by(self.key)
            .with_for_update()
        )
        rows = self.connection.execute(statement).all()
        return [row[0] for row in rows if row[1] != WithdrawalStatus.HELD]


class SqlWithdrawals:
    """The engine's withdrawals: the rule's holds, over the service's records."""

    def __init__(self, connection: Connection, tenant: str, now: datetime) -> None:
        self._rows = Withdrawals(connection, tenant)
        self._now = now

    def get(self, withdrawal_id: str) -> Withdrawal | None:
        row = self._rows.get(withdrawal_id.removeprefix(WITHDRAW_EVENT), lock=True)
        if row is None:
            return None
        status = row.status.engine_status()
        return Withdrawal(withdrawal_id, row.member_id, row.amount, row.fee, status)

    def put(self, withdrawal: Withdrawal) -> None:
        if withdrawal.status == WithdrawalStatus.HELD:
            self._rows.add(withdrawal, self._now)
            return
        values: dict[str, Any] = {"status": withdrawal.status}
        if withdrawal.status == WithdrawalStatus.PAID:
            values["paid_at"] = self._now
        self._rows.change(withdrawal.id.removeprefix(WITHDRAW_EVENT), **values)
