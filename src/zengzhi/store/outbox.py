"""The webhook outbox in SQL: events written in the command's own transaction, one
delivery per interested subscription, and the dispatcher's claims and results.

A command's notices are numbered from the tenant's `webhook_seq` under the tenant row
lock (in commit order, like the event log) and written only when the tenant has an
active subscription that wants them. A dispatcher claims due deliveries by pushing
their `next_attempt_at` forward by a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so
two dispatchers never claim the same row; SQLite has one writer at a time), sends them,
and records each attempt. A delivery is due only when no earlier delivery of the same
subscription and member is still pending: per member, events go out in order.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    bindparam,
    exists,
    func,
    insert,
    select,
    update,
)

from zengzhi.engine.notices import Notice, wants
from zengzhi.store import tables as t
from zengzhi.store.database import insert_into
from zengzhi.store.tenanted import of_tenant

# The webhook payout adapter's gateway: its subscription, and its one type of event
GATEWAY = "gateway"
PAYOUT_REQUESTED = "payout.requested"
PAYING = "paying"  # the one status of a withdrawal whose payout request may be sent

PENDING = "pending"
DELIVERED = "delivered"
FAILED = "failed"  # gave up after the last attempt; a replay sends it again
CANCELLED = "cancelled"  # its subscription was deleted


class Subscription(NamedTuple):
    id: str
    patterns: list[str]


_S = t.webhook_subscriptions.c
# read by every command that numbers something: built once (store/tenants.py says why)
_ACTIVE = (
    select(_S.subscription_id, _S.event_types)
    .where(of_tenant(_S, bindparam("tenant")), _S.active.is_(True))
    .order_by(_S.subscription_id)
)


def active_subscriptions(connection: Connection, tenant: str) -> list[Subscription]:
    return [
        Subscription(row.subscription_id, list(row.event_types))
        for row in connection.execute(_ACTIVE, {"tenant": tenant})
    ]


def body(tenant: str, number: int, event_id: str, notice: Notice, at: datetime) -> str:
    """The JSON that is signed and sent, byte for byte on every attempt."""
    payload = {
        "id": event_id,
        "type": notice.type,
        "tenant": tenant,
        "sequence": number,
        "at": at.isoformat(),
        "members": list(notice.members),
        "data": notice.data,
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def write(
    connection: Connection,
    tenant: str,
    now: datetime,
    notices: Sequence[Notice],
    last: int,
    subscriptions: Sequence[Subscription],
    event_ids: Sequence[str] = (),
) -> int:
    """Number and write the notices some subscription wants, and their deliveries;
    returns the tenant's new `webhook_seq`. `event_ids`: the first notices' event ids,
    chosen by the command (a test delivery's, which it answers with); the others' are
    new."""
    events: list[dict[str, Any]] = []
    deliveries: list[dict[str, Any]] = []
    for index, notice in enumerate(notices):
        takers = [one.id for one in subscriptions if wants(one.patterns, notice.type)]
        if not takers:
            continue
        last += 1
        event_id = event_ids[index] if index < len(event_ids) else uuid.uuid4().hex
        member = notice.members[0] if notice.members else None
        events.append(
            {
                "tenant_id": tenant,
                "event_no": last,
                "event_id": event_id,
                "type": notice.type,
                "member": member,
                "body": body(tenant, last, event_id, notice, now),
                "at": now,
            }
        )
        deliveries += [
            {
                "tenant_id": tenant,
                "subscription_id": subscription,
                "event_no": last,
                "ordering_key": member or "",
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for subscription in takers
        ]
    if events:
        connection.execute(insert_into(t.webhook_events), events)
        connection.execute(insert_into(t.webhook_deliveries), deliveries)
    return last


class Claimed(NamedTuple):
    subscription_id: str
    event_no: int
    event_id: str
    type: str
    body: str
    url: str
    secret: str


def claim(
    connection: Connection, tenant: str, now: datetime, lease: timedelta, token: str, limit: int
) -> list[Claimed]:
    """Take up to `limit` due deliveries, each the earliest pending one of its
    subscription and member, and hold them for `lease`. A pending delivery of a
    subscription that is no longer active is cancelled, not sent: a command that read
    the subscription as active when it committed may have written it after the
    subscription was stopped and its pending deliveries cancelled (notes/attack-races:
    an event, or a payout request to a gateway just switched off, sent after the stop)."""
    while True:
        keys, stopped = _due(connection, tenant, now, limit)
        busy, settled = _payouts_not_due(connection, tenant, keys)
        if stopped or settled:
            cancel_keys(connection, tenant, stopped + settled)
        keys = [key for key in keys if key not in busy and key not in settled]
        if keys or not (stopped or settled):
            break
    if not keys:
        return []
    return _hold(connection, tenant, now, lease, token, keys)


def requested_withdrawal(body: str) -> str:
    """The withdrawal a payout request's event (its body as sent) asks to pay."""
    return str(json.loads(body)["data"]["withdrawal"])


def _payouts_not_due(
    connection: Connection, tenant: str, keys: list[tuple[str, int]]
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Of these due deliveries, the gateway's payout requests not to send now: those
    whose withdrawal is being changed at this moment (busy: tried again on a later pass)
    and those whose withdrawal is no longer `paying` (settled: cancelled). A request is
    sent only while its withdrawal is being paid: one still queued after the gateway
    refused it (`payout.failed`), then paid by hand or rejected, was sent all the same,
    and the gateway's "paid" found the withdrawal paid (found by an attacker). The
    withdrawal is read `FOR SHARE SKIP LOCKED` after its delivery: a command that holds
    the withdrawal and then waits for the delivery (`webhooks.payout_requests`) is never
    waited for here, so the two cannot deadlock."""
    asked = [number for subscription, number in keys if subscription == GATEWAY]
    if not asked:
        return [], []
    e, w = t.webhook_events.c, t.withdrawals.c
    requested = {
        int(row.event_no): requested_withdrawal(row.body)
        for row in connection.execute(
            select(e.event_no, e.body).where(
                of_tenant(e, tenant), e.event_no.in_(asked), e.type == PAYOUT_REQUESTED
            )
        )
    }
    if not requested:
        return [], []
    statement = select(w.withdrawal_id, w.status).where(
        of_tenant(w, tenant), w.withdrawal_id.in_(set(requested.values()))
    )
    if connection.dialect.name == "postgresql":
        statement = statement.with_for_update(read=True, skip_locked=True)
    status = {row.withdrawal_id: row.status for row in connection.execute(statement)}
    busy = [(GATEWAY, n) for n, one in requested.items() if one not in status]
    settled = [(GATEWAY, n) for n, one in requested.items() if status.get(one, PAYING) != PAYING]
    return busy, settled


def _due(
    connection: Connection, tenant: str, now: datetime, limit: int
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The due deliveries (locked), those of an active subscription and the others."""
    d = t.webhook_deliveries
    s = t.webhook_subscriptions
    earlier = t.webhook_deliveries.alias("earlier")
    blocked = exists().where(
        earlier.c.tenant_id == d.c.tenant_id,
        earlier.c.subscription_id == d.c.subscription_id,
        earlier.c.ordering_key == d.c.ordering_key,
        earlier.c.status == PENDING,
        earlier.c.event_no < d.c.event_no,
    )
    statement = (
        select(d.c.subscription_id, d.c.event_no, s.c.active)
        .join(
            s,
            and_(s.c.tenant_id == d.c.tenant_id, s.c.subscription_id == d.c.subscription_id),
        )
        .where(
            of_tenant(d, tenant),
            d.c.status == PENDING,
            d.c.next_attempt_at <= now,
            ~blocked,
        )
        .order_by(d.c.event_no, d.c.subscription_id)
        .limit(limit)
    )
    if connection.dialect.name == "postgresql":
        statement = statement.with_for_update(skip_locked=True, of=d)
    keys: list[tuple[str, int]] = []
    stopped: list[tuple[str, int]] = []
    for row in connection.execute(statement):
        (keys if row.active else stopped).append((row.subscription_id, int(row.event_no)))
    return keys, stopped


def _set_each(
    connection: Connection,
    tenant: str,
    keys: list[tuple[str, int]],
    values: dict[str, Any],
    *also: ColumnElement[bool],
) -> None:
    """Set `values` on each of these deliveries (where `also` holds too)."""
    d = t.webhook_deliveries
    for subscription, number in keys:
        connection.execute(
            update(d)
            .where(
                of_tenant(d, tenant),
                d.c.subscription_id == subscription,
                d.c.event_no == number,
                *also,
            )
            .values(**values)
        )


def cancel_keys(connection: Connection, tenant: str, keys: list[tuple[str, int]]) -> None:
    """Cancel these deliveries (subscription, event number) where still pending. A claim
    stays until its dispatcher records its attempt (`record`): one being sent is still
    on its way (`cancel`)."""
    d = t.webhook_deliveries
    _set_each(connection, tenant, keys, {"status": CANCELLED}, d.c.status == PENDING)


def _hold(
    connection: Connection,
    tenant: str,
    now: datetime,
    lease: timedelta,
    token: str,
    keys: list[tuple[str, int]],
) -> list[Claimed]:
    """Hold the deliveries for `lease` under `token`; what each is to send."""
    _set_each(connection, tenant, keys, {"next_attempt_at": now + lease, "claimed_by": token})
    e, s = t.webhook_events.c, t.webhook_subscriptions.c
    numbers = sorted({number for _, number in keys})
    events = {
        int(row.event_no): row
        for row in connection.execute(
            select(e.event_no, e.event_id, e.type, e.body).where(
                of_tenant(e, tenant), e.event_no.in_(numbers)
            )
        )
    }
    subscriptions = {
        row.subscription_id: row
        for row in connection.execute(
            select(s.subscription_id, s.url, s.secret).where(
                of_tenant(s, tenant), s.subscription_id.in_({key for key, _ in keys})
            )
        )
    }
    return [
        Claimed(
            subscription,
            number,
            events[number].event_id,
            events[number].type,
            events[number].body,
            subscriptions[subscription].url,
            subscriptions[subscription].secret,
        )
        for subscription, number in keys
    ]


class Attempt(NamedTuple):
    outcome: str  # delivered, refused (an HTTP status other than 2xx), timeout, error
    status_code: int | None
    latency_ms: int
    error: str | None


def retry_delay(failures: int, base: int, cap: int) -> timedelta:
    """Exponential back-off: base × 2^(failures − 1) seconds, at most `cap`."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, failures - 1)))


def record(
    connection: Connection,
    tenant: str,
    claimed: Claimed,
    token: str,
    attempt: Attempt,
    now: datetime,
    max_attempts: int,
    base: int,
    cap: int,
) -> str:
    """Keep one attempt and move its delivery on; returns the delivery's status."""
    d = t.webhook_deliveries.c
    where = and_(
        of_tenant(d, tenant),
        d.subscription_id == claimed.subscription_id,
        d.event_no == claimed.event_no,
    )
    row = connection.execute(
        select(d.status, d.attempts, d.claimed_by).where(where).with_for_update()
    ).one()
    a = t.webhook_attempts.c
    number = connection.execute(
        select(func.coalesce(func.max(a.attempt), 0)).where(
            of_tenant(a, tenant),
            a.subscription_id == claimed.subscription_id,
            a.event_no == claimed.event_no,
        )
    ).scalar_one()
    connection.execute(
        insert(t.webhook_attempts).values(
            tenant_id=tenant,
            subscription_id=claimed.subscription_id,
            event_no=claimed.event_no,
            attempt=int(number) + 1,
            at=now,
            outcome=attempt.outcome,
            status_code=attempt.status_code,
            latency_ms=attempt.latency_ms,
            error=attempt.error,
        )
    )
    values: dict[str, Any] = {"last_status_code": attempt.status_code, "last_error": attempt.error}
    if row.claimed_by == token:  # sent: no longer on its way, whatever became of it
        values["claimed_by"] = None
    status = str(row.status)
    if attempt.outcome == DELIVERED and status == PENDING:
        status = DELIVERED
        values |= {"status": DELIVERED, "delivered_at": now, "claimed_by": None}
    elif status == PENDING and row.claimed_by == token:
        failures = int(row.attempts) + 1
        values |= {"attempts": failures, "claimed_by": None}
        if failures >= max_attempts:
            status = FAILED
            values["status"] = FAILED
        else:
            values["next_attempt_at"] = now + retry_delay(failures, base, cap)
    # else: another pass claimed it again after our lease ran out; it decides
    connection.execute(update(t.webhook_deliveries).where(where).values(**values))
    return status


def cancel(connection: Connection, tenant: str, subscription_id: str) -> None:
    """Cancel the subscription's pending deliveries. One a dispatcher is sending at this
    moment keeps its claim until the attempt is recorded: cleared here, a payout request
    on its way to the gateway when the tenant switched adapters read as never sent, and
    finance could pay by hand what the gateway paid (found by an attacker)."""
    d = t.webhook_deliveries.c
    connection.execute(
        update(t.webhook_deliveries)
        .where(
            of_tenant(d, tenant),
            d.subscription_id == subscription_id,
            d.status == PENDING,
        )
        .values(status=CANCELLED)
    )
