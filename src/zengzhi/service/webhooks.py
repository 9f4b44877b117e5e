"""Webhooks' use cases: subscribing, changing a subscription, replaying a delivery; what
they show is read in `queries/webhooks.py`. Sending them is `webhook_delivery`'s.

Commands write webhook events in their own transaction (`store/uow.py`, `store/outbox.py`);
the dispatcher (`webhook_delivery.py`) sends them, at least once: receivers de-duplicate
by the event id. Per subscription and member, an event is sent only after every earlier
one has been delivered (or given up), so each member's events arrive in order. See
docs/integration.md.
"""

from __future__ import annotations

import difflib
import hashlib
import secrets
from datetime import timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from zengzhi.core import standard_webhooks
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.lifecycles import WithdrawalStatus
from zengzhi.engine.fields import Flag
from zengzhi.engine.notices import KNOWN_TYPES, names_a_type
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, command
from zengzhi.service.egress import ReceiverUrl, check_target
from zengzhi.service.queries import webhooks as webhook_reads
from zengzhi.service.queries.webhooks import (
    DeliveryView,
    SubscriptionView,
    delivery_row,
    subscription_row,
    subscription_view,
    with_attempts,
)
from zengzhi.store import outbox, security
from zengzhi.store.outbox import PAYOUT_REQUESTED
from zengzhi.store.uow import UnitOfWork
from zengzhi.store.webhooks import (
    Deliveries,
    DeliveryRow,
    Subscriptions,
    WebhookEvents,
)

# The payment adapter's payout endpoint is kept as a subscription of this id
# (service/payments.py): it is shown here, and changed only through the adapter.


GATEWAY = outbox.GATEWAY

# Active subscriptions a tenant may have (the payout gateway's not counted): every event
# is written once per matching subscription, and the dispatcher sends each; a deleted
# (stopped) subscription does not count, and counts again when made active.
MAX_SUBSCRIPTIONS = 20


def changing_subscriptions(uow: UnitOfWork) -> Subscriptions:
    """The tenant's subscriptions, for a command that changes one: their lock taken
    before any of their rows (such commands run one at a time), and the active ones
    counted again as it commits (store/tenants.py `numbering`), which tells every
    command after it whether to write its events for some."""
    subscriptions = Subscriptions(uow.connection, uow.tenant)
    subscriptions.lock_active()
    uow.webhooks_changed = True
    return subscriptions


def _room_for_one(subscriptions: Subscriptions) -> None:
    """Refuse a subscription added or made active past the cap, counted under the
    tenant's subscriptions lock (two at once cannot both find the last place)."""
    if subscriptions.active_count(besides=GATEWAY) >= MAX_SUBSCRIPTIONS:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"a tenant may have at most {MAX_SUBSCRIPTIONS} active webhook subscriptions:"
            " delete one it no longer needs first (one subscription takes several event types)",
            "subscription",
        )


def _sent(pattern: str) -> str:
    """A type pattern that can match what is sent (`names_a_type`), else refused, with
    the nearest type when there is one (a typo saved received nothing, without a word)."""
    if names_a_type(pattern):
        return pattern
    near = difflib.get_close_matches(pattern, sorted(KNOWN_TYPES), n=1)
    if near:
        raise ValueError(f"{pattern} is no event type zengzhi sends: did you mean {near[0]}?")
    # a long paste said by its start (the console shows the refusal under the field)
    said = pattern if len(pattern) <= 40 else pattern[:40] + "…"
    raise ValueError(f"{said} is no event type zengzhi sends (docs/integration.md lists them)")


EventPattern = Annotated[
    str,
    Field(pattern=r"^(\*|[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?)$"),
    AfterValidator(_sent),
]


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: ReceiverUrl = Field(description="where events are POSTed (http or https)")
    event_types: list[EventPattern] = Field(
        min_length=1,
        max_length=50,
        description='types to receive: "order.completed", "withdrawal.*", or "*" for all',
    )


class SubscriptionChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: ReceiverUrl | None = None
    event_types: list[EventPattern] | None = Field(default=None, min_length=1, max_length=50)
    active: Flag | None = None
    rotate_secret: Flag = Field(default=False, description="a new secret, shown in the answer")


def new_secret() -> str:
    return standard_webhooks.new_secret()


def put_subscription(
    uow: UnitOfWork, subscription_id: str, url: str, event_types: list[str], secret: str
) -> None:
    """Create or replace a subscription inside a command (the payment adapter's too)."""
    changing_subscriptions(uow).subscribe(subscription_id, url, event_types, secret, uow.now)


def create_subscription(
    context: Context, principal: Principal, request: SubscriptionIn, form: str | None = None
) -> SubscriptionView:
    """A new subscription and its signing secret, shown this once. `form`: the console
    form's own id, which names the subscription, so that the form sent again (a reload of
    the answer) adds nothing: it is refused, naming `id`."""
    principal.require(Permission.CONFIGURE)
    subscription_id = "wh_" + (
        hashlib.sha256(form.encode()).hexdigest()[:16] if form else secrets.token_hex(8)
    )
    secret = new_secret()

    check_target(str(request.url), "url", context.settings.webhook_private_targets)

    def run(uow: UnitOfWork) -> SubscriptionView:
        subscriptions = changing_subscriptions(uow)
        if form and subscriptions.get(subscription_id) is not None:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"this form added subscription {subscription_id} already;"
                " its signing secret was shown then, once",
                "id",
            )
        _room_for_one(subscriptions)
        subscriptions.subscribe(
            subscription_id, str(request.url), list(request.event_types), secret, uow.now
        )
        row = subscription_row(uow.connection, uow.tenant, subscription_id)
        view = subscription_view(row, secret)
        uow.audit(
            principal.actor,
            "webhook.create",
            f"webhook:{subscription_id}",
            after=view.model_dump(mode="json", exclude={"secret"}),
        )
        return view

    return command(context, principal, run)


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
        subscriptions = changing_subscriptions(uow)
        row = subscription_row(uow.connection, uow.tenant, subscription_id, lock=True)
        before = subscription_view(row).model_dump(mode="json")
        values: dict[str, Any] = {"updated_at": uow.now}
        if change.url is not None:
            values["url"] = str(change.url)
        if change.event_types is not None:
            values["event_types"] = list(change.event_types)
        if change.active is not None:
            if change.active and not row.active:
                _room_for_one(subscriptions)
            values["active"] = change.active
            if not change.active:
                outbox.cancel(uow.connection, uow.tenant, subscription_id)
        if secret is not None:
            values["secret"] = secret
        subscriptions.change(subscription_id, **values)
        view = subscription_view(
            subscription_row(uow.connection, uow.tenant, subscription_id), secret
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


def replay_delivery(
    context: Context, principal: Principal, subscription_id: str, event_id: str
) -> DeliveryView:
    """Send an event again, at once, whatever became of it (delivered, failed…); it gets
    the full retry schedule again. The receiver sees the same event id. The payment
    gateway's deliveries (payout requests) are the payment adapter's: its permission,
    asked first, so that an API key of any role is refused them as a key (naming
    `Authorization`: a signed-in user's only), not as a role."""
    if subscription_id == GATEWAY:
        principal.require(
            Permission.PAYMENT_ADAPTER,
            "subscription",
            "a payout request is sent again only by whoever may choose the payment adapter",
        )
    principal.require(Permission.CONFIGURE)

    def run(uow: UnitOfWork) -> DeliveryView:
        subscription = subscription_row(uow.connection, uow.tenant, subscription_id)
        if not subscription.active:
            raise DomainError(
                ErrorCode.CONFLICT, f"subscription {subscription_id!r} is inactive", "subscription"
            )
        row = delivery_row(uow.connection, uow.tenant, subscription_id, event_id)
        if row.type == PAYOUT_REQUESTED:
            _still_paying(uow, row)
        Deliveries(uow.connection, uow.tenant).send_again(row, outbox.PENDING, uow.now)
        uow.audit(
            principal.actor,
            "webhook.replay",
            f"webhook:{subscription_id}",
            before={"event": event_id, "status": row.status},
            after={"event": event_id, "status": outbox.PENDING},
        )
        return with_attempts(
            uow.connection,
            uow.tenant,
            delivery_row(uow.connection, uow.tenant, subscription_id, event_id),
        )

    return command(context, principal, run)


def _still_paying(uow: UnitOfWork, delivery: DeliveryRow) -> None:
    """A payout request is sent again only while its withdrawal is `paying` (locked, as
    every step of it is): sent again once paid by hand, rejected, or approved again after
    the gateway refused it, it asked the gateway to pay a withdrawal settled otherwise,
    or to pay it twice (a new send publishes a request of its own)."""
    body = WebhookEvents(uow.connection, uow.tenant).body(delivery.event_no)
    withdrawal_id = outbox.requested_withdrawal(body)
    row = uow.withdrawals.get(withdrawal_id, lock=True)
    if row is not None and row.status != WithdrawalStatus.PAYING:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"withdrawal {withdrawal_id!r} is {row.status}: its payout request is sent again"
            " only while it is being paid",
            "event_id",
        )


