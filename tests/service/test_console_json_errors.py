"""The console's JSON addresses (the dashboard's figures and chart, the members' and
stores' pickers) answer a refusal in the API's one error shape, `{code, message, field}`
(docs/service.md, "Errors"), in the reader's language: a bad address parameter was
answered with the console's HTML error page, which their scripts cannot read. A session
that has ended is a 401 in the same shape, not the sign-in page. On SQLite and
PostgreSQL."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.service.conftest import Api, shared_app
from tests.service.test_console_pages import sign_in
from zengzhi.service.base import Context


def _json_routes(context: Context, client: TestClient) -> list[str]:
    """The console's GET addresses (without a part in the path) that answer JSON."""
    found = []
    for route in shared_app(context).routes:
        included = getattr(route, "original_router", None)
        for one in included.routes if included is not None else [route]:
            path = getattr(one, "path", "")
            if not path.startswith("/console") or "{" in path:
                continue
            if "GET" not in (getattr(one, "methods", None) or ()):
                continue
            answer = client.get(path, params={"pool": "main"})
            if answer.headers.get("content-type", "").startswith("application/json"):
                found.append(path)
    return found


def _shape(answer: Any, status: int, code: str, field: str | None) -> dict[str, Any]:
    assert answer.status_code == status, answer.text[:300]
    assert answer.headers["content-type"].startswith("application/json"), answer.text[:300]
    body: dict[str, Any] = answer.json()
    assert set(body) == {"code", "message", "field"}, body
    assert (body["code"], body["field"]) == (code, field), body
    return body


def test_the_consoles_json_addresses_answer_refusals_as_json(api: Api, context: Context) -> None:
    api.pool()
    sign_in(api.client, api.tenant)
    routes = _json_routes(context, api.client)
    assert {
        "/console/data/figures",
        "/console/data/chart",
        "/console/members/pick.json",
        "/console/config/stores/pick.json",
    } <= set(routes), routes
    for path in routes:
        # a parameter given twice, a control character: refused before the address reads
        twice = api.client.get(f"{path}?pool=main&q=a&q=b", headers={"Accept-Language": "en"})
        body = _shape(twice, 422, "invalid", "q")
        assert body["message"] == "address parameter 'q': is given more than once", body
        in_chinese = api.client.get(f"{path}?pool=main&q=a&q=b", headers={"Accept-Language": "zh"})
        body = _shape(in_chinese, 422, "invalid", "q")
        assert body["message"] == "地址参数 “q”：出现了不止一次", body
        _shape(api.client.get(path, params={"pool": "main", "q": "a\x1bb"}), 422, "invalid", "q")
    # a value the address's type refuses, named as the API names it
    bad = api.client.get("/console/data/chart", params={"pool": "main", "samples": "1e3"})
    body = _shape(bad, 422, "invalid", "samples")
    assert body["message"].startswith("address parameter 'samples': "), body
    zh = api.client.get(
        "/console/data/chart?pool=main&samples=1e3", headers={"Accept-Language": "zh-CN"}
    )
    assert _shape(zh, 422, "invalid", "samples")["message"].startswith("地址参数 “samples”：")
    _shape(api.client.get("/console/data/figures", params={"pool": "x y"}), 422, "invalid", "pool")
    # the service's refusal too
    _shape(
        api.client.get("/console/data/chart", params={"pool": "nosuch"}), 404, "not_found", "pool"
    )
    # a session that has ended: 401, not the sign-in page the script cannot read
    api.client.cookies.clear()
    for path in routes:
        ended = api.client.get(path, params={"pool": "main"}, follow_redirects=False)
        _shape(ended, 401, "unauthorized", None)
    ended = api.client.get("/console/data/figures", headers={"Accept-Language": "zh"})
    assert _shape(ended, 401, "unauthorized", None)["message"] == "会话无效或已过期；请重新登录"
    # the pages keep answering pages
    page = api.client.get("/console/orders?status=bogus", follow_redirects=False)
    assert not page.headers.get("content-type", "").startswith("application/json")
