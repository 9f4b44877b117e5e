"""Hostile values sent to the API as an outside fuzzer would (notes/attack-fuzz): each
refusal names the field the caller sent, never an id or the whole body, and leaves
nothing behind. On SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import json
import zlib
from typing import Any

from sqlalchemy import update

from tests.service.conftest import SECRET, Api, Clock
from tests.service.fake_gateways import FakeWechat
from zengzhi.service.base import Context
from zengzhi.store import tables as t
from zengzhi.store.tenants import store_settings, tenant_settings


def test_a_split_that_does_not_add_up_names_a_field_not_the_products_id(api: Api) -> None:
    """A product whose parts do not add up to its price was refused with `field` set to
    the product's id ("gift"), or to the last part of an id with a dot in it."""
    api.pool()
    product = {"price": "10.00", "cost": "1.00", "contribution": "1.00", "pool": "main"}
    for key in ("gift", "a.b"):
        refused = api.put(f"/v1/products/{key}", product)
        assert refused.status_code == 422, refused.text
        assert refused.json()["field"] == "price", refused.json()
        assert "not the price 10.00" in refused.json()["message"]
        shares = api.put(f"/v1/products/{key}", {**product, "cost": "50%", "contribution": "20%"})
        assert (shares.status_code, shares.json()["field"]) == (422, "price"), shares.json()
        # an amount among shares is named at itself, the part out of form (it was named
        # `price`, as a sum that does not add up is)
        mixed = api.put(f"/v1/products/{key}", {**product, "cost": "90%"})
        assert (mixed.status_code, mixed.json()["field"]) == (422, "contribution"), mixed.json()
        # a share that takes the commission past its rate is named at itself
        store = {"commission_rate": "0.1", "platform_rate": "0.1", "distribution_rate": "0.1"}
        over = api.put(f"/v1/stores/{key}", store)
        assert (over.status_code, over.json()["field"]) == (422, "distribution_rate"), over.json()
        alone = api.put(f"/v1/stores/{key}", {**store, "platform_rate": "0.2"})
        assert (alone.status_code, alone.json()["field"]) == (422, "platform_rate"), alone.json()
        assert api.get(f"/v1/products/{key}").status_code == 404
        assert api.get(f"/v1/stores/{key}").status_code == 404


def test_a_json_body_sent_as_another_type_is_refused_saying_so(api: Api) -> None:
    """A JSON object sent as text/plain, a form or with no Content-Type was refused with
    "must be a table of names and values", which it is: the integrator was not told that
    the type was what was wrong."""
    api.pool()
    api.member("m1")
    body = b'{"id": "o1", "member": "m1", "amount": "10.00", "contribution": "1.00"}'
    for kind in ("text/plain", "application/x-www-form-urlencoded", "application/xml", None):
        headers = {"Authorization": f"Bearer {api.token}"}
        if kind is not None:
            headers["Content-Type"] = kind
        refused = api.client.post("/v1/orders", content=body, headers=headers)
        assert refused.status_code == 422, (kind, refused.text)
        error = refused.json()
        assert (error["code"], error["field"]) == ("invalid", "body"), (kind, error)
        assert "Content-Type: application/json" in error["message"], (kind, error)
    assert api.ok(api.get("/v1/orders")) == []
    for kind in ("application/json; charset=utf-8", "application/merge-patch+json"):
        headers = {"Authorization": f"Bearer {api.token}", "Content-Type": kind}
        assert api.client.post("/v1/orders", content=body, headers=headers).status_code in (
            200,
            201,
        ), kind


def test_a_method_a_path_does_not_take_is_answered_with_every_method_it_does(api: Api) -> None:
    """405's Allow header named the methods of the first route of the path only
    (`DELETE /v1/orders`: "Allow: POST", where GET /v1/orders lists them), and its code
    was "http_error", which the error table does not list."""
    headers = {"Authorization": f"Bearer {api.token}"}
    for method, path, allowed in [
        ("DELETE", "/v1/orders", {"GET", "HEAD", "POST"}),  # HEAD: GET's, body left out
        ("PUT", "/v1/pools", {"GET", "HEAD", "POST"}),
        ("DELETE", "/v1/tenant/settings", {"PUT"}),
        ("GET", "/v1/orders/o1/pay", {"POST"}),
        ("POST", "/v1/zones/z", {"GET", "HEAD", "PUT"}),
    ]:
        answer = api.client.request(method, path, headers=headers)
        assert answer.status_code == 405, (method, path, answer.text)
        assert set(answer.headers["allow"].split(", ")) == allowed, (path, answer.headers)
        assert answer.json()["code"] == "not_allowed", answer.json()
        assert answer.json()["field"] is None


