"""Webhooks as the API and the console show them: subscriptions, a subscription's
deliveries with every attempt, the events written (the outbox)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Connection

from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, found, query
from zengzhi.store import outbox
from zengzhi.store.webhooks import (
    Deliveries,
    DeliveryRow,
    SubscriptionRow,
    Subscriptions,
    WebhookEvents,
)


class SubscriptionView(BaseModel):
    id: str
    url: str
    event_types: list[str]
    active: bool
    created_at: datetime
    updated_at: datetime
    secret: str | None = None  # only in the answer that creates it or rotates it


def subscription_view(row: SubscriptionRow, secret: str | None = None) -> SubscriptionView:
    return SubscriptionView(
        id=row.subscription_id,
        url=row.url,
        event_types=list(row.event_types),
        active=row.active,
        created_at=row.created_at,
        updated_at=row.updated_at,
        secret=secret,
    )


def subscription_row(
    connection: Connection, tenant: str, subscription_id: str, lock: bool = False
) -> SubscriptionRow:
    row = Subscriptions(connection, tenant).get(subscription_id, lock)
    return found(row, "webhook subscription", subscription_id, "subscription")


def list_subscriptions(context: Context, principal: Principal) -> list[SubscriptionView]:
    principal.require(Permission.READ)
    return query(
        context,
        lambda connection: [
            subscription_view(row) for row in Subscriptions(connection, principal.tenant).all()
        ],
    )


def get_subscription(
    context: Context, principal: Principal, subscription_id: str
) -> SubscriptionView:
    principal.require(Permission.READ)
    return query(
        context,
        lambda connection: subscription_view(
            subscription_row(connection, principal.tenant, subscription_id)
        ),
    )


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
        subscription_row(connection, principal.tenant, subscription_id)
        deliveries = Deliveries(connection, principal.tenant)
        rows = deliveries.page(subscription_id, status, limit, before)
        return [_delivery_view(row) for row in rows]

    return query(context, run)


def delivery_row(
    connection: Connection, tenant: str, subscription_id: str, event_id: str
) -> DeliveryRow:
    row = Deliveries(connection, tenant).get(subscription_id, event_id)
    return found(row, "delivery of event", event_id, "event_id")


def with_attempts(connection: Connection, tenant: str, row: DeliveryRow) -> DeliveryView:
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
        row = delivery_row(connection, principal.tenant, subscription_id, event_id)
        return with_attempts(connection, principal.tenant, row)

    return query(context, run)


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
