"""Payment and payout adapters (spec 04): one interface, two adapters.

- **manual** (the default): the shop marks an order paid (`POST /v1/orders/{id}/pay`),
  finance pays withdrawals outside and marks them paid (`POST /v1/withdrawals/{id}/paid`).
- **webhook**, a generic signed-webhook gateway: the gateway notifies payments and payout
  results to `POST /v1/gateway/{tenant}/notifications`, signed like this service's own
  webhooks (HMAC-SHA256 over timestamp and body, `core/signatures.py`); payout requests
  go to the gateway's `payout_url` through the webhook outbox (retried, signed, recorded),
  as events of type `payout.requested`.

A notification is applied only if its signature matches, its timestamp is fresh and its
id was never applied before; it is applied in the same transaction that records its id
(so a replay is refused even when two copies arrive at once). The address takes no
credentials, so what it writes is bounded: a tenant without a gateway (the manual
adapter) has nothing recorded at all, and a tenant with one has its refusals kept in
`gateway_refusals` (with the reason, and logged) at most REFUSALS_PER_MINUTE a minute,
counted in the database, and REFUSALS_KEPT in all, the oldest going first.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol
from urllib.parse import parse_qsl

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Connection

from zengzhi.core import standard_webhooks
from zengzhi.core.amounts import format_minor
from zengzhi.core.errors import DomainError, ErrorCode, invalid
from zengzhi.core.lifecycles import OrderStatus, WithdrawalStatus
from zengzhi.core.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify
from zengzhi.engine.fields import (
    Exact,
    Flag,
    Id,
    LoggedNote,
    Note,
    Whole,
    error_from_validation,
    loads_strict,
)
from zengzhi.engine.lines import yuan
from zengzhi.service import orders, wallets
from zengzhi.service.auth import Permission, Principal, Role
from zengzhi.service.base import Context, command, found, query
from zengzhi.service.egress import ReceiverUrl, check_target
from zengzhi.service.gateway_credentials import GATEWAYS, client_for, http_client, seal
from zengzhi.service.gateways.alipay import Alipay, AlipayConfig
from zengzhi.service.gateways.wechatpay import (
    WechatConfig,
    WechatPay,
    certificate_serials,
    pinned,
)
from zengzhi.service.queries import owed_back
from zengzhi.service.queries.withdrawals import WithdrawalView
from zengzhi.service.settings import Settings
from zengzhi.service.webhooks import (
    GATEWAY,
    changing_subscriptions,
    new_secret,
    put_subscription,
)
from zengzhi.store import outbox, security
from zengzhi.store.orders import OrderRow
from zengzhi.store.outbox import PAYOUT_REQUESTED
from zengzhi.store.payments import (
    AdapterRow,
    Adapters,
    NotificationRow,
    Notifications,
    Payouts,
    RefusalRow,
    Refusals,
)
from zengzhi.store.tenants import tenant_exists
from zengzhi.store.uow import UnitOfWork
from zengzhi.store.withdrawals import WithdrawalRow

log = logging.getLogger("zengzhi.payments")
# the webhooks (and audit actions) of a payment owed back to the buyer: one that came for
# a cancelled order, and a second one of an order a gateway had paid
# (engine/notices.SERVICE_TYPES)
ORDER_PAID_AFTER_CANCEL = owed_back.PAID_AFTER_CANCEL
ORDER_PAID_AGAIN = owed_back.PAID_AGAIN
# the webhook (and audit action) of its return to the buyer, recorded by the shop
ORDER_OWED_BACK_RETURNED = owed_back.RETURNED

GATEWAY_ACTOR = "gateway"
DEFAULT_TOLERANCE = 300
MAX_NOTIFICATION_BYTES = 16 * 1024  # a notification is a few hundred bytes
REFUSALS_PER_MINUTE = 30  # refusals kept a minute, a tenant; more are only counted
REFUSALS_KEPT = 1000  # refusals kept in all, a tenant
BODY_KEPT = 2000  # characters of a refused body


class Notification(BaseModel):
    """What a gateway tells us, as JSON: a payment of an order, or a payout's result."""

    model_config = ConfigDict(extra="forbid")

    id: Id = Field(description="the gateway's own id of this notification: applied once")
    type: Literal["payment.succeeded", "payout.succeeded", "payout.failed"]
    order: Id | None = None  # payment.succeeded
    amount: Exact | None = None  # payment.succeeded: must be the order's amount
    # payment.succeeded: the gateway's own id of the payment (WeChat Pay's transaction_id,
    # Alipay's trade_no), which one payment keeps in all its notifications (Alipay's
    # TRADE_SUCCESS, then TRADE_FINISHED): a second payment of a paid order is known by it
    payment: Id | None = None
    currency: Literal["CNY"] = "CNY"
    withdrawal: Id | None = None  # payout.*
    payout: Id | None = None  # payout.*, by its number at the gateway (WeChat Pay, Alipay)
    # payout.failed: the gateway's words, taken as an event line's (refusing one would
    # lose the payout's result), kept in the withdrawal's note
    reason: LoggedNote | None = None


