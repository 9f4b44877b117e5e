"""An independent check of the companion modes through the HTTP service: hostile values
in every mode's settings and events are refused naming the field and change nothing,
the same request twice applies once, and reversals through the API undo what the
orders did (spec 03)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.service.conftest import Api, Clock
from tests.service.test_modes import (
    buy,
    clean,
    product,
    shopping_points_given,
    solvency,
    wallet,
    zone,
)
from zengzhi.service.base import Context
from zengzhi.service.jobs import tick

MODES = ("refer_three", "ads", "quota", "green", "union", "three_for_one", "shopping")

# Hostile spellings of a number: each must be refused (422) naming its field.
HOSTILE = ["1e3", "１０００", "NaN", "Infinity", "-1", "0x10", "", " 1", "1,000", 1000, 1.5, True]
# ratio fields of each mode (a share or a multiple)
RATIOS = {
    "refer_three": "funding",
    "ads": "ratio",
    "quota": "multiple",
    "green": "daily",
    "union": "credit",
    "three_for_one": "rate",
    "shopping": "gift",
}


def zones_of(api: Api) -> Any:
    return api.ok(api.get("/v1/zones"))


@pytest.mark.parametrize("mode", MODES)
def test_hostile_numbers_in_a_modes_settings_are_refused_naming_the_field(
    api: Api, mode: str
) -> None:
    zone(api, "z", {mode: {}})
    before = zones_of(api)
    field = RATIOS[mode]
    for value in HOSTILE:  # one tenant for all: each refusal changes nothing
        bad = api.put("/v1/zones/z", {"modes": {mode: {field: value}}})
        assert bad.status_code == 422, (value, bad.text)
        assert bad.json()["field"].startswith(f"modes.{mode}.{field}"), (value, bad.text)
        assert zones_of(api) == before, value


@pytest.mark.parametrize(
    ("mode", "settings", "field"),
    [
        ("refer_three", {"schedule": []}, "schedule"),
        ("refer_three", {"schedule": ["-0.1"]}, "schedule"),
        ("refer_three", {"rounds": 0}, "rounds"),
        ("refer_three", {"release_days": -1}, "release_days"),
        ("refer_three", {"base": "referee"}, "base"),
        ("ads", {"percent": "-0.01"}, "percent"),
        ("ads", {"rule": "tiers", "tiers": []}, "tiers"),
        ("ads", {"rule": "tiers", "tiers": [{"up_to": "10", "release": "1"}]}, "tiers"),
        ("ads", {"tiers": [{"release": "-2"}], "rule": "tiers"}, "tiers"),
        ("quota", {"spend_per_share": "0"}, "spend_per_share"),
        ("quota", {"spend_per_share": "-0"}, "spend_per_share"),
        ("quota", {"max_shares": "-1"}, "max_shares"),
        ("green", {"daily": "0"}, "daily"),
        ("green", {"daily": "1.5"}, "daily"),
        ("union", {"lock_days": 1.5}, "lock_days"),
        ("three_for_one", {"threshold": "0"}, "threshold"),
        ("three_for_one", {"threshold": "0.001"}, "threshold"),
        ("three_for_one", {"every": 0}, "every"),
        ("three_for_one", {"threshold": "1" + "0" * 40}, "threshold"),
        ("shopping", {"max_share": "1.01"}, "max_share"),
        ("refer_three", {"funding": "1.01"}, "funding"),
        ("refer_three", {"surprise": "1"}, "surprise"),
        ("refer_three", {"ends": "2026-01-01T00:00:00"}, "ends"),  # no time zone
    ],
)
def test_bad_mode_settings_are_refused_naming_the_field(
    api: Api, mode: str, settings: dict[str, Any], field: str
) -> None:
    before = zones_of(api)
    bad = api.put("/v1/zones/z", {"modes": {mode: settings}})
    assert bad.status_code == 422, bad.text
    assert bad.json()["field"].startswith(f"modes.{mode}.{field}"), bad.text
    assert zones_of(api) == before


def test_an_unknown_mode_or_zone_field_is_refused(api: Api) -> None:
    for body, field in (
        ({"modes": {"pyramid": {}}}, "modes.pyramid"),
        ({"modes": {}, "colour": "red"}, "colour"),
    ):
        bad = api.put("/v1/zones/z", body)
        assert bad.status_code == 422, bad.text
        assert bad.json()["field"].startswith(field), bad.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"day": "2026-11-21"}, "zone"),
        ({"zone": "ads"}, "day"),
        ({"zone": "ads", "day": "21/11/2026"}, "day"),
        ({"zone": "ads", "day": "2026-11-21", "extra": 1}, "extra"),
        ({"zone": "nowhere", "day": "2026-11-21"}, "zone"),
    ],
)
def test_a_bad_task_is_refused_and_releases_nothing(
    api: Api, context: Context, body: dict[str, Any], field: str
) -> None:
    zone(api, "ads", {"ads": {"ratio": "1", "backed": True}})
    product(api, "p", "1000.00", "ads")
    api.member("b")
    buy(api, "o1", "b", "p")
    bad = api.post("/v1/members/b/tasks", body)
    assert bad.status_code in (404, 409, 422), bad.text
    assert bad.json()["field"] == field, bad.text
    assert wallet(api, "b") == "0.00"
    # and the day's task still releases, once
    api.ok(api.post("/v1/members/b/tasks", {"zone": "ads", "day": "2026-11-21"}))
    assert wallet(api, "b") == "10.00"
    clean(api, context)


@pytest.mark.parametrize(
    ("amount", "field"),
    [("-5", "amount"), ("0", "amount"), ("-0", "amount"), ("0.001", "amount"), ("1e3", "amount")],
)
def test_bad_income_is_refused_and_the_reserve_unchanged(
    api: Api, context: Context, amount: str, field: str
) -> None:
    zone(api, "ads", {"ads": {"ratio": "1"}})
    body = {"id": "i1", "mode": "ads", "amount": amount, "source": "advertiser"}
    bad = api.post("/v1/zones/ads/income", body)
    assert bad.status_code == 422, bad.text
    assert bad.json()["field"] == field, bad.text
    assert solvency(api)[("ads", "ads")]["reserve"] == "0.00"
    clean(api, context)


def test_the_same_income_twice_is_booked_once_and_a_changed_one_refused(
    api: Api, context: Context
) -> None:
    zone(api, "ads", {"ads": {"ratio": "1"}})
    zone(api, "other", {"ads": {"ratio": "1"}})
    body = {"id": "i1", "mode": "ads", "amount": "100.00", "source": "advertiser"}
    first = api.ok(api.post("/v1/zones/ads/income", body))
    assert api.ok(api.post("/v1/zones/ads/income", body)) == first
    changed = api.post("/v1/zones/ads/income", body | {"amount": "200.00"})
    assert changed.status_code == 409, changed.text
    elsewhere = api.post("/v1/zones/other/income", body)
    assert elsewhere.status_code == 409, elsewhere.text
    assert solvency(api)[("ads", "ads")]["reserve"] == "100.00"
    assert solvency(api)[("other", "ads")]["reserve"] == "0.00"
    clean(api, context)


def test_shopping_gift_and_spend_reversed_through_the_api_leave_nothing(
    api: Api, context: Context
) -> None:
    """Spec 03: a reversed order undoes everything it caused. A earns 2,000 shopping
    points at store S, spends them on a 4,000 order in the mall, and both orders are
    reversed (the gift first): A holds no points and owes nothing."""
    shopping_points_given(api)
    buy(api, "o2", "A", "tv", shopping_points="2000")
    api.ok(api.post("/v1/orders/o1/reverse"))
    api.ok(api.post("/v1/orders/o2/reverse"))
    assert api.ok(api.post("/v1/orders/o2/reverse"))["status"] == "reversed"  # once
    held = api.ok(api.get("/v1/members/A/modes"))
    assert all(row["owed"] in ("0.00", "0.0000") for row in held), held
    assert wallet(api, "A") == "0.00"
    member = api.ok(api.get("/v1/members/A"))
    assert member.get("debt", "0.00") in ("0.00", None), member
    assert solvency(api)[("*", "shopping")]["owed"] == "0.00"
    clean(api, context)


def test_three_for_one_reopened_then_a_reversal_through_the_api(
    api: Api, context: Context, clock: Clock
) -> None:
    """The queue ends, its reserve pays everyone on the next day's run; the operator
    opens it again and a new qualifier is reversed: nobody else gives anything back."""
    zone(api, "f", {"three_for_one": {"funding": "1", "ends": "2026-11-21T20:00:00+08:00"}})
    product(api, "p", "1000.00", "f")
    for n in range(1, 5):
        api.member(f"q{n}")
        buy(api, f"o{n}", f"q{n}", "p")
    assert [wallet(api, f"q{n}") for n in range(1, 5)] == ["700.00", "0.00", "0.00", "0.00"]
    clock.advance(days=1)
    tick(context, [api.tenant])  # the day's run: the queue has ended, the reserve pays
    assert [wallet(api, f"q{n}") for n in range(1, 5)] == ["700.00"] * 4
    zone(api, "f", {"three_for_one": {"funding": "1"}})
    api.member("q5")
    buy(api, "o5", "q5", "p")
    api.ok(api.post("/v1/orders/o5/reverse"))
    assert [wallet(api, f"q{n}") for n in range(1, 5)] == ["700.00"] * 4
    clean(api, context)


@pytest.mark.parametrize(
    ("modes", "field"),
    [
        ({"union_funding": "2"}, "modes.union_funding"),  # more than the order: never sold
        ({"shopping": "1"}, "modes.shopping"),  # no mode takes a product's own value here
        ({"three_for_one": "1"}, "modes.three_for_one"),
        ({"quota": "3"}, "modes.quota"),
        ({"refer_three": "0.5"}, "modes.refer_three"),
    ],
)
def test_a_products_mode_value_that_would_be_refused_or_ignored_is_refused_when_set(
    api: Api, context: Context, modes: dict[str, str], field: str
) -> None:
    """A product's own mode values are taken by ads, green and the union only, and a
    union pool share is at most 1 (was: accepted here, then every order of the product
    refused naming `lines.modes.union_funding`; or kept and silently ignored)."""
    zone(api, "z", {"union": {}, "three_for_one": {}, "quota": {}, "refer_three": {}})
    bad = api.put(
        "/v1/products/p", {"price": "100.00", "platform": "100.00", "zone": "z", "modes": modes}
    )
    assert bad.status_code == 422, bad.text
    assert bad.json()["field"] == field, bad.text
    assert api.get("/v1/products/p").status_code == 404
    clean(api, context)
