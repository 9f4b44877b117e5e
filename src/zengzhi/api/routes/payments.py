"""The payment and payout adapter, gateway notifications, payout requests."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse

from zengzhi.api.routing import StrictJSONRoute
from zengzhi.deps import ContextDep, Limit, PathId, PrincipalDep, in_thread, needs
from zengzhi.service import gateway_checkout, gateway_payouts, payments
from zengzhi.service.auth import Permission
from zengzhi.service.gateway_checkout import CheckoutView
from zengzhi.service.gateway_payouts import PayoutView
from zengzhi.service.payments import (
    Accepted,
    AdapterIn,
    AdapterView,
)
from zengzhi.service.queries import payments as payment_reads
from zengzhi.service.queries.payments import NotificationView, RefusalView
from zengzhi.service.queries.withdrawals import WithdrawalView

router = APIRouter(prefix="/v1", tags=["payments"], route_class=StrictJSONRoute)


@router.get("/payments/adapter", response_model=AdapterView)
def get_adapter(context: ContextDep, principal: PrincipalDep) -> AdapterView:
    return payments.get_adapter(context, principal)


@router.put(
    "/payments/adapter",
    response_model=AdapterView,
    dependencies=[needs(Permission.PAYMENT_ADAPTER)],
)
def put_adapter(context: ContextDep, principal: PrincipalDep, body: AdapterIn) -> AdapterView:
    """`manual`, or `webhook` with the gateway's payout URL; the shared secret is in the
    answer that creates (or rotates) it, once. The owner's, signed in (a session from
    `POST /v1/auth/login`): an API key of any role is refused (403, field `Authorization`)."""
    return payments.put_adapter(context, principal, body)


@router.post(
    "/payments/adapter/certificates",
    response_model=AdapterView,
    dependencies=[needs(Permission.PAYMENT_ADAPTER)],
)
def refresh_certificates(context: ContextDep, principal: PrincipalDep) -> AdapterView:
    """Fetch WeChat Pay's platform certificates and pin the new ones (a rotation). The
    owner's, signed in: an API key of any role is refused (403, field `Authorization`)."""
    return payments.refresh_certificates(context, principal)


@router.get("/payments/notifications", response_model=list[NotificationView])
def list_notifications(
    context: ContextDep, principal: PrincipalDep, limit: Limit = 50
) -> list[NotificationView]:
    """Gateway notifications applied, newest first."""
    return payment_reads.list_notifications(context, principal, limit)


@router.get("/payments/refusals", response_model=list[RefusalView])
def list_refusals(
    context: ContextDep, principal: PrincipalDep, limit: Limit = 50
) -> list[RefusalView]:
    """Gateway notifications refused (forged, stale, replayed…), newest first."""
    return payment_reads.list_refusals(context, principal, limit)


@router.post(
    "/withdrawals/{withdrawal_id}/payout",
    response_model=WithdrawalView,
    tags=["wallets"],
    dependencies=[needs(Permission.DECIDE_WITHDRAWALS)],
)
def request_payout(
    context: ContextDep, principal: PrincipalDep, withdrawal_id: PathId
) -> WithdrawalView:
    """Ask the payout gateway to pay an approved withdrawal (`paying` until it answers;
    WeChat Pay and Alipay answer at once, or it stays `paying` until reconciled)."""
    return gateway_payouts.request_payout(context, principal, withdrawal_id)


@router.get("/withdrawals/{withdrawal_id}/payout", response_model=PayoutView, tags=["wallets"])
def get_payout(context: ContextDep, principal: PrincipalDep, withdrawal_id: PathId) -> PayoutView:
    """A withdrawal's payout at WeChat Pay or Alipay: its number there, what it said last."""
    return gateway_payouts.get_payout(context, principal, withdrawal_id)


@router.post(
    "/withdrawals/{withdrawal_id}/payout/reconcile",
    response_model=PayoutView,
    tags=["wallets"],
    dependencies=[needs(Permission.DECIDE_WITHDRAWALS)],
)
def reconcile(context: ContextDep, principal: PrincipalDep, withdrawal_id: PathId) -> PayoutView:
    """Query WeChat Pay or Alipay for a payout and record what became of it."""
    return gateway_payouts.reconcile(context, principal, withdrawal_id)


@router.post(
    "/withdrawals/{withdrawal_id}/payout/cancel",
    response_model=PayoutView,
    tags=["wallets"],
    dependencies=[needs(Permission.DECIDE_WITHDRAWALS)],
)
def cancel_payout(
    context: ContextDep, principal: PrincipalDep, withdrawal_id: PathId
) -> PayoutView:
    """Withdraw a WeChat Pay transfer its payee has not confirmed yet (撤销转账), then
    query it: CANCELLED puts the withdrawal back to `approved` (send again, or reject
    to return its amount to the wallet); CANCELING leaves it `paying` until the
    reconciliation settles it. Refused (409) if the payee confirmed first, for an Alipay
    transfer, or for a withdrawal not `paying`."""
    return gateway_payouts.cancel(context, principal, withdrawal_id)


@router.post(
    "/orders/{order_id}/checkout",
    response_model=CheckoutView,
    tags=["orders"],
    dependencies=[needs(Permission.ORDERS)],
)
def checkout(context: ContextDep, principal: PrincipalDep, order_id: PathId) -> CheckoutView:
    """A QR-code payment of a created order at WeChat Pay (Native) or Alipay (当面付),
    under the order's id; the gateway's notification then pays the order."""
    return gateway_checkout.checkout(context, principal, order_id)


@router.post("/gateway/{tenant_id}/notifications", response_model=Accepted)
async def notify(context: ContextDep, tenant_id: PathId, request: Request) -> Response:
    """The payment gateway's signed notification (no bearer token: the signature
    authenticates it). Forged, stale or replayed notifications are refused and kept.
    Alipay's (a form) is answered `success`, the one answer that stops its retries."""
    body = await request.body()
    headers = {name.lower(): value for name, value in request.headers.items()}
    accepted = await in_thread(payments.receive, context, tenant_id, headers, body)
    if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return PlainTextResponse("success")
    return JSONResponse(accepted.model_dump(mode="json"))
