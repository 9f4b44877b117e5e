"""A stacked table's visible caption on a phone: the member's claims (债权（按支付顺序）)
were a column a character or two wide beside the rows, 债权 / （按 / 支付 / 顺 / 序）
down the left edge, once the table became blocks (table.stacked at 390 px). It is now
a line across the table above its rows."""

from __future__ import annotations

from playwright.sync_api import Browser

from tests.e2e.conftest import PHONE, Server, modes_history, new_context, sign_in


def test_the_claims_caption_is_a_line_across_the_table_on_a_phone(
    browser: Browser, server: Server
) -> None:
    modes_history(server)  # u1's union claim in the queue
    context = new_context(browser, server, **PHONE)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto("/language/zh?next=/console/members/u1")
        table = page.locator("#member-claims")
        caption = table.locator("caption")
        assert caption.inner_text() == "债权（按支付顺序）"
        wide = table.bounding_box()
        said = caption.bounding_box()
        first = table.locator("tbody tr").first.bounding_box()
        assert wide is not None and said is not None and first is not None
        assert said["width"] >= wide["width"] * 0.8, (said, wide)
        assert said["height"] < 40, said  # one line, not a character a line
        assert said["y"] + said["height"] <= first["y"] + 1  # above the rows
    finally:
        context.close()
