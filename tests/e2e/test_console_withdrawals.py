"""The withdrawals queue in a browser, in Chinese and English: the payee and what is
pending, select-all and one batch approval, the bank's payout file (read back)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.e2e.accessibility import low_contrast, unlabelled
from tests.e2e.conftest import PHONE, Server, new_context, sign_in


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


def test_a_long_rejection_reason_keeps_its_row_a_few_lines_high_on_a_phone(
    browser: Browser, server: Server
) -> None:
    """A reason of 420 characters (500 are allowed) made its row about 2,200 pixels tall on
    a phone; it shows three lines, the whole reason in its title."""
    reason = "收款账户信息与实名不一致，请核对后重新申请。" * 20
    with server.api() as api:
        if api.get("/v1/members/wd-long").status_code == 404:
            assert api.post("/v1/members", json={"id": "wd-long"}).status_code == 201
            order = {"id": "wd-long-o", "member": "wd-long", "amount": "500.00"}
            order["contribution"] = "150.00"
            assert api.post("/v1/orders", json=order).status_code == 201
            assert api.post("/v1/orders/wd-long-o/pay").status_code == 200
            api.post("/v1/orders/wd-long-o/complete")
            sale = {"id": "wd-long-s", "points": "all"}
            assert api.post("/v1/members/wd-long/sell", json=sale).status_code < 300
            body = {"id": "wd-long-1", "amount": "10.00"}
            assert api.post("/v1/members/wd-long/withdrawals", json=body).status_code < 300
    with server.owner() as owner:
        if owner.get("/v1/withdrawals/wd-long-1").json()["status"] == "held":
            answer = owner.post("/v1/withdrawals/wd-long-1/reject", json={"reason": reason})
            assert answer.status_code == 200, answer.text
    context = new_context(browser, server, **PHONE)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto("/language/zh?next=/console/withdrawals")
        page.goto("/console/withdrawals?member=wd-long&status=rejected")
        row = page.locator("#withdrawals tbody tr", has_text="wd-long-1")
        expect(row).to_have_count(1)
        note = row.locator(".clamped")
        assert note.get_attribute("title") == reason
        said = note.bounding_box()  # three lines
        assert said is not None and said["height"] < 4 * 20, said
        box = row.bounding_box()  # a field a line on a phone, the reason three of them
        assert box is not None and box["height"] < 400, box
    finally:
        context.close()
