"""The member page (mobile first): points, price and value, progress to the exit cap,
selling with the payout shown before confirming, the wallet and withdrawals, my rewards
and queues (today's ad task, what each companion mode still owes, each queued credit's
place and expected day), and the referral link with its QR code, in plain words.

The integrator's app opens `/m/enter#token=…` with a page token it asked for. The token
is after `#`, which a browser never sends to a server (no access log, no proxy sees it):
the page at /m/enter reads it with a script of this site, clears the address bar and
posts it with a one-time value that the page set in a SameSite=Strict cookie, so that no
other site can sign a browser in to a member's page of its choosing (login CSRF); only
then does the token go into a cookie for /m. A section that a later mode brings is one
more template and one more entry in `_sections`.
"""

from __future__ import annotations

import hmac
import io
import re
import secrets
from collections.abc import Mapping, Sequence
from typing import Annotated, Any
from urllib.parse import urlencode

import segno
from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.deps import STATUS, Before, ContextDep, in_thread
from zengzhi.i18n import Translator
from zengzhi.i18n import format as fmt
from zengzhi.rules.pool import DEFAULT_POOL
from zengzhi.service import member_access, pools
from zengzhi.service.base import Context
from zengzhi.service.member_access import (
    Member,
    MemberWithdrawalRequest,
    SaleRequest,
    WithdrawalQuote,
    WithdrawalQuoteRequest,
)
from zengzhi.service.members import SaleQuoteRequest, SaleView
from zengzhi.web.pages import (
    MEMBER_COOKIE,
    Form,
    PageRoute,
    SignInRequired,
    build,
    check_csrf,
    csrf_token,
    delete_session_cookie,
    language,
    read_form,
    render,
    same_origin,
    see_other,
    see_other_with_notice,
    set_session_cookie,
)

COOKIE = MEMBER_COOKIE
ENTER_COOKIE = "zz_enter"  # the one-time value of the entering page
PATH = "/m"

router = APIRouter(prefix=PATH, route_class=PageRoute, include_in_schema=False)


async def signed_in(request: Request, context: ContextDep) -> Member:
    token = request.cookies.get(COOKIE)
    if not token:
        raise SignInRequired("member")
    try:
        return await in_thread(member_access.read_page_token, context, token)
    except DomainError:
        raise SignInRequired("member") from None


MemberDep = Annotated[Member, Depends(signed_in)]


async def posted(
    request: Request,
    context: ContextDep,
    member: MemberDep,
    form: Annotated[Form, Depends(read_form)],
) -> Form:
    check_csrf(context, form, request.cookies.get(COOKIE, ""))
    return form


PostedDep = Annotated[Form, Depends(posted)]


def _page(
    request: Request,
    context: Context,
    member: Member,
    template: str,
    status: int = 200,
    **data: Any,
) -> HTMLResponse:
    token = request.cookies.get(COOKIE, "")
    csrf = csrf_token(context, token)
    data.setdefault("me", member_access.me(context, member))  # the header names the tenant
    return render(
        request, template, status=status, tenant=member.tenant, csrf=csrf, consumer=True, **data
    )


@router.get("/enter")
def enter_page(request: Request) -> Response:
    """The page the app opens; its script posts the token found after `#`. A token in
    the query string is never taken (it would be in every access log on its way)."""
    nonce = secrets.token_urlsafe(24)
    response = render(request, "member/enter.html", nonce=nonce)
    set_session_cookie(
        response, request, ENTER_COOKIE, nonce, f"{PATH}/enter", 300, samesite="strict"
    )
    return response


@router.post("/enter")
def enter(
    request: Request, context: ContextDep, form: Annotated[Form, Depends(read_form)]
) -> Response:
    same_origin(request)
    nonce = request.cookies.get(ENTER_COOKIE, "")
    if not nonce or not hmac.compare_digest(nonce.encode(), form.get("nonce").encode()):
        raise DomainError(ErrorCode.FORBIDDEN, "open the member page again from the app", "nonce")
    token = form.get("token")
    try:
        member_access.read_page_token(context, token)
    except DomainError:
        return render(request, "member/expired.html", status=401)
    response = see_other(PATH)
    set_session_cookie(response, request, COOKIE, token, PATH, 24 * 3600)
    delete_session_cookie(response, request, ENTER_COOKIE, f"{PATH}/enter")
    return response


@router.post("/logout", response_class=HTMLResponse)
def logout(request: Request, context: ContextDep, form: PostedDep) -> Response:
    """The member signs out: the token ends in the database, not only in this browser."""
    member_access.sign_out(context, request.cookies.get(COOKIE, ""))
    response = render(request, "member/expired.html", signed_out=True)
    delete_session_cookie(response, request, COOKIE, PATH)
    return response


