"""The members table in a browser, in Chinese and English: 欧阳 finds 欧阳四 anywhere in the
name, a column sorts both ways, page numbers, and the CSV and XLSX exports download the
filtered rows (the test reads the files)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Browser, expect

from tests.e2e.accessibility import low_contrast, unlabelled
from tests.e2e.conftest import Server, new_context, sign_in


def test_members_are_searched_sorted_and_exported(browser: Browser, server: Server) -> None:
    with server.api() as api:
        for member, name in (("li-si", "欧阳四"), ("li-xl", "欧阳小龙"), ("zhang3", "张三")):
            if api.get(f"/v1/members/{member}").status_code == 404:
                body = {"id": member, "name": name}
                assert api.post("/v1/members", json=body).status_code == 201
        body = {"id": "li-si-1", "member": "li-si", "amount": "120.00", "contribution": "36.00"}
        if api.get("/v1/orders/li-si-1").status_code == 404:
            assert api.post("/v1/orders", json=body).status_code == 201
            assert api.post("/v1/orders/li-si-1/pay").status_code == 200
            api.post("/v1/orders/li-si-1/complete")
        everyone = len(api.get("/v1/members", params={"limit": 500}).json())

    context = new_context(browser, server, accept_downloads=True)
    page = context.new_page()
    sign_in(page)
    page.get_by_role("link", name="中文").click()
    page.get_by_role("link", name="会员", exact=True).click()
    expect(page.locator("#members-total")).to_contain_text(f"共找到 {everyone} 位会员")
    page.get_by_label("搜索编号、姓名或手机号").fill("欧阳")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("#members-total")).to_have_text("共找到 2 位会员。")
    names = page.locator("#members tbody tr td:nth-child(2)")
    expect(names).to_have_text(["欧阳小龙", "欧阳四"])  # newest first
    page.locator("a[data-sort=spent]").click()  # the largest first
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    expect(names).to_have_text(["欧阳四", "欧阳小龙"])
    expect(page.locator("#members tbody tr").first).to_contain_text("¥120.00")
    page.locator("a[data-sort=spent]").click()
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "ascending")
    expect(names).to_have_text(["欧阳小龙", "欧阳四"])
    assert unlabelled(page) == [] and low_contrast(page) == []

    with page.expect_download() as got:
        page.locator("#export-csv").click()
    text = Path(got.value.path()).read_bytes().decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    assert [(r["id"], r["name"], r["spent_yuan"]) for r in table] == [
        ("li-xl", "欧阳小龙", "0.00"),
        ("li-si", "欧阳四", "120.00"),
    ]
    with page.expect_download() as got:
        page.locator("#export-xlsx").click()
    sheet = load_workbook(io.BytesIO(Path(got.value.path()).read_bytes())).active
    assert sheet is not None
    assert [line[1].value for line in sheet.iter_rows(min_row=2)] == ["欧阳小龙", "欧阳四"]

    page.get_by_role("link", name="English").click()
    expect(page.locator("#members-total")).to_have_text("2 members found.")
    page.get_by_label("Search id, name or phone").fill("")
    page.get_by_role("button", name="Search").click()
    if everyone > 50:
        expect(page.get_by_role("link", name="Page 2")).to_be_visible()
    page.get_by_label("Wallet at least (¥)").fill("-1")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#e-wallet_min")).to_be_visible()
    context.close()
