"""A pool's pause (or resume) sent from a page shown before someone else paused (or
resumed) it: it was done again, said done, and audited a second time with the reason
typed, as if this operator had paused a running pool. It is refused now (409), nothing
done nor audited, said in Chinese on the pool's section, and the reason typed shown back
rather than lost. On SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in
from tests.service.test_withdrawals import a_member_with_money


def _pool_actions(api: Api) -> list[tuple[str, str | None]]:
    return [
        (a["action"], a.get("reason"))
        for a in api.ok(api.get("/v1/audit-log"))
        if a["action"] in ("pool.pause", "pool.resume")
    ]


def test_a_stale_pause_or_resume_is_refused_keeping_the_reason(api: Api) -> None:
    a_member_with_money(api)
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    # the page showed 暂停发放; someone else paused the pool meanwhile
    api.ok(api.post("/v1/pools/main/pause", {"reason": "盘点"}))
    typed = "月底盘点，暂停 <三天>"
    stale = api.client.post("/console/pools/main/pause", data={"csrf": csrf, "reason": typed})
    assert stale.status_code == 409, stale.text
    alert = re.search(r'class="notice error" role="alert">(.*?)</div>', stale.text, re.S)
    assert alert is not None, stale.text
    said = html.unescape(re.sub(r"<[^>]+>", "", alert.group(1)))
    assert "积分池 main 在此页面打开后已被其他人暂停发放：本次没有任何改动" in said, said
    kept = re.search(r"data-kept-reason>(.*?)</p>", stale.text, re.S)
    assert kept is not None, stale.text
    assert html.unescape(re.sub(r"<[^>]+>", "", kept.group(1))) == (
        "您填写的原因（没有记录，可复制后再用）：" + typed
    )
    # the form now shown resumes: the pause's reason is not put in it
    assert 'action="/console/pools/main/resume"' in stale.text
    assert f'value="{html.escape(typed)}"' not in stale.text
    assert _pool_actions(api) == [("pool.pause", "盘点")]  # not paused, nor audited, twice
    # and the other way round: resumed meanwhile, a stale resume
    api.ok(api.post("/v1/pools/main/resume", {"reason": "盘点结束"}))
    again = api.client.post("/console/pools/main/resume", data={"csrf": csrf, "reason": "恢复"})
    assert again.status_code == 409
    assert "已被其他人恢复发放" in html.unescape(again.text)
    assert len(_pool_actions(api)) == 2
    # a fresh form is done as before
    done = api.client.post("/console/pools/main/pause", data={"csrf": csrf, "reason": "年中"})
    assert "积分池 main 已暂停发放。" in done.text
    assert _pool_actions(api)[0] == ("pool.pause", "年中")
