"""The audit log, and the ledger's own check."""

from __future__ import annotations

from fastapi import APIRouter

from zengzhi.api.routing import StrictJSONRoute
from zengzhi.deps import Before, ContextDep, Limit, PrincipalDep
from zengzhi.service import audit
from zengzhi.service.audit import AuditReport
from zengzhi.service.auth import Permission
from zengzhi.service.base import query
from zengzhi.service.queries import audit_log as audit_reads
from zengzhi.service.queries.audit_log import AuditEntry

router = APIRouter(prefix="/v1", tags=["audit"], route_class=StrictJSONRoute)


@router.get("/audit-log", response_model=list[AuditEntry])
def audit_log(
    context: ContextDep, principal: PrincipalDep, limit: Limit = 50, before: Before = None
) -> list[AuditEntry]:
    """Who changed what, when, with before and after; newest first."""
    return audit_reads.audit_log(context, principal, limit, before)


@router.get("/ledger/check", response_model=AuditReport)
def check(context: ContextDep, principal: PrincipalDep) -> AuditReport:
    """Rebuild every balance from the journal and list any difference."""
    principal.require(Permission.READ)
    return query(
        context, lambda connection: audit.audit_tenant(connection, principal.tenant, False)
    )
