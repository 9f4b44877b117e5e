"""The finance queue: withdrawals by status, member and day, with the payee and what is
pending; approve, reject with a reason or mark paid one at a time or every one ticked
(select-all), and the bank's payout file of what the filters find."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse, StreamingResponse

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.deps import STATUS, ContextDep
from zengzhi.engine.fields import ID_PATTERN
from zengzhi.service import wallets
from zengzhi.service.queries import console_withdrawals
from zengzhi.service.queries.console_withdrawals import STATUSES, WithdrawalSearch
from zengzhi.service.wallets import WithdrawalDecision
from zengzhi.web.console import exports, page
from zengzhi.web.console.session import PostedDep, StaffDep
from zengzhi.web.pages import (
    PageRoute,
    build,
    local_path,
    page_numbers,
    searched,
    see_other_with_notice,
)

router = APIRouter(prefix="/console/withdrawals", route_class=PageRoute, include_in_schema=False)

FILTERS = ("status", "member", "since", "until")
MAX_BATCH = 200
WithdrawalId = Annotated[str, Path(pattern=ID_PATTERN)]


def _search(request: Request) -> tuple[WithdrawalSearch, dict[str, str], DomainError | None]:
    params = request.query_params
    values = searched({k: params.get(k) for k in FILTERS})
    status = values.get("status", "held")
    asked = {
        **values,
        "status": status,
        "page": params.get("page", "1"),
    }
    try:
        return build(WithdrawalSearch, asked), values, None
    except DomainError as error:
        if error.field == "page":
            raise
        return WithdrawalSearch(), values, error


@router.get("", response_class=HTMLResponse)
def queue(request: Request, context: ContextDep, user: StaffDep) -> HTMLResponse:
    asked, values, error = _search(request)
    found = console_withdrawals.find_withdrawals(context, user.principal, asked)
    carried = {k: v for k, v in values.items() if k != "status"}
    status = values.get("status", "held")
    return page(
        request,
        user,
        "console/withdrawals.html",
        status=STATUS[error.code] if error else 200,
        error=error,
        values=values,
        status_filter=status,
        statuses=STATUSES,
        found=found,
        filters=urlencode(carried),
        here_query=urlencode({**carried, "status": status}),
        pages=page_numbers(found.page, found.pages),
        back=request.url.path + "?" + urlencode({**carried, "status": status}),
    )


@router.get("/export.csv")
def export_csv(request: Request, context: ContextDep, user: StaffDep) -> StreamingResponse:
    """The withdrawals the queue's filters find, oldest first, for the bank's payout
    file: the payee, whether their real name is verified, and what to pay."""
    asked, _, error = _search(request)
    if error:
        raise error
    rows = console_withdrawals.every_withdrawal(context, user.principal, asked)
    return exports.csv_download(
        context,
        user,
        "withdrawals",
        exports.WITHDRAWAL_HEADINGS,
        (exports.withdrawal_cells(r) for r in rows),
    )


@router.post("/batch")
def batch(request: Request, context: ContextDep, user: StaffDep, form: PostedDep) -> Response:
    """Approve, reject (one reason for all) or mark paid every withdrawal ticked: each
    in its own unit of work, as if decided one by one (each in the audit log); those the
    service refuses are named on the page, the others are done."""
    ids = form.all("ids")[:MAX_BATCH]
    action = form.get("action")
    reason = form.optional("reason")
    done: list[str] = []
    refused: list[tuple[str, str]] = []
    if not ids:
        refused.append(("", "a batch needs at least one withdrawal ticked"))
    for withdrawal_id in ids:
        try:
            if BEFORE.get(action) == _status(context, user, withdrawal_id):
                # decided so from another tab: the service answers it as it is; the page
                # says nothing was done (nor this reason kept) rather than counting it
                refused.append((withdrawal_id, DECIDED_BEFORE[action]))
                continue
            if action == "approve":
                wallets.approve(context, user.principal, withdrawal_id)
            elif action == "reject":
                decision = build(WithdrawalDecision, {"reason": reason})
                wallets.reject(context, user.principal, withdrawal_id, decision)
            elif action == "paid":
                wallets.mark_paid(context, user.principal, withdrawal_id)
            else:
                raise DomainError(
                    ErrorCode.INVALID, "must be one of approve, reject, paid", "action"
                )
            done.append(withdrawal_id)
        except DomainError as error:
            refused.append((withdrawal_id, error.message))
    target = local_path(form.get("back"), "/console/withdrawals")
    said = f"withdrawals.batch_{action}" if done else "withdrawals.batch_none"
    return see_other_with_notice(request, target, said, refused=refused, n=str(len(done)))


# the status a decision leaves, and what a batch says of one found so already
BEFORE = {"approve": "approved", "reject": "rejected", "paid": "paid"}
DECIDED_BEFORE = {
    "approve": "had been approved before: nothing was done now",
    "reject": "had been rejected before: nothing was done now, the reason given was not recorded",
    "paid": "had been marked paid before: nothing was done now",
}


def _status(context: ContextDep, user: StaffDep, withdrawal_id: str) -> str:
    return str(wallets.get_withdrawal(context, user.principal, withdrawal_id).status)


def _back(
    request: Request, form_back: str, decided: str, withdrawal_id: str, before: str = ""
) -> Response:
    target = local_path(form_back, "/console/withdrawals")
    said = "already" if before == decided else "done"
    return see_other_with_notice(request, target, f"withdrawals.{said}_{decided}", id=withdrawal_id)


@router.post("/{withdrawal_id}/approve")
def approve(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    form: PostedDep,
    withdrawal_id: WithdrawalId,
) -> Response:
    before = _status(context, user, withdrawal_id)
    wallets.approve(context, user.principal, withdrawal_id)
    return _back(request, form.get("back"), "approved", withdrawal_id, before)


@router.post("/{withdrawal_id}/reject")
def reject(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    form: PostedDep,
    withdrawal_id: WithdrawalId,
) -> Response:
    decision = build(WithdrawalDecision, {"reason": form.optional("reason")})
    before = _status(context, user, withdrawal_id)
    wallets.reject(context, user.principal, withdrawal_id, decision)
    return _back(request, form.get("back"), "rejected", withdrawal_id, before)


@router.post("/{withdrawal_id}/paid")
def paid(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    form: PostedDep,
    withdrawal_id: WithdrawalId,
) -> Response:
    before = _status(context, user, withdrawal_id)
    wallets.mark_paid(context, user.principal, withdrawal_id)
    return _back(request, form.get("back"), "paid", withdrawal_id, before)
