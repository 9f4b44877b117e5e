"""A missing ZENGZHI_PAYEE_KEYS is said at start, in one line, by `serve`, `worker` and
the process managers' app (`zengzhi.app:from_environment`), not at the first payee
(service/payee_keys.py, docs/payments.md): on PostgreSQL always; on a SQLite file once it
holds anything encrypted and the key kept beside it is gone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import insert
from typer.testing import CliRunner

from zengzhi import app as api_app
from zengzhi.cli import app
from zengzhi.service import payee_keys
from zengzhi.service.settings import Settings
from zengzhi.store import tables as t
from zengzhi.store.database import Database
from zengzhi.store.migrate import upgrade

runner = CliRunner()
NOW = datetime(2026, 12, 3, tzinfo=UTC)
SECRET = "a-session-secret-for-these-tests-only-" * 2


@pytest.fixture(autouse=True)
def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZENGZHI_PAYEE_KEYS", raising=False)
    monkeypatch.setenv("ZENGZHI_SECRET_KEY", SECRET)


def one_line(result: object, *names: str) -> str:
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert result.exit_code == 1, (stderr, result.stdout)  # type: ignore[attr-defined]
    assert stderr.count("\n") == 1 and stderr.startswith("error: "), stderr
    assert "Traceback" not in stderr
    for name in names:
        assert name in stderr, stderr
    return stderr


def sealed_payee(url: str) -> None:
    """A database at the current schema holding one payee sealed with its kept key."""
    settings = Settings(database_url=url)
    database = Database(url)
    upgrade(database.writer)
    token = payee_keys.cipher(settings).encrypt(b'{"real_name": "x", "account": "y"}')
    with database.write() as connection:
        connection.execute(
            insert(t.tenants).values(tenant_id="t1", name="t1", settings={}, created_at=NOW)
        )
        connection.execute(
            insert(t.payees).values(
                tenant_id="t1",
                member_id="m1",
                method="wechat",
                sealed=token.decode(),
                masked_name="*",
                masked_account="*",
                updated_at=NOW,
                updated_by="test",
            )
        )
    database.dispose()


@pytest.mark.parametrize("command", [["serve", "--port", "1"], ["worker"]])
def test_postgresql_without_the_key_stops_at_start(postgres_url: str, command: list[str]) -> None:
    upgrade(Database(postgres_url).writer)
    result = runner.invoke(app, [*command, "--database", postgres_url])
    one_line(result, "ZENGZHI_PAYEE_KEYS", "PostgreSQL", "Fernet.generate_key()")


def test_the_process_managers_app_stops_too(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZENGZHI_DATABASE_URL", postgres_url)
    with pytest.raises(SystemExit, match=r"^error: ZENGZHI_PAYEE_KEYS is not set"):
        api_app.from_environment()
    monkeypatch.setenv("ZENGZHI_PAYEE_KEYS", Fernet.generate_key().decode())
    assert api_app.from_environment() is not None


def test_sqlite_without_payees_makes_its_key_on_first_use(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'z.db'}"
    database = Database(url)
    upgrade(database.writer)
    payee_keys.check_at_start(Settings(database_url=url), database)  # nothing to read yet
    assert not (tmp_path / "z.payee-key").exists()  # the check made nothing


def test_sqlite_holding_payees_without_their_key_stops_at_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'z.db'}"
    sealed_payee(url)
    kept = tmp_path / "z.payee-key"
    assert kept.exists()
    payee_keys.check_at_start(Settings(database_url=url), Database(url))  # the key is there

    kept.rename(tmp_path / "elsewhere")  # the database copied without its key
    result = runner.invoke(app, ["worker", "--database", url])
    one_line(result, "ZENGZHI_PAYEE_KEYS", str(kept), "payees")
    assert not kept.exists()  # no new key was made, which would never open them

    key = SecretStr((tmp_path / "elsewhere").read_text())
    payee_keys.check_at_start(Settings(database_url=url, payee_keys=key), Database(url))
