"""An API request goes to the thread pool twice: to check its caller, and to run its
command. FastAPI also sent a plain endpoint's answer there, to be checked against the
response model (a third trip, about 0.1 ms of CPU: src/zengzhi/api/routing.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio.to_thread
import pytest

from tests.service.conftest import Api


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of each function the app sends to the thread pool."""
    sent: list[str] = []
    original = anyio.to_thread.run_sync

    async def counted(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        plain = getattr(function, "func", function)  # starlette sends a partial
        sent.append(getattr(plain, "__name__", repr(plain)))
        return await original(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    return sent


def test_an_order_and_its_payment_each_go_to_the_pool_twice(api: Api, trips: list[str]) -> None:
    api.pool()
    api.member("m1")
    trips.clear()
    body = {"id": "o1", "member": "m1", "amount": "100.00", "contribution": "30.00"}
    assert api.ok(api.post("/v1/orders", body))["status"] == "created"
    assert trips == ["get_principal", "create_order"]
    trips.clear()
    assert api.ok(api.post("/v1/orders/o1/pay"))["status"] in ("paid", "completed")
    assert trips == ["get_principal", "pay"]
    trips.clear()
    assert api.ok(api.get("/v1/orders/o1"))["id"] == "o1"
    assert len(trips) == 2


def test_a_refused_request_is_answered_as_before(api: Api, trips: list[str]) -> None:
    """The command's refusal still reaches the one error shape from the pool's thread."""
    api.pool()
    answer = api.post("/v1/orders", {"id": "o1", "member": "nobody", "amount": "1.00"})
    assert answer.status_code == 404, answer.text
    assert answer.json()["field"] == "member"
    assert trips[-1] == "create_order"
