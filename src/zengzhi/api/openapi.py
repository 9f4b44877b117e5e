"""The API's description of itself (`/openapi.json`) and its reader (`/docs`).

FastAPI writes the paths, parameters, bodies and success answers from the routes; this
module adds what it cannot know: each operation's stable name and plain summary
(api/operations.py), and the failures each can answer, all in the one error shape
`{code, message, field}` (api/errors.py). tests/service/conftest.py holds every answer
the service tests get against this description: a status not declared fails the test.

`/docs` is Swagger UI from the swagger-ui-py package's own files, served here: it works
without the internet (FastAPI's default loads it from a CDN).
"""

from __future__ import annotations

import copy
import importlib.util
import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from zengzhi.api.operations import OPERATIONS
from zengzhi.deps import ErrorBody

DOCS = "/docs"
ASSETS = "/docs/assets"

# What each failure means, as the description says it.
_MEANING = {
    401: "No API key or session, or one that is unknown, expired or revoked",
    403: "The caller's role may not do this",
    404: "An id in the path (or one the request names) is unknown in this tenant",
    409: "A conflict: the same id with other contents, or a state that does not allow it",
    413: "The body is larger than the server takes (ZENGZHI_MAX_BODY_BYTES)",
    422: "A field is missing or invalid; `field` names it",
    429: "Too many attempts; `Retry-After` says when to try again",
}

# Operations that are not called with an API key or a session (their own checks stand in).
_PUBLIC = {"health", "login", "receiveGatewayNotification"}
# Failures some operations answer beyond what their shape says (below, `_failures`).
_MORE: dict[str, set[int]] = {
    "login": {401, 429},
    "createTenant": {401, 403, 409},  # X-Admin-Token missing or wrong; none configured
    "receiveGatewayNotification": {401, 404, 409},  # a bad signature; unknown tenant
    "getMemberNetwork": {409},  # a referral cycle already in the data (security.md)
    "getMyTransferToConfirm": {409},  # sent by a WeChat Pay merchant the tenant has left
    "pingWebhook": {429},  # more test events a minute than a tenant may send
}


# Successes besides the one FastAPI declares (a route that sets its own status).
_ALSO_SUCCEEDS = {
    "createOrder": ("200", "The same order again (same id, same contents): the first answer"),
    "requestWithdrawal": ("200", "The same request again (same id): the first answer"),
    "withdrawMine": ("200", "The same request again (same id): the first answer"),
    "importBalance": ("200", "The same import again (same id, same contents): the first answer"),
}


def _same_answer(response: dict[str, Any], meaning: str) -> dict[str, Any]:
    """A success answered with another status but the same body. An inline body schema
    loses its title in the copy: generators make a model of each title, once."""
    copied = copy.deepcopy(response) | {"description": meaning}
    for content in copied.get("content", {}).values():
        content.get("schema", {}).pop("title", None)
    return copied


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _failures(name: str, method: str, path: str, operation: dict[str, Any]) -> set[int]:
    """The statuses besides success that this operation can answer."""
    statuses = set(_MORE.get(name, set()))
    if name == "health":
        return statuses
    if name not in _PUBLIC:
        statuses |= {401, 403}
    # every operation refuses a parameter of the address it does not take, naming it
    # (api/routing.py), so every one may answer 422
    statuses.add(422)
    if "requestBody" in operation or method != "get":
        statuses.add(413)  # the guard counts any body, before the route reads it
    if "{" in path or method != "get":
        statuses.add(404)
    if method in ("post", "put", "patch", "delete"):
        statuses.add(409)
    return statuses


def describe(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI description, made once and kept (FastAPI's own caching)."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    components["Error"] |= {
        "title": "Error",
        "description": "Every failure: what, in words, and the field at fault",
    }
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            key = f"{method.upper()} {path}"
            name, summary = OPERATIONS.get(key, (None, None))
            if name is None:
                function = re.sub(r"_v1_.*$|_health_get$", "", operation["operationId"])
                name = _camel(function)
            operation["operationId"] = name
            if summary is not None:
                operation["summary"] = summary
            responses = operation.setdefault("responses", {})
            if name in _ALSO_SUCCEEDS:
                success, meaning = _ALSO_SUCCEEDS[name]
                responses[success] = _same_answer(next(iter(responses.values())), meaning)
            for failure in sorted(_failures(name, method, path, operation)):
                responses[str(failure)] = {
                    "description": _MEANING[failure],
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
    # FastAPI's own 422 body (`HTTPValidationError`) is never answered: the handler in
    # api/errors.py answers the one shape
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    app.openapi_schema = schema
    return schema


def _swagger_ui_files() -> Path:
    """Swagger UI's files inside the swagger-ui-py package, found without importing it
    (its handlers import web frameworks this server does not use)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the swagger-ui-py package is not installed (it is a dependency)")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def install(app: FastAPI) -> None:
    """The description at /openapi.json and Swagger UI at /docs, both from this server.
    The FastAPI app is made with docs_url=None and redoc_url=None (those load from a CDN)."""
    app.openapi = lambda: describe(app)  # type: ignore[method-assign]
    app.mount(ASSETS, StaticFiles(directory=_swagger_ui_files()), name="docs-assets")

    @app.get(DOCS, include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        )
