"""The companion modes, distribution and webhooks in a browser: configure a zone with its
modes (the lint, then save), orders through the API, the mode's liability and coverage
on the dashboard, a dry run over the history (it runs in the background; its page waits
for the result), a member's referral tree and rewards and the re-assignment of the
referrer, webhook deliveries and a replay, and the member page's queue position and ad
task; labels, contrast and keyboard on each new page."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.accessibility import low_contrast, tab_through, unlabelled
from tests.e2e.conftest import (
    CLUB_MODES,
    PHONE,
    Server,
    modes_history,
    new_context,
    shop_subscription,
    sign_in,
)
from zengzhi.i18n.format import money


def accessible(page: Page, where: str) -> None:
    assert unlabelled(page) == [], where
    assert low_contrast(page) == [], where


def dry_run_a_larger_funding(page: Page) -> Locator:
    """A dry run of zone club with a larger union funding over what happened: it runs in
    the background; its page shows the change and refreshes itself until the result is
    in. Returns the reserves' row of the result."""
    page.goto("/console/config/zones/club")
    page.get_by_label("Companion modes (TOML)").fill(CLUB_MODES.replace('"0.5"', '"0.8"'))
    page.get_by_role("button", name="Dry run over this platform's history").click()
    expect(page).to_have_url(re.compile(r"/console/config/dry-runs/[0-9T]+-[0-9a-f]+$"))
    expect(page.get_by_role("heading", name="Dry run of club", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Running since")
    expect(page.get_by_role("table", name="The change under test")).to_contain_text('"0.8"')
    reserve = page.locator("#dry-run-totals tr", has_text="The companion modes' reserves")
    expect(reserve).to_be_visible(timeout=90_000)  # the result replaced the running page
    expect(page.get_by_role("heading", name=re.compile("Dry run: this platform"))).to_be_visible()
    expect(page.get_by_label("Companion modes (TOML)")).to_have_value(re.compile('funding = "0.8"'))
    expect(page.get_by_role("button", name="Save")).to_be_visible()
    return reserve


def test_a_zone_is_configured_checked_dry_run_and_its_liability_shown(
    page: Page, server: Server
) -> None:
    with server.api() as api:  # the session's server: another test may have made club
        before = api.get("/v1/zones/club")
    was = (before.status_code, before.content)
    sign_in(page)
    page.get_by_role("link", name="Configuration").click()
    page.get_by_role("link", name="Zones").click()
    if was[0] == 200:  # made by another test first: changed on its own page
        page.goto("/console/config/zones/club")
    else:
        page.get_by_role("link", name="New zone").click()
        page.get_by_label("Id").fill("club")
    modes = page.get_by_label("Companion modes (TOML)")
    modes.fill("[union]\nlock_days = -1\n")
    page.get_by_role("button", name="Check the change").click()
    expect(modes).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#e-modes")).to_contain_text("union.lock_days:")
    with server.api() as api:
        after = api.get("/v1/zones/club")
        assert (after.status_code, after.content) == was  # refused: nothing saved
    page.get_by_label("Companion modes (TOML)").fill(CLUB_MODES)
    page.get_by_role("button", name="Check the change").click()
    expect(page.get_by_role("heading", name="What the configuration lint finds")).to_be_visible()
    expect(page.locator("#review [role=status]")).to_contain_text(
        re.compile(r"\d+ errors, \d+ warnings")
    )
    accessible(page, "zone checked")
    with server.api() as api:
        after = api.get("/v1/zones/club")
        assert (after.status_code, after.content) == was  # checked, not saved
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved club")

    modes_history(server)  # orders through the API in the new zone
    with server.api() as api:
        report = api.get("/v1/solvency").json()
    union = next(m for m in report["modes"] if (m["zone"], m["mode"]) == ("club", "union"))
    page.get_by_role("link", name="Dashboard").click()
    row = page.locator('tr[data-mode="club:union"]')
    expect(row).to_contain_text("Zone club: what union queue still owes members")
    expect(row).to_contain_text(money(union["owed"]))
    expect(row).to_contain_text(money(union["reserve"]))
    expect(row).to_contain_text(union["coverage"])
    accessible(page, "dashboard")

    reserve = dry_run_a_larger_funding(page)
    live, proposed, difference = (reserve.locator("td").nth(n).inner_text() for n in range(3))
    assert live != proposed and difference not in ("0.00", "0")
    expect(page.locator("#dry-run-pools")).to_contain_text("Pool main: price")
    accessible(page, "dry run")
    with server.api() as api:  # nothing live changed
        assert api.get("/v1/zones/club").json()["modes"]["union"]["funding"] == "0.5"
        assert api.get("/v1/solvency").json()["modes"] == report["modes"]


def test_a_members_tree_rewards_and_the_referrer_reassigned(page: Page, server: Server) -> None:
    modes_history(server)
    sign_in(page)
    page.goto("/console/members/u2")
    tree = page.locator("section", has=page.get_by_role("heading", name="Referral tree"))
    expect(tree.get_by_role("link", name="u1", exact=True)).to_be_visible()
    tree.get_by_role("link", name="u1", exact=True).click()
    expect(page.get_by_role("heading", name="Member u1", level=1)).to_be_visible()
    referees = page.get_by_role("table", name="Direct referees")
    expect(referees.get_by_role("link", name="u2")).to_be_visible()
    rewards = page.locator("section", has=page.get_by_role("heading", name="Rewards"))
    expect(rewards).to_contain_text("direct commission")
    expect(rewards.get_by_role("link", name="order c2")).to_be_visible()  # the cause in words
    held = page.locator("section", has=page.get_by_role("heading", name="Companion modes"))
    expect(held).to_contain_text("club: union queue")
    expect(held.get_by_role("table", name="Claims, in the order they are paid")).to_contain_text(
        "80.00"
    )
    accessible(page, "member u1")

    page.goto("/console/members/u2")
    page.get_by_label("New referrer (member id)").fill("m1")
    page.get_by_role("button", name="Re-assign").click()
    reason = page.get_by_label("Reason")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("New referrer (member id)")).to_have_value("m1")
    with server.api() as api:
        assert api.get("/v1/members/u2").json()["referrer"] == "u1"
    reason.fill("u1 reported the binding as a mistake")
    reason.press("Enter")  # from the keyboard
    expect(page.get_by_role("status")).to_contain_text("Referrer re-assigned")
    with server.api() as api:
        assert api.get("/v1/members/u2").json()["referrer"] == "m1"
        logged = [a for a in api.get("/v1/audit-log").json() if a["action"] == "member.reassign"]
    assert logged[0]["reason"] == "u1 reported the binding as a mistake"


def test_webhook_deliveries_are_listed_and_one_is_replayed(page: Page, server: Server) -> None:
    with server.api() as api:
        hook = shop_subscription(api)
        refused = api.get(f"/v1/webhooks/{hook['id']}/deliveries", params={"limit": 500}).json()
    tried = [d for d in refused if d["last_status_code"] == 503]
    assert tried
    sign_in(page)
    page.get_by_role("link", name="Webhooks").click()
    accessible(page, "webhooks")
    page.get_by_role("link", name=hook["id"]).click()
    expect(page.get_by_role("heading", name=f"Deliveries of {hook['id']}")).to_be_visible()
    accessible(page, "deliveries")
    target = tried[0]
    row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name=f"Delivery {target['sequence']}", exact=True)
    )
    if row.count() == 0:  # not on the first page (the tests made newer events): page on
        page.goto(f"/console/webhooks/{hook['id']}?status=pending&before={target['sequence'] + 1}")
    expect(row).to_contain_text("503")
    expect(row).to_contain_text(f"{target['last_latency_ms']} ms")
    replay = row.get_by_role("button", name=f"Replay delivery {target['sequence']}")
    replay.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(
        f"Event {target['event_id']} will be sent again"
    )
    with server.api() as api:
        after = api.get(f"/v1/webhooks/{hook['id']}/deliveries/{target['event_id']}").json()
        log = api.get("/v1/audit-log").json()
    assert (after["status"], after["attempts"]) == ("pending", 0)
    assert any(a["action"] == "webhook.replay" for a in log)
    page.get_by_role("link", name=f"Delivery {target['sequence']}", exact=True).click()
    expect(page.get_by_role("table")).to_contain_text("refused")
    accessible(page, "delivery")


