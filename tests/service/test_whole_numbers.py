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
