"""Settings saved before a newer rule refused one of their values (store/saved.py): a
command that needs them answers a conflict naming the saved field, changes nothing, and
an operator can replace them."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in
from zengzhi.i18n import translate_message
from zengzhi.service.base import Context
from zengzhi.store import tables as t
from zengzhi.store.tenanted import of_tenant


def _save(context: Context, table: Any, tenant: str, **values: Any) -> None:
    """What an older release let an operator save, written as it left it."""
    with context.database.writer.begin() as connection:
        connection.execute(update(table).where(of_tenant(table.c, tenant)).values(**values))


def test_saved_distribution_settings_a_rule_now_refuses(api: Api, context: Context) -> None:
    api.pool()
    api.member("a")
    api.ok(
        api.post("/v1/orders", {"id": "o1", "member": "a", "amount": "100", "contribution": "30"})
    )
    settings = api.ok(api.get("/v1/tenant"))["settings"]
    _save(
        context,
        t.tenants,
        api.tenant,
        settings={**settings, "distribution": {"recruiter": {"rate": "5"}}},
    )
    refused = api.post("/v1/orders/o1/pay")
    assert refused.status_code == 409, refused.text
    answer = refused.json()
    assert answer["field"] == "distribution.recruiter.rate"
    assert "saved distribution settings" in answer["message"], answer
    assert "已保存的分销设置" in translate_message("zh", answer["message"])
    assert "必须小于 1" in translate_message("zh", answer["message"])
    assert api.ok(api.get("/v1/orders/o1"))["status"] == "created"  # nothing changed
    api.ok(api.put("/v1/distribution", {"recruiter": {"rate": "0.05"}}))
    assert api.ok(api.post("/v1/orders/o1/pay"))["status"] == "completed"


def test_saved_zone_settings_a_rule_now_refuses(api: Api, context: Context) -> None:
    union = {"union": {"funding": "0.5", "lock_days": 15}}
    api.ok(api.put("/v1/zones/u", {"modes": union}))
    api.ok(api.put("/v1/products/p", {"price": "100.00", "platform": "100.00", "zone": "u"}))
    api.member("a")
    _save(context, t.zones, api.tenant, modes={"union": {"funding": "5", "lock_days": 15}})
    refused = api.post("/v1/orders", {"id": "o1", "member": "a", "product": "p"})
    assert refused.status_code == 409, refused.text
    assert refused.json()["field"] == "settings.union.funding"
    assert "zone 'u'" in refused.json()["message"]
    assert translate_message("zh", refused.json()["message"]).startswith("专区 “u” 已保存的设置")
    assert api.get("/v1/orders/o1").status_code == 404  # nothing changed
    # the operator replaces them (the change reads which modes the zone had, not their
    # values: it refused before, as the saved ones did)
    api.ok(api.put("/v1/zones/u", {"modes": union}))
    api.ok(api.post("/v1/orders", {"id": "o1", "member": "a", "product": "p"}))
    assert api.ok(api.post("/v1/orders/o1/pay"))["status"] == "completed"


def test_the_console_shows_refused_saved_settings_to_replace_them(
    api: Api, context: Context, client: TestClient
) -> None:
    union = {"union": {"funding": "0.5", "lock_days": 15}}
    api.ok(api.put("/v1/zones/u", {"modes": union}))
    settings = api.ok(api.get("/v1/tenant"))["settings"]
    _save(context, t.zones, api.tenant, modes={"union": {"funding": "5", "lock_days": 15}})
    _save(
        context,
        t.tenants,
        api.tenant,
        settings={**settings, "distribution": {"recruiter": {"rate": "5"}}},
    )
    sign_in(client, api.tenant)
    zh = {"Accept-Language": "zh-CN"}
    # the pages that replace them open (their forms show the saved values)
    for path in ("/console/config/zones/u", "/console/config/distribution"):
        page = client.get(path, headers=zh)
        assert page.status_code == 200, (path, re.sub(r"<[^>]+>", " ", page.text)[-1500:])
    # the dashboard's solvency report needs the zone's: it says why not, and where to go
    page = client.get("/console", headers=zh)
    assert page.status_code == 409
    assert "专区 “u” 已保存的设置按现行规则不被接受" in page.text, page.text
    assert 'href="/console/config" id="to-config"' in page.text
