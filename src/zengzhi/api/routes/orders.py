"""Orders: create (idempotent by the integrator's id), pay, complete, cancel, refund,
reverse; record the money a payment after the cancel, or a second payment, owed back as
returned to the buyer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from zengzhi.api.routing import StrictJSONRoute
from zengzhi.deps import (
    After,
    ContextDep,
    LanguageDep,
    Limit,
    OrderStatusFilter,
    PathId,
    PrincipalDep,
    needs,
)
from zengzhi.engine.fields import ID_PATTERN
from zengzhi.i18n import translate_message
from zengzhi.service import orders, payments
from zengzhi.service.auth import Permission
from zengzhi.service.orders import BatchItem, NewOrder, OrderBatch
from zengzhi.service.payments import OwedBackReturn, OwedBackReturned
from zengzhi.service.queries.orders import OrderView

router = APIRouter(prefix="/v1/orders", tags=["orders"], route_class=StrictJSONRoute)


@router.post("", status_code=201, response_model=OrderView, dependencies=[needs(Permission.ORDERS)])
def create_order(
    context: ContextDep, principal: PrincipalDep, body: NewOrder, response: Response
) -> OrderView:
    """201 for a new order; 200 with the first answer when the same order comes again;
    409 when the id comes again with other contents. With `"pay": true` it is paid in the
    same command (a completed order in one request when its return window is 0)."""
    view, created = orders.create_order(context, principal, body)
    if not created:
        response.status_code = 200
    return view


@router.post("/batch", response_model=list[BatchItem], dependencies=[needs(Permission.ORDERS)])
def create_orders(
    context: ContextDep, principal: PrincipalDep, body: OrderBatch, language: LanguageDep
) -> list[BatchItem]:
    """Up to 500 orders at once (and their payment with `pay`); each answered on its own."""
    items = orders.create_orders(context, principal, body)
    # an item's refusal speaks the caller's language, as a refused request does (errors.py)
    for item in items:
        if item.error is not None and item.error.get("message"):
            item.error["message"] = translate_message(language, str(item.error["message"]))
    return items


@router.get("", response_model=list[OrderView])
def list_orders(
    context: ContextDep,
    principal: PrincipalDep,
    member: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    status: OrderStatusFilter = None,
    limit: Limit = 50,
    after: After = None,
) -> list[OrderView]:
    return orders.list_orders(context, principal, member, status, limit, after)


@router.get("/{order_id}", response_model=OrderView)
def get_order(context: ContextDep, principal: PrincipalDep, order_id: PathId) -> OrderView:
    return orders.get_order(context, principal, order_id)


@router.post("/{order_id}/pay", response_model=OrderView, dependencies=[needs(Permission.ORDERS)])
def pay(context: ContextDep, principal: PrincipalDep, order_id: PathId) -> OrderView:
    """Paid; it completes when the return window passes (at once when it is 0)."""
    return orders.pay(context, principal, order_id)


@router.post(
    "/{order_id}/complete", response_model=OrderView, dependencies=[needs(Permission.ORDERS)]
)
def complete(context: ContextDep, principal: PrincipalDep, order_id: PathId) -> OrderView:
    """The buyer confirmed receipt: points are minted now."""
    return orders.complete(context, principal, order_id)


@router.post(
    "/{order_id}/cancel", response_model=OrderView, dependencies=[needs(Permission.ORDERS)]
)
def cancel(context: ContextDep, principal: PrincipalDep, order_id: PathId) -> OrderView:
    return orders.cancel(context, principal, order_id)


@router.post(
    "/{order_id}/refund", response_model=OrderView, dependencies=[needs(Permission.ORDERS)]
)
def refund(context: ContextDep, principal: PrincipalDep, order_id: PathId) -> OrderView:
    """Refunded before completion: nothing had happened."""
    return orders.refund(context, principal, order_id)


@router.post(
    "/{order_id}/reverse", response_model=OrderView, dependencies=[needs(Permission.ORDERS)]
)
def reverse(context: ContextDep, principal: PrincipalDep, order_id: PathId) -> OrderView:
    """Refunded after completion: its points are taken back (or owed)."""
    return orders.reverse(context, principal, order_id)


@router.post(
    "/{order_id}/owed-back/returned",
    response_model=OwedBackReturned,
    dependencies=[needs(Permission.ORDERS)],
)
def owed_back_returned(
    context: ContextDep,
    principal: PrincipalDep,
    order_id: PathId,
    body: OwedBackReturn | None = None,
) -> OwedBackReturned:
    """The money a gateway's payment after the cancel, or a second payment of a paid
    order, owes back to the buyer was returned at the gateway: recorded once (audited,
    webhook `order.owed_back_returned`); 409 (field `owed_back`) when nothing is owed
    back: never paid after its cancel nor paid twice, or recorded returned before (the
    message says when and by whom)."""
    return payments.return_owed_back(context, principal, order_id, body or OwedBackReturn())
