"""Members: the table (search anywhere in an id, name or phone, filters, sort by any
column, page numbers, CSV and XLSX exports of what it finds), and one member's profile,
positions, wallet and its history, orders and withdrawals, place in the referral tree
(uplines, a page of direct referees), rewards, companion modes' holdings, and the
re-assignment of the referrer with a reason (of one member, or of all of a member's
direct members after a report)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, StreamingResponse

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.deps import STATUS, After, Before, ContextDep
from zengzhi.engine.fields import ID_PATTERN
from zengzhi.service import distribution, member_access, members, modes, orders, wallets
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context
from zengzhi.service.member_access import PAGE_TOKEN, PAGE_TOKEN_WHY, PageTokenRequest
from zengzhi.service.members import MemberChange, Reassignment
from zengzhi.service.queries import console_members
from zengzhi.service.queries.console_members import MemberSearch
from zengzhi.web.console import exports, page
from zengzhi.web.console.session import KeptDep, PostedDep, Staff, StaffDep, needs_form
from zengzhi.web.pages import (
    Form,
    PageRoute,
    build,
    page_numbers,
    problems,
    searched,
    see_other_with_notice,
)

router = APIRouter(prefix="/console/members", route_class=PageRoute, include_in_schema=False)

PAGE = 50
REFEREES = 50  # direct referees a page; the tree is walked by following them
REWARDS = 20
MemberId = Annotated[str, Path(pattern=ID_PATTERN)]
EDITABLE = ("name", "phone", "region")


SEARCH_FIELDS = ("q", "level", "joined_from", "joined_until", "wallet_min", "wallet_max")
ORDERS = ("asc", "desc")  # `order`: the sort's direction


def _search(request: Request) -> tuple[MemberSearch, dict[str, str], DomainError | None]:
    """The table's search from the address's query (what a link or the form carries):
    the request model, the values as given (to show and to carry to the next page), and
    the problem with them, if any (the table then shows everything, the message next to
    the field)."""
    params = request.query_params
    values = searched({k: params.get(k) for k in (*SEARCH_FIELDS, "sort", "order")})
    order = values.get("order", "desc")
    asked = {
        "text": values.get("q"),
        **{k: values.get(k) for k in SEARCH_FIELDS[1:]},
        "sort": values.get("sort", "joined"),
        "descending": order != "asc",
        "page": params.get("page", "1"),
    }
    try:
        if order not in ORDERS:  # any other word sorted down, as if it had said so
            # named as the sort: the column's header sets both (`field.order` is an order's)
            said = f"the order must be one of {', '.join(ORDERS)}"
            raise DomainError(ErrorCode.INVALID, said, "sort")
        return build(MemberSearch, {k: v for k, v in asked.items() if v is not None}), values, None
    except DomainError as error:
        if error.field == "page":
            raise
        for one in problems(error):  # the model's text is the form's q
            if one.field == "text":
                one.field = "q"
        return MemberSearch(), values, error


@router.get("", response_class=HTMLResponse)
def search(request: Request, context: ContextDep, user: StaffDep) -> HTMLResponse:
    asked, values, error = _search(request)
    found = console_members.find_members(context, user.principal, asked)
    carried = {k: v for k, v in values.items() if k not in ("sort", "order")}
    return page(
        request,
        user,
        "console/members.html",
        status=STATUS[error.code] if error else 200,
        error=error,
        values=values,
        found=found,
        asked=asked,
        columns=console_members.COLUMNS,
        filters=urlencode(carried),
        here_query=urlencode(
            {**carried, "sort": asked.sort, "order": "desc" if asked.descending else "asc"}
        ),
        pages=page_numbers(found.page, found.pages),
    )


PICKED = 20  # a picker offers the first members the text finds


@router.get("/pick.json", response_class=JSONResponse)
def pick(request: Request, context: ContextDep, user: StaffDep) -> JSONResponse:
    """The members a form's picker offers for what was typed (an id's or a phone's start,
    a name anywhere): the first PICKED, newest first, as id and label (static/js/pick.js)."""
    text = (request.query_params.get("q") or "").strip()[:100]
    if not text:
        return JSONResponse([])
    found = console_members.find_members(context, user.principal, MemberSearch(text=text))
    return JSONResponse(
        [
            {"id": r.id, "label": " ".join(part for part in (r.name, r.phone) if part)}
            for r in found.rows[:PICKED]
        ]
    )


@router.get("/export.csv")
def export_csv(request: Request, context: ContextDep, user: StaffDep) -> StreamingResponse:
    """Every member the table's search finds, in its order: a CSV for spreadsheets (UTF-8
    with a byte-order mark, which Excel needs to read Chinese)."""
    asked, _, error = _search(request)
    if error:
        raise error
    rows = console_members.every_member(context, user.principal, asked)
    return exports.csv_download(
        context, user, "members", exports.MEMBER_HEADINGS, (exports.member_cells(r) for r in rows)
    )


@router.get("/export.xlsx")
def export_xlsx(request: Request, context: ContextDep, user: StaffDep) -> Response:
    asked, _, error = _search(request)
    if error:
        raise error
    rows = console_members.every_member(context, user.principal, asked)
    content = exports.xlsx(exports.MEMBER_HEADINGS, (exports.member_cells(r) for r in rows))
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers=exports.attachment(context, user, "members", "xlsx"),
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
        paid=members.member_paid_by_pool(context, principal, member_id),
        wallet=wallets.wallet(context, principal, member_id),
        history=history,
        older=history[-1].entry if len(history) == 20 else None,
        history_paged=before is not None,
        orders=orders.list_orders(context, principal, member_id, None, 20, None),
        withdrawals=wallets.list_withdrawals(context, principal, None, member_id, 20, None),
        can_issue=all(user.can(p) for p in ("members", "sell", "withdraw")),
        network=network,
        more_referees=network.referees[-1].id if len(network.referees) == REFEREES else None,
        rewards=rewards,
        older_rewards=rewards[-1].entry if len(rewards) == REWARDS else None,
        rewards_paged=rewards_before is not None,
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
) -> HTMLResponse:
    return _detail(
        request,
        context,
        user,
        member_id,
        before,
        referees_after=referees_after,
        rewards_before=rewards_before,
        values=None,
    )


@router.post(
    "/{member_id}", response_class=HTMLResponse, dependencies=[needs_form(Permission.MEMBERS)]
)
def change(
    request: Request, context: ContextDep, user: StaffDep, form: KeptDep, member_id: MemberId
) -> Response:
    values = form.values()
    try:
        form.check()  # a control character: refused at its field, what was typed kept
        body = build(
            MemberChange,
            {
                **{name: values.get(name) for name in EDITABLE},  # a blanked one removes it
                "real_name_verified": form.flag("real_name_verified"),
            },
        )
        members.change_member(context, user.principal, member_id, body)
    except DomainError as error:
        return _detail(
            request, context, user, member_id, None, STATUS[error.code], values=values, error=error
        )
    return see_other_with_notice(request, f"/console/members/{member_id}", "members.saved")


@router.post(
    "/{member_id}/referrer",
    response_class=HTMLResponse,
    dependencies=[needs_form(Permission.REASSIGN)],
)
def reassign(
    request: Request, context: ContextDep, user: StaffDep, form: KeptDep, member_id: MemberId
) -> Response:
    """Support moves the member to another referrer, with a reason (the audit log keeps
    it); the member's future orders only."""
    return _moved(request, context, user, form, member_id, members.reassign, "referrer")


