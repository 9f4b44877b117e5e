"""The day's figures and a pool's price over time, as the dashboard shows them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from zengzhi.api.routing import StrictJSONRoute
from zengzhi.deps import ContextDep, PathId, PrincipalDep
from zengzhi.engine.fields import AS_WHOLE, Moment
from zengzhi.service.queries import activity
from zengzhi.service.queries.activity import MAX_SAMPLES, Activity, PriceChart

router = APIRouter(prefix="/v1", tags=["pools"], route_class=StrictJSONRoute)

When = Annotated[Moment | None, Query(description="with its time zone")]


@router.get("/activity", response_model=Activity)
def today(context: ContextDep, principal: PrincipalDep, since: When = None) -> Activity:
    """Orders completed, sales, exits, withdrawals paid and subsidies since `since`
    (default: midnight UTC today)."""
    return activity.activity(context, principal, since)


@router.get("/pools/{pool_id}/chart", response_model=PriceChart)
def chart(
    context: ContextDep,
    principal: PrincipalDep,
    pool_id: PathId,
    start: When = None,
    end: When = None,
    samples: Annotated[int, Query(ge=2, le=MAX_SAMPLES), AS_WHOLE] = 240,
) -> PriceChart:
    """The pool from `start` (default: its first change) to `end` (default: now): every
    change when there are at most `samples`, else the pool at that many even moments."""
    return activity.price_chart(context, principal, pool_id, start, end, samples)
