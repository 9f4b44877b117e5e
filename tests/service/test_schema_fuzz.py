"""Every operation of /openapi.json fuzzed as an outside fuzzer would (schemathesis),
signed in as the tenant's owner, with requests that fit the description and requests
that do not: no answer is a server error, each answer's status, type and body are
what the description says (schemathesis' own conformance checks), and every refusal is
the one error shape {"code", "message", "field"}, naming the field when it is a
validation error. Reproducible: the examples are drawn from a fixed seed
(`derandomize`), with no example database; four examples an operation and mode keep
the four runs (two modes, two databases) near 45 s of CPU, and ZENGZHI_FUZZ_EXAMPLES=40 runs a
deeper search by hand. On SQLite and PostgreSQL."""

from __future__ import annotations

import os
from typing import Any

import hypothesis.strategies as st
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.service.conftest import PASSWORD, Api, login

Answered = dict[tuple[str, str], set[int]]  # the statuses each operation answered

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# operations that end the session they are sent with, or change a user's sign-in: each
# example gets a session of its own, or names a user made for it, not the owner
ENDS_ITS_SESSION = {("POST", "/v1/auth/logout"), ("POST", "/v1/me/logout")}
NAMES_A_USER = {("PATCH", "/v1/users/{username}"), ("DELETE", "/v1/users/{username}/sessions")}

SETTINGS = settings(
    max_examples=int(os.environ.get("ZENGZHI_FUZZ_EXAMPLES", "4")),
    derandomize=True,  # the same examples on every run
    database=None,  # no example database: nothing carried from one run to the next
    deadline=None,  # a request's time varies with the machine's load
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


def refusal_shape(response: Any, case: Any) -> None:
    """Every 4xx is {"code", "message", "field"}; a validation refusal names a field."""
    if not 400 <= response.status_code < 500:
        return
    body = response.json()
    assert isinstance(body, dict) and set(body) == {"code", "message", "field"}, (
        case.method,
        case.path,
        body,
    )
    assert isinstance(body["code"], str) and body["code"], body
    assert isinstance(body["message"], str) and body["message"], body
    if body["code"] == "invalid":
        assert isinstance(body["field"], str) and body["field"], (case.method, case.path, body)


def prepared(api: Api) -> dict[str, str]:
    """A tenant with one of each thing an operation's path names, and those ids: some
    examples name what exists and reach past the 404."""
    api.pool()
    api.member("m1")
    api.member("m2", referrer="m1")
    api.completed_order("o1", "m1")
    api.ok(api.put("/v1/zones/z1", {}))
    api.ok(api.put("/v1/products/p1", {"price": "10.00", "cost": "9.00", "contribution": "1.00"}))
    api.ok(api.put("/v1/stores/s1", {"commission_rate": "0.1"}))
    api.ok(api.post("/v1/members/m1/sell", {"id": "s1", "points": "10"}))
    api.ok(api.post("/v1/members/m1/withdrawals", {"id": "w1", "amount": "1.00"}))
    user = {"username": "fuzzed", "password": PASSWORD, "role": "viewer"}
    api.ok(api.post("/v1/users", user))
    hook = {"url": "https://shop.example/hook", "event_types": ["*"]}
    key = api.ok(api.post("/v1/api-keys", {"name": "shop"}))
    return {
        "pool_id": "main",
        "member_id": "m1",
        "order_id": "o1",
        "zone_id": "z1",
        "product_id": "p1",
        "store_id": "s1",
        "withdrawal_id": "w1",
        "username": "fuzzed",
        "subscription_id": api.ok(api.post("/v1/webhooks", hook))["id"],
        "key_id": key["key_id"],
        "tenant_id": api.tenant,
    }


def fuzz(api: Api, key: tuple[str, str], generated: Any, answered: Answered) -> None:
    """One operation's examples, each sent as the owner and its answer checked."""

    @SETTINGS
    @given(case=generated)
    def answers_as_described(case: Any) -> None:
        token = login(api.client, api.tenant) if key in ENDS_ITS_SESSION else api.token
        headers = {"Authorization": f"Bearer {token}"}
        response = case.call(headers=headers)
        answered.setdefault(key, set()).add(response.status_code)
        case.validate_response(response, checks=CHECKS, headers=headers)
        refusal_shape(response, case)

    answers_as_described()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_operation_answers_as_described(api: Api, mode: GenerationMode) -> None:
    known_ids = prepared(api)
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 100

    failures: list[str] = []
    answered: Answered = {}
    for operation in operations:
        key = (operation.method.upper(), operation.path)
        sent = list(operation.iter_parameters())
        if mode == GenerationMode.NEGATIVE and not operation.body and not sent:
            continue  # nothing that could be sent wrong (GET /health)
        names = [p.name for p in operation.path_parameters]
        known = {name: known_ids[name] for name in names if name in known_ids}
        generated = operation.as_strategy(generation_mode=mode)
        if key in NAMES_A_USER:
            generated = operation.as_strategy(generation_mode=mode, path_parameters=known)
        elif known:
            generated = st.one_of(
                generated, operation.as_strategy(generation_mode=mode, path_parameters=known)
            )

        try:
            fuzz(api, key, generated, answered)
        except Exception as error:  # every operation's failure is listed, not the first only
            failures.append(f"{key}: {error}")
    assert not failures, "\n\n".join(failures)
    # the fuzz reached the operations: the session held to the end, and requests that
    # fit the description were carried out, not all refused
    assert api.get("/v1/tenant").status_code == 200
    succeeded = [key for key, statuses in answered.items() if any(s < 300 for s in statuses)]
    if mode == GenerationMode.POSITIVE:
        assert len(succeeded) >= 50, sorted(answered.items())
