"""The distribution settings in the Chinese console: open the page, edit the TOML, see
the lint's legal-risk warning on a reward for recruiting alone, then save; the API
shows the new settings."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.e2e.accessibility import low_contrast, unlabelled
from tests.e2e.conftest import Server, new_context, sign_in


def test_the_distribution_settings_are_edited_reviewed_and_saved_in_chinese(
    browser: Browser, server: Server
) -> None:
    with server.api() as api:
        before = api.get("/v1/distribution").json()
    context = new_context(browser, server)
    page = context.new_page()
    sign_in(page)
    page.get_by_role("link", name="中文").click()
    page.get_by_role("link", name="配置").click()
    page.get_by_role("link", name="分销").click()
    expect(page.get_by_role("heading", name="分销设置", level=1)).to_be_visible()
    settings = page.get_by_label("设置（TOML）")
    settings.fill('overflow = "platform"\n\n[commission]\nrates = ["0.10", "0.05"]\n')
    page.get_by_role("button", name="检查此项修改").click()
    expect(page.get_by_role("heading", name="配置检查结果")).to_be_visible()
    # the rule's code is for programs: an attribute, not read
    warning = page.locator('#review li[data-code="distribution.recruiting_without_buying"]')
    expect(warning).to_contain_text("推荐人从未消费也能拿佣金")
    assert unlabelled(page) == [] and low_contrast(page) == []
    with server.api() as api:
        assert api.get("/v1/distribution").json() == before  # checked, not saved
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status").first).to_contain_text("分销设置已保存")
    shown = re.compile(r'rates = \["0.10", "0.05"\]')
    expect(page.get_by_label("设置（TOML）")).to_have_value(shown)
    with server.owner() as api:  # configuration is not the shop key's to change
        now = api.get("/v1/distribution").json()
        assert (now["overflow"], now["commission"]["rates"]) == ("platform", ["0.10", "0.05"])
        # the server is shared by the other tests: leave the settings as they were
        assert api.put("/v1/distribution", json=before or {}).status_code == 200
    context.close()
