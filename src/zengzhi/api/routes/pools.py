"""Pools: open, configure, pause, subsidize; state, price history, solvency."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict

from zengzhi.api.routing import StrictJSONRoute
from zengzhi.deps import Before, ContextDep, Limit, PathId, PrincipalDep, needs
from zengzhi.engine.fields import Note
from zengzhi.service import pools
from zengzhi.service.auth import Permission
from zengzhi.service.pools import ImportRequest, NewPool, PoolParamsIn, SubsidyRequest
from zengzhi.service.queries.pools import PoolView, PricePoint, Solvency

router = APIRouter(prefix="/v1", tags=["pools"], route_class=StrictJSONRoute)


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Note | None = None


@router.post(
    "/pools", status_code=201, response_model=PoolView, dependencies=[needs(Permission.CONFIGURE)]
)
def open_pool(context: ContextDep, principal: PrincipalDep, body: NewPool) -> PoolView:
    return pools.open_pool(context, principal, body)


@router.get("/pools", response_model=list[PoolView])
def list_pools(context: ContextDep, principal: PrincipalDep) -> list[PoolView]:
    return pools.list_pools(context, principal)


@router.get("/pools/{pool_id}", response_model=PoolView)
def get_pool(context: ContextDep, principal: PrincipalDep, pool_id: PathId) -> PoolView:
    return pools.get_pool(context, principal, pool_id)


@router.patch(
    "/pools/{pool_id}", response_model=PoolView, dependencies=[needs(Permission.CONFIGURE)]
)
def configure_pool(
    context: ContextDep, principal: PrincipalDep, pool_id: PathId, body: PoolParamsIn
) -> PoolView:
    """New parameters from now on; a new exit multiple applies to every position."""
    return pools.configure_pool(context, principal, pool_id, body)


@router.post(
    "/pools/{pool_id}/pause", response_model=PoolView, dependencies=[needs(Permission.CONFIGURE)]
)
def pause(
    context: ContextDep, principal: PrincipalDep, pool_id: PathId, body: Reason | None = None
) -> PoolView:
    """Stop minting points; contributions keep flowing in."""
    return pools.pause(context, principal, pool_id, True, body.reason if body else None)


@router.post(
    "/pools/{pool_id}/resume", response_model=PoolView, dependencies=[needs(Permission.CONFIGURE)]
)
def resume(
    context: ContextDep, principal: PrincipalDep, pool_id: PathId, body: Reason | None = None
) -> PoolView:
    return pools.pause(context, principal, pool_id, False, body.reason if body else None)


@router.post("/pools/{pool_id}/subsidies", dependencies=[needs(Permission.SUBSIDIZE)])
def subsidize(
    context: ContextDep, principal: PrincipalDep, pool_id: PathId, body: SubsidyRequest
) -> dict[str, Any]:
    return pools.subsidize(context, principal, pool_id, body)


@router.post(
    "/pools/{pool_id}/imports", status_code=201, dependencies=[needs(Permission.SUBSIDIZE)]
)
def import_balance(
    context: ContextDep,
    principal: PrincipalDep,
    pool_id: PathId,
    body: ImportRequest,
    response: Response,
) -> dict[str, Any]:
    """A member's balance from the platform's old system becomes a position (spec 01,
    legacy balances): `principal` staked, points minted at the pool's price against
    `contribution`, funded by the platform. 201 for a new import; 200 with the first
    answer when the same request comes again."""
    made, created = pools.import_balance(context, principal, pool_id, body)
    if not created:
        response.status_code = 200
    return made


@router.get("/pools/{pool_id}/history", response_model=list[PricePoint])
def history(
    context: ContextDep,
    principal: PrincipalDep,
    pool_id: PathId,
    limit: Limit = 100,
    before: Before = None,
) -> list[PricePoint]:
    """The pool after each event that changed it, newest first."""
    return pools.price_history(context, principal, pool_id, limit, before)


@router.get("/solvency", response_model=Solvency)
def solvency(context: ContextDep, principal: PrincipalDep) -> Solvency:
    return pools.solvency(context, principal)
