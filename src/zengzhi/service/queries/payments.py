"""What the payment gateway sent, as the API shows it: the notifications applied and
those refused (the newest first)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, query
from zengzhi.store.payments import Notifications, Refusals


class RefusalView(BaseModel):
    id: str
    received_at: datetime
    notification: str | None
    reason: str  # signature, stale, replayed, adapter, invalid, not_found, conflict
    message: str
    body: str


class NotificationView(BaseModel):
    id: str
    type: str
    target: str
    received_at: datetime
    body: dict[str, Any]


def list_refusals(context: Context, principal: Principal, limit: int) -> list[RefusalView]:
    principal.require(Permission.READ)
    return query(
        context,
        lambda connection: [
            RefusalView(
                id=row.refusal_id,
                received_at=row.received_at,
                notification=row.notification_id,
                reason=row.reason,
                message=row.message,
                body=row.body,
            )
            for row in Refusals(connection, principal.tenant).newest(limit)
        ],
    )


def list_notifications(
    context: Context, principal: Principal, limit: int
) -> list[NotificationView]:
    principal.require(Permission.READ)
    return query(
        context,
        lambda connection: [
            NotificationView(
                id=row.notification_id,
                type=row.type,
                target=row.target,
                received_at=row.received_at,
                body=row.body,
            )
            for row in Notifications(connection, principal.tenant).newest(limit)
        ],
    )
