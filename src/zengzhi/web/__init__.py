"""The web interface served by `zengzhi serve` itself: the operators' console under
/console, the member page under /m, and their assets under /static (all local: the
pages work with no internet access)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from zengzhi.i18n import LANGUAGES
from zengzhi.web import member
from zengzhi.web.console import (
    audit,
    config,
    dashboard,
    members,
    orders,
    pools,
    simulations,
    webhooks,
    withdrawals,
)
from zengzhi.web.console import session as console_session
from zengzhi.web.pages import LANGUAGE_COOKIE, local_path

STATIC = Path(__file__).parent / "static"

shared = APIRouter(include_in_schema=False)


@shared.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/console", status_code=307)


@shared.get("/language/{code}")
def choose_language(code: str, next: str | None = None) -> RedirectResponse:
    """Remember the language chosen; back to the page it was chosen on."""
    response = RedirectResponse(local_path(next, "/console"), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 86_400, path="/", samesite="lax")
    return response


def mount(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in (
        shared,
        console_session.router,
        dashboard.router,
        config.router,
        members.router,
        orders.router,
        withdrawals.router,
        pools.router,
        webhooks.router,
        audit.router,
        simulations.router,
        member.router,
    ):
        app.include_router(router)
