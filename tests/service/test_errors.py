"""One error shape, the right status codes, and never a traceback."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import Api
from zengzhi.service import pools

JSON = {"Content-Type": "application/json"}


def test_unknown_routes_methods_and_bodies(api: Api) -> None:
    missing = api.get("/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json() == {"code": "not_found", "message": "Not Found", "field": None}
    wrong_method = api.client.delete("/v1/pools", headers={"Authorization": f"Bearer {api.token}"})
    assert wrong_method.status_code == 405 and set(wrong_method.json()) == {
        "code",
        "message",
        "field",
    }
    not_json = api.client.post(
        "/v1/members",
        content=b"{not json",
        headers={"Authorization": f"Bearer {api.token}", "content-type": "application/json"},
    )
    assert not_json.status_code == 422
    assert not_json.json()["field"] == "body"
    bad_path = api.get("/v1/members/%00")
    assert bad_path.status_code == 422 and bad_path.json()["field"] == "member_id"
    bad_text = api.post("/v1/members", {"id": "m1", "name": "a\x00b"})
    assert bad_text.status_code == 422 and bad_text.json() == {
        "code": "invalid",
        "field": "name",
        "message": "must not contain control or invisible format characters (found U+0000)",
    }


def test_an_unexpected_failure_is_a_plain_500(
    api: Api, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> object:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(pools, "list_pools", broken)
    response = api.get("/v1/pools")
    assert response.status_code == 500
    assert response.json() == {
        "code": "internal",
        "field": None,
        "message": "something went wrong on our side; it is logged",
    }
    assert "secret internals" not in response.text and "Traceback" not in response.text


def test_a_step_that_takes_no_body_refuses_one_and_changes_nothing(api: Api) -> None:
    # there is no partial refund: a refund "of 10.00" must not reverse the whole order
    api.pool()
    api.member("m1")
    order = {"id": "o1", "member": "m1", "amount": "100.00", "contribution": "30.00"}
    api.ok(api.post("/v1/orders", order))
    api.ok(api.post("/v1/orders/o1/pay", {}))  # an empty object is no body
    for step, body in (("refund", b'{"amount": "10.00"}'), ("reverse", b"not json")):
        refused = api.client.post(
            f"/v1/orders/o1/{step}", content=body, headers=api._headers(None) | JSON
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["field"] == "body"
    assert api.ok(api.get("/v1/orders/o1"))["status"] in ("paid", "completed")


def test_json_nested_past_what_can_be_read_is_refused_naming_the_body(api: Api) -> None:
    deep = b"[" * 5000 + b"]" * 5000
    for path in ("/v1/orders", "/v1/auth/login"):
        refused = api.client.post(path, content=deep, headers=api._headers(None) | JSON)
        assert refused.status_code == 422, (path, refused.text)
        assert refused.json()["field"] == "body"


def test_ids_of_the_longest_length_work_for_everything_named_by_one(api: Api) -> None:
    # 128 characters, the most an id may have: what the service derives from it (the
    # event `join:<id>`, the asset `PTS:<pool>`, a binding `bind:<member>:<referrer>`…)
    # is longer, and overflowed its column on PostgreSQL (a 500)
    kinds = ("pool", "member", "referee", "order", "sale", "withdrawal", "subsidy", "agent")
    long = {kind: kind[:3] + "x" * 125 for kind in kinds}
    api.pool(long["pool"])
    api.member(long["member"])
    api.member(long["referee"], referrer=long["member"])
    order = {"id": long["order"], "member": long["referee"], "pool": long["pool"]}
    api.ok(api.post("/v1/orders", order | {"amount": "1000.00", "contribution": "300.00"}))
    api.ok(api.post(f"/v1/orders/{long['order']}/pay"))
    api.ok(api.post(f"/v1/orders/{long['order']}/complete"))
    pool = f"/v1/pools/{long['pool']}"
    api.ok(api.post(f"{pool}/subsidies", {"id": long["subsidy"], "amount": "10.00"}))
    sale = {"id": long["sale"], "points": "10", "pool": long["pool"]}
    api.ok(api.post(f"/v1/members/{long['referee']}/sell", sale))
    withdrawal = {"id": long["withdrawal"], "amount": "1.00"}
    api.ok(api.post(f"/v1/members/{long['referee']}/withdrawals", withdrawal))
    agent = {"id": long["agent"], "member": long["member"], "region": "广东/深圳", "level": "city"}
    api.ok(api.post("/v1/agents", agent))
    api.ok(api.post(f"/v1/orders/{long['order']}/reverse"))


@pytest.mark.parametrize("name", ["minimum", "fee_fixed", "auto_approve_limit"])
def test_a_negative_withdrawal_setting_is_refused_naming_it(api: Api, name: str) -> None:
    # a fixed fee of -50.00 was kept, and then refused every withdrawal
    before = api.ok(api.get("/v1/tenant"))
    refused = api.put("/v1/tenant/settings", {"withdrawals": {name: "-1.00"}})
    assert refused.status_code == 422 and refused.json()["field"] == f"withdrawals.{name}"
    assert api.ok(api.get("/v1/tenant")) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"id": "o1", "member": "\xff\xfe"}', "body"),
        (b'{"quantity": ' + b"9" * 5000 + b"}", "quantity"),  # read as inf, as 1e400 is
    ],
)
def test_a_body_that_is_not_readable_json_is_refused_naming_it(
    api: Api, body: bytes, field: str
) -> None:
    # not UTF-8, or a number past what Python reads: a bare 400 with no field before
    refused = api.client.post("/v1/orders", content=body, headers=api._headers(None) | JSON)
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "invalid" and refused.json()["field"] == field
