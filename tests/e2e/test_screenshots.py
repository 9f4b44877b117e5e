"""Screenshots of the main pages, as the README shows them. They are taken on every run
(into a temporary folder); `ZENGZHI_SCREENSHOTS=docs/screenshots pytest tests/e2e` writes
them where the README finds them."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import PHONE, Server, new_context, sign_in

WIDE = {"viewport": {"width": 1280, "height": 900}}


def test_screenshots_of_the_main_pages(browser: Browser, server: Server, tmp_path: Path) -> None:
    folder = Path(os.environ.get("ZENGZHI_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    context = new_context(browser, server, **WIDE)
    page = context.new_page()
    sign_in(page)
    shots = {
        "dashboard": "/console",
        "configuration": "/console/config/products/new",
        "members": "/console/members/m4",
        "withdrawals": "/console/withdrawals?status=all",
    }
    for name, path in shots.items():
        page.goto(path)
        if name == "dashboard":
            expect(page.locator("#chart canvas")).to_be_visible()
            page.wait_for_timeout(300)  # the chart's first drawing
        page.screenshot(path=folder / f"{name}.png", full_page=True)
    context.close()
    with server.api() as api:
        issued = api.post("/v1/members/m5/page-token").json()
    for language in ("en", "zh"):
        phone = new_context(browser, server, **PHONE)
        member = phone.new_page()
        member.goto(issued["url"])
        member.goto(f"/language/{language}?next=/m")
        member.screenshot(path=folder / f"member-page-{language}.png", full_page=True)
        phone.close()
    written = sorted(path.name for path in folder.glob("*.png"))
    assert written == sorted(
        [*(f"{n}.png" for n in shots), "member-page-en.png", "member-page-zh.png"]
    )
    assert all((folder / name).stat().st_size > 10_000 for name in written)
