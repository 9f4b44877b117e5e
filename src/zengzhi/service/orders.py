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

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Connection

from zengzhi.core.amounts import Yuan, format_minor
from zengzhi.core.days import start_of
from zengzhi.core.errors import DomainError, ErrorCode, invalid
from zengzhi.core.events import CompleteOrder, OrderLine, ReverseOrder, event_id
from zengzhi.core.lifecycles import LIVE_ORDERS, OPEN_ORDERS, ORDER, OrderStatus
from zengzhi.engine.config import LimitsConfig
from zengzhi.engine.fields import Flag, Id, Shown, canonical, checked_note
from zengzhi.engine.wire import OrderForm
from zengzhi.rules.modes import zone
from zengzhi.rules.pool import DEFAULT_POOL
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import (
    Context,
    command,
    found,
    grouped_commands,
    not_found,
    query,
    request_hash,
)
from zengzhi.service.catalog import order_config, zone_windows
from zengzhi.service.lifecycle import SYSTEM_ACTOR, take_step
from zengzhi.service.queries.orders import OrderView, order_detail, order_page, order_view
from zengzhi.service.tenants import command_settings
from zengzhi.store.orders import OrderRow, Orders, pools_of, zones_of
from zengzhi.store.records import order_event_id
from zengzhi.store.uow import UnitOfWork
from zengzhi.store.wanted import Wanted

log = logging.getLogger("zengzhi.orders")
INTERNAL = "something went wrong on our side; it is logged"  # as the API's 500 says


class NewOrder(OrderForm):
    id: Id
    # where the order counts for agents (default: the store's): a name people read and
    # matched by its text, visible as an agent's region is (a zero-width space made a
    # region shown as 广东/深圳 that paid none of its agents); the replay's order events
    # (`OrderForm`) read a stored region as it was kept
    region: Shown | None = None
    # Paid already (a shop that reports its orders from its payment's callback): paid in
    # the same command, as `POST /v1/orders/{id}/pay` right after would be; one request
    # and one transaction for a completed order. Not part of the order's contents: the
    # same order sent again, with it or without, is the same order.
    pay: Flag = Field(default=False, description="pay it too, in the same command")

    @model_validator(mode="after")
    def _quantity_of_a_product(self) -> NewOrder:
        """A quantity counts a product; a line given by its amount is its total, and a
        quantity beside it was taken and left unused (9.99 × 100 booked 9.99: the
        fuzzer's find, 2026-12-07). Refused here, for new orders: orders kept in the
        event log with one replay as they were booked."""
        lines = [("", self), *((f"lines.{n}.", line) for n, line in enumerate(self.lines or []))]
        for field, line in lines:
            if line.product is None and line.quantity != 1:
                raise invalid(f"{field}quantity", "counts a product: an amount is the line's total")
        return self


def _order(uow: UnitOfWork, order_id: str) -> OrderRow:
    return found(uow.orders.get(order_id), "order", order_id)


def create_order(
    context: Context, principal: Principal, request: NewOrder
) -> tuple[OrderView, bool]:
    """Record a new order (nothing happens to any pool yet). Returns it, and whether it
    is new (False: the same request was made before)."""
    principal.require(Permission.ORDERS)
    run = _creation(principal, request)
    return command(context, principal, run, grouped=True, wants=_wants(request))


def _wants(request: NewOrder) -> Wanted:
    """The order, its member and the pools its lines will mint in, as far as the request
    tells: a line's own pool, or the default one for a line given by its amount (a
    product's line mints where its split says, which the catalog knows; a store's may
    name another pool, which is then locked when the order is created)."""
    lines = request.lines if request.lines is not None else [request]
    pools = tuple(
        line.pool or DEFAULT_POOL for line in lines if line.pool is not None or not line.product
    )
    return Wanted.of((request.id,), (request.member,), pools)


