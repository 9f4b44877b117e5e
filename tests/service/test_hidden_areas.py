"""The agents' areas of the distribution settings (`agents.areas`: an area's name and its
provinces) are names people read and matched by their text, as an agent's and an order's
region are (tests/service/test_hidden_regions.py): they took a bidirectional control or
a zero-width space, so an area '华\u200b南' was shown as 华南 and an area agent of 华南
was paid for none of its provinces. Refused naming the field, in English and Chinese,
through the API and the console; nothing is saved. Areas kept before this rule are read
back as they were kept (the settings, a command's, the replay of the log) and refused
only when they are sent again; the console writes them back with the hidden character
escaped, so the operator sees what to take out (docs/distribution.md). On SQLite and
PostgreSQL."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from sqlalchemy import select, update

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in
from zengzhi.engine.config import load_config
from zengzhi.engine.lint import lint
from zengzhi.i18n import translate_message
from zengzhi.service.audit import audit_all
from zengzhi.service.base import Context
from zengzhi.store import tables as t
from zengzhi.store.tenanted import of_tenant

MESSAGE = "must not contain control or invisible format characters (found {0})"
CHINESE = "不能包含控制字符或不可见的格式字符（发现 {0}）"
PAGE = "/console/config/distribution"


def _agents(areas: dict[str, list[str]]) -> dict[str, Any]:
    return {"agents": {"rates": {"area": "0.01"}, "areas": areas}}


def test_an_area_or_a_province_with_a_hidden_character_is_refused(api: Api) -> None:
    cases = [
        ({"华\u200b南": ["广东"]}, "U+200B", "agents.areas"),
        ({"华南": ["广东", "\u202e广西"]}, "U+202E", "agents.areas.华南.1"),
        ({"华南\ufeff": ["广东"]}, "U+FEFF", "agents.areas"),
    ]
    for areas, shown, field in cases:
        refused = api.put("/v1/distribution", _agents(areas))
        assert refused.status_code == 422, refused.text
        answer = refused.json()
        assert answer["message"] == MESSAGE.format(shown), answer
        assert answer["field"].startswith(field), answer
        assert "\u200b" not in answer["field"] and "\ufeff" not in answer["field"], answer
        in_chinese = api.client.put(
            "/v1/distribution",
            json=_agents(areas),
            headers={"Authorization": f"Bearer {api.token}", "Accept-Language": "zh-CN"},
        )
        assert in_chinese.json()["message"] == CHINESE.format(shown)
    assert api.ok(api.get("/v1/distribution")) is None  # nothing saved
    api.ok(api.put("/v1/distribution", _agents({"华南": ["广东", "广西"]})))


def test_the_console_refuses_a_hidden_character_in_an_area(api: Api) -> None:
    csrf = sign_in(api.client, api.tenant)
    text = '[agents]\nrates = {area = "0.01"}\nareas = {"华\u200b南" = ["广东"]}\n'
    for language, said in (("en", MESSAGE), ("zh", CHINESE)):
        page = api.client.post(
            PAGE,
            data={"csrf": csrf, "distribution": text, "action": "check"},
            headers={"Accept-Language": language},
        )
        assert page.status_code == 422, page.text[-2000:]
        shown = html.unescape(page.text)
        assert said.format("U+200B") in shown, shown[-3000:]
        assert "agents.areas." in shown  # the field, inside the text
        assert "华\u200b南" in shown  # the text kept as typed
    assert api.ok(api.get("/v1/distribution")) is None


def _keep_hidden(context: Context, tenant: str) -> None:
    """What this rule did not refuse before: an area '华\u200b南' in the saved settings
    and in the event log's ConfigureDistribution, as an older release kept them."""
    with context.database.writer.begin() as connection:
        settings = connection.execute(
            select(t.tenants.c.settings).where(of_tenant(t.tenants.c, tenant))
        ).scalar_one()
        areas = settings["distribution"]["agents"]["areas"]
        areas["华\u200b南"] = areas.pop("华南")
        connection.execute(
            update(t.tenants).where(of_tenant(t.tenants.c, tenant)).values(settings=settings)
        )
        for seq, body in connection.execute(
            select(t.events.c.seq, t.events.c.body).where(of_tenant(t.events.c, tenant))
        ).all():
            if '"distribution"' in body and "华南" in body:
                hidden = body.replace("华南", "华\\u200b南")
                connection.execute(
                    update(t.events)
                    .where(of_tenant(t.events.c, tenant), t.events.c.seq == seq)
                    .values(body=hidden)
                )


def test_areas_kept_with_a_hidden_character_are_read_back_as_kept(
    api: Api, context: Context
) -> None:
    api.pool()
    api.member("agent")
    api.member("buyer")
    api.ok(api.put("/v1/distribution", _agents({"华南": ["广东"]})))
    _keep_hidden(context, api.tenant)
    # the settings read back as kept (GET, a command, the replay of the log)
    kept = api.ok(api.get("/v1/distribution"))
    assert kept["agents"]["areas"] == {"华\u200b南": ["广东"]}
    order = {"id": "o1", "member": "buyer", "amount": "100", "contribution": "30"}
    api.ok(api.post("/v1/orders", {**order, "region": "广东/深圳"}))
    assert api.ok(api.post("/v1/orders/o1/pay"))["status"] == "completed"
    (report,) = audit_all(context, api.tenant, True)
    assert report.differences == [], report.differences
    # the console shows them with the hidden character written out, and refuses them
    # when they are sent again, naming the field
    csrf = sign_in(api.client, api.tenant)
    form = api.client.get(PAGE, headers={"Accept-Language": "zh"})
    text = html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", form.text, re.S)[1])
    assert '"华\\u200b南"' in text, text
    assert "\u200b" not in text
    again = api.client.post(
        PAGE,
        data={"csrf": csrf, "distribution": text, "action": "check"},
        headers={"Accept-Language": "zh"},
    )
    assert again.status_code == 422
    assert CHINESE.format("U+200B") in html.unescape(again.text)
    # the same text with the character taken out is taken
    fixed = text.replace("\\u200b", "")
    check = api.client.post(PAGE, data={"csrf": csrf, "distribution": fixed, "action": "check"})
    assert check.status_code == 200, check.text[-2000:]
    assert json.dumps("华南", ensure_ascii=False) in html.unescape(check.text)


def test_the_lint_reports_an_area_kept_with_a_hidden_character() -> None:
    """Kept areas were found only when the settings were saved again: the lint now says
    so, an error naming the area, in English and Chinese."""
    config = load_config(
        {"distribution": _agents({"华\u200b南": ["广东"], "华北": ["河\u202e北", "北京"]})}
    )
    found = [one for one in lint(config) if one.code == "distribution.hidden_area"]
    assert [(one.field, one.severity.value) for one in found] == [
        ("distribution.agents.areas.'华\\u200b南'", "error"),
        ("distribution.agents.areas.'华北'", "error"),
    ]
    assert "'河\\u202e北' holds a hidden character (U+202E)" in found[1].message
    chinese = translate_message("zh", found[0].message)
    assert chinese.startswith("地区或省份 “华\\u200b南” 含有不可见字符（U+200B）"), chinese
    clean = load_config({"distribution": _agents({"华南": ["广东"]})})
    assert not [one for one in lint(clean) if one.code == "distribution.hidden_area"]
