"""The API's routes read JSON bodies as everything that enters is read (`loads_strict`):
an object with a key twice is refused, naming the key. FastAPI reads bodies with
json.loads, which keeps the last value of a key given twice. A route that takes no body
(an order's pay, refund…) refuses one, and JSON nested past what the reader can follow
is refused naming `body` (it raised RecursionError: a 500). A body sent as another type
(text/plain, a form, none named) is refused saying which type to send: FastAPI passed
its bytes on, refused as "must be a table of names and values". A body with a
`Content-Encoding` other than identity (gzip…) is refused saying to send it
uncompressed: the header was not looked at, a gzip body was "not JSON", and a plain
body labelled gzip was taken. A body in UTF-16 or UTF-32, or with a byte-order mark,
is refused saying to send UTF-8 (RFC 8259): json.loads read them."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from functools import cached_property
from typing import Any

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from zengzhi.core.errors import DomainError, invalid
from zengzhi.deps import TWICE, address_field, of_address, on_the_loop
from zengzhi.engine.fields import NOT_UTF8, loads_strict

EMPTY = (b"", b"{}")  # what a route that takes no body accepts
NOT_JSON = "must be JSON, sent with Content-Type: application/json"
UTF8 = "must be UTF-8, without a byte-order mark"
ENCODED = "must be sent uncompressed, with no Content-Encoding (or Content-Encoding: identity)"


def _is_encoded(content_encoding: str | None) -> bool:
    """A coding other than identity (gzip, deflate, br…): the body is not its JSON."""
    codings = (content_encoding or "").lower().replace(" ", "").split(",")
    return any(coding not in ("", "identity") for coding in codings)


def _is_json(content_type: str | None) -> bool:
    """application/json or application/<anything>+json, with any parameters (charset)."""
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_strict_json"):
            self._strict_json = loads_strict(await self.body())
        return self._strict_json


def _known_parameters(request: Request, known: tuple[str, ...]) -> None:
    """An address's parameter the route does not take is refused naming it, with those
    it takes, as a body's unknown field is: `GET /v1/orders?sort=amount` answered the
    orders unsorted, and `?stauts=paid` every order, as if they had been applied. A
    parameter given twice is refused, as a body's key given twice is: `?status=paid&
    status=created` answered the created orders alone, the first value dropped unsaid."""
    given = [name for name, _ in request.query_params.multi_items()]
    for name in request.query_params:
        if name not in known:
            if known:
                said = f"is not one this address takes (it takes {', '.join(known)})"
            else:
                said = "is not one this address takes (it takes none)"
            raise invalid(address_field(name), of_address(name, said))
        if given.count(name) > 1:
            raise invalid(name, of_address(name, TWICE))


def _query_names(dependant: Dependant) -> list[str]:
    names = [param.alias for param in dependant.query_params]
    for inner in dependant.dependencies:  # the caller, the language…: their parameters too
        names += _query_names(inner)
    return names


GATEWAY_PATHS = "/v1/gateway/"


class StrictJSONRoute(APIRoute):
    """Every router under /v1 makes its routes of this class (`route_class=`)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, on_the_loop(endpoint), **kwargs)

    @cached_property
    def query_names(self) -> tuple[str, ...] | None:
        """The address's parameters the route takes, as they are written (aliases); None
        for a payment gateway's notification address, which takes any: the operator
        registers it at the gateway, perhaps with a parameter of their own, and a refused
        notification is a payment the gateway gives up on after a day of retries."""
        if self.path.startswith(GATEWAY_PATHS):
            return None
        return tuple(dict.fromkeys(_query_names(self.dependant)))

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            strict = StrictJSONRequest(request.scope, request.receive)
            if self.query_names is not None:
                _known_parameters(strict, self.query_names)
            body = await strict.body()
            if self.body_field is not None and body:
                if _is_encoded(strict.headers.get("content-encoding")):
                    raise invalid("body", ENCODED)
                if not _is_json(strict.headers.get("content-type")):
                    raise invalid("body", NOT_JSON)
                # Read here, where a refusal reaches the error handlers: FastAPI turns any
                # error of its own reading but bad JSON into a bare 400.
                try:
                    await strict.json()
                except DomainError:
                    raise
                except RecursionError:
                    raise invalid("body", "nests too deep to be read") from None
                except json.JSONDecodeError as error:
                    if error.msg == NOT_UTF8:
                        raise invalid("body", UTF8) from None
                    pass  # not JSON: FastAPI reads it again and says so
            elif self.dependant.request_param_name is None and body.strip() not in EMPTY:
                # a step with no body (pay, refund…) acts on the whole resource: a body sent
                # to it (a refund's `amount`) must not be taken as if it had been applied
                raise invalid("body", "this request takes no body (send none, or an empty object)")
            return await handler(strict)

        return handle
