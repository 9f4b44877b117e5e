"""The withdrawals queue in a browser, in Chinese and English: the payee and what is
pending, select-all and one batch approval, the bank's payout file (read back)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.e2e.accessibility import low_contrast, unlabelled
from tests.e2e.conftest import PHONE, Server, new_context, sign_in
from tests.e2e.test_console_phone import _sideways


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


def test_a_held_withdrawal_is_rejected_from_its_row_on_a_phone_without_script(
    browser: Browser, server: Server
) -> None:
    """A held withdrawal had no 驳回 of its own: finance ticked it and used 批量驳回. The
    row's 驳回 opens its reason (a details element: no script) and 确认驳回 sends that
    row's reason alone; left empty it is refused at that field, in Chinese. On a phone
    (390 px), open, the page does not scroll sideways."""
    with server.api() as api:
        if api.get("/v1/members/wd-row").status_code == 404:
            assert api.post("/v1/members", json={"id": "wd-row"}).status_code == 201
            order = {"id": "wd-row-o", "member": "wd-row", "amount": "500.00"}
            order["contribution"] = "150.00"
            assert api.post("/v1/orders", json=order).status_code == 201
            assert api.post("/v1/orders/wd-row-o/pay").status_code == 200
            api.post("/v1/orders/wd-row-o/complete")
            sale = {"id": "wd-row-s", "points": "all"}
            assert api.post("/v1/members/wd-row/sell", json=sale).status_code < 300
            for n in (1, 2):
                body = {"id": f"wd-row-{n}", "amount": "10.00"}
                assert api.post("/v1/members/wd-row/withdrawals", json=body).status_code < 300
    context = new_context(browser, server, java_script_enabled=False, **PHONE)
    page = context.new_page()
    try:
        sign_in(page, "fiona")
        page.goto("/language/zh?next=/console/withdrawals")
        page.goto("/console/withdrawals?member=wd-row&status=held")
        row = page.locator("#withdrawals tbody tr", has_text="wd-row-1")
        expect(row).to_have_count(1)
        row.get_by_text("驳回", exact=True).click()  # the summary: opens the reason
        reason = row.get_by_label("驳回原因（必填，会员在会员页能看到）")
        expect(reason).to_be_visible()
        assert _sideways(page, "#withdrawals") == []
        row.get_by_role("button", name="确认驳回").click()  # nothing typed
        row = page.locator("#withdrawals tbody tr", has_text="wd-row-1")
        expect(row.locator(".field-error")).to_have_text("必填")
        expect(row.get_by_label("驳回原因（必填，会员在会员页能看到）")).to_be_visible()  # open
        assert _sideways(page, "#withdrawals") == []
        # answered as the queue it was sent from, by GET: a reload asks nothing of the
        # browser, and shows the queue as it is (the refusal is said once)
        assert page.url.endswith("/console/withdrawals?member=wd-row&status=held"), page.url
        page.reload()
        row = page.locator("#withdrawals tbody tr", has_text="wd-row-1")
        expect(row.locator(".field-error")).to_have_count(0)
        row.get_by_text("驳回", exact=True).click()
        row.get_by_label("驳回原因（必填，会员在会员页能看到）").fill("收款账户与实名不符")
        row.get_by_role("button", name="确认驳回").click()
        expect(page.locator("#notice")).to_have_text("提现 wd-row-1 已驳回，金额已退回会员零钱。")
    finally:
        context.close()
    with server.api() as api:
        found = {w["id"]: w for w in api.get("/v1/withdrawals", params={"member": "wd-row"}).json()}
    assert (found["wd-row-1"]["status"], found["wd-row-1"]["note"]) == (
        "rejected",
        "收款账户与实名不符",
    )
    assert found["wd-row-2"]["status"] == "held"  # the other row untouched
