"""The order life cycle (spec 04): effects happen at completion, and only then.

```
created → paid → completed            points, and later rewards and queues
    ↘ cancelled  ↘ refunded             nothing happened, nothing to undo
completed → reversed                  undone without lowering any price
```

An order arrives with the integrator's own id: the same id with the same body returns the
first answer; with another body it is a conflict. Repeating a step an order already took
returns the order as it is; a step it cannot take from where it is is a conflict.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, func, insert, select, update

from zengzhi.core.amounts import Yuan, format_minor
from zengzhi.core.days import start_of
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.events import CompleteOrder, OrderLine, ReverseOrder, event_id
from zengzhi.engine.config import Id, LimitsConfig
from zengzhi.engine.fields import canonical
from zengzhi.engine.wire import OrderForm
from zengzhi.rules.modes import zone
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, command, not_found, query, request_hash
from zengzhi.service.catalog import order_config
from zengzhi.service.tenants import load_settings
from zengzhi.store import tables as t
from zengzhi.store.records import lines_from_json, lines_to_json, order_event_id
from zengzhi.store.uow import UnitOfWork


class NewOrder(OrderForm):
    id: Id


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


def _view(row: Any) -> OrderView:
    lines = lines_from_json(row.lines)
    return OrderView(
        id=row.order_id,
        member=row.member_id,
        store=row.store_id,
        status=row.status,
        amount=format_minor(int(row.amount), 2),
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
            for line in lines
        ],
        return_window_seconds=int(row.return_window),
        created_at=row.created_at,
        paid_at=row.paid_at,
        due_at=row.due_at,
        completed_at=row.completed_at,
        closed_at=row.closed_at,
        reversed_by=row.reversed_by.removeprefix("reverse:") if row.reversed_by else None,
        points={one[0]: format_minor(int(one[2]), 4) for one in (row.minted or [])},
        shopping_points=format_minor(int(row.shopping_points), 4),
    )


def _row(connection: Connection, tenant: str, order_id: str, lock: bool = False) -> Any:
    c = t.orders.c
    statement = select(t.orders).where(c.tenant_id == tenant, c.order_id == order_id)
    row = connection.execute(statement.with_for_update() if lock else statement).first()
    if row is None:
        raise not_found("order", order_id, "order")
    return row


def create_order(
    context: Context, principal: Principal, request: NewOrder
) -> tuple[OrderView, bool]:
    """Record a new order (nothing happens to any pool yet). Returns it, and whether it
    is new (False: the same request was made before)."""
    principal.require(Permission.ORDERS)
    digest = request_hash(canonical(request, exclude_none=True))  # "10" and "10.00" alike

    def run(uow: UnitOfWork) -> tuple[OrderView, bool]:
        c = t.orders.c
        found = uow.connection.execute(
            select(t.orders)
            .where(c.tenant_id == uow.tenant, c.order_id == request.id)
            .with_for_update()
        ).first()
        if found is not None:
            if found.request_hash != digest:
                raise DomainError(
                    ErrorCode.CONFLICT, f"order {request.id!r} exists with other contents", "id"
                )
            return _view(found), False
        if request.member not in uow.state.members:
            raise not_found("member", request.member, "member")
        config, windows = order_config(
            uow.connection, uow.tenant, request.products(), request.store
        )
        lines = request.order_lines(config)
        for n, line in enumerate(lines):
            if line.pool is not None and uow.pools.get(line.pool) is None:
                field = "pool" if request.lines is None else f"lines.{n}.pool"
                raise not_found("pool", line.pool, field)
        settings = load_settings(uow.connection, uow.tenant)
        window = max([settings.completion_delay_seconds, *windows.values()])
        amount = sum(line.amount for line in lines)
        if settings.distribution is not None:
            _check_limits(uow, settings.distribution.limits, request.member, amount)
        points = request.points_paid()
        if points:
            _check_shopping_points(uow, request.member, points, lines)
        store = config.stores.get(request.store) if request.store else None
        region = request.region or (store.region if store else None)
        recruiter = store.recruiter if store else None
        uow.connection.execute(
            insert(t.orders).values(
                tenant_id=uow.tenant,
                order_id=request.id,
                member_id=request.member,
                store_id=request.store,
                status="created",
                amount=amount,
                region=region,
                recruiter=recruiter,
                lines=lines_to_json(lines),
                request_hash=digest,
                return_window=window,
                created_at=uow.now,
                shopping_points=points,
            )
        )
        _audit(
            uow,
            principal.actor,
            "order.create",
            request.id,
            None,
            {"member": request.member, "amount": format_minor(amount, 2), "store": request.store},
        )
        return _view(_row(uow.connection, uow.tenant, request.id)), True

    return command(context, principal, run)


class OrderBatch(BaseModel):
    """Many new orders in one request; each is its own command, applied once by its id."""

    model_config = ConfigDict(extra="forbid")

    orders: list[NewOrder] = Field(min_length=1, max_length=500)
    pay: bool = Field(default=False, description="pay each order once created")


class BatchItem(BaseModel):
    id: str
    outcome: str  # created, existing (the same order came before), refused
    order: OrderView | None = None
    error: dict[str, str | None] | None = None


def create_orders(context: Context, principal: Principal, batch: OrderBatch) -> list[BatchItem]:
    """Create (and pay) each order in turn; one refused order does not stop the others.
    A caller who may not place orders at all is refused whole (403), not item by item."""
    principal.require(Permission.ORDERS)
    items = []
    for request in batch.orders:
        try:
            view, created = create_order(context, principal, request)
            if batch.pay:
                view = pay(context, principal, request.id)
            items.append(
                BatchItem(id=request.id, outcome="created" if created else "existing", order=view)
            )
        except DomainError as error:
            items.append(
                BatchItem(
                    id=request.id,
                    outcome="refused",
                    error={"code": error.code, "message": error.message, "field": error.field},
                )
            )
    return items


OPEN = ("created", "paid")  # orders whose shopping points are promised, not yet spent


def _check_shopping_points(
    uow: UnitOfWork, member: str, points: int, lines: tuple[OrderLine, ...]
) -> None:
    """The points must fit the zones' caps and be held, beyond what the member's other
    open orders will spend (checked under the balance's row lock, so two orders cannot
    promise the same points)."""
    zones = {}
    for name in sorted({line.zone for line in lines if line.zone is not None}):
        found = uow.modes.zone(name)
        if found is None:
            raise not_found("zone", name, "lines")
        zones[name] = found
    order = CompleteOrder("check", member, lines, at=uow.now, shopping_points=points)
    c = t.orders.c
    promised = uow.connection.execute(
        select(func.coalesce(func.sum(c.shopping_points), 0)).where(
            c.tenant_id == uow.tenant, c.member_id == member, c.status.in_(OPEN)
        )
    ).scalar_one()
    zone.check_order(uow.ledger, zones, order, promised=int(promised))


def _check_limits(uow: UnitOfWork, limits: LimitsConfig, member: str, amount: int) -> None:
    """Anti-abuse caps (spec 02): orders a member may place a day, and spend in all.
    Counted under the member's row lock: orders of one member at once are counted one
    after the other, each seeing the ones before it (PostgreSQL reads again after the
    lock; SQLite has one writer), so that no two can both find room for one more."""
    if limits.orders_per_day is None and limits.total_spend is None:
        return
    m = t.members.c
    uow.connection.execute(
        select(m.member_id)
        .where(m.tenant_id == uow.tenant, m.member_id == member)
        .with_for_update()
    )
    c = t.orders.c
    mine = (
        (c.tenant_id == uow.tenant)
        & (c.member_id == member)
        & c.status.not_in(["cancelled", "refunded", "reversed"])
    )
    if limits.orders_per_day is not None:
        today = uow.connection.execute(
            select(func.count()).where(mine, c.created_at >= start_of(uow.today, uow.zone))
        ).scalar_one()
        if today >= limits.orders_per_day:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"{member!r} placed the {limits.orders_per_day} orders a day this platform allows",
                "member",
            )
    if limits.total_spend is not None:
        spent = uow.connection.execute(
            select(func.coalesce(func.sum(c.amount), 0)).where(mine)
        ).scalar_one()
        cap = Yuan(limits.total_spend).minor
        if int(spent) + amount > cap:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"{member!r} would spend more than the {format_minor(cap, 2)} this platform allows",
                "member",
            )


def _complete(uow: UnitOfWork, row: Any, **also: Any) -> None:
    order = CompleteOrder(
        order_event_id(row.order_id),
        row.member_id,
        lines_from_json(row.lines),
        row.store_id,
        uow.now,
        row.region,
        row.recruiter,
        int(row.shopping_points),
    )
    uow.apply(order)
    c = t.orders.c
    uow.connection.execute(
        update(t.orders)
        .where(c.tenant_id == uow.tenant, c.order_id == row.order_id)
        .values(status="completed", completed_at=uow.now, **also)
    )


def _audit(
    uow: UnitOfWork,
    actor: str,
    action: str,
    order_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    reason: str | None = None,
) -> None:
    """Every step someone (a user, a key, the gateway) takes is in the audit log; the
    return window's own completions are the job's (job_runs) and the event log's."""
    if not actor.startswith("system:"):
        uow.audit(actor, action, f"order:{order_id}", before=before, after=after, reason=reason)