@router.post(
    "/{member_id}/referees/referrer",
    response_class=HTMLResponse,
    dependencies=[needs_form(Permission.REASSIGN)],
)
def reassign_referees(
    request: Request, context: ContextDep, user: StaffDep, form: KeptDep, member_id: MemberId
) -> Response:
    """After a report (seed 000 举报): every direct member of this one moves to the
    reporter, with a reason (the audit log names each); future orders only."""
    return _moved(request, context, user, form, member_id, members.reassign_referees, "referees")


def _moved(
    request: Request,
    context: Context,
    user: Staff,
    form: Form,
    member_id: str,
    move: Callable[[Context, Principal, str, Reassignment], object],
    what: str,
) -> Response:
    """A re-assignment's form: the move, or the member's page again with the error beside
    the form it came from (`what`: referrer or referees)."""
    values = form.values()
    try:
        form.check()
        body = build(
            Reassignment, {"referrer": values.get("referrer", ""), "reason": values.get("reason")}
        )
        move(context, user.principal, member_id, body)
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
            failed=what,
            reassign_values=values if what == "referrer" else None,
            referees_values=values if what == "referees" else None,
        )
    return see_other_with_notice(request, f"/console/members/{member_id}", f"members.{what}_saved")


@router.post(
    "/{member_id}/page-token",
    response_class=HTMLResponse,
    dependencies=[needs_form(*PAGE_TOKEN, why=PAGE_TOKEN_WHY)],
)
def page_token(
    request: Request, context: ContextDep, user: StaffDep, form: PostedDep, member_id: MemberId
) -> HTMLResponse:
    """The member's own page, as the member would see it (a short-lived link)."""
    issued = member_access.issue_page_token(
        context, user.principal, member_id, PageTokenRequest(minutes=10)
    )
    return _detail(request, context, user, member_id, None, issued=issued, values=None)
