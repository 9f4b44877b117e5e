"""Paying withdrawals out through WeChat Pay (商家转账) or Alipay (单笔转账), never twice and
never lost.

Sending is three steps. (1) In one transaction the withdrawal goes `approved → paying`
and its payout number is recorded (`payouts.out_no`). (2) The transfer is asked for,
outside any transaction, under that number. (3) What the gateway answered is recorded:
paid → the withdrawal is `paid`; definitely refused → `approved` again (the money still
held, for finance to retry or reject); anything else — pending, a timeout, a 5xx, an
answer whose signature does not check — leaves it `paying`, and a query by the same
number (`reconcile`) settles it later. A crash between (1) and (3) leaves it `paying`
too. The number is the same on every re-send (both gateways pay one number once); a new
number is made only after a definite failure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Any, NamedTuple, TypeVar

import httpx
from pydantic import BaseModel
from sqlalchemy import Connection

from zengzhi.core.amounts import format_minor
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.lifecycles import WithdrawalStatus
from zengzhi.core.signatures import SignatureError
from zengzhi.service import payments, wallets
from zengzhi.service.auth import Permission, Principal, Role
from zengzhi.service.base import Context, command, found, not_found, query
from zengzhi.service.egress import deadline
from zengzhi.service.gateway_credentials import GATEWAYS, client_for, http_client
from zengzhi.service.gateways.alipay import Alipay
from zengzhi.service.gateways.outcome import Outcome, PayoutResult
from zengzhi.service.gateways.wechatpay import WechatPay
from zengzhi.service.payees import Payee, payee_in, payout_problem
from zengzhi.service.queries.withdrawals import WithdrawalView
from zengzhi.store import payments as payment_tables
from zengzhi.store.payments import AdapterRow, PayoutRow, Payouts, out_no_of
from zengzhi.store.uow import UnitOfWork
from zengzhi.store.withdrawals import WithdrawalRow, Withdrawals

log = logging.getLogger("zengzhi.payouts")

T = TypeVar("T")
RECONCILE_AFTER = timedelta(minutes=1)  # a payout still `paying` is queried after this
# how long after its sending a payout the gateway said never arrived is asked about
# again once its withdrawal is rejected: the request may land after all
LATE_ARRIVAL = timedelta(hours=1)


class PayoutView(BaseModel):
    withdrawal: str
    out_no: str  # the number the gateway knows it by
    adapter: str
    attempt: int
    outcome: str  # sending, paid, failed, pending, unknown, not_found
    detail: str | None
    reference: str | None
    sent_at: datetime
    checked_at: datetime
    status: str  # the withdrawal's
    # while a WeChat Pay transfer waits for its payee (outcome `pending`): the package the
    # payee's app passes to wx.requestMerchantTransfer to confirm receiving it
    package_info: str | None = None


class _Sending(NamedTuple):
    out_no: str
    payee: Payee
    fen: int
    sent_at: datetime  # as recorded: what an answer to this send is matched with


def _http(context: Context, client: httpx.Client | None) -> httpx.Client:
    return http_client(context.settings, client)


def request_payout(
    context: Context, principal: Principal, withdrawal_id: str, client: httpx.Client | None = None
) -> WithdrawalView:
    """Send an approved withdrawal to the tenant's payout adapter: WeChat Pay and Alipay
    here, the webhook adapter through its outbox (service/payments.py)."""
    principal.require(Permission.DECIDE_WITHDRAWALS)
    row = query(context, lambda connection: payments.adapter_row(connection, principal.tenant))
    if row is None or row.adapter not in GATEWAYS:
        return payments.request_payout(context, principal, withdrawal_id)
    gateway = client_for(context.settings, row)

    def start(uow: UnitOfWork) -> _Sending | None:
        return _start(context, uow, principal.actor, withdrawal_id, row.adapter)

    sending = command(context, principal, start)
    if sending is not None:
        result = _ask(context, client, lambda http: _transfer(gateway, http, sending, context))
        _settle(context, principal, withdrawal_id, sending.out_no, sending.sent_at, result)
    return wallets.get_withdrawal(context, principal, withdrawal_id)


def _start(
    context: Context, uow: UnitOfWork, actor: str, withdrawal_id: str, adapter: str
) -> _Sending | None:
    """approved → paying, with the payout number recorded; None if it was sent already
    (paying: only a query may settle it; paid: nothing is left to send)."""
    withdrawal = found(uow.withdrawals.get(withdrawal_id, lock=True), "withdrawal", withdrawal_id)
    if withdrawal.status in ("paying", "paid"):
        return None
    if withdrawal.status != "approved":
        raise DomainError(
            ErrorCode.CONFLICT, f"withdrawal {withdrawal_id!r} is {withdrawal.status}", "status"
        )
    problem = payout_problem(uow.connection, uow.tenant, withdrawal.member_id, lock=True)
    if problem is not None:
        raise problem
    wallets.refuse_while_owing(uow, withdrawal.member_id, "send")
    payee = payee_in(context, uow.connection, uow.tenant, withdrawal.member_id)
    payouts = Payouts(uow.connection, uow.tenant)
    before = payouts.get(withdrawal_id)
    attempt = 1 if before is None else int(before.attempt)
    if before is not None and before.outcome == Outcome.FAILED:
        # the old number is spent; after `not_found` it is kept: were the first request
        # still to arrive, the gateway would take the second as the same payout
        attempt += 1
    out_no = out_no_of(uow.tenant, withdrawal_id, attempt)
    values = {
        "out_no": out_no,
        "adapter": adapter,
        "attempt": attempt,
        "outcome": "sending",
        "detail": None,
        "reference": None,
        "sent_at": uow.now,
        "checked_at": uow.now,
    }
    payouts.put(withdrawal_id, before is not None, values)

    def act(uow: UnitOfWork, row: WithdrawalRow) -> None:
        uow.withdrawals.change(
            withdrawal_id, status=WithdrawalStatus.PAYING, note=f"sent to {adapter} as {out_no}"
        )

    wallets.move(uow, actor, withdrawal_id, "send", act)
    sent = found(payouts.get(withdrawal_id), "payout of withdrawal", withdrawal_id)
    return _Sending(out_no, payee, withdrawal.payout, sent.sent_at)


def ask_gateway(
    context: Context, client: httpx.Client | None, call: Callable[[httpx.Client], T]
) -> T:
    """A gateway call that is not a payout (a checkout): a network failure or an answer
    that does not check is a clear refusal, and nothing was recorded."""
    http = _http(context, client)
    try:
        return call(http)
    except httpx.TimeoutException:
        raise DomainError(
            ErrorCode.CONFLICT, "the gateway did not answer in time", "adapter"
        ) from None
    except SignatureError as error:
        log.warning("a gateway answer refused: %s", error)
        raise DomainError(
            ErrorCode.CONFLICT, f"the gateway's answer does not check: {error}", "adapter"
        ) from None
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise DomainError(
            ErrorCode.CONFLICT, f"the gateway cannot be reached: {error}"[:300], "adapter"
        ) from None
    finally:
        if client is None:
            http.close()


def _transfer(
    gateway: WechatPay | Alipay, http: httpx.Client, sending: _Sending, context: Context
) -> PayoutResult:
    now = context.clock()
    title = "提现"
    if isinstance(gateway, WechatPay):
        return gateway.transfer(
            http,
            sending.out_no,
            sending.payee.account,
            sending.payee.real_name,
            sending.fen,
            title,
            now,
        )
    return gateway.transfer(
        http,
        sending.out_no,
        sending.payee.account,
        sending.payee.real_name,
        format_minor(sending.fen, 2),
        title,
        now,
    )


def _ask(context: Context, client: httpx.Client | None, call: Any) -> PayoutResult:
    """A gateway call; what cannot be trusted as an answer is an unknown outcome."""
    http = _http(context, client)
    try:
        # the gateway's answer within the attempt's time as a whole (httpx's timeout is
        # each read's: an answer a byte at a time would hold the payout for ever)
        with deadline(context.settings.webhook_timeout_seconds):
            result: PayoutResult = call(http)
        return result
    except httpx.TimeoutException as error:
        return PayoutResult(Outcome.UNKNOWN, f"timed out: {type(error).__name__}")
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        return PayoutResult(Outcome.UNKNOWN, f"{type(error).__name__}: {error}"[:300])
    except SignatureError as error:
        log.warning("a payout answer refused: %s", error)
        return PayoutResult(Outcome.UNKNOWN, f"answer refused: {error}"[:300])
    finally:
        if client is None:
            http.close()


def _settle(
    context: Context,
    principal: Principal,
    withdrawal_id: str,
    out_no: str,
    sent_at: datetime,
    result: PayoutResult,
) -> None:
    """Record what the gateway answered about the payout `out_no` as sent at `sent_at`."""
    actor = f"{principal.actor}"

    def run(uow: UnitOfWork) -> None:
        # the withdrawal's row lock first: a re-send (which takes it) waits, or is seen
        withdrawal = uow.withdrawals.get(withdrawal_id, lock=True)
        payouts = Payouts(uow.connection, uow.tenant)
        now_row = payouts.get(withdrawal_id)
        if now_row is None or now_row.out_no != out_no:
            return  # sent again since under another number: that one is what counts
        if now_row.sent_at != sent_at and result.outcome != Outcome.PAID:
            # Sent again since, under the same number (the first never arrived): this
            # answer was to a question put before, and says nothing of the transfer now
            # asked for. Applied, a "never arrived" put the withdrawal back to approved
            # while the gateway held the re-sent transfer: rejected then, it was paid
            # twice (notes/attack-races). Paid is always news: it is applied.
            log.info(
                "tenant %s: payout %s of %s: %s, answered before it was sent again: ignored",
                uow.tenant,
                out_no,
                withdrawal_id,
                result.outcome,
            )
            return
        payouts.change(
            withdrawal_id,
            outcome=str(result.outcome),
            detail=result.detail[:300],
            reference=result.reference or now_row.reference,
            checked_at=uow.now,
            # the payee confirms with it while the transfer waits for them; an answer
            # that still waits without one keeps the one given at the send
            package_info=(result.package_info or now_row.package_info)
            if result.outcome == Outcome.PENDING
            else None,
        )
        status = str(found(withdrawal, "withdrawal", withdrawal_id).status)
        if result.outcome == Outcome.PAID:
            wallets.gateway_paid(uow, actor, withdrawal_id)
        elif result.outcome in {Outcome.FAILED, Outcome.NOT_FOUND} and status == "paying":
            payments.payout_failed(uow, actor, withdrawal_id, result.detail)
        log.info(
            "tenant %s: payout %s of %s: %s (%s)",
            uow.tenant,
            out_no,
            withdrawal_id,
            result.outcome,
            result.detail,
        )

    command(context, principal, run)


def _payout_at(
    context: Context, principal: Principal, withdrawal_id: str
) -> tuple[WechatPay | Alipay, PayoutRow, str]:
    """A withdrawal's payout, the gateway it went through and the withdrawal's status;
    refused if the tenant's adapter is no longer that gateway."""

    def load(
        connection: Connection,
    ) -> tuple[AdapterRow | None, PayoutRow | None, WithdrawalRow | None]:
        return (
            payments.adapter_row(connection, principal.tenant),
            Payouts(connection, principal.tenant).get(withdrawal_id),
            Withdrawals(connection, principal.tenant).get(withdrawal_id),
        )

    row, payout, withdrawal = query(context, load)
    if payout is None or withdrawal is None:
        raise not_found("payout of withdrawal", withdrawal_id, "withdrawal")
    if row is None or row.adapter != payout.adapter:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"the payout went through {payout.adapter}, the adapter is now"
            f" {row.adapter if row else 'manual'}",
            "adapter",
        )
    return client_for(context.settings, row), payout, str(withdrawal.status)


