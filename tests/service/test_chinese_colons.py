"""A Chinese refusal writes the full-width colon "：" where a colon meets Chinese text, as
every catalogued sentence does: a field's or a pool's name before a translated message
kept the ASCII colon (`union.lock_days: 不能为负数`, `mian: 未知积分池 'mian'`, a batch's
`nope-1: 未知提现 'nope-1'`). A colon with no Chinese beside it (a message the catalogue
does not know, an English page) stays ": ". The API's messages are
translated by the same function. Through the console's pages (TestClient), on SQLite and
PostgreSQL."""

from __future__ import annotations

import html
import re

from tests.service.conftest import Api
from tests.service.test_console_form_errors import field_errors, settings
from tests.service.test_console_pages import sign_in
from zengzhi.i18n import Translator, translate_message


def test_a_prefix_before_a_chinese_message_takes_the_full_width_colon() -> None:
    assert translate_message("zh", "union.lock_days: must not be negative") == (
        "union.lock_days：不能为负数"
    )
    assert translate_message("en", "union.lock_days: must not be negative") == (
        "union.lock_days: must not be negative"
    )
    # the rest not catalogued: no Chinese beside the colon, which stays
    assert translate_message("zh", "x.y: some words no sentence makes") == (
        "x.y: some words no sentence makes"
    )
    t = Translator("zh")
    assert t.colon("不能为负数") == "：" and t.colon("words") == ": "
    assert t.colon("words", before="积分池") == "："
    assert Translator("en").colon("不能为负数") == ": "


def test_the_consoles_chinese_refusals_put_a_full_width_colon_after_a_name(api: Api) -> None:
    api.pool()
    csrf = sign_in(api.client, api.tenant)
    api.client.cookies.set("zz_lang", "zh")
    # a pool's name on the settings page's pool names
    form = settings(csrf) | {"member_page.pool_names": "mian = 购物积分"}
    page = api.client.post("/console/config/settings", data=form)
    assert page.status_code == 404, page.text[-2000:]
    said = field_errors(page.text)["member_page.pool_names"]
    assert said.startswith("mian：未知积分池"), said
    # a setting inside the distribution settings' text
    text = '[commission]\nrates = ["-0.1"]\n'
    page = api.client.post(
        "/console/config/distribution",
        data={"csrf": csrf, "distribution": text, "action": "check"},
    )
    assert page.status_code == 422
    shown = html.unescape(page.text)
    assert re.search(r"commission\.rates\.0：[\u4e00-\u9fff]", shown), shown[-3000:]
    assert not re.search(r"commission\.rates\.0: ", shown)
    # a batch's refusals, each after the withdrawal's id
    api.client.post(
        "/console/withdrawals/batch",
        data={"csrf": csrf, "action": "approve", "ids": ["nope-1"]},
        follow_redirects=False,
    )
    refused = api.client.get("/console/withdrawals").text.split('id="batch-refused"')[1]
    refused = html.unescape(re.sub(r"<[^>]+>", "", refused.split("</div>")[0]))
    assert "nope-1：" in refused and "nope-1: " not in refused, refused
    # English keeps its colon
    api.client.cookies.set("zz_lang", "en")
    page = api.client.post("/console/config/settings", data=form)
    assert field_errors(page.text)["member_page.pool_names"].startswith("mian: unknown pool")
