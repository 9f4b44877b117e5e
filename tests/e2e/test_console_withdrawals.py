"""The withdrawals queue in a browser, in Chinese and English: the payee and what is
pending, select-all and one batch approval, the bank's payout file (read back)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.e2e.accessibility import low_contrast, unlabelled
from tests.e2e.conftest import Server, new_context, sign_in


def test_finance_approves_every_ticked_withdrawal_at_once(browser: Browser, server: Server) -> None:
    with server.api() as api:
        if api.get("/v1/members/wd-payee").status_code == 404:
            assert (
                api.post("/v1/members", json={"id": "wd-payee", "name": "钱七"}).status_code == 201
            )
            order = {
                "id": "wd-o",
                "member": "wd-payee",
                "amount": "2000.00",
                "contribution": "600.00",
            }
            assert api.post("/v1/orders", json=order).status_code == 201
            assert api.post("/v1/orders/wd-o/pay").status_code == 200
            api.post("/v1/orders/wd-o/complete")
            sale = {"id": "wd-s", "points": "all"}
            assert api.post("/v1/members/wd-payee/sell", json=sale).status_code < 300
            for n in (1, 2, 3):
                body = {"id": f"wd-{n}", "amount": "10.00"}
                assert api.post("/v1/members/wd-payee/withdrawals", json=body).status_code < 300
        mine = api.get("/v1/withdrawals", params={"member": "wd-payee", "status": "held"}).json()
    assert len(mine) == 3

    context = new_context(browser, server, accept_downloads=True)
    page = context.new_page()
    sign_in(page, "fiona")
    page.get_by_role("link", name="中文").click()
    page.get_by_role("link", name="提现").first.click()
    expect(page.locator('[data-pending="held"]')).to_contain_text("笔，共 ¥")
    page.get_by_label("会员编号").fill("wd-payee")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#withdrawals-total")).to_have_text("共 3 笔提现。")
    expect(page.locator("#withdrawals tbody tr").first).to_contain_text("钱七")
    expect(page.locator("#withdrawals tbody tr").first).to_contain_text("未实名")
    expect(page.locator("#withdrawals tbody tr").first).to_contain_text("无收款信息")  # payee
    assert unlabelled(page) == [] and low_contrast(page) == []
    page.get_by_label("全选本页提现").check()
    expect(page.locator("input[data-select]:checked")).to_have_count(3)
    page.get_by_role("button", name="批量通过").click()
    expect(page.locator("#notice")).to_have_text("已通过 3 笔。")
    with server.api() as api:
        now = api.get("/v1/withdrawals", params={"member": "wd-payee"}).json()
        logged = api.get("/v1/audit-log").json()
    assert {w["status"] for w in now} == {"approved"}
    assert {w["decided_by"] for w in now} == {"user:fiona"}
    assert {f"withdrawal:wd-{n}" for n in (1, 2, 3)} <= {a["target"] for a in logged}

    page.get_by_role("link", name="English").click()
    page.get_by_role("link", name="approved", exact=True).click()
    expect(page.locator("#withdrawals tbody tr").first).to_contain_text("no payee")
    with page.expect_download() as got:
        page.get_by_role("link", name="Payout file for the bank (CSV)").click()
    table = list(
        csv.DictReader(io.StringIO(Path(got.value.path()).read_bytes().decode("utf-8-sig")))
    )
    assert [(r["withdrawal"], r["payee"], r["status"]) for r in table] == [
        (f"wd-{n}", "钱七", "approved") for n in (1, 2, 3)
    ]
    assert {r["payout_yuan"] for r in table} == {w["payout"] for w in now}
    context.close()
