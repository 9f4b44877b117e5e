"""Wallets and withdrawals (spec 04): request → held → approved → paid, or rejected.

The amount leaves the wallet the moment it is requested (held in the member's
`withdrawing` account), so it cannot be spent twice; a rejection puts it back, a payout
takes it off the books less the fee.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, select, update

from zengzhi.core import accounts
from zengzhi.core.amounts import Yuan, format_minor
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.events import PayWithdrawal, RejectWithdrawal, Withdraw, event_id
from zengzhi.core.ledger import CNY
from zengzhi.engine.config import Exact, Id, Note
from zengzhi.engine.fields import canonical
from zengzhi.engine.wire import yuan
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, applied_once, command, not_found, query
from zengzhi.service.tenants import WithdrawalSettings, load_settings
from zengzhi.store import tables as t
from zengzhi.store.uow import UnitOfWork


class WalletView(BaseModel):
    member: str
    balance: str  # withdrawable now
    withdrawing: str  # held for withdrawals in progress
    debt: str  # owed to the platform, settled from the next credits


def _balances(connection: Connection, tenant: str, member: str) -> dict[str, int]:
    c = t.balances.c
    names = [accounts.wallet(member), accounts.withdrawing(member), accounts.debt(member)]
    rows = connection.execute(
        select(c.account, c.amount).where(
            c.tenant_id == tenant, c.account.in_(names), c.asset == CNY
        )
    ).all()
    return {account: int(amount) for account, amount in rows}


def _member_exists(connection: Connection, tenant: str, member: str) -> Any:
    c = t.members.c
    row = connection.execute(
        select(t.members).where(c.tenant_id == tenant, c.member_id == member)
    ).first()
    if row is None:
        raise not_found("member", member, "member")
    return row


def wallet(context: Context, principal: Principal, member: str) -> WalletView:
    principal.require(Permission.READ)

    def run(connection: Connection) -> WalletView:
        _member_exists(connection, principal.tenant, member)
        held = _balances(connection, principal.tenant, member)
        return WalletView(
            member=member,
            balance=format_minor(held.get(accounts.wallet(member), 0), 2),
            withdrawing=format_minor(held.get(accounts.withdrawing(member), 0), 2),
            debt=format_minor(-held.get(accounts.debt(member), 0), 2),
        )

    return query(context, run)


class Movement(BaseModel):
    entry: int
    at: datetime
    kind: str  # sale, exit, withdrawal_hold…
    cause: str  # the event that caused it
    amount: str  # into the wallet (negative: out of it)
    params: dict[str, Any]


def wallet_history(
    context: Context, principal: Principal, member: str, limit: int, before: int | None
) -> list[Movement]:
    """The wallet's postings, newest first, with the entry that explains each."""
    principal.require(Permission.READ)
    p, e = t.postings.c, t.entries.c

    def run(connection: Connection) -> list[Movement]:
        _member_exists(connection, principal.tenant, member)
        statement = (
            select(p.entry_id, p.amount, e.kind, e.cause, e.params, e.at)
            .join(t.entries, (e.tenant_id == p.tenant_id) & (e.entry_id == p.entry_id))
            .where(
                p.tenant_id == principal.tenant,
                p.account == accounts.wallet(member),
                p.asset == CNY,
            )
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

    return query(context, run)


# ---------------------------------------------------------------------------- withdrawals


class WithdrawalRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id = Field(description="the request's own id: a repeat applies once")
    amount: Exact


class WithdrawalDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Note | None = None


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


def withdrawal_view(row: Any) -> WithdrawalView:
    return WithdrawalView(
        id=row.withdrawal_id,
        member=row.member_id,
        amount=format_minor(int(row.amount), 2),
        fee=format_minor(int(row.fee), 2),
        payout=format_minor(int(row.amount - row.fee), 2),
        status=row.status,
        requested_at=row.requested_at,
        decided_at=row.decided_at,
        decided_by=row.decided_by,
        paid_at=row.paid_at,
        note=row.note,
    )


def _withdrawal(connection: Connection, tenant: str, withdrawal_id: str, lock: bool = False) -> Any:
    c = t.withdrawals.c
    statement = select(t.withdrawals).where(c.tenant_id == tenant, c.withdrawal_id == withdrawal_id)
    row = connection.execute(statement.with_for_update() if lock else statement).first()
    if row is None:
        raise not_found("withdrawal", withdrawal_id, "withdrawal")
    return row


def check_withdrawal(rules: WithdrawalSettings, member_row: Any, amount: int) -> int:
    """Refuse a withdrawal of `amount` fen that the tenant's rules do not allow; its fee."""
    if amount < Yuan(rules.minimum).minor:
        raise DomainError(
            ErrorCode.INVALID, f"the smallest withdrawal is {rules.minimum}", "amount"
        )
    if rules.require_real_name and not member_row.real_name_verified:
        raise DomainError(
            ErrorCode.FORBIDDEN, "the member must verify their real name first", "member"
        )
    fee = rules.fee(amount)
    if fee >= amount:
        raise DomainError(
            ErrorCode.INVALID, f"the fee ({format_minor(fee, 2)}) takes it all", "amount"
        )
    return fee


def request_withdrawal(
    context: Context, principal: Principal, member: str, request: WithdrawalRequest
) -> dict[str, Any]:
    return withdraw_once(context, principal, member, request)[0]


def withdraw_once(
    context: Context, principal: Principal, member: str, request: WithdrawalRequest
) -> tuple[dict[str, Any], bool]:
    """Hold a withdrawal (approved at once at or under the auto-approval limit); and
    whether it is new (False: the same request came before and this is its answer)."""
    principal.require(Permission.WITHDRAW)
    amount = yuan(request.amount, "amount", positive=True)

    def run(uow: UnitOfWork) -> tuple[dict[str, Any], bool]:
        def produce() -> dict[str, Any]:
            row = _member_exists(uow.connection, uow.tenant, member)
            rules = load_settings(uow.connection, uow.tenant).withdrawals
            fee = check_withdrawal(rules, row, amount)
            uow.apply(Withdraw(event_id("withdraw", request.id), member, amount, fee, uow.now))
            limit = Yuan(rules.auto_approve_limit).minor
            if 0 < amount <= limit:
                c = t.withdrawals.c
                uow.connection.execute(
                    update(t.withdrawals)
                    .where(c.tenant_id == uow.tenant, c.withdrawal_id == request.id)
                    .values(status="approved", decided_at=uow.now, decided_by="auto")
                )
                publish_approved(uow, _withdrawal(uow.connection, uow.tenant, request.id), "auto")
            view = withdrawal_view(_withdrawal(uow.connection, uow.tenant, request.id))
            uow.audit(
                principal.actor,
                "withdrawal.request",
                f"withdrawal:{request.id}",
                after={
                    "member": member,
                    "amount": view.amount,
                    "fee": view.fee,
                    "status": view.status,
                },
            )
            return view.model_dump(mode="json")

        return applied_once(
            uow, request.id, "withdraw", {"member": member, **canonical(request)}, produce
        )

    return command(context, principal, run)


def decide_in(
    uow: UnitOfWork,
    actor: str,
    withdrawal_id: str,
    allowed: set[str],
    done: str,
    act: Any,
    reason: str | None = None,
) -> WithdrawalView:
    """Move a withdrawal to `done` under its row lock, inside a command; a withdrawal
    already there is returned as it is."""
    row = _withdrawal(uow.connection, uow.tenant, withdrawal_id, lock=True)
    if row.status != done:
        if row.status not in allowed:
            raise DomainError(
                ErrorCode.CONFLICT, f"withdrawal {withdrawal_id!r} is {row.status}", "status"
            )
        act(uow, row)
        uow.audit(
            actor,
            f"withdrawal.{done}",
            f"withdrawal:{withdrawal_id}",
            before={"status": row.status},
            after={
                "status": done,
                "member": row.member_id,
                "amount": format_minor(int(row.amount), 2),
            },
            reason=reason,
        )
    return withdrawal_view(_withdrawal(uow.connection, uow.tenant, withdrawal_id))


def _decide(
    context: Context,
    principal: Principal,
    withdrawal_id: str,
    allowed: set[str],
    done: str,
    act: Any,
    reason: str | None = None,
) -> WithdrawalView:
    principal.require(Permission.DECIDE_WITHDRAWALS)
    return command(
        context,
        principal,
        lambda uow: decide_in(uow, principal.actor, withdrawal_id, allowed, done, act, reason),
    )


def publish_approved(uow: UnitOfWork, row: Any, by: str) -> None:
    """The webhook event of an approval (not an engine event: nothing moves)."""
    uow.publish(
        "withdrawal.approved",
        [row.member_id],
        {
            "withdrawal": row.withdrawal_id,
            "member": row.member_id,
            "amount": format_minor(int(row.amount), 2),
            "fee": format_minor(int(row.fee), 2),
            "payout": format_minor(int(row.amount - row.fee), 2),
            "decided_by": by,
        },
    )


def _mark(uow: UnitOfWork, withdrawal_id: str, **values: Any) -> None:
    c = t.withdrawals.c
    uow.connection.execute(
        update(t.withdrawals)
        .where(c.tenant_id == uow.tenant, c.withdrawal_id == withdrawal_id)
        .values(**values)
    )


def approve(context: Context, principal: Principal, withdrawal_id: str) -> WithdrawalView:
    def act(uow: UnitOfWork, row: Any) -> None:
        _mark(uow, withdrawal_id, status="approved", decided_at=uow.now, decided_by=principal.actor)
        publish_approved(uow, row, principal.actor)

    return _decide(context, principal, withdrawal_id, {"held"}, "approved", act)


def reject(
    context: Context, principal: Principal, withdrawal_id: str, decision: WithdrawalDecision
) -> WithdrawalView:
    def act(uow: UnitOfWork, row: Any) -> None:
        uow.apply(
            RejectWithdrawal(
                event_id("withdraw_reject", withdrawal_id),
                event_id("withdraw", withdrawal_id),
                uow.now,
            )
        )
        _mark(
            uow, withdrawal_id, decided_at=uow.now, decided_by=principal.actor, note=decision.reason
        )

    return _decide(
        context, principal, withdrawal_id, {"held", "approved"}, "rejected", act, decision.reason
    )


def pay_in(uow: UnitOfWork, actor: str, withdrawal_id: str) -> WithdrawalView:
    """The payout went out (finance says so, or the gateway's verified notification):
    the held amount leaves the books, less the fee."""

    def act(uow: UnitOfWork, row: Any) -> None:
        uow.apply(
            PayWithdrawal(
                event_id("withdraw_pay", withdrawal_id),
                event_id("withdraw", withdrawal_id),
                uow.now,
            )
        )

    return decide_in(uow, actor, withdrawal_id, {"approved", "paying"}, "paid", act)


def mark_paid(context: Context, principal: Principal, withdrawal_id: str) -> WithdrawalView:
    """The manual payout adapter: finance paid it outside, and says so here."""
    principal.require(Permission.DECIDE_WITHDRAWALS)
    return command(context, principal, lambda uow: pay_in(uow, principal.actor, withdrawal_id))


def get_withdrawal(context: Context, principal: Principal, withdrawal_id: str) -> WithdrawalView:
    principal.require(Permission.READ)
    return query(
        context,
        lambda connection: withdrawal_view(
            _withdrawal(connection, principal.tenant, withdrawal_id)
        ),
    )


def list_withdrawals(
    context: Context,
    principal: Principal,
    status: str | None,
    member: str | None,
    limit: int,
    after: str | None,
) -> list[WithdrawalView]:
    principal.require(Permission.READ)
    c = t.withdrawals.c
    statement = select(t.withdrawals).where(c.tenant_id == principal.tenant)
    if status is not None:
        statement = statement.where(c.status == status)
    if member is not None:
        statement = statement.where(c.member_id == member)
    if after is not None:
        statement = statement.where(c.withdrawal_id > after)
    statement = statement.order_by(c.withdrawal_id).limit(limit)
    return query(
        context, lambda connection: [withdrawal_view(row) for row in connection.execute(statement)]
    )
