"""The users and API keys page (用户与权限) in a browser, as a Chinese owner on a phone:
every word Chinese, nothing wider than the screen, a user added, changed, disabled and
signed out through the forms, a key created (its secret shown once, with the warning)
and revoked; a double click adds one user and one key. The server is shared with the
other browser tests: every name here is new, and nothing assumes a list is empty."""

from __future__ import annotations

import re
import secrets

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PASSWORD, PHONE, Server, new_context, sign_in
from zengzhi.i18n import catalogue

ZH = catalogue("zh")
EN = catalogue("en")


def _fits(page: Page) -> None:
    """Nothing is wider than the screen; a table scrolls inside its own box."""
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for table in page.locator("main table").all():
        right = table.evaluate("t => t.parentElement.getBoundingClientRect().right")
        assert right <= width, table.inner_text()[:80]
    for form in page.locator("main form.card").all():
        assert form.evaluate("f => f.getBoundingClientRect().right") <= width


def _no_english(page: Page) -> None:
    """No sentence of the English catalogue's users section on the Chinese page."""
    text = page.locator("main").inner_text()
    left = [
        EN[key]
        for key in EN
        if key.startswith("users.") and "{" not in EN[key] and len(EN[key]) > 3
        if EN[key] in text and EN[key] != ZH[key]
    ]
    assert left == [], left
    assert not re.search(r"\b(the|and|user|role|key)\b", text, re.I), text


def test_the_users_page_in_chinese_on_a_phone(browser: Browser, server: Server) -> None:
    context = new_context(browser, server, **PHONE)  # signs in in English, then 中文
    page = context.new_page()
    try:
        sign_in(page)
        page.goto("/language/zh?next=/console/users")
        expect(page.get_by_role("heading", level=1)).to_have_text(ZH["users.title"])
        nav = page.locator(".sections").get_by_role("link", name=ZH["nav.users"])
        expect(nav).to_have_count(1)
        _fits(page)
        _no_english(page)
        name = _add_a_user(page)
        _change_a_user(page, name)
        _a_key(page)
    finally:
        context.close()


def _add_a_user(page: Page) -> str:
    """A weak password said at its field; then added, with a double click: one user."""
    name = f"li-{secrets.token_hex(3)}"
    form = page.locator("#add-user")
    form.get_by_label(ZH["users.username"]).fill(name)
    form.get_by_label(ZH["users.role"]).select_option("support")
    form.get_by_label(ZH["users.password"]).fill("short")
    form.get_by_role("button", name=ZH["users.add_button"]).click()
    expect(page.locator("#e-add-password")).to_have_text("至少 10 个字符")
    _fits(page)
    form = page.locator("#add-user")
    form.get_by_label(ZH["users.password"]).fill(PASSWORD)
    form.get_by_role("button", name=ZH["users.add_button"]).dblclick()
    expect(page.locator("#notice")).to_contain_text(name)
    row = page.locator(f'tr[data-user="{name}"]')
    expect(row).to_have_count(1)
    expect(row).to_contain_text(ZH["role.support"])
    _fits(page)
    _no_english(page)
    return name


def _change_a_user(page: Page, name: str) -> None:
    """Its role, then disabled, enabled, signed out everywhere; the last owner kept."""
    row = page.locator(f'tr[data-user="{name}"]')
    row.get_by_label(ZH["users.role_of"].format(name=name), exact=True).select_option("finance")
    row.get_by_role("button", name=ZH["users.change_role_of"].format(name=name)).click()
    expect(page.locator("#notice")).to_have_text(ZH["users.role_changed"].format(name=name))
    expect(row).to_contain_text(ZH["role.finance"])
    row.get_by_role("button", name=ZH["users.disable_named"].format(name=name)).click()
    expect(row).to_contain_text(ZH["users.disabled_state"])
    row.get_by_role("button", name=ZH["users.enable_named"].format(name=name)).click()
    expect(row).to_contain_text(ZH["users.enabled_state"])
    row.get_by_role("button", name=ZH["users.sign_out_named"].format(name=name)).click()
    expect(page.locator("#notice")).to_contain_text(name)
    owner = page.locator('tr[data-user="owner"]')
    owner.get_by_label(ZH["users.role_of"].format(name="owner"), exact=True).select_option("viewer")
    owner.get_by_role("button", name=ZH["users.change_role_of"].format(name="owner")).click()
    expect(owner.locator(".field-error")).to_contain_text(
        "角色：平台的最后一位所有者不能被降级或停用"
    )
    _fits(page)


def _a_key(page: Page) -> None:
    """Created with a double click: one key, its secret shown once with the warning,
    never again on the list; then revoked."""
    key_name = f"报表脚本 {secrets.token_hex(3)}"
    keys = page.locator("#add-key")
    keys.get_by_label(ZH["users.key_name"]).fill(key_name)
    keys.get_by_role("button", name=ZH["users.add_key_button"]).dblclick()
    expect(page.locator("#created-key")).to_contain_text(ZH["users.key_once"])
    secret = page.locator("#secret").input_value()
    assert secret.startswith("zz1.") and secret not in page.url
    _fits(page)
    _no_english(page)
    expect(page.locator("#api-keys tr", has_text=key_name)).to_have_count(1)
    page.goto("/console/users")
    assert secret not in page.content()
    row = page.locator("#api-keys tr", has_text=key_name)
    row.get_by_role("button", name=re.compile(ZH["users.revoke"])).click()
    expect(page.locator("#notice")).to_contain_text("已吊销")
    expect(row).to_contain_text("吊销")
    expect(row.get_by_role("button")).to_have_count(0)
    _fits(page)


def test_the_page_and_its_link_are_the_owner_s(page: Page, server: Server) -> None:
    sign_in(page, "victor")  # a viewer
    expect(page.locator(".sections a[href='/console/users']")).to_have_count(0)
    answer = page.goto("/console/users")
    assert answer is not None and answer.status == 403
    expect(page.locator("#add-user")).to_have_count(0)


def test_a_long_key_name_stays_in_its_table(browser: Browser, server: Server) -> None:
    """A key named with 100 unbroken characters pushed the keys table's other columns out
    of its card on a desktop screen (a user's name breaks; the key's did not)."""
    name = "k" + secrets.token_hex(8) + "x" * 83
    with server.owner() as owner:
        assert owner.post("/v1/api-keys", json={"name": name}).status_code == 201
    context = new_context(browser, server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        sign_in(page)
        page.goto("/console/users")
        box = page.locator("#api-keys").evaluate(
            "t => [t.scrollWidth, t.parentElement.clientWidth]"
        )
        assert box[0] <= box[1], box  # the table no wider than its card
        cell = page.locator(f'#api-keys th:text-is("{name}")')
        assert (cell.bounding_box() or {"width": 9999})["width"] < 400
    finally:
        context.close()
