"""Subsidies and pauses: put operator money into a pool, stop or restart minting, each
with a reason that goes to the audit log."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse

from zengzhi.core.errors import DomainError
from zengzhi.deps import STATUS
from zengzhi.engine.fields import ID_PATTERN
from zengzhi.service import pools
from zengzhi.service.pools import SubsidyRequest
from zengzhi.web.console import page
from zengzhi.web.console.session import ContextDep, PostedDep, StaffDep
from zengzhi.web.pages import PageRoute, build, see_other

router = APIRouter(prefix="/console/pools", route_class=PageRoute, include_in_schema=False)

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
        # a fresh id in each form: the same form sent twice applies once
        request_id=f"console-{secrets.token_hex(8)}",
        **data,
    )


@router.get("", response_class=HTMLResponse)
def overview(
    request: Request, context: ContextDep, user: StaffDep, done: str | None = None
) -> HTMLResponse:
    return _page(request, context, user, done=done, values={})


@router.post("/{pool_id}/subsidy", response_class=HTMLResponse)
def subsidize(
    request: Request, context: ContextDep, user: StaffDep, form: PostedDep, pool_id: PoolId
) -> Response:
    values = form.values()
    try:
        body = build(
            SubsidyRequest,
            {
                "id": values.get("id", ""),
                "amount": values.get("amount", ""),
                "reason": values.get("reason") or None,
            },
        )
        pools.subsidize(context, user.principal, pool_id, body)
    except DomainError as error:
        return _page(
            request, context, user, STATUS[error.code], values=values, error=error, target=pool_id
        )
    return see_other(f"/console/pools?done=subsidy:{pool_id}")


@router.post("/{pool_id}/{action}", response_class=HTMLResponse)
def pause_or_resume(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    form: PostedDep,
    pool_id: PoolId,
    action: Annotated[str, Path(pattern="^(pause|resume)$")],
) -> Response:
    reason = form.optional("reason")
    try:
        pools.pause(context, user.principal, pool_id, action == "pause", reason)
    except DomainError as error:
        return _page(
            request,
            context,
            user,
            STATUS[error.code],
            values=form.values(),
            error=error,
            target=pool_id,
        )
    return see_other(f"/console/pools?done={action}:{pool_id}")
