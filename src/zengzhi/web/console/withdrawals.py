"""The finance queue: withdrawals by status, a page at a time; approve, reject with a
reason, mark paid."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse

from zengzhi.deps import After, Status
from zengzhi.engine.fields import ID_PATTERN
from zengzhi.service import wallets
from zengzhi.service.wallets import WithdrawalDecision
from zengzhi.web.console import page
from zengzhi.web.console.session import ContextDep, PostedDep, StaffDep
from zengzhi.web.pages import PageRoute, build, local_path, see_other

router = APIRouter(prefix="/console/withdrawals", route_class=PageRoute, include_in_schema=False)

PAGE = 50
STATUSES = ("held", "approved", "paid", "rejected")
WithdrawalId = Annotated[str, Path(pattern=ID_PATTERN)]


@router.get("", response_class=HTMLResponse)
def queue(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    status: Status = "held",
    after: After = None,
    done: str | None = None,
) -> HTMLResponse:
    shown = None if status == "all" else status
    found = wallets.list_withdrawals(context, user.principal, shown, None, PAGE, after)
    return page(
        request,
        user,
        "console/withdrawals.html",
        status_filter=status or "all",
        statuses=STATUSES,
        found=found,
        done=done,
        next_after=found[-1].id if len(found) == PAGE else None,
        back=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    )


def _back(form_back: str, decided: str, withdrawal_id: str) -> Response:
    target = local_path(form_back, "/console/withdrawals")
    joiner = "&" if "?" in target else "?"
    return see_other(f"{target}{joiner}done={decided}:{withdrawal_id}")


@router.post("/{withdrawal_id}/approve")
def approve(
    context: ContextDep, user: StaffDep, form: PostedDep, withdrawal_id: WithdrawalId
) -> Response:
    wallets.approve(context, user.principal, withdrawal_id)
    return _back(form.get("back"), "approved", withdrawal_id)


@router.post("/{withdrawal_id}/reject")
def reject(
    context: ContextDep, user: StaffDep, form: PostedDep, withdrawal_id: WithdrawalId
) -> Response:
    decision = build(WithdrawalDecision, {"reason": form.optional("reason")})
    wallets.reject(context, user.principal, withdrawal_id, decision)
    return _back(form.get("back"), "rejected", withdrawal_id)


@router.post("/{withdrawal_id}/paid")
def paid(
    context: ContextDep, user: StaffDep, form: PostedDep, withdrawal_id: WithdrawalId
) -> Response:
    wallets.mark_paid(context, user.principal, withdrawal_id)
    return _back(form.get("back"), "paid", withdrawal_id)
