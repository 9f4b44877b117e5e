"""Collecting an order's payment through WeChat Pay or Alipay: a QR-code order at the
gateway under the order's own id (`out_trade_no`); the gateway's notification then pays
the order, once (service/payments.py). A shop that makes its own JSAPI, H5 or app order
under the same `out_trade_no` needs none of this: the notification is the same."""

from __future__ import annotations

import httpx
from pydantic import BaseModel
from sqlalchemy import Connection

from zengzhi.core.amounts import format_minor
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, not_found, query
from zengzhi.service.gateway_credentials import client_for
from zengzhi.service.gateway_payouts import ask_gateway
from zengzhi.service.gateways.wechatpay import WechatPay
from zengzhi.service.payments import adapter_row
from zengzhi.store.orders import OrderRow, Orders
from zengzhi.store.payments import AdapterRow


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

    def load(connection: Connection) -> tuple[AdapterRow | None, OrderRow | None]:
        return adapter_row(connection, principal.tenant), Orders(connection, principal.tenant).get(
            order_id
        )

    row, order = query(context, load)
    if order is None:
        raise not_found("order", order_id, "order")
    if order.status != "created":
        raise DomainError(ErrorCode.CONFLICT, f"order {order_id!r} is {order.status}", "status")
    gateway = client_for(context.settings, row)
    fen = int(order.amount)
    now = context.clock()
    subject = f"订单 {order_id}"
    adapter = "wechat" if isinstance(gateway, WechatPay) else "alipay"  # as the row says
    if isinstance(gateway, WechatPay):
        code = ask_gateway(
            context, client, lambda http: gateway.native_order(http, order_id, fen, subject, now)
        )
    else:
        amount = format_minor(fen, 2)
        code = ask_gateway(
            context, client, lambda http: gateway.precreate(http, order_id, amount, subject, now)
        )
    return CheckoutView(order=order_id, adapter=adapter, amount=format_minor(fen, 2), code_url=code)
