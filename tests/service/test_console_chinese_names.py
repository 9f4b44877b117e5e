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
    said = re.sub(r"<[^>]*>", "", review.text.split('id="lint-heading"')[1])  # what is read
    zh = Translator("zh")
    for mode in CASH_MODES:
        name = zh(f"mode_name.{mode}")
        assert f"{name}模式没有结束日期" in said, said
        assert f"{name}模式承诺支付现金" in said
        assert not re.search(rf"\b{mode}\b", said), mode


def test_where_a_finding_is_is_said_as_the_forms_say_it(api: Api) -> None:
    """Each finding began with its configuration path and ended with its rule's code:
    `pool.exit_multiple` … `(pool.static_over_spend)`, `zones.z.refer_three.funding` …
    `(modes.underfunded)`, a program's names in a Chinese sentence. The place is now
    said as the forms say it (积分池 main · 封顶倍数, 专区 z · 推三返一 · funding: a mode's
    parameter by the TOML key its form takes); the path and the code stay in attributes."""
    api.pool()
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    params = api.ok(api.get("/v1/pools/main"))["params"]
    fields = {n: params[n] for n in ("mint_ratio", "opening_price", "min_sell_points")}
    review = api.client.post(
        "/console/config/pools/main",
        data={"csrf": csrf, **fields, "sell_fee": "0.1", "exit_multiple": "3", "action": "check"},
    )
    assert review.status_code == 200 and 'id="lint-heading"' in review.text, review.text
    found = review.text.split('id="lint-heading"')[1].split("</ul>")[0]
    shown = re.sub(r"<[^>]*>", "", found)  # the text a reader sees
    assert 'data-field="pool.exit_multiple"' in found
    assert "积分池 main · 封顶倍数" in shown, shown
    assert "pool.exit_multiple" not in shown and not re.search(r"\([a-z_]+\.[a-z_.]+\)", shown)
    zone = api.client.post(
        "/console/config/zones",
        data={
            "csrf": csrf,
            "id": "z",
            "modes": "[refer_three]\nfunding = 0.1\n",
            "action": "check",
        },
    )
    shown = re.sub(r"<[^>]*>", "", zone.text.split('id="lint-heading"')[1].split("</ul>")[0])
    assert "专区 z · 推三返一 · funding" in shown, shown
    assert "zones.z" not in shown
