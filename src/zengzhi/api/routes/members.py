"""Members: register, look up, positions, sell, wallet, withdrawal requests."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from zengzhi.api.routing import StrictJSONRoute
from zengzhi.deps import After, Before, ContextDep, Limit, PathId, PrincipalDep, Search, needs
from zengzhi.service import distribution, members, modes, wallets
from zengzhi.service.auth import Permission
from zengzhi.service.members import (
    Binding,
    MemberChange,
    NewMember,
    Reassignment,
    RefereesMoved,
    SaleQuoteRequest,
    SaleView,
    SellRequest,
)
from zengzhi.service.modes import ModeHolding, TaskDone
from zengzhi.service.queries.distribution import Network, RewardView
from zengzhi.service.queries.members import MemberView, PositionView
from zengzhi.service.queries.wallets import Movement, WalletView
from zengzhi.service.wallets import WithdrawalRequest

router = APIRouter(prefix="/v1/members", tags=["members"], route_class=StrictJSONRoute)


@router.post(
    "", status_code=201, response_model=MemberView, dependencies=[needs(Permission.MEMBERS)]
)
def create_member(context: ContextDep, principal: PrincipalDep, body: NewMember) -> MemberView:
    return members.create_member(context, principal, body)


@router.get("", response_model=list[MemberView])
def search(
    context: ContextDep,
    principal: PrincipalDep,
    q: Search = None,
    limit: Limit = 50,
    after: After = None,
) -> list[MemberView]:
    return members.search_members(context, principal, q, limit, after)


@router.get("/{member_id}", response_model=MemberView)
def get_member(context: ContextDep, principal: PrincipalDep, member_id: PathId) -> MemberView:
    return members.get_member(context, principal, member_id)


@router.patch("/{member_id}", response_model=MemberView, dependencies=[needs(Permission.MEMBERS)])
def change_member(
    context: ContextDep, principal: PrincipalDep, member_id: PathId, body: MemberChange
) -> MemberView:
    return members.change_member(context, principal, member_id, body)


@router.post(
    "/{member_id}/bind",
    response_model=MemberView,
    tags=["distribution"],
    dependencies=[needs(Permission.MEMBERS)],
)
def bind(
    context: ContextDep, principal: PrincipalDep, member_id: PathId, body: Binding
) -> MemberView:
    """The member arrived through a referral link or a store's code: bound if the binding
    policy allows (never re-bound)."""
    return members.bind(context, principal, member_id, body)


@router.put(
    "/{member_id}/referrer",
    response_model=MemberView,
    tags=["distribution"],
    dependencies=[needs(Permission.REASSIGN)],
)
def reassign(
    context: ContextDep, principal: PrincipalDep, member_id: PathId, body: Reassignment
) -> MemberView:
    """Support re-assigns the referrer, with a reason (audit log); future orders only."""
    return members.reassign(context, principal, member_id, body)


@router.put(
    "/{member_id}/referees/referrer",
    response_model=RefereesMoved,
    tags=["distribution"],
    dependencies=[needs(Permission.REASSIGN)],
)
def reassign_referees(
    context: ContextDep, principal: PrincipalDep, member_id: PathId, body: Reassignment
) -> RefereesMoved:
    """After a report (seed 000 举报): every direct member of this member moves to
    `referrer`, with a reason (audit log); future orders only."""
    return members.reassign_referees(context, principal, member_id, body)


@router.get("/{member_id}/network", response_model=Network, tags=["distribution"])
def member_network(
    context: ContextDep,
    principal: PrincipalDep,
    member_id: PathId,
    limit: Limit = 50,
    after: After = None,
) -> Network:
    """Uplines, team performance and level, and a page of direct referees."""
    return distribution.network(context, principal, member_id, limit, after)


@router.get("/{member_id}/rewards", response_model=list[RewardView], tags=["distribution"])
def member_rewards(
    context: ContextDep,
    principal: PrincipalDep,
    member_id: PathId,
    limit: Limit = 50,
    before: Before = None,
) -> list[RewardView]:
    """What the member earned and why: kind, order, rate, base; newest first."""
    return distribution.rewards(context, principal, member_id, limit, before)


@router.get("/{member_id}/positions", response_model=list[PositionView], tags=["points"])
def positions(
    context: ContextDep, principal: PrincipalDep, member_id: PathId
) -> list[PositionView]:
    return members.member_positions(context, principal, member_id)


@router.post(
    "/{member_id}/sell/quote",
    response_model=SaleView,
    tags=["points"],
    dependencies=[needs(Permission.SELL)],
)
def quote_sale(
    context: ContextDep, principal: PrincipalDep, member_id: PathId, body: SaleQuoteRequest
) -> SaleView:
    """What selling would pay now; nothing is sold. Its `payout`, sent as the sale's
    `min_payout`, refuses the sale if the price or the sell fee changed meanwhile."""
    return members.quote_sale(context, principal, member_id, body)


@router.post("/{member_id}/sell", tags=["points"], dependencies=[needs(Permission.SELL)])
def sell(
    context: ContextDep, principal: PrincipalDep, member_id: PathId, body: SellRequest
) -> dict[str, Any]:
    """Sell points (or "all") at the pool's price, less the sell fee, into the wallet;
    with `min_payout` (a quote's payout), refused (409) if it would now pay less."""
    return members.sell(context, principal, member_id, body)


@router.post("/{member_id}/tasks", tags=["modes"], dependencies=[needs(Permission.ORDERS)])
def complete_task(
    context: ContextDep, principal: PrincipalDep, member_id: PathId, body: TaskDone
) -> dict[str, Any]:
    """The member did a day's ad task: that day's ad points release into the wallet, once
    per member, zone and day (a retry gets the first answer)."""
    return modes.complete_task(context, principal, member_id, body)


@router.get("/{member_id}/modes", response_model=list[ModeHolding], tags=["modes"])
def member_modes(
    context: ContextDep, principal: PrincipalDep, member_id: PathId
) -> list[ModeHolding]:
    """What each companion mode owes the member, with each union credit's place in the
    queue and an honest expected payment day."""
    return modes.member_modes(context, principal, member_id)


@router.get("/{member_id}/wallet", response_model=WalletView, tags=["wallets"])
def wallet(context: ContextDep, principal: PrincipalDep, member_id: PathId) -> WalletView:
    return wallets.wallet(context, principal, member_id)


@router.get("/{member_id}/wallet/history", response_model=list[Movement], tags=["wallets"])
def wallet_history(
    context: ContextDep,
    principal: PrincipalDep,
    member_id: PathId,
    limit: Limit = 50,
    before: Before = None,
) -> list[Movement]:
    return wallets.wallet_history(context, principal, member_id, limit, before)


@router.get("/{member_id}/wallet/debt-history", response_model=list[Movement], tags=["wallets"])
def debt_history(
    context: ContextDep,
    principal: PrincipalDep,
    member_id: PathId,
    limit: Limit = 50,
    before: Before = None,
) -> list[Movement]:
    """What the member owes the platform, newest first: each debt opened (a negative
    amount) and each part settled from a later credit (positive), with its entry. A debt
    opened with nothing left in the wallet is in no wallet movement: it is here."""
    return wallets.debt_history(context, principal, member_id, limit, before)


@router.post(
    "/{member_id}/withdrawals",
    status_code=201,
    tags=["wallets"],
    dependencies=[needs(Permission.WITHDRAW)],
)
def request_withdrawal(
    context: ContextDep,
    principal: PrincipalDep,
    member_id: PathId,
    body: WithdrawalRequest,
    response: Response,
) -> dict[str, Any]:
    """The amount is held out of the wallet at once; finance approves and pays it. 201
    for a new request; 200 with the first answer when the same request comes again."""
    made, created = wallets.withdraw_once(context, principal, member_id, body)
    if not created:
        response.status_code = 200
    return made
