"""What a Chinese-speaking operator or member reads where the code has a name of its
own: a mode in the lint's findings is named as every other page names it (推三返一, not
refer_three), through the test client."""

from __future__ import annotations

import re

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in
from zengzhi.i18n import Translator

CASH_MODES = ("refer_three", "ads", "quota", "green", "union", "three_for_one")


def test_the_lints_findings_name_a_mode_by_its_chinese_name(api: Api) -> None:
    """A zone whose modes have no funding and no end: the review read "refer_three 模式没有
    结束日期" in a Chinese sentence. Each mode is named by its [mode_name] entry."""
    api.pool()
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    modes = "".join(f"[{mode}]\n" for mode in CASH_MODES)
    review = api.client.post(
        "/console/config/zones",
        data={"csrf": csrf, "id": "z", "modes": modes, "action": "check"},
    )
    assert review.status_code == 200 and 'id="lint-heading"' in review.text, review.text
    said = re.sub(r"<code>[^<]*</code>|\([a-z_.]+\)", "", review.text.split('id="lint-heading"')[1])
    zh = Translator("zh")
    for mode in CASH_MODES:
        name = zh(f"mode_name.{mode}")
        assert f"{name}模式没有结束日期" in said, said
        assert f"{name}模式承诺支付现金" in said
        assert not re.search(rf"\b{mode}\b", said), mode
