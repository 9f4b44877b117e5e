"""A pool's name on the member page (`member_page.pool_names`) of spaces alone is no
name: the page read 'Your points in    ' (您在    的积分), as if the platform had named
the pool nothing; it reads as a pool with no name does. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.service.conftest import Api
from tests.service.test_page_notices import _member_page


def test_a_pool_named_with_spaces_alone_reads_as_one_with_no_name(api: Api) -> None:
    client = _member_page(api, "m1")
    settings = api.ok(api.get("/v1/tenant"))["settings"]
    settings.pop("distribution", None)
    for blank in ("   ", "\u3000"):
        settings["member_page"]["pool_names"] = {"main": blank}
        api.ok(api.put("/v1/tenant/settings", settings))
        for language, said in (("en", "Your points in the main pool"), ("zh", "主积分池")):
            client.get(f"/language/{language}")
            heading = re.search(r'<h2 id="points-main">(.*?)</h2>', client.get("/m").text, re.S)
            assert heading is not None
            assert said in heading.group(1), (blank, language, heading.group(1))
