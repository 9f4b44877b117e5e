"""A value that comes only from the address (`?status=…`, `?limit=…`) is refused as a
body's field is: 422 in the one error shape, `field` the parameter, the message saying
it is the address's parameter and what it takes, in English and in Chinese. Every
operation /openapi.json lists is walked, each parameter by what its schema says it
takes; an address's parameter an operation does not take (`?sort=…` where nothing
sorts) is refused naming it, with those it takes (it was ignored: the list answered as
if it had been applied). The console's list pages are walked in
tests/service/test_console_address_parameters.py. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from typing import Any

from tests.service.conftest import Api

# a path's own parameters, for the address to be one an operation answers: the query
# is read before any id is looked up, so any id of the right form does
PATH_VALUE = "x1"


def _operations(api: Api) -> list[tuple[str, str, dict[str, Any]]]:
    described = api.client.get("/openapi.json").json()["paths"]
    found = []
    for path, operations in described.items():
        if not path.startswith("/v1/"):
            continue
        for method, operation in operations.items():
            found.append((method.upper(), re.sub(r"\{[^}]+\}", PATH_VALUE, path), operation))
    return found


def _headers(api: Api, path: str, member_token: str, language: str) -> dict[str, str]:
    token = member_token if path == "/v1/me" or path.startswith("/v1/me/") else api.token
    return {"Authorization": f"Bearer {token}", "Accept-Language": language}


def _taken(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema of a parameter's value (not of its absence: `anyOf [x, null]`)."""
    for one in schema.get("anyOf", [schema]):
        if one.get("type") != "null":
            return dict(one)
    return schema


def _wrong(schema: dict[str, Any]) -> list[str]:
    """Values this parameter's schema does not take, as an address would send them."""
    kind = schema.get("type")
    if "enum" in schema:
        return ["bogus", schema["enum"][0].upper(), ""]
    if kind == "integer":
        # and more digits than Python's int() reads (4,300): its own error said so in English
        wrong = ["1e3", "１０００", "٣", "1.5", "true", " 5", "+5", "0x10", "9" * 5000]
        if "minimum" in schema:
            wrong.append(str(schema["minimum"] - 1))
        if "maximum" in schema:
            wrong.append(str(schema["maximum"] + 1))
        return wrong
    if schema.get("format") == "date-time":
        return ["bogus", "1733000000", "2026-01-31"]
    wrong = []
    if "pattern" in schema:
        pattern = re.compile(schema["pattern"])
        wrong += [text for text in ("bad value!", "a\u202eb", "a\x1bb") if not pattern.search(text)]
    if "maxLength" in schema:
        wrong.append("x" * (schema["maxLength"] + 1))
    return wrong


def _member_token(api: Api) -> str:
    api.member("m1")
    return str(api.ok(api.post("/v1/members/m1/page-token"))["token"])


def test_every_parameter_of_every_operation_refuses_a_value_it_does_not_take(api: Api) -> None:
    member_token = _member_token(api)
    walked: dict[str, list[str]] = {}
    for method, path, operation in _operations(api):
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            name, schema = parameter["name"], _taken(parameter["schema"])
            for value in _wrong(schema):
                said = {}
                for language in ("en", "zh-CN"):
                    response = api.client.request(
                        method,
                        path,
                        params={name: value},
                        headers=_headers(api, path, member_token, language),
                    )
                    where = (method, path, name, value, language)
                    assert response.status_code == 422, (*where, response.text)
                    answer = response.json()
                    assert set(answer) == {"code", "message", "field"}, (*where, answer)
                    assert (answer["code"], answer["field"]) == ("invalid", name), (*where, answer)
                    said[language] = answer["message"]
                assert said["en"].startswith(f"address parameter '{name}': "), (path, said)
                assert said["zh-CN"].startswith(f"地址参数 “{name}”："), (path, said)
                assert not re.search("[A-Za-z]{4,}", said["zh-CN"].replace(name, "")) or (
                    "enum" in schema  # the values a status takes are written as they are sent
                ), (path, said)
                for one in schema.get("enum", []):  # a few values: each one listed
                    assert one in said["en"] and one in said["zh-CN"], (path, name, said)
                walked.setdefault(f"{method} {path}", []).append(name)
    # the lists' filters and pages are among them (a walk that found nothing passes)
    assert {"status", "limit", "after", "before", "member", "q"} <= {
        name for names in walked.values() for name in names
    }, walked
    assert len(walked) >= 20, walked


