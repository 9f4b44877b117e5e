"""The operators' console: one module per section, all under /console.

A section is listed in `NAV` with the permission that shows it; a part that a later mode
brings (referral trees, webhook deliveries, the configuration lint) is a new module and
a line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from zengzhi.web.console.session import Staff
from zengzhi.web.pages import render


@dataclass(frozen=True)
class NavItem:
    path: str
    label: str  # i18n key
    permission: str

    def current(self, here: str) -> bool:
        if self.path == "/console":
            return here == "/console"
        return here == self.path or here.startswith(self.path + "/")


NAV = (
    NavItem("/console", "nav.dashboard", "read"),
    NavItem("/console/config", "nav.config", "read"),
    NavItem("/console/members", "nav.members", "read"),
    NavItem("/console/orders", "nav.orders", "read"),
    NavItem("/console/withdrawals", "nav.withdrawals", "read"),
    NavItem("/console/pools", "nav.pools", "read"),
    NavItem("/console/webhooks", "nav.webhooks", "read"),
    NavItem("/console/audit", "nav.audit", "read"),
    NavItem("/console/simulations", "nav.simulations", "configure"),
    NavItem("/console/users", "nav.users", "users"),
)


def page(
    request: Request, user: Staff, template: str, status: int = 200, **data: Any
) -> HTMLResponse:
    return render(
        request, template, status=status, tenant=user.principal.tenant, user=user, nav=NAV, **data
    )
