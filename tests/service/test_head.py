"""HEAD is answered as GET without a body, on every address that takes GET (the API, the
console, the member page, the static files, /openapi.json): FastAPI's routes took GET
alone and answered HEAD 405, so a monitor or a link checker that asks HEAD read every
page as refused. The status and the headers are GET's (its Content-Type and
Content-Length), the body empty; an address that takes no GET still answers 405, and a
405's Allow names HEAD beside GET. On SQLite and PostgreSQL."""

from __future__ import annotations

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in


def _same_as_get(api: Api, path: str, headers: dict[str, str] | None = None) -> int:
    got = api.client.get(path, headers=headers, follow_redirects=False)
    head = api.client.head(path, headers=headers, follow_redirects=False)
    assert head.status_code == got.status_code, (path, head.status_code, got.status_code)
    assert head.content == b"", path
    for name in ("content-type", "content-length", "location", "cache-control"):
        assert head.headers.get(name) == got.headers.get(name), (path, name)
    return head.status_code


def test_head_answers_as_get_without_a_body(api: Api) -> None:
    api.pool()
    auth = {"Authorization": f"Bearer {api.token}"}
    assert _same_as_get(api, "/v1/orders", auth) == 200
    assert _same_as_get(api, "/v1/pools/main", auth) == 200
    assert _same_as_get(api, "/v1/orders") == 401  # GET's refusal, said in headers only
    assert _same_as_get(api, "/v1/orders/nosuch", auth) == 404
    assert _same_as_get(api, "/openapi.json") == 200
    assert _same_as_get(api, "/static/css/site.css") == 200
    assert _same_as_get(api, "/console") == 303  # to sign in, as GET
    sign_in(api.client, api.tenant)
    assert _same_as_get(api, "/console") == 200
    assert _same_as_get(api, "/console/orders?status=paid") == 200
    assert _same_as_get(api, "/console/orders?status=bogus") == 422
    assert _same_as_get(api, "/console/members/pick.json?q=m") == 200


def test_an_address_without_get_still_refuses_head(api: Api) -> None:
    auth = {"Authorization": f"Bearer {api.token}"}
    refused = api.client.head("/v1/orders/o1/pay", headers=auth)
    assert refused.status_code == 405 and refused.content == b""
    assert refused.headers["allow"] == "POST"
    # a 405 names HEAD wherever GET is taken
    listed = api.client.delete("/v1/orders", headers=auth)
    assert listed.status_code == 405
    assert set(listed.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