def test_a_moment_written_as_a_number_is_refused_naming_the_field(api: Api) -> None:
    """pydantic read a number, or a string of digits, as Unix seconds, or as milliseconds
    when large (1733000000 and 1733000000000 were the same start), where a time must
    give its offset (`"2026-01-01T00:00:00"` is refused): one written form only."""
    api.pool()
    for value in (0, 1733000000, 1733000000000, "1733000000", "0.5", 1.5, "-1"):
        zone = api.put("/v1/zones/z", {"starts_at": value})
        assert (zone.status_code, zone.json()["field"]) == (422, "starts_at"), (value, zone.text)
        campaign = {"boost": "2", "starts": value, "ends": "2027-01-01T00:00:00+08:00"}
        mode = api.put("/v1/zones/z", {"modes": {"campaign": campaign}})
        assert (mode.status_code, mode.json()["field"]) == (422, "modes.campaign.starts"), (
            value,
            mode.text,
        )
        since = api.get("/v1/activity", since=str(value))
        assert (since.status_code, since.json()["field"]) == (422, "since"), (value, since.text)
        chart = api.get("/v1/pools/main/chart", start=str(value))
        assert (chart.status_code, chart.json()["field"]) == (422, "start"), (value, chart.text)
    assert api.get("/v1/zones/z").status_code == 404
    zone = api.ok(api.put("/v1/zones/z", {"starts_at": "2026-01-01T00:00:00+08:00"}))
    assert zone["starts_at"] == "2025-12-31T16:00:00Z"
    assert api.get("/v1/activity", since="2026-01-01T00:00:00Z").status_code == 200


def test_a_status_filter_no_list_can_hold_is_refused_naming_it(api: Api) -> None:
    """`GET /v1/orders?status=complete` (for "completed") answered an empty list, as if
    no order had completed; a status the list cannot hold is refused naming `status`."""
    api.pool()
    api.member("m1")
    order = {"id": "o1", "member": "m1", "amount": "10.00", "contribution": "1.00"}
    api.ok(api.post("/v1/orders", order))
    hook = api.ok(api.post("/v1/webhooks", {"url": "https://shop.example/h", "event_types": ["*"]}))
    for path, wrong in [
        ("/v1/orders", "complete"),
        ("/v1/withdrawals", "pending"),
        (f"/v1/webhooks/{hook['id']}/deliveries", "paid"),
    ]:
        refused = api.get(path, status=wrong)
        assert refused.status_code == 422, (path, refused.text)
        assert refused.json()["field"] == "status", refused.text
        assert "must be one of" in refused.json()["message"]
    assert [order["id"] for order in api.ok(api.get("/v1/orders", status="created"))] == ["o1"]
    assert api.ok(api.get("/v1/withdrawals", status="held")) == []
    assert api.ok(api.get(f"/v1/webhooks/{hook['id']}/deliveries", status="pending")) == []


def test_a_compressed_body_is_refused_saying_so_and_creates_nothing(api: Api) -> None:
    """`Content-Encoding` was not looked at: a gzip body was refused as "is not JSON
    this service can read", and a plain body sent as gzip, deflate or br was taken as
    if it had not been compressed (a proxy or client that did compress it would then
    be told its JSON was unreadable). A body is taken uncompressed only, and an encoding
    is refused naming the body and what to send instead."""
    api.pool()
    api.member("m1")
    order = {"id": "o1", "member": "m1", "amount": "10.00", "contribution": "1.00"}
    plain = json.dumps(order).encode()
    for encoding, body in [
        ("gzip", gzip.compress(plain)),
        ("gzip", plain),
        ("deflate", zlib.compress(plain)),
        ("br", plain),
        ("GZIP, identity", gzip.compress(plain)),
    ]:
        headers = {
            "Authorization": f"Bearer {api.token}",
            "Content-Type": "application/json",
            "Content-Encoding": encoding,
        }
        refused = api.client.post("/v1/orders", content=body, headers=headers)
        assert refused.status_code == 422, (encoding, refused.text)
        error = refused.json()
        assert (error["code"], error["field"]) == ("invalid", "body"), (encoding, error)
        assert "Content-Encoding" in error["message"], (encoding, error)
    chinese = api.client.post(
        "/v1/orders",
        content=gzip.compress(plain),
        headers={**headers, "Content-Encoding": "gzip", "Accept-Language": "zh-CN"},
    )
    assert "必须以未压缩形式发送" in chinese.json()["message"], chinese.text
    assert api.ok(api.get("/v1/orders")) == []
    headers = {**headers, "Content-Encoding": "identity"}
    assert api.client.post("/v1/orders", content=plain, headers=headers).status_code == 201


