"""Webhooks: the subscriptions, each one's deliveries a page at a time (status, last
HTTP status, latency, attempts), one delivery's attempts, and a replay for those the
service lets send one again (the same use case as the API's replay)."""

from __future__ import annotations

import re
import secrets
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse

from zengzhi.core.errors import DomainError
from zengzhi.deps import DELIVERY_STATUSES, STATUS, Before, ContextDep, DeliveryStatusShown
from zengzhi.engine.fields import ID_PATTERN
from zengzhi.service import webhooks
from zengzhi.service.auth import Permission
from zengzhi.service.queries import webhooks as webhook_reads
from zengzhi.service.webhooks import SubscriptionIn
from zengzhi.web.console import page
from zengzhi.web.console.session import KeptDep, PostedDep, StaffDep, needs_form
from zengzhi.web.pages import PageRoute, build, local_path, see_other_with_notice

router = APIRouter(prefix="/console/webhooks", route_class=PageRoute, include_in_schema=False)

PAGE = 50
STATUSES = DELIVERY_STATUSES
SubscriptionId = Annotated[str, Path(pattern=ID_PATTERN)]
EventId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]


def _page(
    request: Request, context: ContextDep, user: StaffDep, status: int = 200, **data: object
) -> HTMLResponse:
    return page(
        request,
        user,
        "console/webhooks.html",
        status=status,
        subscriptions=webhook_reads.list_subscriptions(context, user.principal),
        # the form's own id: sent again (a reload of the answer), it adds nothing
        new_id=lambda: f"console-{secrets.token_hex(8)}",
        **data,
    )


@router.get("", response_class=HTMLResponse)
def subscriptions(request: Request, context: ContextDep, user: StaffDep) -> HTMLResponse:
    return _page(request, context, user)


@router.post("", response_class=HTMLResponse, dependencies=[needs_form(Permission.CONFIGURE)])
def subscribe(request: Request, context: ContextDep, user: StaffDep, form: KeptDep) -> Response:
    """A new subscription from the console (owner, operator: the service checks): the
    page answers with its signing secret, shown this once, as the API's answer does."""
    values = form.values()
    # spaces or commas between them, a Chinese keyboard's ， and 、 too
    types = [one for one in re.split(r"[\s,，、]+", values.get("event_types", "")) if one]
    try:
        form.check()  # a control character: refused at its field, what was typed kept
        body = build(SubscriptionIn, {"url": values.get("url", "").strip(), "event_types": types})
        form_id = values.get("id") or None
        created = webhooks.create_subscription(context, user.principal, body, form_id)
    except DomainError as refused:
        return _page(request, context, user, STATUS[refused.code], values=values, error=refused)
    return _page(request, context, user, created=created)


@router.get("/{subscription_id}", response_class=HTMLResponse)
def deliveries(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    subscription_id: SubscriptionId,
    status: DeliveryStatusShown = None,
    before: Before = None,
) -> HTMLResponse:
    subscription = webhook_reads.get_subscription(context, user.principal, subscription_id)
    shown = None if status in (None, "all") else status
    found = webhook_reads.list_deliveries(
        context, user.principal, subscription_id, shown, PAGE, before
    )
    return page(
        request,
        user,
        "console/webhook.html",
        subscription=subscription,
        new_id=lambda: f"console-{secrets.token_hex(8)}",
        status_filter=status or "all",
        statuses=STATUSES,
        found=found,
        older=found[-1].sequence if len(found) == PAGE else None,
        paged=before is not None,
        back=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
    )


@router.get("/{subscription_id}/deliveries/{event_id}", response_class=HTMLResponse)
def delivery(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    subscription_id: SubscriptionId,
    event_id: EventId,
) -> HTMLResponse:
    return page(
        request,
        user,
        "console/webhook_delivery.html",
        subscription=webhook_reads.get_subscription(context, user.principal, subscription_id),
        delivery=webhook_reads.get_delivery(context, user.principal, subscription_id, event_id),
        back=request.url.path,
    )


@router.post("/{subscription_id}/deliveries/{event_id}/replay")
def replay(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    form: PostedDep,
    subscription_id: SubscriptionId,
    event_id: EventId,
) -> Response:
    webhooks.replay_delivery(context, user.principal, subscription_id, event_id)
    target = local_path(form.get("back"), f"/console/webhooks/{subscription_id}")
    return see_other_with_notice(request, target, "webhooks.replayed", id=event_id)


@router.post("/{subscription_id}/ping", dependencies=[needs_form(Permission.CONFIGURE)])
def ping(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    form: PostedDep,
    subscription_id: SubscriptionId,
) -> Response:
    """A test event (`ping`) to this subscription alone, through the outbox as every
    event (the API's ping); the form's own id sends it once however often it is sent."""
    back = f"/console/webhooks/{subscription_id}"
    try:
        sent = webhooks.ping(context, user.principal, subscription_id, form.get("id") or None)
    except DomainError as refused:
        if refused.field != "id":
            raise
        return see_other_with_notice(request, back, "webhooks.ping_already")
    return see_other_with_notice(request, back, "webhooks.ping_sent", id=sent.event_id)
