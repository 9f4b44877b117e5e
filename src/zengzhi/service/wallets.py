"""Wallets and withdrawals (spec 04): request → held → approved → paid, or rejected.

The amount leaves the wallet the moment it is requested (held in the member's
`withdrawing` account), so it cannot be spent twice; a rejection puts it back, a payout
takes it off the books less the fee.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from zengzhi.core import accounts
from zengzhi.core.amounts import Yuan, format_minor
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.events import (
    PayRejectedWithdrawal,
    PayWithdrawal,
    RejectWithdrawal,
    Withdraw,
    event_id,
)
from zengzhi.core.ledger import CNY
from zengzhi.core.lifecycles import WITHDRAWAL, WithdrawalStatus
from zengzhi.engine.fields import Exact, Id, Note, canonical
from zengzhi.engine.lines import yuan
from zengzhi.rules.withdrawals import refuse_beyond
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, applied_once, command, found, query
from zengzhi.service.gateways.outcome import Outcome
from zengzhi.service.lifecycle import take_step
from zengzhi.service.payees import payout_problem
from zengzhi.service.queries.wallets import Movement, WalletView, wallet_detail, wallet_movements
from zengzhi.service.queries.withdrawals import (
    WithdrawalView,
    withdrawal_detail,
    withdrawal_page,
    withdrawal_view,
)
from zengzhi.service.tenants import WithdrawalSettings, command_settings
from zengzhi.service.webhooks import GATEWAY
from zengzhi.store import outbox
from zengzhi.store.members import MemberRow, Members
from zengzhi.store.payments import Adapters, Payouts
from zengzhi.store.uow import UnitOfWork
from zengzhi.store.webhooks import payout_requests
from zengzhi.store.withdrawals import WithdrawalRow

log = logging.getLogger("zengzhi.payouts")


def _member(connection: Connection, tenant: str, member: str, lock: bool = False) -> MemberRow:
    """The member; `lock`: held against a change of the member (`Members.steady`)."""
    members = Members(connection, tenant)
    return found(members.steady(member) if lock else members.get(member), "member", member)


def _withdrawal(uow: UnitOfWork, withdrawal_id: str, lock: bool = False) -> WithdrawalRow:
    return found(uow.withdrawals.get(withdrawal_id, lock), "withdrawal", withdrawal_id)


def wallet(context: Context, principal: Principal, member: str) -> WalletView:
    principal.require(Permission.READ)
    return query(context, lambda connection: wallet_detail(connection, principal.tenant, member))


def wallet_history(
    context: Context, principal: Principal, member: str, limit: int, before: int | None
) -> list[Movement]:
    """The wallet's postings, newest first, with the entry that explains each."""
    principal.require(Permission.READ)
    return query(
        context,
        lambda connection: wallet_movements(connection, principal.tenant, member, limit, before),
    )


def debt_history(
    context: Context, principal: Principal, member: str, limit: int, before: int | None
) -> list[Movement]:
    """The postings of what the member owes the platform, newest first: each debt opened
    (negative) and each part settled (positive), with the entry that explains it. A debt
    opened with no money leaving the wallet (points paid in cash once taken back) is
    explained here, not in the wallet's history."""
    principal.require(Permission.READ)
    return query(
        context,
        lambda connection: wallet_movements(
            connection, principal.tenant, member, limit, before, accounts.debt
        ),
    )


# ---------------------------------------------------------------------------- withdrawals


class WithdrawalRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id = Field(description="the request's own id: a repeat applies once")
    amount: Exact
    max_fee: Exact | None = Field(
        default=None, description="refuse the withdrawal if its fee would be more (the quote's)"
    )


REASON_REQUIRED = "is required: the member is shown why the withdrawal was rejected"


def _said(value: str) -> str:
    """A rejection's reason: something said once the spaces around it are gone (kept
    without them); spaces alone, or nothing, told the member "驳回" and no why."""
    if not value.strip():
        raise ValueError(REASON_REQUIRED)
    return value.strip()


# Why finance rejects a withdrawal: a note the member reads on their page, required.
Reason = Annotated[
    Note,
    Field(description="why: shown to the member (required, and more than spaces)"),
    AfterValidator(_said),
]


