"""The pages' CSP allows no inline styles (style-src 'self'): the progress bars are
native <progress> elements rather than spans given a width in a style attribute. In
Chromium, the member page with its progress bar and a console page break no rule of the
policy (Chromium reports each refused style on the console), and the bar shows how far
the member's points are from their exit."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, ConsoleMessage, expect

from tests.e2e.conftest import Server, new_context, sign_in
from tests.e2e.test_member_page import member_with_an_order

TEMPLATES = Path(__file__).parents[2] / "src" / "zengzhi" / "web" / "templates"


def test_no_template_writes_a_style_attribute_or_element() -> None:
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert " style=" not in text and "<style" not in text, template


def test_pages_break_no_rule_of_their_content_security_policy(
    browser: Browser, server: Server
) -> None:
    with server.api() as api:
        url = member_with_an_order(api, "csp-member")
    context = new_context(browser, server)
    refused: list[str] = []

    def heard(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    try:
        page = context.new_page()
        page.on("console", heard)
        page.goto(url)
        bar = page.get_by_role("progressbar")
        expect(bar).to_be_visible()
        value = float(bar.get_attribute("value") or "0")
        assert 0 < value < 100  # a paid order's points: on their way to the exit
        box = bar.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] >= 8
        console = context.new_page()
        console.on("console", heard)
        sign_in(console)
        console.goto("/console/withdrawals")
        expect(console.locator("h1")).to_be_visible()
        assert refused == []
    finally:
        context.close()
