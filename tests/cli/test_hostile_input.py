"""Hostile input to the command line (attack-cli): each ends in one line on standard error
naming the field or option, exit code 1, no traceback, and nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from zengzhi.cli import app

runner = CliRunner()
ORDER = {"type": "order", "id": "o1", "member": "m1", "amount": "1000.00", "contribution": "300.00"}
MOMENT = "at: must be a date and time such as 2026-01-31T09:30:00+08:00"


def _replay(tmp_path: Path, text: str) -> tuple[int, str, str]:
    log = tmp_path / "events.jsonl"
    log.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["replay", str(log), "--json"])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "at",
    [
        # the day it falls on in the tenant's zone (Asia/Shanghai) is past year 9999: the
        # replay ended in OverflowError: date value out of range
        "9999-12-31T23:59:59+00:00",
        # before year 1 in UTC
        "0001-01-01T00:00:00+14:00",
    ],
)
def test_a_moment_at_the_calendars_ends_is_refused_naming_at(tmp_path: Path, at: str) -> None:
    code, out, err = _replay(tmp_path, json.dumps({**ORDER, "at": at}) + "\n")
    assert (code, out, err) == (1, "", f"error: line 1: {MOMENT}\n")


@pytest.mark.parametrize("at", [1733000000, 1733000000000, "1733000000", 1733000000.5])
def test_a_moment_given_as_unix_seconds_is_refused(tmp_path: Path, at: object) -> None:
    # docs/replay.md: `at` is an ISO 8601 time with a zone; pydantic's own datetime read
    # a number, or a string of digits, as Unix seconds (or milliseconds), silently
    code, out, err = _replay(tmp_path, json.dumps({**ORDER, "at": at}) + "\n")
    assert (code, out, err) == (1, "", f"error: line 1: {MOMENT}\n")


def test_an_ordinary_moment_still_reads(tmp_path: Path) -> None:
    code, out, err = _replay(tmp_path, json.dumps({**ORDER, "at": "2026-01-31T09:30:00+08:00"}))
    assert (code, err) == (0, "")
    assert json.loads(out)["events"]["applied"] == 1


@pytest.mark.parametrize(
    "line",
    [
        "[" * 100_000 + "]" * 100_000,
        json.dumps(ORDER)[:-1] + ', "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
    ],
)
def test_json_nested_past_the_reader_is_refused_naming_the_line(tmp_path: Path, line: str) -> None:
    # it raised RecursionError: a traceback
    code, out, err = _replay(tmp_path, json.dumps(ORDER) + "\n" + line + "\n")
    assert (code, out, err) == (1, "", "error: line 2: line: nests too deep to be read\n")


def test_a_json_config_nested_past_the_reader_is_refused_naming_the_file(tmp_path: Path) -> None:
    config = tmp_path / "config.json"
    config.write_text('{"pool": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    result = runner.invoke(app, ["lint", str(config)])
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"error: {config}: nests too deep to be read\n",
    )


SCENARIO = "[simulation]\ndays = 2\n[flow]\norders_per_day = 3\n"


@pytest.mark.parametrize("kind", ["file", "under a file"])
def test_simulate_refuses_an_out_it_cannot_write_before_it_runs(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # --out naming a file (or a folder under one) ran the whole simulation, then ended in
    # FileExistsError / NotADirectoryError: a traceback, the year's run lost
    scenario = tmp_path / "s.toml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    taken = tmp_path / "taken"
    taken.write_text("mine", encoding="utf-8")
    out = taken if kind == "file" else taken / "out"
    ran: list[object] = []
    monkeypatch.setattr("zengzhi.sim.batch.run_all", lambda *a, **k: ran.append(a) or [])
    result = runner.invoke(app, ["simulate", str(scenario), "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --out: ") and result.stderr.count("\n") == 1
    assert str(out) in result.stderr or str(taken) in result.stderr
    assert ran == []
    assert taken.read_text(encoding="utf-8") == "mine"


def test_a_scenario_that_is_not_toml_is_named_once(tmp_path: Path) -> None:
    # the path was said twice: "error: s.toml: s.toml: not valid TOML: …" (found with a
    # byte-order mark, which reads as TOML now: test_a_toml_file_saved_with_a_byte_order…)
    scenario = tmp_path / "s.toml"
    scenario.write_bytes(b"[[[\n" + SCENARIO.encode())
    result = runner.invoke(app, ["simulate", str(scenario), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.count(str(scenario)) == 1, result.stderr
    assert not (tmp_path / "out").exists()


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'zengzhi.db'}"
    result = runner.invoke(
        app,
        ["tenant", "create", "acme", "--name", "Acme", "--database", url],
        input="first-password-1\nfirst-password-1\n",
    )
    assert result.exit_code == 0, result.stderr
    return url


@pytest.mark.parametrize("command", [["audit", "--tenant", "acme "], ["events", "acme "]])
def test_a_tenant_that_is_not_there_is_refused_not_found_clean(
    database: str, command: list[str]
) -> None:
    # `audit --tenant acmee` said "acmee: 0 entries, 0 events, no difference" with exit
    # code 0 (a typo read as a clean tenant), and `events acmee` printed nothing, exit 0
    for tenant in ("acmee", "会员", "a b"):
        args = [tenant if one == "acme " else one for one in command]
        result = runner.invoke(app, [*args, "--database", database])
        assert (result.exit_code, result.stdout, result.stderr) == (
            1,
            "",
            f"error: tenant: unknown tenant {tenant!r}\n",
        )


@pytest.mark.parametrize(
    "command", [["audit"], ["events", "acme"], ["tenant", "key", "list", "acme"]]
)
@pytest.mark.parametrize("url", ["bogus://x", "", "postgres//nobody"])
def test_a_database_url_that_is_none_is_named(command: list[str], url: str) -> None:
    # sqlalchemy's NoSuchModuleError / ArgumentError: a traceback
    result = runner.invoke(app, [*command, "--database", url])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: --database: {url!r}"), result.stderr
    assert result.stderr.count("\n") == 1 and result.stdout == ""


def test_audit_still_reads_a_tenant_that_is_there(database: str) -> None:
    result = runner.invoke(app, ["audit", "--tenant", "acme", "--database", database])
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    assert "acme" in result.stdout


@pytest.mark.parametrize("port", ["0", "-1", "65536", "70000"])
def test_serve_refuses_a_port_there_is_not(
    port: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 70000 started a server announcing http://127.0.0.1:70000 (uvicorn listened on
    # 70000 - 65536 = 4464); -1 died in a five-line uvicorn log, exit code 3
    served: list[object] = []  # never a server in a test, fixed or not
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: served.append(k))
    url = f"sqlite:///{tmp_path / 'zengzhi.db'}"
    result = runner.invoke(app, ["serve", "--port", port, "--database", url])
    assert served == []
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"error: --port: must be 1 to 65535, got {port}\n",
    )
    assert not (tmp_path / "zengzhi.db").exists()


EXAMPLES = Path(__file__).parents[2] / "examples"


def pool_top(top: str) -> Result:
    """`zengzhi pool` of the examples' log with `--top top`."""
    events, config = EXAMPLES / "pool-events.jsonl", EXAMPLES / "pool.toml"
    return runner.invoke(app, ["pool", str(events), "-c", str(config), "--top", top])


