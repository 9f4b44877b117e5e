"""An order as the API shows it, one or a page of them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Connection

from zengzhi.core.amounts import format_minor
from zengzhi.service.base import found
from zengzhi.store.orders import OrderRow, Orders


class LineView(BaseModel):
    amount: str
    contribution: str
    pool: str | None
    cost: str
    distribution: str
    platform: str
    product: str | None
    zone: str | None = None


class OrderView(BaseModel):
    id: str
    member: str
    store: str | None
    status: str
    amount: str
    lines: list[LineView]
    return_window_seconds: int
    created_at: datetime
    paid_at: datetime | None
    due_at: datetime | None
    completed_at: datetime | None
    closed_at: datetime | None
    reversed_by: str | None
    points: dict[str, str]  # minted at completion, by pool
    shopping_points: str  # what the buyer pays in shopping points (mode G)


def order_view(row: OrderRow) -> OrderView:
    return OrderView(
        id=row.order_id,
        member=row.member_id,
        store=row.store_id,
        status=row.status.value,
        amount=format_minor(row.amount, 2),
        lines=[
            LineView(
                amount=format_minor(line.amount, 2),
                contribution=format_minor(line.contribution, 2),
                pool=line.pool,
                cost=format_minor(line.cost, 2),
                distribution=format_minor(line.distribution, 2),
                platform=format_minor(line.platform, 2),
                product=line.product,
                zone=line.zone,
            )
            for line in row.lines
        ],
        return_window_seconds=row.return_window,
        created_at=row.created_at,
        paid_at=row.paid_at,
        due_at=row.due_at,
        completed_at=row.completed_at,
        closed_at=row.closed_at,
        reversed_by=row.reversed_by.removeprefix("reverse:") if row.reversed_by else None,
        points={one.pool: format_minor(int(one.points), 4) for one in row.minted},
        shopping_points=format_minor(row.shopping_points, 4),
    )


def order_detail(connection: Connection, tenant: str, order_id: str) -> OrderView:
    return order_view(found(Orders(connection, tenant).get(order_id), "order", order_id))


def order_page(
    connection: Connection,
    tenant: str,
    member: str | None,
    status: str | None,
    limit: int,
    after: str | None,
) -> list[OrderView]:
    return [
        order_view(row) for row in Orders(connection, tenant).page(member, status, limit, after)
    ]