class PaymentAdapter(Protocol):
    """How money comes in and goes out for a tenant."""

    name: str

    def verify(self, headers: Mapping[str, str], body: bytes, now: datetime) -> Notification:
        """A notification the gateway sent, checked; raises DomainError when it is not
        genuine, fresh and well-formed."""

    def request_payout(self, uow: UnitOfWork, withdrawal: WithdrawalRow) -> str:
        """Ask for an approved withdrawal to be paid out; returns its new status."""


class ManualAdapter:
    """Finance marks payments and payouts done through the API; no gateway talks to us."""

    name = "manual"

    def verify(self, headers: Mapping[str, str], body: bytes, now: datetime) -> Notification:
        raise _no_gateway()

    def request_payout(self, uow: UnitOfWork, withdrawal: WithdrawalRow) -> str:
        raise DomainError(
            ErrorCode.CONFLICT,
            "the manual adapter pays outside: mark the withdrawal paid "
            f"(POST /v1/withdrawals/{withdrawal.withdrawal_id}/paid)",
            "adapter",
        )


class WebhookAdapter:
    """A gateway that signs what it sends and takes payout requests as signed webhooks."""

    name = "webhook"

    def __init__(self, secret: str, tolerance: int) -> None:
        self._secret = secret
        self._tolerance = tolerance

    def verify(self, headers: Mapping[str, str], body: bytes, now: datetime) -> Notification:
        if standard_webhooks.SIGNATURE_HEADER in headers:  # a gateway signing with a library
            standard_webhooks.verify(
                self._secret, headers, body, int(now.timestamp()), self._tolerance
            )
        else:
            verify(
                self._secret,
                headers.get(TIMESTAMP_HEADER.lower()),
                headers.get(SIGNATURE_HEADER.lower()),
                body,
                int(now.timestamp()),
                self._tolerance,
            )
        try:
            return Notification.model_validate(loads_strict(body))
        except json.JSONDecodeError as error:
            raise invalid("body", f"is not valid JSON ({error})") from None
        except ValidationError as error:
            raise error_from_validation(error) from None

    def request_payout(self, uow: UnitOfWork, withdrawal: WithdrawalRow) -> str:
        uow.publish(
            PAYOUT_REQUESTED,
            [withdrawal.member_id],
            {
                "withdrawal": withdrawal.withdrawal_id,
                "member": withdrawal.member_id,
                "amount": format_minor(withdrawal.payout, 2),
                "currency": "CNY",
            },
        )
        return "paying"


class SignedByGateway:
    """WeChat Pay or Alipay: notifications in their own signed (and, for WeChat Pay,
    encrypted) formats; payouts are sent by service/gateway_payouts.py."""

    def __init__(self, name: str, client: WechatPay | Alipay) -> None:
        self.name = name
        self._client = client

    def verify(self, headers: Mapping[str, str], body: bytes, now: datetime) -> Notification:
        if isinstance(self._client, WechatPay):
            data = self._client.notification(headers, body, now)
        else:
            data = self._client.notification(body, now)
        try:
            return Notification.model_validate(data)
        except ValidationError as error:
            raise error_from_validation(error) from None

    def request_payout(self, uow: UnitOfWork, withdrawal: WithdrawalRow) -> str:
        raise DomainError(
            ErrorCode.CONFLICT, f"{self.name} payouts are sent by the gateway", "adapter"
        )


# ---------------------------------------------------------------------------- settings


class AdapterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    adapter: Literal["manual", "webhook", "wechat", "alipay"]
    payout_url: ReceiverUrl | None = Field(
        default=None, description="webhook adapter: where payout requests are POSTed"
    )
    tolerance_seconds: Whole = Field(
        default=DEFAULT_TOLERANCE, ge=30, le=3600, description="how old a notification may be"
    )
    rotate_secret: Flag = Field(default=False, description="a new shared secret")
    wechat: WechatConfig | None = Field(default=None, description="the wechat adapter's keys")
    alipay: AlipayConfig | None = Field(default=None, description="the alipay adapter's keys")


