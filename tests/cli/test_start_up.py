"""The CLI as an operator meets it: it starts at once (it imports no web framework, no
database layer, no plotting until a command needs them), says what is wrong in one line,
creates nothing when it only reads, and shows progress only to a terminal."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
import shellingham  # type: ignore[import-untyped]
from typer.testing import CliRunner

from zengzhi import cli
from zengzhi.cli import app

runner = CliRunner()

# What the CLI must not load to start, or to run a command that does not need it: the web
# app and its server, the database layer, plotting, the validation library and the
# terminal renderer (these are the seconds of a slow start).
HEAVY = ("fastapi", "starlette", "uvicorn", "matplotlib", "sqlalchemy", "alembic", "psycopg")
AT_IMPORT = (*HEAVY, "pydantic", "rich", "httpx", "jinja2", "argon2")

ORDER = {"type": "order", "id": "o1", "member": "m1", "amount": "1000.00", "contribution": "300.00"}


def loaded_modules(code: str, *argv: str) -> set[str]:
    """The modules (by full name) a fresh interpreter holds after `code` (run with argv)."""
    probe = (
        "import sys, json\n"
        f"sys.argv = {['zengzhi', *argv]!r}\n"
        "try:\n"
        + "".join(f"    {line}\n" for line in code.splitlines())
        + "except SystemExit:\n    pass\n"
        "sys.__stdout__.write('\\n' + json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


def loaded_after(code: str, *argv: str) -> set[str]:
    """The top-level packages a fresh interpreter holds after `code` (run with argv)."""
    return {name.split(".")[0] for name in loaded_modules(code, *argv)}


def test_importing_the_cli_loads_nothing_heavy() -> None:
    loaded = loaded_after("import zengzhi.cli")
    assert "typer" in loaded  # the probe sees what it imports
    assert loaded.isdisjoint(AT_IMPORT), sorted(loaded & set(AT_IMPORT))


def test_help_loads_nothing_heavy() -> None:
    loaded = loaded_after("from zengzhi.cli import app\napp()", "--help")
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
    # help reads no event, so neither the validation library nor the engine is loaded
    assert "pydantic" not in loaded
    assert "zengzhi.engine" not in loaded_modules("from zengzhi.cli import app\napp()", "--help")


def test_a_replay_loads_the_engine_only(tmp_path: Path) -> None:
    log = tmp_path / "one.jsonl"
    log.write_text(json.dumps(ORDER) + "\n")
    loaded = loaded_after("from zengzhi.cli import app\napp()", "replay", str(log))
    assert "pydantic" in loaded  # the engine ran
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
    # a short log shows no progress bar, so it needs no terminal renderer either
    assert "rich" not in loaded


# The engine's models (the event lines', the configuration's and the zones'): a replay of
# plain lines without a configuration file builds none of them (engine/lines.py), half the
# start-up of a short replay; a line of another shape, or a configuration, loads them.
MODELS = {"zengzhi.engine.wire", "zengzhi.engine.config", "zengzhi.engine.zones"}


def test_a_replay_of_plain_lines_builds_no_model(tmp_path: Path) -> None:
    log = tmp_path / "plain.jsonl"
    sale = {"type": "sell", "id": "s1", "member": "m1", "points": "all"}
    log.write_text(json.dumps(ORDER) + "\n" + json.dumps(sale) + "\n")
    loaded = loaded_modules("from zengzhi.cli import app\napp()", "replay", str(log))
    assert "zengzhi.engine.engine" in loaded  # the engine ran
    assert loaded.isdisjoint(MODELS), sorted(loaded & MODELS)

    log.write_text(json.dumps(ORDER) + '\n{"type": "subsidy", "id": "x1", "amount": "5.00"}\n')
    assert loaded_modules("from zengzhi.cli import app\napp()", "replay", str(log)) >= MODELS


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"zengzhi {version('zengzhi')}\n"


def test_shell_completion_is_offered(monkeypatch: pytest.MonkeyPatch) -> None:
    # Typer finds the shell from the process's parents: under nohup or a service manager
    # there is none to find, and the test would fail for the machine, not the code
    monkeypatch.setattr(shellingham, "detect_shell", lambda: ("bash", "/bin/bash"))
    result = runner.invoke(app, ["--show-completion"], prog_name="zengzhi")
    assert result.exit_code == 0, (result.output, result.exception)
    assert "_ZENGZHI_COMPLETE" in result.stdout


def one_error_line(result: object) -> str:
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert result.exit_code == 1, stderr  # type: ignore[attr-defined]
    assert stderr.count("\n") == 1 and stderr.startswith("error: "), stderr
    assert "Traceback" not in stderr
    return stderr


@pytest.mark.parametrize(
    "command",
    [
        ["events", "t1"],
        ["audit"],
        ["audit", "--replay"],
        ["tick"],
        ["backtest", "t1", "--config", "config.toml"],
    ],
)
def test_a_command_that_reads_creates_no_database(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZENGZHI_DATABASE_URL", raising=False)
    (tmp_path / "config.toml").write_text('[pool]\nexit_multiple = "2"\n')
    line = one_error_line(runner.invoke(app, command))
    assert "no database at zengzhi.db" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_a_database_without_the_schema_is_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    line = one_error_line(runner.invoke(app, ["events", "t1", "--database", f"sqlite:///{empty}"]))
    assert "no such table" in line and "zengzhi db upgrade" in line


def test_an_unreachable_postgresql_is_one_line_without_its_password() -> None:
    url = "postgresql+psycopg://someone:hunter2@127.0.0.1:9/zengzhi?connect_timeout=2"
    line = one_error_line(runner.invoke(app, ["events", "t1", "--database", url]))
    assert "127.0.0.1:9" in line and "hunter2" not in line


def test_a_missing_log_or_config_is_one_line(tmp_path: Path) -> None:
    for command in (
        ["replay", str(tmp_path / "nowhere.jsonl")],
        ["pool", str(tmp_path / "nowhere.jsonl")],
        ["lint", str(tmp_path / "nowhere.toml")],
    ):
        line = one_error_line(runner.invoke(app, command))
        assert (
            line
            == f"error: {tmp_path / command[1].rsplit('/', 1)[-1]}: no such file or directory\n"
        )


def test_replay_and_pool_read_a_json_configuration_as_backtest_does(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    orders = [ORDER | {"id": f"o{n}", "member": f"m{n}"} for n in range(1, 4)]
    subsidy = {"type": "subsidy", "id": "x1", "amount": "50000.00"}
    log.write_text("".join(json.dumps(one) + "\n" for one in [*orders, subsidy]))
    toml = tmp_path / "config.toml"
    toml.write_text('[pool]\nmint_ratio = "0.70"\nsell_fee = "0.20"\nexit_multiple = "2"\n')
    as_json = tmp_path / "config.json"
    as_json.write_text(
        json.dumps({"pool": {"mint_ratio": "0.70", "sell_fee": "0.20", "exit_multiple": "2"}})
    )
    states = []
    for config in (toml, as_json):
        result = runner.invoke(app, ["replay", str(log), "--config", str(config), "--json"])
        assert result.exit_code == 0, result.stderr
        states.append(json.loads(result.stdout))
    assert states[0] == states[1]
    assert [one["payout"] for one in states[1]["exits"]] == ["1600.00"] * 3  # the 2x exit
    pools = [
        runner.invoke(app, ["pool", str(log), "--config", str(config)]).stdout
        for config in (toml, as_json)
    ]
    assert pools[0] == pools[1] and "3 exits in all" in pools[1]


def test_a_bad_json_configuration_names_its_field(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    log.write_text(json.dumps(ORDER) + "\n")
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"pool": {"mint_ratio": "1.2"}}))
    line = one_error_line(runner.invoke(app, ["replay", str(log), "--config", str(config)]))
    assert "pool.mint_ratio: must be below 1" in line


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_goes_to_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    items = [str(n) for n in range(cli._PROGRESS_FROM)]
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert list(cli._watched(items, "events")) == items
    assert sys.stderr.getvalue() == ""
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert list(cli._watched(items, "events")) == items
    assert "events" in terminal.getvalue()
    short = Terminal()
    monkeypatch.setattr(sys, "stderr", short)
    assert list(cli._watched(items[:10], "events")) == items[:10]
    assert short.getvalue() == ""  # over before a bar would say anything


def test_a_long_replay_shows_progress_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "events.jsonl"
    orders = [ORDER | {"id": f"o{n}", "member": f"m{n}"} for n in range(40)]
    log.write_text("".join(json.dumps(one) + "\n" for one in orders))
    assert log.stat().st_size >= cli._PROGRESS_FROM
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert list(cli._lines(log)) == log.read_text().splitlines(keepends=True)
    assert "events.jsonl" in terminal.getvalue()
