"""A simulation started from the console shows how far it is, as the CLI's bar does:
days done of the total and the time left, in English and in Chinese, until its report,
whose verdict the result page then opens with."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, sign_in

# Busy enough that the run is still going when the page changes language: at 100 orders
# a day a quiet machine finished the year (about 2.5 s) between the English and the
# Chinese check; at 600 it takes about 7 s.
BUSY_YEAR = """name = "A busy year"
[simulation]
days = 365
[tenant.pool]
exit_multiple = "1.2"
[flow]
orders_per_day = 600
"""


def test_a_running_simulation_shows_days_done_and_time_left_in_en_and_zh(
    page: Page, server: Server
) -> None:
    sign_in(page)
    page.goto("/console/simulations")
    upload = page.get_by_label("Or upload a scenario (TOML)")
    upload.set_input_files(
        {"name": "busy.toml", "mimeType": "text/plain", "buffer": BUSY_YEAR.encode()}
    )
    page.get_by_role("button", name="Run it").click()
    expect(page.get_by_role("heading", name="A busy year")).to_be_visible()
    progress = page.locator("#run-progress")
    expect(progress).to_contain_text(
        re.compile(r"\d+ of 365 days · about \d+ (s|min) left"), timeout=30_000
    )
    bar = progress.get_by_role("progressbar", name="Progress")
    expect(bar).to_have_attribute("max", "365")  # a native <progress>: its value is days
    assert 0 < int(bar.get_attribute("value") or "0") <= 365
    here = page.url
    page.goto(f"/language/zh?next={here.split(server.url, 1)[1]}")
    expect(progress).to_contain_text(re.compile(r"已完成 \d+ / 365 天 · 约剩 \d+ (秒|分钟)"))
    expect(page.get_by_role("progressbar", name="进度")).to_be_visible()
    # the run ends in its report, and the progress goes with the refresh
    expect(page.get_by_role("link", name="打开完整报告")).to_be_visible(timeout=120_000)
    expect(progress).to_have_count(0)
    # the result opens with the verdict, in the reader's language (the report was asked
    # for in English, the language the run was started in)
    verdict = page.locator("#verdict")
    expect(verdict.get_by_role("heading", name="结论")).to_be_visible()
    expect(verdict).to_contain_text("谁拿到了钱")
    expect(verdict).to_contain_text("谁还拿着积分")
    expect(verdict).to_contain_text(re.compile(r"¥[\d,]+\.\d\d"))
    page.get_by_role("link", name="打开完整报告").click()
    expect(page.locator("#verdict")).to_contain_text("Who is paid")