def pool_labels(shown: Sequence[str], names: Mapping[str, str], t: Translator) -> dict[str, str]:
    """What the member page calls each of the pools it shows (`shown`, in its order): the
    name the platform gives it (`member_page.pool_names`); with none, the main pool "the
    main pool" (主积分池) and any other "the points pool" (积分池), numbered in the page's
    order when the member has several such (积分池 1, 积分池 2). A member never reads a
    pool's id, the operator's code ("您在 p2 的积分"). A name of spaces alone is none
    (it read "Your points in    ")."""
    names = {pool: name.strip() for pool, name in names.items()}
    unnamed = [pool for pool in shown if not names.get(pool) and pool != DEFAULT_POOL]
    labels = {}
    for pool in shown:
        if names.get(pool):
            labels[pool] = names[pool]
        elif pool == DEFAULT_POOL:
            labels[pool] = t("member.main_pool")
        elif len(unnamed) == 1:
            labels[pool] = t("member.unnamed_pool")
        else:
            labels[pool] = t("member.unnamed_pool_numbered", n=unnamed.index(pool) + 1)
    return labels


def _sections(context: Context, member: Member, t: Translator) -> dict[str, Any]:
    """Everything the home page shows, section by section."""
    me = member_access.me(context, member)
    positions = member_access.positions(context, member)
    params = {p.id: p.params for p in pools.list_pools(context, member.principal)}
    wallet = member_access.wallet(context, member)
    return {
        "me": me,
        "positions": positions,
        "pool_labels": pool_labels([p.pool for p in positions], me.pool_names, t),
        "paid": member_access.paid_by_pool(context, member),
        "params": params,
        "wallet": wallet,
        # what opened the debt: a debt opened with no money out of the wallet (points
        # taken back after they were spent, paid in cash) is in no wallet movement
        "debts": member_access.debt_explained(context, member, wallet.debt),
        "history": member_access.wallet_history(context, member, 10, None),
        "withdrawals": member_access.withdrawals(context, member, 10),
        "settled": member_access.debt_settled(context, member),
        "to_confirm": member_access.waiting_for_me(context, member),
        "holdings": member_access.mode_holdings(context, member),
        "refer": member_access.refer_three_places(context, member),
    }


@router.get("", response_class=HTMLResponse)
def home(request: Request, context: ContextDep, member: MemberDep) -> HTMLResponse:
    sections = _sections(context, member, Translator(language(request)))
    return _page(request, context, member, "member/home.html", **sections)


def _home_with_error(
    request: Request,
    context: Context,
    member: Member,
    error: DomainError,
    form: str,
    values: dict[str, str],
) -> HTMLResponse:
    error = _to_the_member(error, member)
    return _page(
        request,
        context,
        member,
        "member/home.html",
        status=STATUS[error.code],
        error=error,
        failed_form=form,
        values=values,
        **_sections(context, member, Translator(language(request))),
    )


HOLDS = re.compile(r"cannot sell (\S+) points: (\S+) holds (\S+)")
HOLDS_NONE = re.compile(r"(\S+) holds no points in pool (\S+)")


def _to_the_member(error: DomainError, member: Member) -> DomainError:
    """A refusal as the member reads it: the service names the member by its id (for
    operators' and integrators' logs), which the member never sees; here it is "you"."""
    found = HOLDS.fullmatch(error.message)
    if found and found.group(2) == member.member:
        said = f"cannot sell {found.group(1)} points: you hold {found.group(3)}"
        return DomainError(error.code, said, error.field)
    none = HOLDS_NONE.fullmatch(error.message)
    if none and none.group(1) == member.member:  # said at that pool's form: no id named
        return DomainError(error.code, "you hold no points in this pool now", error.field)
    if error.message == UNVERIFIED:  # "the member must…": the member was told of itself
        return DomainError(error.code, YOUR_REAL_NAME, error.field)
    return error


UNVERIFIED = "the member must verify their real name first"
YOUR_REAL_NAME = (
    "withdrawals need your real name verified first: verify it where you shop"
    " (in the shop's app or account settings), then withdraw"
)


# A quote is shown at an address of its own that names the confirmation's request id:
# Back after confirming comes to the same quote and the same id (a repeat, applied
# once), not to a form the browser offers to post again under a new id.
REQUEST_ID = re.compile(r"[0-9a-f]{24}")


def _quoted(path: str, **asked: str) -> Response:
    return see_other(f"{PATH}{path}?{urlencode(asked | {'req': secrets.token_hex(12)})}")


def _request_id(request: Request) -> str | None:
    given = request.query_params.get("req", "")
    return given if REQUEST_ID.fullmatch(given) else None


def _sale_quote(context: Context, member: Member, pool: str, points: str) -> SaleView:
    body = build(SaleQuoteRequest, {"pool": pool, "points": points})
    if body.points == "":
        raise DomainError(ErrorCode.INVALID, "is required", "points")
    return member_access.quote_sale(context, member, body)


def _made_before(error: DomainError) -> bool:
    """The confirmation's id was used already, with other figures: the quote reloaded
    after confirming (Back) quotes at the price the confirmation left. Nothing more was
    done, and what the member asked for was done then."""
    return error.code == ErrorCode.CONFLICT and error.field == "id"


