"""Which route answers a path does not depend on the order the routers are included in.

The API includes the orders' router first, for speed (FastAPI tries routes one by one in
that order: src/zengzhi/api/__init__.py). That is safe only while no route of one router
matches a path written for a route of another: then the first included would answer it,
and moving a router would change the answer. Within one router the order is the one its
module writes, and stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from fastapi import APIRouter, FastAPI
from starlette.routing import BaseRoute, Match

from tests.service.conftest import shared_app
from zengzhi import api, web
from zengzhi.service.base import Context

PARAMETER = re.compile(r"\{[^}]+\}")

# The one crossing that is meant: the console's payments page is included before the
# catalogue's `/console/config/{kinds}` (whose kinds are checked after matching), as
# src/zengzhi/web/__init__.py says beside it.
MEANT = {("/console/config/payments", "/console/config/{kinds}")}


def groups(app: FastAPI) -> Iterator[list[BaseRoute]]:
    """Each router's routes, as the app holds them (`deps.add_routes` puts them in its
    own list), then each route added alone."""
    routers: tuple[APIRouter, ...] = api.ROUTERS + web.ROUTERS
    mine = {id(route) for router in routers for route in router.routes}
    held = {id(route) for route in app.router.routes}
    for router in routers:
        assert all(id(route) in held for route in router.routes)  # every one is served
        yield list(router.routes)
    yield from ([route] for route in app.router.routes if id(route) not in mine)


def written_for(route: BaseRoute) -> Iterator[tuple[str, str]]:
    """The (method, path) pairs a route is written to answer: its parameters filled in."""
    path = PARAMETER.sub("x1", getattr(route, "path", ""))
    methods = getattr(route, "methods", None) or {"GET"}
    if not getattr(route, "methods", None):  # a mount: what lies under it
        path += "/x1"
    for method in sorted(methods):
        yield method, path


def answers(route: BaseRoute, method: str, path: str) -> bool:
    scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}
    match, _ = route.matches(scope)
    return match == Match.FULL


def test_no_route_answers_a_path_written_for_a_route_of_another_router(
    context: Context,
) -> None:
    included = list(groups(shared_app(context)))
    assert sum(len(group) for group in included) > 100  # the API and the pages
    crossing = [
        f"{method} {path}: written for {getattr(mine, 'path', mine)}, "
        f"answered too by {getattr(theirs, 'path', theirs)}"
        for n, group in enumerate(included)
        for mine in group
        for method, path in written_for(mine)
        for m, other in enumerate(included)
        if m != n
        for theirs in other
        if answers(theirs, method, path)
        and (getattr(mine, "path", ""), getattr(theirs, "path", "")) not in MEANT
    ]
    assert crossing == []


def test_the_check_sees_a_crossing() -> None:
    """A router whose `/v1/orders/{id}` would answer another's `/v1/orders/batch`."""
    first, second = APIRouter(), APIRouter()
    first.add_api_route("/v1/orders/{order_id}", lambda order_id: None, methods=["POST"])
    second.add_api_route("/v1/orders/batch", lambda: None, methods=["POST"])
    (batch,) = second.routes
    assert any(answers(route, m, p) for m, p in written_for(batch) for route in first.routes)
