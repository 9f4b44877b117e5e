"""Counts (days, seconds, minutes, a level, a page) are whole numbers in one spelling:
a JSON integer, or ASCII digits where a form or an address sends text. pydantic's own
int took true as 1, 1.0, " 15" and "1_000"; each is now refused naming the field, with
nothing changed. On SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.service.conftest import Api

HOSTILE: list[Any] = [True, False, 1.0, 15.5, " 15", "1_000", "１５", "1e3", "0x10", "", "-1", None]


def test_a_hostile_count_is_refused_naming_the_field(api: Api) -> None:
    api.member("m1")
    before = api.ok(api.get("/v1/tenant"))["settings"]
    for value in HOSTILE:
        bad = api.put("/v1/tenant/settings", {"completion_delay_seconds": value})
        assert (bad.status_code, bad.json()["field"]) == (422, "completion_delay_seconds"), value
        assert api.ok(api.get("/v1/tenant"))["settings"] == before
        bad = api.put("/v1/zones/z", {"modes": {"union": {"lock_days": value}}})
        assert (bad.status_code, bad.json()["field"]) == (422, "modes.union.lock_days"), value
        assert api.get("/v1/zones/z").status_code == 404
        bad = api.post("/v1/members/m1/page-token", {"minutes": value})
        assert (bad.status_code, bad.json()["field"]) == (422, "minutes"), value


@pytest.mark.parametrize("value", [15, "15"])
def test_a_count_as_a_number_or_as_digits_is_taken(api: Api, value: Any) -> None:
    tenant = api.ok(api.put("/v1/tenant/settings", {"completion_delay_seconds": value}))
    assert tenant["settings"]["completion_delay_seconds"] == 15
    zone = api.ok(api.put("/v1/zones/z", {"modes": {"union": {"lock_days": value}}}))
    assert zone["modes"]["union"]["lock_days"] == 15


FLAGS: list[Any] = [0, 1, 1.0, "1", "0", "yes", "off", "true", "t", "n", "", []]


def test_a_hostile_flag_is_refused_naming_the_field(api: Api) -> None:
    """A flag is true or false. pydantic's own bool took 0, 1, 1.0, "yes", "off", "t"…:
    `"real_name_verified": "yes"` verified a member, `"require_real_name": "off"` dropped
    a money control, `"pay": 1` paid a batch."""
    api.pool()
    api.member("m1")
    tenant = api.ok(api.get("/v1/tenant"))
    member = api.ok(api.get("/v1/members/m1"))
    pool = api.ok(api.get("/v1/pools/main"))
    checks = [
        ("PATCH", "/v1/members/m1", lambda v: {"real_name_verified": v}, "real_name_verified"),
        ("POST", "/v1/members", lambda v: {"id": "m2", "real_name_verified": v}, None),
        ("PUT", "/v1/tenant/settings", lambda v: {"withdrawals": {"require_real_name": v}}, None),
        ("PATCH", "/v1/pools/main", lambda v: {"minting_enabled": v}, "minting_enabled"),
        ("POST", "/v1/pools", lambda v: {"id": "p2", "no_exit": v}, "no_exit"),
        ("PUT", "/v1/distribution", lambda v: {"limits": {"one_account_per_phone": v}}, None),
        ("PUT", "/v1/zones/z", lambda v: {"modes": {"union": {"backed": v}}}, None),
    ]
    expected = {
        "/v1/members": "real_name_verified",
        "/v1/tenant/settings": "withdrawals.require_real_name",
        "/v1/distribution": "limits.one_account_per_phone",
        "/v1/zones/z": "modes.union.backed",
    }
    for value in FLAGS:
        for method, path, body, field in checks:
            bad = api.client.request(
                method, path, json=body(value), headers={"Authorization": f"Bearer {api.token}"}
            )
            named = field or expected[path]
            assert (bad.status_code, bad.json()["field"]) == (422, named), (path, value, bad.text)
        order = {"id": "o1", "member": "m1", "amount": "10.00", "contribution": "1.00"}
        bad = api.post("/v1/orders/batch", {"orders": [order], "pay": value})
        assert (bad.status_code, bad.json()["field"]) == (422, "pay"), (value, bad.text)
    assert api.ok(api.get("/v1/tenant")) == tenant
    assert api.ok(api.get("/v1/members/m1")) == member
    assert api.ok(api.get("/v1/pools/main")) == pool
    assert api.get("/v1/members/m2").status_code == 404
    assert api.get("/v1/zones/z").status_code == 404
    assert api.ok(api.get("/v1/orders")) == []
    assert api.ok(api.get("/v1/distribution")) is None
