"""What the API and the web pages both ask for: the context, the caller, paging, the
HTTP status of each error code and the one error shape. Beside `api/` and `web/`, not in
either, so that neither imports the other (docs/architecture.md)."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import hmac
import inspect
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator, BaseModel, WithJsonSchema
from starlette.routing import Match

from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.core.lifecycles import OrderStatus, WithdrawalStatus
from zengzhi.engine.fields import (
    AS_WHOLE,
    ID_PATTERN,
    VISIBLE,
    located,
    named_inside,
    one_line,
    one_of,
    pydantic_message,
)
from zengzhi.i18n import from_accept_language, translate_message
from zengzhi.service.auth import Permission, Principal
from zengzhi.service.base import Context
from zengzhi.service.sessions import authenticate
from zengzhi.store import outbox

# The HTTP status that answers each domain error, on the API and on the pages alike.
STATUS = {
    ErrorCode.INVALID: 422,
    ErrorCode.INSUFFICIENT: 422,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.CONFLICT: 409,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.TOO_MANY: 429,
    ErrorCode.TOO_LARGE: 413,
}


# What is said of an address's parameter given more than once (`?status=paid&
# status=refunded`), by the API and the pages alike: refused naming it, never the last
# value taken and the first dropped unsaid.
TWICE = "is given more than once"


SHOWN_NAME = 40  # characters of a parameter's name a refusal repeats


def address_name(name: str) -> str:
    """A parameter's name as a refusal repeats it: its first SHOWN_NAME characters (a
    60 KB name was echoed whole, in the message and the field)."""
    return name if len(name) <= SHOWN_NAME else name[:SHOWN_NAME] + "…"


def address_field(name: str) -> str:
    """The field a refusal of the address's parameter `name` names: `query`, the address's
    parameters as a whole, for a name that is empty (`?=1`: a field '' names nothing)."""
    return address_name(name) or "query"


def of_address(name: str, message: str) -> str:
    """A refusal of a parameter of the address (`?status=…`), which says so: a message
    naming the field alone ("must be one of …", field `status`) read as if the body had
    held it, and a value typed in an address is easily not seen (zh.toml: 地址参数)."""
    return f"address parameter '{address_name(name)}': {message}"


# Every failure's one shape, the API's and the console's JSON addresses' alike (a
# comment, not a docstring: that would be the schema's description in /openapi.json).
class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None = None


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
    request: Request | None = None,
) -> JSONResponse:
    """A failure as JSON, its message in the request's language (api/errors.py)."""
    if request is not None:
        language = from_accept_language(request.headers.get("accept-language"))
        message = translate_message(language, message)
    body = ErrorBody(code=code, message=message, field=field)
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def refused_request(error: RequestValidationError) -> tuple[str, str]:
    """What FastAPI's reading of a request refused, as a message and the field it names
    (without the part it was found in: body, query…); a parameter of the address says so."""
    first = error.errors()[0]
    location = located(first)
    where = location[0] if location else None
    if where in ("body", "query", "path", "header"):
        location = location[1:]
    field = named_inside(first, ".".join(location)) if where == "body" else ".".join(location)
    field = field or "body"
    message = pydantic_message(first)  # the project's words, as every form says them
    if first.get("type") == "json_invalid":
        field = "body"
    if where == "query":
        message = of_address(field, message)
    return message, field


T = TypeVar("T")
# As many threads as anyio's default limiter gives FastAPI: a command waits in its
# tenant's line (service/sequencer.py) in the thread that sent it, and the line groups
# what waits, so the threads are the commands a group can hold.
THREADS = 40
_pools: dict[int, ThreadPoolExecutor] = {}  # by process id


def _threads() -> ThreadPoolExecutor:
    """This process's pool: a process forked from one whose pool had started its threads
    has none of them running, and makes its own. (Threads start at the first call, so a
    pool made twice at once costs nothing.)"""
    pool = _pools.get(os.getpid())
    if pool is None:
        pool = ThreadPoolExecutor(THREADS, thread_name_prefix="zengzhi")
        pool = _pools.setdefault(os.getpid(), pool)
    return pool


