"""Numbers on the wire (spec 01) as `zengzhi replay` reads them: one plain decimal form in
event lines and configuration files, no key twice, numbers compared by value for
idempotency; and an error is exactly one line on standard error, verbatim."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.numbers import BAD_NUMBERS, BAD_TEXTS, NOT_A_DECIMAL, NOT_A_STRING, bad_values
from tests.numbers import with_value as line_with
from zengzhi.cli import app
from zengzhi.core.errors import DomainError
from zengzhi.engine.wire import parse_line

runner = CliRunner()
FIRST = {"type": "order", "id": "o1", "member": "m1", "amount": "1000.00", "contribution": "0"}
ORDER = {"type": "order", "id": "o2", "member": "m2", "amount": "10.00", "contribution": "1.00"}


def replay(tmp_path: Path, *lines: str, config: str | None = None) -> tuple[int, str, str]:
    log = tmp_path / "events.jsonl"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["replay", str(log), "--json"]
    if config is not None:
        (tmp_path / "config.toml").write_text(config, encoding="utf-8")
        args += ["--config", str(tmp_path / "config.toml")]
    result = runner.invoke(app, args)
    return result.exit_code, result.stdout, result.stderr


def refused(outcome: tuple[int, str, str], where: str, message: str) -> None:
    """Exit code 1, nothing on stdout, one line on stderr naming `where` and saying why."""
    code, stdout, stderr = outcome
    assert (code, stdout) == (1, ""), stderr
    assert stderr.count("\n") == 1 and stderr.endswith("\n"), stderr
    assert stderr.startswith(f"error: {where}: ") and message in stderr, stderr


@pytest.mark.parametrize("field", ["amount", "contribution"])
@pytest.mark.parametrize(("value", "message"), bad_values())
def test_every_bad_amount_in_a_line_is_refused_naming_the_field(
    tmp_path: Path, field: str, value: str, message: str
) -> None:
    outcome = replay(tmp_path, json.dumps(FIRST), line_with(ORDER, field, value))
    refused(outcome, f"line 2: {field}", message)


@pytest.mark.parametrize(
    ("value", "message"),
    [(json.dumps(text), NOT_A_DECIMAL) for text in BAD_TEXTS]
    + [(number, NOT_A_STRING) for number in BAD_NUMBERS],
)
def test_every_bad_ratio_in_a_configure_line_or_zone_is_refused(
    tmp_path: Path, value: str, message: str
) -> None:
    configure = {"type": "configure", "id": "c1", "exit_multiple": "3"}
    outcome = replay(tmp_path, json.dumps(FIRST), line_with(configure, "exit_multiple", value))
    refused(outcome, "line 2: exit_multiple", message)  # null, not "", turns the exit off
    zone = line_with({"funding": "0.5"}, "funding", value)
    text = f'{{"type": "zone", "id": "z1", "zone": "club", "settings": {{"union": {zone}}}}}'
    refused(replay(tmp_path, json.dumps(FIRST), text), "line 2: settings.union.funding", message)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (
            '{"type": "order", "id": "o2", "member": "m2", "amount": "10.00", '
            '"contribution": "1.00", "contribution": "9.00"}',
            "contribution",
        ),
        (
            '{"type": "order", "id": "o2", "id": "o3", "member": "m2", "amount": "10.00", '
            '"contribution": "1.00"}',
            "id",
        ),
        (
            '{"type": "order", "id": "o2", "member": "m2", "amount": "10.00", "split": '
            '{"cost": "10.00", "cost": "0", "distribution": "0", "platform": "0"}}',
            "cost",
        ),
        (
            '{"type": "zone", "id": "z1", "zone": "club", "settings": '
            '{"union": {"funding": "0.5", "funding": "0.9"}}}',
            "funding",
        ),
    ],
)
def test_a_key_twice_in_a_line_is_refused_naming_it(tmp_path: Path, text: str, key: str) -> None:
    refused(replay(tmp_path, json.dumps(FIRST), text), f"line 2: {key}", "is given twice")


@pytest.mark.parametrize(
    ("first", "again"),
    [
        ({"exit_multiple": "1.5"}, {"exit_multiple": "1.50"}),
        (
            {"mint_ratio": "0.7", "opening_price": "1"},
            {"opening_price": "1.00", "mint_ratio": "0.70"},
        ),
        ({"min_sell_points": "1"}, {"min_sell_points": "1.0000"}),
    ],
)
def test_a_configure_again_with_the_same_numbers_is_a_duplicate(
    tmp_path: Path, first: dict[str, str], again: dict[str, str]
) -> None:
    lines = [json.dumps({"type": "configure", "id": "c1", **one}) for one in (first, again)]
    code, stdout, stderr = replay(tmp_path, json.dumps(FIRST), *lines)
    assert code == 0, stderr
    assert json.loads(stdout)["events"] == {"applied": 2, "duplicates": 1}


def test_zone_and_distribution_settings_again_with_the_same_numbers_are_duplicates(
    tmp_path: Path,
) -> None:
    zone = {"type": "zone", "id": "z1", "zone": "club"}
    distribution = {"type": "distribution", "id": "d1"}
    lines = [
        json.dumps({**zone, "settings": {"union": {"funding": "0.5", "lock_days": 15}}}),
        json.dumps({**zone, "settings": {"union": {"lock_days": 15, "funding": "0.50"}}}),
        json.dumps({**distribution, "settings": {"commission": {"rates": ["0.003", "0.002"]}}}),
        json.dumps({**distribution, "settings": {"commission": {"rates": ["0.0030", "0.002"]}}}),
    ]
    code, stdout, stderr = replay(tmp_path, *lines)
    assert code == 0, stderr
    assert json.loads(stdout)["events"] == {"applied": 2, "duplicates": 2}
    other = json.dumps({**zone, "settings": {"union": {"funding": "0.6", "lock_days": 15}}})
    refused(replay(tmp_path, lines[0], other), "line 2: id", "already used by an event with other")


TOML_VALUES = [(json.dumps(text), NOT_A_DECIMAL) for text in BAD_TEXTS] + [
    ("2", NOT_A_STRING),  # a TOML integer is a count, never an amount
    ("1e3", NOT_A_DECIMAL),  # TOML floats are read as their text, then as any string
    ("+0.5", NOT_A_DECIMAL),
    ("1_0.5", NOT_A_DECIMAL),
    ("inf", NOT_A_DECIMAL),
    ("nan", NOT_A_DECIMAL),
]


@pytest.mark.parametrize(("value", "message"), TOML_VALUES)
def test_every_bad_number_in_a_configuration_file_is_refused(
    tmp_path: Path, value: str, message: str
) -> None:
    outcome = replay(tmp_path, json.dumps(FIRST), config=f"[pool]\nexit_multiple = {value}\n")
    refused(outcome, f"{tmp_path / 'config.toml'}: pool.exit_multiple", message)


def test_a_bare_decimal_in_a_configuration_file_is_its_text_a_bare_integer_no_amount(
    tmp_path: Path,
) -> None:
    config = "[pool]\nmint_ratio = 0.50\n\n[zones.club.union]\nfunding = 0.5\nlock_days = 15\n"
    code, stdout, stderr = replay(tmp_path, json.dumps(FIRST), config=config)
    assert code == 0, stderr
    assert json.loads(stdout)["pool"]["params"]["mint_ratio"] == "0.5"
    outcome = replay(tmp_path, json.dumps(FIRST), config=config.replace("0.50", "1"))
    refused(outcome, f"{tmp_path / 'config.toml'}: pool.mint_ratio", NOT_A_STRING)


def test_a_key_twice_in_a_json_configuration_is_refused_naming_it(tmp_path: Path) -> None:
    proposal = tmp_path / "proposal.json"
    proposal.write_text('{"pool": {"exit_multiple": "2", "exit_multiple": "100"}}')
    result = runner.invoke(app, ["lint", str(proposal)])
    assert result.exit_code == 1
    assert result.stderr == f"error: {proposal}: exit_multiple: is given twice in one object\n"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own, stderr a pipe (not a terminal), 40 columns."""
    return subprocess.run(
        [sys.executable, "-c", "from zengzhi.cli import app; app()", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "40", "TERM": "xterm-256color"},
        check=False,
    )


def test_an_error_is_one_line_verbatim_whatever_the_width_and_markup(tmp_path: Path) -> None:
    line = json.dumps({"type": "[bold]x[/bold]" + "y" * 300, "id": "z"})
    (tmp_path / "events.jsonl").write_text(line + "\n")
    with pytest.raises(DomainError) as error:
        parse_line(line)
    result = run_cli("replay", str(tmp_path / "events.jsonl"))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == f"error: line 1: {error.value}\n"
    assert "'[bold]x[/bold]" + "y" * 300 in result.stderr and len(result.stderr) > 300


def test_a_line_break_in_an_error_is_written_as_an_escape(tmp_path: Path) -> None:
    config = tmp_path / "odd\n[bold]name.toml"  # a file name may hold both
    config.write_text('[pool]\nmint_ratio = "1"\n')
    (tmp_path / "events.jsonl").write_text("")
    result = run_cli("replay", str(tmp_path / "events.jsonl"), "--config", str(config))
    assert result.returncode == 1
    assert result.stderr == (
        f"error: {tmp_path}/odd\\n[bold]name.toml: pool.mint_ratio: must be below 1 "
        "(got 1): at 1 or more the price no longer rises with each order and the pool's "
        "promise breaks\n"
    )