class AdapterView(BaseModel):
    adapter: str
    payout_url: str | None
    tolerance_seconds: int
    notification_url: str  # where the gateway sends notifications (path on this server)
    merchant: str | None = None  # wechat: the mchid; alipay: the app_id (keys never shown)
    secret: str | None = None  # only in the answer that creates or rotates it


def adapter_row(connection: Connection, tenant: str) -> AdapterRow | None:
    return Adapters(connection, tenant).get()


def _adapter_view(tenant: str, row: AdapterRow | None, secret: str | None = None) -> AdapterView:
    return AdapterView(
        adapter=row.adapter if row else "manual",
        payout_url=row.payout_url if row else None,
        tolerance_seconds=row.tolerance_seconds if row else DEFAULT_TOLERANCE,
        notification_url=f"/v1/gateway/{tenant}/notifications",
        merchant=row.merchant if row else None,
        secret=secret,
    )


def adapter_for(row: AdapterRow | None, settings: Settings) -> PaymentAdapter:
    if row is not None and row.adapter in GATEWAYS:
        return SignedByGateway(row.adapter, client_for(settings, row))
    if row is None or row.adapter == "manual" or not row.secret:
        return ManualAdapter()
    return WebhookAdapter(row.secret, int(row.tolerance_seconds))


def get_adapter(context: Context, principal: Principal) -> AdapterView:
    principal.require(Permission.READ)
    return query(
        context,
        lambda connection: _adapter_view(
            principal.tenant, adapter_row(connection, principal.tenant)
        ),
    )


def put_adapter(context: Context, principal: Principal, request: AdapterIn) -> AdapterView:
    """Choose the adapter. The webhook adapter gets a shared secret (shown once, in this
    answer; kept when the adapter is set again without `rotate_secret`). The secret signs
    payments and payouts, so whoever holds it can put money on the books: only a role
    with PAYMENT_ADAPTER (the owner), signed in, chooses the adapter, and only it sees
    the secret. Never an API key, whatever its role (`Principal.require`): a leaked
    owner key would take a secret that outlives its revocation."""
    principal.require(Permission.PAYMENT_ADAPTER)
    if request.adapter == "webhook" and request.payout_url is None:
        raise DomainError(ErrorCode.INVALID, "the webhook adapter needs a payout_url", "payout_url")
    if request.payout_url is not None:
        check_target(
            str(request.payout_url), "payout_url", context.settings.webhook_private_targets
        )
    gateway = _gateway_config(context, request)
    credentials = None if gateway is None else seal(context.settings, gateway)

    def run(uow: UnitOfWork) -> AdapterView:
        adapters = Adapters(uow.connection, uow.tenant)
        before = adapters.get(lock=True)
        secret = before.secret if before is not None else None
        shown = None
        if request.adapter == "webhook" and (secret is None or request.rotate_secret):
            secret = shown = new_secret()
        values = {
            "adapter": request.adapter,
            "secret": secret,
            "payout_url": str(request.payout_url) if request.payout_url else None,
            "tolerance_seconds": request.tolerance_seconds,
            "updated_at": uow.now,
            "credentials": credentials,
            "merchant": getattr(gateway, "mchid", None) or getattr(gateway, "app_id", None),
        }
        adapters.put(before is not None, values)
        if request.adapter == "webhook" and secret is not None and request.payout_url:
            put_subscription(uow, GATEWAY, str(request.payout_url), [PAYOUT_REQUESTED], secret)
        else:
            changing_subscriptions(uow).change(GATEWAY, active=False, updated_at=uow.now)
            outbox.cancel(uow.connection, uow.tenant, GATEWAY)
        after = _adapter_view(uow.tenant, adapters.get())
        # against what was in use (the manual adapter when none was ever set): the same
        # adapter chosen again with nothing changed is not a change, and the log listed
        # every field as set from nothing (a gateway's keys sent again are a change)
        was = _adapter_view(uow.tenant, before).model_dump(mode="json")
        now = after.model_dump(mode="json") | ({"secret": "new"} if shown else {})
        if now != was or credentials is not None:
            uow.audit(principal.actor, "payments.adapter", "tenant", before=was, after=now)
        return after.model_copy(update={"secret": shown})

    return command(context, principal, run)


