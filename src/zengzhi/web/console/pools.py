"""Subsidies and pauses: put operator money into a pool, stop or restart minting, each
with a reason that goes to the audit log; and money outside the pools: an advertiser's
income into a mode's reserve, the conversion of contribution balances (seeds 004 五,
002 三.2)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.deps import STATUS, ContextDep
from zengzhi.engine.fields import ID_PATTERN
from zengzhi.i18n import format as fmt
from zengzhi.rules.modes.common import MODES
from zengzhi.service import distribution, modes, pools
from zengzhi.service.auth import Permission
from zengzhi.service.distribution import Conversion
from zengzhi.service.modes import IncomeRequest
from zengzhi.service.pools import SubsidyRequest
from zengzhi.web.console import page
from zengzhi.web.console.session import KeptDep, StaffDep, needs_form
from zengzhi.web.pages import PageRoute, build, resent, see_other_with_notice

router = APIRouter(prefix="/console/pools", route_class=PageRoute, include_in_schema=False)

PAGE = "/console/pools"
PoolId = Annotated[str, Path(pattern=ID_PATTERN)]


def _page(
    request: Request, context: ContextDep, user: StaffDep, status: int = 200, **data: object
) -> HTMLResponse:
    return page(
        request,
        user,
        "console/pools.html",
        status=status,
        pools=pools.list_pools(context, user.principal),
        modes=MODES,
        # a fresh id for each form (each call): the same form sent twice applies once,
        # and another form of the page is never taken for it
        new_id=lambda: f"console-{secrets.token_hex(8)}",
        **data,
    )


@router.get("", response_class=HTMLResponse)
def overview(request: Request, context: ContextDep, user: StaffDep) -> HTMLResponse:
    return _page(request, context, user, values={})


@router.post(
    "/income", response_class=HTMLResponse, dependencies=[needs_form(Permission.SUBSIDIZE)]
)
def record_income(request: Request, context: ContextDep, user: StaffDep, form: KeptDep) -> Response:
    """An advertiser's payment into a zone's mode's reserve, with its source."""
    values = form.values()
    try:
        form.check()  # a control character: refused at its field, what was typed kept
        if not values.get("zone", "").strip():  # not 未知专区 '' (404)
            raise DomainError(ErrorCode.INVALID, "is required", "zone")
        body = build(
            IncomeRequest,
            {k: values.get(k, "") for k in ("id", "mode", "amount", "source")},
        )
        made, now = modes.record_income_once(context, user.principal, values.get("zone", ""), body)
    except DomainError as refused:
        error = resent(refused)
        return _page(
            request, context, user, STATUS[error.code], values=values, error=error, target="income"
        )
    if not now:
        return see_other_with_notice(request, PAGE, "pools.already_applied")
    return see_other_with_notice(
        request,
        PAGE,
        "pools.done_income",
        pool=values.get("zone", ""),
        amount=fmt.money(made["amount"]),  # what was booked, as every amount reads
    )


@router.post(
    "/conversion", response_class=HTMLResponse, dependencies=[needs_form(Permission.SUBSIDIZE)]
)
def convert(request: Request, context: ContextDep, user: StaffDep, form: KeptDep) -> Response:
    """Contribution balances into cash, shares or points at a stated rate, with a reason;
    the members named (one a line), or every holder."""
    values = form.values()
    try:
        form.check()
        members = [one.strip() for one in values.get("members", "").split() if one.strip()]
        body = build(
            Conversion,
            {
                "id": values.get("id", ""),
                "into": values.get("into", ""),
                "rate": values.get("rate", ""),
                "reason": values.get("reason", ""),
                "members": members,
                "pool": values.get("pool") or None,
            },
        )
        done, now = distribution.convert_contributions_once(context, user.principal, body)
    except DomainError as refused:
        error = resent(refused)
        return _page(
            request,
            context,
            user,
            STATUS[error.code],
            values=values,
            error=error,
            target="conversion",
        )
    if not now:
        return see_other_with_notice(request, PAGE, "pools.already_applied")
    return see_other_with_notice(request, PAGE, "pools.done_conversion", pool=str(len(done)))


@router.post(
    "/{pool_id}/subsidy",
    response_class=HTMLResponse,
    dependencies=[needs_form(Permission.SUBSIDIZE)],
)
def subsidize(
    request: Request, context: ContextDep, user: StaffDep, form: KeptDep, pool_id: PoolId
) -> Response:
    values = form.values()
    try:
        form.check()
        body = build(
            SubsidyRequest,
            {
                "id": values.get("id", ""),
                "amount": values.get("amount", ""),
                "reason": values.get("reason") or None,
            },
        )
        made, now = pools.subsidize_once(context, user.principal, pool_id, body)
    except DomainError as refused:
        error = resent(refused)
        return _page(
            request,
            context,
            user,
            STATUS[error.code],
            values=values,
            error=error,
            target=pool_id,
            sent="subsidy",
        )
    if not now:
        return see_other_with_notice(request, PAGE, "pools.already_applied")
    return see_other_with_notice(
        request, PAGE, "pools.done_subsidy", pool=pool_id, amount=fmt.money(made["amount"])
    )


@router.post(
    "/{pool_id}/{action}",
    response_class=HTMLResponse,
    dependencies=[needs_form(Permission.CONFIGURE)],
)
def pause_or_resume(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    form: KeptDep,
    pool_id: PoolId,
    action: Annotated[str, Path(pattern="^(pause|resume)$")],
) -> Response:
    reason = form.optional("reason")
    pausing = action == "pause"
    try:
        form.check()
        if not pools.pause_once(context, user.principal, pool_id, pausing, reason)[1]:
            # a stale form: the pool was paused (or resumed) since the page was shown.
            # Done again, it was audited twice, the second time with this reason, and
            # said done; nothing is done, and what was typed is shown back.
            raise DomainError(ErrorCode.CONFLICT, STALE[action].format(pool_id), None)
    except DomainError as error:
        stale = error.code == ErrorCode.CONFLICT and error.message == STALE[action].format(pool_id)
        return _page(
            request,
            context,
            user,
            STATUS[error.code],
            values=form.values(),
            error=error,
            target=pool_id,
            # stale: the reason kept apart from the form now shown, which does the
            # opposite (a pause's reason in the resume form, one click from being
            # recorded for a resume)
            sent="stale" if stale else "pause",
            kept_reason=reason if stale else None,
        )
    return see_other_with_notice(request, PAGE, f"pools.done_{action}", pool=pool_id)


STALE = {
    "pause": (
        "minting in pool {} was paused since this page was shown (by someone else):"
        " nothing was done now, and the reason typed was not recorded"
    ),
    "resume": (
        "minting in pool {} was resumed since this page was shown (by someone else):"
        " nothing was done now, and the reason typed was not recorded"
    ),
}
