"""The console's audit log (service/queries/console_audit.py and its page): filters by
who, what, the object and the day; each change a diff of the fields that differ. The
diff on its own, then on a tenant's log on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import datetime

from tests.service.conftest import Api, Clock
from tests.service.test_console_pages import sign_in
from zengzhi.i18n.format import moment
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context, tenant_zone
from zengzhi.service.queries import console_audit
from zengzhi.service.queries.console_audit import AuditSearch, Change, diff


def test_a_diff_names_each_field_that_differs_by_its_path() -> None:
    before = {"status": "held", "params": {"sell_fee": "0.2", "mint_ratio": "0.7"}, "same": 1}
    after = {"status": "approved", "params": {"sell_fee": "0.1", "mint_ratio": "0.7"}, "new": [1]}
    assert diff(before, after) == [
        Change(field="status", before="held", after="approved"),
        Change(field="params.sell_fee", before="0.2", after="0.1"),
        Change(field="same", before="1", after=None),
        Change(field="new", before=None, after="[1]"),
    ]
    assert diff(None, {"a": "x"}) == [Change(field="a", before=None, after="x")]
    assert diff(None, {"store": None}) == [Change(field="store", before=None, after="—")]
    assert diff({"a": 1}, {"a": 1}) == []
    # an empty table is no field: its first entry is the change, not "{}" deleted
    assert diff({"names": {}}, {"names": {"main": "购物积分"}}) == [
        Change(field="names.main", before=None, after="购物积分")
    ]
    long = diff({"text": "x" * 500}, None)[0].before
    assert long is not None and len(long) == 200 and long.endswith("…")


def test_the_log_is_filtered_and_shown_as_changes(api: Api, context: Context, clock: Clock) -> None:
    api.pool()
    first_day = clock.today()
    clock.advance(days=2)
    api.ok(api.patch("/v1/pools/main", {"sell_fee": "0.1"}))
    owner = Principal(api.tenant, "user:owner", Role.OWNER)

    def find(**asked: object) -> console_audit.AuditPage:
        return console_audit.find_audit(context, owner, AuditSearch.model_validate(asked))

    everything = find()
    assert everything.rows and set(everything.actions) == {r.action for r in everything.rows}
    changed = [r for r in everything.rows if r.target == "pool:main" and r.changes]
    fee = [c for r in changed for c in r.changes if c.field.endswith("sell_fee")]
    assert fee and fee[0].after == "0.1" and fee[0].before != "0.1"
    action = changed[0].action
    assert {r.action for r in find(action=action).rows} == {action}
    assert {r.target for r in find(target="pool:").rows} == {"pool:main"}
    assert find(actor="user:nobody").rows == []
    assert all(r.at < changed[0].at for r in find(since=first_day, until=first_day).rows)
    assert find(since=first_day, until=first_day).rows != []  # the pool opened that day

    sign_in(api.client, api.tenant)
    page = api.client.get("/console/audit", params={"target": "pool:main", "action": action})
    assert page.status_code == 200 and '<dl class="diff">' in page.text
    assert "<ins>0.1</ins>" in page.text and "<pre" not in page.text


def test_a_change_reads_in_words_its_fields_and_its_statuses(api: Api) -> None:
    """In the reader's language: a field the catalogue knows (`status` 状态), a status in
    its object's words (an order's `completed` 已完成, a withdrawal's `held` 待审批), the
    stored name kept in data-field; a field it does not know, as stored."""
    api.pool()
    api.member("m1")
    api.completed_order("o1", "m1")
    sign_in(api.client, api.tenant)
    zh = {"accept-language": "zh-CN"}
    page = api.client.get("/console/audit", params={"target": "order:o1"}, headers=zh).text
    assert '<dt data-field="status">状态</dt>' in page
    assert "<ins>已完成</ins>" in page and "<ins>completed</ins>" not in page
    assert '<dt data-field="member">会员</dt>' in page
    en = {"accept-language": "en"}
    english = api.client.get("/console/audit", params={"target": "order:o1"}, headers=en).text
    assert '<dt data-field="status">status</dt>' in english and "<ins>completed</ins>" in english


def test_a_change_names_its_fields_as_the_forms_do(api: Api) -> None:
    """A Chinese page names a changed field by its label on the form it is edited with
    (a pool's 回流比例, a product's 价格), not by its stored name (sell_fee, price)."""
    api.pool()
    api.ok(api.patch("/v1/pools/main", {"sell_fee": "0.1"}))
    api.ok(api.put("/v1/products/p1", {"price": "10.00", "platform": "10.00"}))
    client = api.client
    sign_in(client, api.tenant)
    client.cookies.set("zz_lang", "zh")
    page = client.get("/console/audit").text
    for stored, label in (("sell_fee", "回流比例"), ("price", "价格（元）"), ("platform", "平台")):
        shown = re.findall(rf'<dt data-field="(?:params\.)?{stored}">([^<]*)</dt>', page)
        assert shown and all(label in one for one in shown), (stored, shown)


def test_a_long_change_shows_its_first_fields_and_the_rest_behind_a_toggle(api: Api) -> None:
    """A record that changes many fields (a zone or pool saved whole) made a very tall
    row, on a phone above all: the first four are shown, the rest in a <details> that
    says how many; a short change is shown whole."""
    api.pool()
    api.ok(api.patch("/v1/pools/main", {"sell_fee": "0.1"}))
    sign_in(api.client, api.tenant)
    page = api.client.get("/console/audit", headers={"accept-language": "zh-CN"}).text
    rows = re.findall(
        r'<tr role="row"><td role="cell" data-label="#：">\d+</td>.*?</tr>', page, re.S
    )
    assert rows
    for row in rows:
        shown = row.split("<details", 1)[0].count("<dt data-field=")
        more = re.search(r"<summary>另有 (\d+) 项修改</summary>", row)
        total = row.count("<dt data-field=")
        if more:
            assert shown == 4 and total == 4 + int(more.group(1)) and total > 5
        else:
            assert total <= 5
    assert any("<details" in row for row in rows)  # the pool's creation: its every field


def test_every_field_a_console_change_records_reads_in_chinese(api: Api) -> None:
    """A Chinese operator read phone, url, event_types, active → true, minting_enabled,
    withdrawals.minimum and role → operator in the log: the fields the pool and item
    forms did not name, and values as stored. Each field is now named in words (the
    settings' by their form's labels, a pool's name by its pool), a flag is 是 or 否 and
    a role is said by its name."""
    api.pool()
    api.member("m1")
    api.ok(api.patch("/v1/members/m1", {"phone": "13800000000", "real_name_verified": True}))
    body = {"url": "https://shop.example/hooks", "event_types": ["order.completed"]}
    api.ok(api.post("/v1/webhooks", body))
    api.ok(api.post("/v1/pools/main/pause", {"reason": "盘点"}))
    settings = api.ok(api.get("/v1/tenant"))["settings"]
    settings["withdrawals"]["minimum"] = "10.00"
    settings["member_page"] = {"referral_link": "https://shop.example/j?r={member}"}
    settings["member_page"]["pool_names"] = {"main": "购物积分"}
    api.ok(api.put("/v1/tenant/settings", settings))
    name = f"op-{api.tenant}"
    password = "correct horse battery staple"
    api.ok(api.post("/v1/users", {"username": name, "password": password, "role": "viewer"}))
    api.ok(api.patch(f"/v1/users/{name}", {"role": "operator"}))
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    page = api.client.get("/console/audit").text
    labels = dict(re.findall(r'<dt data-field="([^"]+)">([^<]*)</dt>', page))
    for stored in ("phone", "real_name_verified", "url", "event_types", "active"):
        assert stored in labels, stored
    said = {f: label.replace(" main ", "") for f, label in labels.items()}  # the pool's id
    english = {f: label for f, label in said.items() if re.search(r"[A-Za-z]{2}", label)}
    assert english == {}
    assert labels["withdrawals.minimum"] == "最低提现金额（元）"
    assert labels["member_page.pool_names.main"] == "积分池 main 的名称"
    assert "<ins>是</ins>" in page and "<del>是</del>" in page  # verified; minting paused
    assert "<del>只读</del>" in page and "<ins>运营</ins>" in page
    assert ">true<" not in page and ">operator<" not in page


def test_a_conversion_says_what_it_paid_in_as_its_form_does(api: Api) -> None:
    """A conversion's record read 兑换为 （无）→ shares: the value as stored."""
    api.pool()
    body = {"id": "c1", "into": "shares", "rate": "0.0005", "reason": "年度兑换"}
    api.ok(api.post("/v1/contribution/conversions", body))
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    page = api.client.get("/console/audit").text
    assert "<ins>股权（分红权重）</ins>" in page and "<ins>shares</ins>" not in page


def test_who_did_it_is_said_in_words_and_its_link_filters_by_it(api: Api) -> None:
    """The 操作人 column read user:owner, key:…, system:…, as stored. It names the user
    (owner), a key as API 密钥 …, the system's jobs as 系统; the link still filters by the
    stored actor, which the filter's field takes."""
    api.pool()
    api.member("m1")
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    page = api.client.get("/console/audit").text
    shown = dict(re.findall(r'data-actor="([^"]+)">([^<]+)</a>', page))
    assert shown and all(":" not in words for words in shown.values()), shown
    owners = [stored for stored, words in shown.items() if words == "owner"]
    assert owners == ["user:owner"] and 'href="?actor=user%3Aowner"' in page


def test_a_member_who_acted_and_a_stored_time_read_as_the_console_writes_them(
    api: Api, context: Context
) -> None:
    """A member's own doing (a sale from the member page) read `member:m1` as stored,
    and a page token's end `2026-12-05T11:54:53.254745+00:00`, an ISO time in UTC beside
    every other console time in the tenant's zone: now 会员 m1, and the time as the
    `moment` filter writes it (2026-12-05 19:54 UTC+8), the stored name kept for the
    filter's link."""
    api.pool()
    api.member("m1")
    api.completed_order("o1", "m1")
    issued = api.ok(api.post("/v1/members/m1/page-token"))
    quote = api.ok(api.post("/v1/me/sell/quote", {"points": "all"}, token=issued["token"]))
    sale = {"id": "s1", "points": "all", "min_payout": quote["payout"]}
    api.ok(api.post("/v1/me/sell", sale, token=issued["token"]))
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    page = api.client.get("/console/audit").text
    shown = dict(re.findall(r'data-actor="([^"]+)">([^<]+)</a>', page))
    assert shown.get("member:m1") == "会员 m1", shown
    assert 'href="?actor=member%3Am1"' in page
    ends = datetime.fromisoformat(issued["expires_at"].replace("Z", "+00:00"))
    zone = tenant_zone(context, api.tenant)
    assert f"<ins>{moment(ends, zone)}</ins>" in page
    assert not re.search(r"<ins>\d{4}-\d\d-\d\dT", page), "an ISO time left as stored"
    api.client.get("/language/en")
    english = api.client.get("/console/audit").text
    assert dict(re.findall(r'data-actor="([^"]+)">([^<]+)</a>', english))["member:m1"] == (
        "member m1"
    )


def test_a_long_reason_shows_its_start_and_the_rest_behind_a_toggle(api: Api) -> None:
    """A reason of 500 characters (the most a note takes) filled a narrow column: its row
    ran thousands of pixels down the page. It shows its first 200 characters, as a long
    value of a change is cut, and the whole reason behind a toggle."""
    api.pool()
    reason = "停" * 500
    api.ok(api.post("/v1/pools/main/pause", {"reason": reason}))
    sign_in(api.client, api.tenant)
    page = api.client.get("/console/audit", params={"action": "pool.pause"}).text
    cell = re.search(r'<td role="cell" class="reason"[^>]*>(.*?)</td>', page, re.S)
    assert cell, "no reason cell"
    assert "停" * 199 + "…" in cell.group(1)
    assert re.search(r"<details[^>]*>\s*<summary>[^<]+</summary>\s*" + "停" * 500, cell.group(1))
    api.ok(api.post("/v1/pools/main/resume", {"reason": "盘点完毕"}))
    short = api.client.get("/console/audit", params={"action": "pool.resume"}).text
    assert re.search(r'<td role="cell" class="reason"[^>]*>盘点完毕</td>', short)


def test_what_was_acted_on_is_said_in_words_and_links_to_its_page(api: Api) -> None:
    """The 对象 column read member:m1, pool:main, order:o1, zone:z as stored (a code
    name beside the actions said in words). Each is now said as the console names it
    (会员 m1, 积分池 main, 订单 o1), linked to its page where the console has one; the
    stored name stays in data-target (and its title), which the filter takes."""
    api.pool()
    api.member("m1")
    api.completed_order("o1", "m1")
    api.ok(api.post("/v1/orders/o1/reverse"))
    api.ok(api.put("/v1/zones/z", {"pool": "main"}))
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    page = api.client.get("/console/audit").text
    shown = dict(re.findall(r'data-target="([^"]+)"[^>]*>([^<]+)<', page))
    assert shown.get("member:m1") == "会员 m1", shown
    assert shown.get("pool:main") == "积分池 main" and shown.get("zone:z") == "专区 z", shown
    assert shown.get("order:o1") == "订单 o1", shown
    assert '<a href="/console/orders/o1" data-target="order:o1"' in page
    assert '<a href="/console/members/m1" data-target="member:m1"' in page
    assert not [words for words in shown.values() if re.search(r"[a-z]+:", words)], shown
    api.client.get("/language/en")
    english = api.client.get("/console/audit").text
    assert dict(re.findall(r'data-target="([^"]+)"[^>]*>([^<]+)<', english))["pool:main"] == (
        "pool main"
    )


def test_an_amount_in_a_change_is_written_as_money(api: Api) -> None:
    """A subsidy's or a withdrawal's change read 金额 （无） → 3000.00, 手续费 → 0.00: the
    only amounts in the console without their ¥ and grouping. An amount, a fee and a
    payout are written as every amount is (¥3,000.00); points keep their four places."""
    api.pool()
    api.ok(api.post("/v1/pools/main/subsidies", {"id": "s-money", "amount": "3000.00"}))
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    page = api.client.get("/console/audit").text
    changed = dict(
        re.findall(
            r'<dt data-field="(amount|fee|payout)">[^<]*</dt><dd>.*?<ins>([^<]*)</ins>', page
        )
    )
    assert changed.get("amount") == "¥3,000.00", changed


def test_a_pause_and_a_resume_are_said_as_their_buttons_say_them(api: Api) -> None:
    """The pools page's buttons read 暂停发放 and 恢复发放 (发放积分 on every page), the
    audit log said the same actions as 暂停铸造 and 恢复铸造: an action is said as the
    console's button says it."""
    api.pool()
    api.ok(api.post("/v1/pools/main/pause", {"reason": "盘点"}))
    api.ok(api.post("/v1/pools/main/resume", {"reason": "盘点完毕"}))
    sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    buttons = api.client.get("/console/pools").text
    assert "暂停发放" in buttons or "恢复发放" in buttons
    page = api.client.get("/console/audit").text
    said = dict(re.findall(r'data-action="(pool\.(?:pause|resume))">([^<]*)<', page))
    assert said == {"pool.pause": "暂停发放积分", "pool.resume": "恢复发放积分"}, said


def test_a_page_past_the_first_links_back_to_the_newest(api: Api) -> None:
    """The log reads 50 entries a page, newest first: "Older" goes on, and a page past
    the first links back to the newest (it had no way back but the browser's), keeping
    the filters."""
    for n in range(55):
        api.member(f"m{n}")
    sign_in(api.client, api.tenant)
    first = api.client.get("/console/audit?action=member.create").text
    assert "← Newest" not in first
    older = re.search(r'href="(\?[^"]*before=\d+)"', first)
    assert older is not None and "action=member.create" in older.group(1)
    second = api.client.get("/console/audit" + older.group(1).replace("&amp;", "&")).text
    assert "m4</" in second and "m54</" not in second  # the oldest five, on their own
    newest = re.search(r'href="([^"]*)">← Newest', second)
    assert newest is not None and newest.group(1) == "?action=member.create"
    assert re.search(r'before=\d+">Older', second) is None  # nothing older than these
