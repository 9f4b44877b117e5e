"""A file in another encoding (a GBK export, say) is one line naming it, exit code 1, for
every command that reads one: not a traceback about a codec and a byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from zengzhi.cli import app

runner = CliRunner()
EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.mark.parametrize(
    "command",
    [
        ["lint", "{toml}"],
        ["simulate", "{toml}", "--out", "{out}"],
        ["replay", "{log}"],
        ["replay", str(EXAMPLES / "pool-events.jsonl"), "--config", "{toml}"],
        ["pool", "{log}"],
    ],
)
def test_a_file_that_is_not_utf8_is_named(command: list[str], tmp_path: Path) -> None:
    toml = tmp_path / "gbk.toml"
    toml.write_bytes("name = '消费增值'\n".encode("gbk"))
    log = tmp_path / "gbk.jsonl"
    log.write_bytes('{"type": "order", "id": "订单1"}\n'.encode("gbk"))
    args = [a.format(toml=toml, log=log, out=tmp_path / "out") for a in command]
    result = runner.invoke(app, args)
    named = toml if "{toml}" in command else log
    assert (result.exit_code, result.stderr) == (1, f"error: {named}: not UTF-8 text\n")
