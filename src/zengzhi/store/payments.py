"""The payments tables of one tenant as typed records: its payment adapter, the payouts
sent to WeChat Pay or Alipay, the gateway's notifications applied, and those refused
(service/payments.py, gateway_payouts.py, gateway_checkout.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, Select, and_, delete, or_, select

from zengzhi.core.lifecycles import WithdrawalStatus
from zengzhi.store import tables as t
from zengzhi.store.tenanted import Keyed, Tenanted, of_tenant, record_of
from zengzhi.store.tenants import tenants_having


@dataclass(frozen=True, slots=True)
class AdapterRow:
    adapter: str  # manual, webhook, wechat, alipay
    secret: str | None  # the webhook adapter's shared secret
    payout_url: str | None
    tolerance_seconds: int
    updated_at: datetime
    credentials: str | None  # wechat, alipay: the merchant's keys, encrypted
    merchant: str | None


class Adapters(Tenanted):
    """The tenant's one payment adapter row (none: the manual adapter)."""

    table = t.payment_adapters

    def get(self, lock: bool = False) -> AdapterRow | None:
        row = self.first(self.select(), lock)
        return None if row is None else record_of(AdapterRow, row)

    def put(self, exists: bool, values: Mapping[str, Any]) -> None:
        """The row, set whole: inserted, or (`exists`) updated."""
        statement = self.update().values(**values) if exists else self.insert(**values)
        self.connection.execute(statement)

    def reseal(self, credentials: str) -> None:
        """The keys encrypted again (under a new key), as they were."""
        self.connection.execute(self.update().values(credentials=credentials))

    def seal_wechat(self, credentials: str, at: datetime) -> None:
        """New keys for the wechat adapter (no change when the adapter is another)."""
        statement = self.update().where(self.table.c.adapter == "wechat")
        self.connection.execute(statement.values(credentials=credentials, updated_at=at))


@dataclass(frozen=True, slots=True)
class PayoutRow:
    withdrawal_id: str
    out_no: str  # the number the gateway knows it by
    adapter: str
    attempt: int
    outcome: str  # sending, paid, failed, pending, unknown, not_found
    detail: str | None
    reference: str | None
    sent_at: datetime
    checked_at: datetime
    package_info: str | None = None  # WeChat Pay's, while the payee has to confirm


# A rejected withdrawal's transfer the gateway may still pay: its last answer was that
# it is moving, or no answer to trust; or that it never arrived, within LATE_ARRIVAL of
# its sending (a request said never to have arrived can land after all).
STILL_MOVING = ("pending", "unknown")
NEVER_ARRIVED = "not_found"


def _paying(tenant: str | ColumnElement[str], late_since: datetime | None = None) -> Select[Any]:
    """The tenant's payouts the gateway may still pay: the withdrawal still `paying`; and,
    with `late_since`, a withdrawal finance rejected while its transfer may still be paid
    (STILL_MOVING, or NEVER_ARRIVED when sent after `late_since`). Such a payout, once
    paid, is taken back from the member (service/wallets.gateway_paid); without asking,
    only the gateway's notification would tell it, and a gateway that sends none left the
    member holding the payout twice, unbooked."""
    p, w = t.payouts.c, t.withdrawals.c
    due = w.status == WithdrawalStatus.PAYING
    if late_since is not None:
        rejected = and_(
            w.status == WithdrawalStatus.REJECTED,
            or_(
                p.outcome.in_(STILL_MOVING),
                and_(p.outcome == NEVER_ARRIVED, p.sent_at >= late_since),
            ),
        )
        due = or_(due, rejected)
    return (
        select(p.withdrawal_id)
        .join(t.withdrawals, (w.tenant_id == p.tenant_id) & (w.withdrawal_id == p.withdrawal_id))
        .where(of_tenant(p, tenant), due)
    )


def out_no_of(tenant: str, withdrawal_id: str, attempt: int) -> str:
    """A payout's number at the gateway: 32 letters and digits, as both gateways take;
    the same for the same attempt."""
    digest = hashlib.sha256(f"{tenant}\n{withdrawal_id}\n{attempt}".encode()).hexdigest()
    return "zz" + digest[:30]


