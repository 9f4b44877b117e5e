"""Payments (配置 › 收款与打款): the tenant's payment and payout adapter, where its
gateway sends notifications, what it sent lately and what was refused; the owner changes
the adapter here, one form an adapter.

The same use cases as the API's `/v1/payments/…`: anyone who reads sees the page, only a
role with the `payment_adapter` permission (the owner, signed in: the console is a
session) sees the forms or may send them, checked here and again by the service. Keys
are never shown back: not the saved ones (the service keeps them sealed and answers the
merchant number alone), nor the private key or the APIv3 key typed into a refused form,
which is shown again with its other fields as typed. The webhook adapter's shared secret
is on the answer page only, this once, as the API's answer has it.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.deps import STATUS, ContextDep
from zengzhi.service import payments
from zengzhi.service.auth import Permission
from zengzhi.service.payments import DEFAULT_TOLERANCE, AdapterIn, AdapterView
from zengzhi.service.queries import payments as payment_reads
from zengzhi.web.console import page
from zengzhi.web.console.session import KeptDep, PostedDep, Staff, StaffDep, needs_form
from zengzhi.web.pages import Form, PageRoute, build, problems, see_other_with_notice

PATH = "/console/config/payments"

router = APIRouter(prefix=PATH, route_class=PageRoute, include_in_schema=False)

SHOWN = 20  # notifications and refusals listed, the newest first
ADAPTERS = ("manual", "webhook", "wechat", "alipay")
# each gateway's fields, as its configuration names them; the keys are never shown back
FIELDS = {
    "wechat": (
        "mchid",
        "appid",
        "serial_no",
        "private_key",
        "apiv3_key",
        "platform_certificates",
        "public_key_id",
        "public_key",
        "notify_url",
        "transfer_scene_id",
    ),
    "alipay": ("app_id", "private_key", "alipay_public_key", "notify_url"),
}
SECRET_FIELDS = frozenset({"private_key", "apiv3_key"})
_CERTIFICATE = re.compile(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", re.S)


def _page(
    request: Request, context: ContextDep, user: Staff, status: int = 200, **data: Any
) -> HTMLResponse:
    adapter = data.pop("adapter", None) or payments.get_adapter(context, user.principal)
    return page(
        request,
        user,
        "console/config_payments.html",
        status=status,
        tab="payments",
        adapter=adapter,
        # the address the gateway is given: this server's, as the browser reached it
        notification_address=str(request.base_url).rstrip("/") + adapter.notification_url,
        notifications=payment_reads.list_notifications(context, user.principal, SHOWN),
        refusals=payment_reads.list_refusals(context, user.principal, SHOWN),
        fields=FIELDS,
        default_tolerance=DEFAULT_TOLERANCE,
        values=data.pop("values", {}),
        **data,
    )


@router.get("", response_class=HTMLResponse)
def overview(request: Request, context: ContextDep, user: StaffDep) -> HTMLResponse:
    return _page(request, context, user)


def _body(form: Form, adapter: str) -> dict[str, Any]:
    """The request the API would take, from one adapter's form (its fields prefixed with
    the adapter's name, as the service names them when it refuses one)."""
    body: dict[str, Any] = {"adapter": adapter}
    if adapter == "webhook":
        body["payout_url"] = form.get("payout_url").strip() or None
        body["rotate_secret"] = form.flag("rotate_secret")
    if adapter in ("webhook", "wechat", "alipay"):
        body["tolerance_seconds"] = form.get("tolerance_seconds").strip() or DEFAULT_TOLERANCE
    if adapter in FIELDS:
        config: dict[str, Any] = {}
        for name in FIELDS[adapter]:
            text = form.get(f"{adapter}.{name}").strip()
            if name == "platform_certificates":  # one box, the PEM blocks one after another
                config[name] = _CERTIFICATE.findall(text) or ([text] if text else [])
            elif text:
                config[name] = text
        body[adapter] = config
    return body


def _on_form(error: DomainError, adapter: str) -> DomainError:
    """A key the service checks by its bare name (`private_key`, `public_key`) is said at
    that adapter's field, which the form names with the adapter's prefix."""
    for one in problems(error):
        if adapter in FIELDS and (one.field or "") in FIELDS[adapter]:
            one.field = f"{adapter}.{one.field}"
    return error


@router.post(
    "/{adapter}", response_class=HTMLResponse, dependencies=[needs_form(Permission.PAYMENT_ADAPTER)]
)
def choose(
    request: Request, context: ContextDep, user: StaffDep, form: KeptDep, adapter: str
) -> Response:
    user.principal.require(Permission.PAYMENT_ADAPTER)
    if adapter not in ADAPTERS:
        raise DomainError(ErrorCode.NOT_FOUND, "there is no such page", None)
    try:
        form.check()  # a control character: refused at its field, what was typed kept
        chosen: AdapterView = payments.put_adapter(
            context, user.principal, build(AdapterIn, _body(form, adapter))
        )
    except DomainError as refused:
        typed = {k: v for k, v in form.values().items() if k.partition(".")[2] not in SECRET_FIELDS}
        error = _on_form(refused, adapter)
        return _page(
            request, context, user, STATUS[error.code], error=error, target=adapter, values=typed
        )
    if chosen.secret is not None:  # the webhook adapter's secret: this page, this once
        return _page(request, context, user, adapter=chosen, saved=adapter)
    return see_other_with_notice(request, PATH, f"payments.saved_{adapter}")


@router.post("/certificates/refresh", dependencies=[needs_form(Permission.PAYMENT_ADAPTER)])
def refresh(request: Request, context: ContextDep, user: StaffDep, form: PostedDep) -> Response:
    """WeChat Pay's platform certificates fetched and pinned (a rotation followed)."""
    try:
        payments.refresh_certificates(context, user.principal)
    except DomainError as refused:
        if refused.code not in (ErrorCode.CONFLICT, ErrorCode.INVALID):
            raise
        return _page(request, context, user, STATUS[refused.code], error=refused, target="refresh")
    return see_other_with_notice(request, PATH, "payments.certificates_refreshed")