def _creation(
    principal: Principal, request: NewOrder
) -> Callable[[UnitOfWork], tuple[OrderView, bool]]:
    """The command that records `request` (create_order's), to run in a unit of work."""
    # "10" and "10.00" alike; `pay` is what to do with the order, not the order
    digest = request_hash(canonical(request, exclude_none=True, exclude={"pay"}))

    def run(uow: UnitOfWork) -> tuple[OrderView, bool]:
        view, created = record(uow)
        if request.pay:
            view = _move(uow, principal.actor, request.id, "pay", _pay)
        return view, created

    def record(uow: UnitOfWork) -> tuple[OrderView, bool]:
        before = uow.orders.get(request.id, lock=True)
        if before is not None:
            if before.request_hash != digest:
                raise DomainError(
                    ErrorCode.CONFLICT, f"order {request.id!r} exists with other contents", "id"
                )
            return order_view(before), False
        if request.member not in uow.state.members:
            raise not_found("member", request.member, "member")
        config, windows = order_config(
            uow.connection, uow.tenant, request.products(), request.store
        )
        if request.store is not None and request.store not in config.stores:
            # an order given its split named a store the catalog does not hold, and was
            # booked as owed to that merchant (the attacker's `merchant:no-such-store`)
            raise not_found("store", request.store, "store")
        lines = request.order_lines(config)
        for n, line in enumerate(lines):
            if line.pool is not None and uow.pools.get(line.pool) is None:
                field = "pool" if request.lines is None else f"lines.{n}.pool"
                raise not_found("pool", line.pool, field)
        settings = command_settings(uow)
        named = {line.zone for line in lines if line.zone is not None}
        if named:  # a line's own zone (a product's or store's is among `windows` already)
            windows |= zone_windows(uow.connection, uow.tenant, named)
        window = max([settings.completion_delay_seconds, *windows.values()])
        amount = sum(line.amount for line in lines)
        if settings.distribution is not None:
            _check_limits(uow, settings.distribution.limits, request.member, amount)
        points = request.points_paid()
        if points:
            _check_shopping_points(uow, request.member, points, lines)
        _check_zones(uow, request.member, lines)
        store = config.stores.get(request.store) if request.store else None
        region = request.region or (store.region if store else None)
        recruiter = store.recruiter if store else None
        uow.orders.add(
            request.id,
            member=request.member,
            store=request.store,
            amount=amount,
            lines=lines,
            request_hash=digest,
            return_window=window,
            region=region,
            recruiter=recruiter,
            shopping_points=points,
            at=uow.now,
        )
        _audit(
            uow,
            principal.actor,
            "order.create",
            request.id,
            None,
            {"member": request.member, "amount": format_minor(amount, 2), "store": request.store},
        )
        return order_view(_order(uow, request.id)), True

    return run


class OrderBatch(BaseModel):
    """Many new orders in one request; each is its own command, applied once by its id."""

    model_config = ConfigDict(extra="forbid")

    orders: list[NewOrder] = Field(min_length=1, max_length=500)
    pay: Flag = Field(default=False, description="pay each order once created")


class BatchItem(BaseModel):
    id: str
    outcome: str  # created, existing (the same order came before), refused
    order: OrderView | None = None
    error: dict[str, str | None] | None = None


def create_orders(context: Context, principal: Principal, batch: OrderBatch) -> list[BatchItem]:
    """Create (and pay) each order in turn, each its own command, all given to the
    tenant's line at once (so they share their transactions); one refused order does not
    stop the others, and an order whose creation was refused is not paid. A caller who
    may not place orders at all is refused whole (403), not item by item."""
    principal.require(Permission.ORDERS)
    runs: list[Callable[[UnitOfWork], Any]] = []
    wants: list[Wanted | None] = []
    created: list[bool] = [False] * len(batch.orders)
    for n, request in enumerate(batch.orders):
        runs.append(_created(n, created, _creation(principal, request)))
        wants.append(_wants(request))
        if batch.pay:
            runs.append(_paid_if(n, created, request.id, principal.actor))
            wants.append(None)  # the order's creation wanted what its payment will
    answers = iter(grouped_commands(context, principal, runs, wants))
    items = []
    for request in batch.orders:
        made, error = next(answers)
        paid, pay_error = next(answers) if batch.pay else (None, None)
        error = error or pay_error
        if error is not None:
            items.append(BatchItem(id=request.id, outcome="refused", error=_refusal(error)))
            continue
        view, new = made
        items.append(
            BatchItem(id=request.id, outcome="created" if new else "existing", order=paid or view)
        )
    return items


def _refusal(error: BaseException) -> dict[str, str | None]:
    """One item's refusal; an error that is not one (a bug the order met) is logged and
    answered as the API answers it alone (500's shape), so that the batch's other items,
    committed, are still answered."""
    if isinstance(error, DomainError):
        return {"code": error.code, "message": error.message, "field": error.field}
    log.error("an order of a batch failed", exc_info=error)
    return {"code": "internal", "message": INTERNAL, "field": None}


def _created(
    n: int, created: list[bool], run: Callable[[UnitOfWork], tuple[OrderView, bool]]
) -> Callable[[UnitOfWork], tuple[OrderView, bool]]:
    """`run`, noting whether it succeeded in its latest attempt (the batch's payment of
    the order runs only then: a refused creation may name another order's id)."""

    def noted(uow: UnitOfWork) -> tuple[OrderView, bool]:
        created[n] = False
        answer = run(uow)
        created[n] = True
        return answer

    return noted