def refresh_certificates(
    context: Context, principal: Principal, client: httpx.Client | None = None
) -> AdapterView:
    """Fetch WeChat Pay's platform certificates and pin the new ones beside those kept
    (expired ones dropped): how a rotation of WeChat Pay's certificate is followed. The
    owner's, signed in (PAYMENT_ADAPTER: never an API key)."""
    principal.require(Permission.PAYMENT_ADAPTER)
    row = query(context, lambda connection: adapter_row(connection, principal.tenant))
    gateway = client_for(context.settings, row)
    if not isinstance(gateway, WechatPay):
        raise DomainError(
            ErrorCode.CONFLICT, "only WeChat Pay has platform certificates", "adapter"
        )
    now = context.clock()
    http = http_client(context.settings, client)
    try:
        found = gateway.download_certificates(http, now)
    except httpx.HTTPError as error:
        raise DomainError(
            ErrorCode.CONFLICT, f"WeChat Pay cannot be reached: {error}"[:300], "adapter"
        ) from None
    except SignatureError as error:  # not WeChat Pay's answer: nothing is pinned
        log.warning("tenant %s: certificates refused: %s", principal.tenant, error)
        raise DomainError(
            ErrorCode.CONFLICT, f"the certificates are not trusted: {error}", error.field
        ) from None
    finally:
        if client is None:
            http.close()
    kept = pinned(gateway.config.platform_certificates + found, now)
    config = gateway.config.model_copy(update={"platform_certificates": kept})

    def run(uow: UnitOfWork) -> AdapterView:
        Adapters(uow.connection, uow.tenant).seal_wechat(seal(context.settings, config), uow.now)
        uow.audit(
            principal.actor,
            "payments.certificates",
            "tenant",
            before={"certificates": certificate_serials(gateway.config.platform_certificates)},
            after={"certificates": certificate_serials(kept)},
        )
        return _adapter_view(uow.tenant, adapter_row(uow.connection, uow.tenant))

    return command(context, principal, run)


def _gateway_config(context: Context, request: AdapterIn) -> WechatConfig | AlipayConfig | None:
    """The wechat or alipay adapter's keys, checked: each parses, and the gateway's
    address is one the server may call."""
    given = {"wechat": request.wechat, "alipay": request.alipay}
    for name, config in given.items():
        if config is not None and request.adapter != name:
            raise DomainError(ErrorCode.INVALID, f"only for the {name} adapter", name)
    if request.adapter not in GATEWAYS:
        return None
    config = given[request.adapter]
    if config is None:
        raise DomainError(ErrorCode.INVALID, "the adapter's keys are required", request.adapter)
    config.check()
    address = config.api_url if isinstance(config, WechatConfig) else config.gateway_url
    check_target(address, request.adapter, context.settings.webhook_private_targets)
    return config


# ---------------------------------------------------------------------------- payouts


def request_payout(context: Context, principal: Principal, withdrawal_id: str) -> WithdrawalView:
    """Send an approved withdrawal to the payout adapter (webhook: `paying` until the
    gateway's result arrives)."""
    principal.require(Permission.DECIDE_WITHDRAWALS)

    def run(uow: UnitOfWork) -> WithdrawalView:
        adapter = adapter_for(adapter_row(uow.connection, uow.tenant), context.settings)

        def act(uow: UnitOfWork, row: WithdrawalRow) -> None:
            wallets.refuse_while_owing(uow, row.member_id, "send")
            uow.withdrawals.change(withdrawal_id, status=adapter.request_payout(uow, row))

        return wallets.move(uow, principal.actor, withdrawal_id, "send", act)

    return command(context, principal, run)


# ---------------------------------------------------------------------------- notifications


class Refused(DomainError):
    """A notification refused, with why (signature, stale, replayed, invalid…)."""

    def __init__(self, reason: str, error: DomainError) -> None:
        super().__init__(error.code, error.message, error.field)
        self.reason = reason


class Accepted(BaseModel):
    notification: str
    type: str
    target: str
    status: str  # the order's or the withdrawal's status now


