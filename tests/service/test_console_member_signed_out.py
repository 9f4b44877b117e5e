"""The member page under a token revoked elsewhere (the member signed out in another tab,
or on another phone): the member is told the page no longer opens, truthfully (signed
out is one of the reasons named, not only "expired or invalid"), and a form sent from
the stale page says that it was not carried out, so nobody reads the page and thinks a
withdrawal or a sale went in. Nothing moves."""

from __future__ import annotations

import re

from tests.service.conftest import Api, enter_member_page
from tests.service.test_withdrawals import a_member_with_money


def _csrf(text: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', text)
    assert found is not None
    return found.group(1)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_form_sent_after_signing_out_elsewhere_says_nothing_was_done(api: Api) -> None:
    assert a_member_with_money(api) == "1600.00"
    client = api.client
    client.cookies.clear()
    issued = api.ok(api.post("/v1/members/m1/page-token"))
    assert enter_member_page(client, issued).status_code == 303
    client.get("/language/zh")
    csrf = _csrf(client.get("/m").text)  # the page as the first tab holds it
    # another tab of the same member signs out (the token ends in the database)
    assert client.post("/m/logout", data={"csrf": csrf}).status_code == 200
    for path, data in (
        ("/m/withdraw/quote", {"csrf": csrf, "amount": "100"}),
        ("/m/withdraw", {"csrf": csrf, "id": "w-stale", "amount": "100"}),
        ("/m/sell/quote", {"csrf": csrf, "pool": "main", "points": "1"}),
    ):
        stale = client.post(path, data=data, follow_redirects=False)
        assert stale.status_code == 401, (path, stale.text)
        said = _text(stale.text)
        assert "已退出" in said, said  # signed out elsewhere is named among the reasons
        assert "刚才提交的操作没有执行" in said, said
        assert "您的零钱和积分没有变动" in said, said
    # opening the page again (a GET) names the reasons but no unsent form
    again = _text(client.get("/m").text)
    assert "已退出" in again and "没有执行" not in again
    client.get("/language/en")
    english = _text(client.post("/m/withdraw", data={"csrf": csrf, "amount": "100"}).text)
    assert "was not carried out" in english and "signed out" in english
    assert api.ok(api.get("/v1/members/m1/wallet"))["balance"] == "1600.00"