def test_a_body_not_in_utf8_is_refused_saying_so_and_creates_nothing(api: Api) -> None:
    """JSON between systems is UTF-8 (RFC 8259). json.loads reads UTF-16 and UTF-32 as
    well, and a byte-order mark: such an order was taken, where a proxy or a log that
    reads UTF-8 saw something else. Bytes that are not UTF-8 at all were "not JSON this
    service can read". Each is refused naming the body and what to send."""
    api.pool()
    api.member("m1")
    order = json.dumps({"id": "o1", "member": "m1", "amount": "10.00", "contribution": "1.00"})
    headers = {"Authorization": f"Bearer {api.token}", "Content-Type": "application/json"}
    for sent in [
        order.encode("utf-16"),
        order.encode("utf-32"),
        order.encode("utf-8-sig"),
        order.replace("m1", "mé").encode("latin-1"),
        order.encode().replace(b"m1", b"m\xff"),
    ]:
        refused = api.client.post("/v1/orders", content=sent, headers=headers)
        assert refused.status_code == 422, (sent, refused.text)
        error = refused.json()
        assert (error["code"], error["field"]) == ("invalid", "body"), (sent, error)
        assert error["message"] == "must be UTF-8, without a byte-order mark", (sent, error)
    chinese = api.client.post(
        "/v1/orders", content=order.encode("utf-16"), headers={**headers, "Accept-Language": "zh"}
    )
    assert "须为 UTF-8 编码" in chinese.json()["message"], chinese.text
    assert api.ok(api.get("/v1/orders")) == []
    assert api.client.post("/v1/orders", content=order.encode(), headers=headers).status_code == 201


