"""A withdrawal as the API and the pages show it, one or a page of them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Connection

from zengzhi.core.amounts import format_minor
from zengzhi.service.base import found
from zengzhi.store.withdrawals import WithdrawalRow, Withdrawals


class WithdrawalView(BaseModel):
    id: str
    member: str
    amount: str
    fee: str
    payout: str  # what reaches the member: amount − fee
    status: str  # held, approved, paying (sent to the payout gateway), paid, rejected
    requested_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    paid_at: datetime | None
    note: str | None


def withdrawal_view(row: WithdrawalRow) -> WithdrawalView:
    return WithdrawalView(
        id=row.withdrawal_id,
        member=row.member_id,
        amount=format_minor(row.amount, 2),
        fee=format_minor(row.fee, 2),
        payout=format_minor(row.payout, 2),
        status=row.status.value,
        requested_at=row.requested_at,
        decided_at=row.decided_at,
        decided_by=row.decided_by,
        paid_at=row.paid_at,
        note=row.note,
    )


def withdrawal_detail(connection: Connection, tenant: str, withdrawal_id: str) -> WithdrawalView:
    row = Withdrawals(connection, tenant).get(withdrawal_id)
    return withdrawal_view(found(row, "withdrawal", withdrawal_id))


def withdrawal_page(
    connection: Connection,
    tenant: str,
    status: str | None,
    member: str | None,
    limit: int,
    after: str | None,
) -> list[WithdrawalView]:
    rows = Withdrawals(connection, tenant).page(status, member, limit, after)
    return [withdrawal_view(row) for row in rows]


def member_withdrawals(
    connection: Connection, tenant: str, member: str, limit: int
) -> list[WithdrawalView]:
    """A member's withdrawals, newest first (their own page)."""
    return [withdrawal_view(row) for row in Withdrawals(connection, tenant).newest(member, limit)]
