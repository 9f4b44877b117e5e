"""The audit log of who changed what, as the API shows it (newest first)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context, query
from zengzhi.store.books import AuditLog


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    target: str | None
    before: Any
    after: Any
    reason: str | None


def audit_log(
    context: Context, principal: Principal, limit: int, before: int | None
) -> list[AuditEntry]:
    principal.require(Permission.READ)
    return query(
        context,
        lambda connection: [
            AuditEntry(
                id=row.audit_id,
                at=row.at,
                actor=row.actor,
                action=row.action,
                target=row.target,
                before=row.before,
                after=row.after,
                reason=row.reason,
            )
            for row in AuditLog(connection, principal.tenant).newest(limit, before)
        ],
    )