# a name people read holding what reorders or hides what is shown: the bidirectional
# controls, a zero-width space, an invisible tag, a line break
HIDDEN = {
    **{f"U+{code:04X}": chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
    **{f"U+{code:04X}": chr(code) for code in (0x200E, 0x200F, 0x061C, 0x200B, 0xFEFF)},
    "U+E0041": "\U000e0041",
    "U+000A": "\n",
    "U+0009": "\t",
}


def test_a_name_people_read_holds_no_bidi_control_or_invisible_character(
    api: Api, context: Context
) -> None:
    """An API key's name, a member's name and region, a product's and a store's names,
    a store's region and settlement account, what members call a pool, a tenant's name
    took any text without a NUL: U+202E before "gnp.exe" reads "exe.png" on the console
    (the key that looks like another), a zero-width space makes two names that read
    alike. Each is refused (422, naming the field; in Chinese too) and nothing is
    saved. A name kept before this rule is still read (it is refused only when sent
    again)."""
    api.pool()
    api.ok(api.put("/v1/stores/s1", {"name": "Noodles", "commission_rate": "0.1"}))
    api.member("m1", name="Li")
    product = {"price": "10.00", "cost": "9.00", "contribution": "1.00"}
    store = {"commission_rate": "0.1"}
    admin = {"X-Admin-Token": SECRET.get_secret_value()}
    for shown, character in HIDDEN.items():
        bad = f"shop{character}gnp.exe"
        message = f"must not contain control or invisible format characters (found {shown})"
        for response, field in [
            (api.post("/v1/api-keys", {"name": bad}), "name"),
            (api.post("/v1/members", {"id": "m2", "name": bad}), "name"),
            (api.post("/v1/members", {"id": "m2", "region": bad}), "region"),
            (api.patch("/v1/members/m1", {"name": bad}), "name"),
            (api.put("/v1/products/p1", {**product, "name": bad}), "name"),
            (api.put("/v1/stores/s1", {**store, "name": bad}), "name"),
            (api.put("/v1/stores/s1", {**store, "region": bad}), "region"),
            (api.put("/v1/stores/s1", {**store, "settlement_account": bad}), "settlement_account"),
            (
                api.put("/v1/tenant/settings", {"member_page": {"pool_names": {"main": bad}}}),
                "member_page.pool_names.main",
            ),
            (
                api.client.post(
                    "/v1/tenants",
                    json={"id": "t-bad", "name": bad, "owner": "o", "password": "x" * 12},
                    headers=admin,
                ),
                "name",
            ),
        ]:
            assert response.status_code == 422, (shown, field, response.text)
            assert response.json()["field"] == field, (shown, response.json())
            assert response.json()["message"] == message, (shown, response.json())
    in_chinese = api.client.post(
        "/v1/api-keys",
        json={"name": "shop\u202egnp.exe"},
        headers={"Authorization": f"Bearer {api.token}", "Accept-Language": "zh"},
    )
    assert in_chinese.json()["message"] == "不能包含控制字符或不可见的格式字符（发现 U+202E）"
    assert api.ok(api.get("/v1/api-keys")) == []
    assert [one["id"] for one in api.ok(api.get("/v1/members"))] == ["m1"]
    assert api.ok(api.get("/v1/members/m1"))["name"] == "Li"
    assert api.get("/v1/products/p1").status_code == 404
    assert api.ok(api.get("/v1/stores/s1"))["name"] == "Noodles"
    assert api.ok(api.get("/v1/tenant"))["settings"]["member_page"]["pool_names"] == {}
    # names written before the rule (here by hand, in the database) are read as kept
    legacy = "Noodles\u202e"
    with context.database.write() as connection:
        connection.execute(
            update(t.stores)
            .where(t.stores.c.tenant_id == api.tenant, t.stores.c.store_id == "s1")
            .values(name=legacy)
        )
        settings = dict(tenant_settings(connection, api.tenant) or {})
        settings["member_page"] = {
            **settings.get("member_page", {}),
            "pool_names": {"main": legacy},
        }
        store_settings(connection, api.tenant, settings)
    assert api.ok(api.get("/v1/stores/s1"))["name"] == legacy
    assert api.ok(api.get("/v1/tenant"))["settings"]["member_page"]["pool_names"] == {
        "main": legacy
    }
    assert api.ok(api.put("/v1/stores/s1", {**store, "name": "Noodles"}))["name"] == "Noodles"


HIDDEN = {"U+0000": "\x00", "U+202E": "\u202e", "U+200B": "\u200b"}


def test_addresses_ids_and_accounts_refuse_hidden_characters(api: Api, clock: Clock) -> None:
    """What the fuzzer sent on 2026-12-07: a member page's referral link, a payee's
    account, the WeChat Pay and Alipay settings and the addresses the service sends to,
    each with a NUL, a right-to-left override or a zero-width space. The link's NUL
    answered 500 on PostgreSQL and the others were kept (the account shown masked with
    them, a webhook's address kept without its NUL); each is refused naming its field,
    and nothing is kept."""
    api.pool()
    api.member("m1")
    fake = FakeWechat(clock)
    before = (
        api.ok(api.get("/v1/tenant")),
        api.ok(api.get("/v1/payments/adapter")),
        api.ok(api.get("/v1/webhooks")),
    )
    payee = {"method": "alipay", "real_name": "张三丰"}
    for shown, character in HIDDEN.items():
        link = {"member_page": {"referral_link": f"https://shop.example/j?r={{member}}{character}"}}
        sent: list[tuple[str, str, dict[str, Any], str]] = [
            ("PUT", "/v1/tenant/settings", link, "member_page.referral_link"),
            ("PUT", "/v1/members/m1/payee", payee | {"account": f"ab{character}cd"}, "account"),
            ("POST", "/v1/webhooks", {"url": f"https://example.com/hook{character}"}, "url"),
            (
                "PUT",
                "/v1/payments/adapter",
                {"adapter": "webhook", "payout_url": f"https://pay.example/{character}"},
                "payout_url",
            ),
        ]
        for name in ("appid", "apiv3_key", "public_key_id", "notify_url", "api_url"):
            value = {
                "appid": f"wx88{character}88888888888",
                "apiv3_key": f"{character}" + "k" * 31,
                "public_key_id": f"PUB_KEY_ID_{character}1",
                "notify_url": f"https://zengzhi.example/n{character}",
                "api_url": f"https://api.mch.weixin.qq.com{character}",
            }[name]
            body = {"adapter": "wechat", "wechat": fake.config(**{name: value})}
            sent.append(("PUT", "/v1/payments/adapter", body, f"wechat.{name}"))
        for method, path, body, field in sent:
            refused = api.client.request(
                method, path, json=body, headers={"Authorization": f"Bearer {api.token}"}
            )
            assert refused.status_code == 422, (shown, path, refused.text)
            assert refused.json()["field"] == field, (shown, refused.json())
    spaced = api.post("/v1/webhooks", {"url": " https://example.com/hook"})
    assert (spaced.status_code, spaced.json()["field"]) == (422, "url"), spaced.text
    assert api.get("/v1/members/m1/payee").status_code == 404
    assert (
        api.ok(api.get("/v1/tenant")),
        api.ok(api.get("/v1/payments/adapter")),
        api.ok(api.get("/v1/webhooks")),
    ) == before


def test_a_quantity_beside_an_amount_is_refused_naming_it(api: Api) -> None:
    """`quantity` counts a product. Beside an amount it was taken and left unused: 9.99
    with a quantity of 100 booked 9.99 (the fuzzer's find, 2026-12-07). Refused naming
    it, at the top and in a line; nothing is booked. A product's quantity still counts."""
    api.pool()
    api.member("m1")
    api.ok(api.put("/v1/products/gift", {"price": "10.00", "cost": "7.00", "contribution": "3.00"}))
    line = {"amount": "9.99", "contribution": "1.00"}
    for body, field in [
        ({"id": "o1", "member": "m1", **line, "quantity": 100}, "quantity"),
        ({"id": "o1", "member": "m1", "lines": [{"product": "gift"}, line | {"quantity": 2}]},
         "lines.1.quantity"),
    ]:  # fmt: skip
        refused = api.post("/v1/orders", body)
        assert (refused.status_code, refused.json()["field"]) == (422, field), refused.text
    assert api.ok(api.get("/v1/orders")) == []
    made = api.ok(
        api.post("/v1/orders", {"id": "o2", "member": "m1", "product": "gift", "quantity": 3})
    )
    assert made["amount"] == "30.00"
    one = api.ok(api.post("/v1/orders", {"id": "o3", "member": "m1", **line, "quantity": 1}))
    assert one["amount"] == "9.99"


def test_a_user_s_name_begins_with_a_letter_or_a_digit(api: Api) -> None:
    """A user's name is a part of the console's addresses: one named ".." made its
    row's forms post to /console/role, and it could not be managed there (the fuzzer's
    find, 2026-12-07). Refused naming it; a dot inside a name is taken."""
    password = "a long enough password"
    for name in ("..", ".x", "-x", "@x", "_x"):
        refused = api.post("/v1/users", {"username": name, "password": password, "role": "viewer"})
        assert (refused.status_code, refused.json()["field"]) == (422, "username"), refused.text
    api.ok(api.post("/v1/users", {"username": "ann.li", "password": password, "role": "viewer"}))
    assert [user["username"] for user in api.ok(api.get("/v1/users"))] == ["ann.li", "owner"]


def test_a_promise_past_what_the_books_hold_is_refused_at_the_amount(api: Api) -> None:
    """Zone settings the API takes one by one (ad points at 1,000 a yuan), on an order of
    the largest amount, promised more than a balance column holds (2^63 − 1 units): a
    500 at the database (bigint out of range on PostgreSQL, an int too large for SQLite),
    and the zone's later orders too once a balance neared it. Refused at the order's
    `amount`, as what the books cannot hold, changing nothing; orders that fit go on."""
    api.pool()
    api.ok(api.put("/v1/zones/big", {"modes": {"ads": {"ratio": "1000", "funding": "0.1"}}}))
    api.member("m1")
    huge = {"member": "m1", "zone": "big", "amount": "999999999999", "pay": True}
    huge["split"] = {"platform": "999999999999"}
    refused = api.post("/v1/orders", {"id": "o1", **huge})
    assert refused.status_code == 422, refused.text
    assert refused.json()["field"] == "amount", refused.json()
    assert api.get("/v1/orders/o1").status_code == 404
    fits = {**huge, "amount": "100.00", "split": {"platform": "100.00"}}
    assert api.post("/v1/orders", {"id": "o2", **fits}).status_code == 201
    assert api.ok(api.get("/v1/ledger/check"))["differences"] == []