def test_pool_refuses_a_negative_top() -> None:
    # --top -1 listed one of two exits under "the last -1 shown"
    result = pool_top("-1")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "error: --top: must be 0 or more, got -1\n",
    )


def test_pool_top_zero_lists_no_exit() -> None:
    # --top 0 listed every exit (exits[-0:]) under "the last 0 shown"
    result = pool_top("0")
    assert result.exit_code == 0, result.stderr
    assert "the last 0 shown" in result.stdout
    assert "│ c1" not in result.stdout and "│ x1" not in result.stdout
    shown = pool_top("1")
    assert "│ c1" in shown.stdout and "│ x1" not in shown.stdout


def test_backtest_refuses_a_negative_top(database: str) -> None:
    result = runner.invoke(
        app,
        [
            "backtest",
            "acme",
            "-c",
            str(EXAMPLES / "pool.toml"),
            "--top",
            "-1",
            "--database",
            database,
        ],
    )
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "error: --top: must be 0 or more, got -1\n",
    )


@pytest.mark.parametrize("command", [["replay", "-"], ["pool", "-"]])
@pytest.mark.parametrize("locale", ["C.UTF-8", "C"])
def test_standard_input_that_is_not_utf8_is_said_so(command: list[str], locale: str) -> None:
    # a file in GBK is "not UTF-8 text"; the same bytes on standard input were read with
    # the locale's escapes (Python's UTF-8 mode reads stdin with surrogateescape) and
    # refused as "member: must be text", or as "not valid JSON"
    line = '{"type": "order", "id": "o1", "member": "会员", "amount": "1000.00"}\n'
    zengzhi = Path(sys.executable).parent / "zengzhi"
    ended = subprocess.run(
        [str(zengzhi), *command],
        input=line.encode("gbk"),
        capture_output=True,
        env={**os.environ, "LC_ALL": locale},
        timeout=60,
        check=False,
    )
    assert (ended.returncode, ended.stdout, ended.stderr) == (
        1,
        b"",
        b"error: standard input: not UTF-8 text\n",
    )


