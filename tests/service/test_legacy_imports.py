"""Spec 01:197-205 (legacy balances, seed 001 应用场景 2) through the HTTP API: an operator
imports a member's old platform balance as a position, funded by the operator, as an
ordinary, idempotent, recorded operation; one that would open a position with no
principal is refused naming `principal`."""

from __future__ import annotations

from tests.service.conftest import Api, Context
from zengzhi.service.audit import check_ledger, check_replay


def test_an_import_opens_a_position_once_and_is_recorded(api: Api, context: Context) -> None:
    """A fresh pool (price 1.00): a contribution of 300.00 mints m × C / p0 = 210.0000
    points; the principal, 1000.00, is what the platform owes m9. The same request again
    changes nothing; other contents under the same id are a conflict."""
    api.pool()
    api.member("m9")
    body = {"id": "i1", "member": "m9", "principal": "1000.00", "contribution": "300.00"}
    finance = api.as_role("finance")
    made = api.post("/v1/pools/main/imports", body, token=finance)
    assert made.status_code == 201, made.text
    assert made.json()["points"] == "210.0000"
    again = api.post("/v1/pools/main/imports", {**body, "principal": "1000"}, token=finance)
    assert again.status_code == 200 and again.json() == made.json()
    conflict = api.post("/v1/pools/main/imports", {**body, "principal": "999.00"}, token=finance)
    assert conflict.status_code == 409 and conflict.json()["field"] == "id"
    pool = api.ok(api.get("/v1/pools/main"))
    assert (pool["balance"], pool["points"]) == ("300.00", "210.0000")
    [position] = api.ok(api.get("/v1/members/m9/positions"))
    assert (position["principal"], position["points"]) == ("1000.00", "210.0000")
    [record] = [one for one in api.ok(api.get("/v1/audit-log")) if one["action"] == "pool.import"]
    assert record["after"]["principal"] == "1000.00"
    with context.database.read() as connection:
        assert check_ledger(connection, api.tenant) == []
        assert check_replay(connection, api.tenant) == []


def test_an_import_is_refused_naming_its_field_and_changes_nothing(api: Api) -> None:
    """A new position with no principal is refused naming `principal`; into an open
    position points alone may be added. An unknown member is refused naming `member`; the
    roles that may not move the platform's money (viewer, support, operator) are refused."""
    api.pool()
    api.member("m9")
    body = {"id": "i1", "member": "m9", "principal": "0", "contribution": "300.00"}
    refused = api.post("/v1/pools/main/imports", body)
    assert refused.status_code == 422 and refused.json()["field"] == "principal"
    unknown = api.post("/v1/pools/main/imports", {**body, "id": "i2", "member": "ghost"})
    assert unknown.status_code == 404 and unknown.json()["field"] == "member"
    for role in ("viewer", "support", "operator"):
        answer = api.post(
            "/v1/pools/main/imports",
            {**body, "id": f"i-{role}", "principal": "1.00"},
            token=api.as_role(role),
        )
        assert answer.status_code == 403, role
    assert api.ok(api.get("/v1/pools/main"))["points"] == "0.0000"
    opened = {**body, "id": "i3", "principal": "1000.00"}
    api.ok(api.post("/v1/pools/main/imports", opened))
    more = api.post("/v1/pools/main/imports", {**body, "id": "i4"})  # points alone
    assert more.status_code == 201, more.text
