"""The security suite runs alone (`pytest tests/security`): it takes the service's
fixtures (SQLite and PostgreSQL, a clock, an HTTP client signed in as a tenant's owner)
from tests/service/conftest.py."""

from __future__ import annotations

from tests.service.conftest import (  # noqa: F401  (fixtures, registered by import)
    api,
    client,
    clock,
    context,
    database,
    database_url,
    other,
    postgres_url,
)
