"""Console pages a Chinese-speaking operator reads, through the test client: what the
engine writes for programs (a dry run's list of what the change alters) is shown in
Chinese, not as `pool main exit_multiple: 2 → None`."""

from __future__ import annotations

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in
from tests.service.test_console_sections import dry_run_result


def test_a_dry_runs_list_of_changes_is_in_chinese(api: Api) -> None:
    api.pool(exit_multiple="2")
    api.member("m1")
    api.completed_order("o1", "m1")
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    params = api.ok(api.get("/v1/pools/main"))["params"]
    fields = {n: params[n] for n in ("mint_ratio", "sell_fee", "opening_price", "min_sell_points")}
    dry = dry_run_result(
        api.client,
        api.client.post(
            "/console/config/pools/main",
            data={"csrf": csrf, **fields, "exit_multiple": "", "action": "dryrun"},
        ),
    )
    assert dry.status_code == 200
    # the blank multiple (never forced out) is said as none, the parameter by its label
    assert "积分池 main 的封顶倍数：2 → 无" in dry.text
    assert "exit_multiple" not in dry.text.split('id="dry-run-heading"')[1]
    started = api.client.post(
        "/console/config/stores",
        data={"csrf": csrf, "id": "s1", "commission_rate": "0.2", "action": "dryrun"},
    )
    store = dry_run_result(api.client, started)
    assert "门店 s1：新的佣金、积分池或地区" in store.text
    assert "new commission" not in store.text
