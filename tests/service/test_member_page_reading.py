"""The member page reads as a consumer expects (issue 17): the platform's name in the
header, a pool by a name, no exit sentence for a pool where nothing is held, times in
the platform's zone without an offset and in the reader's date format, a refusal in
their language with ¥ on the amount. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.service.conftest import Api, enter_member_page


def test_the_member_page_speaks_to_a_consumer(api: Api) -> None:
    api.pool(exit_multiple="2")
    api.pool("empty")
    api.member("m1", name="Ann")
    api.completed_order("o1", "m1")
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "10"}))
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "1.00"}))
    client = api.client
    client.cookies.clear()
    assert (
        enter_member_page(client, api.ok(api.post("/v1/members/m1/page-token"))).status_code == 303
    )
    english = client.get("/m").text
    assert 'id="progress-main"' in english  # m1 holds points: how far to the exit
    assert f"Tenant {api.tenant}" in english.split("</header>")[0]  # the platform's name
    assert "Your points in the main pool" in english
    assert "UTC" not in english.split("<main")[1]
    assert re.search(r"20\d\d-\d\d-\d\d \d\d:\d\d", english)
    client.get("/language/zh")
    chinese = client.get("/m").text
    assert "您在主积分池的积分" in chinese  # no spaces around a Chinese name
    # the way to the exit in plain words (it read 您离出局已走完 40.0%)
    assert re.search(r"您的出局进度为 \d+\.\d%。", chinese) and "离出局已走完" not in chinese
    assert re.search(r"20\d\d年\d{1,2}月\d{1,2}日 \d\d:\d\d", chinese)
    assert "UTC" not in chinese.split("<main")[1]
    csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', chinese)
    assert csrf is not None
    refused = client.post("/m/withdraw/quote", data={"csrf": csrf.group(1), "amount": "99999.00"})
    assert refused.status_code == 422 and 'id="withdraw-error"' in refused.text
    assert re.search(r"零钱余额只有 ¥\d+\.\d\d", refused.text)

    api.ok(api.post("/v1/members/m1/sell", {"id": "s2", "points": "all"}))
    client.get("/language/en")
    sold = client.get("/m").text
    assert 'id="progress-main"' not in sold  # nothing held: no exit to speak of
    assert "These points have no automatic payout" not in sold
