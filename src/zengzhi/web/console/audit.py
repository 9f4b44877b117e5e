"""The audit log: who changed what and when, with before, after and the reason."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from zengzhi.deps import Before
from zengzhi.service import audit
from zengzhi.web.console import page
from zengzhi.web.console.session import ContextDep, StaffDep
from zengzhi.web.pages import PageRoute

router = APIRouter(prefix="/console/audit", route_class=PageRoute, include_in_schema=False)

PAGE = 50


@router.get("", response_class=HTMLResponse)
def log(
    request: Request, context: ContextDep, user: StaffDep, before: Before = None
) -> HTMLResponse:
    found = audit.audit_log(context, user.principal, PAGE, before)
    return page(
        request,
        user,
        "console/audit.html",
        found=found,
        older=found[-1].id if len(found) == PAGE else None,
    )
