"""The console's orders section: find orders by id, member, store, status or the days
they were placed (in the tenant's zone), a page at a time with the total; and one
order's story: its lines and split, and every ledger movement it caused (what it minted,
paid and to whom), with what a reversal took back."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field
from sqlalchemy import Connection, and_, literal, select

from zengzhi.core.amounts import format_minor
from zengzhi.core.events import event_id
from zengzhi.core.ledger import scale_of
from zengzhi.engine.fields import Id, Whole, one_of
from zengzhi.engine.notices import member_of
from zengzhi.service import orders
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, query
from zengzhi.service.queries import owed_back as owed_back_records
from zengzhi.service.queries.counting import bounded_count
from zengzhi.service.queries.orders import OrderView
from zengzhi.service.queries.owed_back import OwedBack
from zengzhi.service.queries.paging import PAGE_SIZE, within_days
from zengzhi.store import tables as t
from zengzhi.store.records import order_event_id
from zengzhi.store.tenanted import of_tenant

STATUSES = ("created", "paid", "completed", "reversed", "refunded", "cancelled")
# Not a status: the orders a gateway's payment came for after their cancel, or paid a second
# time, whose money is owed back to the buyer and not recorded as returned yet
# (service/payments.py, audits `order.paid_after_cancel`, `order.paid_again` and
# `order.owed_back_returned`: queries/owed_back.py)
OWED_BACK = "owed_back"


class OrderSearch(BaseModel):
    """What the search form asks; every part optional. `id` finds ids that start with
    it; the days are the tenant's, both included."""

    id: str | None = Field(default=None, max_length=128)
    member: Id | None = None
    store: Id | None = None
    status: Annotated[str | None, one_of(*STATUSES, OWED_BACK)] = None
    since: date | None = None
    until: date | None = None
    page: Whole = Field(default=1, ge=1, le=1_000_000)


class OrderRow(BaseModel):
    id: str
    member: str
    store: str | None
    status: str
    amount: str  # yuan
    created_at: datetime
    completed_at: datetime | None
    owed_back: str | None = None  # yuan: paid at the gateway after its cancel or twice, and
    # not returned to the buyer yet


class OrderPage(BaseModel):
    rows: list[OrderRow]
    total: int  # counted up to a bound (queries/counting.py)
    page: int
    pages: int
    exact: bool = True  # False: more than `total`


class Movement(BaseModel):
    at: datetime
    cause: str  # "order" (its completion and what followed) or "reverse"
    kind: str  # the entry's kind (mint, reward, split…)
    account: str
    asset: str
    amount: str  # in the asset's own places, signed: + into the account
    member: str | None  # the member the account belongs to, for a link


class OrderDetail(BaseModel):
    order: OrderView
    movements: list[Movement]
    # the payments owed back (after its cancel, or paid twice), each with the return that
    # covered it
    owed_back: list[OwedBack] = []
    owed_back_now: str | None = None  # yuan: what is owed back and not returned yet


def id_prefix(column: Any, text: str) -> Any:
    """Ids that start with `text`, as a range on the index (a LIKE cannot use it on
    SQLite, where LIKE ignores case). Ids compare by code point on SQLite and on a
    PostgreSQL database with the C or C.UTF-8 collation (docs/deploy.md)."""
    last = ord(text[-1])
    if last >= 0x10FFFF:
        return column >= text
    return and_(column >= text, column < text[:-1] + chr(last + 1))


def find_orders(context: Context, principal: Principal, search: OrderSearch) -> OrderPage:
    principal.require(Permission.READ)
    tenant = principal.tenant

    def run(connection: Connection) -> OrderPage:
        c = t.orders.c
        where = [of_tenant(c, tenant)]
        if search.id:
            where.append(id_prefix(c.order_id, search.id))
        if search.member:
            where.append(c.member_id == search.member)
        if search.store:
            where.append(c.store_id == search.store)
        if search.status == OWED_BACK:
            recorded = owed_back_records.owed_targets(tenant)
            where.append((literal("order:") + c.order_id).in_(recorded))
        elif search.status:
            where.append(c.status == search.status)
        where += within_days(connection, tenant, c.created_at, search.since, search.until)
        counted = bounded_count(
            connection, select(c.order_id).where(*where), search.page, PAGE_SIZE
        )
        shown = counted.page
        rows = connection.execute(
            select(
                c.order_id,
                c.member_id,
                c.store_id,
                c.status,
                c.amount,
                c.created_at,
                c.completed_at,
            )
            .where(*where)
            .order_by(c.created_at.desc(), c.order_id.desc())
            .limit(PAGE_SIZE)
            .offset((shown - 1) * PAGE_SIZE)
        ).all()
        # an order never paid has no payment owed back (a payment would have paid it)
        paid = {r.order_id: r for r in rows if r.status != "created"}
        found = owed_back_records.records(connection, tenant, list(paid))
        owed: dict[str, str] = {}
        for order_id, payments in owed_back_records.settle(found).items():
            for payment in payments:  # a record that names no amount: the order's
                payment.amount = payment.amount or format_minor(int(paid[order_id].amount), 2)
            due = owed_back_records.still_owed(payments)
            if due is not None:
                owed[order_id] = due
        return OrderPage(
            rows=[
                OrderRow(
                    id=r.order_id,
                    member=r.member_id,
                    store=r.store_id,
                    status=r.status,
                    amount=format_minor(int(r.amount), 2),
                    created_at=r.created_at,
                    completed_at=r.completed_at,
                    owed_back=owed.get(r.order_id),
                )
                for r in rows
            ],
            total=counted.total,
            page=shown,
            pages=counted.pages,
            exact=counted.exact,
        )

    return query(context, run)


def order_detail(context: Context, principal: Principal, order_id: str) -> OrderDetail:
    view = orders.get_order(context, principal, order_id)  # refuses an unknown order
    causes = {order_event_id(order_id): "order", event_id("reverse", order_id): "reverse"}

    def owed_back(connection: Connection) -> list[OwedBack]:
        if view.status == "created":  # never paid: a payment would have paid it
            return []
        found = owed_back_records.records(connection, principal.tenant, [order_id])
        return owed_back_records.settle(found, view.amount).get(order_id, [])

    def run(connection: Connection) -> list[Movement]:
        e, p = t.entries.c, t.postings.c
        rows = connection.execute(
            select(e.cause, e.kind, e.at, p.account, p.asset, p.amount)
            .join_from(
                t.entries,
                t.postings,
                (p.tenant_id == e.tenant_id) & (p.entry_id == e.entry_id),
            )
            .where(of_tenant(e, principal.tenant), e.cause.in_(list(causes)))
            .order_by(e.entry_id, p.n)
        )
        return [
            Movement(
                at=r.at,
                cause=causes[r.cause],
                kind=r.kind,
                account=r.account,
                asset=r.asset,
                amount=format_minor(int(r.amount), scale_of(r.asset)),
                member=member_of(r.account, r.asset),
            )
            for r in rows
        ]

    payments = query(context, owed_back)
    return OrderDetail(
        order=view,
        movements=query(context, run),
        owed_back=payments,
        owed_back_now=owed_back_records.still_owed(payments),
    )
