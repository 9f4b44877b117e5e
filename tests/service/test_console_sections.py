"""The console's newer parts over HTTP (the browser tests are in tests/e2e): the modes'
rows in the solvency report, a member's referral tree, rewards, modes and the
re-assignment of the referrer, configuration with the lint and a dry run, webhook
deliveries and their replay. Roles, tenants and refused input, like test_console_pages."""

from __future__ import annotations

import re
import time

import httpx
from sqlalchemy import insert, update

from tests.service.conftest import PASSWORD, Api, Clock, enter_member_page
from tests.service.test_console_pages import checked, sign_in
from zengzhi.service.base import Context
from zengzhi.service.webhook_delivery import dispatch
from zengzhi.store import tables as t


def buy(api: Api, order: str, member: str, item: str) -> None:
    api.ok(api.post("/v1/orders", {"id": order, "member": member, "product": item}))
    api.ok(api.post(f"/v1/orders/{order}/pay"))


def union_zone(api: Api) -> None:
    """Zone u with a union queue; A referred B; each bought a pack of 100."""
    api.ok(api.put("/v1/zones/u", {"modes": {"union": {"funding": "0.5", "lock_days": 15}}}))
    api.ok(api.put("/v1/products/pack", {"price": "100.00", "platform": "100.00", "zone": "u"}))
    api.member("A")
    api.member("B", referrer="A")
    buy(api, "o1", "A", "pack")
    buy(api, "o2", "B", "pack")


def dry_run_result(client: httpx.Client, started: httpx.Response) -> httpx.Response:
    """A dry run's page once it no longer refreshes itself (two minutes at most): the
    button's POST answered at once with the run's page, which shows the change while it
    runs."""
    assert started.status_code == 200, started.text
    assert started.url.path.startswith("/console/config/dry-runs/")
    assert 'http-equiv="refresh"' in started.text and 'id="dry-run-change"' in started.text
    page, deadline = started, time.monotonic() + 120
    while 'http-equiv="refresh"' in page.text and time.monotonic() < deadline:
        time.sleep(0.2)
        page = client.get(started.url.path)
    return page


def user(api: Api, role: str) -> str:
    name = f"{role}-{api.tenant}"
    api.ok(api.post("/v1/users", {"username": name, "password": PASSWORD, "role": role}))
    return name


def test_the_dashboard_shows_each_modes_liability_and_coverage(api: Api, other: Api) -> None:
    api.pool()
    union_zone(api)
    sign_in(api.client, api.tenant)
    page = api.client.get("/console")
    assert page.status_code == 200
    row = re.search(r'<tr[^>]*data-mode="u:union"[^>]*>(.*?)</tr>', page.text, re.S)
    assert row is not None
    assert "Zone u: what union queue still owes members" in row.group(1)
    assert "¥80.00" in row.group(1) and "¥180.00" in row.group(1) and "44.4%" in row.group(1)
    figures = api.client.get("/console/data/figures").json()
    assert figures["solvency"]["modes"][0]["coverage"] == "44.4%"
    other.pool()
    sign_in(other.client, other.tenant)  # another tenant's dashboard: none of these rows
    assert 'data-mode="u:union"' not in other.client.get("/console").text


def test_a_members_tree_rewards_and_modes(api: Api) -> None:
    api.pool()
    api.ok(api.put("/v1/distribution", {"commission": {"rates": ["0.10", "0.05"]}}))
    union_zone(api)
    api.member("C", referrer="B")
    gift = {
        "price": "1000.00",
        "contribution": "300.00",
        "distribution": "100.00",
        "cost": "600.00",
    }
    api.ok(api.put("/v1/products/gift", {**gift, "pool": "main"}))
    buy(api, "o3", "C", "gift")
    sign_in(api.client, api.tenant, user(api, "viewer"))
    page = api.client.get("/console/members/B")
    assert page.status_code == 200
    tree = page.text[
        page.text.index('id="network-heading"') : page.text.index('id="rewards-heading"')
    ]
    assert '<a href="/console/members/A">A</a>' in tree  # the upline, linked
    assert '<a href="/console/members/C">C</a>' in tree  # a referee, linked
    assert "Re-assign" not in tree  # a viewer may not
    rewards = page.text[
        page.text.index('id="rewards-heading"') : page.text.index('id="modes-heading"')
    ]
    assert "direct commission" in rewards and ">order o3</a>" in rewards
    assert ">10%<" in rewards and ">0.1<" not in rewards  # the rate as every ratio reads
    assert "¥1,000.00" in rewards and "¥100.00" in rewards  # the base and the amount
    modes = api.client.get("/console/members/A").text
    held = modes[modes.index('id="modes-heading"') : modes.index('id="positions-heading"')]
    assert "u: union queue" in held and "80.00" in held and "2026-12-06" in held
    # first in the queue
    assert re.search(r'<td role="cell" class="num" data-label="#[^"]*">1</td>', held)