def test_the_member_page_shows_the_queue_and_todays_ad_task(
    browser: Browser, server: Server
) -> None:
    modes_history(server)
    with server.api() as api:
        issued = api.post("/v1/members/u1/page-token").json()
        mine = api.get(
            "/v1/me/modes", headers={"Authorization": f"Bearer {issued['token']}"}
        ).json()
    ads = next(h for h in mine if h["mode"] == "ads")
    union = next(h for h in mine if h["mode"] == "union")
    context = new_context(browser, server, **PHONE)
    page = context.new_page()
    page.goto(issued["url"])
    section = page.locator("section", has=page.get_by_role("heading", name="My rewards and queues"))
    expect(section).to_be_visible()
    expect(section).to_contain_text("is number 1 in the queue")
    expected = union["claims"][0]["expected_on"]
    expect(section).to_contain_text(f"Expected payment: {expected}")
    if ads["task"]["done"]:
        expect(page.locator("#task-club")).to_contain_text("You have done today's ad task")
    else:
        expect(page.locator("#task-club")).to_contain_text(
            f"Doing it puts ¥{ads['task']['releases']} into your wallet"
        )
    accessible(page, "member page")
    reached = tab_through(page, 4)
    assert reached and all(one["outline"] != "none" for one in reached)
    context.close()
