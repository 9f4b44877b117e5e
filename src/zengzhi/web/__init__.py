"""The web interface served by `zengzhi serve` itself: the operators' console under
/console, the member page under /m, and their assets under /static (all local: the
pages work with no internet access)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.deps import add_routes, without_slash
from zengzhi.i18n import LANGUAGES
from zengzhi.web import member
from zengzhi.web.console import (
    audit,
    config,
    dashboard,
    members,
    orders,
    payments,
    pools,
    simulations,
    users,
    webhooks,
    withdrawals,
)
from zengzhi.web.console import session as console_session
from zengzhi.web.pages import LANGUAGE_COOKIE, error_page, local_path

STATIC = Path(__file__).parent / "static"
ICON = STATIC / "img" / "favicon.svg"

shared = APIRouter(include_in_schema=False)


@shared.get("/")
async def home() -> RedirectResponse:
    return RedirectResponse("/console", status_code=307)


@shared.get("/favicon.ico")
async def favicon() -> FileResponse:
    """What browsers ask of every site: the icon the pages name (an SVG, which browsers
    take from this address too), instead of a 404 in every log."""
    return FileResponse(
        ICON, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
    )


@shared.get("/language/{code}")
async def choose_language(code: str, next: str | None = None) -> RedirectResponse:
    """Remember the language chosen; back to the page it was chosen on."""
    response = RedirectResponse(local_path(next, "/console"), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 86_400, path="/", samesite="lax")
    return response


def _private(path: str) -> bool:
    return path in ("/console", "/m") or path.startswith(("/console/", "/m/"))


class NoStore:
    """`Cache-Control: no-store` on every answer of the console and the member page: a
    browser keeps none of them, so Back after signing out (a shared computer, a phone
    handed on) shows nothing of the member's or the tenant's. The assets under /static
    and the API are not touched (a plain ASGI wrapper: nothing for the API's requests
    but a comparison of the path)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _private(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() not in (b"cache-control", b"pragma")
                ]
                headers += [(b"cache-control", b"no-store"), (b"pragma", b"no-cache")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)


def _pages_for_unknown_paths(app: FastAPI) -> None:
    """An address under /console or /m that no page answers (404, or 405 for a path that
    only takes forms) is the console's or the member page's own page, in the reader's
    language, with the way back; everything else (the API under /v1) keeps the handler
    installed before (JSON)."""
    before = app.exception_handlers.get(HTTPException)

    async def unknown(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        if error.status_code == 404 and (moved := without_slash(request)) is not None:
            return moved
        if _private(request.url.path) and error.status_code in (404, 405):
            page = error_page(
                request, DomainError(ErrorCode.NOT_FOUND, "there is no such page", None)
            )
            page.status_code = error.status_code
            return page
        if before is None:
            raise error
        answer: Response = await before(request, error)  # type: ignore[misc]
        return answer

    app.add_exception_handler(HTTPException, unknown)


ROUTERS = (
    shared,
    console_session.router,
    dashboard.router,
    payments.router,  # before config's /config/{kinds}
    config.router,
    members.router,
    orders.router,
    withdrawals.router,
    pools.router,
    webhooks.router,
    audit.router,
    simulations.router,
    users.router,
    member.router,
)


def mount(app: FastAPI) -> None:
    app.add_middleware(NoStore)
    _pages_for_unknown_paths(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    add_routes(app, *ROUTERS)
