"""A member's payee: where withdrawals are paid (real name and account, masked here)."""

from __future__ import annotations

from fastapi import APIRouter

from zengzhi.api.routing import StrictJSONRoute
from zengzhi.deps import ContextDep, PathId, PrincipalDep, needs
from zengzhi.service import payees
from zengzhi.service.auth import Permission
from zengzhi.service.payees import PayeeIn, PayeeView

router = APIRouter(prefix="/v1/members", tags=["members"], route_class=StrictJSONRoute)


@router.put(
    "/{member_id}/payee", response_model=PayeeView, dependencies=[needs(Permission.MEMBERS)]
)
def set_payee(
    context: ContextDep, principal: PrincipalDep, member_id: PathId, body: PayeeIn
) -> PayeeView:
    """Set the member's payee: the real name and the account a payout gateway pays.
    Encrypted at rest; answered masked."""
    return payees.set_payee(context, principal, member_id, body)


@router.get("/{member_id}/payee", response_model=PayeeView)
def get_payee(context: ContextDep, principal: PrincipalDep, member_id: PathId) -> PayeeView:
    """The member's payee, masked (张*, 138****5678)."""
    return payees.get_payee(context, principal, member_id)
