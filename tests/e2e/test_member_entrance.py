"""The member page's entrance opened without a token (a link cut short, or /m/enter typed
by hand), on a phone in Chinese: it said "正在打开您的会员页…" as its heading and title for
ever, above "此链接已过期…或无效" — opening and refusing at once."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import PHONE, Server, new_context


def test_the_entrance_without_a_token_says_only_that_the_link_is_no_good(
    browser: Browser, server: Server
) -> None:
    context = new_context(browser, server, locale="zh-CN", **PHONE)
    try:
        page = context.new_page()
        page.goto("/m/enter")
        said = "此链接已过期、已退出（例如在其他页面或手机上点了“退出”）或无效。" + (
            "请从 App 重新打开会员页。"
        )
        expect(page.get_by_text(said)).to_be_visible()
        expect(page.get_by_role("heading", name="请重新打开此页")).to_be_visible()
        expect(page.get_by_role("heading", name="正在打开您的会员页…")).to_be_hidden()
        expect(page).to_have_title(re.compile(r"^请重新打开此页 · "))
    finally:
        context.close()
