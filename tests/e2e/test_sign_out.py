"""Back after signing out shows nothing of what was signed out of (report F5): the
console's pages are not kept by the browser (`Cache-Control: no-store`), so Back asks
the server again, which answers with the sign-in page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, sign_in


def test_back_after_signing_out_shows_the_sign_in_not_the_member(
    page: Page, server: Server
) -> None:
    with server.api() as api:
        made = api.post("/v1/members", json={"id": "so-1", "name": "Back Button Person"})
        assert made.status_code in (201, 409), made.text
    sign_in(page)
    page.goto("/console/members/so-1")
    shown = page.locator('input[value="Back Button Person"]')
    expect(shown).to_have_count(1)
    expect(page.get_by_role("heading", name="Member so-1")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/console/login")
    page.go_back()
    # the browser asks again, and the server sends it to sign in
    expect(page).to_have_url(re.compile(r"/console/login\?next=/console/members/so-1$"))
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(shown).to_have_count(0)
    expect(page.get_by_role("heading", name="Member so-1")).to_have_count(0)
