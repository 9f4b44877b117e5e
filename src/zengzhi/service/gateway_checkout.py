"""Collecting an order's payment through WeChat Pay or Alipay: a QR-code order at the
gateway under the order's own id (`out_trade_no`); the gateway's notification then pays
the order, once (service/payments.py). A shop that makes its own JSAPI, H5 or app order
under the same `out_trade_no` needs none of this: the notification is the same."""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel
from sqlalchemy import Connection, select

from zengzhi.core.amounts import format_minor
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, not_found, query
from zengzhi.service.gateway_credentials import client_for
from zengzhi.service.gateway_payouts import ask_gateway
from zengzhi.service.gateways.wechatpay import WechatPay
from zengzhi.store import tables as t


class CheckoutView(BaseModel):
    order: str
    adapter: str
    amount: str
    code_url: str  # what the buyer's app scans (WeChat code_url, Alipay qr_code)


def checkout(
    context: Context, principal: Principal, order_id: str, client: httpx.Client | None = None
) -> CheckoutView:
    """A QR-code payment of a created order at the tenant's gateway."""
    principal.require(Permission.ORDERS)

    def load(connection: Connection) -> tuple[Any, Any]:
        a, o = t.payment_adapters.c, t.orders.c
        adapter = connection.execute(
            select(t.payment_adapters).where(a.tenant_id == principal.tenant)
        ).first()
        order = connection.execute(
            select(o.status, o.amount).where(
                o.tenant_id == principal.tenant, o.order_id == order_id
            )
        ).first()
        return adapter, order

    row, order = query(context, load)
    if order is None:
        raise not_found("order", order_id, "order")
    if order.status != "created":
        raise DomainError(ErrorCode.CONFLICT, f"order {order_id!r} is {order.status}", "status")
    gateway = client_for(context.settings, row)
    fen = int(order.amount)
    now = context.clock()
    subject = f"订单 {order_id}"
    if isinstance(gateway, WechatPay):
        code = ask_gateway(
            context, client, lambda http: gateway.native_order(http, order_id, fen, subject, now)
        )
    else:
        amount = format_minor(fen, 2)
        code = ask_gateway(
            context, client, lambda http: gateway.precreate(http, order_id, amount, subject, now)
        )
    return CheckoutView(
        order=order_id, adapter=row.adapter, amount=format_minor(fen, 2), code_url=code
    )
