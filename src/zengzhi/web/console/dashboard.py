"""The dashboard: each pool's price (a chart that zooms and shows figures on hover), its
cash and points, the day's activity, and the solvency report; it refreshes itself."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import AwareDatetime

from zengzhi.deps import ContextDep
from zengzhi.engine.fields import ID_PATTERN
from zengzhi.service import pools
from zengzhi.service.queries import activity, console_risk
from zengzhi.service.queries.activity import MAX_SAMPLES
from zengzhi.web.console import page
from zengzhi.web.console.session import StaffDep
from zengzhi.web.pages import PageRoute, render

router = APIRouter(prefix="/console", route_class=PageRoute, include_in_schema=False)

PoolQuery = Annotated[str | None, Query(pattern=ID_PATTERN)]
RANGES = {"1d": 1, "7d": 7, "30d": 30, "365d": 365, "all": None}


def _figures(context: Any, user: Any, pool: str | None, solvency: bool = True) -> dict[str, Any]:
    listed = pools.list_pools(context, user.principal)
    chosen = next((p for p in listed if p.id == pool), listed[0] if listed else None)
    return {
        "pools": listed,
        "pool": chosen,
        "activity": activity.activity(context, user.principal, None),
        # the orders refunded after completion today, under the day's orders (console only)
        "refunds": activity.refunds(context, user.principal, None),
        # the solvency report reads every position and wallet: the page refreshes it
        # once a minute, the rest every few seconds
        "solvency": pools.solvency(context, user.principal) if solvency else None,
    }


@router.get("", response_class=HTMLResponse)
def dashboard(
    request: Request, context: ContextDep, user: StaffDep, pool: PoolQuery = None
) -> HTMLResponse:
    shown = _figures(context, user, pool)
    return page(
        request,
        user,
        "console/dashboard.html",
        ranges=list(RANGES),
        risk=console_risk.risk(context, user.principal, shown["solvency"]),
        **shown,
    )


@router.get("/data/risk", response_class=HTMLResponse)
def risk(request: Request, context: ContextDep, user: StaffDep) -> HTMLResponse:
    """The risk panel alone: the dashboard's script swaps it in when it refreshes the
    solvency report, so a promise that stops being covered shows without a reload."""
    report = pools.solvency(context, user.principal)
    found = console_risk.risk(context, user.principal, report)
    return render(request, "console/risk.html", tenant=user.principal.tenant, risk=found)


@router.get("/data/figures", response_class=JSONResponse)
def figures(
    context: ContextDep, user: StaffDep, pool: PoolQuery = None, solvency: bool = True
) -> JSONResponse:
    """What the dashboard refreshes: the chosen pool, the day, the solvency report."""
    shown = _figures(context, user, pool, solvency)
    report = shown["solvency"]
    return JSONResponse(
        {
            "pool": shown["pool"].model_dump(mode="json") if shown["pool"] else None,
            "activity": shown["activity"].model_dump(mode="json")
            | {"refunds": shown["refunds"].model_dump(mode="json")},
            **({"solvency": report.model_dump(mode="json")} if report else {}),
        }
    )


@router.get("/data/chart", response_class=JSONResponse)
def chart(
    context: ContextDep,
    user: StaffDep,
    pool: Annotated[str, Query(pattern=ID_PATTERN)],
    range: Annotated[str, Query(pattern="^(1d|7d|30d|365d|all)$")] = "all",
    start: Annotated[AwareDatetime | None, Query()] = None,
    end: Annotated[AwareDatetime | None, Query()] = None,
    samples: Annotated[int, Query(ge=2, le=MAX_SAMPLES)] = 300,
) -> JSONResponse:
    """The price between two moments (a zoom), or over one of the ranges."""
    days = RANGES[range]
    if start is None and days is not None:
        start = context.clock() - timedelta(days=days)
    drawn = activity.price_chart(context, user.principal, pool, start, end, samples)
    return JSONResponse(drawn.model_dump(mode="json"))
