"""Configuration: pools, zones, products, stores and the tenant's settings.

Forms post to the same use cases as `PUT /v1/products/{id}` and the rest; a refusal
comes back with the field it names, and the form is shown again with the message next
to that field and nothing saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from zengzhi.api.deps import After
from zengzhi.api.errors import STATUS
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.engine.config import ID_PATTERN
from zengzhi.service import catalog, pools, tenants
from zengzhi.service.catalog import ProductIn, StoreIn, ZoneIn
from zengzhi.service.pools import NewPool, PoolParamsIn
from zengzhi.service.tenants import TenantSettings
from zengzhi.web.console import page
from zengzhi.web.console.session import ContextDep, PostedDep, Staff, StaffDep
from zengzhi.web.pages import PageRoute, build, see_other

router = APIRouter(prefix="/console/config", route_class=PageRoute, include_in_schema=False)

PAGE = 50
ItemId = Annotated[str, Path(pattern=ID_PATTERN)]


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "text"  # text, check, datetime


@dataclass(frozen=True)
class Kind:
    """A catalogue kind as the console edits it."""

    name: str  # zone, product, store
    model: type[BaseModel]
    fields: tuple[Field, ...]


KINDS = {
    "products": Kind(
        "product",
        ProductIn,
        tuple(
            Field(n)
            for n in (
                "name",
                "price",
                "cost",
                "distribution",
                "platform",
                "contribution",
                "zone",
                "pool",
            )
        ),
    ),
    "stores": Kind(
        "store",
        StoreIn,
        tuple(
            Field(n)
            for n in (
                "name",
                "commission_rate",
                "platform_rate",
                "distribution_rate",
                "owner",
                "recruiter",
                "region",
                "zone",
                "pool",
                "settlement_account",
            )
        ),
    ),
    "zones": Kind(
        "zone",
        ZoneIn,
        (
            Field("pool"),
            Field("completion_delay_seconds"),
            Field("starts_at", "datetime"),
            Field("ends_at", "datetime"),
        ),
    ),
}
POOL_FIELDS = ("mint_ratio", "sell_fee", "exit_multiple", "opening_price", "min_sell_points")


def _given(values: dict[str, str], names: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """The fields filled in; an empty field is left to its default."""
    return {name: values[name] for name in names if values.get(name, "") != ""}


def _moment(text: str) -> str:
    """A datetime-local field is read as UTC, the zone every time is shown in."""
    if re.search(r"(Z|[+-]\d\d:\d\d)$", text):
        return text
    return f"{text}:00+00:00" if len(text) == 16 else f"{text}+00:00"


def _check_id(key: str) -> None:
    if not re.fullmatch(ID_PATTERN, key):
        raise DomainError(
            ErrorCode.INVALID,
            "must be 1 to 128 letters, digits or _.:@- and start with a letter or digit",
            "id",
        )


# ---------------------------------------------------------------------------- pools


def _pools_page(
    request: Request, context: Any, user: Staff, status: int = 200, **data: Any
) -> HTMLResponse:
    return page(
        request,
        user,
        "console/config_pools.html",
        status=status,
        tab="pools",
        pools=pools.list_pools(context, user.principal),
        fields=POOL_FIELDS,
        **data,
    )


@router.get("", response_class=HTMLResponse)
def pool_list(
    request: Request, context: ContextDep, user: StaffDep, saved: str | None = None
) -> HTMLResponse:
    return _pools_page(request, context, user, saved=saved, values={})


@router.post("/pools", response_class=HTMLResponse)
def open_pool(request: Request, context: ContextDep, user: StaffDep, form: PostedDep) -> Response:
    values = form.values()
    try:
        body = build(NewPool, {"id": values.get("id", ""), **_given(values, POOL_FIELDS)})
        pools.open_pool(context, user.principal, body)
    except DomainError as error:
        return _pools_page(request, context, user, STATUS[error.code], values=values, error=error)
    return see_other(f"/console/config?saved={body.id}")


@router.get("/pools/{pool_id}", response_class=HTMLResponse)
def pool_form(request: Request, context: ContextDep, user: StaffDep, pool_id: ItemId) -> Response:
    pool = pools.get_pool(context, user.principal, pool_id)
    values = {k: v or "" for k, v in pool.params.items() if k in POOL_FIELDS}
    return page(
        request,
        user,
        "console/config_pool.html",
        tab="pools",
        pool=pool,
        values=values,
        fields=POOL_FIELDS,
    )


@router.post("/pools/{pool_id}", response_class=HTMLResponse)
def configure_pool(
    request: Request, context: ContextDep, user: StaffDep, form: PostedDep, pool_id: ItemId
) -> Response:
    values = form.values()
    pool = pools.get_pool(context, user.principal, pool_id)
    try:
        changes = {
            name: values.get(name, "")
            for name in POOL_FIELDS
            if values.get(name, "") != (pool.params.get(name) or "")
        }
        no_exit = "exit_multiple" in changes and changes["exit_multiple"] == ""
        if no_exit:
            del changes["exit_multiple"]
        body = build(PoolParamsIn, {**changes, "no_exit": no_exit})
        pools.configure_pool(context, user.principal, pool_id, body)
    except DomainError as error:
        return page(
            request,
            user,
            "console/config_pool.html",
            status=STATUS[error.code],
            tab="pools",
            pool=pool,
            values=values,
            fields=POOL_FIELDS,
            error=error,
        )
    return see_other(f"/console/config?saved={pool_id}")


# ---------------------------------------------------------------------------- settings


@router.get("/settings", response_class=HTMLResponse)
def settings_form(
    request: Request, context: ContextDep, user: StaffDep, saved: str | None = None
) -> HTMLResponse:
    tenant = tenants.get_tenant(context, user.principal)
    return page(
        request,
        user,
        "console/config_settings.html",
        tab="settings",
        values=_settings_values(tenant.settings),
        saved=saved,
    )


def _settings_values(settings: TenantSettings) -> dict[str, Any]:
    w = settings.withdrawals
    return {
        "completion_delay_seconds": str(settings.completion_delay_seconds),
        "withdrawals.minimum": w.minimum,
        "withdrawals.fee_rate": w.fee_rate,
        "withdrawals.fee_fixed": w.fee_fixed,
        "withdrawals.auto_approve_limit": w.auto_approve_limit,
        "withdrawals.require_real_name": w.require_real_name,
        "member_page.referral_link": settings.member_page.referral_link or "",
    }


@router.post("/settings", response_class=HTMLResponse)
def save_settings(
    request: Request, context: ContextDep, user: StaffDep, form: PostedDep
) -> Response:
    values: dict[str, Any] = form.values()
    values["withdrawals.require_real_name"] = form.flag("withdrawals.require_real_name")
    try:
        body = build(
            TenantSettings,
            {
                "completion_delay_seconds": values.get("completion_delay_seconds") or "0",
                "withdrawals": {
                    "minimum": values.get("withdrawals.minimum") or "0.00",
                    "fee_rate": values.get("withdrawals.fee_rate") or "0",
                    "fee_fixed": values.get("withdrawals.fee_fixed") or "0.00",
                    "auto_approve_limit": values.get("withdrawals.auto_approve_limit") or "0.00",
                    "require_real_name": values["withdrawals.require_real_name"],
                },
                "member_page": {"referral_link": values.get("member_page.referral_link") or None},
            },
        )
        tenants.update_settings(context, user.principal, body)
    except DomainError as error:
        return page(
            request,
            user,
            "console/config_settings.html",
            status=STATUS[error.code],
            tab="settings",
            values=values,
            error=error,
        )
    return see_other("/console/config/settings?saved=1")


# ---------------------------------------------------------------------------- catalogue


def _kind(kinds: str) -> Kind:
    found = KINDS.get(kinds)
    if found is None:
        raise DomainError(ErrorCode.NOT_FOUND, f"no such page {kinds!r}", "kind")
    return found


KindPath = Annotated[str, Path(pattern="^(products|stores|zones)$")]


@router.get("/{kinds}", response_class=HTMLResponse)
def item_list(
    request: Request,
    context: ContextDep,
    user: StaffDep,
    kinds: KindPath,
    after: After = None,
    saved: str | None = None,
) -> HTMLResponse:
    kind = _kind(kinds)
    items = catalog.list_items(context, user.principal, kind.name, PAGE, after)
    return page(
        request,
        user,
        f"console/config_{kinds}.html",
        tab=kinds,
        items=items,
        saved=saved,
        next_after=items[-1].id if len(items) == PAGE else None,  # type: ignore[attr-defined]
    )


def _item_page(
    request: Request,
    user: Staff,
    kinds: str,
    key: str | None,
    values: dict[str, Any],
    status: int = 200,
    error: DomainError | None = None,
) -> HTMLResponse:
    kind = _kind(kinds)
    return page(
        request,
        user,
        "console/config_item.html",
        status=status,
        tab=kinds,
        kind=kind,
        kinds=kinds,
        key=key,
        values=values,
        error=error,
    )


@router.get("/{kinds}/new", response_class=HTMLResponse)
def new_item(request: Request, user: StaffDep, kinds: KindPath) -> HTMLResponse:
    return _item_page(request, user, kinds, None, {})


@router.get("/{kinds}/{key}", response_class=HTMLResponse)
def edit_item(
    request: Request, context: ContextDep, user: StaffDep, kinds: KindPath, key: ItemId
) -> HTMLResponse:
    kind = _kind(kinds)
    item = catalog.get_item(context, user.principal, kind.name, key).model_dump(mode="json")
    values = {f.name: _shown(item.get(f.name), f.kind) for f in kind.fields}
    return _item_page(request, user, kinds, key, values)


def _shown(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "datetime":  # "2026-01-01T00:00:00Z" → the datetime-local field's form
        return str(value)[:16]
    return str(value)


@router.post("/{kinds}", response_class=HTMLResponse)
def save_item(
    request: Request, context: ContextDep, user: StaffDep, form: PostedDep, kinds: KindPath
) -> Response:
    kind = _kind(kinds)
    values = form.values()
    key = values.get("id", "")
    editing = values.get("editing") == "1"
    try:
        _check_id(key)
        data = _given(values, [f.name for f in kind.fields])
        for f in kind.fields:
            if f.kind == "datetime" and f.name in data:
                data[f.name] = _moment(data[f.name])
        if kind.name == "zone" and editing:  # the console does not edit modes: keep them
            kept = catalog.get_item(context, user.principal, "zone", key)
            data["modes"] = kept.model_dump()["modes"]
        body = build(kind.model, data)
        catalog.put_item(context, user.principal, kind.name, key, body)
    except DomainError as error:
        if error.field == key:  # a split that does not add up names the item: show it by
            error.field = "price" if kind.name == "product" else "commission_rate"  # the rate
        return _item_page(
            request,
            user,
            kinds,
            key if editing else None,
            values,
            status=STATUS[error.code],
            error=error,
        )
    return see_other(f"/console/config/{kinds}?saved={key}")
