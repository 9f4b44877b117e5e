"""Orders: find one by id, member, store, status or day; read its lines, its split and
every movement it caused (what it minted and paid, to whom); refund a paid order before
it completes, or reverse a completed one, with a reason, which the audit log keeps; and
record that a payment which came after the order's cancel was returned to the buyer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.deps import STATUS, ContextDep
from zengzhi.engine.fields import ID_PATTERN
from zengzhi.service import orders, payments
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.payments import OwedBackReturn
from zengzhi.service.queries import console_orders
from zengzhi.service.queries.console_orders import STATUSES, OrderSearch
from zengzhi.web.console import page
from zengzhi.web.console.session import KeptDep, StaffDep, needs_form
from zengzhi.web.pages import PageRoute, build, page_numbers, searched, see_other_with_notice

router = APIRouter(prefix="/console/orders", route_class=PageRoute, include_in_schema=False)

OrderId = Annotated[str, Path(pattern=ID_PATTERN)]


@router.get("", response_class=HTMLResponse)
def search(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    # the search's text fields are checked by OrderSearch, refused at their field with the
    # form kept (a length here answered the error page, the form and what was typed gone)
    id: str | None = None,
    member: str | None = None,
    store: str | None = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    since: Annotated[str | None, Query(max_length=10)] = None,
    until: Annotated[str | None, Query(max_length=10)] = None,
    page_number: Annotated[int, Query(alias="page", ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    asked = {"id": id, "member": member, "store": store, "status": status}
    asked |= {"since": since, "until": until}
    values = searched(asked)
    error = None
    try:
        found = console_orders.find_orders(
            context, user.principal, build(OrderSearch, {**values, "page": page_number})
        )
    except DomainError as refused:
        error = refused
        found = console_orders.find_orders(context, user.principal, OrderSearch())
    query = "&".join(f"{key}={value}" for key, value in values.items())
    return page(
        request,
        user,
        "console/orders.html",
        status=STATUS[error.code] if error else 200,
        found=found,
        values=values,
        error=error,
        statuses=STATUSES,
        query=query,
        pages=page_numbers(found.page, found.pages),
    )


def _detail(
    request: Request, context: Any, user: Any, order_id: str, status: int = 200, **more: Any
) -> HTMLResponse:
    found = console_orders.order_detail(context, user.principal, order_id)
    return page(
        request, user, "console/order.html", status=status, detail=found, order=found.order, **more
    )


@router.get("/{order_id}", response_class=HTMLResponse)
def detail(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    order_id: OrderId,
) -> HTMLResponse:
    return _detail(request, context, user, order_id)


@router.post(
    "/{order_id}/reverse", response_class=HTMLResponse, dependencies=[needs_form(Permission.ORDERS)]
)
def reverse(
    request: Request, context: ContextDep, user: StaffDep, form: KeptDep, order_id: OrderId
) -> Response:
    """The owner reverses a completed order (a refund after completion): what it minted
    is taken back or owed; the reason goes to the audit log."""
    needed = "a reversal needs a reason"
    return _with_reason(
        request, context, user, form, order_id, orders.reverse_once, needed, "reversed"
    )


@router.post(
    "/{order_id}/refund", response_class=HTMLResponse, dependencies=[needs_form(Permission.ORDERS)]
)
def refund(
    request: Request, context: ContextDep, user: StaffDep, form: KeptDep, order_id: OrderId
) -> Response:
    """A paid order refunded before it completes (in its return window): nothing had
    moved, so nothing is undone; the reason goes to the audit log."""
    needed = "a refund needs a reason"
    return _with_reason(
        request, context, user, form, order_id, orders.refund_once, needed, "refunded"
    )


def _with_reason(
    request: Request,
    context: Any,
    user: Any,
    form: Any,
    order_id: str,
    step: Callable[[Any, Principal, str, str], tuple[Any, bool]],
    needed: str,
    done: str,
) -> Response:
    """An order's step the console takes only with a reason (kept by the audit log)."""
    reason = form.get("reason")
    try:
        # a tab opened before someone else took this step: the service answers the order
        # as it is, and the page says so rather than that this reason did it
        before = console_orders.order_detail(context, user.principal, order_id).order.status
        if before == done:  # whatever reason was typed (none, too long): nothing to do
            said = f"orders.{done}_already"
            return see_other_with_notice(request, f"/console/orders/{order_id}", said, id=order_id)
        form.check()  # a control character: refused at its field, what was typed kept
        if not reason:
            raise DomainError(ErrorCode.INVALID, needed, "reason")
        # two operators at once (two tabs, two servers): both read it not yet taken, and
        # the order's row lets one take it; the other is told so, not that it did it
        _, now = step(context, user.principal, order_id, reason)
    except DomainError as error:
        return _detail(
            request,
            context,
            user,
            order_id,
            STATUS[error.code],
            error=error,
            values={"reason": reason},
        )
    said = f"orders.{done}_done" if now else f"orders.{done}_already"
    return see_other_with_notice(request, f"/console/orders/{order_id}", said, id=order_id)


@router.post(
    "/{order_id}/owed-back/returned",
    response_class=HTMLResponse,
    dependencies=[needs_form(Permission.ORDERS)],
)
def owed_back_returned(
    request: Request, context: ContextDep, user: StaffDep, form: KeptDep, order_id: OrderId
) -> Response:
    """The money a gateway's payment after the cancel, or a second payment, owes back to
    the buyer was returned at the gateway: recorded once, with an optional note (the
    gateway's refund number), which the audit log keeps. Sent again, or by two
    operators at once, the service's answer says whether this form recorded it; the
    page says it was recorded before and that this note was not kept."""
    note = form.get("note")
    try:
        form.check()  # a control character: refused at its field, what was typed kept
        asked = build(OwedBackReturn, {"note": note or None})
        _, now = payments.return_owed_back_once(context, user.principal, order_id, asked)
    except DomainError as error:
        return _detail(
            request,
            context,
            user,
            order_id,
            STATUS[error.code],
            error=error,
            values={"note": note},
        )
    said = "orders.owed_back_returned_done" if now else "orders.owed_back_returned_already"
    return see_other_with_notice(request, f"/console/orders/{order_id}", said, id=order_id)