def _take(
    uow: UnitOfWork,
    actor: str,
    order_id: str,
    allowed: set[str],
    done: str,
    act: Any,
    past: frozenset[str] = frozenset(),
    reason: str | None = None,
) -> OrderView:
    """Take one step of the life cycle under the order's row lock, inside a command. An
    order already `done` (or `past` that step) is returned as it is."""
    row = _row(uow.connection, uow.tenant, order_id, lock=True)
    if row.status == done or row.status in past:
        return _view(row)
    if row.status not in allowed:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"order {order_id!r} is {row.status}: it cannot be {done}",
            "status",
        )
    act(uow, row)
    view = _view(_row(uow.connection, uow.tenant, order_id))
    _audit(
        uow,
        actor,
        f"order.{done}",
        order_id,
        {"status": row.status},
        {"status": view.status, "member": view.member, "amount": view.amount},
        reason,
    )
    return view


def _step(
    context: Context,
    principal: Principal,
    order_id: str,
    allowed: set[str],
    done: str,
    act: Any,
    past: frozenset[str] = frozenset(),
    reason: str | None = None,
) -> OrderView:
    principal.require(Permission.ORDERS)
    return command(
        context,
        principal,
        lambda uow: _take(uow, principal.actor, order_id, allowed, done, act, past, reason),
    )