PING = "ping"
PINGS = 10  # test events a tenant may send in a window (the message says the number)
PING_WINDOW_SECONDS = 60


def ping(
    context: Context, principal: Principal, subscription_id: str, form: str | None = None
) -> DeliveryView:
    """A test delivery: an event of type `ping` for this subscription alone, whatever
    types it takes, numbered, signed and sent through the outbox as every other event
    (so it is in the subscription's deliveries, with its attempts). `form`: the console
    form's own id, which names the event, so that the form sent again (a reload, a
    double click) sends nothing more: it is refused, naming `id`."""
    principal.require(Permission.CONFIGURE)
    if subscription_id == GATEWAY:
        raise DomainError(
            ErrorCode.CONFLICT,
            "the payout gateway's subscription takes payout requests only, not test events",
            "subscription",
        )
    named = f"{subscription_id}\x00{form}".encode()
    event_id = hashlib.sha256(named).hexdigest()[:32] if form else secrets.token_hex(16)

    def run(uow: UnitOfWork) -> None:
        subscription = subscription_row(uow.connection, uow.tenant, subscription_id, lock=True)
        if not subscription.active:
            raise DomainError(
                ErrorCode.CONFLICT, f"subscription {subscription_id!r} is inactive", "subscription"
            )
        # the subscription's row is locked: a twin of this form waits, then sees this one
        if form and Deliveries(uow.connection, uow.tenant).get(subscription_id, event_id):
            raise DomainError(ErrorCode.CONFLICT, "this form sent its test event already", "id")
        # each ping is a POST to an address the tenant chose, retried as every event: a
        # limit, so that the API cannot be turned into a tool that floods someone's server
        window = timedelta(seconds=PING_WINDOW_SECONDS)
        if (
            security.count_in_window(uow.connection, uow.tenant, "webhook_pings", uow.now, window)
            > PINGS
        ):
            raise DomainError(
                ErrorCode.TOO_MANY,
                "at most 10 test events a minute for a tenant: wait a minute, then send again",
                "subscription",
                retry_after=PING_WINDOW_SECONDS,
            )
        uow.publish_to(subscription_id, event_id, PING, {"subscription": subscription_id})
        uow.audit(
            principal.actor, "webhook.ping", f"webhook:{subscription_id}", after={"event": event_id}
        )

    command(context, principal, run)
    return webhook_reads.get_delivery(context, principal, subscription_id, event_id)
