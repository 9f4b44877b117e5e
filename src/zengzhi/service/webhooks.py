"""Webhooks' use cases: subscriptions, deliveries and their attempts, replaying one, the
events written. Sending them is `webhook_delivery`'s.

Commands write webhook events in their own transaction (`store/uow.py`, `store/outbox.py`);
the dispatcher (`webhook_delivery.py`) sends them, at least once: receivers de-duplicate
by the event id. Per subscription and member, an event is sent only after every earlier
one has been delivered (or given up), so each member's events arrive in order. See
docs/integration.md.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated, Any

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from zengzhi.core import standard_webhooks
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, command, found, query
from zengzhi.service.egress import check_target
from zengzhi.store import outbox
from zengzhi.store.uow import UnitOfWork
from zengzhi.store.webhooks import (
    Deliveries,
    DeliveryRow,
    SubscriptionRow,
    Subscriptions,
    WebhookEvents,
)

# The payment adapter's payout endpoint is kept as a subscription of this id
# (service/payments.py): it is shown here, and changed only through the adapter.
GATEWAY = "gateway"

EventPattern = Annotated[str, Field(pattern=r"^(\*|[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?)$")]


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl = Field(description="where events are POSTed (http or https)")
    event_types: list[EventPattern] = Field(
        min_length=1,
        max_length=50,
        description='types to receive: "order.completed", "withdrawal.*", or "*" for all',
    )


class SubscriptionChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl | None = None
    event_types: list[EventPattern] | None = Field(default=None, min_length=1, max_length=50)
    active: bool | None = None
    rotate_secret: bool = Field(default=False, description="a new secret, shown in the answer")


class SubscriptionView(BaseModel):
    id: str
    url: str
    event_types: list[str]
    active: bool
    created_at: datetime
    updated_at: datetime
    secret: str | None = None  # only in the answer that creates it or rotates it


def _subscription_view(row: SubscriptionRow, secret: str | None = None) -> SubscriptionView:
    return SubscriptionView(
        id=row.subscription_id,
        url=row.url,
        event_types=list(row.event_types),
        active=row.active,
        created_at=row.created_at,
        updated_at=row.updated_at,
        secret=secret,
    )


def _subscription(
    connection: Connection, tenant: str, subscription_id: str, lock: bool = False
) -> SubscriptionRow:
    row = Subscriptions(connection, tenant).get(subscription_id, lock)
    return found(row, "webhook subscription", subscription_id, "subscription")


def new_secret() -> str:
    return standard_webhooks.new_secret()


def put_subscription(
    uow: UnitOfWork, subscription_id: str, url: str, event_types: list[str], secret: str
) -> None:
    """Create or replace a subscription inside a command (the payment adapter's too)."""
    Subscriptions(uow.connection, uow.tenant).subscribe(
        subscription_id, url, event_types, secret, uow.now
    )


def create_subscription(
    context: Context, principal: Principal, request: SubscriptionIn
) -> SubscriptionView:
    principal.require(Permission.CONFIGURE)
    subscription_id = "wh_" + secrets.token_hex(8)
    secret = new_secret()

    check_target(str(request.url), "url", context.settings.webhook_private_targets)

    def run(uow: UnitOfWork) -> SubscriptionView:
        put_subscription(uow, subscription_id, str(request.url), list(request.event_types), secret)
        row = _subscription(uow.connection, uow.tenant, subscription_id)
        view = _subscription_view(row, secret)
        uow.audit(
            principal.actor,
            "webhook.create",
            f"webhook:{subscription_id}",
            after=view.model_dump(mode="json", exclude={"secret"}),
        )
        return view

    return command(context, principal, run)


def list_subscriptions(context: Context, principal: Principal) -> list[SubscriptionView]:
    principal.require(Permission.READ)
    return query(
        context,
        lambda connection: [
            _subscription_view(row) for row in Subscriptions(connection, principal.tenant).all()
        ],
    )


def get_subscription(
    context: Context, principal: Principal, subscription_id: str
) -> SubscriptionView:
    principal.require(Permission.READ)
    return query(
        context,
        lambda connection: _subscription_view(
            _subscription(connection, principal.tenant, subscription_id)
        ),
    )


def _not_gateway(subscription_id: str) -> None:
    if subscription_id == GATEWAY:
        raise DomainError(
            ErrorCode.CONFLICT,
            "the payout gateway's subscription changes with PUT /v1/payments/adapter",
            "subscription",
        )


def change_subscription(
    context: Context, principal: Principal, subscription_id: str, change: SubscriptionChange
) -> SubscriptionView:
    principal.require(Permission.CONFIGURE)
    _not_gateway(subscription_id)
    if change.url is not None:
        check_target(str(change.url), "url", context.settings.webhook_private_targets)
    secret = new_secret() if change.rotate_secret else None

    def run(uow: UnitOfWork) -> SubscriptionView:
        row = _subscription(uow.connection, uow.tenant, subscription_id, lock=True)
        before = _subscription_view(row).model_dump(mode="json")
        values: dict[str, Any] = {"updated_at": uow.now}
        if change.url is not None:
            values["url"] = str(change.url)
        if change.event_types is not None:
            values["event_types"] = list(change.event_types)
        if change.active is not None:
            values["active"] = change.active
            if not change.active:
                outbox.cancel(uow.connection, uow.tenant, subscription_id)
        if secret is not None:
            values["secret"] = secret
        Subscriptions(uow.connection, uow.tenant).change(subscription_id, **values)
        view = _subscription_view(
            _subscription(uow.connection, uow.tenant, subscription_id), secret
        )
        after = view.model_dump(mode="json", exclude={"secret"})
        if secret is not None:
            after["secret"] = "rotated"
        uow.audit(
            principal.actor,
            "webhook.change",
            f"webhook:{subscription_id}",
            before=before,
            after=after,
        )
        return view

    return command(context, principal, run)


def delete_subscription(
    context: Context, principal: Principal, subscription_id: str
) -> SubscriptionView:
    """Stop a subscription: it is kept (inactive) with its deliveries, and its pending
    deliveries are cancelled."""
    return change_subscription(
        context, principal, subscription_id, SubscriptionChange(active=False)
    )


# ---------------------------------------------------------------------------- deliveries


class AttemptView(BaseModel):
    attempt: int
    at: datetime
    outcome: str  # delivered, refused (an HTTP status other than 2xx), timeout, error
    status_code: int | None
    latency_ms: int
    error: str | None


class DeliveryView(BaseModel):
    subscription: str
    event_id: str
    sequence: int
    type: str
    member: str | None
    status: str  # pending, delivered, failed, cancelled
    attempts: int  # failed attempts since it was created or replayed
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_latency_ms: int | None = None  # the last attempt's (None: not tried yet)
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    attempt_log: list[AttemptView] | None = None  # in the answer for one delivery


def _delivery_view(row: DeliveryRow) -> DeliveryView:
    return DeliveryView(
        subscription=row.subscription_id,
        event_id=row.event_id,
        sequence=row.event_no,
        type=row.type,
        member=row.member,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at if row.status == outbox.PENDING else None,
        last_status_code=row.last_status_code,
        last_latency_ms=row.last_latency_ms,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
        created_at=row.created_at,
    )


def list_deliveries(
    context: Context,
    principal: Principal,
    subscription_id: str,
    status: str | None,
    limit: int,
    before: int | None,
) -> list[DeliveryView]:
    """A subscription's deliveries, newest first (`before`: a sequence number)."""
    principal.require(Permission.READ)

    def run(connection: Connection) -> list[DeliveryView]:
        _subscription(connection, principal.tenant, subscription_id)
        deliveries = Deliveries(connection, principal.tenant)
        rows = deliveries.page(subscription_id, status, limit, before)
        return [_delivery_view(row) for row in rows]

    return query(context, run)


def _delivery(
    connection: Connection, tenant: str, subscription_id: str, event_id: str
) -> DeliveryRow:
    row = Deliveries(connection, tenant).get(subscription_id, event_id)
    return found(row, "delivery of event", event_id, "event_id")


def _with_attempts(connection: Connection, tenant: str, row: DeliveryRow) -> DeliveryView:
    view = _delivery_view(row)
    view.attempt_log = [
        AttemptView(
            attempt=one.attempt,
            at=one.at,
            outcome=one.outcome,
            status_code=one.status_code,
            latency_ms=one.latency_ms,
            error=one.error,
        )
        for one in Deliveries(connection, tenant).attempts(row)
    ]
    return view


def get_delivery(
    context: Context, principal: Principal, subscription_id: str, event_id: str
) -> DeliveryView:
    """One delivery with every attempt: when, outcome, HTTP status, latency, error."""
    principal.require(Permission.READ)

    def run(connection: Connection) -> DeliveryView:
        row = _delivery(connection, principal.tenant, subscription_id, event_id)
        return _with_attempts(connection, principal.tenant, row)

    return query(context, run)


def replay_delivery(
    context: Context, principal: Principal, subscription_id: str, event_id: str
) -> DeliveryView:
    """Send an event again, at once, whatever became of it (delivered, failed…); it gets
    the full retry schedule again. The receiver sees the same event id. The payment
    gateway's deliveries (payout requests) are the payment adapter's: its permission."""
    principal.require(Permission.CONFIGURE)
    if subscription_id == GATEWAY:
        principal.require(
            Permission.PAYMENT_ADAPTER,
            "subscription",
            "a payout request is sent again only by whoever may choose the payment adapter",
        )

    def run(uow: UnitOfWork) -> DeliveryView:
        subscription = _subscription(uow.connection, uow.tenant, subscription_id)
        if not subscription.active:
            raise DomainError(
                ErrorCode.CONFLICT, f"subscription {subscription_id!r} is inactive", "subscription"
            )
        row = _delivery(uow.connection, uow.tenant, subscription_id, event_id)
        Deliveries(uow.connection, uow.tenant).send_again(row, outbox.PENDING, uow.now)
        uow.audit(
            principal.actor,
            "webhook.replay",
            f"webhook:{subscription_id}",
            before={"event": event_id, "status": row.status},
            after={"event": event_id, "status": outbox.PENDING},
        )
        return _with_attempts(
            uow.connection,
            uow.tenant,
            _delivery(uow.connection, uow.tenant, subscription_id, event_id),
        )

    return command(context, principal, run)


class WebhookEventView(BaseModel):
    id: str
    sequence: int
    type: str
    member: str | None
    at: datetime
    body: str  # the exact JSON sent (and signed)


def list_events(
    context: Context, principal: Principal, limit: int, before: int | None
) -> list[WebhookEventView]:
    """The outbox: every webhook event written, newest first."""
    principal.require(Permission.READ)
    return query(
        context,
        lambda connection: [
            WebhookEventView(
                id=row.event_id,
                sequence=row.event_no,
                type=row.type,
                member=row.member,
                at=row.at,
                body=row.body,
            )
            for row in WebhookEvents(connection, principal.tenant).newest(limit, before)
        ],
    )
