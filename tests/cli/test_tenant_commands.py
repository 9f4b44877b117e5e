"""`zengzhi tenant`: what an operator does at the server when the console cannot help (a
forgotten owner password, the first API key, a leaked key)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from zengzhi.cli import app
from zengzhi.core.errors import DomainError, ErrorCode
from zengzhi.service.base import Context
from zengzhi.service.sessions import OPERATOR, Login, authenticate, login
from zengzhi.service.settings import Settings
from zengzhi.store import tables as t
from zengzhi.store.database import Database

runner = CliRunner()


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'zengzhi.db'}"
    result = runner.invoke(
        app,
        ["tenant", "create", "acme", "--name", "Acme", "--owner", "boss", "--database", url],
        input="first-password-1\nfirst-password-1\n",
    )
    assert result.exit_code == 0, result.stderr
    return url


def context_of(url: str) -> Context:
    return Context(Database(url), Settings(database_url=url, secret_key="s" * 40))


def signs_in(url: str, password: str) -> bool:
    try:
        login(context_of(url), Login(tenant="acme", username="boss", password=password))
    except DomainError as error:
        assert error.code == ErrorCode.UNAUTHORIZED
        return False
    return True


def test_a_password_reset_lets_the_new_one_in_and_ends_sessions(database: str) -> None:
    context = context_of(database)
    session = login(context, Login(tenant="acme", username="boss", password="first-password-1"))
    result = runner.invoke(
        app,
        ["tenant", "password", "acme", "boss", "--database", database],
        input="second-password-2\nsecond-password-2\n",
    )
    assert result.exit_code == 0, result.stderr
    assert signs_in(database, "second-password-2")
    assert not signs_in(database, "first-password-1")
    with pytest.raises(DomainError) as ended:
        authenticate(context, session.token)
    assert ended.value.code == ErrorCode.UNAUTHORIZED


def test_a_reset_for_someone_unknown_is_one_line_and_changes_nothing(database: str) -> None:
    for who in (["nobody", "boss"], ["acme", "nobody"]):
        result = runner.invoke(
            app,
            ["tenant", "password", *who, "--database", database],
            input="second-password-2\nsecond-password-2\n",
        )
        assert result.exit_code == 1
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
        assert "nobody" in result.stderr
    assert signs_in(database, "first-password-1")


def test_a_short_password_is_refused_naming_the_field(database: str) -> None:
    result = runner.invoke(
        app,
        ["tenant", "password", "acme", "boss", "--database", database],
        input="short\nshort\n",
    )
    assert result.exit_code == 1 and "password" in result.stderr
    assert signs_in(database, "first-password-1")


def test_a_key_issued_works_until_it_is_revoked(database: str) -> None:
    context = context_of(database)
    issued = runner.invoke(
        app, ["tenant", "key", "issue", "acme", "--name", "shop", "--database", database]
    )
    assert issued.exit_code == 0, issued.stderr
    token = issued.stdout.strip()
    principal = authenticate(context, token)
    assert (principal.tenant, principal.role) == ("acme", "integrator")
    key_id = principal.actor.removeprefix("key:")
    listed = runner.invoke(app, ["tenant", "key", "list", "acme", "--database", database])
    assert listed.stdout.split()[:3] == [key_id, "integrator", "shop"]
    assert token not in listed.stdout
    revoked = runner.invoke(
        app, ["tenant", "key", "revoke", "acme", key_id, "--database", database]
    )
    assert revoked.exit_code == 0, revoked.stderr
    with pytest.raises(DomainError) as refused:
        authenticate(context, token)
    assert refused.value.code == ErrorCode.UNAUTHORIZED
    assert (
        "revoked"
        in runner.invoke(app, ["tenant", "key", "list", "acme", "--database", database]).stdout
    )


def test_the_audit_log_names_the_operator(database: str) -> None:
    runner.invoke(app, ["tenant", "key", "issue", "acme", "--name", "x", "--database", database])
    with context_of(database).database.read() as connection:
        actors = {
            row.action: row.actor
            for row in connection.execute(
                t.audit_log.select().where(t.audit_log.c.tenant_id == "acme")
            )
        }
    assert actors["api_key.create"] == OPERATOR


def test_a_bad_role_names_the_field(database: str) -> None:
    result = runner.invoke(
        app,
        [
            "tenant",
            "key",
            "issue",
            "acme",
            "--name",
            "x",
            "--role",
            "emperor",
            "--database",
            database,
        ],
    )
    assert result.exit_code == 1 and result.stderr.startswith("error: role")