def _apply(
    uow: UnitOfWork, notification: Notification, data: dict[str, Any], gateway: bool
) -> Accepted:
    """Apply a verified notification once. `gateway` (WeChat Pay, Alipay): a copy of one
    already applied, saying the same, is answered as a success (they retry until they
    get it) and applies nothing; any other reuse of an id is refused as a replay."""
    applied = Notifications(uow.connection, uow.tenant)
    seen = applied.get(notification.id)
    if seen is not None and gateway and seen.body == data:
        log.info(
            "tenant %s: gateway notification %r again, the same as the one applied at %s:"
            " answered as a success, nothing applied",
            uow.tenant,
            notification.id,
            seen.received_at.isoformat(),
        )
        return Accepted(
            notification=notification.id,
            type=seen.type,
            target=seen.target,
            status=_status_now(uow, seen.type, seen.target),
        )
    if seen is not None:
        raise Refused(
            "replayed",
            DomainError(
                ErrorCode.CONFLICT,
                f"notification {notification.id!r} was applied at {seen.received_at.isoformat()}",
                "id",
            ),
        )
    actor = f"{GATEWAY_ACTOR}:{notification.id}"
    if notification.type == "payment.succeeded":
        if notification.order is None:
            raise DomainError(ErrorCode.INVALID, "is required", "order")
        if notification.amount is None:
            raise DomainError(ErrorCode.INVALID, "is required", "amount")
        # the order's row locked first: a cancel at this moment is waited for and read
        order = found(uow.orders.get(notification.order, lock=True), "order", notification.order)
        paid = yuan(notification.amount, "amount", positive=True)
        if paid != order.amount:
            raise DomainError(
                ErrorCode.CONFLICT,
                f"paid {format_minor(paid, 2)}, the order is {format_minor(order.amount, 2)}",
                "amount",
            )
        target = notification.order
        owed = _owed_as(applied, order, notification)
        if owed is not None:
            status = _owed_back(uow, actor, order, notification, owed)
        elif order.status == OrderStatus.CANCELLED:  # its payment notified again
            status = str(order.status)
        else:
            status = orders.pay_in(uow, actor, notification.order).status
    else:
        failed = notification.type != "payout.succeeded"
        target = notification.withdrawal or _paid_out(uow, notification.payout, failed)
        if notification.type == "payout.succeeded":
            status = wallets.gateway_paid(uow, actor, target).status
            _transfer_paid(uow, target, notification.payout)
        else:
            status = _transfer_failed(uow, actor, target, notification)
    applied.add(NotificationRow(notification.id, notification.type, target, data, uow.now))
    return Accepted(
        notification=notification.id, type=notification.type, target=target, status=status
    )


def _owed_as(applied: Notifications, order: OrderRow, notification: Notification) -> str | None:
    """Whether this payment of `order` is owed back to the buyer, as which action, or None:
    it pays the order (`created`), or it is a payment applied before, notified again
    under a new id (Alipay's TRADE_FINISHED after its TRADE_SUCCESS: the same `payment`),
    or one that cannot be told from the payment before (no `payment` id on either side)
    and is taken as it. A cancelled order owes back any other payment; a paid one (or
    completed, reversed, refunded) a payment whose id differs from one applied before."""
    if order.status == OrderStatus.CREATED:
        return None
    earlier = applied.payments(order.order_id)
    if notification.payment is not None and notification.payment in earlier:
        return None
    if order.status == OrderStatus.CANCELLED:
        return ORDER_PAID_AFTER_CANCEL
    if notification.payment is not None and earlier - {None}:
        return ORDER_PAID_AGAIN
    return None


def _owed_back(
    uow: UnitOfWork, actor: str, order: OrderRow, notification: Notification, action: str
) -> str:
    """The buyer paid an order that could take no payment: cancelled by the shop
    (`order.paid_after_cancel`: the notification came after the cancel, or at the same
    moment and lost the order's lock to it), or paid already through a gateway by another
    payment (`order.paid_again`: the buyer paid twice; `_owed_as`). The money is at
    the gateway, so it is recorded, not refused: refused, the gateway sent it again for a
    day, kept only among the bounded refusals, and the shop heard of nothing. The order
    stays as it is and mints nothing more; the notification is applied (listed, answered
    as a success so that the gateway stops); the audit record and the webhook of
    `action` tell the shop the amount is owed back to the buyer, who is refunded at the
    gateway (docs/payments.md, "Paid after it was cancelled" and "Paid twice").

    An order the shop marked paid itself (`POST /v1/orders/{id}/pay`), then notified
    paid by a gateway, is not counted twice: zengzhi cannot tell whether the shop marked
    it for this very payment, so the notification is applied as the same payment; so is
    a payment notified with no `payment` id after one that had none."""
    amount = format_minor(order.amount, 2)
    uow.audit(
        actor,
        action,
        f"order:{order.order_id}",
        before={"status": order.status.value, "member": order.member_id, "amount": amount},
        after={
            "status": order.status.value,
            "member": order.member_id,
            "amount": amount,
            "notification": notification.id,
        },
    )
    uow.publish(
        action,
        [order.member_id],
        {
            "order": order.order_id,
            "member": order.member_id,
            "amount": amount,
            "currency": "CNY",
            "notification": notification.id,
            "owed_back": amount,
        },
    )
    log.warning(
        "tenant %s: order %s was paid (%s, notification %r) %s: owed back to the buyer",
        uow.tenant,
        order.order_id,
        amount,
        notification.id,
        "again" if action == ORDER_PAID_AGAIN else "after it was cancelled",
    )
    return str(order.status)