def _paid_if(
    n: int, created: list[bool], order_id: str, actor: str
) -> Callable[[UnitOfWork], OrderView | None]:
    def run(uow: UnitOfWork) -> OrderView | None:
        return _move(uow, actor, order_id, "pay", _pay) if created[n] else None

    return run


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
    promised = uow.orders.points_promised(member, OPEN_ORDERS)
    zone.check_order(uow.ledger, zones, order, promised=promised)


def _check_zones(uow: UnitOfWork, member: str, lines: tuple[OrderLine, ...]) -> None:
    """A zone open only to some members (`requires`) refuses the order as it is placed,
    not when it completes after the member paid."""
    zones = {}
    for name in sorted({line.zone for line in lines if line.zone is not None}):
        found = uow.modes.zone(name)
        if found is None:
            raise not_found("zone", name, "lines")
        zones[name] = found
    if zones:
        order = CompleteOrder("check", member, lines, at=uow.now)
        zone.check_eligible(uow.modes, uow.state.network, zones, order)


def _check_limits(uow: UnitOfWork, limits: LimitsConfig, member: str, amount: int) -> None:
    """Anti-abuse caps (spec 02): orders a member may place a day, and spend in all.
    Counted under the member's row lock: orders of one member at once are counted one
    after the other, each seeing the ones before it (PostgreSQL reads again after the
    lock; SQLite has one writer), so that no two can both find room for one more."""
    if limits.orders_per_day is None and limits.total_spend is None:
        return
    uow.members.get(member, lock=True)
    if limits.orders_per_day is not None:
        today, _ = uow.orders.placed(member, LIVE_ORDERS, since=start_of(uow.today, uow.zone))
        if today >= limits.orders_per_day:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"{member!r} placed the {limits.orders_per_day} orders a day this platform allows",
                "member",
            )
    if limits.total_spend is not None:
        _, spent = uow.orders.placed(member, LIVE_ORDERS)
        cap = Yuan(limits.total_spend).minor
        if spent + amount > cap:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"{member!r} would spend more than the {format_minor(cap, 2)} this platform allows",
                "member",
            )


def _complete(uow: UnitOfWork, row: OrderRow, **also: Any) -> None:
    uow.member_book.vouch(row.member_id)  # the engine asks; the order's row answers
    order = CompleteOrder(
        order_event_id(row.order_id),
        row.member_id,
        row.lines,
        row.store_id,
        uow.now,
        row.region,
        row.recruiter,
        row.shopping_points,
        row.shopping_points > 0,  # checked as it was placed (_check_shopping_points)
    )
    uow.apply(order)
    uow.orders.change(row.order_id, status=OrderStatus.COMPLETED, completed_at=uow.now, **also)


