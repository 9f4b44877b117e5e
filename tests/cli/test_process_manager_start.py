"""The process managers' app (`uvicorn zengzhi.app:from_environment --factory`, as
docs/service.md starts it) that cannot start says why in one line and exits 1, as
`zengzhi serve` does: no traceback for a missing secret, a refused setting, a database
not at the current schema."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def start(env: dict[str, str], folder: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "uvicorn", "zengzhi.app:from_environment", "--factory"]
    kept = {k: v for k, v in os.environ.items() if not k.startswith("ZENGZHI_")}
    return subprocess.run(
        [*command, "--port", "0"],
        check=False,
        env=kept | env,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ({}, "ZENGZHI_SECRET_KEY must be set"),
        ({"ZENGZHI_SECRET_KEY": "short"}, "secret_key: must be at least 32 characters"),
        (  # a pass of webhooks may take seven timeouts: a shorter lease sent them twice
            {
                "ZENGZHI_SECRET_KEY": "a-secret-key-for-this-test-only-4f9c2e7a",
                "ZENGZHI_WEBHOOK_TIMEOUT_SECONDS": "30",
            },
            "webhook_lease_seconds: must be at least 8 times webhook_timeout_seconds",
        ),
    ],
)
def test_postgresql_without_a_good_secret_key_stops_in_one_line(
    postgres_url: str, tmp_path: Path, given: dict[str, str], said: str
) -> None:
    ended = start({"ZENGZHI_DATABASE_URL": postgres_url, **given}, tmp_path)
    assert ended.returncode == 1
    assert "Traceback" not in ended.stderr
    assert ended.stderr.startswith(f"error: {said}"), ended.stderr
    assert ended.stderr.count("\n") == 1, ended.stderr


def test_a_database_not_upgraded_says_so_in_one_line(tmp_path: Path) -> None:
    ended = start({"ZENGZHI_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}, tmp_path)
    assert ended.returncode == 1 and "Traceback" not in ended.stderr, ended.stderr
    assert ended.stderr.count("\n") == 1, ended.stderr
    assert "zengzhi db upgrade" in ended.stderr and "no such table" in ended.stderr