def test_support_reassigns_a_referrer_with_a_reason_others_cannot(api: Api, other: Api) -> None:
    api.member("A")
    api.member("Z")
    api.member("B", referrer="A")
    csrf = sign_in(api.client, api.tenant, user(api, "support"))
    page = api.client.get("/console/members/B")
    assert 'action="/console/members/B/referrer"' in page.text
    assert '<label for="f-reason">Reason</label>' in page.text
    refused = api.client.post(
        "/console/members/B/referrer", data={"csrf": csrf, "referrer": "Z", "reason": ""}
    )
    assert refused.status_code == 422 and 'id="e-reason"' in refused.text
    assert 'value="Z"' in refused.text  # kept
    assert api.ok(api.get("/v1/members/B"))["referrer"] == "A"  # nothing changed
    unknown = api.client.post(
        "/console/members/B/referrer", data={"csrf": csrf, "referrer": "nobody", "reason": "x"}
    )
    assert unknown.status_code == 404 and 'id="e-referrer"' in unknown.text
    forged = api.client.post("/console/members/B/referrer", data={"referrer": "Z", "reason": "x"})
    assert forged.status_code == 403
    done = api.client.post(
        "/console/members/B/referrer",
        data={"csrf": csrf, "referrer": "Z", "reason": "reported by A"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/console/members/B"
    assert api.ok(api.get("/v1/members/B"))["referrer"] == "Z"
    [logged] = [a for a in api.ok(api.get("/v1/audit-log")) if a["action"] == "member.reassign"]
    assert logged["reason"] == "reported by A"
    # an operator may not, and the service refuses a forged form with the operator's token
    csrf = sign_in(api.client, api.tenant, user(api, "operator"))
    assert '/referrer"' not in api.client.get("/console/members/B").text
    denied = api.client.post(
        "/console/members/B/referrer", data={"csrf": csrf, "referrer": "A", "reason": "x"}
    )
    assert denied.status_code == 403 and "may not" in denied.text
    assert api.ok(api.get("/v1/members/B"))["referrer"] == "Z"
    # another tenant's session cannot reach this tenant's member
    other_csrf = sign_in(other.client, other.tenant)
    away = other.client.post(
        "/console/members/B/referrer", data={"csrf": other_csrf, "referrer": "A", "reason": "x"}
    )
    assert away.status_code == 404
    assert api.ok(api.get("/v1/members/B"))["referrer"] == "Z"


def test_webhook_deliveries_and_a_replay_for_those_allowed(
    api: Api, other: Api, context: Context, clock: Clock
) -> None:
    hook = api.ok(
        api.post("/v1/webhooks", {"url": "https://shop.example/hooks", "event_types": ["*"]})
    )
    api.member("m1")

    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, text="busy")

    with httpx.Client(transport=httpx.MockTransport(refuse)) as client:
        dispatch(context, api.tenant, client)
    [delivery] = api.ok(api.get(f"/v1/webhooks/{hook['id']}/deliveries"))
    event = delivery["event_id"]
    csrf = sign_in(api.client, api.tenant, user(api, "viewer"))
    listed = api.client.get("/console/webhooks")
    assert listed.status_code == 200 and f'href="/console/webhooks/{hook["id"]}"' in listed.text
    page = api.client.get(f"/console/webhooks/{hook['id']}")
    assert page.status_code == 200 and delivery["type"] in page.text
    assert ">503<" in page.text and f"{delivery['last_latency_ms']} ms" in page.text
    assert "Replay" not in page.text  # a viewer may not replay
    replay = f"/console/webhooks/{hook['id']}/deliveries/{event}/replay"
    denied = api.client.post(replay, data={"csrf": csrf})
    assert denied.status_code == 403 and "may not" in denied.text
    assert api.ok(api.get(f"/v1/webhooks/{hook['id']}/deliveries"))[0]["attempts"] == 1
    detail = api.client.get(f"/console/webhooks/{hook['id']}/deliveries/{event}")
    assert (
        detail.status_code == 200 and "refused" in detail.text and "HTTP 503: busy" in detail.text
    )

    csrf = sign_in(api.client, api.tenant, user(api, "operator"))
    page = api.client.get(f"/console/webhooks/{hook['id']}")
    assert f'action="{replay}"' in page.text
    assert api.client.post(replay, data={}).status_code == 403  # no CSRF token
    done = api.client.post(
        replay,
        data={"csrf": csrf, "back": f"/console/webhooks/{hook['id']}?status=all"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/console/webhooks/{hook['id']}?status=all"
    [after] = api.ok(api.get(f"/v1/webhooks/{hook['id']}/deliveries"))
    assert (after["status"], after["attempts"]) == ("pending", 0)
    assert "webhook.replay" in {a["action"] for a in api.ok(api.get("/v1/audit-log"))}
    # another tenant sees none of it and cannot replay it
    other_csrf = sign_in(other.client, other.tenant)
    assert other.client.get(f"/console/webhooks/{hook['id']}").status_code == 404
    assert other.client.post(replay, data={"csrf": other_csrf}).status_code == 404


UNION = '[union]\nfunding = "0.5"\nlock_days = 15\n'


def test_a_zone_with_modes_is_checked_dry_run_then_saved(api: Api, other: Api) -> None:
    api.pool()
    union_zone(api)  # zone u already has a history: A and B bought its packs
    csrf = sign_in(api.client, api.tenant, user(api, "operator"))
    shown = api.client.get("/console/config/zones/u")
    assert '<label for="f-modes">Companion modes (TOML)</label>' in shown.text
    assert "[union]\nfunding = &#34;0.5&#34;\n" in shown.text and "lock_days = 15\n" in shown.text
    assert 'value="save"' not in shown.text  # saving is offered once the change is checked
    base = {"csrf": csrf, "id": "z", "completion_delay_days": "0"}
    bad = api.client.post("/console/config/zones", data={**base, "modes": "[union\n"})
    assert bad.status_code == 422 and 'id="e-modes"' in bad.text and "is not TOML" in bad.text
    refused = api.client.post(
        "/console/config/zones",
        data={**base, "modes": "[union]\nlock_days = -1\n", "action": "check"},
    )
    assert refused.status_code == 422 and 'id="e-modes"' in refused.text
    assert "union.lock_days:" in refused.text
    assert "[union]\nlock_days = -1" in refused.text  # the text is kept
    linted = api.client.post(
        "/console/config/zones", data={**base, "modes": UNION, "action": "check"}
    )
    assert linted.status_code == 200 and 'id="lint-heading"' in linted.text
    assert re.search(r"\d+ errors, \d+ warnings\.", linted.text)
    assert 'value="save"' in linted.text and 'id="dry-run-heading"' not in linted.text
    assert api.get("/v1/zones/z").status_code == 404  # a check saves nothing
    # a dry run of zone u with a shorter lock: what the history would have paid
    edit = {**base, "id": "u", "editing": "1", "modes": UNION.replace("15", "0")}
    started = api.client.post("/console/config/zones", data={**edit, "action": "dryrun"})
    assert "Dry run of u" in started.text and "lock_days = 0" in started.text
    dry = dry_run_result(api.client, started)
    assert dry.status_code == 200 and 'id="dry-run-heading"' in dry.text
    assert "zone u" in dry.text and 'id="dry-run-totals"' in dry.text
    assert "Owed by the companion modes" in dry.text
    # the form again, with the change that was run, and Save
    assert "lock_days = 0" in dry.text and 'value="save"' in dry.text
    assert 'action="/console/config/zones"' in dry.text and 'name="editing" value="1"' in dry.text
    assert api.ok(api.get("/v1/zones/u"))["modes"]["union"]["lock_days"] == 15
    saved = api.client.post(
        "/console/config/zones",
        data=checked(api.client, "/console/config/zones", {**base, "modes": UNION}),
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert api.ok(api.get("/v1/zones/z"))["modes"]["union"]["lock_days"] == 15
    # taking out a mode that still owes is refused by the service, next to the modes
    owes = api.client.post(
        "/console/config/zones",
        data=checked(api.client, "/console/config/zones", {**edit, "modes": ""}),
    )
    assert owes.status_code == 409 and 'id="e-modes"' in owes.text
    assert api.ok(api.get("/v1/zones/u"))["modes"]["union"] is not None
    # another tenant has no zone u
    sign_in(other.client, other.tenant)
    assert other.client.get("/console/config/zones/u").status_code == 404


def test_pool_product_and_store_changes_are_reviewed_and_roles_hold(api: Api) -> None:
    api.pool(exit_multiple="2")
    api.member("m1")
    api.completed_order("o1", "m1")
    api.completed_order("o2", "m1")
    csrf = sign_in(api.client, api.tenant, user(api, "operator"))
    params = api.ok(api.get("/v1/pools/main"))["params"]
    names = ("mint_ratio", "sell_fee", "opening_price", "min_sell_points")
    fields = {name: params[name] for name in names}  # as the form shows them
    dry = dry_run_result(
        api.client,
        api.client.post(
            "/console/config/pools/main",
            data={"csrf": csrf, **fields, "exit_multiple": "3", "action": "dryrun"},
        ),
    )
    assert dry.status_code == 200 and "pool main exit_multiple: 2 → 3" in dry.text
    assert 'action="/console/config/pools/main"' in dry.text and 'value="3"' in dry.text
    assert 'id="dry-run-pools"' in dry.text and "Pool main: price" in dry.text
    assert api.ok(api.get("/v1/pools/main"))["params"]["exit_multiple"] == "2"
    # a split that adds up (Check refuses one that does not at the price, as Save does)
    product = {
        "csrf": csrf,
        "id": "gift",
        "price": "100.00",
        "cost": "70.00",
        "contribution": "30.00",
    }
    linted = api.client.post("/console/config/products", data={**product, "action": "check"})
    assert linted.status_code == 200 and 'id="lint-heading"' in linted.text
    assert api.get("/v1/products/gift").status_code == 404
    store = {"csrf": csrf, "id": "s1", "commission_rate": "0.2", "action": "dryrun"}
    started = api.client.post("/console/config/stores", data=store)
    assert 'id="dry-run-heading"' in dry_run_result(api.client, started).text
    assert api.get("/v1/stores/s1").status_code == 404
    new_pool = {"csrf": csrf, "id": "p2", "mint_ratio": "0.5", "action": "dryrun"}
    started = api.client.post("/console/config/pools", data=new_pool)
    opened = dry_run_result(api.client, started)
    assert 'id="dry-run-pools"' in opened.text and "Pool p2: price" in opened.text
    assert 'action="/console/config/pools"' in opened.text and 'value="p2"' in opened.text
    assert [p["id"] for p in api.ok(api.get("/v1/pools"))] == ["main"]
    assert api.get("/v1/stores/s1").status_code == 404
    odd = api.client.post("/console/config/products", data={**product, "action": "publish"})
    assert odd.status_code == 422 and api.get("/v1/products/gift").status_code == 404
    # a viewer may look, not dry-run (the back-test is the configurers') nor save
    csrf = sign_in(api.client, api.tenant, user(api, "viewer"))
    denied = api.client.post(
        "/console/config/pools/main",
        data={"csrf": csrf, **fields, "exit_multiple": "3", "action": "dryrun"},
    )
    assert denied.status_code == 403 and "may not" in denied.text
    saved = api.client.post(
        "/console/config/pools/main",
        data={"csrf": csrf, **fields, "exit_multiple": "3", "action": "save"},
    )
    assert saved.status_code == 403
    assert api.ok(api.get("/v1/pools/main"))["params"]["exit_multiple"] == "2"


def test_a_dry_run_that_fails_shows_why_and_offers_no_save(api: Api, context: Context) -> None:
    api.pool(exit_multiple="2")
    api.member("m1")
    api.completed_order("o1", "m1")
    with context.database.write() as connection:  # a recorded event the engine cannot read
        connection.execute(
            insert(t.events).values(
                tenant_id=api.tenant, seq=10_000, event_id="broken", body="{}", at=context.clock()
            )
        )
        connection.execute(  # so that the tenant's next event comes after it
            update(t.tenants).where(t.tenants.c.tenant_id == api.tenant).values(event_seq=10_000)
        )
    csrf = sign_in(api.client, api.tenant)
    params = api.ok(api.get("/v1/pools/main"))["params"]
    names = ("mint_ratio", "sell_fee", "opening_price", "min_sell_points")
    fields = {name: params[name] for name in names}
    started = api.client.post(
        "/console/config/pools/main",
        data={"csrf": csrf, **fields, "exit_multiple": "3", "action": "dryrun"},
    )
    failed = dry_run_result(api.client, started)
    assert "The dry run failed; nothing was changed." in failed.text
    assert "does not replay" in failed.text and 'value="save"' not in failed.text
    assert 'id="lint-heading"' in failed.text and 'value="3"' in failed.text
    # a viewer may not look at it
    sign_in(api.client, api.tenant, user(api, "viewer"))
    assert api.client.get(started.url.path).status_code == 403


def test_the_member_page_shows_todays_ad_task_and_the_queue(api: Api) -> None:
    api.ok(api.put("/v1/zones/ads", {"modes": {"ads": {"ratio": "1.1", "backed": True}}}))
    api.ok(
        api.put(
            "/v1/products/phone",
            {"price": "999.00", "platform": "999.00", "zone": "ads", "modes": {"ads": "1"}},
        )
    )
    union_zone(api)
    buy(api, "o3", "A", "phone")
    issued = api.ok(api.post("/v1/members/A/page-token"))
    client = api.client
    client.cookies.clear()
    enter_member_page(client, issued)
    home = client.get("/m")
    assert home.status_code == 200 and "My rewards and queues" in home.text
    assert "Doing it puts ¥9.99 into your wallet" in home.text
    assert "is number 1 in the queue" in home.text and "Expected payment: 2026-12-06" in home.text
    api.ok(api.post("/v1/members/A/tasks", {"zone": "ads", "day": "2026-11-21"}))
    assert "You have done today&#39;s ad task" in client.get("/m").text
    api.member("N")
    other = api.ok(api.post("/v1/members/N/page-token"))  # nothing owed to N: no section
    client.cookies.clear()
    enter_member_page(client, other)
    assert "My rewards and queues" not in client.get("/m").text


def test_the_time_zone_is_set_on_the_settings_page_until_the_first_event(api: Api) -> None:
    csrf = sign_in(api.client, api.tenant)
    shown = api.client.get("/console/config/settings")
    assert '<label for="f-timezone">Time zone</label>' in shown.text
    assert 'value="Asia/Shanghai"' in shown.text
    form = {
        "csrf": csrf,
        "completion_delay_days": "0",
        "withdrawals.minimum": "1.00",
        "withdrawals.fee_rate": "0",
        "withdrawals.fee_fixed": "0.00",
        "withdrawals.auto_approve_limit": "0.00",
    }
    bad = api.client.post("/console/config/settings", data={**form, "timezone": "Mars/Olympus"})
    assert bad.status_code == 422 and 'id="e-timezone"' in bad.text
    assert "unknown time zone" in bad.text and 'value="Mars/Olympus"' in bad.text
    saved = api.client.post(
        "/console/config/settings", data={**form, "timezone": "UTC"}, follow_redirects=False
    )
    assert saved.status_code == 303
    assert api.ok(api.get("/v1/tenant"))["settings"]["timezone"] == "UTC"
    api.member("m1")  # the first event: the history now counts its days in UTC
    moved = api.client.post("/console/config/settings", data={**form, "timezone": "Asia/Tokyo"})
    assert moved.status_code == 409 and 'id="e-timezone"' in moved.text
    kept = api.client.post(
        "/console/config/settings",
        data={**form, "timezone": "UTC", "withdrawals.minimum": "5.00"},
        follow_redirects=False,
    )
    assert kept.status_code == 303  # the other settings still change
    settings = api.ok(api.get("/v1/tenant"))["settings"]
    assert (settings["timezone"], settings["withdrawals"]["minimum"]) == ("UTC", "5.00")


def test_pages_show_and_read_times_in_the_tenants_time_zone(api: Api) -> None:
    csrf = sign_in(api.client, api.tenant)
    form = {
        "csrf": csrf,
        "id": "z",
        "completion_delay_days": "0",
        "modes": "",
        "starts_at": "2026-12-01T08:00",  # 08:00 in Shanghai, the tenant's zone
    }
    saved = api.client.post(
        "/console/config/zones",
        data=checked(api.client, "/console/config/zones", form),
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert api.ok(api.get("/v1/zones/z"))["starts_at"] == "2026-12-01T00:00:00Z"
    # shown back as the form takes it (年-月-日 时:分; test_console_zone_times.py)
    assert 'value="2026-12-01 08:00"' in api.client.get("/console/config/zones/z").text
    assert "2026-12-01 08:00 UTC+8" in api.client.get("/console/config/zones").text
    api.member("m1")
    joined = api.ok(api.get("/v1/members/m1"))["created_at"]  # 09:00 UTC by the test clock
    assert joined == "2026-11-21T09:00:00Z"
    assert "2026-11-21 17:00 UTC+8" in api.client.get("/console/members/m1").text


def test_products_stores_and_zones_are_listed_with_their_own_columns(api: Api) -> None:
    """One list page serves the three kinds (console/config_items.html): each with its
    own headings, its items linked to their forms, and a "none" row across its columns."""
    sign_in(api.client, api.tenant)
    empty = api.client.get("/console/config/zones").text
    assert 'colspan="5"' in empty  # the id and a zone's four fields
    api.pool(exit_multiple="2")
    product = {"price": "88.00", "platform": "88.00", "name": "健康礼盒"}
    api.ok(api.put("/v1/products/gift", product))
    store = {"commission_rate": "0.20", "platform_rate": "0.02", "distribution_rate": "0.02"}
    api.ok(api.put("/v1/stores/noodles", {**store, "name": "兰州拉面馆"}))
    api.ok(api.put("/v1/zones/club", {"modes": {"ads": {"ratio": "1", "backed": True}}}))
    shown = {
        kinds: api.client.get(f"/console/config/{kinds}")
        for kinds in ("products", "stores", "zones")
    }
    assert all(page.status_code == 200 for page in shown.values())
    assert '<a href="/console/config/products/gift">gift</a>' in shown["products"].text
    assert "健康礼盒" in shown["products"].text and "¥88.00" in shown["products"].text
    assert '<a href="/console/config/stores/noodles">noodles</a>' in shown["stores"].text
    assert "兰州拉面馆" in shown["stores"].text and "¥88.00" not in shown["stores"].text
    assert '<a href="/console/config/zones/club">club</a>' in shown["zones"].text
    assert '<a href="/console/config/products/new">' in shown["products"].text
    assert '<a href="/console/config/zones/new">' in shown["zones"].text


def test_a_deliverys_last_error_is_said_in_the_pages_words_first(
    api: Api, context: Context
) -> None:
    """The deliveries list showed a failed delivery's last error as the network library
    wrote it, ConnectError: [Errno -2] Name or service not known, on a Chinese page with
    nothing a Chinese operator reads. It is now said first as the attempts' log says the
    outcome (无法连接, 超时, 被拒绝), the library's words after it."""
    hook = api.ok(
        api.post("/v1/webhooks", {"url": "https://shop.example/hooks", "event_types": ["*"]})
    )
    api.member("m1")

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    with httpx.Client(transport=httpx.MockTransport(unreachable)) as client:
        dispatch(context, api.tenant, client)
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    page = api.client.get(f"/console/webhooks/{hook['id']}").text
    assert "无法连接：ConnectError: [Errno -2] Name or service not known" in page, page


def test_a_modes_row_says_whether_its_reserve_covers_it_as_a_pools_does(api: Api) -> None:
    """Under 是否覆盖 a pool's row reads 是 or 否, a mode's read only 储备 ÷ 欠款：44.4%: whether
    it is covered was left to the reader. A mode whose reserve is short reads 否 too,
    beside its coverage."""
    api.pool()
    union_zone(api)  # the union queue owes 180.00 against a reserve of 80.00
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    page = api.client.get("/console").text
    row = re.search(r'<tr[^>]*data-mode="u:union"[^>]*>(.*?)</tr>', page, re.S)
    assert row is not None
    covered = row.group(1).split('data-label="是否覆盖：">')[1]
    assert covered.startswith('<span class="badge rejected">否</span>'), covered
    assert "44.4%" in covered


def test_checking_a_store_refuses_an_owner_who_is_no_member_as_saving_does(api: Api) -> None:
    """A new store whose owner (or recruiter) is no member passed Check with no finding
    and a Save button, which then refused it (the browser session, 2026-12-07): Check
    refuses it at its field, as Save does, and nothing is saved."""
    api.pool()
    api.member("boss")
    csrf = sign_in(api.client, api.tenant)
    store = {"csrf": csrf, "id": "s3", "commission_rate": "0.2", "action": "check"}
    for role, member in (("owner", "ghost"), ("recruiter", "nobody")):
        checked = api.client.post("/console/config/stores", data=store | {role: member})
        assert checked.status_code == 404, (role, checked.status_code)
        assert 'id="lint-heading"' not in checked.text
        assert f'id="e-{role}"' in checked.text, checked.text[-3000:]  # at its field
    checked = api.client.post("/console/config/stores", data=store | {"owner": "boss"})
    assert checked.status_code == 200 and 'id="lint-heading"' in checked.text
    assert api.get("/v1/stores/s3").status_code == 404
