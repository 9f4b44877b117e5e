"""What every HTTP answer goes through before any route: a limit on request bodies,
security headers on every response, and an access log that prints no token.

- **Body limit.** A request whose `Content-Length` is past `max_body_bytes` is refused
  with 413 before a byte of it is read; a body without a length (chunked) is counted as
  it streams in and refused the moment it passes the limit, before anything parses it.
- **Headers.** No page of this server may be framed by another site (`X-Frame-Options`,
  CSP `frame-ancestors 'none'`: the approve, mark-paid and subsidy buttons cannot be
  clicked through a frame), no answer is sniffed as another type, and no address of
  this site is sent to another one as a referrer. The console's and the member page's
  HTML also get a content security policy that lets only this site's scripts run.
- **Access log.** uvicorn's access log prints each request's path and query: values of
  `token`, `key`, `secret` and `password` in it are replaced by `…`.
- **HEAD.** A HEAD request is answered as its GET, without the body: FastAPI's routes
  take the methods they are declared with, and a HEAD (a monitor's, a link checker's)
  was 405 on every page and list. The status and headers are GET's (Content-Length
  included); an address without GET still answers 405.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.i18n import from_accept_language, translate_message

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
OTHER_POLICY = "frame-ancestors 'none'"  # the API's JSON, /docs (which loads its own assets)
_PAGES = ("/console", "/m", "/static")


def _headers(path: str) -> list[tuple[bytes, bytes]]:
    page = path == "/" or any(path == p or path.startswith(p + "/") for p in _PAGES)
    return [
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"content-security-policy", (PAGE_POLICY if page else OTHER_POLICY).encode()),
    ]


class TooLarge(BaseException):
    """Raised from the body's stream: a BaseException, so that no handler of the app
    (which catch Exception, and would answer 400 or 500) stops it on its way out."""


def _said(limit: int) -> str:
    return f"the request body is larger than the {limit} bytes accepted"


def _too_large(limit: int, scope: Scope) -> bytes:
    """The 413's body, its message in the request's language (as api/errors.py's)."""
    wanted = next((v for n, v in scope.get("headers", []) if n == b"accept-language"), b"")
    language = from_accept_language(wanted.decode("latin-1"))
    message = _said(limit)
    return json.dumps(
        {
            "code": ErrorCode.TOO_LARGE.value,
            "message": translate_message(language, message),
            "field": "body",
        }
    ).encode()


# How a page's form past the limit is answered: the pages' error page (web/pages.py),
# given by the app that mounts both, since the API may not import the pages
PageRefusal = Callable[[Request, DomainError], Response]


class Guard:
    """The ASGI middleware (outermost): body limit and security headers."""

    def __init__(
        self, app: ASGIApp, max_body_bytes: int, page_refusal: PageRefusal | None = None
    ) -> None:
        self.app = app
        self.limit = max_body_bytes
        self.page_refusal = page_refusal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = _headers(scope.get("path", ""))
        started = False
        head = scope.get("method") == "HEAD"
        if head:  # answered as GET, its body left out below
            scope = {**scope, "method": "GET"}

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if head and message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            if message["type"] == "http.response.start":
                started = True
                names = {name.lower() for name, _ in message.get("headers", [])}
                message = {
                    **message,
                    "headers": [
                        *message.get("headers", []),
                        *((name, value) for name, value in extra if name not in names),
                    ],
                }
            await send(message)

        length = _content_length(scope)
        if length is not None and length > self.limit:
            await self._refuse(send_with_headers, scope)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise TooLarge
            return message

        try:
            await self.app(scope, counted, send_with_headers)
        except TooLarge:
            if started:  # an answer has begun: nothing better than to stop
                raise
            await self._refuse(send_with_headers, scope)

    async def _refuse(self, send: Any, scope: Scope) -> None:
        path = scope.get("path", "")
        page_path = any(path == p or path.startswith(p + "/") for p in _PAGES[:2])
        if page_path and self.page_refusal is not None:
            # a form of the console or the member page: their error page, in the page's
            # language (the API's JSON was shown raw by the browser)
            refused = DomainError(ErrorCode.TOO_LARGE, _said(self.limit))
            page = self.page_refusal(Request(scope), refused)
            page.headers["connection"] = "close"
            await page(scope, _nothing, send)
            return
        body = _too_large(self.limit, scope)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


async def _nothing() -> Message:
    """The body of a request refused before it is read: none is read."""
    return {"type": "http.request", "body": b"", "more_body": False}


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value.decode("latin-1").strip()[:20])
            except ValueError:
                return None
    return None


# ---------------------------------------------------------------------------- access log

_SECRET_PARAMETER = re.compile(r"((?:^|[?&;])(?:token|key|secret|password)=)[^&;#\s]*", re.I)


def redact(path: str) -> str:
    """A path and query with the values of secret-looking parameters replaced."""
    return _SECRET_PARAMETER.sub(r"\1…", path)


class RedactTokens(logging.Filter):
    """uvicorn's access log record: (client, method, path and query, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact(args[2]), *args[3:])
        return True


_FILTER = RedactTokens()


def redact_access_log() -> None:
    """Install the filter on uvicorn's access logger (once, however often it is asked)."""
    logger = logging.getLogger("uvicorn.access")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
