"""The console's withdrawals queue (service/queries/console_withdrawals.py and its page):
the payee and real-name status, what is pending, filters by member and day, the batch
(every one ticked approved, rejected with one reason, or marked paid, each audited;
those refused named), and the bank's payout file. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from sqlalchemy import update

from tests.service.conftest import Api, Clock
from tests.service.test_console_pages import sign_in
from tests.service.test_withdrawals import a_member_with_money
from zengzhi.service.auth import Principal, Role
from zengzhi.service.base import Context
from zengzhi.service.queries import console_withdrawals
from zengzhi.service.queries.console_withdrawals import WithdrawalSearch
from zengzhi.store import tables as t


def test_the_queue_the_batch_and_the_payout_file(api: Api, context: Context, clock: Clock) -> None:
    a_member_with_money(api)  # m1 holds 1600.00
    api.ok(api.patch("/v1/members/m1", {"name": "赵六"}))
    first_day = clock.today()
    for n, amount in enumerate(("100.00", "200.00", "300.00", "50.00"), start=1):
        api.ok(api.post("/v1/members/m1/withdrawals", {"id": f"w{n}", "amount": amount}))
        clock.advance(days=1)
    owner = Principal(api.tenant, "user:owner", Role.OWNER)

    def find(**asked: object) -> console_withdrawals.WithdrawalPage:
        search = WithdrawalSearch.model_validate(asked)
        return console_withdrawals.find_withdrawals(context, owner, search)

    held = find()
    assert [r.id for r in held.rows] == ["w4", "w3", "w2", "w1"] and held.total == 4
    assert {(r.payee, r.verified) for r in held.rows} == {("赵六", False)}
    pending = {p.status: p for p in held.pending}
    assert (pending["held"].count, pending["held"].amount) == (4, "650.00")
    assert [r.id for r in find(since=first_day, until=first_day).rows] == ["w1"]
    assert find(member="nobody").total == 0

    csrf = sign_in(api.client, api.tenant)
    back = "/console/withdrawals?status=held"
    approved = api.client.post(
        "/console/withdrawals/batch",
        data={"csrf": csrf, "back": back, "action": "approve", "ids": ["w1", "w2"]},
        follow_redirects=True,
    )
    assert "2 approved." in approved.text
    rejected = api.client.post(
        "/console/withdrawals/batch",
        data={
            "csrf": csrf,
            "back": back,
            "action": "reject",
            "ids": ["w3", "w4"],
            "reason": "账户信息不符",
        },
        follow_redirects=True,
    )
    assert "2 rejected" in rejected.text
    paid = api.client.post(
        "/console/withdrawals/batch",
        data={"csrf": csrf, "back": back, "action": "paid", "ids": ["w1", "w3"]},
        follow_redirects=True,
    )
    assert "1 marked paid." in paid.text  # w3 was rejected: named, not paid
    assert "<strong>w3</strong>: withdrawal &#39;w3&#39; is rejected" in paid.text
    statuses = {w["id"]: w for w in api.ok(api.get("/v1/withdrawals"))}
    assert [statuses[w]["status"] for w in ("w1", "w2", "w3", "w4")] == [
        "paid", "approved", "rejected", "rejected",
    ]  # fmt: skip
    assert statuses["w3"]["note"] == "账户信息不符"
    targets = [a["target"] for a in api.ok(api.get("/v1/audit-log"))]
    assert all(f"withdrawal:{w}" in targets for w in ("w1", "w2", "w3", "w4"))
    pending = {p.status: p for p in find().pending}
    assert (pending["held"].count, pending["approved"].count, pending["approved"].amount) == (
        0, 1, "200.00",
    )  # fmt: skip

    exported = api.client.get("/console/withdrawals/export.csv", params={"status": "all"})
    assert exported.status_code == 200
    table = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [(r["withdrawal"], r["payee"], r["status"]) for r in table] == [
        ("w1", "赵六", "paid"),
        ("w2", "赵六", "approved"),
        ("w3", "赵六", "rejected"),
        ("w4", "赵六", "rejected"),
    ]  # oldest first, the order a bank pays
    approved = console_withdrawals.every_withdrawal(
        context, owner, WithdrawalSearch(status="approved")
    )
    assert [r.payout for r in approved] == [pending["approved"].payout]
    empty = api.client.post(
        "/console/withdrawals/batch",
        data={"csrf": csrf, "back": back, "action": "approve"},
        follow_redirects=True,
    )
    assert "a batch needs at least one withdrawal ticked" in empty.text


def test_each_row_shows_its_payee_and_a_refused_approval_says_why(api: Api) -> None:
    """The payee record (issue 18) on each row: the channel, the masked account and real
    name; with payees required, a held withdrawal whose member has none (or whose real
    name is not verified) shows why it cannot be approved instead of the button."""
    a_member_with_money(api)
    api.ok(api.put("/v1/tenant/settings", {"withdrawals": {"require_payee": True}}))
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "100.00"}))
    sign_in(api.client, api.tenant)

    def row(language: str) -> str:
        page = api.client.get("/console/withdrawals", headers={"Accept-Language": language}).text
        return page[page.index('name="ids" value="w1"') : page.index("</tr>", page.index("w1"))]

    shown = row("en")
    assert "no payee" in shown and "Cannot be approved: member &#39;m1&#39; has no payee" in shown
    assert "/console/withdrawals/w1/approve" not in shown
    assert "无收款信息" in row("zh") and "不能审核通过：会员 “m1” 没有收款信息" in row("zh")

    payee = {"method": "alipay", "real_name": "张三丰", "account": "13812345678"}
    masked = api.ok(api.put("/v1/members/m1/payee", payee))
    shown = row("en")
    assert f"Alipay {masked['account']} · {masked['real_name']}" in shown
    assert "real name is not verified" in shown and "/w1/approve" not in shown
    assert f"支付宝 {masked['account']} · {masked['real_name']}" in row("zh")

    api.ok(api.patch("/v1/members/m1", {"real_name_verified": True}))
    shown = row("en")
    assert "Cannot be approved" not in shown and "/console/withdrawals/w1/approve" in shown


def test_real_names_required_after_a_request_hold_its_approval(api: Api) -> None:
    """`withdrawals.require_real_name` turned on while m1's unverified withdrawal waits:
    the request went through, the approval does not (409, naming the real name; nothing
    changes), and the queue shows why instead of the button, row and batch alike, until
    the real name is verified."""
    a_member_with_money(api)
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "100.00"}))
    api.ok(api.put("/v1/tenant/settings", {"withdrawals": {"require_real_name": True}}))
    before = api.ok(api.get("/v1/withdrawals/w1")), api.ok(api.get("/v1/audit-log"))
    refused = api.post("/v1/withdrawals/w1/approve")
    assert (refused.status_code, refused.json()["field"]) == (409, "real_name_verified")
    assert (api.ok(api.get("/v1/withdrawals/w1")), api.ok(api.get("/v1/audit-log"))) == before
    sign_in(api.client, api.tenant)
    page = api.client.get("/console/withdrawals", headers={"Accept-Language": "zh"}).text
    row = page[page.index('name="ids" value="w1"') : page.index("</tr>", page.index("w1"))]
    assert "不能审核通过：会员 “m1” 的实名尚未认证" in row and "/w1/approve" not in row
    csrf = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    batch = api.client.post(
        "/console/withdrawals/batch",
        data={"csrf": csrf, "back": "/console/withdrawals", "action": "approve", "ids": "w1"},
        follow_redirects=True,
    )
    assert "real name is not verified" in batch.text
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "held"
    api.ok(api.patch("/v1/members/m1", {"real_name_verified": True}))
    assert api.ok(api.post("/v1/withdrawals/w1/approve"))["status"] == "approved"


def test_the_queue_shows_what_a_pending_withdrawal_s_member_owes(
    api: Api, context: Context
) -> None:
    """A reversal after the requests left m1 owing: the held one shows why it cannot be
    approved (the service's own refusal), the approved one warns finance not to pay it
    outside, and the page says so in Chinese; m2, who owes nothing, shows neither."""
    api.pool()
    for member in ("m1", "m2"):
        api.member(member)
        api.completed_order(f"o-{member}", member)
        api.ok(api.post(f"/v1/members/{member}/sell", {"id": f"s-{member}", "points": "all"}))
    cash = api.ok(api.get("/v1/members/m1/wallet"))["balance"]
    half = f"{Decimal(cash) / 2:.2f}"
    for n, member in ((1, "m1"), (2, "m1"), (3, "m2")):
        api.ok(api.post(f"/v1/members/{member}/withdrawals", {"id": f"w{n}", "amount": half}))
    api.ok(api.post("/v1/withdrawals/w2/approve"))
    api.ok(api.post("/v1/orders/o-m1/reverse"))
    owed = api.ok(api.get("/v1/members/m1/wallet"))["debt"]
    assert owed != "0.00"
    owner = Principal(api.tenant, "user:owner", Role.OWNER)
    found = console_withdrawals.find_withdrawals(context, owner, WithdrawalSearch(status=None))
    rows = {r.id: r for r in found.rows}
    assert (rows["w1"].owes, rows["w2"].owes, rows["w3"].owes) == (owed, owed, None)
    refused = api.post("/v1/withdrawals/w1/approve").json()["message"]
    assert rows["w1"].refused == refused and rows["w3"].refused is None

    sign_in(api.client, api.tenant)
    page = api.client.get(
        "/console/withdrawals?status=all", headers={"Accept-Language": "zh-CN"}
    ).text
    yuan = f"¥{Decimal(owed):,.2f}"
    assert page.count(f"欠款 {yuan}") >= 3  # two badges, the held one's refusal
    assert f"会员欠款 {yuan}：请勿线下打款" in page
    assert "/console/withdrawals/w1/approve" not in page  # no button the service refuses
    assert "/console/withdrawals/w3/approve" in page


def test_a_withdrawal_s_note_from_the_service_reads_in_chinese(api: Api, context: Context) -> None:
    """The notes the service writes on a withdrawal (sent to a gateway, its payout failed,
    paid by the gateway after the rejection) showed in English on the Chinese page; they
    are read through the catalogue when shown, notes stored before this change too. A note
    finance wrote (a rejection's reason) shows as written."""
    a_member_with_money(api)
    notes = {
        "w1": "sent to wechat as zz01w1a1",
        "w2": "payout failed: closed",
        "w3": "payout failed: no reason given",
        "w4": "paid by the gateway after it was rejected: taken back",
        "w5": "paid by the gateway after it was rejected (账户信息不符): taken back",
        "w6": "收款信息不全",
    }
    for withdrawal in notes:
        api.ok(api.post("/v1/members/m1/withdrawals", {"id": withdrawal, "amount": "10.00"}))
    with context.database.write() as connection:
        for withdrawal, note in notes.items():
            connection.execute(
                update(t.withdrawals)
                .where(
                    t.withdrawals.c.tenant_id == api.tenant,
                    t.withdrawals.c.withdrawal_id == withdrawal,
                )
                .values(note=note)
            )
    sign_in(api.client, api.tenant)
    shown = {}
    for language in ("zh-CN", "en"):
        page = api.client.get(
            "/console/withdrawals?status=all", headers={"Accept-Language": language}
        ).text
        noted = r'<th scope="row"[^>]*>(w\d)</th>.*?class="muted clamped" title="([^"]*)"'
        shown[language] = dict(re.findall(noted, page, re.S))
    assert shown["zh-CN"] == {
        "w1": "已提交给微信支付（打款单号 zz01w1a1）",
        "w2": "打款失败：closed",
        "w3": "打款失败：未说明原因",
        "w4": "被驳回后渠道仍打款：已从会员收回",
        "w5": "被驳回（账户信息不符）后渠道仍打款：已从会员收回",
        "w6": "收款信息不全",
    }
    assert shown["en"] == notes


def test_the_batch_is_offered_only_where_a_row_can_be_ticked(api: Api) -> None:
    """The 已打款 and 已拒绝 tabs showed the select-all box and the batch's three buttons
    under rows without a box to tick: each click answered 一笔也没有完成 (nothing ticked).
    They are offered where a row can be ticked (held or approved), not otherwise."""
    a_member_with_money(api)
    for n in (1, 2):
        api.ok(api.post("/v1/members/m1/withdrawals", {"id": f"w{n}", "amount": "10.00"}))
    api.ok(api.post("/v1/withdrawals/w2/reject", {"reason": "收款信息不全"}))
    sign_in(api.client, api.tenant)
    held = api.client.get("/console/withdrawals", params={"status": "held"}).text
    assert 'name="ids" value="w1"' in held and 'id="select-all"' in held
    assert 'value="reject" class="danger"' in held
    for status in ("rejected", "paid"):
        page = api.client.get("/console/withdrawals", params={"status": status}).text
        assert 'name="ids"' not in page
        assert 'id="select-all"' not in page and 'name="action"' not in page, status
    every = api.client.get("/console/withdrawals", params={"status": "all"}).text
    assert 'id="select-all"' in every and 'value="approve" class="primary"' in every


def test_a_rejected_withdrawal_is_said_as_the_button_says_it(api: Api) -> None:
    """The batch's button 批量驳回 answered 已驳回 1 笔, a row's 拒绝 answered 已拒绝, the
    tab and the badge read 已拒绝 and the member page 已拒绝，已退回零钱: one decision in
    two words. It is 驳回 (an approval's refusal) everywhere now."""
    a_member_with_money(api)
    for n in (1, 2):
        api.ok(api.post("/v1/members/m1/withdrawals", {"id": f"w{n}", "amount": "10.00"}))
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    held = api.client.get("/console/withdrawals").text
    assert "驳回" in held and "拒绝" not in held  # the row's button, the batch's, the tab
    one = api.client.post("/console/withdrawals/w1/reject", data={"csrf": csrf, "reason": "重复"})
    assert "提现 w1 已驳回，金额已退回会员零钱。" in one.text, one.text
    again = api.client.post(
        "/console/withdrawals/w1/reject", data={"csrf": csrf, "reason": "重复"}
    ).text
    assert "提现 w1 此前已驳回" in again
    batch = {"csrf": csrf, "ids": "w2", "action": "reject", "reason": "收款信息不全"}
    assert "已驳回 1 笔" in api.client.post("/console/withdrawals/batch", data=batch).text
    done = api.client.get("/console/withdrawals", params={"status": "rejected"}).text
    assert '<span class="badge rejected">已驳回</span>' in done and "拒绝" not in done
    audit = api.client.get("/console/audit").text
    assert "驳回提现" in audit and "拒绝提现" not in audit