@router.post("/sell/quote", response_class=HTMLResponse)
def quote_sale(
    request: Request, context: ContextDep, member: MemberDep, form: PostedDep
) -> Response:
    points = "all" if form.get("all") else form.get("points")
    try:
        _sale_quote(context, member, form.get("pool"), points)
    except DomainError as error:
        where = f"sell-{form.get('pool')}"
        return _home_with_error(request, context, member, error, where, form.values())
    return _quoted("/sell/quote", pool=form.get("pool"), points=points)


@router.get("/sell/quote", response_class=HTMLResponse)
def sale_quote(request: Request, context: ContextDep, member: MemberDep) -> Response:
    asked = request.query_params
    request_id = _request_id(request)
    if request_id is None:
        return see_other(PATH)
    try:
        quote = _sale_quote(context, member, asked.get("pool", ""), asked.get("points", ""))
    except DomainError as error:
        where = f"sell-{asked.get('pool', '')}"
        return _home_with_error(request, context, member, error, where, {})
    return _page(
        request,
        context,
        member,
        "member/sell.html",
        quote=quote,
        request_id=request_id,
        asked=asked.get("points", ""),
    )


@router.post("/sell", response_class=HTMLResponse)
def sell(request: Request, context: ContextDep, member: MemberDep, form: PostedDep) -> Response:
    try:
        body = build(
            SaleRequest,
            {
                "id": form.get("id"),
                "pool": form.get("pool"),
                "points": form.get("points"),
                "min_payout": form.get("min_payout"),
            },
        )
        sale, now = member_access.sell_once(context, member, body)
    except DomainError as error:
        if _made_before(error):
            return see_other_with_notice(request, PATH, "member.already_sold")
        return _home_with_error(request, context, member, error, f"sell-{form.get('pool')}", {})
    if not now:
        return see_other_with_notice(request, PATH, "member.already_sold")
    return see_other_with_notice(request, PATH, "member.done_sold", amount=fmt.money(sale.payout))


def _withdrawal_quote(context: Context, member: Member, amount: str) -> WithdrawalQuote:
    body = build(WithdrawalQuoteRequest, {"amount": amount})
    return member_access.quote_withdrawal(context, member, body)


@router.post("/withdraw/quote", response_class=HTMLResponse)
def quote_withdrawal(
    request: Request, context: ContextDep, member: MemberDep, form: PostedDep
) -> Response:
    try:
        _withdrawal_quote(context, member, form.get("amount"))
    except DomainError as error:
        return _home_with_error(request, context, member, error, "withdraw", form.values())
    return _quoted("/withdraw/quote", amount=form.get("amount"))


@router.get("/withdraw/quote", response_class=HTMLResponse)
def withdrawal_quote(request: Request, context: ContextDep, member: MemberDep) -> Response:
    request_id = _request_id(request)
    if request_id is None:
        return see_other(PATH)
    try:
        quote = _withdrawal_quote(context, member, request.query_params.get("amount", ""))
    except DomainError as error:
        return _home_with_error(request, context, member, error, "withdraw", {})
    return _page(
        request, context, member, "member/withdraw.html", quote=quote, request_id=request_id
    )


@router.post("/withdraw", response_class=HTMLResponse)
def withdraw(request: Request, context: ContextDep, member: MemberDep, form: PostedDep) -> Response:
    try:
        asked = {"id": form.get("id"), "amount": form.get("amount")}
        body = build(MemberWithdrawalRequest, asked | {"max_fee": form.optional("max_fee")})
        made, now = member_access.withdraw_once(context, member, body)
    except DomainError as error:
        if _made_before(error):
            return see_other_with_notice(request, PATH, "member.already_withdrawn")
        return _home_with_error(request, context, member, error, "withdraw", {})
    if not now:
        return see_other_with_notice(request, PATH, "member.already_withdrawn")
    return see_other_with_notice(
        request, PATH, "member.done_withdrawn", amount=fmt.money(made.amount)
    )


@router.get("/history", response_class=HTMLResponse)
def history(
    request: Request, context: ContextDep, member: MemberDep, before: Before = None
) -> HTMLResponse:
    found = member_access.wallet_history(context, member, 50, before)
    return _page(
        request,
        context,
        member,
        "member/history.html",
        history=found,
        older=found[-1].entry if len(found) == 50 else None,
        paged=before is not None,
    )


@router.get("/referral.svg")
def referral_code(context: ContextDep, member: MemberDep) -> Response:
    link = member_access.me(context, member).referral_link
    if link is None:
        raise DomainError(ErrorCode.NOT_FOUND, "this platform has no referral link", "link")
    svg = io.BytesIO()
    segno.make(link, error="m").save(svg, kind="svg", scale=4, border=2, dark="#000", light="#fff")
    return Response(svg.getvalue(), media_type="image/svg+xml")