def test_an_address_parameter_an_operation_does_not_take_is_refused_naming_it(api: Api) -> None:
    """`GET /v1/orders?sort=amount` answered the orders as they come, `?stauts=paid`
    (a typo) every order: as if the parameter had been applied."""
    member_token = _member_token(api)
    operations = _operations(api)
    for method, path, operation in operations:
        if path.startswith("/v1/gateway/"):  # a gateway's notifications: any address
            continue  # (tests/service/test_payments.py)
        takes = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        for language in ("en", "zh-CN"):
            response = api.client.request(
                method,
                path,
                params={"sort": "bogus"},
                headers=_headers(api, path, member_token, language),
            )
            assert response.status_code == 422, (method, path, response.text)
            answer = response.json()
            assert (answer["code"], answer["field"]) == ("invalid", "sort"), (path, answer)
            if language == "en":
                taken = f"(it takes {', '.join(takes)})" if takes else "(it takes none)"
                expected = f"address parameter 'sort': is not one this address takes {taken}"
                assert answer["message"] == expected, (method, path, answer)
            else:
                assert answer["message"].startswith("地址参数 “sort”：不是此地址接受的参数"), answer
                assert all(name in answer["message"] for name in takes), (path, answer)
    assert len(operations) > 60
    # what it does take is still taken, and nothing was done by a refused request
    assert api.ok(api.get("/v1/orders", status="created", limit="5")) == []
    assert api.get("/v1/pools").status_code == 200
    assert api.post("/v1/pools?sort=x", {"id": "main"}).status_code == 422
    assert api.ok(api.get("/v1/pools")) == []


def _two_taken(schema: dict[str, Any]) -> tuple[str, str]:
    """Two values this parameter's schema takes, each alone."""
    if "enum" in schema:
        return schema["enum"][0], schema["enum"][-1]
    if schema.get("type") == "integer":
        low = int(schema.get("minimum", 1))
        return str(low), str(low + 1)
    if schema.get("format") == "date-time":
        return "2026-11-21T09:00:00+00:00", "2026-11-22T09:00:00+00:00"
    return "m1", "m2"


def test_an_address_parameter_given_twice_is_refused_naming_it(api: Api) -> None:
    """`GET /v1/orders?status=paid&status=created` answered the created orders alone (the
    last value taken, the first dropped unsaid), as a body's key given twice is refused
    (`loads_strict`) rather than read as its last value."""
    member_token = _member_token(api)
    walked = []
    for method, path, operation in _operations(api):
        if path.startswith("/v1/gateway/"):  # a gateway's notifications: any address
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            name = parameter["name"]
            first, second = _two_taken(_taken(parameter["schema"]))
            for one in (first, second):  # each alone is taken
                alone = api.client.request(
                    method,
                    path,
                    params={name: one},
                    headers=_headers(api, path, member_token, "en"),
                )
                assert alone.status_code != 422, (method, path, name, one, alone.text)
            said = {}
            for language in ("en", "zh-CN"):
                response = api.client.request(
                    method,
                    path,
                    params=[(name, first), (name, second)],
                    headers=_headers(api, path, member_token, language),
                )
                where = (method, path, name, language)
                assert response.status_code == 422, (*where, response.text)
                answer = response.json()
                assert set(answer) == {"code", "message", "field"}, (*where, answer)
                assert (answer["code"], answer["field"]) == ("invalid", name), (*where, answer)
                said[language] = answer["message"]
            assert said["en"] == f"address parameter '{name}': is given more than once", said
            assert said["zh-CN"] == f"地址参数 “{name}”：出现了不止一次", said
            walked.append(f"{method} {path} {name}")
    assert len(walked) >= 20, walked
    # the same value twice is refused too, and a refused request does nothing
    owner = {"Authorization": f"Bearer {api.token}"}
    assert api.client.get("/v1/orders?limit=5&limit=5", headers=owner).status_code == 422
    unknown = api.post("/v1/pools?x=1&x=1", {"id": "main"})  # named as one not taken
    assert unknown.json()["message"].endswith("is not one this address takes (it takes none)")
    assert api.ok(api.get("/v1/pools")) == []


def test_a_parameter_without_a_name_or_with_a_long_one_is_refused_naming_it_shortly(
    api: Api,
) -> None:
    """`?=1` was refused naming the field '' (the schema fuzz found it: a refusal names a
    field), and a 60 KB name was echoed whole, in the message and in the
    field. A refusal repeats a name's first 40 characters; an empty name is the field
    `query`, the address's parameters."""
    headers = {"Authorization": f"Bearer {api.token}"}  # the address sent as written

    def sent(query: str) -> Any:
        answer = api.client.get(f"/v1/orders?{query}", headers=headers)
        assert answer.status_code == 422, (query[:80], answer.text[:300])
        return answer.json()

    nameless = sent("=1")
    assert nameless["field"] == "query" and "address parameter ''" in nameless["message"]
    long = "n" * 60_000
    refused = sent(f"{long}=1")
    assert refused["field"] == "n" * 40 + "…"
    assert len(refused["message"]) < 200 and "'" + "n" * 40 + "…'" in refused["message"]
    twice = sent(f"status=paid&status=paid&{long}=1")
    assert len(twice["message"]) < 200
