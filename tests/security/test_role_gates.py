"""A role that may not do what an address does is refused (403) before what it sent is
read: a viewer's order with a mistyped field was answered 422 naming the field, as if it
would be placed once corrected, and the answer told a caller without the right which
fields an operation takes and which values pass. Each route's gate (`deps.needs`) is
the permission its use case asks first; the use case asks again (the console and the
command line call it too)."""

from __future__ import annotations

import contextlib
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from fastapi.routing import APIRoute

from tests.service.conftest import Api
from zengzhi.api import ROUTERS
from zengzhi.service.auth import GRANTS, SIGNED_IN_ONLY, Permission, Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.webhooks import GATEWAY
from zengzhi.web import ROUTERS as WEB_ROUTERS
from zengzhi.web import console
from zengzhi.web.console.session import COOKIE as CONSOLE_COOKIE
from zengzhi.web.console.session import Staff
from zengzhi.web.pages import csrf_token

CONSOLE_MODULES = [
    importlib.import_module(f"{console.__name__}.{one.name}")
    for one in pkgutil.iter_modules(console.__path__)
]

OWNER = Principal(tenant="t", actor="user:owner", role=Role.OWNER)


class Asked(Exception):
    """What a patched `Principal.require` raises: the first permission asked."""


def _asked(self: Principal, permission: Permission, *_: Any, **__: Any) -> None:
    raise Asked(permission)


def _first_asked(call: Any, **kwargs: Any) -> Permission | None:
    """The first permission `call` asks of its principal, nothing else of it run."""
    with mock.patch.object(Principal, "require", _asked):
        try:
            _run(call, **kwargs)
        except Asked as asked:
            return Permission(asked.args[0])
    return None


def _all_asked(call: Any, stand_ins: bool = True, **kwargs: Any) -> list[Permission]:
    """Every permission `call` asks, in order; on `stand_ins`, as far as it runs on them
    (a stand-in read as a real value ends the call, after the permissions were asked)."""
    asked: list[Permission] = []
    record = mock.patch.object(Principal, "require", lambda _, p, *__, **___: asked.append(p))
    with record, contextlib.suppress(Exception) if stand_ins else contextlib.nullcontext():
        _run(call, **kwargs)
    return asked


def _run(call: Any, **kwargs: Any) -> None:
    """`call`, or the coroutine it returns run to its end: a gate awaits nothing (run on
    no event loop, which another test of the process may hold)."""
    result = call(**kwargs)
    if inspect.iscoroutine(result):
        with contextlib.suppress(StopIteration):
            result.send(None)
        result.close()


def _use_case_asks(route: APIRoute, asks: Any = _first_asked, an_id: str = "x") -> Any:
    """Call the route's endpoint itself (the function under FastAPI's wrapper) with the
    owner, `an_id` for each id and stand-ins for the rest: what its use case asks is
    caught (`asks`)."""
    endpoint = getattr(route.endpoint, "__wrapped__", route.endpoint)
    kwargs: dict[str, Any] = {}
    for name, parameter in inspect.signature(endpoint).parameters.items():
        if name == "principal":
            kwargs[name] = OWNER
        elif parameter.default is not inspect.Parameter.empty:
            kwargs[name] = parameter.default
        elif name.endswith("_id") or name == "username":
            kwargs[name] = an_id
        else:
            kwargs[name] = mock.MagicMock()  # the context, a body
    return asks(endpoint, **kwargs)


def _gates(route: APIRoute) -> list[Permission]:
    gates = route.dependencies
    return [p for d in gates for p in _all_asked(d.dependency, False, principal=OWNER)]


def _routes() -> Iterator[APIRoute]:
    for router in ROUTERS:
        for route in router.routes:
            assert isinstance(route, APIRoute)
            endpoint = getattr(route.endpoint, "__wrapped__", route.endpoint)
            if "principal" in inspect.signature(endpoint).parameters:
                yield route


def test_each_route_is_gated_by_what_its_use_case_asks_first() -> None:
    """Every route of a tenant's caller: its use case asks a permission first; the route
    is gated by that one, unless it is reading (every role may read) or the permission
    depends on the address (the payment gateway's webhook deliveries, `gateway`, are
    the payment adapter's), and by no permission its use case does not ask."""
    checked = 0
    for route in _routes():
        first = _use_case_asks(route)
        name = f"{sorted(route.methods)} {route.path}"
        assert first is not None, f"{name}: its use case asks no permission"
        gates = _gates(route)
        if first is Permission.READ or _use_case_asks(route, an_id=GATEWAY) != first:
            assert gates == [], name
            continue
        assert gates[:1] == [first], name
        assert set(gates) <= set(_use_case_asks(route, _all_asked)), name
        checked += 1
    assert checked >= 55  # the gated routes were found, not skipped


def _refused(role: Role, permission: Permission, by_key: bool) -> bool:
    return permission not in GRANTS[role] or (by_key and permission in SIGNED_IN_ONLY)


def _path(route: APIRoute) -> str:
    """The route's address with every id in it malformed (a space is no id's)."""
    path = route.path
    for name in route.param_convertors:
        path = path.replace("{" + name + "}", "bad%20id")
    return path


@pytest.fixture
def callers(api: Api) -> dict[str, tuple[Role, bool, str]]:
    """A token of each role, and an owner's API key: (role, by key, token)."""
    tokens = {role: (Role(role), False, api.as_role(role)) for role in ("operator", "finance")}
    tokens |= {role: (Role(role), False, api.as_role(role)) for role in ("support", "viewer")}
    tokens["integrator"] = (Role.INTEGRATOR, True, api.as_role("integrator"))
    owner_key = api.ok(api.post("/v1/api-keys", {"name": "owner's", "role": "owner"}))["token"]
    tokens["owner key"] = (Role.OWNER, True, str(owner_key))
    tokens["owner"] = (Role.OWNER, False, api.token)
    return tokens


