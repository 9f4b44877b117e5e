"""Webhooks: subscriptions, the outbox, deliveries with their attempts, replay, ping."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from zengzhi.api.routing import StrictJSONRoute
from zengzhi.deps import (
    Before,
    ContextDep,
    DeliveryStatusFilter,
    Limit,
    PathId,
    PrincipalDep,
    needs,
)
from zengzhi.service import webhooks
from zengzhi.service.auth import Permission
from zengzhi.service.queries import webhooks as webhook_reads
from zengzhi.service.queries.webhooks import DeliveryView, SubscriptionView, WebhookEventView
from zengzhi.service.webhooks import SubscriptionChange, SubscriptionIn

router = APIRouter(prefix="/v1", tags=["webhooks"], route_class=StrictJSONRoute)

EventId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="the webhook event's id")]


@router.post(
    "/webhooks",
    status_code=201,
    response_model=SubscriptionView,
    dependencies=[needs(Permission.CONFIGURE)],
)
def create_subscription(
    context: ContextDep, principal: PrincipalDep, body: SubscriptionIn
) -> SubscriptionView:
    """Subscribe a URL to event types. The answer holds the signing secret, once."""
    return webhooks.create_subscription(context, principal, body)


@router.get("/webhooks", response_model=list[SubscriptionView])
def list_subscriptions(context: ContextDep, principal: PrincipalDep) -> list[SubscriptionView]:
    return webhook_reads.list_subscriptions(context, principal)


@router.get("/webhooks/{subscription_id}", response_model=SubscriptionView)
def get_subscription(
    context: ContextDep, principal: PrincipalDep, subscription_id: PathId
) -> SubscriptionView:
    return webhook_reads.get_subscription(context, principal, subscription_id)


@router.patch(
    "/webhooks/{subscription_id}",
    response_model=SubscriptionView,
    dependencies=[needs(Permission.CONFIGURE)],
)
def change_subscription(
    context: ContextDep, principal: PrincipalDep, subscription_id: PathId, body: SubscriptionChange
) -> SubscriptionView:
    """Change the URL or the types, pause (`active: false`) or rotate the secret."""
    return webhooks.change_subscription(context, principal, subscription_id, body)


@router.delete(
    "/webhooks/{subscription_id}",
    response_model=SubscriptionView,
    dependencies=[needs(Permission.CONFIGURE)],
)
def delete_subscription(
    context: ContextDep, principal: PrincipalDep, subscription_id: PathId
) -> SubscriptionView:
    """Stop it: kept inactive with its history; pending deliveries are cancelled."""
    return webhooks.delete_subscription(context, principal, subscription_id)


@router.get("/webhooks/{subscription_id}/deliveries", response_model=list[DeliveryView])
def list_deliveries(
    context: ContextDep,
    principal: PrincipalDep,
    subscription_id: PathId,
    status: DeliveryStatusFilter = None,
    limit: Limit = 50,
    before: Before = None,
) -> list[DeliveryView]:
    """Newest first; `before` is a sequence number."""
    return webhook_reads.list_deliveries(context, principal, subscription_id, status, limit, before)


@router.get("/webhooks/{subscription_id}/deliveries/{event_id}", response_model=DeliveryView)
def get_delivery(
    context: ContextDep, principal: PrincipalDep, subscription_id: PathId, event_id: EventId
) -> DeliveryView:
    """One delivery and every attempt: outcome, HTTP status, latency, error."""
    return webhook_reads.get_delivery(context, principal, subscription_id, event_id)


# no gate: the permission asked first is the payment adapter's for the gateway's
# deliveries, so that a key is refused them as a key (`webhooks.replay_delivery`)
@router.post(
    "/webhooks/{subscription_id}/deliveries/{event_id}/replay", response_model=DeliveryView
)
def replay_delivery(
    context: ContextDep, principal: PrincipalDep, subscription_id: PathId, event_id: EventId
) -> DeliveryView:
    """Send it again at once (same event id), with a fresh retry schedule. The payout
    gateway's deliveries (`gateway`) are the owner's, signed in: an API key of any role
    is refused them (403, field `Authorization`)."""
    return webhooks.replay_delivery(context, principal, subscription_id, event_id)


@router.post(
    "/webhooks/{subscription_id}/ping",
    status_code=201,
    response_model=DeliveryView,
    dependencies=[needs(Permission.CONFIGURE)],
)
def ping(context: ContextDep, principal: PrincipalDep, subscription_id: PathId) -> DeliveryView:
    """Send a test event (type `ping`, data `{"subscription": id}`) to this subscription
    alone, whatever types it takes: signed, delivered and retried as every event, and
    listed in its deliveries. The answer is the new delivery (pending until sent)."""
    return webhooks.ping(context, principal, subscription_id)


@router.get("/webhook-events", response_model=list[WebhookEventView])
def list_events(
    context: ContextDep, principal: PrincipalDep, limit: Limit = 50, before: Before = None
) -> list[WebhookEventView]:
    """The outbox, newest first: every webhook event with the exact JSON sent."""
    return webhook_reads.list_events(context, principal, limit, before)
