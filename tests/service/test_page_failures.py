"""A fault of the server's own on a console or member page (a bug, a lost database) is
a page in the reader's language, status 500, with the way back: it was the API's JSON,
{"code":"internal","message":"服务端出错，已记录"}, shown raw in the browser. A form whose
browser went away before sending all of it (a double click sends it again at once) is
not logged as a fault. Through the pages (TestClient), on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from starlette.requests import ClientDisconnect

from tests.service.conftest import Api, enter_member_page
from tests.service.test_console_pages import sign_in
from zengzhi.web import member as member_page
from zengzhi.web import pages
from zengzhi.web.console import audit


def _fails(*_: Any, **__: Any) -> Any:
    raise RuntimeError("the database went away")


def test_a_fault_on_a_page_is_a_page_not_json(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    api.pool()
    api.member("m1")
    api.completed_order("o1", "m1")
    issued = api.ok(api.post("/v1/members/m1/page-token"))
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    monkeypatch.setattr(audit.console_audit, "find_audit", _fails)
    with caplog.at_level(logging.ERROR):
        page = api.client.get("/console/audit")
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert "服务端出错，已记录" in page.text and 'href="/console"' in page.text
    assert '"code"' not in page.text and "RuntimeError" not in page.text
    assert "the database went away" in caplog.text  # logged, with its traceback
    monkeypatch.setattr(member_page.member_access, "paid_by_pool", _fails)
    assert enter_member_page(api.client, issued).status_code == 303
    mine = api.client.get("/m")
    assert mine.status_code == 500 and mine.headers["content-type"].startswith("text/html")
    assert "服务端出错，已记录" in mine.text and 'href="/m"' in mine.text


def test_a_form_whose_browser_went_away_is_not_logged_as_a_fault(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    api.pool()
    csrf = sign_in(api.client, api.tenant)

    async def gone(self: Any, *_: Any, **__: Any) -> Any:
        raise ClientDisconnect()

    monkeypatch.setattr(pages.Request, "form", gone)
    with caplog.at_level(logging.ERROR):
        sent = api.client.post("/console/pools/main/pause", data={"csrf": csrf, "reason": "x"})
    assert sent.status_code == 400
    assert "unexpected error" not in caplog.text
    assert api.ok(api.get("/v1/pools/main"))["params"]["minting_enabled"] is True  # not paused
