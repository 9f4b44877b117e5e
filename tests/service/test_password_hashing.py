"""The service hashes passwords with argon2id at argon2-cffi's recommended cost (the tests
themselves hash at the cheapest: tests/conftest.py)."""

from __future__ import annotations

from argon2 import extract_parameters

from tests.conftest import SERVICE_HASHER
from zengzhi.service import auth


def test_the_service_hashes_with_argon2id_at_the_recommended_cost() -> None:
    stored = SERVICE_HASHER.hash("correct horse battery staple")
    assert stored.startswith("$argon2id$")
    parameters = extract_parameters(stored)
    assert parameters.memory_cost >= 64 * 1024
    assert parameters.time_cost >= 3
    assert SERVICE_HASHER.verify(stored, "correct horse battery staple")
    # a hash made at the service's cost is checked as any other
    assert auth.password_matches(stored, "correct horse battery staple")
    assert not auth.password_matches(stored, "correct horse battery stapler")
