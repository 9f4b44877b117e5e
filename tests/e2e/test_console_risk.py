"""The dashboard's risk panel in a browser, in English and Chinese: a union queue fully
funded shows no badge; when its funding drops and members keep buying, the queue is
flagged red with its shortfall in yuan, worst first."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from playwright.sync_api import Browser, expect

from tests.e2e.accessibility import low_contrast, unlabelled
from tests.e2e.conftest import Server, new_context, sign_in
from zengzhi.i18n.format import money


def configure_risky(server: Server, funding: str) -> None:
    with server.owner() as owner:
        modes = {"union": {"funding": funding, "lock_days": 15}}
        assert owner.put("/v1/zones/risky", json={"modes": modes}).status_code == 200
        pack = {"price": "100.00", "platform": "90.00", "distribution": "10.00", "zone": "risky"}
        assert owner.put("/v1/products/risky-pack", json=pack).status_code == 200


def buy(server: Server, order: str, member: str) -> None:
    with server.api() as api:
        if api.get(f"/v1/members/{member}").status_code == 404:
            assert api.post("/v1/members", json={"id": member}).status_code == 201
        body = {"id": order, "member": member, "product": "risky-pack"}
        assert api.post("/v1/orders", json=body).status_code == 201
        assert api.post(f"/v1/orders/{order}/pay").status_code == 200


def shortfalls(server: Server) -> list[tuple[Decimal, str]]:
    """Every promise the money does not cover, from the API's solvency report."""
    with server.api() as api:
        report: dict[str, Any] = api.get("/v1/solvency").json()
    short = [
        (Decimal(m["owed"]) - Decimal(m["reserve"]), f"mode:{m['zone']}:{m['mode']}")
        for m in report["modes"]
        if Decimal(m["owed"]) > Decimal(m["reserve"])
    ]
    short += [
        (Decimal(p["buyback_cost"]) - Decimal(p["balance"]), f"pool:{p['pool']}")
        for p in report["pools"]
        if not p["covered"]
    ]
    return sorted(short, reverse=True)


def test_the_risk_badge_appears_when_the_cover_drops(browser: Browser, server: Server) -> None:
    configure_risky(server, "1")  # every credit set aside in full: covered
    buy(server, "risky-1", "r1")
    assert "mode:risky:union" not in [key for _, key in shortfalls(server)]

    english = new_context(browser, server)
    page = english.new_page()
    sign_in(page)
    row = page.locator('tr[data-risk="mode:risky:union"]')
    expect(page.get_by_role("heading", name="Promises the money does not cover")).to_be_visible()
    expect(row).to_have_count(0)

    configure_risky(server, "0.3")  # the cover drops: 30 of each 100 set aside
    buy(server, "risky-2", "r2")
    buy(server, "risky-3", "r3")
    short = shortfalls(server)
    gap = next(amount for amount, key in short if key == "mode:risky:union")
    assert gap > 0
    page.reload()
    expect(row).to_be_visible()
    badge = row.locator("[data-shortfall]")
    expect(badge).to_have_text(f"short by {money(str(gap))}")
    expect(badge).to_have_css("background-color", "rgb(254, 226, 226)")  # the red badge
    expect(row.locator("td").last).to_have_text("now")
    shown = page.locator("#risk-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.risk)"
    )
    assert shown[: len(short)] == [key for _, key in short]  # worst first
    assert unlabelled(page) == [] and low_contrast(page) == []
    english.close()

    chinese = new_context(browser, server)
    page = chinese.new_page()
    sign_in(page)
    page.get_by_role("link", name="中文").click()
    expect(page.get_by_role("heading", name="资金未覆盖的承诺")).to_be_visible()
    row = page.locator('tr[data-risk="mode:risky:union"]')
    expect(row.locator("[data-shortfall]")).to_have_text(f"缺口 {money(str(gap))}")
    expect(row.locator("th")).to_contain_text("专区 risky：工会排队")
    expect(row.locator("td").last).to_have_text("现在")
    chinese.close()
