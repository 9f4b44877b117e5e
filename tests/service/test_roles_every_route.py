"""Spec 04:22-23 (roles) on every operation that changes something, as /openapi.json lists
them, not a chosen list: a viewer reads and is refused every change (nothing done)."""

from __future__ import annotations

import re

from tests.service.conftest import Api

# operations that take no user's session: signing in and out, the administrator's
# tenants, the member page's own token, a gateway's signed notifications
NOT_A_USERS = ("/v1/auth/", "/v1/tenants", "/v1/me", "/v1/gateway")


def _mutating(api: Api) -> list[tuple[str, str]]:
    described = api.client.get("/openapi.json").json()["paths"]
    found = []
    for path, operations in described.items():
        if path.startswith(NOT_A_USERS):
            continue
        for method in operations:
            if method.upper() in {"POST", "PUT", "PATCH", "DELETE"}:
                found.append((method.upper(), re.sub(r"\{[^}]+\}", "x", path)))
    return found


def test_a_viewer_is_refused_every_change(api: Api) -> None:
    token = api.as_role("viewer")
    answers = {}
    for method, path in _mutating(api):
        response = api.client.request(
            method, path, json={}, headers={"Authorization": f"Bearer {token}"}
        )
        answers[(method, path)] = response.status_code
    assert len(answers) > 30, answers
    # 403, or 422 where the body is checked before the role: refused either way, never done
    assert {k: v for k, v in answers.items() if v not in {403, 422}} == {}
