"""Errors in the caller's language: the one shape `{code, message, field}` everywhere,
its message in Chinese when the request's Accept-Language prefers it (zh-CN, zh;q=…),
in English otherwise; `code` and `field` are the same in both. An integrator in China
sends `Accept-Language: zh-CN` and shows `message` to its operators."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.service.conftest import Api

HAN = re.compile(r"[\u4e00-\u9fff]")
ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}


def _both(api: Api, method: str, path: str, **kwargs: Any) -> tuple[httpx.Response, httpx.Response]:
    """The same request in English and in Chinese (a refused request changes nothing)."""
    headers = kwargs.pop("headers", {"Authorization": f"Bearer {api.token}"})
    english = api.client.request(method, path, headers=headers, **kwargs)
    chinese = api.client.request(method, path, headers={**headers, **ZH}, **kwargs)
    return english, chinese


def test_every_kind_of_refusal_speaks_chinese_when_asked(api: Api) -> None:
    api.pool()
    api.member("u1")
    auth = {"Authorization": f"Bearer {api.token}"}
    order = {"id": "A1", "member": "u1", "amount": "10.00", "contribution": "1.00"}
    api.ok(api.post("/v1/orders", order))
    cases = [
        ("GET", "/v1/orders/nope", {}),  # unknown id (DomainError)
        ("POST", "/v1/orders", {"json": {**order, "member": "nobody", "id": "A2"}}),
        ("POST", "/v1/orders", {"json": {**order, "amount": "1e3", "id": "A3"}}),  # a field
        ("POST", "/v1/orders", {"json": {**order, "quantity": "x", "id": "A4"}}),  # pydantic
        ("POST", "/v1/orders", {"json": {**order, "currency": "USD", "id": "A5"}}),
        ("POST", "/v1/orders", {"json": {**order, "amount": "11.00"}}),  # 409 other contents
        ("POST", "/v1/orders/A1/refund", {"json": {"amount": "1.00"}}),  # takes no body
        ("POST", "/v1/orders", {"content": b"{nope", "headers": {**auth, **JSON_TYPE}}),
        (
            "POST",
            "/v1/orders",
            {"content": b'{"id":"a","id":"b"}', "headers": {**auth, **JSON_TYPE}},
        ),
        ("POST", "/v1/members/u1/withdrawals", {"json": {"id": "w1", "amount": "99999.00"}}),
        ("GET", "/v1/orders", {"headers": {}}),  # 401
        ("DELETE", "/v1/orders", {}),  # 405
        ("GET", "/v1/no-such-route", {}),  # 404 of the router
        ("POST", "/v1/orders", {"content": b"[" * (2 << 20), "headers": {**auth, **JSON_TYPE}}),
    ]
    for method, path, kwargs in cases:
        english, chinese = _both(api, method, path, **kwargs)
        assert english.status_code == chinese.status_code >= 400, (path, english.text)
        en, zh = english.json(), chinese.json()
        assert set(zh) == {"code", "message", "field"}, zh
        assert (zh["code"], zh["field"]) == (en["code"], en["field"]), (en, zh)
        assert not HAN.search(en["message"]), en
        assert HAN.search(zh["message"]), (method, path, en["message"], zh["message"])


JSON_TYPE = {"Content-Type": "application/json"}


def test_a_role_refused_and_values_kept_in_chinese(api: Api) -> None:
    api.pool()
    viewer = api.as_role("viewer")
    english, chinese = _both(
        api,
        "POST",
        "/v1/members",
        json={"id": "u9"},
        headers={"Authorization": f"Bearer {viewer}"},
    )
    assert english.status_code == chinese.status_code == 403
    assert chinese.json()["message"] == "只读角色无权管理会员"  # the role in Chinese too
    missing = api.client.get(
        "/v1/members/someone", headers={"Authorization": f"Bearer {api.token}", **ZH}
    )
    assert missing.json()["message"] == "未知会员 “someone”"


def test_english_is_the_default_and_the_choice_of_a_preferring_client(api: Api) -> None:
    for language in (None, "en-US", "fr-FR", "en;q=1, zh;q=0.5"):
        headers = {"Authorization": f"Bearer {api.token}"}
        if language:
            headers["Accept-Language"] = language
        answer = api.client.get("/v1/members/someone", headers=headers).json()
        assert answer["message"] == "unknown member 'someone'", (language, answer)


def test_a_batchs_refused_items_speak_the_callers_language(api: Api) -> None:
    api.pool()
    api.member("u1")
    batch = {
        "pay": True,
        "orders": [
            {"id": "A1", "member": "u1", "amount": "10.00", "contribution": "1.00"},
            {"id": "A2", "member": "ghost", "amount": "10.00", "contribution": "1.00"},
        ],
    }
    english, chinese = _both(api, "POST", "/v1/orders/batch", json=batch)
    assert [i["outcome"] for i in english.json()] == ["created", "refused"]
    assert [i["outcome"] for i in chinese.json()] == ["existing", "refused"]
    assert english.json()[1]["error"]["message"] == "unknown member 'ghost'"
    assert chinese.json()[1]["error"] == {
        "code": "not_found",
        "message": "未知会员 “ghost”",
        "field": "member",
    }


def test_sentences_inside_an_answer_speak_chinese_when_asked(api: Api) -> None:
    """A lint's findings and a back-test's skipped events are sentences an integrator shows
    its operators, as it shows a refusal: in the caller's language, codes and fields the
    same. A proposal with minting stopped makes the recorded sale impossible (nothing to
    sell) and the lint warns about it."""
    api.pool()
    api.member("u1")
    api.completed_order("o1", "u1")
    api.ok(api.post("/v1/members/u1/sell", {"id": "s1", "points": "1.0000"}))
    proposal = api.ok(api.get("/v1/config"))
    proposal["pool"]["minting_enabled"] = False
    answers = {}
    for language, headers in (("en", {}), ("zh", ZH)):
        auth = {"Authorization": f"Bearer {api.token}", **headers}
        lint = api.client.post("/v1/config/lint", json={"config": proposal}, headers=auth)
        backtest = api.client.post("/v1/backtest", json={"config": proposal}, headers=auth)
        answers[language] = (lint.json()["findings"], backtest.json()["skipped_events"])
    (en_findings, en_skipped), (zh_findings, zh_skipped) = answers["en"], answers["zh"]
    assert en_findings and en_skipped, (en_findings, en_skipped)
    for en, zh in [
        *zip(en_findings, zh_findings, strict=True),
        *zip(en_skipped, zh_skipped, strict=True),
    ]:
        text = "message" if "message" in en else "reason"
        assert {k: v for k, v in en.items() if k != text} == {
            k: v for k, v in zh.items() if k != text
        }
        assert not HAN.search(en[text]), en
        assert HAN.search(zh[text]), (en, zh)
