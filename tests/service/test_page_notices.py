"""Notices after a form (sold, withdrawn, subsidy put in, withdrawals decided): what the
page says was done is what was done, never what a link says (report F0, F0b)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.service.conftest import Api, enter_member_page


def _member_page(api: Api, member: str = "m1") -> TestClient:
    api.pool()
    api.member(member, name="Ann")
    api.completed_order("o1", member)
    client = api.client
    client.cookies.clear()
    issued = api.ok(api.post(f"/v1/members/{member}/page-token"))
    assert enter_member_page(client, issued).status_code == 303
    return client


def test_a_malformed_notice_on_the_member_page_is_no_error(api: Api) -> None:
    client = _member_page(api)
    for asked in ("x", "<script>", "foo:1", "sold:abc", ":"):
        page = client.get("/m", params={"done": asked})
        assert page.status_code == 200, (asked, page.text)
        assert "member.done_" not in page.text  # never a raw catalogue key
        assert 'class="notice ok"' not in page.text
