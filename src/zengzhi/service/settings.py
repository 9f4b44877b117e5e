"""The one settings object, read from ZENGZHI_* environment variables (or .env).

Secrets have no default: a weak or well-known one is refused. On the embedded SQLite
database a missing secret key is generated once and kept beside the database file
(readable by its owner only); on PostgreSQL it must be given.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from zengzhi.service.payee_keys import check as check_payee_keys

_WEAK = {"changethis", "changeme", "secret", "password", "admin", "zengzhi", "test"}


class MissingSecretKey(RuntimeError):
    """ZENGZHI_SECRET_KEY is needed (not on SQLite, which keeps one) and not set."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ZENGZHI_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///zengzhi.db"
    secret_key: SecretStr | None = None  # signs console sessions
    admin_token: SecretStr | None = None  # creates tenants through the API; unset: CLI only
    session_minutes: int = 12 * 60
    # the console's and member page's cookies go over HTTPS only (`Secure`): on unless
    # `serve --demo` (plain HTTP on this machine) or said otherwise; behind a proxy that
    # ends TLS the request's own scheme is http, so it is a setting, not a guess
    cookie_secure: bool = True
    # a request body past this many bytes is refused with 413 before it is read
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    run_jobs: bool = True  # `serve` runs due jobs itself
    job_interval_seconds: int = 60
    # where a worker runs a background run (a simulation, a dry run) before its files go
    # to the database; default: beside the database
    simulations_dir: str | None = None
    # background runs start in the process that is asked for them (false: they are queued
    # for a `zengzhi worker`); unset, as `run_jobs`
    runs_in_process: bool | None = None
    run_slots: int = Field(default=2, ge=1)  # background runs a worker runs at once
    # how often a worker looks for queued runs (and for runs whose worker is gone): each
    # look asks every tenant, one at a time, so not every second
    run_poll_seconds: int = Field(default=5, ge=1)
    run_heartbeat_seconds: int = Field(default=2, ge=1)
    # a running run whose worker has not beaten for this long is interrupted
    run_stale_seconds: int = Field(default=30, ge=2)

    def runs_here(self) -> bool:
        """Whether a background run starts in the process asked for it."""
        return self.run_jobs if self.runs_in_process is None else self.runs_in_process

    def simulations_path(self) -> Path:
        """Where a worker runs background runs (their scratch folders)."""
        if self.simulations_dir:
            return Path(self.simulations_dir)
        database = self.database_url.split("///", 1)[-1] if self.is_sqlite else ""
        if database and database != ":memory:":
            return Path(database).with_suffix(".simulations")
        return Path("simulations")

    # webhooks (docs/integration.md): the server's dispatcher polls every interval
    webhook_interval_seconds: int = 2  # 0: only `zengzhi tick` delivers
    webhook_timeout_seconds: int = 10  # per attempt
    webhook_lease_seconds: int = 120  # a claimed delivery is due again after this
    webhook_retry_base_seconds: int = 10  # back-off: base × 2^(failures − 1)…
    webhook_retry_cap_seconds: int = 3600  # …at most this
    webhook_max_attempts: int = 30  # then the delivery is failed (a replay sends it again)
    # webhooks and payout gateways may be on private or loopback addresses (tests, demos,
    # a receiver on this machine); off by default: see zengzhi.service.egress
    webhook_private_targets: bool = False

    # encrypts payees' real names and accounts at rest (service/payee_keys.py): Fernet
    # keys, the first encrypts, all decrypt; made and kept beside a SQLite database
    payee_keys: SecretStr | None = None

    @field_validator("payee_keys")
    @classmethod
    def _fernet_keys(cls, value: SecretStr | None) -> SecretStr | None:
        return None if value is None else SecretStr(check_payee_keys(value.get_secret_value()))

    @field_validator("webhook_lease_seconds")
    @classmethod
    def _longer_than_a_pass(cls, value: int, info: ValidationInfo) -> int:
        # a pass sends its deliveries 8 at a time, each within the timeout, up to seven
        # rounds (service/webhook_delivery.py), then records them: a lease that ran out
        # first let another dispatcher claim them and send them again
        timeout = info.data.get("webhook_timeout_seconds")
        if isinstance(timeout, int) and value < 8 * timeout:
            raise ValueError(
                "must be at least 8 times webhook_timeout_seconds (a pass may take seven"
                " timeouts, and a claimed delivery is sent again once its lease has run out)"
            )
        return value

    @field_validator("secret_key", "admin_token")
    @classmethod
    def _strong(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        text = value.get_secret_value()
        if len(text) < 32 or text.lower() in _WEAK:
            raise ValueError("must be at least 32 characters and not a well-known default")
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def session_secret(self) -> str:
        """The secret key; on SQLite one is made on first use and kept by the database."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        if not self.is_sqlite:
            raise MissingSecretKey("ZENGZHI_SECRET_KEY must be set (32+ random characters)")
        database = self.database_url.split("///", 1)[-1]
        if database in ("", ":memory:"):
            self.secret_key = SecretStr(secrets.token_urlsafe(48))
            return self.secret_key.get_secret_value()
        path = Path(database).with_suffix(".secret")
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        self.secret_key = SecretStr(path.read_text().strip())
        return self.secret_key.get_secret_value()
