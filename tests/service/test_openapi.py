"""The API describes itself truthfully: stable camelCase operation names, plain summaries,
every failure in the one error shape, and /docs that works without the internet. (That
every answer's status is declared is held by tests/declared.py over all service tests.)"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.declared import DeclaredStatuses
from tests.numbers import BAD_TEXTS
from tests.service.conftest import Api
from zengzhi.api.operations import OPERATIONS


@pytest.fixture
def schema(api: Api) -> dict[str, Any]:
    response = api.client.get("/openapi.json")
    assert response.status_code == 200
    spec: dict[str, Any] = response.json()
    return spec


def operations(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }


def test_every_operation_has_its_stable_name_and_a_summary(schema: dict[str, Any]) -> None:
    found = operations(schema)
    missing = sorted(set(found) - set(OPERATIONS))
    assert not missing, f"name these in src/zengzhi/api/operations.py: {missing}"
    assert sorted(set(OPERATIONS) - set(found)) == []  # no row for a route that is gone
    for key, operation in found.items():
        assert (operation["operationId"], operation["summary"]) == OPERATIONS[key]
        assert re.fullmatch(r"[a-z][A-Za-z0-9]*", operation["operationId"]), key
    names = [operation["operationId"] for operation in found.values()]
    assert len(names) == len(set(names))
    assert found["POST /v1/orders"]["operationId"] == "createOrder"


def test_every_failure_is_the_one_error_shape(schema: dict[str, Any]) -> None:
    error = schema["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"code", "message", "field"}
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for key, operation in operations(schema).items():
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                body = response["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/Error"}, (key, status)


def test_the_failures_each_operation_declares(schema: dict[str, Any]) -> None:
    found = operations(schema)

    def failures(key: str) -> list[int]:
        return sorted(int(s) for s in found[key]["responses"] if int(s) >= 400)

    assert failures("POST /v1/orders") == [401, 403, 404, 409, 413, 422]
    assert failures("GET /v1/orders/{order_id}") == [401, 403, 404, 422]
    # any operation refuses an address's parameter it does not take (api/routing.py)
    assert failures("GET /v1/pools") == [401, 403, 422]
    assert failures("POST /v1/auth/login") == [401, 404, 409, 413, 422, 429]
    assert failures("GET /health") == []
    assert sorted(found["POST /v1/orders"]["responses"])[:2] == ["200", "201"]


def test_docs_work_without_the_internet(api: Api) -> None:
    page = api.client.get("/docs")
    assert page.status_code == 200
    sources = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", page.text)
    sources += re.findall(r"""url:\s*["']([^"']+)""", page.text)
    assert sources, page.text
    assert all(source.startswith("/") for source in sources), sources  # nothing from a CDN
    for source in sources:
        asset = api.client.get(source)
        assert asset.status_code == 200, source
    script = api.client.get("/docs/assets/swagger-ui-bundle.js")
    assert "SwaggerUIBundle" in script.text
    assert api.client.get("/redoc").status_code == 404  # it would load from a CDN


def test_the_checker_fails_an_undeclared_status() -> None:
    app = FastAPI()

    @app.get("/teapot", responses={200: {"description": "tea"}})
    def teapot(brew: bool = False) -> dict[str, str]:
        if brew:
            from fastapi import HTTPException  # noqa: PLC0415

            raise HTTPException(status_code=418)
        return {"tea": "no"}

    checked = DeclaredStatuses(app)
    with TestClient(checked) as client:  # type: ignore[arg-type]
        assert client.get("/teapot").status_code == 200
        assert client.get("/teapot", params={"brew": "maybe"}).status_code == 422
        assert client.get("/teapot", params={"brew": "true"}).status_code == 418
    assert checked.undeclared == ["GET /teapot answered 418, declared ['200', '422']"]


def test_the_checker_describes_each_set_of_routes_once_and_apart() -> None:
    """The checker keeps one description per set of routes (describing the app costs most
    of a small test): an app with other routes, or another operation, is described anew."""

    def app_declaring(*statuses: int, operation: str = "brew") -> FastAPI:
        app = FastAPI()

        @app.get(
            "/pot", responses={s: {"description": "x"} for s in statuses}, operation_id=operation
        )
        def pot() -> dict[str, str]:
            from fastapi import HTTPException  # noqa: PLC0415

            raise HTTPException(status_code=418)

        return app

    for statuses, operation, undeclared in [
        ((200,), "brew", ["GET /pot answered 418, declared ['200']"]),
        ((200,), "brew", ["GET /pot answered 418, declared ['200']"]),  # the same again
        ((200, 418), "steep", []),  # another operation: described apart, 418 declared
    ]:
        checked = DeclaredStatuses(app_declaring(*statuses, operation=operation))
        with TestClient(checked) as client:  # type: ignore[arg-type]
            assert client.get("/pot").status_code == 418
        assert checked.undeclared == undeclared


def test_a_decimal_field_says_the_one_form_it_takes(schema: dict[str, Any]) -> None:
    """Amounts, prices, points and ratios were described as any string: a client or a
    fuzzer (schemathesis) took "", "1e3" or "１０００" for valid by the description, and
    the service refused them. Each says its form (a pattern), which takes what the
    service takes and refuses what it refuses (tests/numbers.py, spec 01)."""
    found = schema["components"]["schemas"]

    def pattern(model: str, field: str) -> str:
        described = found[model]["properties"][field]
        text = next(one for one in described.get("anyOf", [described]) if "pattern" in one)
        return str(text["pattern"])

    taken = ["0", "10", "10.00", "-5.25", "0.0001", "1000000"]
    for model, field, more in [
        ("NewOrder", "amount", []),
        ("WithdrawalRequest", "amount", []),
        ("NewPool", "mint_ratio", []),
        ("SellRequest", "points", ["all"]),
        ("ProductIn", "cost", ["30%", "12.5%"]),
    ]:
        form = re.compile(pattern(model, field))
        for text in [*taken, *more]:
            assert form.fullmatch(text), (model, field, text)
        for text in [*BAD_TEXTS, "12,50", "%", "all%"]:
            if text not in more:
                assert not form.fullmatch(text), (model, field, text)


def test_a_status_filter_lists_the_statuses_it_takes(api: Api, schema: dict[str, Any]) -> None:
    """A list's `status` filter was described as any string (its words said "one of …"):
    a client or fuzzer sent "" or "complete" as valid and was refused. The description
    lists the statuses (an enum), and the list takes each of them and no other."""
    hook = api.ok(api.post("/v1/webhooks", {"url": "https://shop.example/h", "event_types": ["*"]}))
    for described, sent in [
        ("/v1/orders", "/v1/orders"),
        ("/v1/withdrawals", "/v1/withdrawals"),
        ("/v1/webhooks/{subscription_id}/deliveries", f"/v1/webhooks/{hook['id']}/deliveries"),
    ]:
        parameters = schema["paths"][described]["get"]["parameters"]
        status = next(one for one in parameters if one["name"] == "status")["schema"]
        assert status.get("type") == "string" and status.get("enum"), (described, status)
        for value in status["enum"]:
            assert api.get(sent, status=value).status_code == 200, (described, value)
        for value in ("", "complete", "PAID"):
            refused = api.get(sent, status=value)
            assert (refused.status_code, refused.json()["field"]) == (422, "status"), value


def test_free_text_says_it_holds_no_control_characters(api: Api, schema: dict[str, Any]) -> None:
    """Names, labels, regions and notes were described as any string of their length, and
    the service refuses control characters in them (a NUL breaks databases): a client
    or fuzzer sent "a\\x00b" as valid. Each says so (a pattern), which takes and refuses
    what the service takes and refuses. A name people read is one line of visible
    characters (no line break, tab, bidirectional control or other format character); a
    note (a reason) may span lines."""
    name = schema["components"]["schemas"]["NewMember"]["properties"]["name"]["anyOf"][0]
    form = re.compile(name["pattern"])
    assert name["maxLength"] == 200
    for n, text in enumerate(["Li 李", "مرحبا", "😀", "", "Zoë's shop"]):
        assert form.fullmatch(text), text
        assert api.post("/v1/members", {"id": f"ok{n}", "name": text}).status_code == 201
    hidden = ["a\x00b", "\x1b[31mred", "tab\x0bvertical", "next\x85line", "del\x7f"]
    hidden += ["two\nlines", "a\ttab", "\u202egnp.exe", "zero\u200bwidth", "\ufeffbom"]
    for text in hidden:
        assert not form.fullmatch(text), text
        refused = api.post("/v1/members", {"id": "no", "name": text})
        assert (refused.status_code, refused.json()["field"]) == (422, "name"), text
    note = schema["components"]["schemas"]["Reassignment"]["properties"]["reason"]
    assert re.compile(note["pattern"]).fullmatch("two\nlines\tand\r\n")
    assert not re.compile(note["pattern"]).fullmatch("a\x00b")
    # and the members' search, whose text is read as a name's is
    parameters = schema["paths"]["/v1/members"]["get"]["parameters"]
    search = next(one for one in parameters if one["name"] == "q")["schema"]
    assert search.get("pattern") == name["pattern"], search
    for text in ("m\x1b", "m\u202e"):
        refused = api.get("/v1/members", q=text)
        assert (refused.status_code, refused.json()["field"]) == (422, "q"), refused.text
    assert api.get("/v1/members", q="ok").status_code == 200
