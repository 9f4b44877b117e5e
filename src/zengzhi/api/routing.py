"""The API's routes read JSON bodies as everything that enters is read (`loads_strict`):
an object with a key twice is refused, naming the key. FastAPI reads bodies with
json.loads, which keeps the last value of a key given twice."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from zengzhi.core.errors import DomainError
from zengzhi.engine.fields import loads_strict


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_strict_json"):
            self._strict_json = loads_strict(await self.body())
        return self._strict_json


class StrictJSONRoute(APIRoute):
    """Every router under /v1 makes its routes of this class (`route_class=`)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            strict = StrictJSONRequest(request.scope, request.receive)
            if self.body_field is not None and await strict.body():
                # Read here, where a refusal reaches the error handlers: FastAPI turns any
                # error of its own reading but bad JSON into a bare 400.
                try:
                    await strict.json()
                except DomainError:
                    raise
                except ValueError:
                    pass  # not JSON: FastAPI reads it again and says so
            return await handler(strict)

        return handle
