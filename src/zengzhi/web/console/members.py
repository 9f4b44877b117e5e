"""Members: search (by the start of an id or a phone number, on the server, a page at a
time), and one member's profile, positions, wallet and its history, orders and
withdrawals, place in the referral tree (uplines, a page of direct referees), rewards,
companion modes' holdings, and the re-assignment of the referrer with a reason."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse

from zengzhi.core.errors import DomainError
from zengzhi.deps import STATUS, After, Before, Search
from zengzhi.engine.fields import ID_PATTERN
from zengzhi.service import distribution, member_access, members, modes, orders, wallets
from zengzhi.service.member_access import PageTokenRequest
from zengzhi.service.members import MemberChange, Reassignment
from zengzhi.web.console import page
from zengzhi.web.console.session import ContextDep, PostedDep, Staff, StaffDep
from zengzhi.web.pages import PageRoute, build, see_other

router = APIRouter(prefix="/console/members", route_class=PageRoute, include_in_schema=False)

PAGE = 50
REFEREES = 50  # direct referees a page; the tree is walked by following them
REWARDS = 20
MemberId = Annotated[str, Path(pattern=ID_PATTERN)]
EDITABLE = ("name", "phone", "region")


@router.get("", response_class=HTMLResponse)
def search(
    request: Request, context: ContextDep, user: StaffDep, q: Search = None, after: After = None
) -> HTMLResponse:
    found = members.search_members(context, user.principal, q, PAGE, after)
    return page(
        request,
        user,
        "console/members.html",
        q=q or "",
        found=found,
        next_after=found[-1].id if len(found) == PAGE else None,
    )


def _detail(
    request: Request,
    context: Any,
    user: Staff,
    member_id: str,
    before: int | None,
    status: int = 200,
    referees_after: str | None = None,
    rewards_before: int | None = None,
    **data: Any,
) -> HTMLResponse:
    principal = user.principal
    shown = members.get_member(context, principal, member_id)
    history = wallets.wallet_history(context, principal, member_id, 20, before)
    network = distribution.network(context, principal, member_id, REFEREES, referees_after)
    rewards = distribution.rewards(context, principal, member_id, REWARDS, rewards_before)
    return page(
        request,
        user,
        "console/member.html",
        status=status,
        member=shown,
        positions=members.member_positions(context, principal, member_id),
        wallet=wallets.wallet(context, principal, member_id),
        history=history,
        older=history[-1].entry if len(history) == 20 else None,
        orders=orders.list_orders(context, principal, member_id, None, 20, None),
        withdrawals=wallets.list_withdrawals(context, principal, None, member_id, 20, None),
        can_issue=all(user.can(p) for p in ("members", "sell", "withdraw")),
        network=network,
        more_referees=network.referees[-1].id if len(network.referees) == REFEREES else None,
        rewards=rewards,
        older_rewards=rewards[-1].entry if len(rewards) == REWARDS else None,
        holdings=modes.member_modes(context, principal, member_id),
        **data,
    )


@router.get("/{member_id}", response_class=HTMLResponse)
def detail(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    member_id: MemberId,
    before: Before = None,
    referees_after: After = None,
    rewards_before: Before = None,
    saved: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    return _detail(
        request,
        context,
        user,
        member_id,
        before,
        referees_after=referees_after,
        rewards_before=rewards_before,
        saved=saved,
        values=None,
    )


@router.post("/{member_id}", response_class=HTMLResponse)
def change(
    request: Request, context: ContextDep, user: StaffDep, form: PostedDep, member_id: MemberId
) -> Response:
    values = form.values()
    try:
        body = build(
            MemberChange,
            {
                **{name: values.get(name) or None for name in EDITABLE},
                "real_name_verified": form.flag("real_name_verified"),
            },
        )
        members.change_member(context, user.principal, member_id, body)
    except DomainError as error:
        return _detail(
            request, context, user, member_id, None, STATUS[error.code], values=values, error=error
        )
    return see_other(f"/console/members/{member_id}?saved=1")


@router.post("/{member_id}/referrer", response_class=HTMLResponse)
def reassign(
    request: Request, context: ContextDep, user: StaffDep, form: PostedDep, member_id: MemberId
) -> Response:
    """Support moves the member to another referrer, with a reason (the audit log keeps
    it); the member's future orders only."""
    values = form.values()
    try:
        body = build(
            Reassignment, {"referrer": values.get("referrer", ""), "reason": values.get("reason")}
        )
        members.reassign(context, user.principal, member_id, body)
    except DomainError as error:
        return _detail(
            request,
            context,
            user,
            member_id,
            None,
            STATUS[error.code],
            values=None,
            error=error,
            failed="referrer",
            reassign_values=values,
        )
    return see_other(f"/console/members/{member_id}?saved=referrer")


@router.post("/{member_id}/page-token", response_class=HTMLResponse)
def page_token(
    request: Request, context: ContextDep, user: StaffDep, form: PostedDep, member_id: MemberId
) -> HTMLResponse:
    """The member's own page, as the member would see it (a short-lived link)."""
    issued = member_access.issue_page_token(
        context, user.principal, member_id, PageTokenRequest(minutes=10)
    )
    return _detail(request, context, user, member_id, None, issued=issued, values=None)
