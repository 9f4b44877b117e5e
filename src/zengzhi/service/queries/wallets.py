"""A member's wallet as the API and the pages show it: its balances, and its postings
with the entries that explain them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, select

from zengzhi.core import accounts
from zengzhi.core.amounts import format_minor
from zengzhi.core.ledger import CNY
from zengzhi.rules.distribution import CONTRIBUTION
from zengzhi.service.base import found
from zengzhi.store import tables as t
from zengzhi.store.members import Members
from zengzhi.store.tenanted import of_tenant


class WalletView(BaseModel):
    member: str
    balance: str  # withdrawable now
    withdrawing: str  # held for withdrawals in progress
    debt: str  # owed to the platform, settled from the next credits
    # the contribution balance (贡献分, not withdrawable), and what a reversal of a reward
    # already converted left owing in it: settled from the next contribution rewards
    contribution: str
    contribution_debt: str


class Movement(BaseModel):
    entry: int
    at: datetime
    kind: str  # sale, exit, withdrawal_hold…
    cause: str  # the event that caused it
    amount: str  # into the account (negative: out of it; on the debt, more owed)
    params: dict[str, Any]


def _known(connection: Connection, tenant: str, member: str) -> None:
    found(Members(connection, tenant).get(member), "member", member)


def wallet_detail(connection: Connection, tenant: str, member: str) -> WalletView:
    _known(connection, tenant, member)
    c = t.balances.c
    names = [accounts.wallet(member), accounts.withdrawing(member), accounts.debt(member)]
    names.append(accounts.contribution(member))
    rows = connection.execute(
        select(c.account, c.asset, c.amount).where(
            of_tenant(c, tenant), c.account.in_(names), c.asset.in_((CNY, CONTRIBUTION))
        )
    ).all()
    held = {account: int(amount) for account, asset, amount in rows if asset == CNY}
    contribution = {account: int(amount) for account, asset, amount in rows if asset != CNY}
    return WalletView(
        member=member,
        balance=format_minor(held.get(accounts.wallet(member), 0), 2),
        withdrawing=format_minor(held.get(accounts.withdrawing(member), 0), 2),
        debt=format_minor(-held.get(accounts.debt(member), 0), 2),
        contribution=format_minor(contribution.get(accounts.contribution(member), 0), 2),
        contribution_debt=format_minor(-contribution.get(accounts.debt(member), 0), 2),
    )


def wallet_movements(
    connection: Connection,
    tenant: str,
    member: str,
    limit: int,
    before: int | None,
    account: Callable[[str], str] = accounts.wallet,
) -> list[Movement]:
    """The wallet's postings (or those of the member's other yuan `account`: its debt),
    newest first, with the entry that explains each."""
    _known(connection, tenant, member)
    p, e = t.postings.c, t.entries.c
    statement = (
        select(p.entry_id, p.amount, e.kind, e.cause, e.params, e.at)
        .join(t.entries, (e.tenant_id == p.tenant_id) & (e.entry_id == p.entry_id))
        .where(of_tenant(p, tenant), p.account == account(member), p.asset == CNY)
    )
    if before is not None:
        statement = statement.where(p.entry_id < before)
    rows = connection.execute(statement.order_by(p.entry_id.desc()).limit(limit)).all()
    return [
        Movement(
            entry=row.entry_id,
            at=row.at,
            kind=row.kind,
            cause=row.cause,
            amount=format_minor(int(row.amount), 2),
            params=row.params,
        )
        for row in rows
    ]
