"""The console's and the member page's answers are never kept by a browser (report F5):
Back after signing out must not show the page signed out of. The assets and the API
keep their own caching."""

from __future__ import annotations

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in
from tests.service.test_page_notices import _member_page


def test_console_and_member_pages_answer_no_store(api: Api) -> None:
    client = _member_page(api)  # member m1, its page open
    member_page = client.get("/m")
    assert member_page.status_code == 200
    assert member_page.headers["cache-control"] == "no-store"
    assert client.get("/m/history").headers["cache-control"] == "no-store"

    sign_in(client, api.tenant)
    for path in ("/console", "/console/members/m1", "/console/pools", "/console/login"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["cache-control"] == "no-store", path
    assert "no-store" not in api.get("/v1/pools/main").headers.get("cache-control", "")
    assert "no-store" not in client.get("/static/css/site.css").headers.get("cache-control", "")
