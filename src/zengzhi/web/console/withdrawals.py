"""The finance queue: withdrawals by status, member and day, with the payee and what is
pending; approve, reject with a reason or mark paid one at a time or every one ticked
(select-all), and the bank's payout file of what the filters find; with a payout gateway,
send one to it, ask it what became of a transfer, or withdraw a WeChat Pay transfer the
payee has not confirmed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse, StreamingResponse

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.deps import STATUS, ContextDep
from zengzhi.engine.fields import ID_PATTERN
from zengzhi.service import gateway_payouts, wallets
from zengzhi.service.auth import Permission
from zengzhi.service.queries import console_withdrawals
from zengzhi.service.queries.console_withdrawals import STATUSES, WithdrawalSearch
from zengzhi.service.wallets import WithdrawalDecision
from zengzhi.web.console import exports, page
from zengzhi.web.console.session import KeptDep, PostedDep, StaffDep, needs_form
from zengzhi.web.pages import (
    PageRoute,
    build,
    local_path,
    page_numbers,
    read_refusal,
    searched,
    see_other_with_notice,
    see_other_with_refusal,
)

router = APIRouter(prefix="/console/withdrawals", route_class=PageRoute, include_in_schema=False)

FILTERS = ("status", "member", "since", "until")
MAX_BATCH = 200
WithdrawalId = Annotated[str, Path(pattern=ID_PATTERN)]


def _search(
    params: Mapping[str, str],
) -> tuple[WithdrawalSearch, dict[str, str], DomainError | None]:
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
    """The queue; after a refused rejection (`_refused`), once, with the refusal at the
    field it was typed in and what was sent kept, answered with the refusal's status."""
    carried = read_refusal(request)
    if carried is None:
        return _queue(request, context, user, request.query_params)
    refused, sent = carried
    return _queue(request, context, user, request.query_params, refused, sent)