class Payouts(Keyed[PayoutRow]):
    """A withdrawal's payout at a gateway, known by the withdrawal's id."""

    table = t.payouts
    key_name = "withdrawal_id"

    def record(self, row: Row[Any]) -> PayoutRow:
        return record_of(PayoutRow, row)

    def withdrawal_of(self, out_no: str) -> str | None:
        """The withdrawal a gateway's payout number belongs to."""
        statement = self.select(self.key).where(self.table.c.out_no == out_no)
        found: str | None = self.connection.execute(statement).scalar()
        return found

    def spent(self, out_no: str) -> str | None:
        """The withdrawal that was sent under `out_no` before the number it holds now
        (a number is spent by a definite refusal, and the next send takes the next
        attempt's): found by making each earlier attempt's number again, for the
        payouts sent more than once only. Asked only of a gateway's genuine notification
        whose number no payout holds now."""
        c = self.table.c
        statement = self.select(c.withdrawal_id, c.attempt).where(c.attempt > 1)
        for row in self.connection.execute(statement):
            earlier = range(1, int(row.attempt))
            if any(out_no_of(self.tenant, row.withdrawal_id, n) == out_no for n in earlier):
                return str(row.withdrawal_id)
        return None

    def due(self, checked_before: datetime, late_since: datetime) -> list[str]:
        """Withdrawals whose payout the gateway may still pay (`_paying`), last checked
        before the time, the longest unchecked first."""
        c = self.table.c
        statement = _paying(self.tenant, late_since).where(c.checked_at <= checked_before)
        return list(self.connection.execute(statement.order_by(c.checked_at)).scalars())


def tenants_paying(
    connection: Connection, late_since: datetime, among: Collection[str] | None = None
) -> list[str]:
    """The tenants (of `among`, or all) with a payout at WeChat Pay or Alipay the gateway
    may still pay (`_paying`)."""
    return tenants_having(connection, lambda tenant: _paying(tenant, late_since), among=among)


@dataclass(frozen=True, slots=True)
class NotificationRow:
    notification_id: str
    type: str
    target: str  # the order or withdrawal
    body: dict[str, Any]
    received_at: datetime


class Notifications(Keyed[NotificationRow]):
    """Notifications from the gateway verified and applied, by the gateway's id."""

    table = t.gateway_notifications
    key_name = "notification_id"

    def record(self, row: Row[Any]) -> NotificationRow:
        return record_of(NotificationRow, row, body=dict(row.body))

    def add(self, notification: NotificationRow) -> None:
        values = {name: getattr(notification, name) for name in NotificationRow.__slots__}
        self.connection.execute(self.insert(**values))

    def payments(self, order_id: str) -> set[str | None]:
        """The gateways' ids of the payments of the order notified before (None: a
        notification that named none), through `ix_gateway_notifications_target`
        (migration 0031)."""
        c = self.table.c
        statement = self.select(c.body).where(c.target == order_id, c.type == "payment.succeeded")
        return {dict(body).get("payment") for body in self.connection.execute(statement).scalars()}

    def newest(self, limit: int) -> list[NotificationRow]:
        c = self.table.c
        statement = self.select().order_by(c.received_at.desc(), c.notification_id).limit(limit)
        return [self.record(row) for row in self.connection.execute(statement)]


@dataclass(frozen=True, slots=True)
class RefusalRow:
    refusal_id: str
    received_at: datetime
    notification_id: str | None  # as claimed: unverified when forged
    reason: str
    message: str
    body: str


class Refusals(Tenanted):
    """Notifications refused, the newest `kept` of them."""

    table = t.gateway_refusals

    def add(self, refusal: RefusalRow) -> None:
        values = {name: getattr(refusal, name) for name in RefusalRow.__slots__}
        self.connection.execute(self.insert(**values))

    def keep_last(self, kept: int) -> None:
        """Delete all but the newest `kept`."""
        c = self.table.c
        oldest = self.first(
            self.select(c.received_at, c.refusal_id)
            .order_by(c.received_at.desc(), c.refusal_id.desc())
            .offset(kept - 1)
            .limit(1)
        )
        if oldest is not None:
            older = or_(
                c.received_at < oldest.received_at,
                and_(c.received_at == oldest.received_at, c.refusal_id < oldest.refusal_id),
            )
            self.connection.execute(delete(self.table).where(self.mine, older))

    def newest(self, limit: int) -> list[RefusalRow]:
        c = self.table.c
        statement = self.select().order_by(c.received_at.desc(), c.refusal_id).limit(limit)
        return [record_of(RefusalRow, row) for row in self.connection.execute(statement)]
