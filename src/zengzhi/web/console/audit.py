"""The audit log: who changed what and when, filtered by who, what, the object and the
days; each change shown as the fields that differ, before → after, with the reason."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from zengzhi.core.errors import DomainError
from zengzhi.deps import STATUS, ContextDep
from zengzhi.service.queries import console_audit
from zengzhi.service.queries.console_audit import AuditSearch
from zengzhi.web.console import page
from zengzhi.web.console.session import StaffDep
from zengzhi.web.pages import PageRoute, build, searched

router = APIRouter(prefix="/console/audit", route_class=PageRoute, include_in_schema=False)

FILTERS = ("actor", "action", "target", "since", "until")


@router.get("", response_class=HTMLResponse)
def log(request: Request, context: ContextDep, user: StaffDep) -> HTMLResponse:
    params = request.query_params
    values = searched({k: params.get(k) for k in FILTERS})
    error = None
    try:
        asked = build(AuditSearch, {**values, "before": params.get("before") or None})
    except DomainError as refused:
        error, asked = refused, AuditSearch()
    found = console_audit.find_audit(context, user.principal, asked)
    return page(
        request,
        user,
        "console/audit.html",
        status=STATUS[error.code] if error else 200,
        error=error,
        values=values,
        found=found,
        filters=urlencode(values),
        newest=f"?{urlencode(values)}" if asked.before is not None else None,
    )