async def in_thread(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`function` run in the thread pool, in a copy of the caller's context variables, as
    FastAPI runs a plain function (anyio's `to_thread`), for about a third of its CPU: a
    busy server spent 15 % of its time on anyio's trips, its capacity limiter, cancel
    scopes and task lookups, for two trips a request (docs/benchmarks.md)."""
    call = functools.partial(contextvars.copy_context().run, function, *args, **kwargs)
    return await asyncio.get_running_loop().run_in_executor(_threads(), call)


def on_the_loop(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    """A plain function endpoint as a coroutine that runs it in the thread pool
    (`in_thread`). FastAPI runs a plain endpoint in its own pool, and then checks its
    answer against the response model in a second trip there (a coroutine's it checks
    where it is). A busy server's three trips a request were 13 % of its CPU
    (docs/benchmarks.md). FastAPI reads the parameters through `wraps`, as it would the
    endpoint's own. The API's routes and the pages' make their endpoints so; a plain
    dependency is a coroutine that sends its work by `in_thread`, so that one pool does
    it all (tests/service/test_thread_trips.py)."""
    if inspect.iscoroutinefunction(endpoint):
        return endpoint

    @functools.wraps(endpoint)
    async def run(*args: Any, **kwargs: Any) -> Any:
        return await in_thread(endpoint, *args, **kwargs)

    return run


def add_routes(app: FastAPI, *routers: APIRouter) -> None:
    """The routers' routes into the app's own list, in their order, each as its router
    made it (its full path, tags, class). FastAPI 0.165 keeps an included router as one
    entry of the app's list that matches its routes again for every request, twice (to
    find the router, then inside it): GET /health, behind the fifteen routers of the
    API, spent 60 % of its time being matched (docs/benchmarks.md). No router here is
    included with anything of its own (prefix, dependencies, tags), so nothing else
    changes: tests/service/test_routes_matched.py and the OpenAPI document hold it."""
    for router in routers:
        app.router.routes.extend(router.routes)


def context_of(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


async def get_context(request: Request) -> Context:
    """`context_of` as a dependency. Async so that FastAPI calls it on the event loop: it
    runs a plain function dependency in its thread pool, a hop there and back on every
    request for reading an attribute (no gain measurable on this VM, docs/benchmarks.md)."""
    return context_of(request)


ContextDep = Annotated[Context, Depends(get_context)]

_bearer = HTTPBearer(auto_error=False, description="an API key (zz1.…) or a session token")


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


async def get_principal(context: ContextDep, credentials: BearerDep) -> Principal:
    if credentials is None:
        raise DomainError(ErrorCode.UNAUTHORIZED, "send an API key or a session token")
    return await in_thread(authenticate, context, credentials.credentials)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def needs(
    *permissions: Permission, why: str | None = None, of: Callable[..., Any] = get_principal
) -> Any:
    """A route's permissions, for its `dependencies`: a caller whose role lacks one is
    refused (403) before the request's body and parameters are read, as the use case
    would refuse them (it checks again: the command line calls it too). Read after them,
    a viewer's order with a mistyped field was answered 422 naming the field, as if it
    might be placed once corrected. They are the first the route's use case asks
    (tests/security/test_role_gates.py finds them by calling each). `of`: the caller's
    principal (the console's signed-in user: `web/console/session.needs_form`)."""

    async def gate(principal: Principal = Depends(of)) -> None:  # noqa: B008
        for permission in permissions:
            principal.require(permission, why=why)

    return Depends(gate)


async def get_language(request: Request) -> str:
    """The caller's language by `Accept-Language`: refusals speak it (api/errors.py), and
    so do the sentences inside an answer (lint findings, a back-test's skipped events)."""
    return from_accept_language(request.headers.get("accept-language"))


LanguageDep = Annotated[str, Depends(get_language)]


async def require_admin(
    context: ContextDep, x_admin_token: Annotated[str | None, Header()] = None
) -> None:
    expected = context.settings.admin_token
    if expected is None:
        raise DomainError(
            ErrorCode.FORBIDDEN, "tenants are created with `zengzhi tenant create` here"
        )
    if x_admin_token is None or not hmac.compare_digest(
        x_admin_token.encode(), expected.get_secret_value().encode()
    ):
        raise DomainError(ErrorCode.UNAUTHORIZED, "a valid X-Admin-Token is required")


PathId = Annotated[str, Path(pattern=ID_PATTERN, description="an id: letters, digits, _.:@-")]
Username = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.@-]{1,100}$")]
KeyId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$", description="the API key's id")]


def _status(*known: str) -> Any:
    """A list's status filter: one of the statuses its rows can have. A free pattern took
    a typo ("complete" for "completed") and answered an empty list, as if none had it."""
    # described as the list it is: "any string" let a client or fuzzer send "" as valid
    described = WithJsonSchema({"type": "string", "enum": list(known)})
    return Annotated[
        str | None, Query(description=f"one of {', '.join(known)}"), one_of(*known), described
    ]


OrderStatusFilter = _status(*OrderStatus)
WithdrawalStatusFilter = _status(*WithdrawalStatus)
DELIVERY_STATUSES = (outbox.PENDING, outbox.DELIVERED, outbox.FAILED, outbox.CANCELLED)
DeliveryStatusFilter = _status(*DELIVERY_STATUSES)
# the console's filter of a subscription's deliveries: `all` too (web/console/webhooks.py)
DeliveryStatusShown = _status("all", *DELIVERY_STATUSES)
Search = Annotated[
    str | None,
    Query(
        max_length=64,
        description="the start of an id or phone",
        json_schema_extra={"pattern": VISIBLE},  # what one_line() takes, as a name's
    ),
    AfterValidator(lambda text: None if text is None else one_line(text)),
]
# counts in an address are ASCII digits (AS_WHOLE): pydantic took " 5", "+5" and "5_0"
Limit = Annotated[int, Query(ge=1, le=500, description="how many to return"), AS_WHOLE]
After = Annotated[str | None, Query(pattern=ID_PATTERN, description="continue after this id")]
Before = Annotated[
    int | None, Query(ge=1, le=2**62, description="continue before this number"), AS_WHOLE
]


def without_slash(request: Request) -> Response | None:
    """A path that some route answers without its trailing slash (`/v1/orders/`): sent
    there (307, the method and body kept), by a relative address. Starlette's own
    redirect wrote the address whole from the request's `Host` header, so that whatever
    host a request named, the answer sent its client there (the app's router has
    `redirect_slashes` off: app.py)."""
    path = request.url.path
    bare = path.rstrip("/")
    if not bare or bare == path or bare.startswith("//"):  # "//host" is another site
        return None
    scope = {**request.scope, "path": bare}
    if not any(route.matches(scope)[0] != Match.NONE for route in request.app.routes):
        return None
    query = request.url.query
    where = request.scope.get("root_path", "") + bare + (f"?{query}" if query else "")
    return RedirectResponse(where, status_code=307)
