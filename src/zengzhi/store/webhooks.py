"""The webhook tables of one tenant as the use cases read them (service/webhooks.py):
subscriptions, a subscription's deliveries with their attempts, the events written.
Writing events and sending them is the outbox's (store/outbox.py)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Select, and_, case, func, select

from zengzhi.store import tables as t
from zengzhi.store.database import hold_advisory
from zengzhi.store.outbox import GATEWAY, PAYOUT_REQUESTED, requested_withdrawal
from zengzhi.store.pages import newest_first
from zengzhi.store.tenanted import Keyed, Tenanted, of_tenant, record_of
from zengzhi.store.tenants import tenants_having


@dataclass(frozen=True, slots=True)
class SubscriptionRow:
    subscription_id: str
    url: str
    secret: str
    event_types: tuple[str, ...]  # "order.completed", "withdrawal.*", "*"
    active: bool
    created_at: datetime
    updated_at: datetime


class Subscriptions(Keyed[SubscriptionRow]):
    table = t.webhook_subscriptions
    key_name = "subscription_id"

    def record(self, row: Row[Any]) -> SubscriptionRow:
        return record_of(SubscriptionRow, row, event_types=tuple(row.event_types))

    def subscribe(
        self, subscription_id: str, url: str, event_types: list[str], secret: str, at: datetime
    ) -> None:
        """Create the subscription, or replace it whole (active again), keeping when it
        was created."""
        values = {"url": url, "event_types": event_types, "secret": secret, "active": True}
        if self.get(subscription_id, lock=True) is None:
            self.connection.execute(
                self.insert(subscription_id=subscription_id, created_at=at, updated_at=at, **values)
            )
        else:
            self.change(subscription_id, updated_at=at, **values)

    def lock_active(self) -> None:
        """The tenant's subscriptions lock, held to the end of the transaction
        (PostgreSQL; on SQLite a write transaction has the whole database already),
        taken by every command that changes a subscription before it reads one: a
        subscription added or made active again counts the active ones under it, so two
        at once cannot both find room under the cap, and each such command counts them
        again at its commit as the one before it left them (store/tenants.py)."""
        hold_advisory(self.connection, f"zengzhi:webhooks:{self.tenant}")

    def active_count(self, besides: str) -> int:
        """How many subscriptions are active, `besides` (the payout gateway's) not counted."""
        c = self.table.c
        statement = self.select(func.count()).where(
            c.active.is_(True), c.subscription_id != besides
        )
        return int(self.connection.execute(statement).scalar_one())

    def all(self) -> list[SubscriptionRow]:
        """Every subscription, the oldest first."""
        c = self.table.c
        statement = self.select().order_by(c.created_at, c.subscription_id)
        return [self.record(row) for row in self.connection.execute(statement)]


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    subscription_id: str
    event_no: int
    status: str  # pending, delivered, failed, cancelled
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_latency_ms: int | None  # the last attempt's (None: not tried yet)
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    event_id: str
    type: str
    member: str | None


@dataclass(frozen=True, slots=True)
class AttemptRow:
    attempt: int
    at: datetime
    outcome: str  # delivered, refused, timeout, error
    status_code: int | None
    latency_ms: int
    error: str | None


class Deliveries(Tenanted):
    """A subscription's deliveries, each with its event's id, type and member."""

    table = t.webhook_deliveries

    def _listed(self, subscription_id: str) -> Select[Any]:
        d, e, a = self.table.c, t.webhook_events.c, t.webhook_attempts.c
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
            self.select(
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
            .join(t.webhook_events, (e.tenant_id == d.tenant_id) & (e.event_no == d.event_no))
            .where(d.subscription_id == subscription_id)
        )

    def page(
        self, subscription_id: str, status: str | None, limit: int, before: int | None
    ) -> list[DeliveryRow]:
        """The subscription's deliveries, newest first, numbered below `before`."""
        d = self.table.c
        statement = self._listed(subscription_id)
        if status is not None:
            statement = statement.where(d.status == status)
        rows = self.connection.execute(newest_first(statement, d.event_no, before, limit))
        return [record_of(DeliveryRow, row) for row in rows]

    def get(self, subscription_id: str, event_id: str) -> DeliveryRow | None:
        statement = self._listed(subscription_id).where(t.webhook_events.c.event_id == event_id)
        row = self.first(statement)
        return None if row is None else record_of(DeliveryRow, row)

    def attempts(self, delivery: DeliveryRow) -> list[AttemptRow]:
        a = t.webhook_attempts.c
        statement = (
            select(t.webhook_attempts)
            .where(
                of_tenant(a, self.tenant),
                a.subscription_id == delivery.subscription_id,
                a.event_no == delivery.event_no,
            )
            .order_by(a.attempt)
        )
        return [record_of(AttemptRow, row) for row in self.connection.execute(statement)]

    def send_again(self, delivery: DeliveryRow, status: str, at: datetime) -> None:
        """The delivery due at once, its failed attempts counted from 0 again. One a
        dispatcher is sending at this moment stays its own until that attempt is recorded
        (delivered then, or due again): its claim was cleared, and a withdrawal's payout
        request replayed while it was on its way read as never sent, so finance could pay
        it by hand as the gateway paid it (found by an attacker)."""
        d = self.table.c
        leased = and_(d.claimed_by.is_not(None), d.next_attempt_at > at)
        self.connection.execute(
            self.update()
            .where(d.subscription_id == delivery.subscription_id, d.event_no == delivery.event_no)
            .values(
                status=status,
                attempts=0,
                next_attempt_at=case((leased, d.next_attempt_at), else_=at),
            )
        )


@dataclass(frozen=True, slots=True)
class PayoutRequestRow:
    event_no: int
    event_id: str
    status: str  # pending, delivered, failed, cancelled
    claimed: bool  # a dispatcher holds it to send it (or held it when it stopped)
    sending: bool  # claimed, its lease still running: being sent at this moment
    tried: bool  # an attempt was made: it may have reached the gateway, answered or not


def payout_requests(
    connection: Connection, tenant: str, member: str, withdrawal_id: str, now: datetime
) -> list[PayoutRequestRow]:
    """A withdrawal's payout requests to the gateway's subscription, oldest first, their
    deliveries locked on PostgreSQL: a dispatcher claims with SKIP LOCKED, so one held
    here is not sent before this transaction ends, and one being claimed is waited for."""
    d, e, a = t.webhook_deliveries.c, t.webhook_events.c, t.webhook_attempts.c
    tried = (
        select(a.attempt)
        .where(
            a.tenant_id == d.tenant_id,
            a.subscription_id == d.subscription_id,
            a.event_no == d.event_no,
        )
        .exists()
    )
    statement = (
        select(
            d.event_no,
            e.event_id,
            e.body,
            d.status,
            d.claimed_by,
            d.next_attempt_at,
            tried.label("tried"),
        )
        .join(t.webhook_events, (e.tenant_id == d.tenant_id) & (e.event_no == d.event_no))
        .where(
            of_tenant(d, tenant),
            d.subscription_id == GATEWAY,
            e.type == PAYOUT_REQUESTED,
            e.member == member,
        )
        .order_by(d.event_no)
    )
    if connection.dialect.name == "postgresql":
        statement = statement.with_for_update(of=t.webhook_deliveries)
    return [
        PayoutRequestRow(
            int(row.event_no),
            row.event_id,
            row.status,
            claimed=row.claimed_by is not None,
            sending=row.claimed_by is not None and row.next_attempt_at > now,
            tried=row.tried,
        )
        for row in connection.execute(statement)
        if requested_withdrawal(row.body) == withdrawal_id
    ]


@dataclass(frozen=True, slots=True)
class WebhookEventRow:
    event_id: str
    event_no: int
    type: str
    member: str | None
    at: datetime
    body: str  # the exact JSON sent (and signed)


class WebhookEvents(Tenanted):
    table = t.webhook_events

    def body(self, event_no: int) -> str:
        e = self.table.c
        return str(
            self.connection.execute(self.select(e.body).where(e.event_no == event_no)).scalar_one()
        )

    def newest(self, limit: int, before: int | None) -> list[WebhookEventRow]:
        statement = newest_first(self.select(), self.table.c.event_no, before, limit)
        return [record_of(WebhookEventRow, row) for row in self.connection.execute(statement)]


def tenants_with_subscriptions(
    connection: Connection, among: Collection[str] | None = None
) -> list[str]:
    """The tenants (of `among`, or all) with an active subscription."""
    c = t.webhook_subscriptions.c
    return tenants_having(
        connection,
        lambda tenant: select(c.tenant_id).where(of_tenant(c, tenant), c.active),
        among=among,
    )
