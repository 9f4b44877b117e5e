"""The security suite runs alone (`pytest tests/security`): it takes the service's
fixtures (SQLite and PostgreSQL, a clock, an HTTP client signed in as a tenant's owner)
from tests/service/conftest.py. A test of what happens before any SQL (headers, cookies,
body limits, header parsing) runs on SQLite only: `@sqlite_only`."""

from __future__ import annotations

import pytest

from tests.service.conftest import (  # noqa: F401  (fixtures, registered by import)
    api,
    client,
    clock,
    context,
    database,
    database_url,
    other,
)

# the database does not matter to the test: one run, on SQLite
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
