"""Numbers on the wire (spec 01) at the service's entrances: API bodies, gateway
notifications and the console's configuration forms take one plain decimal form and
refuse every other naming the field, refuse a JSON key given twice, and take "10" and
"10.00" as the same request. Nothing changes when they refuse. On SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
import json
import pkgutil

import httpx
from fastapi import APIRouter

from tests.numbers import BAD_NUMBERS, BAD_TEXTS, NOT_A_DECIMAL, NOT_A_STRING, bad_values
from tests.numbers import with_value as body_with
from tests.service.conftest import Api, Clock
from tests.service.test_console_pages import checked, sign_in
from tests.service.test_payments import an_order, gateway
from zengzhi.api import routes
from zengzhi.api.routing import StrictJSONRoute
from zengzhi.core.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature


def post_raw(api: Api, path: str, raw: str, method: str = "POST") -> httpx.Response:
    """A body as written, not as json.dumps would write it (1e3, a key twice)."""
    headers = {"Authorization": f"Bearer {api.token}", "Content-Type": "application/json"}
    return api.client.request(method, path, content=raw.encode(), headers=headers)


def refused(response: httpx.Response, field: str, message: str) -> None:
    assert response.status_code == 422, response.text
    error = response.json()
    assert (error["code"], error["field"]) == ("invalid", field), error
    assert message in error["message"], error


ORDER = {"id": "o1", "member": "m1", "amount": "10.00", "contribution": "1.00"}


def test_every_bad_amount_in_a_new_order_is_refused_and_creates_nothing(api: Api) -> None:
    api.pool()
    api.member("m1")
    for field in ("amount", "contribution"):
        for value, message in bad_values():
            refused(post_raw(api, "/v1/orders", body_with(ORDER, field, value)), field, message)
    nested = {"id": "o1", "member": "m1", "lines": [{"amount": "10.00", "contribution": "1e3"}]}
    refused(api.post("/v1/orders", nested), "lines.0.contribution", NOT_A_DECIMAL)
    assert api.ok(api.get("/v1/orders")) == []


def test_every_bad_ratio_in_a_pool_configure_is_refused_and_changes_nothing(api: Api) -> None:
    before = api.pool(exit_multiple="2")["params"]
    values = [(json.dumps(text), NOT_A_DECIMAL) for text in BAD_TEXTS]
    values += [(number, NOT_A_STRING) for number in BAD_NUMBERS]
    for value, message in values:
        raw = body_with({"exit_multiple": "3"}, "exit_multiple", value)
        refused(post_raw(api, "/v1/pools/main", raw, "PATCH"), "exit_multiple", message)
        opened = body_with({"id": "p2", "mint_ratio": "0.5"}, "mint_ratio", value)
        refused(post_raw(api, "/v1/pools", opened), "mint_ratio", message)
    assert api.ok(api.get("/v1/pools/main"))["params"] == before
    assert [pool["id"] for pool in api.ok(api.get("/v1/pools"))] == ["main"]


def test_a_key_twice_in_a_body_is_refused_naming_it(api: Api) -> None:
    api.pool()
    api.member("m1")
    twice = '{"id": "o1", "member": "m1", "amount": "10.00", "contribution": "1.00", '
    refused(post_raw(api, "/v1/orders", twice + '"contribution": "9.00"}'), "contribution", "twice")
    nested = '{"id": "o1", "member": "m1", "lines": [{"amount": "1", "amount": "2"}]}'
    refused(post_raw(api, "/v1/orders", nested), "amount", "is given twice in one object")
    patch = '{"exit_multiple": "3", "exit_multiple": "100"}'
    refused(post_raw(api, "/v1/pools/main", patch, "PATCH"), "exit_multiple", "twice")
    assert api.ok(api.get("/v1/orders")) == []
    assert api.ok(api.get("/v1/pools/main"))["params"]["exit_multiple"] is None
    # what is not JSON is still said to be so
    refused(post_raw(api, "/v1/orders", '{"id": '), "body", "is not valid JSON")


def test_the_same_numbers_written_otherwise_are_the_same_request(api: Api) -> None:
    api.pool()
    api.member("m1")
    first = api.post("/v1/orders", {**ORDER, "amount": "10", "contribution": "1"})
    assert first.status_code == 201, first.text
    again = api.post("/v1/orders", {**ORDER, "amount": "10.00", "contribution": "1.0"})
    assert again.status_code == 200 and again.json() == first.json()
    other = api.post("/v1/orders", {**ORDER, "amount": "10.01"})
    assert other.status_code == 409 and other.json()["field"] == "id"
    api.ok(api.post("/v1/orders/o1/pay"))
    api.ok(api.post("/v1/orders/o1/complete"))
    subsidy = api.ok(api.post("/v1/pools/main/subsidies", {"id": "x1", "amount": "5"}))
    assert api.ok(api.post("/v1/pools/main/subsidies", {"id": "x1", "amount": "5.00"})) == subsidy
    assert api.ok(api.get("/v1/pools/main"))["balance"] == "6.00"  # 1.00 + 5.00, once


def signed(api: Api, secret: str, clock: Clock, raw: str) -> httpx.Response:
    stamp = int(clock.now.timestamp())
    return api.client.post(
        f"/v1/gateway/{api.tenant}/notifications",
        content=raw.encode(),
        headers={
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: str(stamp),
            SIGNATURE_HEADER: signature(secret, stamp, raw.encode()),
        },
    )


def test_every_bad_amount_in_a_gateway_notification_is_refused_and_kept(
    api: Api, clock: Clock
) -> None:
    secret = gateway(api)
    an_order(api)
    paid = {"id": "n1", "type": "payment.succeeded", "order": "A1", "amount": "1000.00"}
    values = [*bad_values(), ("1000", NOT_A_STRING)]  # the order's amount, as a JSON number
    for n, (value, message) in enumerate(values):
        raw = body_with({**paid, "id": f"n{n}"}, "amount", value)
        refused(signed(api, secret, clock, raw), "amount", message)
    twice = json.dumps(paid)[:-1] + ', "amount": "1.00"}'
    refused(signed(api, secret, clock, twice), "amount", "is given twice in one object")
    assert api.ok(api.get("/v1/orders/A1"))["status"] == "created"
    kept = api.ok(api.get("/v1/payments/refusals"))
    assert [one["reason"] for one in kept] == ["invalid"] * (len(values) + 1)
    assert signed(api, secret, clock, json.dumps(paid)).status_code == 200


def test_the_consoles_zone_form_reads_numbers_as_configuration_files_do(api: Api) -> None:
    api.pool()
    csrf = sign_in(api.client, api.tenant)
    form = {"csrf": csrf, "id": "z", "completion_delay_days": "0", "action": "check"}
    for value, message in [
        # a form's empty field is required (console forms say so), the rest not decimals
        *[(json.dumps(text), NOT_A_DECIMAL if text else "is required") for text in BAD_TEXTS],
        ("1", NOT_A_STRING),
        ("1e3", NOT_A_DECIMAL),
        ("+0.5", NOT_A_DECIMAL),
    ]:
        page = api.client.post(
            "/console/config/zones", data={**form, "modes": f"[union]\nfunding = {value}\n"}
        )
        assert page.status_code == 422 and 'id="e-modes"' in page.text, (value, page.text)
        assert "union.funding: " in page.text and message.replace('"', "&#34;") in page.text
    twice = api.client.post(
        "/console/config/zones", data={**form, "modes": "[union]\nfunding = 0.5\nfunding = 1\n"}
    )
    assert twice.status_code == 422 and "is not TOML" in twice.text  # TOML refuses it too
    assert api.ok(api.get("/v1/zones")) == []
    # a bare decimal is its text, as in a configuration file
    modes = "[union]\nfunding = 0.5\nlock_days = 15\n"
    saved = api.client.post(
        "/console/config/zones",
        data=checked(api.client, "/console/config/zones", {**form, "modes": modes}),
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    assert api.ok(api.get("/v1/zones/z"))["modes"]["union"]["funding"] == "0.5"


def test_every_api_router_reads_bodies_strictly() -> None:
    """A router made without `route_class=StrictJSONRoute` would read bodies with
    json.loads again, where a key given twice keeps its last value."""
    routers = {
        f"{info.name}.{name}": value
        for info in pkgutil.iter_modules(routes.__path__)
        for name, value in vars(importlib.import_module(f"{routes.__name__}.{info.name}")).items()
        if isinstance(value, APIRouter)
    }
    assert len(routers) == 15  # every module of api/routes, the payees' included
    loose = [name for name, router in routers.items() if router.route_class is not StrictJSONRoute]
    assert loose == []


def test_a_number_of_ten_thousand_digits_is_refused_naming_its_field(api: Api) -> None:
    """json.loads cannot read an integer of more than 4,300 digits (ValueError): the
    whole body was refused as unreadable, naming `body`, where 1e400 names its field."""
    api.pool()
    api.member("m1")
    huge = "9" * 10_000
    for value in (huge, "-" + huge):
        shown = f"not the number {value[:40]}…"  # not ten thousand digits sent back
        amount = post_raw(api, "/v1/orders", body_with(ORDER, "amount", value))
        refused(amount, "amount", shown)
        assert len(amount.text) < 200, amount.text
        product = {"id": "o1", "member": "m1", "product": "p", "quantity": 1}
        quantity = post_raw(api, "/v1/orders", body_with(product, "quantity", value))
        refused(quantity, "quantity", "whole number")
        assert len(quantity.text) < 200, quantity.text
        withdrawal = body_with({"id": "w1", "amount": "1.00"}, "amount", value)
        refused(post_raw(api, "/v1/members/m1/withdrawals", withdrawal), "amount", shown)
    assert api.ok(api.get("/v1/orders")) == []


def test_a_signed_zero_is_kept_and_shown_as_zero(api: Api) -> None:
    """ "-0.00" is zero, and a field that must not be negative took it; it was kept and
    shown back as written ("fee_fixed": "-0.00", a store's rate "-0")."""
    settings = api.ok(api.get("/v1/tenant"))["settings"]
    withdrawals = {**settings["withdrawals"], "fee_fixed": "-0.00", "fee_rate": "-0"}
    saved = api.ok(api.put("/v1/tenant/settings", {**settings, "withdrawals": withdrawals}))
    assert (
        saved["settings"]["withdrawals"]["fee_fixed"],
        saved["settings"]["withdrawals"]["fee_rate"],
    ) == ("0.00", "0")
    store = api.ok(api.put("/v1/stores/s1", {"commission_rate": "0.10", "platform_rate": "-0"}))
    assert store["platform_rate"] == "0", store
    api.pool()
    api.member("m1")
    order = {"id": "o1", "member": "m1", "amount": "10.00", "contribution": "-0.00"}
    assert api.ok(api.post("/v1/orders", order))["lines"][0]["contribution"] == "0.00"
