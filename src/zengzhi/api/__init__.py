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
    payments,
    pools,
    tenants,
    webhooks,
    withdrawals,
)


def health() -> dict[str, str]:
    return {"status": "ok"}


def mount(app: FastAPI) -> None:
    errors.install(app)
    openapi.install(app)
    for router in (
        tenants.router,
        catalog.router,
        pools.router,
        members.router,
        orders.router,
        withdrawals.router,
        distribution.router,
        audit.router,
        webhooks.router,
        payments.router,
        config.router,
    ):
        app.include_router(router)
    for router in (activity.router, me.tokens, me.router):  # the console's and member page's
        app.include_router(router)
    app.add_api_route("/health", health, methods=["GET"], tags=["health"])
