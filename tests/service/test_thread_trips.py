"""An API request goes to the thread pool twice: to check its caller, and to run its
command. FastAPI also sent a plain endpoint's answer there, to be checked against the
response model (a third trip, about 0.1 ms of CPU: `deps.on_the_loop`). Both go by the
project's own pool (`deps.in_thread`), not anyio's, whose trips cost about three times
the CPU; a plain dependency (run by anyio) would show as a trip too. The console's and
the member page's requests go by the same pool: one pool does the work of every route."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

import anyio.to_thread
import pytest

from tests.service.conftest import Api, enter_member_page
from tests.service.test_console_pages import sign_in
from zengzhi import deps


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of each function the app sends to a thread pool: the project's ("name")
    or anyio's ("anyio:name")."""
    sent: list[str] = []
    by_anyio, by_us = anyio.to_thread.run_sync, deps.in_thread

    async def anyio_trip(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        plain = getattr(function, "func", function)  # starlette sends a partial
        sent.append("anyio:" + getattr(plain, "__name__", repr(plain)))
        return await by_anyio(function, *args, **kwargs)

    async def our_trip(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        sent.append(getattr(function, "__name__", repr(function)))
        return await by_us(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", anyio_trip)
    for name, module in list(sys.modules.items()):  # deps, and whoever imported it by name
        if name.startswith("zengzhi") and getattr(module, "in_thread", None) is by_us:
            monkeypatch.setattr(module, "in_thread", our_trip)
    return sent


def test_an_order_and_its_payment_each_go_to_the_pool_twice(api: Api, trips: list[str]) -> None:
    api.pool()
    api.member("m1")
    trips.clear()
    body = {"id": "o1", "member": "m1", "amount": "100.00", "contribution": "30.00"}
    assert api.ok(api.post("/v1/orders", body))["status"] == "created"
    assert trips == ["authenticate", "create_order"]
    trips.clear()
    assert api.ok(api.post("/v1/orders/o1/pay"))["status"] in ("paid", "completed")
    assert trips == ["authenticate", "pay"]
    trips.clear()
    assert api.ok(api.get("/v1/orders/o1"))["id"] == "o1"
    assert trips == ["authenticate", "get_order"]


def test_a_batch_goes_to_the_pool_twice(api: Api, trips: list[str]) -> None:
    """Its caller's language is read on the loop (a plain dependency went to the pool)."""
    api.pool()
    api.member("m1")
    trips.clear()
    order = {"id": "o1", "member": "m1", "amount": "100.00", "contribution": "30.00"}
    assert api.ok(api.post("/v1/orders/batch", {"orders": [order], "pay": True}))
    assert trips == ["authenticate", "create_orders"]


def test_a_refused_request_is_answered_as_before(api: Api, trips: list[str]) -> None:
    """The command's refusal still reaches the one error shape from the pool's thread."""
    api.pool()
    answer = api.post("/v1/orders", {"id": "o1", "member": "nobody", "amount": "1.00"})
    assert answer.status_code == 404, answer.text
    assert answer.json()["field"] == "member"
    assert trips[-1] == "create_order"


def test_the_pages_go_to_the_projects_pool_only(api: Api, trips: list[str]) -> None:
    """A console page, a console form, the member page, its form, `/v1/me`, the health
    check and the language switch: none goes to anyio's pool."""
    api.pool()
    api.member("m1")
    api.completed_order("o1", "m1")
    client = api.client
    issued = api.ok(api.post("/v1/members/m1/page-token"))
    csrf = sign_in(client, api.tenant)
    trips.clear()
    assert client.get("/console/pools").status_code == 200
    assert trips == ["authenticate", "overview"]  # the session, the page
    trips.clear()
    changed = client.post(
        "/console/members/m1/referrer",
        data={"csrf": csrf, "referrer": "nobody", "reason": "x"},
        follow_redirects=False,
    )
    assert changed.status_code == 404, changed.text  # refused, as a page, from the pool
    assert trips[0] == "authenticate" and not [one for one in trips if "anyio" in one]
    client.cookies.clear()
    assert enter_member_page(client, issued).status_code == 303
    page = client.get("/m")
    assert page.status_code == 200
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', page.text)
    assert found is not None
    quote = client.post(
        "/m/sell/quote", data={"csrf": found.group(1), "pool": "main", "points": "1"}
    )
    assert quote.status_code == 200, quote.text
    token = api.ok(api.post("/v1/members/m1/page-token"))["token"]
    assert client.get("/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get("/health").status_code == 200
    assert client.get("/language/zh", follow_redirects=False).status_code == 303
    assert trips and not [one for one in trips if one.startswith("anyio:")], trips
