"""Property-based fuzzing of the whole API from its OpenAPI schema (schemathesis): for
every operation, generated requests never get a server error, and every error has the
one shape."""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.service.conftest import Api


def test_no_request_gets_a_server_error(api: Api) -> None:
    api.pool(exit_multiple="2")
    api.member("m1")
    api.completed_order("o1", "m1")
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40

    for operation in operations:

        @settings(
            max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        @given(case=operation.as_strategy())
        def no_server_error(case: Any) -> None:
            response = case.call(headers={"Authorization": f"Bearer {api.token}"})
            assert response.status_code < 500, (case.method, case.path, response.text)
            if response.status_code >= 400:
                body = response.json()
                assert set(body) == {"code", "message", "field"}, (case.path, body)

        no_server_error()
