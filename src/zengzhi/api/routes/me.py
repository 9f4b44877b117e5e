"""The member page's API: the integrator asks for a member's page token; with it, the
member (the page, or the platform's own app) reads and acts on their own data only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from zengzhi.api.routing import StrictJSONRoute
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.deps import Before, ContextDep, Limit, PathId, PrincipalDep, in_thread, needs
from zengzhi.service import member_access
from zengzhi.service.auth import Permission
from zengzhi.service.member_access import (
    PAGE_TOKEN,
    PAGE_TOKEN_WHY,
    Member,
    MemberWithdrawalRequest,
    PageToken,
    PageTokenRequest,
    RevokedTokens,
    SaleRequest,
    TransferToConfirm,
    WithdrawalQuote,
    WithdrawalQuoteRequest,
)
from zengzhi.service.members import SaleQuoteRequest, SaleView
from zengzhi.service.modes import ModeHolding
from zengzhi.service.queries.members import Me, PositionView
from zengzhi.service.queries.wallets import Movement, WalletView
from zengzhi.service.queries.withdrawals import WithdrawalView

tokens = APIRouter(prefix="/v1/members", tags=["member page"], route_class=StrictJSONRoute)
router = APIRouter(prefix="/v1/me", tags=["member page"], route_class=StrictJSONRoute)

_bearer = HTTPBearer(auto_error=False, description="a member page token")


async def get_member(
    context: ContextDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Member:
    if credentials is None:
        raise DomainError(ErrorCode.UNAUTHORIZED, "send the member page token")
    return await in_thread(member_access.read_page_token, context, credentials.credentials)


MemberDep = Annotated[Member, Depends(get_member)]


@tokens.post(
    "/{member_id}/page-token",
    status_code=201,
    response_model=PageToken,
    dependencies=[needs(*PAGE_TOKEN, why=PAGE_TOKEN_WHY)],
)
def page_token(
    context: ContextDep,
    principal: PrincipalDep,
    member_id: PathId,
    request: Request,
    body: PageTokenRequest | None = None,
) -> PageToken:
    """A short-lived token for one member's page; open `url` in the app's web view."""
    issued = member_access.issue_page_token(
        context, principal, member_id, body or PageTokenRequest()
    )
    return issued.model_copy(update={"url": str(request.base_url).rstrip("/") + issued.path})


@tokens.delete(
    "/{member_id}/page-tokens",
    response_model=RevokedTokens,
    dependencies=[needs(Permission.MEMBERS)],
)
def revoke_page_tokens(
    context: ContextDep, principal: PrincipalDep, member_id: PathId
) -> RevokedTokens:
    """End every page token of the member at once (their page signs them out)."""
    return member_access.revoke_page_tokens(context, principal, member_id)


@router.post("/logout", status_code=204)
def logout(
    context: ContextDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Response:
    """The member signs out: this token is refused from now on."""
    if credentials is None:
        raise DomainError(ErrorCode.UNAUTHORIZED, "send the member page token")
    member_access.sign_out(context, credentials.credentials)
    return Response(status_code=204)


@router.get("", response_model=Me)
def me(context: ContextDep, member: MemberDep) -> Me:
    return member_access.me(context, member)


@router.get("/positions", response_model=list[PositionView])
def positions(context: ContextDep, member: MemberDep) -> list[PositionView]:
    return member_access.positions(context, member)


@router.get("/modes", response_model=list[ModeHolding])
def mode_holdings(context: ContextDep, member: MemberDep) -> list[ModeHolding]:
    """What each companion mode owes the member (as `GET /v1/members/{id}/modes`), with
    the union queue's places and expected days, and today's ad task."""
    return member_access.mode_holdings(context, member)


@router.get("/wallet", response_model=WalletView)
def wallet(context: ContextDep, member: MemberDep) -> WalletView:
    return member_access.wallet(context, member)


@router.get("/wallet/history", response_model=list[Movement])
def wallet_history(
    context: ContextDep, member: MemberDep, limit: Limit = 50, before: Before = None
) -> list[Movement]:
    return member_access.wallet_history(context, member, limit, before)


@router.get("/wallet/debt-history", response_model=list[Movement])
def debt_history(
    context: ContextDep, member: MemberDep, limit: Limit = 50, before: Before = None
) -> list[Movement]:
    """What the member owes, as `GET /v1/members/{id}/wallet/debt-history`."""
    return member_access.debt_history(context, member, limit, before)


@router.post("/sell/quote", response_model=SaleView)
def quote_sale(context: ContextDep, member: MemberDep, body: SaleQuoteRequest) -> SaleView:
    """What selling would pay now; nothing is sold."""
    return member_access.quote_sale(context, member, body)


@router.post("/sell", response_model=SaleView)
def sell(context: ContextDep, member: MemberDep, body: SaleRequest) -> SaleView:
    """Sell; with `min_payout` (the quote's payout) it is refused if it would pay less."""
    return member_access.sell(context, member, body)


@router.get("/withdrawals", response_model=list[WithdrawalView])
def withdrawals(context: ContextDep, member: MemberDep, limit: Limit = 50) -> list[WithdrawalView]:
    return member_access.withdrawals(context, member, limit)


@router.get("/withdrawals/{withdrawal_id}/confirmation", response_model=TransferToConfirm)
def transfer_to_confirm(
    context: ContextDep, member: MemberDep, withdrawal_id: PathId
) -> TransferToConfirm:
    """A WeChat Pay transfer of the member's withdrawal waits for them to confirm
    receiving it: what their WeChat confirms it with (`requestMerchantTransfer`). 404
    while none waits for them."""
    return member_access.transfer_to_confirm(context, member, withdrawal_id)


@router.post("/withdrawals/quote", response_model=WithdrawalQuote)
def quote_withdrawal(
    context: ContextDep, member: MemberDep, body: WithdrawalQuoteRequest
) -> WithdrawalQuote:
    return member_access.quote_withdrawal(context, member, body)


@router.post("/withdrawals", status_code=201, response_model=WithdrawalView)
def withdraw(
    context: ContextDep, member: MemberDep, body: MemberWithdrawalRequest, response: Response
) -> WithdrawalView:
    """The amount is held out of the wallet at once; finance approves and pays it (201;
    200 with the first answer when the same request comes again)."""
    made, created = member_access.withdraw_once(context, member, body)
    if not created:
        response.status_code = 200
    return made
