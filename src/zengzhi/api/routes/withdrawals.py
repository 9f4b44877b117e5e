"""The finance queue: withdrawals to approve, reject, mark paid."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from zengzhi.api.routing import StrictJSONRoute
from zengzhi.deps import (
    After,
    ContextDep,
    Limit,
    PathId,
    PrincipalDep,
    WithdrawalStatusFilter,
    needs,
)
from zengzhi.engine.fields import ID_PATTERN
from zengzhi.service import wallets
from zengzhi.service.auth import Permission
from zengzhi.service.queries.withdrawals import WithdrawalView
from zengzhi.service.wallets import WithdrawalDecision

router = APIRouter(prefix="/v1/withdrawals", tags=["wallets"], route_class=StrictJSONRoute)


@router.get("", response_model=list[WithdrawalView])
def list_withdrawals(
    context: ContextDep,
    principal: PrincipalDep,
    status: WithdrawalStatusFilter = None,
    member: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    limit: Limit = 50,
    after: After = None,
) -> list[WithdrawalView]:
    return wallets.list_withdrawals(context, principal, status, member, limit, after)


@router.get("/{withdrawal_id}", response_model=WithdrawalView)
def get_withdrawal(
    context: ContextDep, principal: PrincipalDep, withdrawal_id: PathId
) -> WithdrawalView:
    return wallets.get_withdrawal(context, principal, withdrawal_id)


@router.post(
    "/{withdrawal_id}/approve",
    response_model=WithdrawalView,
    dependencies=[needs(Permission.DECIDE_WITHDRAWALS)],
)
def approve(context: ContextDep, principal: PrincipalDep, withdrawal_id: PathId) -> WithdrawalView:
    return wallets.approve(context, principal, withdrawal_id)


@router.post(
    "/{withdrawal_id}/reject",
    response_model=WithdrawalView,
    dependencies=[needs(Permission.DECIDE_WITHDRAWALS)],
)
def reject(
    context: ContextDep,
    principal: PrincipalDep,
    withdrawal_id: PathId,
    body: WithdrawalDecision,
) -> WithdrawalView:
    """The held amount goes back to the member's wallet; the reason (required) is shown
    to the member."""
    return wallets.reject(context, principal, withdrawal_id, body)


@router.post(
    "/{withdrawal_id}/paid",
    response_model=WithdrawalView,
    dependencies=[needs(Permission.DECIDE_WITHDRAWALS)],
)
def mark_paid(
    context: ContextDep, principal: PrincipalDep, withdrawal_id: PathId
) -> WithdrawalView:
    """Finance paid it (the manual payout adapter)."""
    return wallets.mark_paid(context, principal, withdrawal_id)