class WithdrawalDecision(BaseModel):
    """Finance's rejection of a withdrawal, with the reason the member is shown."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason


def check_withdrawal(rules: WithdrawalSettings, member_row: MemberRow, amount: int) -> int:
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
    context: Context,
    principal: Principal,
    member: str,
    request: WithdrawalRequest,
    check: Callable[[UnitOfWork], None] | None = None,
) -> tuple[dict[str, Any], bool]:
    """Hold a withdrawal (approved at once at or under the auto-approval limit); and
    whether it is new (False: the same request came before and this is its answer).
    `check` runs first in the command's transaction (the member page's: its token is
    still good, member_access._still_signed_in)."""
    principal.require(Permission.WITHDRAW)
    amount = yuan(request.amount, "amount", positive=True)
    ceiling = None if request.max_fee is None else yuan(request.max_fee, "max_fee")

    def run(uow: UnitOfWork) -> tuple[dict[str, Any], bool]:
        if check is not None:
            check(uow)

        def produce() -> dict[str, Any]:
            # held against a change of the member: a real name taken back at this
            # moment is waited for and read, not missed by a withdrawal committed after it
            row = _member(uow.connection, uow.tenant, member, lock=True)
            rules = command_settings(uow).withdrawals
            fee = check_withdrawal(rules, row, amount)
            # a short wallet before a risen fee, as the quote refuses it: a new quote
            # would not help (the withdrawal's hold checks again, under the same lock)
            refuse_beyond(amount, uow.ledger.balance(accounts.wallet(member), CNY))
            if ceiling is not None and fee > ceiling:
                # the tenant's fee rose since the member was quoted it
                raise DomainError(
                    ErrorCode.CONFLICT,
                    f"the fee would now be {format_minor(fee, 2)}, more than"
                    f" {format_minor(ceiling, 2)}: ask for a new quote",
                    "max_fee",
                )
            uow.apply(Withdraw(event_id("withdraw", request.id), member, amount, fee, uow.now))
            limit = Yuan(rules.auto_approve_limit).minor
            # not auto-approved while its payee is not ready: held for finance instead;
            # the payee read under its lock, so that a change at this moment waits and is
            # then refused (set_payee), as for any approved withdrawal
            if (
                0 < amount <= limit
                and payout_problem(uow.connection, uow.tenant, member, lock=True) is None
            ):
                uow.withdrawals.change(
                    request.id,
                    status=WithdrawalStatus.APPROVED,
                    decided_at=uow.now,
                    decided_by="auto",
                )
                publish_approved(uow, _withdrawal(uow, request.id), "auto")
            view = withdrawal_view(_withdrawal(uow, request.id))
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
            uow,
            request.id,
            "withdraw",
            # without `max_fee`, the body a withdrawal had before it was added: a request
            # from before, sent again, is answered its first answer
            {"member": member, **canonical(request, exclude_none=True)},
            produce,
        )

    return command(context, principal, run)


Act = Callable[[UnitOfWork, WithdrawalRow], None]


def move(
    uow: UnitOfWork, actor: str, withdrawal_id: str, step: str, act: Act, reason: str | None = None
) -> WithdrawalView:
    """One step of the withdrawal's life cycle (core/lifecycles.WITHDRAWAL), inside a
    command; a withdrawal that took it already is returned as it is."""
    return move_once(uow, actor, withdrawal_id, step, act, reason)[0]


def move_once(
    uow: UnitOfWork, actor: str, withdrawal_id: str, step: str, act: Act, reason: str | None = None
) -> tuple[WithdrawalView, bool]:
    """`move`, and whether the step was taken now (False: it had been before)."""
    after, now = take_step(
        uow, actor, WITHDRAWAL, uow.withdrawals, withdrawal_id, step, act, reason
    )
    return withdrawal_view(after), now


def _decide(
    context: Context,
    principal: Principal,
    withdrawal_id: str,
    step: str,
    act: Act,
    reason: str | None = None,
) -> WithdrawalView:
    return _decide_once(context, principal, withdrawal_id, step, act, reason)[0]


def _decide_once(
    context: Context,
    principal: Principal,
    withdrawal_id: str,
    step: str,
    act: Act,
    reason: str | None = None,
) -> tuple[WithdrawalView, bool]:
    principal.require(Permission.DECIDE_WITHDRAWALS)
    return command(
        context,
        principal,
        lambda uow: move_once(uow, principal.actor, withdrawal_id, step, act, reason),
    )


def publish_approved(uow: UnitOfWork, row: WithdrawalRow, by: str) -> None:
    """The webhook event of an approval (not an engine event: nothing moves)."""
    uow.publish(
        "withdrawal.approved",
        [row.member_id],
        {
            "withdrawal": row.withdrawal_id,
            "member": row.member_id,
            "amount": format_minor(row.amount, 2),
            "fee": format_minor(row.fee, 2),
            "payout": format_minor(row.payout, 2),
            "decided_by": by,
        },
    )


def refuse_while_owing(uow: UnitOfWork, member: str, step: str = "approve") -> None:
    """No payout moves toward a member who owes: a reversal since the request found the
    wallet empty (the withdrawal holds the money). Approving is refused, and so is sending
    an approved withdrawal to the payout gateway (`step` "send"): finance rejects it, and
    its amount settles the debt first.

    The wallet is read (and so locked) before the debt, as `rules/wallet.credit` does: a
    reversal takes back through the wallet's row first. Reading the debt alone locked
    nothing for a member who had never owed (no row yet), so a reversal at the same
    moment recorded a debt this approval did not wait for, and it was approved after it
    (the races' attack, 2026-12-07)."""
    uow.ledger.balance(accounts.wallet(member), CNY)
    owed = -uow.ledger.balance(accounts.debt(member), CNY)
    if owed > 0:
        raise owing(member, owed, step)


def owing(member: str, owed: int, step: str = "approve") -> DomainError:
    """The refusal of a payout step toward a member who owes `owed` fen (also what the
    finance queue shows beside such a withdrawal)."""
    if step == "send":
        message = (
            f"member {member} owes {format_minor(owed, 2)}: reject the withdrawal"
            " (its amount settles the debt first) or send it once the debt is settled"
        )
    else:
        message = (
            f"member {member} owes {format_minor(owed, 2)}: reject the withdrawal"
            " (its amount settles the debt first) or approve it once the debt is settled"
        )
    return DomainError(ErrorCode.CONFLICT, message, "withdrawal")


def approve(context: Context, principal: Principal, withdrawal_id: str) -> WithdrawalView:
    return approve_once(context, principal, withdrawal_id)[0]


def approve_once(
    context: Context, principal: Principal, withdrawal_id: str
) -> tuple[WithdrawalView, bool]:
    """`approve`, and whether it was approved now: False when it had been approved
    before, by someone else at the same moment too (the withdrawal's row decides which),
    so that the console tells that operator nothing was done now."""

    def act(uow: UnitOfWork, row: WithdrawalRow) -> None:
        problem = payout_problem(uow.connection, uow.tenant, row.member_id, lock=True)
        if problem is not None:
            raise problem
        refuse_while_owing(uow, row.member_id)
        uow.withdrawals.change(
            withdrawal_id,
            status=WithdrawalStatus.APPROVED,
            decided_at=uow.now,
            decided_by=principal.actor,
        )
        publish_approved(uow, row, principal.actor)

    return _decide_once(context, principal, withdrawal_id, "approve", act)


def reject(
    context: Context, principal: Principal, withdrawal_id: str, decision: WithdrawalDecision
) -> WithdrawalView:
    return reject_once(context, principal, withdrawal_id, decision)[0]


def reject_once(
    context: Context, principal: Principal, withdrawal_id: str, decision: WithdrawalDecision
) -> tuple[WithdrawalView, bool]:
    """`reject`, and whether it was rejected now (False: before, and this reason is not
    kept; see `approve_once`)."""

    def act(uow: UnitOfWork, row: WithdrawalRow) -> None:
        uow.apply(
            RejectWithdrawal(
                event_id("withdraw_reject", withdrawal_id),
                event_id("withdraw", withdrawal_id),
                uow.now,
            )
        )
        uow.withdrawals.change(
            withdrawal_id,
            decided_at=uow.now,
            decided_by=principal.actor,
            note=decision.reason,
            rejected_from=row.status.value,  # held or approved: read by gateway_paid
        )

    return _decide_once(context, principal, withdrawal_id, "reject", act, decision.reason)


def pay_in(uow: UnitOfWork, actor: str, withdrawal_id: str) -> WithdrawalView:
    """The payout went out (finance says so, or the gateway's verified notification):
    the held amount leaves the books, less the fee."""
    return move(uow, actor, withdrawal_id, "pay", _pay_act(withdrawal_id))


def _pay_act(withdrawal_id: str) -> Act:
    def act(uow: UnitOfWork, row: WithdrawalRow) -> None:
        uow.apply(
            PayWithdrawal(
                event_id("withdraw_pay", withdrawal_id),
                event_id("withdraw", withdrawal_id),
                uow.now,
            )
        )

    return act


def gateway_paid(uow: UnitOfWork, actor: str, withdrawal_id: str) -> WithdrawalView:
    """The gateway says it paid the withdrawal (its answer or its notification). Paid
    after it was rejected (a request the gateway had said it never received arrived
    later), the payout happened all the same: it is booked, and what the rejection
    returned is taken back (rules/withdrawals.pay_late), rather than the money the member
    holds twice going unrecorded."""
    row = found(uow.withdrawals.get(withdrawal_id, lock=True), "withdrawal", withdrawal_id)
    if row.status != WithdrawalStatus.REJECTED:
        return pay_in(uow, actor, withdrawal_id)
    if row.rejected_from == WithdrawalStatus.HELD:
        # rejected while held: never approved, so never sent to a gateway (nor announced
        # to the webhook adapter's payer by withdrawal.approved): nothing can have paid it,
        # and a "paid" would take its amount from the member for nothing
        raise DomainError(
            ErrorCode.CONFLICT,
            f"withdrawal {withdrawal_id!r} was rejected before it was approved:"
            " it cannot have been paid",
            "status",
        )

    def act(uow: UnitOfWork, row: WithdrawalRow) -> None:
        uow.apply(
            PayRejectedWithdrawal(
                event_id("withdraw_pay_late", withdrawal_id),
                event_id("withdraw", withdrawal_id),
                uow.now,
            )
        )
        uow.withdrawals.change(withdrawal_id, note=paid_late_note(row.note))

    log.error(
        "tenant %s: withdrawal %s was rejected but the gateway paid it: the amount is taken"
        " back from the member (wallet first, the rest a debt)",
        uow.tenant,
        withdrawal_id,
    )
    return move(uow, actor, withdrawal_id, "paid_late", act)


PAID_LATE = "paid by the gateway after it was rejected: taken back"
NOTE_LENGTH = 500  # the withdrawals table's note


def paid_late_note(reason: str | None) -> str:
    """The note of a withdrawal paid after its rejection: the reason finance gave for the
    rejection kept in it (it was replaced), shortened to fit. The console reads it in the
    operator's language (zh.toml [message])."""
    if not reason:
        return PAID_LATE
    room = NOTE_LENGTH - len("paid by the gateway after it was rejected (): taken back")
    return f"paid by the gateway after it was rejected ({reason[:room]}): taken back"


def mark_paid(context: Context, principal: Principal, withdrawal_id: str) -> WithdrawalView:
    return mark_paid_once(context, principal, withdrawal_id)[0]


def mark_paid_once(
    context: Context, principal: Principal, withdrawal_id: str
) -> tuple[WithdrawalView, bool]:
    """The manual payout adapter: finance paid it outside, and says so here. Not a
    withdrawal `paying` at WeChat Pay or Alipay (still the tenant's adapter): the
    gateway holds its transfer, and only the gateway's answer settles it. Whether it
    was marked paid now (False: before, by someone else at the same moment too)."""
    principal.require(Permission.DECIDE_WITHDRAWALS)

    def run(uow: UnitOfWork) -> tuple[WithdrawalView, bool]:
        row = _withdrawal(uow, withdrawal_id, lock=True)
        if row.status in {WithdrawalStatus.PAYING, WithdrawalStatus.APPROVED}:
            _refuse_while_at_gateway(uow, withdrawal_id, row.status)
            _refuse_while_requested(uow, row)
        return move_once(uow, principal.actor, withdrawal_id, "pay", _pay_act(withdrawal_id))

    return command(context, principal, run)


def _refuse_while_at_gateway(uow: UnitOfWork, withdrawal_id: str, status: str) -> None:
    """Marked paid by hand while the gateway held its transfer, a withdrawal was paid
    twice when the gateway paid too, and shown paid when it refused (its answer no
    longer moved a `paid` withdrawal): notes/attack-races. So too once approved again
    after the gateway said the request never arrived: its number is kept, and a request
    still on its way was paid by the gateway after finance had paid it by hand, the
    second payment booked nowhere (the gateway's "paid" found it paid already). Only a
    number the gateway refused for good (`failed`) is spent. The webhook adapter's
    payouts and those of a gateway the tenant has left cannot be queried: finance
    settles them."""
    payout = Payouts(uow.connection, uow.tenant).get(withdrawal_id)
    adapter = Adapters(uow.connection, uow.tenant).get()
    if payout is None or adapter is None or adapter.adapter != payout.adapter:
        return
    if status == WithdrawalStatus.APPROVED:
        if payout.outcome == Outcome.FAILED:
            return
        raise DomainError(
            ErrorCode.CONFLICT,
            f"withdrawal {withdrawal_id!r} was sent to {payout.adapter} (payout"
            f" {payout.out_no}), which may still pay it: send it again (that number is"
            " paid once) or reject it",
            "status",
        )
    raise DomainError(
        ErrorCode.CONFLICT,
        f"withdrawal {withdrawal_id!r} is being paid by {payout.adapter} (payout"
        f" {payout.out_no}): only the gateway's answer settles it (reconcile the payout"
        " to ask for it)",
        "status",
    )


_SENT = (outbox.DELIVERED, outbox.FAILED)


def _refuse_while_requested(uow: UnitOfWork, row: WithdrawalRow) -> None:
    """A withdrawal `paying` (or approved again) through the webhook adapter, marked paid
    by hand: its payout requests still queued are cancelled (the dispatcher sends none
    for a withdrawal not `paying` either: `outbox._payouts_not_due`). Once one may have
    reached the gateway (sent, being sent, tried), only the gateway's answer settles a
    `paying` withdrawal while the webhook adapter is the tenant's; an approved one waits
    only for a request being sent at this moment. The request, still queued in the
    outbox, went to the gateway after finance had paid by hand, and the gateway's "paid"
    then found the withdrawal paid: the member was paid twice, the second payment booked
    nowhere (found by attackers). A tenant that has left the adapter gets no answer:
    finance settles, but not while a request is on its way at this moment (the tenant
    switched adapters as it was sent)."""
    requests = payout_requests(
        uow.connection, uow.tenant, row.member_id, row.withdrawal_id, uow.now
    )
    sending = [one for one in requests if one.sending]
    if sending:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"withdrawal {row.withdrawal_id!r}'s payout request {sending[-1].event_id} is"
            " being sent to the payout gateway at this moment: wait for the gateway's answer",
            "status",
        )
    # waited for, a delivery the dispatcher was recording reads delivered, its attempt
    # not yet seen by this statement (an attacker's race on PostgreSQL): the status says
    # it was sent. Approved again after the gateway refused it, a request sent before
    # the refusal was answered by it.
    sent = [one for one in requests if one.claimed or one.tried or one.status in _SENT]
    adapter = Adapters(uow.connection, uow.tenant).get()
    webhook = adapter is not None and adapter.adapter == "webhook"
    if sent and webhook and row.status == WithdrawalStatus.PAYING:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"withdrawal {row.withdrawal_id!r} was sent to the payout gateway (payout request"
            f" {sent[-1].event_id}): only the gateway's answer settles it (payout.succeeded,"
            " or payout.failed, after which it may be paid by hand)",
            "status",
        )
    pending = [one.event_no for one in requests if one.status == outbox.PENDING]
    outbox.cancel_keys(uow.connection, uow.tenant, [(GATEWAY, number) for number in pending])


def get_withdrawal(context: Context, principal: Principal, withdrawal_id: str) -> WithdrawalView:
    principal.require(Permission.READ)
    return query(
        context, lambda connection: withdrawal_detail(connection, principal.tenant, withdrawal_id)
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
    return query(
        context,
        lambda connection: withdrawal_page(
            connection, principal.tenant, status, member, limit, after
        ),
    )
