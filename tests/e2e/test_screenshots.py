"""Screenshots of the main pages, as the README shows them. They are taken on every run
(into a temporary folder); `ZENGZHI_SCREENSHOTS=docs/screenshots pytest tests/e2e` writes
them where the README finds them."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import (
    CLUB_MODES,
    PASSWORD,
    PHONE,
    TENANT,
    Server,
    modes_history,
    new_context,
    shop_subscription,
)
from zengzhi.i18n import catalogue

WIDE = {"viewport": {"width": 1280, "height": 900}}


def waiting_withdrawals(server: Server) -> None:
    """Two withdrawals waiting for finance (m6's and m7's), for the batch's picture."""
    with server.api() as api:
        for member in ("m6", "m7"):
            if api.get("/v1/withdrawals", params={"member": member}).json():
                continue
            order = {"id": f"shot-{member}", "member": member, "amount": "800.00"}
            assert api.post("/v1/orders", json={**order, "contribution": "240.00"}).is_success
            assert api.post(f"/v1/orders/shot-{member}/pay").is_success
            sale = {"id": f"shot-sale-{member}", "points": "all"}
            assert api.post(f"/v1/members/{member}/sell", json=sale).is_success
            asked = {"id": f"shot-w-{member}", "amount": "120.00"}
            assert api.post(f"/v1/members/{member}/withdrawals", json=asked).is_success


def test_screenshots_of_the_main_pages(browser: Browser, server: Server, tmp_path: Path) -> None:
    folder = Path(os.environ.get("ZENGZHI_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    modes_history(server)  # zone club's queue and ad points, u1 and u2 (if not there yet)
    waiting_withdrawals(server)
    with server.owner() as owner:
        hook = shop_subscription(owner)
        listed = owner.get(f"/v1/webhooks/{hook['id']}/deliveries", params={"limit": 500}).json()
    tried = max(d["sequence"] for d in listed if d["last_status_code"] is not None)
    # the console as a Chinese operator reads it, date fields as 年/月/日 (the locale)
    context = new_context(browser, server, **WIDE, locale="zh-CN")
    page = context.new_page()
    zh = catalogue("zh")
    page.goto("/console/login")
    page.get_by_label(zh["login.tenant"]).fill(TENANT)
    page.get_by_label(zh["login.username"]).fill("owner")
    page.get_by_label(zh["login.password"]).fill(PASSWORD)
    page.get_by_role("button", name=zh["login.submit"]).click()
    page.wait_for_url("**/console")
    shots = {
        "dashboard": "/console",
        "configuration": "/console/config/products/new",
        "members": "/console/members/m4",
        "members-list": "/console/members?sort=spent",
        "orders": "/console/orders",
        "order": "/console/orders/past-5",
        "audit": "/console/audit",
        "withdrawals": "/console/withdrawals?status=all",
        "withdrawals-batch": "/console/withdrawals",
        "member-network": "/console/members/u1",
        "users": "/console/users",  # 用户与权限: the owner's users and API keys
        # the page that holds the deliveries the receiver refused
        "webhook-deliveries": f"/console/webhooks/{hook['id']}?status=pending&before={tried + 1}",
    }
    for name, path in shots.items():
        page.goto(path)
        if name == "dashboard":
            expect(page.locator("#chart canvas")).to_be_visible()
            page.wait_for_timeout(300)  # the chart's first drawing
        whole = name not in (
            "webhook-deliveries",
            "audit",
            "orders",
        )  # the first screen of long lists
        page.screenshot(path=folder / f"{name}.png", full_page=whole)
    # a zone's modes under review: the lint, then the dry run's difference
    page.goto("/console/config/zones/club")
    page.get_by_label(zh["item_field.modes"]).fill(CLUB_MODES.replace('"0.5"', '"0.8"'))
    page.get_by_role("button", name=zh["review.dry_run"]).click()
    expect(page.locator("#dry-run-totals")).to_be_visible(timeout=90_000)  # run in the background
    page.screenshot(path=folder / "zone-dry-run.png", full_page=True)
    context.close()
    with server.api() as api:
        issued = api.post("/v1/members/m5/page-token").json()
        queued = api.post("/v1/members/u1/page-token").json()
    members = [(issued, "member-page"), (queued, "member-page-queues")]
    for (token, name), language in ((m, lang) for m in members for lang in ("en", "zh")):
        phone = new_context(browser, server, **PHONE)
        member = phone.new_page()
        member.goto(token["url"])
        member.goto(f"/language/{language}?next=/m")
        member.screenshot(path=folder / f"{name}-{language}.png", full_page=True)
        phone.close()
    written = sorted(path.name for path in folder.glob("*.png"))
    phones = [f"{name}-{lang}.png" for _, name in members for lang in ("en", "zh")]
    assert written == sorted([*(f"{n}.png" for n in shots), "zone-dry-run.png", *phones])
    assert all((folder / name).stat().st_size > 10_000 for name in written)