class OwedBackReturn(BaseModel):
    """The shop's record that the money owed back to the buyer (paid at the gateway after
    the order was cancelled) was returned to the buyer at the gateway."""

    model_config = ConfigDict(extra="forbid")

    note: Note | None = Field(
        default=None,
        description="how it was returned: the gateway's refund number, who refunded it",
    )


class OwedBackReturned(BaseModel):
    """A return recorded: what it covered, when and by whom."""

    order: str
    member: str
    amount: str  # yuan: every payment owed back it covered
    currency: str = "CNY"
    notifications: list[str | None]  # the gateway's notifications of those payments
    returned_at: datetime
    returned_by: str
    note: str | None


def return_owed_back_once(
    context: Context, principal: Principal, order_id: str, request: OwedBackReturn
) -> tuple[OwedBackReturned, bool]:
    """Record that what the order's payments owed back to the buyer (after its cancel,
    or paid twice) was returned at the gateway, once; and whether it was recorded now
    (False: every such payment had been recorded returned before, by this return or
    another at the same moment: the answer is that return, and this note is not kept).
    Refused (409, field `owed_back`) for an order with no payment owed back. Audit-only,
    as the payment is: zengzhi's ledger holds none of an order's money
    (docs/payments.md). Under the order's row lock, which the gateway's notification
    takes too: two returns at once record one, and a payment arriving meanwhile is
    either covered or owed after it."""
    principal.require(Permission.ORDERS)

    def run(uow: UnitOfWork) -> tuple[OwedBackReturned, bool]:
        order = found(uow.orders.get(order_id, lock=True), "order", order_id)
        fallback = format_minor(order.amount, 2)
        found_rows = owed_back.records(uow.connection, uow.tenant, [order_id])
        payments = owed_back.settle(found_rows, fallback).get(order_id, [])
        due = owed_back.still_owed(payments)
        if due is None:
            returns = [p for p in payments if p.returned is not None]
            if not returns:
                raise DomainError(
                    ErrorCode.CONFLICT,
                    f"order {order_id!r} has no payment after its cancel and none paid twice:"
                    " nothing is owed back to the buyer",
                    "owed_back",
                )
            last = returns[-1].returned
            assert last is not None
            covered = [p.notification for p in payments if p.returned == last]
            answer = OwedBackReturned(
                order=order_id,
                member=order.member_id,
                amount=last.amount,
                notifications=covered,
                returned_at=last.at,
                returned_by=last.by,
                note=last.note,
            )
            return answer, False
        covered = [p.notification for p in payments if p.returned is None]
        uow.audit(
            principal.actor,
            ORDER_OWED_BACK_RETURNED,
            f"order:{order_id}",
            before={"owed_back": due},
            after={"owed_back": "0.00", "returned": due, "notifications": covered},
            reason=request.note,
        )
        uow.publish(
            ORDER_OWED_BACK_RETURNED,
            [order.member_id],
            {
                "order": order_id,
                "member": order.member_id,
                "amount": due,
                "currency": "CNY",
                "notifications": covered,
                "note": request.note,
            },
        )
        answer = OwedBackReturned(
            order=order_id,
            member=order.member_id,
            amount=due,
            notifications=covered,
            returned_at=uow.now,
            returned_by=principal.actor,
            note=request.note,
        )
        return answer, True

    # not grouped: a grouped command shares its unit of work, whose audit records are
    # written at its commit, so a second return in the same group would not see the first
    return command(context, principal, run)


def return_owed_back(
    context: Context, principal: Principal, order_id: str, request: OwedBackReturn
) -> OwedBackReturned:
    """`return_owed_back_once` for the API: recorded before is refused (409, field
    `owed_back`), saying when and by whom, so that a second caller is not told it did it."""
    answer, now = return_owed_back_once(context, principal, order_id, request)
    if not now:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"order {order_id!r}: the {answer.amount} owed back to the buyer was recorded"
            f" returned at {answer.returned_at.isoformat()} by {answer.returned_by}: nothing"
            " was done now",
            "owed_back",
        )
    return answer


def _status_now(uow: UnitOfWork, kind: str, target: str) -> str:
    """The status now of what an applied notification was about."""
    if kind == "payment.succeeded":
        return str(found(uow.orders.get(target), "order", target).status)
    return str(found(uow.withdrawals.get(target), "withdrawal", target).status)