def _queue(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    params: Mapping[str, str],
    refused: DomainError | None = None,
    sent: Mapping[str, Any] | None = None,
) -> HTMLResponse:
    """The queue with the filters of `params`; `refused`: a rejection refused (a reason
    left empty, a withdrawal paid meanwhile), shown at the reason field it was typed in
    (or above the list), with what was `sent` (the row or "batch" it came from, the
    reason typed, the rows ticked) kept."""
    asked, values, error = _search(params)
    found = console_withdrawals.find_withdrawals(context, user.principal, asked)
    carried = {k: v for k, v in values.items() if k != "status"}
    status = values.get("status", "held")
    failed = refused or error
    return page(
        request,
        user,
        "console/withdrawals.html",
        status=STATUS[failed.code] if failed else 200,
        error=error,
        refused=refused,
        sent=sent or {},
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
    asked, _, error = _search(request.query_params)
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


@router.post("/batch", dependencies=[needs_form(Permission.DECIDE_WITHDRAWALS)])
def batch(request: Request, context: ContextDep, user: StaffDep, form: KeptDep) -> Response:
    """Approve, reject (one reason for all) or mark paid every withdrawal ticked: each
    in its own unit of work, as if decided one by one (each in the audit log); those the
    service refuses are named on the page, the others are done."""
    ids = form.all("ids")[:MAX_BATCH]
    action = form.get("action")
    reason = form.get("reason")
    try:
        form.check()  # a control character: refused at its field, what was typed kept
        if action == "reject" and ids:  # one reason for all: refused once, at its field
            build(WithdrawalDecision, {"reason": reason})
    except DomainError as error:
        return _refused(request, form.get("back"), error, target="batch", reason=reason, ids=ids)
    done: list[str] = []
    refused: list[tuple[str, str]] = []
    if not ids:
        refused.append(("", "a batch needs at least one withdrawal ticked"))
    for withdrawal_id in ids:
        try:
            if action == "approve":
                _, now = wallets.approve_once(context, user.principal, withdrawal_id)
            elif action == "reject":
                decision = build(WithdrawalDecision, {"reason": reason})
                _, now = wallets.reject_once(context, user.principal, withdrawal_id, decision)
            elif action == "paid":
                _, now = wallets.mark_paid_once(context, user.principal, withdrawal_id)
            else:
                raise DomainError(
                    ErrorCode.INVALID, "must be one of approve, reject, paid", "action"
                )
            if now:
                done.append(withdrawal_id)
            else:
                # decided so before (another tab, or another operator at this very
                # moment: the withdrawal's row let one of them decide): the service
                # answers it as it is, and the page says nothing was done (nor this
                # reason kept) rather than counting it
                refused.append((withdrawal_id, DECIDED_BEFORE[action]))
        except DomainError as error:
            refused.append((withdrawal_id, error.message))
    target = local_path(form.get("back"), "/console/withdrawals")
    said = f"withdrawals.batch_{action}" if done else "withdrawals.batch_none"
    return see_other_with_notice(request, target, said, refused=refused, n=str(len(done)))


# what a batch says of a withdrawal the service found decided so already
DECIDED_BEFORE = {
    "approve": "had been approved before: nothing was done now",
    "reject": "had been rejected before: nothing was done now, the reason given was not recorded",
    "paid": "had been marked paid before: nothing was done now",
}


def _refused(request: Request, back: str, error: DomainError, **sent: Any) -> Response:
    """A rejection refused (the batch's or a row's): back to the queue the form was sent
    from (its `back`, with its filters) with GET, the refusal and what was `sent` carried
    to it once (pages.see_other_with_refusal). Answered to the POST, the page was the
    refusal, and reloading it asked the browser to send the form again."""
    target = local_path(back, "/console/withdrawals")
    return see_other_with_refusal(request, target, error, sent)


def _back(
    request: Request, form_back: str, decided: str, withdrawal_id: str, now: bool
) -> Response:
    """Back to the queue, saying the withdrawal was `decided` now, or (`now` False) that
    it had been before and nothing was done: the service's answer, not a status read
    before (two operators at once both read it undecided, and both were told they did
    it)."""
    target = local_path(form_back, "/console/withdrawals")
    said = "done" if now else "already"
    return see_other_with_notice(request, target, f"withdrawals.{said}_{decided}", id=withdrawal_id)


@router.post("/{withdrawal_id}/approve", dependencies=[needs_form(Permission.DECIDE_WITHDRAWALS)])
def approve(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    form: PostedDep,
    withdrawal_id: WithdrawalId,
) -> Response:
    _, now = wallets.approve_once(context, user.principal, withdrawal_id)
    return _back(request, form.get("back"), "approved", withdrawal_id, now)


@router.post("/{withdrawal_id}/reject", dependencies=[needs_form(Permission.DECIDE_WITHDRAWALS)])
def reject(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    form: KeptDep,
    withdrawal_id: WithdrawalId,
) -> Response:
    try:
        form.check()
        decision = build(WithdrawalDecision, {"reason": form.get("reason")})
        # refused by the service too (paid meanwhile): said on the queue, the reason kept
        _, now = wallets.reject_once(context, user.principal, withdrawal_id, decision)
    except DomainError as error:  # no reason: the queue again, said at the row's field
        reason = form.get("reason")
        return _refused(request, form.get("back"), error, target=withdrawal_id, reason=reason)
    return _back(request, form.get("back"), "rejected", withdrawal_id, now)


@router.post("/{withdrawal_id}/paid", dependencies=[needs_form(Permission.DECIDE_WITHDRAWALS)])
def paid(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    form: PostedDep,
    withdrawal_id: WithdrawalId,
) -> Response:
    _, now = wallets.mark_paid_once(context, user.principal, withdrawal_id)
    return _back(request, form.get("back"), "paid", withdrawal_id, now)


@router.post("/{withdrawal_id}/payout", dependencies=[needs_form(Permission.DECIDE_WITHDRAWALS)])
def send_payout(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    form: PostedDep,
    withdrawal_id: WithdrawalId,
) -> Response:
    """Send an approved withdrawal to the tenant's payout gateway (its adapter: WeChat
    Pay, Alipay, or the webhook adapter's payer)."""

    def send() -> tuple[str, str | None]:
        status = gateway_payouts.request_payout(context, user.principal, withdrawal_id).status
        return status, _last_said(context, user, withdrawal_id, status)

    return _at_gateway(request, form, withdrawal_id, "sent", send)


@router.post(
    "/{withdrawal_id}/payout/reconcile", dependencies=[needs_form(Permission.DECIDE_WITHDRAWALS)]
)
def reconcile_payout(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    form: PostedDep,
    withdrawal_id: WithdrawalId,
) -> Response:
    """Ask WeChat Pay or Alipay what became of the withdrawal's transfer, and record it."""

    def ask() -> tuple[str, str | None]:
        payout = gateway_payouts.reconcile(context, user.principal, withdrawal_id)
        return payout.status, payout.detail

    return _at_gateway(request, form, withdrawal_id, "asked", ask)


@router.post(
    "/{withdrawal_id}/payout/cancel", dependencies=[needs_form(Permission.DECIDE_WITHDRAWALS)]
)
def cancel_payout(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    form: PostedDep,
    withdrawal_id: WithdrawalId,
) -> Response:
    """Withdraw a WeChat Pay transfer the payee has not confirmed (撤销转账)."""

    def cancel() -> tuple[str, str | None]:
        payout = gateway_payouts.cancel(context, user.principal, withdrawal_id)
        return payout.status, payout.detail

    return _at_gateway(request, form, withdrawal_id, "cancelled", cancel)


def _last_said(context: ContextDep, user: StaffDep, withdrawal_id: str, status: str) -> str | None:
    """What WeChat Pay or Alipay said of a transfer sent back `approved` (refused for
    good): the finance user reads why before sending again or rejecting."""
    if status != "approved":
        return None
    return gateway_payouts.get_payout(context, user.principal, withdrawal_id).detail


def _at_gateway(
    request: Request,
    form: PostedDep,
    withdrawal_id: str,
    done: str,
    call: Callable[[], tuple[str, str | None]],
) -> Response:
    """Back to the queue, saying what the gateway's answer made of the withdrawal (paid;
    still paying, for a later query or the reconciliation job; approved again, with the
    gateway's words), or the service's refusal (not approved, no gateway, unreachable,
    the payee confirmed first), nothing having changed."""
    target = local_path(form.get("back"), "/console/withdrawals")
    try:
        status, detail = call()
    except DomainError as error:
        none = f"withdrawals.gateway_{done}_none"
        return see_other_with_notice(
            request, target, none, refused=[(withdrawal_id, error.message)]
        )
    # not paid, `approved` again: the gateway's own words (a wrong name, no balance,
    # never received) said as a refusal is, in the page's language where the catalogue
    # has them; a transfer withdrawn as asked is no refusal
    said = detail if status == "approved" and done != "cancelled" else None
    why = [(withdrawal_id, said)] if said else None
    return see_other_with_notice(
        request, target, f"withdrawals.gateway_{done}_{status}", refused=why, id=withdrawal_id
    )
