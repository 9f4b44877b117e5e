"""Webhooks: subscriptions, the dispatcher that delivers the outbox, deliveries and their
attempts, and replaying one.

Commands write webhook events in their own transaction (`store/uow.py`, `store/outbox.py`);
this module sends them. Each delivery is an HTTP POST of the event's JSON, signed with
the subscription's secret (`core/signatures.py`), retried with exponential back-off until
a 2xx answer or the last attempt; every attempt is recorded. Delivery is at least once:
receivers de-duplicate by the event id. Per subscription and member, an event is sent
only after every earlier one has been delivered (or given up), so each member's events
arrive in order. See docs/integration.md.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Annotated, Any

import httpx
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field
from sqlalchemy import Connection, insert, select, update

from zengzhi import __version__
from zengzhi.core import standard_webhooks
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, command, not_found, query
from zengzhi.service.egress import PublicOnlyTransport, check_target
from zengzhi.store import outbox
from zengzhi.store import tables as t
from zengzhi.store.outbox import Attempt, Claimed
from zengzhi.store.uow import UnitOfWork

log = logging.getLogger("zengzhi.webhooks")

EVENT_ID_HEADER = "X-Zengzhi-Event-Id"
EVENT_TYPE_HEADER = "X-Zengzhi-Event-Type"

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


def _subscription_view(row: Any, secret: str | None = None) -> SubscriptionView:
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
) -> Any:
    c = t.webhook_subscriptions.c
    statement = select(t.webhook_subscriptions).where(
        c.tenant_id == tenant, c.subscription_id == subscription_id
    )
    row = connection.execute(statement.with_for_update() if lock else statement).first()
    if row is None:
        raise not_found("webhook subscription", subscription_id, "subscription")
    return row


def new_secret() -> str:
    return standard_webhooks.new_secret()


def put_subscription(
    uow: UnitOfWork, subscription_id: str, url: str, event_types: list[str], secret: str
) -> None:
    """Create or replace a subscription inside a command (the payment adapter's too)."""
    c = t.webhook_subscriptions.c
    where = (c.tenant_id == uow.tenant) & (c.subscription_id == subscription_id)
    found = uow.connection.execute(select(c.created_at).where(where).with_for_update()).first()
    values = {"url": url, "event_types": event_types, "secret": secret, "active": True}
    if found is None:
        uow.connection.execute(
            insert(t.webhook_subscriptions).values(
                tenant_id=uow.tenant,
                subscription_id=subscription_id,
                created_at=uow.now,
                updated_at=uow.now,
                **values,
            )
        )
    else:
        uow.connection.execute(
            update(t.webhook_subscriptions).where(where).values(updated_at=uow.now, **values)
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
    c = t.webhook_subscriptions.c
    statement = (
        select(t.webhook_subscriptions)
        .where(c.tenant_id == principal.tenant)
        .order_by(c.created_at, c.subscription_id)
    )
    return query(
        context,
        lambda connection: [_subscription_view(row) for row in connection.execute(statement)],
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
        c = t.webhook_subscriptions.c
        uow.connection.execute(
            update(t.webhook_subscriptions)
            .where(c.tenant_id == uow.tenant, c.subscription_id == subscription_id)
            .values(**values)
        )
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


def _delivery_view(row: Any) -> DeliveryView:
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


def _deliveries(tenant: str) -> Any:
    d, e, a = t.webhook_deliveries.c, t.webhook_events.c, t.webhook_attempts.c
    last_latency = (  # one probe of the attempts' primary key per delivery listed
        select(a.latency_ms)
        .where(
            a.tenant_id == d.tenant_id,
            a.subscription_id == d.subscription_id,
            a.event_no == d.event_no,
        )
        .order_by(a.attempt.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(
            d.subscription_id,
            d.event_no,
            d.status,
            d.attempts,
            d.next_attempt_at,
            d.last_status_code,
            last_latency.label("last_latency_ms"),
            d.last_error,
            d.delivered_at,
            d.created_at,
            e.event_id,
            e.type,
            e.member,
        )
        .join(
            t.webhook_events,
            (e.tenant_id == d.tenant_id) & (e.event_no == d.event_no),
        )
        .where(d.tenant_id == tenant)
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
    d = t.webhook_deliveries.c

    def run(connection: Connection) -> list[DeliveryView]:
        _subscription(connection, principal.tenant, subscription_id)
        statement = _deliveries(principal.tenant).where(d.subscription_id == subscription_id)
        if status is not None:
            statement = statement.where(d.status == status)
        if before is not None:
            statement = statement.where(d.event_no < before)
        rows = connection.execute(statement.order_by(d.event_no.desc()).limit(limit))
        return [_delivery_view(row) for row in rows]

    return query(context, run)


def _delivery(connection: Connection, tenant: str, subscription_id: str, event_id: str) -> Any:
    d, e = t.webhook_deliveries.c, t.webhook_events.c
    row = connection.execute(
        _deliveries(tenant).where(d.subscription_id == subscription_id, e.event_id == event_id)
    ).first()
    if row is None:
        raise not_found("delivery of event", event_id, "event_id")
    return row


def _with_attempts(connection: Connection, tenant: str, row: Any) -> DeliveryView:
    a = t.webhook_attempts.c
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
        for one in connection.execute(
            select(t.webhook_attempts)
            .where(
                a.tenant_id == tenant,
                a.subscription_id == row.subscription_id,
                a.event_no == row.event_no,
            )
            .order_by(a.attempt)
        )
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
        d = t.webhook_deliveries.c
        uow.connection.execute(
            update(t.webhook_deliveries)
            .where(
                d.tenant_id == uow.tenant,
                d.subscription_id == subscription_id,
                d.event_no == row.event_no,
            )
            .values(status=outbox.PENDING, attempts=0, next_attempt_at=uow.now, claimed_by=None)
        )
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
    e = t.webhook_events.c
    statement = select(t.webhook_events).where(e.tenant_id == principal.tenant)
    if before is not None:
        statement = statement.where(e.event_no < before)
    statement = statement.order_by(e.event_no.desc()).limit(limit)
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
            for row in connection.execute(statement)
        ],
    )


# ---------------------------------------------------------------------------- dispatcher


class DispatchReport(BaseModel):
    tenant: str
    delivered: int
    failed_attempts: int
    given_up: int
    failed: list[str] = []  # the events whose attempt failed in this pass (retried later)


def signed_headers(claimed: Claimed, timestamp: int) -> dict[str, str]:
    """Signed twice: per Standard Webhooks (`webhook-*`), and with the older
    `X-Zengzhi-Signature`, kept for one release (docs/integration.md)."""
    body = claimed.body.encode()
    return {
        "Content-Type": "application/json",
        "User-Agent": f"zengzhi-webhooks/{__version__}",
        EVENT_ID_HEADER: claimed.event_id,
        EVENT_TYPE_HEADER: claimed.type,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(claimed.secret, timestamp, body),
    } | standard_webhooks.headers(claimed.secret, claimed.event_id, timestamp, body)


def send(client: httpx.Client, claimed: Claimed, now: datetime) -> Attempt:
    """POST one event; never raises for what the network or the receiver does."""
    body = claimed.body.encode()
    headers = signed_headers(claimed, int(now.timestamp()))
    started = time.perf_counter_ns()

    def took() -> int:
        return (time.perf_counter_ns() - started) // 1_000_000

    try:
        response = client.post(claimed.url, content=body, headers=headers)
    except httpx.TimeoutException as error:
        return Attempt("timeout", None, took(), f"timed out: {type(error).__name__}")
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        return Attempt("error", None, took(), f"{type(error).__name__}: {error}"[:500])
    if 200 <= response.status_code < 300:
        return Attempt(outbox.DELIVERED, response.status_code, took(), None)
    excerpt = response.text[:200].replace("\n", " ")
    return Attempt(
        "refused", response.status_code, took(), f"HTTP {response.status_code}: {excerpt}"
    )


def dispatch(
    context: Context,
    tenant: str,
    client: httpx.Client | None = None,
    batch: int = 50,
    workers: int = 8,
) -> DispatchReport:
    """Send every delivery of a tenant that is due now, until none is left (later
    retries wait for their time). Safe to run in several processes at once."""
    settings = context.settings
    lease = timedelta(seconds=settings.webhook_lease_seconds)
    own = client is None
    http = client or httpx.Client(
        timeout=settings.webhook_timeout_seconds,
        follow_redirects=False,
        transport=None if settings.webhook_private_targets else PublicOnlyTransport(),
    )
    report = DispatchReport(tenant=tenant, delivered=0, failed_attempts=0, given_up=0)
    try:
        for _ in range(10_000):  # a guard; each pass sends at least one
            token = secrets.token_hex(8)
            now = context.clock()

            def take(now: datetime = now, token: str = token) -> list[Claimed]:
                with context.database.write() as connection:
                    return outbox.claim(connection, tenant, now, lease, token, batch)

            claimed = context.database.retrying(take)
            if not claimed:
                break
            with ThreadPoolExecutor(max_workers=min(workers, len(claimed))) as pool:
                attempts = list(pool.map(lambda one: send(http, one, context.clock()), claimed))
            statuses = _record(context, tenant, claimed, token, attempts)
            for one, attempt, status in zip(claimed, attempts, statuses, strict=True):
                if attempt.outcome == outbox.DELIVERED:
                    report.delivered += 1
                else:
                    report.failed_attempts += 1
                    report.given_up += status == outbox.FAILED
                    report.failed.append(one.event_id)
                    log.info(
                        "tenant %s: webhook %s to %s: %s",
                        tenant,
                        one.event_id,
                        one.subscription_id,
                        attempt.error,
                    )
    finally:
        if own:
            http.close()
    return report


def _record(
    context: Context, tenant: str, claimed: list[Claimed], token: str, attempts: list[Attempt]
) -> list[str]:
    """Keep a pass's attempts, in one transaction; the deliveries' statuses."""
    settings = context.settings

    def run() -> list[str]:
        now = context.clock()
        with context.database.write() as connection:
            return [
                outbox.record(
                    connection,
                    tenant,
                    one,
                    token,
                    attempt,
                    now,
                    settings.webhook_max_attempts,
                    settings.webhook_retry_base_seconds,
                    settings.webhook_retry_cap_seconds,
                )
                for one, attempt in zip(claimed, attempts, strict=True)
            ]

    return context.database.retrying(run)


def tenants_with_subscriptions(connection: Connection) -> list[str]:
    c = t.webhook_subscriptions.c
    return list(
        connection.execute(
            select(c.tenant_id).where(c.active.is_(True)).distinct().order_by(c.tenant_id)
        ).scalars()
    )


def dispatch_all(context: Context, client: httpx.Client | None = None) -> list[DispatchReport]:
    """Every tenant with an active subscription, once."""
    return [
        dispatch(context, tenant, client) for tenant in query(context, tenants_with_subscriptions)
    ]


class WebhookRunner(threading.Thread):
    """The server's own dispatcher: deliver what is due every interval until stopped."""

    def __init__(
        self,
        context: Context,
        interval: int,
        deliver: Callable[[Context], object] = dispatch_all,
    ) -> None:
        super().__init__(name="zengzhi-webhooks", daemon=True)
        self._context = context
        self._interval = interval
        self._deliver = deliver
        self._stop = threading.Event()

    def run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._deliver(self._context)
            except Exception:  # a failing pass is logged; the next one runs anyway
                log.exception("webhook delivery failed")

    def stop(self) -> None:
        self._stop.set()
