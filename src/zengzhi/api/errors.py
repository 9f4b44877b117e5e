"""One error shape for every failure: {"code", "message", "field"}; never a traceback.

The message is in the caller's language: English, or Chinese when the request's
`Accept-Language` prefers it (`zh-CN`…), from `zh.toml`'s `[message]` table, the
catalogue the console and the member page show refusals from. `code` and `field` are
the same in every language (a client decides on them, and shows `message`).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import Match

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.deps import STATUS, error_response, refused_request, without_slash

log = logging.getLogger("zengzhi.api")


async def _domain(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DomainError)
    headers = {"WWW-Authenticate": "Bearer"} if error.code == ErrorCode.UNAUTHORIZED else None
    if error.retry_after is not None:
        headers = {"Retry-After": str(error.retry_after)}
    return error_response(
        STATUS[error.code], error.code, error.message, error.field, headers, request
    )


async def _validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    message, field = refused_request(error)
    return error_response(422, ErrorCode.INVALID, message, field, request=request)


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def _allowed(request: Request) -> list[str]:
    """Every method some route of the path takes (each asked whether it would answer it).
    Starlette's 405 names the methods of the first route whose path matched only
    (`DELETE /v1/orders`: "Allow: POST", not GET). HEAD wherever GET is: the guard
    answers a HEAD as its GET (api/guard.py)."""
    taken = {
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in request.app.routes
        )
    }
    if "GET" in taken:
        taken.add("HEAD")
    return [method for method in _METHODS if method in taken]


async def _http(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 404 and (moved := without_slash(request)) is not None:
        return moved
    headers = getattr(error, "headers", None)
    if error.status_code == 405:
        allowed = ", ".join(_allowed(request))
        headers = {**(headers or {}), "Allow": allowed}
        message = f"this address takes {allowed}"
        return error_response(405, "not_allowed", message, None, headers, request)
    code = {404: ErrorCode.NOT_FOUND, 401: ErrorCode.UNAUTHORIZED, 403: ErrorCode.FORBIDDEN}.get(
        error.status_code, "http_error"
    )
    return error_response(error.status_code, code, str(error.detail), None, headers, request)


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    message = "something went wrong on our side; it is logged"
    return error_response(500, "internal", message, request=request)


def install(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)