def _audit(
    uow: UnitOfWork,
    actor: str,
    action: str,
    order_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    """Every step someone (a user, a key, the gateway) takes is in the audit log; the
    return window's own completions are the job's (job_runs) and the event log's."""
    if not actor.startswith(SYSTEM_ACTOR):
        uow.audit(actor, action, f"order:{order_id}", before=before, after=after)


Act = Callable[[UnitOfWork, OrderRow], None]


def _move(
    uow: UnitOfWork, actor: str, order_id: str, step: str, act: Act, reason: str | None = None
) -> OrderView:
    """One step of the order's life cycle (core/lifecycles.ORDER), inside a command."""
    return _move_once(uow, actor, order_id, step, act, reason)[0]


def _move_once(
    uow: UnitOfWork, actor: str, order_id: str, step: str, act: Act, reason: str | None = None
) -> tuple[OrderView, bool]:
    """`_move`, and whether the step was taken now (False: it had been before)."""
    row, now = take_step(uow, actor, ORDER, uow.orders, order_id, step, act, reason)
    return order_view(row), now


def _command(
    context: Context,
    principal: Principal,
    order_id: str,
    step: str,
    act: Act,
    reason: str | None = None,
) -> OrderView:
    return _command_once(context, principal, order_id, step, act, reason)[0]


def _command_once(
    context: Context,
    principal: Principal,
    order_id: str,
    step: str,
    act: Act,
    reason: str | None = None,
) -> tuple[OrderView, bool]:
    principal.require(Permission.ORDERS)
    if reason is not None:  # a refund's or reversal's, as the console's form sent it
        reason = checked_note(reason)
    return command(
        context,
        principal,
        lambda uow: _move_once(uow, principal.actor, order_id, step, act, reason),
        grouped=True,
        wants=Wanted.of((order_id,)),
    )


def _pay(uow: UnitOfWork, row: OrderRow) -> None:
    due = uow.now + timedelta(seconds=row.return_window)
    if row.return_window == 0:  # no return window: paid and completed in one step
        _complete(uow, row, paid_at=uow.now, due_at=due)
    else:
        uow.orders.change(row.order_id, status=OrderStatus.PAID, paid_at=uow.now, due_at=due)


def pay(context: Context, principal: Principal, order_id: str) -> OrderView:
    """Paid: completion falls due after the return window (at once when it is 0)."""
    return _command(context, principal, order_id, "pay", _pay)


def pay_in(uow: UnitOfWork, actor: str, order_id: str) -> OrderView:
    """The same step inside another command (a payment gateway's verified notification)."""
    return _move(uow, actor, order_id, "pay", _pay)


def complete(context: Context, principal: Principal, order_id: str) -> OrderView:
    """The buyer confirmed receipt (or the return window passed): the effects apply."""
    return _command(context, principal, order_id, "complete", _complete)


def complete_due(uow: UnitOfWork, actor: str, order_id: str) -> bool:
    """Complete a paid order inside another command (the return window's job); whether
    it completed now (False: it had been already, or was refunded since it was found due:
    the shop's refund at the window's last moment is no failure of the job)."""
    row = found(uow.orders.get(order_id, lock=True), ORDER.what, order_id)
    if row.status == OrderStatus.REFUNDED:
        return False
    return take_step(uow, actor, ORDER, uow.orders, order_id, "complete", _complete)[1]


def _cancel(uow: UnitOfWork, row: OrderRow) -> None:
    uow.orders.change(row.order_id, status=OrderStatus.CANCELLED, closed_at=uow.now)


def cancel(context: Context, principal: Principal, order_id: str) -> OrderView:
    return _command(context, principal, order_id, "cancel", _cancel)


def _refund(uow: UnitOfWork, row: OrderRow) -> None:
    uow.orders.change(row.order_id, status=OrderStatus.REFUNDED, closed_at=uow.now, due_at=None)


def refund(
    context: Context, principal: Principal, order_id: str, reason: str | None = None
) -> OrderView:
    """A refund before completion: nothing happened, so nothing is undone. The reason
    (the console asks for one) goes to the audit log with the step."""
    return _command(context, principal, order_id, "refund", _refund, reason)


def refund_once(
    context: Context, principal: Principal, order_id: str, reason: str | None = None
) -> tuple[OrderView, bool]:
    """`refund`, and whether it was refunded now: False when it had been refunded before,
    by someone else at the same moment too (the order's row decides), and then this
    reason is not kept (the console says so rather than that this refund was made)."""
    return _command_once(context, principal, order_id, "refund", _refund, reason)


def _reverse(uow: UnitOfWork, row: OrderRow) -> None:
    # its pools, then its zones, are locked before the engine takes back what the order
    # paid (balances), as a completion locks them (docs/service.md, "Lock order"): the
    # engine's reversal takes the zones' effects back before it locks the pool, and a
    # completion in the same zone and pool waited for it holding the pool it waited for
    uow.pools.lock_wanted(pools_of(row))
    uow.modes.lock_wanted(zones_of(row))
    reversal = event_id("reverse", row.order_id)
    uow.apply(ReverseOrder(reversal, order_event_id(row.order_id), uow.now))
    uow.orders.change(row.order_id, status=OrderStatus.REVERSED, closed_at=uow.now)


def reverse(
    context: Context, principal: Principal, order_id: str, reason: str | None = None
) -> OrderView:
    """A refund after completion: its points are taken back (or owed), no price falls.
    The reason (the console asks for one) goes to the audit log with the step."""
    return _command(context, principal, order_id, "reverse", _reverse, reason)


def reverse_once(
    context: Context, principal: Principal, order_id: str, reason: str | None = None
) -> tuple[OrderView, bool]:
    """`reverse`, and whether it was reversed now (False: before; see `refund_once`)."""
    return _command_once(context, principal, order_id, "reverse", _reverse, reason)


# Each step of an order's life by name: what a command runs once the step is allowed.
STEPS: dict[str, Act] = {
    "pay": _pay,
    "complete": _complete,
    "cancel": _cancel,
    "refund": _refund,
    "reverse": _reverse,
}


def get_order(context: Context, principal: Principal, order_id: str) -> OrderView:
    principal.require(Permission.READ)
    return query(context, lambda connection: order_detail(connection, principal.tenant, order_id))


def list_orders(
    context: Context,
    principal: Principal,
    member: str | None,
    status: str | None,
    limit: int,
    after: str | None,
) -> list[OrderView]:
    principal.require(Permission.READ)
    return query(
        context,
        lambda connection: order_page(connection, principal.tenant, member, status, limit, after),
    )


def due_orders(connection: Connection, tenant: str, now: datetime, limit: int) -> list[str]:
    return Orders(connection, tenant).due(now, limit)
