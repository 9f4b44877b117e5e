"""`zengzhi lint FILE` as a user runs it: findings, and exit code 1 on an error."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from zengzhi.cli import app

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_example_configuration_has_warnings_and_no_error() -> None:
    result = runner.invoke(app, ["lint", str(EXAMPLES / "pool.toml")])
    assert result.exit_code == 0, result.output
    assert "pool.static_return_above_spend" in result.output
    assert "pool.dust" in result.output  # one for each of its two pools
    assert "5 findings, 0 errors" in result.output


def test_an_error_exits_with_1(tmp_path: Path) -> None:
    config = tmp_path / "deep.toml"
    config.write_text(
        '[distribution.commission]\nrates = ["0.01", "0.005", "0.002", "0.001"]\n'
        "allow_deep = true\n"
    )
    result = runner.invoke(app, ["lint", str(config), "--json"])
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert found[0]["severity"] == "error" and found[0]["code"] == "distribution.too_deep"


def test_a_refused_configuration_is_an_error_naming_the_field(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[pool]\nmint_ratio = "1.5"\n')
    result = runner.invoke(app, ["lint", str(config)])
    assert result.exit_code == 1
    assert "pool.mint_ratio" in result.output and "config.invalid" in result.output


def test_a_file_that_is_not_a_configuration(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[pool\n")
    result = runner.invoke(app, ["lint", str(config)])
    assert result.exit_code == 1 and "not valid TOML" in result.stderr
    config.write_text('[pools.x]\ncolour = "red"\n')
    result = runner.invoke(app, ["lint", str(config)])
    assert result.exit_code == 1 and "pools.x.colour: is not a known field" in result.stderr
    result = runner.invoke(app, ["lint", str(tmp_path / "missing.toml")])
    assert result.exit_code == 1
