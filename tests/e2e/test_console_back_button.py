"""Back after a form that does something once (a subsidy, an income, a conversion: each
carries a one-time request id): the page comes back with a new id, so the form must not
come back filled in with the amount just sent (the browser restores what was typed),
which one more click would send again as a second subsidy."""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import Server, new_context, sign_in


def test_back_after_a_subsidy_shows_an_empty_form(browser: Browser, server: Server) -> None:
    context = new_context(browser, server)
    page = context.new_page()
    sign_in(page)
    page.goto("/console/pools")
    form = page.locator('form[action="/console/pools/main/subsidy"]')
    form.locator('input[name="amount"]').fill("1.00")
    with server.api() as api:
        before = api.get("/v1/pools/main").json()["balance"]
    form.locator("button[type=submit]").click()
    expect(page.locator(".notice").first).to_be_visible()
    page.go_back()
    page.wait_for_load_state()
    form = page.locator('form[action="/console/pools/main/subsidy"]')
    expect(form.locator('input[name="amount"]')).to_have_value("")
    with server.api() as api:
        after = api.get("/v1/pools/main").json()["balance"]
    assert Decimal(after) == Decimal(before) + 1  # the one subsidy was made
    context.close()
