"""Configuration › 试运行记录 (Dry runs): the last dry runs, newest first, each linked to
its page, by the item its form changed and its status. A dry run's page, once closed,
was found nowhere: its address answered, no page listed it (/console/config/dry-runs was
"not found"), though the last 20 are kept. Shown to those who may configure, refused to
the others as the runs are. Through the console's pages (TestClient), on SQLite and
PostgreSQL."""

from __future__ import annotations

import re

from tests.service.conftest import PASSWORD, Api
from tests.service.test_console_pages import sign_in
from tests.service.test_runs import queued_only
from zengzhi.service import config, dry_runs
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.config import BacktestRequest
from zengzhi.service.pools import PoolParamsIn


def test_the_last_dry_runs_are_listed_and_linked(api: Api, context: Context) -> None:
    api.pool()
    owner = Principal(api.tenant, "user:owner", Role.OWNER)
    proposal = config.proposal_with(context, owner, "main", PoolParamsIn(sell_fee="0.1"))
    about = {"section": "pools", "key": "main", "editing": True, "values": {}, "checked": "x"}
    request = BacktestRequest(config=proposal.config)
    run_id = dry_runs.start(queued_only(context), owner, request, about)  # waits: no worker
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    page = api.client.get("/console/config/dry-runs")
    assert page.status_code == 200
    assert '<a href="/console/config/dry-runs" aria-current="page">试运行记录</a>' in page.text
    row = re.search(r'<tr role="row"><th scope="row" role="rowheader">(.*?)</tr>', page.text, re.S)
    assert row is not None, page.text
    assert f'href="/console/config/dry-runs/{run_id}"' in row.group(1)
    assert "积分池 main" in row.group(1) and 'class="badge queued"' in row.group(1)
    assert 'href="/console/config/dry-runs"' in api.client.get("/console/config").text
    api.ok(api.post("/v1/users", {"username": "vi", "password": PASSWORD, "role": "viewer"}))
    api.client.cookies.clear()
    sign_in(api.client, api.tenant, "vi")
    assert 'href="/console/config/dry-runs"' not in api.client.get("/console/config").text
    assert api.client.get("/console/config/dry-runs").status_code == 403
