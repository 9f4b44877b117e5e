"""A withdrawal as the API and the pages show it, one or a page of them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Connection, func, select

from zengzhi.core import accounts
from zengzhi.core.amounts import format_minor
from zengzhi.core.ledger import CNY, EntryKind
from zengzhi.service.base import found
from zengzhi.store import tables as t
from zengzhi.store.tenanted import of_tenant
from zengzhi.store.withdrawals import WITHDRAW_EVENT, WithdrawalRow, Withdrawals


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


def debt_settled_on_rejection(connection: Connection, tenant: str, member: str) -> dict[str, str]:
    """What each of the member's rejected withdrawals paid of a debt instead of going back
    to the wallet (a reversal found the wallet empty while the cash was held, and a
    rejection is a credit like any other: the debt is settled first), in yuan by
    withdrawal; only those that settled some."""
    e, p = t.entries.c, t.postings.c
    rows = connection.execute(
        select(e.corrects, func.sum(p.amount))
        .join(t.postings, (p.tenant_id == e.tenant_id) & (p.entry_id == e.entry_id))
        .where(
            of_tenant(e, tenant),
            e.kind == EntryKind.WITHDRAWAL_RELEASE,
            p.account == accounts.debt(member),
            p.asset == CNY,
        )
        .group_by(e.corrects)
    )
    return {  # an entry corrects the withdrawal's event, `withdraw:<id>`
        str(row[0]).removeprefix(WITHDRAW_EVENT): format_minor(int(row[1]), 2)
        for row in rows
        if int(row[1]) > 0
    }


def waiting_for_the_payee(connection: Connection, tenant: str, member: str) -> dict[str, str]:
    """The member's withdrawals whose WeChat Pay transfer waits for them to confirm
    receiving it, with the package their WeChat confirms it with, by withdrawal: paid only
    once they do, and handed back to finance if they never do."""
    w, p = t.withdrawals.c, t.payouts.c
    rows = connection.execute(
        select(w.withdrawal_id, p.package_info)
        .join(t.payouts, (p.tenant_id == w.tenant_id) & (p.withdrawal_id == w.withdrawal_id))
        .where(
            of_tenant(w, tenant),
            w.member_id == member,
            w.status == "paying",
            p.outcome == "pending",
            p.package_info.is_not(None),
        )
    )
    return {str(row[0]): str(row[1]) for row in rows}