def test_a_toml_file_saved_with_a_byte_order_mark_reads_as_without(tmp_path: Path) -> None:
    """Windows editors save "UTF-8" with a BOM: a scenario and a configuration so saved
    read as the same text without it (tomllib refused it: 'Invalid statement')."""
    scenario = tmp_path / "bom.toml"
    scenario.write_bytes("\ufeff[simulation]\ndays = 2\n[flow]\norders_per_day = 1\n".encode())
    out = tmp_path / "out"
    done = runner.invoke(app, ["simulate", str(scenario), "--out", str(out)])
    assert done.exit_code == 0, done.stderr
    text = '[pool]\nexit_multiple = "3"\n'
    plain, marked = tmp_path / "plain.toml", tmp_path / "marked.toml"
    plain.write_text(text, encoding="utf-8")
    marked.write_bytes(("\ufeff" + text).encode())
    said = [runner.invoke(app, ["lint", str(path)]) for path in (plain, marked)]
    assert said[0].stderr == "" and "Invalid statement" not in said[1].stderr
    assert (said[1].exit_code, said[1].stdout.replace("marked", "plain")) == (
        said[0].exit_code,
        said[0].stdout,
    )


@pytest.mark.parametrize(
    ("environment", "flag", "runs"),
    [
        (None, [], True),
        ("false", [], False),
        ("true", [], True),
        ("false", ["--jobs"], True),
        ("true", ["--no-jobs"], False),
    ],
)
def test_serve_runs_the_jobs_as_the_environment_says_unless_told(
    environment: str | None,
    flag: list[str],
    runs: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`ZENGZHI_RUN_JOBS=false` was ignored by `zengzhi serve` (its `--jobs` was true
    unless `--no-jobs` was given): a server meant to leave the jobs to the workers sent
    webhooks and completed orders beside them."""
    asked: list[bool] = []
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: None)
    monkeypatch.setattr("zengzhi.app.create_app", lambda context, run_jobs: asked.append(run_jobs))
    if environment is not None:
        monkeypatch.setenv("ZENGZHI_RUN_JOBS", environment)
    else:
        monkeypatch.delenv("ZENGZHI_RUN_JOBS", raising=False)
    url = f"sqlite:///{tmp_path / 'zengzhi.db'}"
    result = runner.invoke(app, ["serve", *flag, "--database", url])
    assert result.exit_code == 0, result.stderr
    assert asked == [runs]