def test_a_role_without_the_right_is_refused_before_its_request_is_read(
    api: Api, callers: dict[str, tuple[Role, bool, str]]
) -> None:
    """Every gated route, sent a malformed id and (if it takes a body) a body of fields
    it does not take, with a value written in full-width digits: each caller without the
    right gets 403, each with it the refusal of what it sent (422 naming a field)."""
    refusals = 0
    for route in _routes():
        gates = _gates(route)
        if not gates:
            continue
        [method] = route.methods
        body = {"no_such_field": "１０００"} if route.body_field is not None else None
        for name, (role, by_key, token) in callers.items():
            answer = api.client.request(
                method, _path(route), json=body, headers={"Authorization": f"Bearer {token}"}
            )
            said = (name, method, route.path, answer.text)
            if any(_refused(role, permission, by_key) for permission in gates):
                assert answer.status_code == 403, said
                assert answer.json()["code"] == "forbidden", said
                refusals += 1
            elif body is not None:
                assert answer.status_code == 422, said
                assert answer.json()["field"] is not None, said
            elif route.param_convertors:  # a malformed id: named, or unknown (a dry run's)
                assert answer.status_code in (404, 422), said
            else:  # nothing sent amiss: whatever the use case answers but a 403
                assert answer.status_code != 403, said
    assert refusals >= 200


# ---------------------------------------------------------------------------- console forms

# The webhook replay's permission depends on the delivery (the gateway's are the payment
# adapter's), as the API's (above): its use case alone decides.
UNGATED_FORMS = {"/console/webhooks/{subscription_id}/deliveries/{event_id}/replay"}


def _forms() -> Iterator[APIRoute]:
    """The console's forms a signed-in user sends (`user`): sign-in and the member
    page's forms have no role to ask."""
    for router in WEB_ROUTERS:
        for route in router.routes:
            assert isinstance(route, APIRoute)
            endpoint = getattr(route.endpoint, "__wrapped__", route.endpoint)
            if "POST" in route.methods and "user" in inspect.signature(endpoint).parameters:
                yield route


def _asks_beyond_reading(route: APIRoute) -> Permission | None:
    """The first permission other than reading the form's handler asks of its use cases
    when the form reads as valid (`build` answers a stand-in), or None when the handler
    ends on its stand-ins before (its checks of the form's text)."""

    def asked(self: Principal, permission: Permission, *_: Any, **__: Any) -> None:
        if permission is not Permission.READ:  # a form reads what it acts on first
            raise Asked(permission)

    endpoint = getattr(route.endpoint, "__wrapped__", route.endpoint)
    kwargs: dict[str, Any] = {}
    for name in inspect.signature(endpoint).parameters:
        if name == "user":
            kwargs[name] = Staff(OWNER, "csrf")
        elif name.endswith("_id") or name in ("username", "adapter"):
            kwargs[name] = "x"
        else:
            kwargs[name] = mock.MagicMock()
    with contextlib.ExitStack() as patches:
        patches.enter_context(mock.patch.object(Principal, "require", asked))
        for module in CONSOLE_MODULES:
            if hasattr(module, "build"):
                valid = mock.patch.object(module, "build", lambda *_, **__: mock.MagicMock())
                patches.enter_context(valid)
        try:
            endpoint(**kwargs)
        except Asked as first:
            return Permission(first.args[0])
        except Exception:
            return None
    return None


def test_each_console_form_is_gated_by_what_its_use_case_asks() -> None:
    """Every console form but the webhook replay is gated; where its handler reaches its
    use case on stand-ins, by the permission that use case asks first (reading apart)."""
    checked = 0
    for route in _forms():
        gates = _gates(route)
        if route.path in UNGATED_FORMS:
            assert gates == [], route.path
            continue
        assert gates, f"{route.path}: a form with no gate"
        asked = _asks_beyond_reading(route)
        if asked is not None:
            assert gates[:1] == [asked], route.path
            checked += 1
    assert checked >= 25  # the use cases were reached, not skipped


def test_a_role_without_the_right_is_refused_before_its_form_is_read(
    api: Api, context: Context
) -> None:
    """Every gated console form, sent with a valid CSRF token, malformed ids and values a
    form would refuse at their fields (full-width digits, an empty reason): each role
    without the right gets the refusal page (403) and nothing of what it sent is judged;
    each role with it gets anything but 403 (the form's refusals, no such page…)."""
    form = {"no_such_field": "１０００", "amount": "1e3", "reason": "", "id": "bad id"}
    refusals = 0
    for role in (Role.OPERATOR, Role.FINANCE, Role.SUPPORT, Role.VIEWER):
        token = api.as_role(role.value)
        api.client.cookies.clear()
        api.client.cookies.set(CONSOLE_COOKIE, token)
        csrf = csrf_token(context, token)
        for route in _forms():
            gates = _gates(route)
            if not gates:
                continue
            sent = api.client.post(_path(route), data=form | {"csrf": csrf})
            said = (role, route.path, sent.status_code, sent.text[-300:])
            if any(permission not in GRANTS[role] for permission in gates):
                assert sent.status_code == 403, said
                assert "may not" in sent.text and "no_such_field" not in sent.text, said
                assert ". · " not in sent.text.split("</title>")[0], said  # "….  · 平台"
                refusals += 1
            else:
                assert sent.status_code != 403, said
    api.client.cookies.clear()
    assert refusals >= 60
