"""A form's tick box on a phone (390 pixels): a label too long for the line beside its
box (审批提现须有会员的收款人（实名与账号）, the settings' last withdrawal rule) was pushed
under it, leaving the box alone on its line with nothing to say what it ticks. The label
stays beside its box and wraps there."""

from __future__ import annotations

from playwright.sync_api import Browser

from tests.e2e.conftest import PHONE, Server, new_context, sign_in


def test_a_tick_boxs_long_label_stays_beside_it_on_a_phone(
    browser: Browser, server: Server
) -> None:
    context = new_context(browser, server, **PHONE)
    page = context.new_page()
    try:
        sign_in(page)
        page.goto("/language/zh?next=/console/config/settings")
        for name in ("withdrawals.require_real_name", "withdrawals.require_payee"):
            box = page.locator(f'input[type="checkbox"][name="{name}"]').bounding_box()
            label = page.locator(f'label[for="f-{name}"]').bounding_box()
            assert box is not None and label is not None
            # beside the box: to its right, starting no lower than the box's bottom
            assert label["x"] > box["x"] + box["width"], (name, box, label)
            assert label["y"] < box["y"] + box["height"], (name, box, label)
    finally:
        context.close()
