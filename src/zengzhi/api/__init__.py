"""The HTTP API: routers under /v1 that only translate, one error shape, OpenAPI at /docs.
The composition root (`zengzhi/app.py`) mounts it beside the web pages."""

from __future__ import annotations

from fastapi import FastAPI

from zengzhi.api import errors, openapi
from zengzhi.api.routes import (
    activity,
    audit,
    catalog,
    config,
    distribution,
    me,
    members,
    orders,
    payees,
    payments,
    pools,
    tenants,
    webhooks,
    withdrawals,
)
from zengzhi.deps import add_routes


async def health() -> dict[str, str]:
    return {"status": "ok"}


# Orders first: FastAPI tries the routes one by one in this order, about 1.5 µs each,
# and an order's create and pay behind some sixty others took 0.2 ms of matching each
# (docs/benchmarks.md). tests/service/test_routes_matched.py holds that no order of
# inclusion changes which route answers a path.
ROUTERS = (
    orders.router,
    tenants.router,
    catalog.router,
    pools.router,
    members.router,
    withdrawals.router,
    distribution.router,
    audit.router,
    webhooks.router,
    payments.router,
    payees.router,
    config.router,
    activity.router,  # the console's and the member page's
    me.tokens,
    me.router,
)


def mount(app: FastAPI) -> None:
    errors.install(app)
    openapi.install(app)
    add_routes(app, *ROUTERS)
    app.add_api_route("/health", health, methods=["GET"], tags=["health"])
