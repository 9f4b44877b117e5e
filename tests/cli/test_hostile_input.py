"""Hostile input to the command line (attack-cli): each ends in one line on standard error
naming the field or option, exit code 1, no traceback, and nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

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


def test_a_scenario_with_a_bom_is_named_once(tmp_path: Path) -> None:
    # the path was said twice: "error: s.toml: s.toml: not valid TOML: …"
    scenario = tmp_path / "s.toml"
    scenario.write_bytes(b"\xef\xbb\xbf" + SCENARIO.encode())
    result = runner.invoke(app, ["simulate", str(scenario), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.count(str(scenario)) == 1, result.stderr
    assert not (tmp_path / "out").exists()