def reconcile(
    context: Context, principal: Principal, withdrawal_id: str, client: httpx.Client | None = None
) -> PayoutView:
    """Ask the gateway what became of a payout (by its number) and record it: paid,
    failed (approved again), never received (approved again), or still moving."""
    principal.require(Permission.DECIDE_WITHDRAWALS)
    gateway, payout, _ = _payout_at(context, principal, withdrawal_id)
    result = _ask(context, client, lambda http: gateway.query(http, payout.out_no, context.clock()))
    _settle(context, principal, withdrawal_id, payout.out_no, payout.sent_at, result)
    return get_payout(context, principal, withdrawal_id)


def cancel(
    context: Context, principal: Principal, withdrawal_id: str, client: httpx.Client | None = None
) -> PayoutView:
    """Withdraw a WeChat Pay transfer its payee has not confirmed (撤销转账), then query it:
    once WeChat Pay says CANCELLED the number is spent and the withdrawal is `approved`
    again, for finance to send again or reject (its amount back to the wallet); while it
    says CANCELING the withdrawal stays `paying` and the reconciliation job settles it.
    A refusal (the payee confirmed first, an Alipay transfer, not `paying`) changes
    nothing."""
    principal.require(Permission.DECIDE_WITHDRAWALS)
    gateway, payout, status = _payout_at(context, principal, withdrawal_id)
    if status != WithdrawalStatus.PAYING:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"withdrawal {withdrawal_id!r} is {status}: only a transfer being paid can be"
            " withdrawn",
            "status",
        )
    if not isinstance(gateway, WechatPay):
        raise DomainError(
            ErrorCode.CONFLICT,
            f"a transfer through {payout.adapter} cannot be withdrawn once sent",
            "adapter",
        )
    state = ask_gateway(
        context, client, lambda http: gateway.cancel(http, payout.out_no, context.clock())
    )

    def record(uow: UnitOfWork) -> None:
        uow.audit(
            principal.actor,
            "withdrawal.payout_cancel",
            f"withdrawal:{withdrawal_id}",
            after={"out_no": payout.out_no, "state": state},
        )

    command(context, principal, record)
    return reconcile(context, principal, withdrawal_id, client)


