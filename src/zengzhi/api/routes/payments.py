"""The payment and payout adapter, gateway notifications, payout requests."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from zengzhi.api.routing import StrictJSONRoute
from zengzhi.deps import ContextDep, Limit, PathId, PrincipalDep
from zengzhi.service import payments
from zengzhi.service.payments import (
    Accepted,
    AdapterIn,
    AdapterView,
    NotificationView,
    RefusalView,
)
from zengzhi.service.queries.withdrawals import WithdrawalView

router = APIRouter(prefix="/v1", tags=["payments"], route_class=StrictJSONRoute)


@router.get("/payments/adapter", response_model=AdapterView)
def get_adapter(context: ContextDep, principal: PrincipalDep) -> AdapterView:
    return payments.get_adapter(context, principal)


@router.put("/payments/adapter", response_model=AdapterView)
def put_adapter(context: ContextDep, principal: PrincipalDep, body: AdapterIn) -> AdapterView:
    """`manual`, or `webhook` with the gateway's payout URL; the shared secret is in the
    answer that creates (or rotates) it, once."""
    return payments.put_adapter(context, principal, body)


@router.get("/payments/notifications", response_model=list[NotificationView])
def list_notifications(
    context: ContextDep, principal: PrincipalDep, limit: Limit = 50
) -> list[NotificationView]:
    """Gateway notifications applied, newest first."""
    return payments.list_notifications(context, principal, limit)


@router.get("/payments/refusals", response_model=list[RefusalView])
def list_refusals(
    context: ContextDep, principal: PrincipalDep, limit: Limit = 50
) -> list[RefusalView]:
    """Gateway notifications refused (forged, stale, replayed…), newest first."""
    return payments.list_refusals(context, principal, limit)


@router.post("/withdrawals/{withdrawal_id}/payout", response_model=WithdrawalView, tags=["wallets"])
def request_payout(
    context: ContextDep, principal: PrincipalDep, withdrawal_id: PathId
) -> WithdrawalView:
    """Ask the payout gateway to pay an approved withdrawal (`paying` until it answers)."""
    return payments.request_payout(context, principal, withdrawal_id)


@router.post("/gateway/{tenant_id}/notifications", response_model=Accepted)
async def notify(context: ContextDep, tenant_id: PathId, request: Request) -> Accepted:
    """The payment gateway's signed notification (no bearer token: the signature
    authenticates it). Forged, stale or replayed notifications are refused and kept."""
    body = await request.body()
    headers = {name.lower(): value for name, value in request.headers.items()}
    return await run_in_threadpool(payments.receive, context, tenant_id, headers, body)
