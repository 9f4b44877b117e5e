"""A withdrawal is rejected with a reason (the member reads "驳回" and why): none, an
empty one or spaces alone is refused, naming `reason`, by the use case, the API, the
console's row and its batch (驳回 at the reason field, in Chinese, what was typed and
ticked kept), and nothing is done. On SQLite and PostgreSQL."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in
from tests.service.test_withdrawals import a_member_with_money
from zengzhi.service.wallets import WithdrawalDecision

BLANKS = ["", " ", "   ", "\t", "\n", " \r\n\t ", "\u3000"]  # U+3000: a Chinese full-width space


@given(st.text(alphabet=" \t\r\n\u3000", max_size=20))
def test_spaces_alone_are_no_reason(blank: str) -> None:
    with pytest.raises(ValidationError) as refused:
        WithdrawalDecision(reason=blank)
    assert refused.value.errors()[0]["loc"] == ("reason",)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=40).filter(lambda s: s.strip() != ""))
def test_a_reason_said_is_kept_without_its_surrounding_spaces(said: str) -> None:
    try:
        decision = WithdrawalDecision(reason=f"  {said} ")
    except ValidationError as error:  # a hidden character: refused for that, at reason
        assert error.errors()[0]["loc"] == ("reason",)
        return
    assert decision.reason == said.strip()


def test_the_api_refuses_a_rejection_without_a_reason_naming_it(api: Api) -> None:
    a_member_with_money(api)
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "100.00"}))
    for body in ({}, {"reason": None}, *({"reason": blank} for blank in BLANKS)):
        refused = api.post("/v1/withdrawals/w1/reject", body)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.json()["field"] == "reason", (body, refused.json())
    bare = api.post("/v1/withdrawals/w1/reject")
    assert bare.status_code == 422 and bare.json()["field"] == "body", bare.json()
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "held"
    assert api.ok(api.get("/v1/members/m1/wallet"))["withdrawing"] == "100.00"
    said = api.ok(api.post("/v1/withdrawals/w1/reject", {"reason": "  收款账户不符 "}))
    assert (said["status"], said["note"]) == ("rejected", "收款账户不符")


def _field_error(page: str, key: str) -> str:
    found = re.search(rf'id="e-{key}"[^>]*>(.*?)</p>', page, re.S)
    assert found is not None, page
    return html.unescape(found.group(1))


def test_the_console_batch_refuses_no_reason_at_its_field(api: Api) -> None:
    csrf = _two_held_in_chinese(api)
    back = "/console/withdrawals?status=held&member=m1"
    for blank in ("", "   ", "\u3000"):
        refused = api.client.post(
            "/console/withdrawals/batch",
            data={"csrf": csrf, "back": back, "action": "reject", "ids": ["w1", "w2"],
                  "reason": blank},
        )  # fmt: skip
        assert refused.status_code == 422, refused.text
        assert _field_error(refused.text, "batch-reason") == "必填"
        for ticked in ("w1", "w2"):  # what was ticked is ticked still
            assert f'name="ids" value="{ticked}" checked' in refused.text
    statuses = {w["id"]: w["status"] for w in api.ok(api.get("/v1/withdrawals"))}
    assert statuses == {"w1": "held", "w2": "held"}
    done = api.client.post(
        "/console/withdrawals/batch",
        data={"csrf": csrf, "back": back, "action": "reject", "ids": ["w1", "w2"],
              "reason": "收款账户与实名不符"},
    )  # fmt: skip
    assert "已驳回 2 笔" in done.text
    notes = {w["id"]: w["note"] for w in api.ok(api.get("/v1/withdrawals"))}
    assert notes == {"w1": "收款账户与实名不符", "w2": "收款账户与实名不符"}


def test_the_console_row_refuses_no_reason_keeping_the_page(api: Api) -> None:
    a_member_with_money(api)
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "10.00"}))
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    refused = api.client.post(
        "/console/withdrawals/w1/reject",
        data={"csrf": csrf, "back": "/console/withdrawals?status=held", "reason": "  "},
    )
    assert refused.status_code == 422, refused.text
    # said at the row's own reason field (test_each_pending_row_has_its_own_reject…)
    errors = re.findall(r'id="e-([^"]+)"[^>]*role="alert">([^<]*)<', refused.text)
    assert errors == [("reject-1-reason", "必填")], errors
    # sent from a list that no longer shows the row: said above the list, naming the field
    elsewhere = api.client.post(
        "/console/withdrawals/w1/reject",
        data={"csrf": csrf, "back": "/console/withdrawals?status=paid", "reason": ""},
    )
    assert elsewhere.status_code == 422
    alert = re.search(r'class="notice error" role="alert">(.*?)</div>', elsewhere.text, re.S)
    assert alert is not None and "必填（原因）" in html.unescape(alert.group(1)), elsewhere.text
    assert 'id="withdrawals"' in refused.text  # the queue, not the error page
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "held"


def test_each_pending_row_has_its_own_reject_with_a_reason(api: Api) -> None:
    """A held withdrawal had no 驳回 of its own: finance ticked it and used 批量驳回. Each
    held or approved row now has one, a form of its own (tied by form=, outside the
    batch's) with its reason: refused at that row's field, done on its own."""
    a_member_with_money(api)
    for n in (1, 2, 3):
        api.ok(api.post("/v1/members/m1/withdrawals", {"id": f"w{n}", "amount": "10.00"}))
    api.ok(api.post("/v1/withdrawals/w3/approve"))
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    queue = api.client.get("/console/withdrawals", params={"status": "all"}).text
    forms = dict(re.findall(r'action="/console/withdrawals/([^/"]+)/reject" id="([^"]+)"', queue))
    assert sorted(forms) == ["w1", "w2", "w3"], forms  # held and approved alike
    for withdrawal, form in forms.items():
        summary = f'aria-label="驳回 {withdrawal}">驳回</summary>'
        assert summary in queue
        assert re.search(rf'name="reason"[^>]*form="{form}"', queue), form  # its own reason
        assert (
            f'<button type="submit" form="{form}" class="danger small">确认驳回</button>' in queue
        )
    back = "/console/withdrawals?status=all"
    refused = api.client.post(
        "/console/withdrawals/w2/reject", data={"csrf": csrf, "back": back, "reason": " "}
    )
    assert refused.status_code == 422
    # said at w2's field, which is open; no other row's, nor the batch's
    errors = re.findall(r'id="e-([^"]+)"[^>]*role="alert">([^<]*)<', refused.text)
    assert errors == [(f"{forms['w2']}-reason", "必填")], errors
    assert re.search(r'<details class="row-reject" data-row-reject open>', refused.text)
    assert refused.text.count("data-row-reject open") == 1
    done = api.client.post(
        "/console/withdrawals/w2/reject", data={"csrf": csrf, "back": back, "reason": "重复申请"}
    )
    assert "提现 w2 已驳回，金额已退回会员零钱。" in done.text
    statuses = {w["id"]: (w["status"], w["note"]) for w in api.ok(api.get("/v1/withdrawals"))}
    assert statuses["w2"] == ("rejected", "重复申请")
    assert statuses["w1"][0] == "held" and statuses["w3"][0] == "approved"
    after = api.client.get("/console/withdrawals", params={"status": "all"}).text
    assert "/console/withdrawals/w2/reject" not in after  # a rejected row has none


def _two_held_in_chinese(api: Api) -> str:
    """w1 and w2 of m1 held, the console signed in and read in Chinese; its CSRF token."""
    a_member_with_money(api)
    for n in (1, 2):
        api.ok(api.post("/v1/members/m1/withdrawals", {"id": f"w{n}", "amount": "10.00"}))
    csrf = sign_in(api.client, api.tenant)
    api.client.get("/language/zh")
    return csrf


def test_a_refused_row_rejection_is_answered_as_a_page_to_reload(api: Api) -> None:
    """A row's 驳回 refused (no reason; the withdrawal paid meanwhile) was answered to the
    POST: reloading the page asked the browser to send the form again. It now goes back
    to the queue it was sent from (303, its filters kept), which says the refusal once,
    at the row's field with what was typed (422); a reload is a GET of the queue."""
    csrf = _two_held_in_chinese(api)
    back = "/console/withdrawals?status=held&member=m1"
    refused = api.client.post(
        "/console/withdrawals/w1/reject",
        data={"csrf": csrf, "back": back, "reason": "  "},
        follow_redirects=False,
    )
    assert refused.status_code == 303, (refused.status_code, refused.text[-500:])
    assert refused.headers["location"] == back
    page = api.client.get(back)
    assert page.status_code == 422
    errors = re.findall(r'id="e-([^"]+)"[^>]*role="alert">([^<]*)<', page.text)
    assert errors == [("reject-2-reason", "必填")], errors  # w1's row, the second (newest first)
    assert page.text.count("data-row-reject open") == 1
    assert re.search(r'id="w-member" name="member" value="m1"', page.text)  # its filter kept
    reloaded = api.client.get(back)  # said once: the reload is the queue as it is
    assert reloaded.status_code == 200 and "data-row-reject open" not in reloaded.text
    # what was typed comes back too, and a refusal of the service (paid meanwhile) is said
    api.ok(api.post("/v1/withdrawals/w2/approve"))
    api.ok(api.post("/v1/withdrawals/w2/paid"))
    paid = api.client.post(
        "/console/withdrawals/w2/reject",
        data={"csrf": csrf, "back": "/console/withdrawals?status=all", "reason": "重复申请"},
        follow_redirects=False,
    )
    assert paid.status_code == 303 and paid.headers["location"] == "/console/withdrawals?status=all"
    page = api.client.get(paid.headers["location"])
    assert page.status_code == 409
    alert = re.search(r'class="notice error" role="alert">(.*?)</div>', page.text, re.S)
    assert alert is not None and "提现 “w2” 的状态是「已打款」：不能驳回" in html.unescape(
        alert.group(1)
    ), page.text
    assert api.client.get("/console/withdrawals?status=all").status_code == 200
    # carried to the page it was sent from only: another page shows nothing of it
    api.client.post(
        "/console/withdrawals/w1/reject",
        data={"csrf": csrf, "back": back, "reason": ""},
        follow_redirects=False,
    )
    elsewhere = api.client.get("/console/orders")
    assert elsewhere.status_code == 200 and "必填" not in elsewhere.text
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "held"


def test_a_refused_batch_rejection_is_answered_as_a_page_to_reload(api: Api) -> None:
    """The batch's 驳回 with no reason, the same way: back to the queue, once, the rows
    ticked still ticked."""
    csrf = _two_held_in_chinese(api)
    back = "/console/withdrawals?status=held"
    refused = api.client.post(
        "/console/withdrawals/batch",
        data={"csrf": csrf, "back": back, "action": "reject", "ids": ["w1", "w2"], "reason": ""},
        follow_redirects=False,
    )
    assert refused.status_code == 303 and refused.headers["location"] == back
    page = api.client.get(back)
    assert page.status_code == 422 and _field_error(page.text, "batch-reason") == "必填"
    for ticked in ("w1", "w2"):
        assert f'name="ids" value="{ticked}" checked' in page.text
    assert "checked" not in api.client.get(back).text