def reconcile_due(context: Context, tenant: str, client: httpx.Client | None = None) -> int:
    """Query every payout of a tenant the gateway may still pay, unchecked for longer than
    RECONCILE_AFTER (for the periodic job); how many were queried. Those of withdrawals
    still `paying`, and of withdrawals finance rejected while the transfer was still
    moving, or said never to have arrived within LATE_ARRIVAL: paid after all, the
    payout is taken back from the member (wallets.gateway_paid), where only a
    notification told it before (docs/payments.md)."""
    system = Principal(tenant, "system:reconcile", Role.OWNER)
    now = context.clock()
    before, late_since = now - RECONCILE_AFTER, now - LATE_ARRIVAL

    due = query(context, lambda connection: Payouts(connection, tenant).due(before, late_since))
    for withdrawal_id in due:
        reconcile(context, system, withdrawal_id, client)
    return len(due)


def tenants_paying(
    connection: Connection, now: datetime, among: Collection[str] | None = None
) -> list[str]:
    """The tenants (of `among`, or all) with a payout at WeChat Pay or Alipay the gateway
    may still pay (the periodic job's: `reconcile_due`)."""
    return payment_tables.tenants_paying(connection, now - LATE_ARRIVAL, among)


def get_payout(context: Context, principal: Principal, withdrawal_id: str) -> PayoutView:
    principal.require(Permission.READ)

    def run(connection: Connection) -> PayoutView:
        payout = Payouts(connection, principal.tenant).get(withdrawal_id)
        if payout is None:
            raise not_found("payout of withdrawal", withdrawal_id, "withdrawal")
        withdrawal = Withdrawals(connection, principal.tenant).get(withdrawal_id)
        status = found(withdrawal, "withdrawal", withdrawal_id).status
        return PayoutView(
            withdrawal=withdrawal_id,
            out_no=payout.out_no,
            adapter=payout.adapter,
            attempt=payout.attempt,
            outcome=payout.outcome,
            detail=payout.detail,
            reference=payout.reference,
            sent_at=payout.sent_at,
            checked_at=payout.checked_at,
            status=status,
            # a transfer settled since (by a notification, which writes no package)
            # has nothing left to confirm
            package_info=payout.package_info if payout.outcome == Outcome.PENDING else None,
        )

    return query(context, run)
