"""The withdrawals list shows a decided row's note (a rejection's reason) after its
status: in Chinese in full-width brackets, （收款账户信息不完整）, not the half-width
(收款账户信息不完整) it had; in English in its own."""

from __future__ import annotations

import re

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in
from tests.service.test_withdrawals import a_member_with_money


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_rejections_reason_is_bracketed_as_the_language_brackets(api: Api) -> None:
    a_member_with_money(api)
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "100.00"}))
    reason = "收款账户信息不完整，请补充后重新申请"
    api.ok(api.post("/v1/withdrawals/w1/reject", {"reason": reason}))
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    listed = _text(api.client.get("/console/withdrawals", params={"status": "rejected"}).text)
    assert f"（{reason}）" in listed, listed
    assert f"({reason})" not in listed
    api.client.get("/language/en")
    listed = _text(api.client.get("/console/withdrawals", params={"status": "rejected"}).text)
    assert f" ({reason})" in listed, listed


def test_the_top_bars_role_is_bracketed_as_the_language_brackets(api: Api) -> None:
    """The top bar said owner (所有者) on every Chinese page."""
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    page = api.client.get("/console").text
    assert 'owner<span class="role">（所有者）</span>' in page and "(所有者)" not in page
    api.client.get("/language/en")
    assert 'owner<span class="role"> (owner)</span>' in api.client.get("/console").text


def test_the_member_pages_move_of_referees_is_explained_without_the_specs_name(
    api: Api,
) -> None:
    """In English the member page's 'Move all direct members' began 'Seed 000 举报:', the
    name of a design note no operator has; it says what it is for, as the Chinese does."""
    api.member("m1")
    api.member("m2", referrer="m1")  # the move is offered for a member with referees
    sign_in(api.client, api.tenant)
    api.client.get("/language/en")
    page = _text(api.client.get("/console/members/m1").text)
    assert "Once a report (举报) is confirmed" in page
    assert "Seed 000" not in page