def _paid_out(uow: UnitOfWork, out_no: str | None, failed: bool = False) -> str:
    """The withdrawal a gateway's payout number belongs to: the number it holds now, or,
    for a failure (`failed`), one it was sent under before and spent (a definite
    refusal, then a re-send under the next number). WeChat Pay notifies the old number's
    failure too, late or again; refused as an unknown payout (404), it was sent again and
    again for a day, each copy kept as a refusal. Found, it is `_transfer_failed`'s
    "sent again since": acknowledged, recorded as applied, and nothing moves. A success
    of a spent number is still refused (404) and kept: a number is spent only once the
    gateway said it failed, which it pays never after, so such a "paid" is for a person
    to look at, not to book."""
    if out_no is None:
        raise DomainError(ErrorCode.INVALID, "is required", "withdrawal")
    payouts = Payouts(uow.connection, uow.tenant)
    withdrawal = payouts.withdrawal_of(out_no)
    if withdrawal is None and failed:
        withdrawal = payouts.spent(out_no)
    return found(withdrawal, "payout", out_no)


def _transfer_failed(
    uow: UnitOfWork, actor: str, withdrawal_id: str, notification: Notification
) -> str:
    """The gateway notified that a payout failed (by its number, for WeChat Pay; the
    webhook adapter names the withdrawal); the withdrawal's status now.

    The withdrawal's row lock is taken first, and the payout's number read under it: a
    re-send (which takes it) is waited for, or seen. Failed under a number the
    withdrawal was sent again under another since (a query said it failed, finance sent
    it again), the notification says nothing of the transfer now at the gateway: it put
    the re-sent, `paying` withdrawal back to approved, for finance to reject while the
    gateway paid it. Under the number it holds, the number is spent (as when a query
    says so, gateway_payouts._settle): left `pending`, the next send used it again, and
    the gateway answered with the failed transfer each time. A withdrawal rejected
    meanwhile (a request thought never to have arrived landed after the rejection, and
    failed) has nothing to move: refused, the gateway sent the notification again and
    again, each copy kept as a refusal."""
    row = found(uow.withdrawals.get(withdrawal_id, lock=True), "withdrawal", withdrawal_id)
    payouts = Payouts(uow.connection, uow.tenant)
    payout = payouts.get(withdrawal_id)
    if notification.payout is not None and payout is not None:
        if payout.out_no != notification.payout:
            log.info(
                "tenant %s: payout %s of %s failed, sent again since as %s: nothing moves",
                uow.tenant,
                notification.payout,
                withdrawal_id,
                payout.out_no,
            )
            return str(row.status)
        payouts.change(
            withdrawal_id,
            outcome="failed",
            detail=f"notified: {notification.reason or 'failed'}"[:300],
            checked_at=uow.now,
        )
    if row.status == WithdrawalStatus.REJECTED:
        return str(row.status)
    return payout_failed(uow, actor, withdrawal_id, notification.reason)


def _transfer_paid(uow: UnitOfWork, withdrawal_id: str, out_no: str | None) -> None:
    """The payout's record says what the gateway's notification said of its number: paid.
    It went on saying `pending` (`GET …/payout`), with the package of a confirmation the
    payee had made, beside a withdrawal `paid`."""
    payouts = Payouts(uow.connection, uow.tenant)
    payout = payouts.get(withdrawal_id)
    if out_no is None or payout is None or payout.out_no != out_no:
        return  # the webhook adapter's (no payout row), or a number spent since
    payouts.change(
        withdrawal_id,
        outcome="paid",
        detail="notified: paid",
        package_info=None,
        checked_at=uow.now,
    )


def payout_failed(uow: UnitOfWork, actor: str, withdrawal_id: str, reason: str | None) -> str:
    """The gateway could not pay: the withdrawal is approved again, for finance to retry
    the payout or reject it (which returns the hold to the wallet)."""

    def act(uow: UnitOfWork, row: WithdrawalRow) -> None:
        uow.withdrawals.change(
            withdrawal_id,
            status=WithdrawalStatus.APPROVED,
            note=f"payout failed: {reason or 'no reason given'}"[:500],
        )
        uow.publish(
            "withdrawal.payout_failed",
            [row.member_id],
            {"withdrawal": withdrawal_id, "member": row.member_id, "reason": reason},
        )

    view = wallets.move(uow, actor, withdrawal_id, "payout_failed", act, f"payout failed: {reason}")
    return view.status


