"""Zones, products and stores: create or replace, read, list."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from zengzhi.api.routing import StrictJSONRoute
from zengzhi.deps import After, ContextDep, Limit, PathId, PrincipalDep, needs
from zengzhi.service import catalog, modes
from zengzhi.service.auth import Permission
from zengzhi.service.catalog import ProductIn, ProductView, StoreIn, StoreView, ZoneIn, ZoneView
from zengzhi.service.modes import IncomeRequest

router = APIRouter(prefix="/v1", tags=["catalogue"], route_class=StrictJSONRoute)


@router.put("/zones/{zone_id}", response_model=ZoneView, dependencies=[needs(Permission.CONFIGURE)])
def put_zone(
    context: ContextDep, principal: PrincipalDep, zone_id: PathId, body: ZoneIn
) -> BaseModel:
    return catalog.put_item(context, principal, "zone", zone_id, body)


@router.get("/zones/{zone_id}", response_model=ZoneView)
def get_zone(context: ContextDep, principal: PrincipalDep, zone_id: PathId) -> BaseModel:
    return catalog.get_item(context, principal, "zone", zone_id)


@router.get("/zones", response_model=list[ZoneView])
def list_zones(
    context: ContextDep, principal: PrincipalDep, limit: Limit = 100, after: After = None
) -> list[BaseModel]:
    return catalog.list_items(context, principal, "zone", limit, after)


@router.post("/zones/{zone_id}/income", tags=["modes"], dependencies=[needs(Permission.SUBSIDIZE)])
def record_income(
    context: ContextDep, principal: PrincipalDep, zone_id: PathId, body: IncomeRequest
) -> dict[str, Any]:
    """Third-party income (an advertiser's payment) into the zone's mode's reserve, with
    its source; a repeat of the same id applies once."""
    return modes.record_income(context, principal, zone_id, body)


@router.put(
    "/products/{product_id}", response_model=ProductView, dependencies=[needs(Permission.CONFIGURE)]
)
def put_product(
    context: ContextDep, principal: PrincipalDep, product_id: PathId, body: ProductIn
) -> BaseModel:
    """A product and its split: amounts adding up to the price, or all "30%" shares."""
    return catalog.put_item(context, principal, "product", product_id, body)


@router.get("/products/{product_id}", response_model=ProductView)
def get_product(context: ContextDep, principal: PrincipalDep, product_id: PathId) -> BaseModel:
    return catalog.get_item(context, principal, "product", product_id)


@router.get("/products", response_model=list[ProductView])
def list_products(
    context: ContextDep, principal: PrincipalDep, limit: Limit = 100, after: After = None
) -> list[BaseModel]:
    return catalog.list_items(context, principal, "product", limit, after)


@router.put(
    "/stores/{store_id}", response_model=StoreView, dependencies=[needs(Permission.CONFIGURE)]
)
def put_store(
    context: ContextDep, principal: PrincipalDep, store_id: PathId, body: StoreIn
) -> BaseModel:
    """A local-life store: its commission rate, owner and recruiter."""
    return catalog.put_item(context, principal, "store", store_id, body)


@router.get("/stores/{store_id}", response_model=StoreView)
def get_store(context: ContextDep, principal: PrincipalDep, store_id: PathId) -> BaseModel:
    return catalog.get_item(context, principal, "store", store_id)


@router.get("/stores", response_model=list[StoreView])
def list_stores(
    context: ContextDep, principal: PrincipalDep, limit: Limit = 100, after: After = None
) -> list[BaseModel]:
    return catalog.list_items(context, principal, "store", limit, after)
