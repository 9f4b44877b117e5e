"""Free-text notes (a withdrawal's rejection reason, an order's refund reason, a pool's
pause reason, a referrer's re-assignment reason, a subsidy's reason) refuse what reorders
or hides what is shown, as names do (engine/fields.py: `Note`, `noted`): a
bidirectional control (U+202E in a rejection reason turns the rest of the audit log's
line around), a zero-width character, a control character. A note keeps its line breaks
and tabs. Each refusal names the field, in English and in Chinese, and changes nothing.
On SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.service.conftest import Api
from tests.service.test_console_pages import sign_in
from tests.service.test_withdrawals import a_member_with_money

HIDDEN = {
    "U+202E": "\u202e",
    "U+2066": "\u2066",
    "U+200F": "\u200f",
    "U+200B": "\u200b",
    "U+FEFF": "\ufeff",
    "U+2028": "\u2028",
    "U+E0041": "\U000e0041",
    "U+001B": "\x1b",
}
LINES = "the bank says:\n\taccount closed\r\nsee ticket 12"


def _message(shown: str) -> str:
    return f"must not contain control or invisible format characters (found {shown})"


def test_an_api_note_refuses_hidden_characters_and_keeps_its_lines(api: Api) -> None:
    a_member_with_money(api)
    api.member("r1")
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "100.00"}))
    audited = len(api.ok(api.get("/v1/audit-log")))
    pool = api.ok(api.get("/v1/pools/main"))
    for shown, character in HIDDEN.items():
        bad = f"wrong {character}tnuocca"
        for response in [
            api.post("/v1/withdrawals/w1/reject", {"reason": bad}),
            api.post("/v1/pools/main/pause", {"reason": bad}),
            api.post("/v1/pools/main/subsidies", {"id": "s9", "amount": "1.00", "reason": bad}),
            api.put("/v1/members/m1/referrer", {"referrer": "r1", "reason": bad}),
        ]:
            assert response.status_code == 422, (shown, response.request.url, response.text)
            assert response.json()["field"] == "reason", (shown, response.json())
            assert response.json()["message"] == _message(shown), (shown, response.json())
    in_chinese = api.client.post(
        "/v1/withdrawals/w1/reject",
        json={"reason": "a\u202eb"},
        headers={"Authorization": f"Bearer {api.token}", "Accept-Language": "zh-CN"},
    )
    assert in_chinese.json() == {
        "code": "invalid",
        "message": "不能包含控制字符或不可见的格式字符（发现 U+202E）",
        "field": "reason",
    }
    # nothing was done
    assert api.ok(api.get("/v1/withdrawals/w1"))["status"] == "held"
    assert api.ok(api.get("/v1/pools/main")) == pool  # not paused, nor subsidized
    assert api.ok(api.get("/v1/members/m1"))["referrer"] is None
    assert len(api.ok(api.get("/v1/audit-log"))) == audited
    # a note keeps its line breaks and tabs
    rejected = api.ok(api.post("/v1/withdrawals/w1/reject", {"reason": LINES}))
    assert rejected["note"] == LINES
    paused = api.ok(api.post("/v1/pools/main/pause", {"reason": LINES}))
    assert paused["params"]["minting_enabled"] is False
    assert [a["reason"] for a in api.ok(api.get("/v1/audit-log"))[:2]] == [LINES, LINES]


def test_a_console_reason_refuses_hidden_characters(api: Api) -> None:
    """The console's order refund and pool pause reasons reach the service as plain text
    (no model of the API's): checked there as a `Note` (fields.checked_note)."""
    api.pool()
    api.ok(api.put("/v1/tenant/settings", {"completion_delay_seconds": 7 * 86_400}))
    api.member("payer")
    order = {"id": "p-1", "member": "payer", "amount": "100.00", "contribution": "30.00"}
    api.ok(api.post("/v1/orders", order))
    api.ok(api.post("/v1/orders/p-1/pay"))
    csrf = sign_in(api.client, api.tenant)
    for path in ("/console/orders/p-1/refund", "/console/pools/main/pause"):
        for language, said in [
            ("en", _message("U+202E")),
            ("zh-CN", "不能包含控制字符或不可见的格式字符（发现 U+202E）"),
        ]:
            refused = api.client.post(
                path,
                data={"csrf": csrf, "reason": "changed\u202e mind"},
                headers={"Accept-Language": language},
            )
            assert refused.status_code == 422, (path, refused.text)
            assert said in refused.text, (path, language)
    assert api.ok(api.get("/v1/orders/p-1"))["status"] == "paid"
    assert api.ok(api.get("/v1/pools/main"))["params"]["minting_enabled"] is True
    assert not [a for a in api.ok(api.get("/v1/audit-log")) if a["action"] == "order.refunded"]
    done = api.client.post(
        "/console/orders/p-1/refund",
        data={"csrf": csrf, "reason": "changed\r\ntheir mind"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    [logged] = [a for a in api.ok(api.get("/v1/audit-log")) if a["action"] == "order.refunded"]
    assert re.fullmatch(r"changed\r?\ntheir mind", logged["reason"]), logged


def test_an_ad_tasks_proof_refuses_hidden_characters(api: Api) -> None:
    """The integrator's proof of an ad task is shown as the task's reason in the audit
    log: it took U+202E."""
    api.member("m1")
    for shown, character in HIDDEN.items():
        task = {"zone": "ads", "day": "2026-11-21", "proof": f"view {character}21"}
        refused = api.post("/v1/members/m1/tasks", task)
        assert refused.status_code == 422, (shown, refused.text)
        assert refused.json()["field"] == "proof", refused.json()
        assert refused.json()["message"] == _message(shown), (shown, refused.json())
