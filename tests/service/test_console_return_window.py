"""A zone's return window is kept and typed in seconds (退货期（秒）): the zones' list
showed 604800 and 1000 bare, a figure an operator has to divide to read. It now says it
also in days, hours, minutes and seconds in the page's language (604800（7 天）,
1000（16 分 40 秒）). Through the console's pages (TestClient), on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in
from zengzhi.i18n.format import duration


def test_a_duration_in_words() -> None:
    assert duration(604800, "zh") == "7 天" and duration(604800, "en") == "7 days"
    assert duration(1000, "zh") == "16 分 40 秒" and duration(1000, "en") == "16 min 40 s"
    assert duration(90061, "zh") == "1 天 1 小时 1 分 1 秒"
    assert duration(86400, "en") == "1 day" and duration(3600, "en") == "1 h"
    assert duration(0, "zh") == "0 秒"


def test_the_zones_list_reads_a_return_window_in_days(api: Api) -> None:
    api.ok(api.put("/v1/zones/week", {"completion_delay_seconds": 604800}))
    api.ok(api.put("/v1/zones/now", {"completion_delay_seconds": 0}))
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    page = api.client.get("/console/config/zones").text
    cells = re.findall(r'data-label="退货期（秒）："[^>]*>([^<]*)</td>', page)
    assert sorted(cells) == ["0", "604800（7 天）"], cells
    api.client.get("/language/en")
    english = api.client.get("/console/config/zones").text
    assert "604800 (7 days)" in english
