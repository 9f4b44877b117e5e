"""An address under /console or /m that no page answers is a page of its own, in the
reader's language, with the way back; the API under /v1 still answers JSON (report F9)."""

from __future__ import annotations

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in
from tests.service.test_page_notices import _member_page


def test_unknown_console_and_member_addresses_are_pages(api: Api) -> None:
    client = _member_page(api)
    client.get("/language/zh")
    for path in ("/m/nope", "/m/history/x/y"):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"].startswith("text/html"), path
        assert "找不到" in answer.text and "没有这个页面" in answer.text
        assert 'href="/m"' in answer.text

    sign_in(client, api.tenant)
    for path in ("/console/nope", "/console/withdrawals/xyz", "/console/members/m1/x/y"):
        answer = client.get(path)
        assert answer.status_code in (404, 405), path
        assert answer.headers["content-type"].startswith("text/html"), path
        assert "没有这个页面" in answer.text and 'href="/console"' in answer.text, path

    api_answer = api.get("/v1/nope")
    assert api_answer.status_code == 404
    assert api_answer.json()["code"] == "not_found"


def test_the_site_has_an_icon(api: Api) -> None:
    """Browsers ask /favicon.ico of every site: an icon, not a 404 in every log; the
    pages name the same icon (an SVG) in their head."""
    icon = api.client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.content.startswith(b"<svg")
    login = api.client.get("/console/login")
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in login.text
    assert api.client.get("/static/img/favicon.svg").content == icon.content