def receive(context: Context, tenant: str, headers: Mapping[str, str], body: bytes) -> Accepted:
    """A gateway's notification: verified, applied once, or refused and kept as refused.
    `headers` with lower-case names."""
    now = context.clock()
    if len(body) > MAX_NOTIFICATION_BYTES:
        raise DomainError(
            ErrorCode.TOO_LARGE,
            f"a notification is at most {MAX_NOTIFICATION_BYTES} bytes",
            "body",  # as the API's own 413 names it
        )
    row = query(context, lambda connection: _tenant_adapter(connection, tenant))
    adapter = adapter_for(row, context.settings)
    if isinstance(adapter, ManualAdapter):  # no gateway: refused, and nothing written
        log.info("tenant %s (manual adapter): a gateway notification refused", tenant)
        adapter.verify(headers, body, now)
    claimed: str | None = None
    try:
        try:
            data = loads_strict(body)
            given = data.get("id") if isinstance(data, dict) else None
            claimed = None if given is None else str(given)[:128]
        except ValueError:  # bad JSON or a key twice: verify() refuses it after the signature
            data = None  # (or a form: Alipay's, whose id is its notify_id)
            form = dict(parse_qsl(body.decode("utf-8", errors="replace")))
            claimed = form.get("notify_id", "")[:128] or None
        notification = adapter.verify(headers, body, now)
        if not isinstance(adapter, WebhookAdapter):  # a form, or encrypted: what it said
            data = notification.model_dump(mode="json", exclude_none=True)
        assert isinstance(data, dict)
        system = Principal(tenant, f"{GATEWAY_ACTOR}:{notification.id}", Role.OWNER)

        gateway = not isinstance(adapter, WebhookAdapter)

        def run(uow: UnitOfWork) -> Accepted:
            return _apply(uow, notification, data, gateway)

        # two copies at once on PostgreSQL: the second loses the race on the id's key,
        # is run again whole (Database.retrying) and is then a duplicate (answered as a
        # success for a gateway, refused as a replay for the webhook adapter)
        return command(context, system, run)
    except SignatureError as error:
        _refuse(context, tenant, now, claimed, error.reason, error, body)
        raise
    except Refused as error:
        _refuse(context, tenant, now, claimed, error.reason, error, body)
        raise
    except DomainError as error:
        _refuse(context, tenant, now, claimed, str(error.code), error, body)
        raise


def _no_gateway() -> SignatureError:
    # The same refusal for a tenant on the manual adapter and for no tenant at all: the
    # address is public, and must not tell anyone which tenants exist.
    return SignatureError("adapter", "no payment gateway sends notifications here", "adapter")


def _tenant_adapter(connection: Connection, tenant: str) -> AdapterRow | None:
    if not tenant_exists(connection, tenant):
        log.warning("gateway notification for unknown tenant %r refused", tenant)
        raise _no_gateway()
    return adapter_row(connection, tenant)


def _kept(text: str) -> str:
    """Text a stranger sent, as a column can keep it: a NUL (which PostgreSQL's text
    refuses) and a lone surrogate (which no encoding takes) written as escapes. Kept
    raw, they made the refusal itself fail, a 500 to anyone at the public address."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def _refuse(
    context: Context,
    tenant: str,
    now: datetime,
    claimed: str | None,
    reason: str,
    error: DomainError,
    body: bytes,
) -> None:
    """Keep a refusal, if the minute has room (counted in the database), and no more
    than REFUSALS_KEPT of them."""

    def run() -> int:
        with context.database.write() as connection:
            count = security.count_in_window(
                connection, tenant, "gateway_refusals", now, timedelta(minutes=1)
            )
            if count > REFUSALS_PER_MINUTE:
                return count
            refusals = Refusals(connection, tenant)
            refusals.add(
                RefusalRow(
                    refusal_id=secrets.token_hex(16),
                    received_at=now,
                    notification_id=None if claimed is None else _kept(claimed),
                    reason=_kept(reason[:40]),
                    message=_kept(str(error)[:500]),
                    body=_kept(body[:BODY_KEPT].decode("utf-8", errors="replace")),
                )
            )
            refusals.keep_last(REFUSALS_KEPT)
            return count

    count = context.database.retrying(run)
    if count <= REFUSALS_PER_MINUTE:
        log.warning(
            "tenant %s: gateway notification %r refused (%s): %s", tenant, claimed, reason, error
        )
    elif count == REFUSALS_PER_MINUTE + 1:
        log.warning(
            "tenant %s: more than %d gateway notifications refused this minute: the rest of"
            " the minute's are refused without being kept",
            tenant,
            REFUSALS_PER_MINUTE,
        )
