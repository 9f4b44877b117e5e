"""Holds the API to its own description: every answer the tests get is looked up in
`/openapi.json`, and a status that the operation does not declare is a failure of the test
that got it (tests/service/conftest.py wraps the app the service tests call).

Server errors (5xx) are not looked up: no operation declares one, and a test that meets one
fails on its own account."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Operations = list[tuple[re.Pattern[str], int, str, dict[str, Any]]]

# The operations of each distinct set of routes, once per process: every service test builds
# its own app, and describing one (app.openapi()) costs 0.5 to 1 s of CPU, which every test
# that made a request paid. Apps with the same routes (path and methods, in order, and the
# same operation ids) have the same description: the code that describes them is the same.
_DESCRIBED: dict[tuple[Any, ...], Operations] = {}

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class DeclaredStatuses:
    """An ASGI app around the API app: passes everything through, and notes each answer
    whose status its operation does not declare. Other attributes are the app's."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.undeclared: list[str] = []
        self._operations: Operations | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)

    def operations(self) -> Operations:
        """(path pattern, its number of parameters, method, operation), fewest parameters
        first: `/v1/orders/batch` is found before `/v1/orders/{order_id}`."""
        if self._operations is None:
            routes = tuple(
                (
                    getattr(route, "path", None),
                    tuple(sorted(getattr(route, "methods", None) or ())),
                    getattr(route, "operation_id", None),
                    getattr(getattr(route, "endpoint", None), "__qualname__", None),
                )
                for route in self.app.routes
            )
            if routes not in _DESCRIBED:
                _DESCRIBED[routes] = self._described()
            self._operations = _DESCRIBED[routes]
        return self._operations

    def _described(self) -> Operations:
        found = []
        for path, item in self.app.openapi()["paths"].items():
            pattern = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")
            for method, operation in item.items():
                found.append((pattern, path.count("{"), method.upper(), operation))
        return sorted(found, key=lambda one: one[1])

    def declared(self, method: str, path: str) -> set[str] | None:
        """The statuses the operation for this request declares; None: no operation (the
        console's pages, static files, /docs)."""
        for pattern, _, operation_method, operation in self.operations():
            if operation_method == method and pattern.match(path):
                return set(operation["responses"])
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def noting(message: Message) -> None:
            if message["type"] == "http.response.start":
                status = int(message["status"])
                declared = self.declared(scope["method"], scope["path"])
                if declared is not None and status < 500 and str(status) not in declared:
                    self.undeclared.append(
                        f"{scope['method']} {scope['path']} answered {status}, "
                        f"declared {sorted(declared)}"
                    )
            await send(message)

        await self.app(scope, receive, noting)