def _set(uow: UnitOfWork, row: Any, **values: Any) -> None:
    c = t.orders.c
    uow.connection.execute(
        update(t.orders)
        .where(c.tenant_id == uow.tenant, c.order_id == row.order_id)
        .values(**values)
    )


def _pay(uow: UnitOfWork, row: Any) -> None:
    due = uow.now + timedelta(seconds=int(row.return_window))
    if int(row.return_window) == 0:  # no return window: paid and completed in one step
        _complete(uow, row, paid_at=uow.now, due_at=due)
    else:
        _set(uow, row, status="paid", paid_at=uow.now, due_at=due)


_PAID = frozenset({"completed", "reversed"})


def pay(context: Context, principal: Principal, order_id: str) -> OrderView:
    """Paid: completion falls due after the return window (at once when it is 0)."""
    return _step(context, principal, order_id, {"created"}, "paid", _pay, past=_PAID)


def pay_in(uow: UnitOfWork, actor: str, order_id: str) -> OrderView:
    """The same step inside another command (a payment gateway's verified notification)."""
    return _take(uow, actor, order_id, {"created"}, "paid", _pay, past=_PAID)


def complete(context: Context, principal: Principal, order_id: str) -> OrderView:
    """The buyer confirmed receipt (or the return window passed): the effects apply."""
    return _step(
        context,
        principal,
        order_id,
        {"paid"},
        "completed",
        _complete,
        past=frozenset({"reversed"}),
    )


def complete_due(uow: UnitOfWork, actor: str, order_id: str) -> bool:
    """Complete a paid order inside another command (the return window's job); whether
    it completed now (False: it had been already)."""
    ran: list[bool] = []

    def act(uow: UnitOfWork, row: Any) -> None:
        _complete(uow, row)
        ran.append(True)

    _take(uow, actor, order_id, {"paid"}, "completed", act, past=frozenset({"reversed"}))
    return bool(ran)


def cancel(context: Context, principal: Principal, order_id: str) -> OrderView:
    return _step(
        context,
        principal,
        order_id,
        {"created"},
        "cancelled",
        lambda uow, row: _set(uow, row, status="cancelled", closed_at=uow.now),
    )


def refund(context: Context, principal: Principal, order_id: str) -> OrderView:
    """A refund before completion: nothing happened, so nothing is undone."""
    return _step(
        context,
        principal,
        order_id,
        {"paid"},
        "refunded",
        lambda uow, row: _set(uow, row, status="refunded", closed_at=uow.now, due_at=None),
    )


def reverse(
    context: Context, principal: Principal, order_id: str, reason: str | None = None
) -> OrderView:
    """A refund after completion: its points are taken back (or owed), no price falls.
    The reason (the console asks for one) goes to the audit log with the step."""

    def act(uow: UnitOfWork, row: Any) -> None:
        reversal = event_id("reverse", order_id)
        uow.apply(ReverseOrder(reversal, order_event_id(order_id), uow.now))
        _set(uow, row, status="reversed", closed_at=uow.now)

    return _step(context, principal, order_id, {"completed"}, "reversed", act, reason=reason)


def get_order(context: Context, principal: Principal, order_id: str) -> OrderView:
    principal.require(Permission.READ)
    return query(context, lambda connection: _view(_row(connection, principal.tenant, order_id)))


def list_orders(
    context: Context,
    principal: Principal,
    member: str | None,
    status: str | None,
    limit: int,
    after: str | None,
) -> list[OrderView]:
    principal.require(Permission.READ)
    c = t.orders.c
    statement = select(t.orders).where(c.tenant_id == principal.tenant)
    if member is not None:
        statement = statement.where(c.member_id == member)
    if status is not None:
        statement = statement.where(c.status == status)
    if after is not None:
        statement = statement.where(c.order_id > after)
    statement = statement.order_by(c.order_id).limit(limit)
    return query(context, lambda connection: [_view(r) for r in connection.execute(statement)])


def due_orders(connection: Connection, tenant: str, now: datetime, limit: int) -> list[str]:
    c = t.orders.c
    return list(
        connection.execute(
            select(c.order_id)
            .where(c.tenant_id == tenant, c.status == "paid", c.due_at <= now)
            .order_by(c.due_at, c.order_id)
            .limit(limit)
        ).scalars()
    )
